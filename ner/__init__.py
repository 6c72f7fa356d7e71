"""Text in, facts out: reading, normalizing, the spaCy pipeline and the relation rules.

`load_pipeline(model=None)` returns the pipeline `zhkg build` runs, folding Traditional to Simplified
itself (`fold=False`: exactly as the build runs it, on text it has normalized).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).parent / "model"  # the shipped model
RULES_ONLY = "rules"  # the `--model` value for no statistical model

__all__ = ["MODEL_DIR", "RULES_ONLY", "load_pipeline"]


def __getattr__(name: str) -> Any:
    """`load_pipeline` imports spaCy on first use: a rebuild that takes every document from the cache
    never needs it (~1 s of start-up)."""
    if name == "load_pipeline":
        from zhkg.ner.pipeline import load_pipeline

        return load_pipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
