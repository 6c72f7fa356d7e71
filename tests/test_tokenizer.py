"""The model's tokenizer: one token per character, bigram in NORM, jieba word position in LEMMA."""

from __future__ import annotations

import subprocess
import sys

import spacy

from zhkg.ner import tokenizer  # noqa: F401  (registers zhkg.char_bigrams.v1)


def blank(word_tags: bool = False):
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "zhkg.char_bigrams.v1",
                                                           "word_tags": word_tags}}})


def test_one_token_per_character_with_the_next_one_in_norm():
    doc = blank()("王诚 是2024年书记")
    assert [t.text for t in doc] == list("王诚是2024年书记")
    assert doc.text == "王诚 是2024年书记"
    assert [t.norm_ for t in doc][:4] == ["王诚", "诚是", "是0", "00"]
    assert doc[-1].norm_ == "记</s>"
    assert doc[-1].text == "记"


def test_word_tags_follow_jieba_and_keep_offsets_through_spaces():
    doc = blank(word_tags=True)("书记 王诚\n在税务所工作")
    assert doc.text == "书记 王诚\n在税务所工作"
    tags = {t.text: t.lemma_ for t in doc}
    assert (tags["书"], tags["记"]) == ("B2", "E2")
    assert all(t.lemma_[0] in "BMES" for t in doc)


def test_spacy_finds_the_tokenizer_without_importing_zhkg():
    code = ("import spacy; nlp = spacy.blank('zh', config={'nlp': {'tokenizer': "
            "{'@tokenizers': 'zhkg.char_bigrams.v1'}}}); print(nlp('书记')[0].norm_)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "书记"
