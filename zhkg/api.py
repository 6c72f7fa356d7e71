"""The Python API for notebooks: facts from a string, a networkx graph from texts or files.

The same pipeline and records as `zhkg build` (so `extract` returns exactly the rows facts.jsonl
would hold, normalization and Traditional→Simplified folding included); the pipeline is loaded once
per model and kept, because loading it costs about two seconds and tagging a sentence milliseconds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache

import networkx as nx
from spacy.language import Language

from zhkg.graph.build import build_graph
from zhkg.ner.extract import DocResult, run
from zhkg.ner.pipeline import load_pipeline
from zhkg.ner.text.reading import Source, iter_sources


@lru_cache(maxsize=4)
def _nlp(model: str | None) -> Language:
    return load_pipeline(model)


def _results(sources: list[Source], model: str | None) -> list[DocResult]:
    return list(run(_nlp(model), sources)) if sources else []


def extract(text: str, model: str | None = None, name: str = "text") -> list[dict]:
    """Facts of one text, as the rows of facts.jsonl (`doc` is `name`; offsets index `text` as given).

    >>> [f["person"] for f in extract("臺南市長黃偉哲今天表示")]  # doctest: +SKIP
    ['黄伟哲']
    """
    return _results([Source(name, name, text, "str")], model)[0].facts


def documents(items: Iterable[str | os.PathLike[str]], model: str | None = None) -> list[DocResult]:
    """Tag texts and paths: a path (or folder) that exists is read like `zhkg build` reads it, any
    other string is taken as article text and named `text-<i>`."""
    sources: list[Source] = []
    for i, item in enumerate(items):
        if isinstance(item, os.PathLike) or (len(str(item)) < 4096 and "\n" not in str(item)
                                              and os.path.exists(str(item))):
            for src in iter_sources([os.fspath(item)]):
                if isinstance(src, Source):
                    sources.append(src)
                    continue
                raise OSError(f"cannot read {src.path}: {src.reason}")
        else:
            sources.append(Source(f"text-{i}", f"text-{i}", str(item), "str"))
    return _results(sources, model)


def to_networkx(items: Iterable[str | os.PathLike[str]], model: str | None = None) -> nx.MultiDiGraph:
    """The resolved graph of texts or paths (people, units, places, facts as Membership nodes;
    the shape is in `zhkg.graph.schema`), the graph `zhkg build` exports."""
    return build_graph(documents(items, model))


__all__ = ["documents", "extract", "to_networkx"]
