"""Text in, facts out: reading, normalizing, the spaCy pipeline and the relation rules.

`load_pipeline(model=None)` returns exactly the pipeline `zhkg build` runs.
"""

from zhkg.ner.pipeline import load_pipeline

__all__ = ["load_pipeline"]
