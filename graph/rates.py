"""How much of a build is linked: the figures issue readers ask for before they trust a graph.

    python -m zhkg.graph.rates OUT

reads ``OUT/entities.jsonl`` and ``OUT/graph.graphml`` and prints the share of place mentions with a
division code (their own, or the division they lie in), of facts with a city, of units placed in a
place and under a parent unit, and the persons merged across documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import networkx as nx


def linking_rates(out: Path) -> dict[str, float | int]:
    places = [e for e in _rows(out / "entities.jsonl") if e["type"] == "PLACE"]
    G = nx.read_graphml(out / "graph.graphml")
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


def _rows(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Linking rates of a zhkg build.")
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    for key, value in linking_rates(args.out).items():
        print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
