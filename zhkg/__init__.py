"""zhkg: knowledge graphs of who holds which post where, from Chinese news.

    import zhkg
    zhkg.extract("臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。")   # facts, as in facts.jsonl
    G = zhkg.to_networkx(["seeds/"])                               # a networkx MultiDiGraph
    nlp = zhkg.load_pipeline(); nlp("臺南市長黃偉哲").ents           # the spaCy pipeline, either script

The heavy modules (spaCy) load on first use, so `import zhkg` and `zhkg.__version__` stay fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("zhkg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_API = ("Text", "documents", "extract", "load_pipeline", "to_networkx")


def __getattr__(name: str) -> Any:
    if name in _API:
        from zhkg import api

        return getattr(api, name)
    raise AttributeError(f"module 'zhkg' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (those loaded on first use too) and the module's own dunders, not its imports."""
    return sorted({*(n for n in globals() if n.startswith("__") and n.endswith("__")), *__all__})


__all__ = ["Text", "__version__", "documents", "extract", "load_pipeline", "to_networkx"]
