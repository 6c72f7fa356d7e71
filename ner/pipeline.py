"""The pipeline the build uses: a statistical `ner` (when there is one) followed by the rule components.

The shipped model in `ner/model` holds the tokenizer and `ner`; the rule components are added after
it, so the model's entities are the first layer and the rules fill in places, titles, credits and
facts. `--model` swaps in any installed spaCy pipeline (e.g. `zh_core_web_trf`): its labels are
mapped onto PERSON/ORG/PLACE by `components.LABEL_MAP`, and its own non-NER components are disabled.

The rules read Simplified Chinese. `zhkg build` folds every text to Simplified as it normalizes it
(`ner.text.normalize`); a pipeline loaded here folds by itself (`FoldingTokenizer`), so that
`load_pipeline()("臺南市長黃偉哲…")` finds what the build finds. The build, which hands it folded text,
loads it with `fold=False`: folding twice is not always folding once (於單 → 於单 → 于单).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from zhkg.ner import (
    MODEL_DIR,
    RULES_ONLY,
    components,  # noqa: F401  (registers the factories)
    tokenizer,  # noqa: F401  (registers the model's tokenizer, also found by entry point)
)
from zhkg.ner.text.normalize import to_simplified

RULE_COMPONENTS = ("zhkg_persons", "zhkg_roles", "zhkg_places", "zhkg_home_city", "zhkg_orgs", "zhkg_relations", "zhkg_entities")


class FoldingTokenizer:
    """A pipeline's tokenizer fed the text folded to Simplified (`to_simplified`: one character for one,
    so every offset of the Doc indexes the text given; `doc.text` is the folded text). Saving and
    everything else are the wrapped tokenizer's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, text: str) -> Doc:
        return self.inner(to_simplified(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)


def load_pipeline(model: str | None = None, fold: bool = True) -> Language:
    """The pipeline `zhkg build` runs: `model` is a package name or path, "rules" for none,
    or None for the shipped model (rules alone when no model is shipped).

    `fold` (default): the pipeline folds Traditional to Simplified itself, so `nlp(text)` takes news
    in either script and its offsets index `text` (`doc.text` is the folded text). `fold=False` is
    the build's pipeline as the build runs it, on text already normalized and folded
    (`zhkg.ner.text.normalize.normalize(text).text`)."""
    if model == RULES_ONLY or (model is None and not (MODEL_DIR / "config.cfg").exists()):
        nlp = spacy.blank("zh")
    else:
        nlp = spacy.load(model or MODEL_DIR, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler",
                                                      "senter", "morphologizer", "textcat"])
    for name in RULE_COMPONENTS:
        nlp.add_pipe(name)
    for name in ("zhkg_places", "zhkg_roles"):
        nlp.get_pipe(name).initialize(nlp=nlp)
    jieba.initialize()  # its dictionary now, not at the first text: workers forked from here share it
    if fold:
        nlp.tokenizer = FoldingTokenizer(nlp.tokenizer)
    return nlp
