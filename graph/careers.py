"""Careers: each person's posts in order, with the first and last day a report names them.

A fact is one report of a post on one day; a career entry (a tenure) gathers the reports of one post
of one person: the same post family (`graph.posts.role_family`) in the same unit (the shortest form
the person's facts give it) or, for a post of a city itself (市长 of 台南市), in the same city. A
report whose unit is a misread (日台 beside 市长) and that holds less than a tenth of the person's
reports of that post family, with nothing but `current` to say, is counted with the main post of the
family instead of making a post of its own.

The report days are what the texts say, not when a post began or ended: `first_date`/`last_date` are
the first and last report of the post. A move is read from one sentence only: the same person, one
fact `former` and another `new`/`current`/`acting` (调任, 升任, 辞去 … in the rules) link the old post
to the new one (`followedBy` between the two facts, `followed_by` between the tenures).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

from zhkg.graph.posts import canonical_units, role_family
from zhkg.graph.schema import node_key

MOVED_TO = ("new", "current", "acting")
MINOR_SHARE = 10


@dataclass
class Tenure:
    """One post of one person across reports (see the module's docstring)."""

    key: str
    person: str
    role: str
    unit: str = ""
    organization: str = ""  # Organization node key ("" when the post sits in a city itself)
    city: str = ""  # Place node key
    first_date: str = ""
    last_date: str = ""
    status: str = ""  # the status of the latest report
    memberships: list[str] = field(default_factory=list)
    followed_by: list[str] = field(default_factory=list)  # tenure keys


def _out(G: nx.MultiDiGraph, node: str, label: str) -> str:
    return next((v for _, v, lab in G.out_edges(node, data="label") if lab == label), "")


def add_careers(G: nx.MultiDiGraph) -> list[Tenure]:
    """Group every person's Membership nodes into tenures, write `first_date`, `last_date` and
    `tenure` on each Membership, add `followedBy` edges for moves; returns the tenures in order
    (person, first date) and keeps them in `G.graph["tenures"]`."""
    by_person: dict[str, list[str]] = defaultdict(list)
    for m, p, label in G.edges(data="label"):
        if label == "member" and G.nodes[m].get("type") == "Membership":
            by_person[p].append(m)
    tenures: list[Tenure] = []
    for person in sorted(by_person):
        tenures += _person_tenures(G, person, sorted(by_person[person]))
    tenures.sort(key=lambda t: (t.person, t.first_date or "9", t.last_date, t.key))
    G.graph["tenures"] = tenures
    return tenures


def _person_tenures(G: nx.MultiDiGraph, person: str, memberships: list[str]) -> list[Tenure]:
    orgs = {m: _out(G, m, "organization") for m in memberships}
    units = canonical_units(G.nodes[o]["name"] for o in orgs.values() if o)
    posts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in memberships:
        d = G.nodes[m]
        org = orgs[m]
        unit = units.get(G.nodes[org]["name"], "") if org else ""
        posts[(role_family(d.get("role")) or "", unit or _out(G, m, "city"))].append(m)
    posts = _fold_minor(G, posts)
    tenures: dict[str, Tenure] = {}
    of: dict[str, Tenure] = {}
    for (family, where), ms in posts.items():
        t = _tenure(G, person, family, where, ms, orgs)
        tenures[t.key] = t
        of.update(dict.fromkeys(ms, t))
    for m, t in of.items():
        G.nodes[m].update({k: v for k, v in (("tenure", t.key), ("first_date", t.first_date),
                                              ("last_date", t.last_date)) if v})
    _moves(G, memberships, of)
    return list(tenures.values())


def _fold_minor(G: nx.MultiDiGraph, posts: dict[tuple[str, str], list[str]]) -> dict[tuple[str, str], list[str]]:
    """Reports of a family's minor unit (under a tenth of the family's reports, all `current`) go to
    the family's main post: 市长 of 日台 is 市长 of 台南市 misread."""
    by_family: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in posts:
        by_family[key[0]].append(key)
    out = dict(posts)
    for keys in by_family.values():
        if len(keys) < 2:
            continue
        main = max(keys, key=lambda k: (len(posts[k]), k))
        total = sum(len(posts[k]) for k in keys)
        for k in keys:
            plain = all(G.nodes[m].get("status", "current") == "current" for m in posts[k])
            if k != main and plain and len(posts[k]) * MINOR_SHARE < total:
                out[main] = out[main] + out.pop(k)
    return out


def _tenure(G: nx.MultiDiGraph, person: str, family: str, where: str, ms: list[str], orgs: dict[str, str]) -> Tenure:
    nodes = [G.nodes[m] for m in ms]
    roles = Counter(d.get("role", "") for d in nodes)
    role = min(roles, key=lambda r: (-roles[r], r != family, r))
    org_counts = Counter(orgs[m] for m in ms if orgs[m])
    org = min(org_counts, key=lambda o: (-org_counts[o], -len(o), o)) if org_counts else ""
    cities = Counter(c for c in (_out(G, m, "city") for m in ms) if c)
    city = min(cities, key=lambda c: (-cities[c], c)) if cities else ""
    dates = sorted(str(d["date"]) for d in nodes if d.get("date"))
    latest = max(nodes, key=lambda d: (str(d.get("date") or ""), str(d.get("doc", "")), d.get("start", 0)))
    return Tenure(node_key("Tenure", person, family, where), person, role or family,
                  G.nodes[org]["name"] if org else "", org, city, dates[0] if dates else "",
                  dates[-1] if dates else "", str(latest.get("status", "")), sorted(ms))


def _moves(G: nx.MultiDiGraph, memberships: list[str], of: dict[str, Tenure]) -> None:
    """Within one sentence of one document: a former post, then the new one."""
    by_sentence: dict[tuple, list[str]] = defaultdict(list)
    for m in memberships:
        d = G.nodes[m]
        if "sentence" in d:
            by_sentence[(d.get("doc"), d["sentence"])].append(m)
    for ms in by_sentence.values():
        old = [m for m in ms if G.nodes[m].get("status") == "former"]
        new = [m for m in ms if G.nodes[m].get("status") in MOVED_TO]
        for a in old:
            for b in new:
                if of[a] is not of[b]:
                    if not G.has_edge(a, b, key="followedBy"):
                        G.add_edge(a, b, key="followedBy", label="followedBy")
                    if of[b].key not in of[a].followed_by:
                        of[a].followed_by.append(of[b].key)


def career(G: nx.MultiDiGraph, person: str) -> list[Tenure]:
    """The tenures of one person node, in order of first report."""
    return [t for t in G.graph.get("tenures", ()) if t.person == person]


__all__ = ["Tenure", "add_careers", "career"]
