"""What a build writes beside the graph files for people rather than triple stores: the report, the
spreadsheet, the person–unit projection for Gephi and the vocabulary the RDF uses.

Kept in one function so `zhkg build` adds a single call; the file names are `outputs.COMPANIONS`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx

from . import outputs
from .gexf import write_gexf
from .graphml import write_graphml
from .projection import person_unit_graph
from .report import write_report
from .spreadsheet import write_facts_csv

VOCAB_PATH = Path(__file__).with_name("vocab.ttl")
COMPANION_OUTPUTS = outputs.COMPANIONS


def write_companions(G: nx.MultiDiGraph, documents: Sequence, folder: str | Path,
                     skipped: Iterable[tuple[str, str]] = ()) -> tuple[str, ...]:
    """Write every file of COMPANION_OUTPUTS into `folder`; returns their names."""
    folder = Path(folder)
    write_facts_csv(documents, folder / outputs.FACTS_CSV)
    P = person_unit_graph(G)
    write_graphml(P, folder / outputs.PEOPLE_GRAPHML)
    write_gexf(P, folder / outputs.PEOPLE_GEXF)
    shutil.copyfile(VOCAB_PATH, folder / outputs.VOCAB)
    write_report(G, documents, folder / outputs.REPORT, skipped=skipped)
    return COMPANION_OUTPUTS


__all__ = ["COMPANION_OUTPUTS", "VOCAB_PATH", "write_companions"]
