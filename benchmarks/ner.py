"""Throughput and memory of the NER pipeline beside jieba.posseg (a script printing figures).

Usage::

    python -m benchmarks.ner [--model ner/model] [--mb 1.0]

The seed articles (``seeds/*.txt``) are folded Traditional->Simplified (as the project does before
tagging) and repeated to about ``--mb`` megabytes of UTF-8. Reported: load time, chars/s with one
process, chars/s with ``nlp.pipe(n_process=2)``, chars/s of jieba.posseg, and peak RSS (maxrss of
this process and, for n_process=2, of the children). Figures depend on the machine's load: the build
machine is shared, so run it on an idle machine for numbers that mean something.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from zhkg.ner.training.corpora import to_simplified

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "ner" / "model"


def load_texts(seeds: Path, megabytes: float) -> list[str]:
    """Seed paragraphs (Simplified), repeated until their UTF-8 size reaches ``megabytes``."""
    paras = []
    for p in sorted(seeds.glob("*.txt")):
        text = to_simplified(p.read_text(encoding="utf-8", errors="replace"))
        paras.extend(line.strip() for line in text.splitlines() if line.strip())
    if not paras:
        raise SystemExit(f"no seed text under {seeds}")
    out, size, target = [], 0, int(megabytes * 1_000_000)
    while size < target:
        for para in paras:
            out.append(para)
            size += len(para.encode("utf-8"))
            if size >= target:
                break
    return out


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def bench(model: Path, texts: list[str], n_process: int = 2) -> dict[str, float]:
    """Measure the pipeline and jieba.posseg on ``texts``; return the figures."""
    import spacy

    chars = sum(map(len, texts))
    res: dict[str, float] = {"chars": chars}
    t0 = time.perf_counter()
    nlp = spacy.load(model)
    res["load_s"] = time.perf_counter() - t0
    list(nlp.pipe(texts[:50]))  # warm-up
    t0 = time.perf_counter()
    n_ents = sum(len(d.ents) for d in nlp.pipe(texts, batch_size=256))
    res["spacy_1proc_chars_s"] = chars / (time.perf_counter() - t0)
    res["entities"] = n_ents
    res["maxrss_after_1proc_mb"] = _maxrss_mb()
    if n_process > 1:
        t0 = time.perf_counter()
        sum(len(d.ents) for d in nlp.pipe(texts, batch_size=256, n_process=n_process))
        res[f"spacy_{n_process}proc_chars_s"] = chars / (time.perf_counter() - t0)
        res["maxrss_children_mb"] = _maxrss_mb(resource.RUSAGE_CHILDREN)
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    jieba.initialize()
    t0 = time.perf_counter()
    for text in texts:
        for _ in pseg.cut(text):
            pass
    res["jieba_posseg_chars_s"] = chars / (time.perf_counter() - t0)
    res["maxrss_total_mb"] = _maxrss_mb()
    return res


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description="Benchmark zhkg's NER pipeline against jieba.posseg.")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--seeds", type=Path, default=REPO / "seeds")
    ap.add_argument("--mb", type=float, default=1.0, help="megabytes of text to tag")
    ap.add_argument("--n-process", type=int, default=2)
    args = ap.parse_args(argv)
    texts = load_texts(args.seeds, args.mb)
    res = bench(args.model, texts, args.n_process)
    for k, v in res.items():
        print(f"{k:<26} {v:,.2f}" if isinstance(v, float) else f"{k:<26} {v:,}")
    size = sum(f.stat().st_size for f in Path(args.model).rglob("*") if f.is_file())
    print(f"{'model_size_mb':<26} {size / 1e6:,.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
