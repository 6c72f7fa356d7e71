"""The linking rates of a finished build, read back from its folder.

    python -m zhkg.rates OUT

reads ``OUT/entities.jsonl`` and ``OUT/graph.graphml`` and prints `zhkg.graph.rates.linking_rates`
of them. The reading lives here, beside the build that wrote the files, so that `graph/` works on
what a build holds in memory and opens no exported file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

from zhkg.exports.outputs import ENTITIES, GRAPHML
from zhkg.graph.rates import linking_rates


def read_linking_rates(out: str | Path) -> dict[str, float | int]:
    """The rates of the build in folder `out`, from its entities.jsonl and graph.graphml."""
    out = Path(out)
    return linking_rates(nx.read_graphml(out / GRAPHML), _rows(out / ENTITIES))


def _rows(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Linking rates of a zhkg build.")
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    for key, value in read_linking_rates(args.out).items():
        print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
