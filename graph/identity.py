"""Who is who across documents: one node per person, merged only on agreeing evidence.

Within a document a name is one person (news does not reuse a name for two people in one article).
Across documents two same-named people are merged only when the cities or the units of their posts
agree; the agreement that joined them is kept on the node (`merge_reason`) so a reader can judge it.
Two 王杰 of different cities never meet, and a name with no city or unit in either document stays
apart: a missed merge is cheaper than a false one. A national post held without a unit (习近平总书记,
蔡英文总统) is evidence too: a country has one holder of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from zhkg.graph.schema import node_key
from zhkg.ner.vocabulary import NATIONAL_TITLES


def person_keys(documents: Iterable) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(doc, name) → person node key, and node key → merge reason (only for merged people)."""
    evidence: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc in documents:
        for fact in doc.facts:
            key = (getattr(doc, "ident", doc.name), fact["person"])
            evidence[key]  # a person with facts but no city or unit still gets a node
            for label, value in (("city", fact.get("city")), ("unit", fact.get("unit"))):
                if value:
                    evidence[key].add(f"{label} {value}")
            if fact.get("role") in NATIONAL_TITLES and not fact.get("unit"):
                evidence[key].add(f"national post {fact['role']}")  # 习近平总书记: one person in every document
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in evidence:
        by_name[key[1]].append(key)
    keys: dict[tuple[str, str], str] = {}
    reasons: dict[str, str] = {}
    for name, members in by_name.items():
        groups: list[tuple[list[tuple[str, str]], set[str], set[str]]] = []
        for member in sorted(members):
            joined = [g for g in groups if g[1] & evidence[member]]
            if not joined:
                groups.append(([member], set(evidence[member]), set()))
                continue
            first = joined[0]
            first[0].append(member)
            first[2].update(first[1] & evidence[member])
            first[1].update(evidence[member])
            for other in joined[1:]:
                first[0].extend(other[0])
                first[1].update(other[1])
                first[2].update(other[2])
                groups.remove(other)
        for docs, facts, shared in groups:
            anchor = min((e for e in facts if e.startswith("city ")), default=None)
            key = node_key("Person", name, anchor[5:]) if anchor else node_key("Person", name, "", docs[0][0])
            for member in docs:
                keys[member] = key
            if len(docs) > 1:
                reasons[key] = f"same name and {', '.join(sorted(shared))} in {len(docs)} documents"
    return keys, reasons
