"""Who is who across documents: one node per person, merged only on specific, agreeing evidence.

Within a document a name is one person (news does not reuse a name for two people in one article).
Across documents, each mention (a document and a name) brings evidence items, read from its own facts:
- `unit U of C`: the same unit (the form the person's other facts give it, `graph.posts`) in city C;
- `post P of C`: the same post family (市长, 局长 of …) in city C (a district's city is its city);
- `national post P`: a country has one 总书记, one 总统.
A fact that names no city takes the document's home city: the release of a city hall speaks of its
own bureaus. A city alone is no evidence: `city 台南市` is on most mentions of a Tainan corpus.

Clustering is conservative (`_Name.cluster`): items are taken most-shared first, and an item joins two
groups only where each holds it on its own account: in a group of three or more, at least two members
must hold it, so a value one member got by mistake (崇明国中 read as a city) never pulls in a newcomer.
Two groups holding different exclusive posts in the same city in overlapping months (a district chief
and a city councillor) are never joined, whatever else they share. Then a small group whose city the
text never stated (市長黃偉哲 in a release whose home city the tagger got wrong) joins the one group of
its name that holds the same post or unit with the city stated, if there is exactly one.

Each member keeps the item it joined by (`Identity.why`); `merge_reason` groups those per item.
Strings that name nobody (a one-character surname and 小姐, a word in `not_person`) are dropped first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from zhkg.graph.posts import canonical_units, role_family, same_unit, words
from zhkg.graph.schema import node_key
from zhkg.ner.text.normalize import to_simplified
from zhkg.ner.vocabulary import ADDRESS_FORMS, ANONYMOUS_MARKS, NATIONAL_TITLES, load_gazetteer

Mention = tuple[str, str]  # (document ident, name)
Item = tuple[str, str, str]  # (kind: unit|post|national, value, city or "")

_LATIN_OR_DIGIT = re.compile(r"^[\W\d_]+$")
MAX_REASON_DOCS = 3
DOMINANCE = 5  # a post's holder of this name that many times as often as all others is "the" holder
CONTEXT_GROUP = 3  # groups this large tell where a document's people work
CHANGES = ("new", "former")  # statuses that say a post was taken or left
SHARE = 10  # a value held by fewer than 1/SHARE of a large group does not speak for it


def plausible_person(name: str) -> bool:
    """False for what the tagger read as a name but names nobody: a word of `not_person`, a form of
    address after a one-character surname (陈小姐), one character, or no letter at all."""
    if not name or len(name) < 2 or _LATIN_OR_DIGIT.match(name) or name in words("not_person"):
        return False
    if all(ch in "".join(ANONYMOUS_MARKS) for ch in name[1:]):
        return False  # 张某, 张某某
    return not any(name.endswith(s) and len(name) - len(s) <= 1 for s in ADDRESS_FORMS)


@dataclass
class Identity:
    """The outcome: (doc ident, name) → person node key; node key → merge reason (merged people
    only); (doc ident, name) → the evidence that put this mention in its person."""

    keys: dict[Mention, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    why: dict[Mention, str] = field(default_factory=dict)
    dropped: int = 0  # facts whose person is no plausible name


def resolve_people(documents: Iterable) -> tuple[list, Identity]:
    """The documents with implausible persons' facts dropped and `person_key` on every fact (placed
    after `person`), and the identity that gave the keys."""
    documents = list(documents)
    kept, dropped = [], 0
    for doc in documents:
        facts = [f for f in doc.facts if plausible_person(f["person"])]
        dropped += len(doc.facts) - len(facts)
        kept.append(replace(doc, facts=facts) if len(facts) != len(doc.facts) else doc)
    identity = person_keys(kept)
    identity.dropped = dropped
    out = []
    for doc in kept:
        ident = getattr(doc, "ident", doc.name)
        facts = [_with_key(f, identity.keys[(ident, f["person"])]) for f in doc.facts]
        out.append(replace(doc, facts=facts))
    return out, identity


def _with_key(fact: dict, key: str) -> dict:
    out: dict = {}
    for k, v in fact.items():
        if k != "person_key":
            out[k] = v
        if k == "person":
            out["person_key"] = key
    return out


def person_keys(documents: Iterable) -> Identity:
    """Resolve every (document, name) of the documents' facts to a person node key."""
    gaz = load_gazetteer()
    by_name: dict[str, dict[str, list[tuple[object, dict]]]] = defaultdict(dict)
    for doc in documents:
        ident = getattr(doc, "ident", doc.name)
        for fact in doc.facts:
            by_name[fact["person"]].setdefault(ident, []).append((doc, fact))
    first = {name: _Name(name, by_name[name], gaz) for name in sorted(by_name)}
    for group in first.values():
        group.cluster()
        group.join_unstated()
    context = _document_cities(first.values())
    identity = Identity()
    for name in sorted(by_name):
        _Name(name, by_name[name], gaz, context).resolve(identity)
    return identity


def _document_cities(names: Iterable[_Name]) -> dict[str, Counter]:
    """Where the people of a document work, when the document's own context says otherwise: the city
    most of its other people's groups (of CONTEXT_GROUP mentions or more) sit in. A release of 台南市
    whose home city the tagger read from a street (海安路 → 海安市) still names 台南市's bureau chiefs."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for group in names:
        for root in {group.find(i) for i in range(len(group.mentions))}:
            if group.size(root) < CONTEXT_GROUP:
                continue
            city = group._city_of(root)
            for i in group.members(root):
                votes[group.mentions[i].ident][(group.name, city)] += 1
    return votes


def _context_city(votes: Counter, name: str) -> str:
    """The city most of a document's other people (not `name`) work in, when more than half do."""
    cities = Counter(city for other, city in votes if other != name)
    if not cities:
        return ""
    city, n = min(cities.items(), key=lambda cn: (-cn[1], cn[0]))
    return city if city and 2 * n > sum(cities.values()) else ""


@dataclass
class _Mention:
    ident: str
    items: dict[Item, bool] = field(default_factory=dict)  # item → its city stated in the text
    posts: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # exclusive (post, unit, city) → days
    cities: Counter = field(default_factory=Counter)
    stated: set[str] = field(default_factory=set)  # cities the text itself names
    changes: set[Item] = field(default_factory=set)  # items of a post the text says was taken or left


class _Name:
    """Every mention of one name, clustered."""

    def __init__(self, name: str, docs: dict[str, list[tuple[object, dict]]], gaz,
                 context: dict[str, Counter] | None = None) -> None:
        self.name, self.gaz, self.context = name, gaz, context or {}
        units = canonical_units(f.get("unit") or "" for rows in docs.values() for _, f in rows)
        exclusive = set(words("exclusive_post"))
        weak = set(words("weak_post"))
        self.mentions: list[_Mention] = []
        for ident in sorted(docs):
            m = _Mention(ident)
            for doc, fact in docs[ident]:
                city, stated = self._city(doc, fact)
                if not stated and ident in self.context:
                    city = _context_city(self.context[ident], name) or city
                family = role_family(fact.get("role"))
                unit = units.get(fact.get("unit") or "", "")
                if stated and city:
                    m.stated.add(city)
                if city:
                    m.cities[city] += 1
                if unit:
                    m.items[("unit", unit, city)] = m.items.get(("unit", unit, city), False) or stated
                if family and family not in weak:
                    m.items[("post", family, city)] = m.items.get(("post", family, city), False) or stated
                if fact.get("status") in CHANGES:
                    m.changes.update(it for it in (("unit", unit, city), ("post", family, city)) if it in m.items)
                if family in NATIONAL_TITLES and (not fact.get("unit") or not fact.get("city")):  # 行政院政务委员 too
                    m.items[("national", family, "")] = True
                if family in exclusive and city:
                    day = str(fact.get("date") or getattr(doc, "date", "") or "")
                    m.posts.setdefault((family, unit, city), []).append(day)
            self.mentions.append(m)
        self.parent = list(range(len(self.mentions)))
        self.group = [[i] for i in range(len(self.mentions))]
        self.counts = [Counter(dict.fromkeys(m.items, 1)) for m in self.mentions]
        self.changes = [set(m.changes) for m in self.mentions]
        self.held = [Counter(dict.fromkeys(m.posts, 1)) for m in self.mentions]  # exclusive post → members holding it
        self.span = [{p: (min(ds), max(ds)) for p, ds in m.posts.items()} for m in self.mentions]
        self.why: dict[int, str] = {}

    def _city(self, doc, fact: dict) -> tuple[str, bool]:
        """The city of the fact's post (a district's city is its city, `_seat`; no city: the
        document's home city) and whether the text gave it: named in the evidence, or a city other
        than the document's home city (which the rules can only have read from the sentence)."""
        home = self._home(doc, fact)
        div = self.gaz.get(fact["city_key"]) if fact.get("city_key") else self._division(fact.get("city") or "")
        if div is None:
            city = fact.get("city") or ""
            names = [city]
        else:
            top = self._seat(div)
            names = [div.name, *div.short_names, top.name, *top.short_names]
            city = top.name
        if not city:
            return home, False
        text = to_simplified(fact.get("evidence") or "")
        return city, any(n and n in text for n in names) or bool(home) and city != home

    def _home(self, doc, fact: dict) -> str:
        """The document's home city at prefecture level (崇明区 → 上海市), "" when it has none."""
        code = getattr(doc, "home_code", None)
        name = getattr(doc, "home_city", None) or fact.get("home_city") or ""
        div = (self.gaz.get(code) if code else None) or self._division(name)
        return self._seat(div).name if div is not None else name

    def _seat(self, div):
        """Where a post of this division sits for identity: a district (区), a town or a village in
        its city (永康区 → 台南市, 崇明区 → 上海市); a county or county-level city is its own."""
        county = self.gaz.county_of(div)
        if county is not None and not county.name.endswith("区"):
            return county
        return self.gaz.city_of(div) or county or div

    def _division(self, name: str):
        """The one division of that full name, None when none or several (a name the gazetteer
        holds twice is left as written)."""
        found = [d for d in self.gaz.lookup(name) if d.name == name] if name else []
        return found[0] if len(found) == 1 else None

    # ---- union-find over mentions

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def members(self, root: int) -> list[int]:
        return self.group[root]

    def size(self, root: int) -> int:
        return len(self.group[root])

    def established(self, root: int, item: Item) -> bool:
        """The group holds the item on more than one member's word (or is too small to ask it), or a
        member's text says the post was taken or left (升任 …: no misread city)."""
        return self.counts[root][item] >= _need(self.size(root)) or item in self.changes[root]

    def _posts(self, root: int) -> dict[tuple[str, str, str], tuple[str, str]]:
        need = _need(self.size(root))
        return {p: span for p, span in self.span[root].items() if self.held[root][p] >= need}

    def conflict(self, a: int, b: int) -> bool:
        """Different exclusive posts in one city in overlapping months: two people. Posts differ by
        family (区长, 议员), or by unit where both name one (校长 of two schools)."""
        pa, pb = self._posts(a), self._posts(b)
        for p, (a0, a1) in pa.items():
            if p in pb:
                continue
            for q, (b0, b1) in pb.items():
                differ = q[0] != p[0] or (q[1] and p[1] and not same_unit(q[1], p[1]))
                overlap = not (a0 and b1 and a1 and b0) or (a0 <= b1 and b0 <= a1)
                if q[2] == p[2] and differ and q not in pa and overlap:
                    return True
        return False

    def union(self, a: int, b: int) -> int:
        if self.size(a) < self.size(b):
            a, b = b, a
        for i in self.group[b]:
            self.parent[i] = a
        self.group[a] += self.group[b]
        self.group[b] = []
        self.counts[a] += self.counts[b]
        self.changes[a] |= self.changes[b]
        self.held[a] += self.held[b]
        for p, (b0, b1) in self.span[b].items():
            a0, a1 = self.span[a].get(p, (b0, b1))
            self.span[a][p] = (min(a0, b0), max(a1, b1))
        return a

    # ---- the two passes

    def cluster(self) -> None:
        holders: dict[Item, list[int]] = defaultdict(list)
        for i, m in enumerate(self.mentions):
            for item in m.items:
                if item[2] or item[0] == "national":
                    holders[item].append(i)
        for item in sorted(holders, key=lambda it: (-len(holders[it]), it[0] != "unit", it)):  # a unit says most
            roots = list(dict.fromkeys(self.find(i) for i in holders[item]))
            roots = [r for r in roots if self.established(r, item)]
            if len(roots) < 2:
                continue
            roots.sort(key=lambda r: (-self.size(r), r))
            base, marked = roots[0], False
            for other in roots[1:]:
                if self.conflict(base, other):
                    continue
                for i in (self.members(other) if marked else self.members(base) + self.members(other)):
                    if item in self.mentions[i].items:
                        self.why.setdefault(i, _describe(item))
                base, marked = self.union(base, other), True

    def join_unstated(self) -> None:
        """A group whose post or unit city the text never states joins the group of this name that
        holds that post or unit (twice at least, with a city) when that group is the only one, or holds
        it DOMINANCE times as often as all other groups together."""
        roots = sorted({self.find(i) for i in range(len(self.mentions))}, key=lambda r: (self.size(r), r))
        holds: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for r in roots:
            for i in self.members(r):
                for k, v, c in self.mentions[i].items:
                    if k != "national" and c:
                        holds[(k, v)][r] += 1
        moves: dict[int, tuple[int, tuple[str, str]]] = {}
        for r in roots:
            members = self.members(r)
            stated_cities = set().union(*(self.mentions[i].stated for i in members))
            targets: dict[int, tuple[str, str]] = {}
            for i in members:
                for (k, v, _c), stated in self.mentions[i].items.items():
                    if k == "national" or stated:
                        continue
                    t = _dominant(holds.get((k, v), Counter()), r)
                    if t is not None and self.size(t) > self.size(r):
                        targets.setdefault(t, (k, v))
            if len(targets) != 1:
                continue
            (t, kv), = targets.items()
            if stated_cities - {self._city_of(t)} or self.conflict(t, r):
                continue
            moves[r] = (t, kv)
        for r, (t, (k, v)) in moves.items():
            for i in self.members(r):
                self.why[i] = f"{k} {v}, its city not stated (the {self.name} who holds it)"
            self.union(self.find(t), r)

    def _city_of(self, root: int) -> str:
        """The city the group's members name most (the text's own cities first)."""
        stated: Counter = Counter()
        cities: Counter = Counter()
        for i in self.members(root):
            stated.update(self.mentions[i].stated)
            cities.update(self.mentions[i].cities.keys())
        pool = stated or cities
        return min(pool, key=lambda c: (-pool[c], c)) if pool else ""

    def resolve(self, identity: Identity) -> None:
        self.cluster()
        self.join_unstated()
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.mentions)):
            groups[self.find(i)].append(i)
        taken: set[str] = set()
        for root, members in sorted(groups.items(), key=lambda g: (-len(g[1]), g[1][0])):
            national = any(k == "national" and self.established(root, (k, v, c)) for k, v, c in self.counts[root])
            city = "" if national else self._city_of(root)
            first = self.mentions[members[0]].ident
            key = node_key("Person", self.name, city) if city or national else node_key("Person", self.name, "", first)
            if key in taken:
                key = node_key("Person", self.name, city, first)
            taken.add(key)
            for i in members:
                mention = (self.mentions[i].ident, self.name)
                identity.keys[mention] = key
                if len(members) > 1:
                    identity.why[mention] = self.why.get(i, "")
            if len(members) > 1:
                identity.reasons[key] = _reason(self.name, [(self.mentions[i].ident, self.why.get(i, "")) for i in members])


def _dominant(holders: Counter, besides: int) -> int | None:
    """The group (other than `besides`) that holds a post twice or more and DOMINANCE times as often
    as every other group together; None when there is no such group."""
    counts = sorted(((n, r) for r, n in holders.items() if r != besides), reverse=True)
    if not counts or counts[0][0] < 2:
        return None
    rest = sum(n for n, _ in counts[1:])
    return counts[0][1] if counts[0][0] >= DOMINANCE * rest else None


def _need(size: int) -> int:
    """How many members of a group must hold a value for it to speak for the group: one of one or
    two, else two and at least a tenth (two mistaken reads among 1,400 mentions of a mayor are noise)."""
    return 1 if size <= 2 else max(2, -(-size // SHARE))


def _describe(item: Item) -> str:
    kind, value, city = item
    if kind == "national":
        return f"national post {value}"
    return f"{kind} {value} of {city}" if city else f"{kind} {value}"


def _reason(name: str, members: list[tuple[str, str]]) -> str:
    """`same name in N documents: post 市长 of 台南市 in 1402; unit 民政局 of 台南市 in 2 (a.txt, b.txt)`."""
    by: dict[str, list[str]] = defaultdict(list)
    for ident, why in members:
        by[why or "the group it joined"].append(ident.split("#", 1)[0])
    parts = []
    for why, docs in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        listed = f" ({', '.join(docs)})" if len(docs) <= MAX_REASON_DOCS else ""
        parts.append(f"{why} in {len(docs)}{listed}")
    return f"same name {name} in {len(members)} documents: " + "; ".join(parts)


def mentions(identity: Identity) -> Iterator[tuple[Mention, str]]:
    """Every (doc ident, name) with its person key, in a stable order."""
    yield from sorted(identity.keys.items())


__all__ = ["Identity", "mentions", "person_keys", "plausible_person", "resolve_people"]
