"""A character tokenizer that also records each character's bigram, for the NER model's embeddings.

Chinese NER on single characters loses the word a character belongs to; the character bigram is the
cheapest signal that brings it back (the standard feature of BiLSTM-CRF taggers on MSRA). spaCy's
``MultiHashEmbed`` reads token attributes, so the bigram rides in the token's ``NORM`` (a per-token
override that leaves ``ORTH`` the character itself). Digits and Latin letters are folded so that 2024
and 1998 share bigrams.

With ``word_tags = true`` each character also gets its place in jieba's segmentation (B/M/E/S and
the word's length) in ``LEMMA``: the word boundaries a dictionary knows, as a feature the model may
weigh, instead of tokens it must obey. jieba's default dictionary is used as shipped (zhkg never adds
words to it), so training and tagging see the same segmentation.
"""

from __future__ import annotations

from itertools import pairwise

import numpy
from spacy.attrs import IDX, LEMMA, NORM
from spacy.tokens import Doc
from spacy.util import DummyTokenizer, get_words_and_spaces, registry
from spacy.vocab import Vocab

from zhkg.ner.text import fast_jieba

fast_jieba.install()  # the same segmentation as stock jieba, each repeated clause cut once

END = "</s>"


def _fold(ch: str) -> str:
    if ch.isascii():
        if ch.isdigit():
            return "0"
        if ch.isalpha():
            return "a"
    elif ch.isdigit():  # full-width digits
        return "0"
    return ch


class CharBigramTokenizer(DummyTokenizer):
    """One token per non-space character; ``token.norm_`` is the character and the one after it."""

    def __init__(self, vocab: Vocab, word_tags: bool = False) -> None:
        self.vocab = vocab
        self.word_tags = word_tags

    def __call__(self, text: str) -> Doc:
        words, spaces = get_words_and_spaces(list(text), text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if not words:
            return doc
        add = self.vocab.strings.add
        folded = [_fold(w[0]) for w in words] + [END]
        columns = [[add(a + b) for a, b in pairwise(folded)]]
        attrs = [NORM]
        if self.word_tags:
            tags = _word_tags(text)
            columns.append([add(tags[i]) for i in doc.to_array(IDX).tolist()])
            attrs.append(LEMMA)
        doc.from_array(attrs, numpy.array(columns, dtype="uint64").T)
        return doc


def _word_tags(text: str) -> list[str]:
    """Per character of `text`: B/M/E/S in its jieba word, with the word's length capped at 4."""
    import jieba

    tags: list[str] = []
    for word in jieba.cut(text):
        n = len(word)
        size = str(min(n, 4))
        tags.extend(["S" + size] if n == 1 else ["B" + size] + ["M" + size] * (n - 2) + ["E" + size])
    return tags if len(tags) == len(text) else (tags + ["S1"] * len(text))[:len(text)]


@registry.tokenizers("zhkg.char_bigrams.v1")
def create_char_bigram_tokenizer(word_tags: bool = False):
    """The ``[nlp.tokenizer]`` factory named in ``ner/training/config_bigram*.cfg``."""

    def make(nlp) -> CharBigramTokenizer:
        return CharBigramTokenizer(nlp.vocab, word_tags)

    return make
