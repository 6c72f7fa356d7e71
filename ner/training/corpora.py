"""Readers for the public Chinese NER corpora, mapped onto zhkg's label scheme.

Every reader yields :class:`Sentence` objects with *character* offsets into Simplified text, so the
same code feeds training (``convert``) and evaluation (``evaluate``) and the two can never disagree
on what a gold entity is.

Label scheme (see ``ner/MODEL_CARD.md``): PERSON, ORG, PLACE (+ ROLE, which only Resume and CLUENER
annotate and which the main ``ner`` component does not learn). Spans whose label is unscored but
which might overlap a scored type (CLUENER's scene/book/game/movie) are kept as *missing*
annotation, not as O, so the model is neither taught nor punished on them.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LABELS = ("PERSON", "ORG", "PLACE")
ROLE = "ROLE"

# Corpus tag (without B-/I-/.NAM decoration) -> project label. None = not an entity (O);
# MISSING = unknown (neither entity nor O).
MISSING = "-"
LABEL_MAP: dict[str, str | None] = {
    "PER": "PERSON", "NAME": "PERSON", "name": "PERSON", "PER.NAM": "PERSON",
    "ORG": "ORG", "organization": "ORG", "government": "ORG", "company": "ORG", "ORG.NAM": "ORG",
    "LOC": "PLACE", "GPE": "PLACE", "address": "PLACE", "LOC.NAM": "PLACE", "GPE.NAM": "PLACE",
    "CONT": "PLACE",
    "TITLE": ROLE, "position": ROLE,
    # nominal mentions and unscored Resume types are definitely not names of a person/org/place: O
    "PER.NOM": None, "ORG.NOM": None, "LOC.NOM": None, "GPE.NOM": None,
    "EDU": None, "PRO": None, "RACE": None,
    # CLUENER's unscored types: scenic spots, titles of works and games can contain or be places and
    # names (黄山, 《毛泽东选集》): leave them unknown rather than teach "O" on them.
    "scene": MISSING, "book": MISSING, "game": MISSING, "movie": MISSING,
}


@dataclass
class Sentence:
    """One sentence: Simplified text plus (start, end, label) character spans (end exclusive)."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    source: str = ""

    def key(self) -> str:
        """Normalised text used for de-duplication (whitespace removed)."""
        return "".join(self.text.split())


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Fold Traditional to Simplified as the project does before tagging (OpenCC t2s keeps length)."""
    out = _t2s().convert(text)
    return out if len(out) == len(text) else text


def map_label(raw: str) -> str | None:
    """Map a corpus label to PERSON/ORG/PLACE/ROLE, None (O) or MISSING; unknown labels -> None."""
    return LABEL_MAP.get(raw)


def spans_from_tags(tags: list[str]) -> list[tuple[int, int, str]]:
    """Decode BIO / IOB2 / BMES(S) tag sequences into (start, end, raw_label) spans, leniently.

    An I-/M-/E- tag that does not continue a span of the same type starts a new one (as conlleval does).
    """
    spans: list[tuple[int, int, str]] = []
    start, cur = None, None
    for i, tag in enumerate(tags + ["O"]):
        if tag == "O" or "-" not in tag:
            if cur is not None:
                spans.append((start, i, cur))
            start, cur = None, None
            continue
        prefix, typ = tag.split("-", 1)
        if prefix in ("B", "S") or typ != cur:
            if cur is not None:
                spans.append((start, i, cur))
            start, cur = i, typ
        if prefix in ("E", "S"):
            spans.append((start, i + 1, cur))
            start, cur = None, None
    return spans


def _finish(text: str, raw_spans: Iterable[tuple[int, int, str]], source: str) -> Sentence:
    spans = []
    for s, e, raw in raw_spans:
        lab = map_label(raw)
        if lab is not None:
            spans.append((s, e, lab))
    return Sentence(to_simplified(text), sorted(spans), source)


def read_char_bio(path: Path, source: str) -> Iterator[Sentence]:
    """Read one-character-per-line files (MSRA, People's Daily, Resume, Weibo); gzip is detected."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        chars: list[str] = []
        tags: list[str] = []
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                if chars:
                    yield _finish("".join(chars), spans_from_tags(tags), source)
                chars, tags = [], []
                continue
            tag = line.split()[-1]
            ch = line[0]
            if len(line.split()) == 1 and not ch.isspace():  # the character was a stripped space
                ch = " "
            chars.append(ch)
            tags.append(tag)
        if chars:
            yield _finish("".join(chars), spans_from_tags(tags), source)


def read_cluener(path: Path, source: str = "cluener") -> Iterator[Sentence]:
    """Read CLUENER JSON lines ({type: {mention: [[start, end_inclusive], ...]}})."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            obj = json.loads(line)
            raw = []
            for typ, mentions in (obj.get("label") or {}).items():
                for offsets in mentions.values():
                    for s, e in offsets:
                        raw.append((s, e + 1, typ))
            yield _finish(obj["text"], raw, source)


def read_uner(path: Path, source: str) -> Iterator[Sentence]:
    """Read UNER IOB2 files (UD word tokens); character offsets come from concatenating the words."""
    with open(path, encoding="utf-8") as fh:
        words: list[str] = []
        tags: list[str] = []

        def flush() -> Sentence | None:
            if not words:
                return None
            starts, pos = [], 0
            for w in words:
                starts.append(pos)
                pos += len(w)
            raw = [(starts[s], starts[e - 1] + len(words[e - 1]), t) for s, e, t in spans_from_tags(tags)]
            return _finish("".join(words), raw, source)

        for line in fh:
            line = line.rstrip("\r\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                sent = flush()
                if sent:
                    yield sent
                words, tags = [], []
                continue
            cols = line.split("\t")
            if len(cols) < 3 or not cols[0].isdigit():
                continue
            words.append(cols[1])
            tags.append(cols[2])
        sent = flush()
        if sent:
            yield sent


def read_weibo(path: Path, source: str) -> Iterator[Sentence]:
    """Weibo: first column is the character plus a word-position digit; named (.NAM) labels only."""
    yield from read_char_bio(path, source)


# ---- the corpus inventory -------------------------------------------------------------------------

TRAIN_SETS = {
    # name: (relative path, reader); order = de-duplication priority (first occurrence kept)
    "msra_train": ("msra_train/msra_train_bio.gz", read_char_bio),
    "peoples_daily_dev": ("peoples_daily/example.dev", read_char_bio),
    "peoples_daily_test": ("peoples_daily/example.test", read_char_bio),
    "peoples_daily_extra_a": ("peoples_daily_extra/part_a.bio.txt", read_char_bio),
    "peoples_daily_extra_b": ("peoples_daily_extra/part_b.bio.txt", read_char_bio),
    "cluener_train": ("cluener/train.json", read_cluener),
    "resume_train": ("resume/train.char.bmes", read_char_bio),
    "weibo_train": ("weibo/weiboNER_2nd_conll.train", read_weibo),
    "uner_gsdsimp_train": ("uner_gsdsimp/zh_gsdsimp-ud-train.iob2", read_uner),
}
DEV_SETS = {
    "resume_dev": ("resume/dev.char.bmes", read_char_bio),
    "weibo_dev": ("weibo/weiboNER_2nd_conll.dev", read_weibo),
}
EVAL_SETS = {
    "msra_test": ("msra/msra_test_bio.txt", read_char_bio),
    "cluener_dev": ("cluener/dev.json", read_cluener),
    "resume_test": ("resume/test.char.bmes", read_char_bio),
    "weibo_test": ("weibo/weiboNER_2nd_conll.test", read_weibo),
    "uner_gsdsimp_test": ("uner_gsdsimp/zh_gsdsimp-ud-test.iob2", read_uner),
    "uner_gsd_test": ("uner_gsd/zh_gsd-ud-test.iob2", read_uner),
    "uner_pud_test": ("uner_pud/zh_pud-ud-test.iob2", read_uner),
}


def read_set(corpora: Path, name: str) -> list[Sentence]:
    """Read one named set from any of the inventories above."""
    for table in (TRAIN_SETS, DEV_SETS, EVAL_SETS):
        if name in table:
            rel, reader = table[name]
            return list(reader(Path(corpora) / rel, name))
    raise KeyError(name)
