"""How much of a build is linked: the figures issue readers ask for before they trust a graph.

The share of place mentions with a division code (their own, or the division they lie in), of facts
with a city and a unit, of units placed in a place and under a parent unit, and the persons merged
across documents. Computed from the graph and the entity records the build holds, never from files
it wrote: `python -m zhkg.rates OUT` reads a finished build back and asks the same question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import networkx as nx


def linking_rates(G: nx.MultiDiGraph, entities: Iterable[dict]) -> dict[str, float | int]:
    """The rates of graph `G` (as `graph.build.build_graph` gives it) and its `entities` records."""
    places = [e for e in entities if e["type"] == "PLACE"]
    types = Counter(d["type"] for _, d in G.nodes(data=True))
    edges = Counter((G.nodes[u]["type"], d["label"]) for u, _, d in G.edges(data=True))
    located_units = {u for u, _, d in G.edges(data=True) if d["label"] == "location"}
    parented = {u for u, _, d in G.edges(data=True) if d["label"] == "subOrganizationOf"}
    memberships = types["Membership"]
    return {
        "place_mentions": len(places),
        "place_own_code": _share(sum(1 for e in places if e.get("key")), len(places)),
        "place_code_or_parent": _share(sum(1 for e in places if e.get("key") or e.get("parent_key")), len(places)),
        "facts": memberships,
        "facts_with_city": _share(edges["Membership", "city"], memberships),
        "facts_with_unit": _share(edges["Membership", "organization"], memberships),
        "units": types["Organization"],
        "units_located": _share(len(located_units), types["Organization"]),
        "units_with_parent": _share(len(parented), types["Organization"]),
        "persons": types["Person"],
        "persons_merged_across_documents": sum(1 for _, d in G.nodes(data=True)
                                               if d["type"] == "Person" and d.get("merge_reason")),
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


__all__ = ["linking_rates"]
