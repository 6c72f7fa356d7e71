"""Convert the public corpora into spaCy DocBins for training zhkg's NER model.

Usage::

    python -m zhkg.ner.training.convert --corpora ../shared/corpora --out training/

Why the steps:

* every training sentence that also occurs in an evaluation or model-selection set is dropped, and
  exact duplicates among the training sets are dropped (MSRA train shares 56-66% of its sentences with
  the People's Daily slices), so reported scores are not inflated by memorised sentences;
* a deterministic ~2% slice of the de-duplicated training data is held out and joined with the Resume
  and Weibo dev sets as the model-selection set;
* entity spans that do not align with the tokens are counted (spaCy's W030 would drop them silently):
  with ``char`` tokens every span aligns, with ``jieba`` tokens some do not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from spacy.tokens import Doc, DocBin

from .corpora import DEV_SETS, EVAL_SETS, LABELS, MISSING, TRAIN_SETS, Sentence, read_set

HELDOUT_MODULO = 50  # 1 sentence in 50 of the training data goes to the held-out dev slice


def make_nlp(tokenizer: str = "char"):
    """A blank Chinese pipeline with the chosen segmenter (``char`` or ``jieba``)."""
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": tokenizer}}})


def _clean_spans(sent: Sentence, counts: Counter) -> tuple[list, list]:
    """Split a sentence's spans into scored entities and missing regions; drop overlaps and ROLE."""
    ents, missing = [], []
    taken = [False] * len(sent.text)
    for s, e, lab in sorted(sent.spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if lab not in LABELS and lab != MISSING:
            counts["role_spans_as_O"] += 1
            continue
        if s < 0 or e > len(sent.text) or s >= e or any(taken[s:e]):
            counts["overlapping_or_bad_spans_dropped"] += 1
            continue
        # strip surrounding whitespace, which can never be part of a token
        while s < e and sent.text[s].isspace():
            s += 1
        while e > s and sent.text[e - 1].isspace():
            e -= 1
        if s == e:
            continue
        for i in range(s, e):
            taken[i] = True
        (missing if lab == MISSING else ents).append((s, e, lab))
    return sorted(ents), sorted(missing)


def to_doc(nlp, sent: Sentence, counts: Counter) -> Doc:
    """Tokenize with ``nlp`` and set entities, counting spans that fail to align (W030)."""
    doc = nlp.make_doc(sent.text)
    ents, missing = _clean_spans(sent, counts)
    spans = []
    for s, e, lab in ents:
        span = doc.char_span(s, e, label=lab, alignment_mode="strict")
        if span is None:
            counts["misaligned_spans_dropped"] += 1
            counts[f"misaligned_{lab}"] += 1
            # the entity is there but cannot be expressed: mark its tokens unknown rather than O
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None:
                missing.append((span.start_char, span.end_char, MISSING))
            continue
        counts["spans_kept"] += 1
        counts[f"kept_{lab}"] += 1
        spans.append(span)
    # missing regions as token sets: merged, and never touching a kept entity
    in_ent = {i for sp in spans for i in range(sp.start, sp.end)}
    miss_tok: set[int] = set()
    for s, e, _ in missing:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            miss_tok.update(i for i in range(span.start, span.end) if i not in in_ent)
    miss_spans = []
    for i in sorted(miss_tok):
        if miss_spans and miss_spans[-1][1] == i:
            miss_spans[-1][1] = i + 1
        else:
            miss_spans.append([i, i + 1])
    miss_spans = [doc[a:b] for a, b in miss_spans]
    if miss_spans:
        counts["missing_regions"] += len(miss_spans)
    doc.set_ents(spans, missing=miss_spans, default="outside")
    return doc


def _read_or_skip(corpora: Path, name: str, log) -> list[Sentence]:
    """Read a set; a missing file is reported and skipped (lets tests run on a partial folder)."""
    try:
        return read_set(corpora, name)
    except FileNotFoundError:
        log(f"{name}: not found, skipped")
        return []


def _heldout(key: str) -> bool:
    return int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16) % HELDOUT_MODULO == 0


def build(corpora: Path, out: Path, tokenizer: str = "char", log=print) -> dict:
    """Convert all sets; write ``train.spacy``, ``dev.spacy`` and ``stats.json`` into ``out``."""
    corpora, out = Path(corpora), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nlp = make_nlp(tokenizer)
    stats: dict = {"tokenizer": tokenizer, "sets": {}}
    protected: dict[str, str] = {}
    for name in list(EVAL_SETS) + list(DEV_SETS):
        for sent in _read_or_skip(corpora, name, log):
            protected.setdefault(sent.key(), name)
    counts: Counter = Counter()
    seen: set[str] = set()
    train_docs = DocBin(store_user_data=False)
    dev_docs = DocBin(store_user_data=False)
    n_train = n_heldout = chars = 0
    for name in TRAIN_SETS:
        c: Counter = Counter()
        for sent in _read_or_skip(corpora, name, log):
            c["read"] += 1
            k = sent.key()
            if not k:
                c["empty"] += 1
                continue
            if k in protected:
                c[f"dropped_in_{protected[k]}"] += 1
                c["dropped_eval_overlap"] += 1
                continue
            if k in seen:
                c["dropped_duplicate_of_earlier_training"] += 1
                continue
            seen.add(k)
            doc = to_doc(nlp, sent, counts)
            if _heldout(k):
                dev_docs.add(doc)
                n_heldout += 1
                c["heldout"] += 1
            else:
                train_docs.add(doc)
                n_train += 1
                chars += len(sent.text)
                c["train"] += 1
        stats["sets"][name] = dict(c)
        log(f"{name}: {dict(c)}")
    for name in DEV_SETS:
        n = 0
        for sent in _read_or_skip(corpora, name, log):
            dev_docs.add(to_doc(nlp, sent, Counter()))
            n += 1
        stats["sets"][name] = {"dev": n}
    train_docs.to_disk(out / "train.spacy")
    dev_docs.to_disk(out / "dev.spacy")
    stats.update(train_sentences=n_train, train_chars=chars, heldout_sentences=n_heldout,
                 dev_sentences=len(dev_docs), alignment=dict(counts))
    (out / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"train {n_train} sentences / {chars} chars; dev {len(dev_docs)} (held-out {n_heldout})")
    log(f"alignment: {dict(counts)}")
    return stats


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    ap.add_argument("--out", type=Path, default=Path("training"))
    ap.add_argument("--tokenizer", choices=["char", "jieba"], default="char")
    args = ap.parse_args(argv)
    build(args.corpora, args.out, args.tokenizer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
