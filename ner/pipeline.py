"""The pipeline the build uses: a statistical `ner` (when there is one) followed by the rule components.

The shipped model in `ner/model` holds the tokenizer and `ner`; the rule components are added after
it, so the model's entities are the first layer and the rules fill in places, titles, credits and
facts. `--model` swaps in any installed spaCy pipeline (e.g. `zh_core_web_trf`): its labels are
mapped onto PERSON/ORG/PLACE by `components.LABEL_MAP`, and its own non-NER components are disabled.
"""

from __future__ import annotations

import jieba
import spacy
from spacy.language import Language

from zhkg.ner import (
    MODEL_DIR,
    RULES_ONLY,
    components,  # noqa: F401  (registers the factories)
    tokenizer,  # noqa: F401  (registers the model's tokenizer, also found by entry point)
)

RULE_COMPONENTS = ("zhkg_persons", "zhkg_roles", "zhkg_places", "zhkg_home_city", "zhkg_orgs", "zhkg_relations", "zhkg_entities")


def load_pipeline(model: str | None = None) -> Language:
    """The pipeline `zhkg build` runs: `model` is a package name or path, "rules" for none,
    or None for the shipped model (rules alone when no model is shipped)."""
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
    return nlp
