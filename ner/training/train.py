"""Convert the corpora, train with ``spacy train`` and ship model-best as ``ner/model``.

Usage (from the repository root; this is what ``make model`` runs)::

    python -m zhkg.ner.training.train --corpora ../shared/corpora

Training is pinned to one thread (the build machine is shared) and is bounded by
``[training] max_steps`` in ``ner/training/config.cfg`` so that a full run fits well inside an hour on
one CPU core. The copy in ``ner/model`` is re-saved from model-best with the training data paths
nulled and zhkg's own metadata, so ``spacy.load("ner/model")`` works offline with only spaCy installed.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_CONFIG = HERE / "config.cfg"
DEFAULT_MODEL = REPO / "ner" / "model"

META = {
    "name": "zhkg_ner",
    "version": "0.1.0",
    "description": "zhkg's Chinese NER (PERSON, ORG, PLACE); tokens from the config's segmenter; see ner/MODEL_CARD.md",
    "license": "research use of the training data; see ner/MODEL_CARD.md",
    "author": "zhkg",
}


def ship(best: Path, dest: Path, stats: dict | None = None) -> Path:
    """Re-save a trained pipeline into ``dest`` without training-only settings."""
    import spacy

    nlp = spacy.load(best)
    cfg = nlp.config.copy()
    cfg["paths"]["train"] = None
    cfg["paths"]["dev"] = None
    cfg["corpora"]["train"]["path"] = None
    cfg["corpora"]["dev"]["path"] = None
    nlp._config = cfg
    meta = dict(nlp.meta)
    performance = meta.get("performance", {})
    meta.update(META)
    meta["performance"] = performance
    if stats:
        meta["training_data"] = {k: stats[k] for k in ("train_sentences", "train_chars", "dev_sentences")
                                 if k in stats}
    # the pipeline only uses stable 3.8 APIs: accept any 3.8.x (pyproject pins spacy>=3.8,<3.9)
    meta["spacy_version"] = ">=3.8.0,<3.9.0"
    nlp.meta.clear()
    nlp.meta.update(meta)
    _drop_feature_strings(nlp)
    if dest.exists():
        shutil.rmtree(dest)
    nlp.to_disk(dest)
    return dest


def _drop_feature_strings(nlp) -> None:
    """Forget the characters, bigrams and word tags the StringStore collected in training (7 MB).

    The embeddings hash them, so tagging never looks them up, and the tokenizer adds back what it
    meets; checked on the seeds: identical entities before and after."""
    labels = {label for _, proc in nlp.pipeline for label in getattr(proc, "labels", ())}
    keep = [s for s in nlp.vocab.strings if len(s) > 2 or s in labels]
    nlp.vocab.strings._reset_and_load(keep)


def config_segmenter(config: Path) -> str:
    """The segmenter (``jieba`` or ``char``) a training config uses: the DocBins must match it.

    zhkg's own character-bigram tokenizer splits exactly like spaCy's ``char`` segmenter."""
    from thinc.api import Config

    tokenizer = Config().from_disk(config, interpolate=False)["nlp"]["tokenizer"]
    return tokenizer.get("segmenter", "char")


def train(corpora: Path, workdir: Path = Path("training"), config: Path = DEFAULT_CONFIG,
          dest: Path = DEFAULT_MODEL, overrides: dict | None = None, convert: bool = True) -> Path:
    """Convert ``corpora`` into ``workdir``, train with ``config`` and ship model-best to ``dest``."""
    from spacy.cli.train import train as spacy_train

    from zhkg.ner import tokenizer as _tokenizer  # noqa: F401  (registers zhkg.char_bigrams.v1)

    from .convert import build

    tokenizer = config_segmenter(config)

    data = workdir / tokenizer
    stats = build(corpora, data, tokenizer) if convert else None
    if stats is None and (data / "stats.json").exists():
        stats = json.loads((data / "stats.json").read_text(encoding="utf-8"))
    out = workdir / f"run_{config.stem}"
    ov = {"paths.train": str(data / "train.spacy"), "paths.dev": str(data / "dev.spacy")}
    ov.update(overrides or {})
    spacy_train(config, out, overrides=ov)
    return ship(out / "model-best", dest, stats)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``make model``)."""
    ap = argparse.ArgumentParser(description="Train zhkg's NER model and copy it to ner/model.")
    ap.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    ap.add_argument("--workdir", type=Path, default=Path("training"), help="git-ignored scratch dir")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument("--dest", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--skip-convert", action="store_true", help="reuse the DocBins in --workdir")
    ap.add_argument("--max-steps", type=int, default=None, help="override [training] max_steps")
    ap.add_argument("--ship-only", type=Path, default=None, help="only re-save this model-best")
    args = ap.parse_args(argv)
    if args.ship_only:
        ship(args.ship_only, args.dest)
        return 0
    ov = {"training.max_steps": args.max_steps} if args.max_steps else {}
    train(args.corpora, args.workdir, args.config, args.dest, ov, not args.skip_convert)
    return 0


if __name__ == "__main__":
    sys.exit(main())
