"""The Python API for notebooks: facts from a string, a networkx graph from texts or files.

The same pipeline and records as `zhkg build` (so `extract` returns exactly the rows facts.jsonl
would hold, normalization and Traditional→Simplified folding included); the pipeline is loaded once
per model and kept, because loading it costs about two seconds and tagging a sentence milliseconds.

`documents` and `to_networkx` take paths and texts in one list. A string is a path when one exists
there; a string that only looks like one (it ends with `/` or a file suffix such as `.txt`, or holds
a `/` and no sentence punctuation) but names nothing is an error (FileNotFoundError), never tagged as
an article that reads "seedz/". `Text(s)` is always text, whatever it looks like.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from zhkg.ner.extract import DocResult, run
from zhkg.ner.text.reading import Source, iter_sources

if TYPE_CHECKING:
    import networkx as nx
    from spacy.language import Language

# suffixes of files a user may mean (those the reader reads, and those of corpora in other forms)
_FILE_SUFFIXES = (".txt", ".md", ".jsonl", ".json", ".html", ".htm", ".docx", ".csv", ".gz", ".xml")
_SENTENCE_MARKS = set("，。！？；：、“”「」（）,;!?")


class Text(str):
    """A string that `documents` and `to_networkx` tag as article text, never read as a path:
    `zhkg.to_networkx([zhkg.Text("体育处/高致洁")])`."""

    __slots__ = ()


@lru_cache(maxsize=4)
def _nlp(model: str | None) -> Language:
    from zhkg.ner.pipeline import load_pipeline

    return load_pipeline(model, fold=False)  # `run` normalizes (and so folds) every text first


def load_pipeline(model: str | None = None) -> Language:
    """The spaCy pipeline of `zhkg build` (`zhkg.ner.load_pipeline`): `nlp(text)` takes Simplified or
    Traditional text (folded to Simplified in the tokenizer, one character for one, so offsets index
    `text`); `doc.ents` are PERSON, ORG, PLACE and ROLE, `doc._.facts` the facts. What the build adds
    besides (repairing damaged converter output, invisible characters) is `extract`'s."""
    from zhkg.ner.pipeline import load_pipeline as load

    return load(model)


def _results(sources: list[Source], model: str | None) -> list[DocResult]:
    return list(run(_nlp(model), sources)) if sources else []


def extract(text: str, model: str | None = None, name: str = "text") -> list[dict]:
    """Facts of one text, as the rows of facts.jsonl (`doc` is `name`; offsets index `text` as given).

    >>> [f["person"] for f in extract("臺南市長黃偉哲今天表示")]  # doctest: +SKIP
    ['黄伟哲']
    """
    return _results([Source(name, name, text, "str")], model)[0].facts


def looks_like_path(item: str) -> bool:
    """Whether a string that names no file was meant as one (module docstring)."""
    if not item or len(item) > 4096 or "\n" in item:
        return False
    seps = ("/", os.sep)
    if item.endswith(seps) or item.lower().endswith(_FILE_SUFFIXES):
        return True
    return any(s in item for s in seps) and _SENTENCE_MARKS.isdisjoint(item)


def _is_path(item: str | os.PathLike[str]) -> bool:
    """True for a path to read; FileNotFoundError for one that names nothing; False for text."""
    if isinstance(item, Text):
        return False
    if isinstance(item, os.PathLike):
        path = os.fspath(item)
    elif len(item) < 4096 and "\n" not in item and "\0" not in item and os.path.lexists(item):
        return True
    elif looks_like_path(item):
        path = item
    else:
        return False
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, "no such file or folder (to tag a string as article text "
                                "whatever it looks like, pass zhkg.Text(string))", path)
    return True


def documents(items: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
              model: str | None = None) -> list[DocResult]:
    """Tag texts and paths: a path (or folder) that exists is read like `zhkg build` reads it; a string
    that looks like a path but names nothing raises FileNotFoundError (module docstring); any other
    string, and every `Text`, is taken as article text and named `text-<i>`. One path or text alone
    may be given without a list."""
    if isinstance(items, (str, os.PathLike)):
        items = [items]
    sources: list[Source] = []
    for i, item in enumerate(items):
        if _is_path(item):
            for src in iter_sources([os.fspath(item)]):
                if isinstance(src, Source):
                    sources.append(src)
                    continue
                raise OSError(f"cannot read {src.path}: {src.reason}")
        else:
            sources.append(Source(f"text-{i}", f"text-{i}", str(item), "str"))
    return _results(sources, model)


def to_networkx(items: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
                model: str | None = None) -> nx.MultiDiGraph:
    """The resolved graph of texts or paths (people, units, places, facts as Membership nodes;
    the shape is in `zhkg.graph.schema`), the graph `zhkg build` exports. Paths and texts as for
    `documents`."""
    from zhkg.graph.build import build_graph

    return build_graph(documents(items, model))


__all__ = ["Text", "documents", "extract", "load_pipeline", "looks_like_path", "to_networkx"]
