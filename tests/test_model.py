"""The shipped pipeline in ner/model: loads offline, quickly, and tags the three labels.

Timing is asserted loosely (the bench script measures it properly); the sentences are new, written
for this test, not taken from any training or evaluation corpus.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import spacy

MODEL = Path(__file__).resolve().parents[1] / "ner" / "model"


@pytest.fixture(scope="module")
def nlp():
    t0 = time.perf_counter()
    pipeline = spacy.load(MODEL)
    pipeline.meta["_load_s"] = time.perf_counter() - t0
    return pipeline


def test_model_is_shipped_and_loads_quickly(nlp):
    assert (MODEL / "config.cfg").is_file()
    assert nlp.meta["_load_s"] < 10
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "ORG", "PLACE"}
    # character tokens: every span the rule components draw aligns with a token (see ner/MODEL_CARD.md)
    assert all(len(t.text) == 1 for t in nlp("忻府区秀容税务所党支部书记王诚 2024年"))
    assert nlp.config["paths"]["train"] is None


def test_model_size_is_small():
    size = sum(f.stat().st_size for f in MODEL.rglob("*") if f.is_file())
    assert size < 30 * 1024 * 1024


@pytest.mark.parametrize(
    "text, expected",
    [
        ("昨天上午，山西省太原市市长张明远在市政府会见了来自北京大学的代表团。",
         {("张明远", "PERSON"), ("北京大学", "ORG")}),
        ("中国人民银行行长李国华表示，上海和广州的经济形势总体平稳。",
         {("中国人民银行", "ORG"), ("李国华", "PERSON"), ("上海", "PLACE"), ("广州", "PLACE")}),
    ],
)
def test_model_tags_new_sentences(nlp, text, expected):
    found = {(e.text, e.label_) for e in nlp(text).ents}
    # most, not necessarily all: a statistical model may miss one; it must not miss most
    assert len(found & expected) >= len(expected) - 1, found
    assert {lab for _, lab in found} <= {"PERSON", "ORG", "PLACE"}


def test_entity_offsets_are_character_offsets(nlp):
    text = "新华社北京电 国家主席习近平今天在人民大会堂会见了法国总统。"
    doc = nlp(text)
    assert doc.text == text
    for ent in doc.ents:
        assert text[ent.start_char:ent.end_char] == ent.text


def test_model_tags_each_label_on_real_articles(nlp):
    from collections import Counter

    from zhkg.ner.text.normalize import normalize

    seeds = sorted((MODEL.parents[1] / "seeds").glob("*.txt"))
    docs = nlp.pipe(normalize(p.read_text(encoding="utf-8")).text for p in seeds)
    labels = Counter(e.label_ for d in docs for e in d.ents)
    assert set(labels) == {"PERSON", "ORG", "PLACE"}
    assert min(labels.values()) >= 20, labels
