"""Facts in, one resolved graph out (the shape is in `graph/schema.py`).

Identity rules, chosen so that a wrong merge is rarer than a missed one:
- a person is one node per name within a document; across documents two mentions merge only on
  specific agreeing evidence, the same unit or the same post in the same city (`graph.identity`), and
  the merge is recorded as `mentionedIn` edges to every document that supports it, each with the
  evidence that put that document's mention there (`reason`); a "person" that names nobody
  (陈小姐, 加码) gets no node and its facts are dropped;
- an organization is one node per canonical name and city; its parents come from its name
  (`graph.orgs`), and it is located in the most specific place its name or its facts give;
- a place is one node per administrative division, chained up to its province (`graph.places`);
- each person's facts are grouped into a career (`graph.careers`): every Membership carries the first
  and last report date of its post, and a move read from one sentence is a `followedBy` edge.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

import networkx as nx

from zhkg.graph.careers import add_careers
from zhkg.graph.identity import Identity, resolve_people
from zhkg.graph.orgs import org_kind, parent_units
from zhkg.graph.places import add_local_place, add_place
from zhkg.graph.schema import node_key
from zhkg.ner.text.visible import visible
from zhkg.ner.vocabulary import load_gazetteer


def build_graph(documents: Iterable, identity: Identity | None = None) -> nx.MultiDiGraph:
    """`documents` are `zhkg.ner.extract.DocResult`s (anything with .name, .facts, .entities, ...).

    `identity`: what `graph.identity.resolve_people` gave for these documents (their facts then carry
    `person_key`); without it the people are resolved here."""
    if identity is None:
        documents, identity = resolve_people(documents)
    documents = list(documents)
    G = nx.MultiDiGraph()
    gaz = load_gazetteer()
    people, reasons = identity.keys, identity.reasons
    for doc in documents:
        doc_key = node_key("Document", getattr(doc, "ident", doc.name))
        attrs = {"type": "Document", "label": doc.name, "name": doc.name, "path": doc.path, "chars": doc.chars}
        if getattr(doc, "digest", ""):
            attrs["content_hash"] = doc.digest
        attrs.update({k: v for k, v in (("date", doc.date), ("home_city", doc.home_city)) if v})
        G.add_node(doc_key, **attrs)
        for ent in doc.entities:
            if ent["type"] == "PLACE" and ent.get("key"):
                add_place(G, gaz, ent["key"])
            elif ent["type"] == "PLACE" and ent.get("parent_key"):
                add_local_place(G, gaz, ent["name"], ent["parent_key"], ent.get("kind", ""))
        for fact in doc.facts:
            mention = (getattr(doc, "ident", doc.name), fact["person"])
            _add_fact(G, gaz, doc, doc_key, fact, people[mention], identity.why.get(mention, ""))
    for key, reason in reasons.items():
        G.nodes[key]["merge_reason"] = reason
    add_careers(G)

    _no_absolute_paths(G)
    return G


def _no_absolute_paths(G: nx.MultiDiGraph) -> None:
    """A document named by an absolute path keeps only its name (the path relative to the input folder
    it was found in): every export copies `path`, and an absolute one would publish the layout of the
    machine that ran the build (home folders, user names)."""
    for _, d in G.nodes(data=True):
        if d.get("type") == "Document" and os.path.isabs(str(d.get("path", ""))):
            d["path"] = d["name"]


def _edge(G: nx.MultiDiGraph, u: str, v: str, label: str, **attrs) -> None:
    if not G.has_edge(u, v, key=label):
        G.add_edge(u, v, key=label, label=label, **attrs)


def _add_fact(G: nx.MultiDiGraph, gaz, doc, doc_key: str, fact: dict, person: str, why: str = "") -> None:
    if person not in G:
        written = visible(re.sub(r"\([^)]*\)|\s", "", fact.get("person_text") or ""))  # the quote keeps 王\u200b杰
        G.add_node(person, type="Person", label=fact["person"], name=fact["person"], doc=doc.name,
                   **({"city": fact["city"]} if fact.get("city") else {}),
                   **({"alt": written} if written and written != fact["person"] else {}))
    _edge(G, person, doc_key, "mentionedIn", **({"reason": why} if why else {}))
    membership = node_key("Membership", getattr(doc, "ident", doc.name), fact["person"], fact.get("role"), fact.get("unit"), fact["start"])
    attrs = {k: fact[k] for k in ("status", "date", "sentence", "evidence", "start", "end", "rule", "confidence")
             if fact.get(k) is not None}
    label = "·".join(x for x in (fact["person"], fact.get("role"), fact.get("unit")) if x)
    G.add_node(membership, type="Membership", label=label, doc=doc.name,
               **({"role": fact["role"]} if fact.get("role") else {}), **attrs)
    _edge(G, membership, person, "member")
    _edge(G, membership, doc_key, "source")
    if fact.get("role"):
        role = node_key("Role", fact["role"])
        G.add_node(role, type="Role", label=fact["role"], name=fact["role"])
        _edge(G, membership, role, "role")
    city_node = add_place(G, gaz, fact["city_key"]) if fact.get("city_key") else None
    if city_node:
        _edge(G, membership, city_node, "city")
    if fact.get("unit"):
        org = add_organization(G, gaz, fact["unit"], fact.get("city"), city_node)
        _edge(G, membership, org, "organization")


def add_organization(G: nx.MultiDiGraph, gaz, name: str, city: str | None, city_node: str | None) -> str:
    key = node_key("Organization", name, city)
    if key not in G:
        kind = org_kind(name)
        G.add_node(key, type="Organization", label=name, name=name, **({"city": city} if city else {}),
                   **({"kind": kind} if kind else {}))
        if city_node:
            _edge(G, key, city_node, "location")
        parents = parent_units(name)
        if parents:
            parent = add_organization(G, gaz, parents[0], city, city_node)
            _edge(G, key, parent, "subOrganizationOf")
    return key
