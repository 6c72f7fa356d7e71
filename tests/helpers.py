"""Helpers for the rule tests: build one text through a pipeline and read its facts back."""

from __future__ import annotations

from zhkg.ner.extract import records
from zhkg.ner.text.normalize import normalize
from zhkg.ner.text.reading import Source


def build(nlp, text: str):
    norm = normalize(text)
    return records(nlp(norm.text), Source("t.txt", "t.txt", text, "utf-8"), norm)


def facts(nlp, text: str) -> set[tuple]:
    return {(f["person"], f["role"], f["unit"], f["city"]) for f in build(nlp, text).facts}


def facts_with_status(nlp, text: str) -> set[tuple]:
    return {(f["person"], f["role"], f["unit"], f["status"]) for f in build(nlp, text).facts}
