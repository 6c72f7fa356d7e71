"""Entity-level evaluation of the shipped NER model beside a jieba.posseg baseline.

Usage::

    python -m zhkg.ner.training.evaluate --corpora ../shared/corpora [--model ner/model]

Scores are exact-match (start, end, label) precision/recall/F per label and micro over
PERSON/ORG/PLACE on each evaluation set, for the model and for ``jieba.posseg`` (nr*->PERSON,
ns->PLACE, nt->ORG) in the same run, so the two are always measured on identical gold data.
Gold comes from :mod:`zhkg.ner.training.corpora`, the same readers that built the training data.
Predictions overlapping a span with an unscored label (CLUENER scene/book/game/movie) are ignored
rather than counted as false positives: the project's scheme has no such labels.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from .corpora import LABELS, MISSING, ROLE, Sentence, read_set, to_simplified

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "model"
# (set name, labels scored there). ROLE only where the corpus annotates job titles.
EVAL_PLAN: list[tuple[str, tuple[str, ...]]] = [
    ("msra_test", LABELS),
    ("cluener_dev", LABELS + (ROLE,)),
    ("resume_test", LABELS + (ROLE,)),
    ("weibo_test", LABELS),
    ("uner_gsdsimp_test", LABELS),
    ("uner_pud_test", LABELS),
]
MICRO = "micro(PERSON,ORG,PLACE)"
MICRO_ROLE = "micro(+ROLE)"

Spans = set[tuple[int, int, str]]
Tagger = Callable[[list[str]], list[Spans]]


def model_tagger(model_path: str | Path | None = None) -> Tagger:
    """Return a function tagging a list of texts with the spaCy pipeline at ``model_path``."""
    import spacy

    nlp = spacy.load(model_path or DEFAULT_MODEL)

    def tag(texts: list[str]) -> list[Spans]:
        return [{(e.start_char, e.end_char, e.label_) for e in doc.ents} for doc in nlp.pipe(texts)]

    return tag


def pipeline_tagger(model: str | None = None) -> Tagger:
    """The whole pipeline `zhkg build` runs (`zhkg.ner.load_pipeline`): its `doc.ents`, model and
    rules together, ROLE included (scored only where a set annotates titles)."""
    from zhkg.ner import load_pipeline

    nlp = load_pipeline(model)

    def tag(texts: list[str]) -> list[Spans]:
        return [{(e.start_char, e.end_char, e.label_) for e in doc.ents} for doc in nlp.pipe(texts)]

    return tag


def with_role_lexicon(tagger: Tagger, terms: Iterable[str]) -> Tagger:
    """Add ROLE spans by greedy longest match of ``terms`` outside the tagger's entities.

    A stand-in for the project's lexicon rules, to show what the model plus a title lexicon reaches
    on the ROLE-annotated sets; the main ``ner`` component itself does not learn ROLE.
    """
    lex = {t for t in terms if t}
    longest = max(map(len, lex), default=0)

    def tag(texts: list[str]) -> list[Spans]:
        out = []
        for text, spans in zip(texts, tagger(texts)):
            used = [False] * len(text)
            for s, e, _ in spans:
                used[s:e] = [True] * (e - s)
            i, spans = 0, set(spans)
            while i < len(text):
                for n in range(min(longest, len(text) - i), 1, -1):
                    if text[i:i + n] in lex and not any(used[i:i + n]):
                        spans.add((i, i + n, ROLE))
                        i += n - 1
                        break
                i += 1
            out.append(spans)
        return out

    return tag


JIEBA_MAP = {"nr": "PERSON", "nrt": "PERSON", "nrfg": "PERSON", "ns": "PLACE", "nt": "ORG"}


def jieba_tagger() -> Tagger:
    """The baseline: jieba.posseg word flags nr/nrt/nrfg -> PERSON, ns -> PLACE, nt -> ORG."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)

    def tag(texts: list[str]) -> list[Spans]:
        out = []
        for text in texts:
            spans, pos = set(), 0
            for w in pseg.cut(text):
                lab = JIEBA_MAP.get(w.flag)
                if lab:
                    spans.add((pos, pos + len(w.word), lab))
                pos += len(w.word)
            out.append(spans)
        return out

    return tag


def score(gold: list[Sentence], pred: list[Spans], labels: Iterable[str]) -> dict[str, dict]:
    """Exact-match P/R/F per label plus micro averages (predictions on unscored spans ignored)."""
    c: Counter = Counter()
    for sent, p in zip(gold, pred):
        g = {s for s in sent.spans if s[2] != MISSING}
        miss = [(s, e) for s, e, lab in sent.spans if lab == MISSING]
        p = {x for x in p if not any(x[0] < e and s < x[1] for s, e in miss)}
        for x in p & g:
            c[("tp", x[2])] += 1
        for x in p - g:
            c[("fp", x[2])] += 1
        for x in g - p:
            c[("fn", x[2])] += 1
    labels = tuple(labels)
    rows = {}
    groups = [(lab, (lab,)) for lab in labels] + [(MICRO, LABELS)]
    if ROLE in labels:
        groups.append((MICRO_ROLE, LABELS + (ROLE,)))
    for name, members in groups:
        tp = sum(c[("tp", m)] for m in members)
        fp = sum(c[("fp", m)] for m in members)
        fn = sum(c[("fn", m)] for m in members)
        p_ = tp / (tp + fp) if tp + fp else 0.0
        r_ = tp / (tp + fn) if tp + fn else 0.0
        f_ = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
        rows[name] = {"p": p_, "r": r_, "f": f_, "tp": tp, "fp": fp, "fn": fn}
    return rows


def _labels_for(name: str) -> tuple[str, ...]:
    return LABELS + (ROLE,) if name.startswith(("resume", "cluener")) else LABELS


def read_docbin(path: str | Path) -> list[Sentence]:
    """Gold sentences from a DocBin (e.g. the held-out slice in ``training/char/dev.spacy``).

    Tokens whose entity annotation is missing become MISSING spans, as in the corpus readers.
    """
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("zh").vocab
    out = []
    for doc in DocBin().from_disk(path).get_docs(vocab):
        spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        spans += [(t.idx, t.idx + len(t.text), MISSING) for t in doc if t.ent_iob == 0]
        out.append(Sentence(doc.text, spans, str(path)))
    return out


def evaluate_ner(corpora_dir: str | Path, model_path: str | Path | None = None,
                 baseline: bool = True, sets: list[str] | None = None,
                 role_lexicon: str | Path | None = None, pipeline: bool = False) -> list[dict]:
    """Score the model (and jieba.posseg) on every evaluation set; return one row per set/label.

    Each row: ``{"system", "set", "label", "p", "r", "f", "tp", "fp", "fn", "chars_per_s"}``.
    With ``role_lexicon`` (one title per line, ``#`` comments) a third system "model+roles" is scored;
    with ``pipeline`` the whole pipeline's ``doc.ents`` ("pipeline", see `pipeline_tagger`).
    """
    model = model_tagger(model_path)
    systems: list[tuple[str, Tagger]] = [("model", model)]
    if role_lexicon:
        lines = Path(role_lexicon).read_text(encoding="utf-8").splitlines()
        terms = [ln.split("\t")[0].strip() for ln in lines if ln.strip() and not ln.startswith("#")]
        systems.append(("model+roles", with_role_lexicon(model, terms)))
    if pipeline:
        systems.append(("pipeline", pipeline_tagger(str(model_path) if model_path else None)))
    if baseline:
        systems.append(("jieba.posseg", jieba_tagger()))
    table = []
    plan = EVAL_PLAN if not sets else [(n, dict(EVAL_PLAN).get(n, _labels_for(n))) for n in sets]
    for name, labels in plan:
        try:
            gold = read_docbin(name) if name.endswith(".spacy") else read_set(Path(corpora_dir), name)
        except FileNotFoundError:
            continue
        texts = [to_simplified(s.text) for s in gold]
        for system, tagger in systems:
            t0 = time.perf_counter()
            pred = tagger(texts)
            secs = time.perf_counter() - t0
            for label, row in score(gold, pred, labels).items():
                table.append({"system": system, "set": name, "label": label, **row,
                              "chars_per_s": sum(map(len, texts)) / secs if secs else 0.0})
    return table


def format_table(table: list[dict]) -> str:
    """Render rows as a fixed-width text table."""
    lines = [f"{'system':<14} {'set':<18} {'label':<24} {'P':>6} {'R':>6} {'F':>6} {'tp':>6} {'fp':>6} {'fn':>6}"]
    for r in table:
        lines.append(f"{r['system']:<14} {r['set']:<18} {r['label']:<24} {r['p']:6.3f} {r['r']:6.3f} "
                     f"{r['f']:6.3f} {r['tp']:6d} {r['fp']:6d} {r['fn']:6d}")
    return "\n".join(lines)


if __name__ == "__main__":  # the arguments are `zhkg evaluate-ner`'s, declared with every command's
    from zhkg.cli import main

    sys.exit(main(["evaluate-ner", *sys.argv[1:]]))
