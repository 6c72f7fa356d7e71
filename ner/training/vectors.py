"""Static bigram vectors for the NER model, trained offline on raw Chinese text.

The model's strongest feature is each character's bigram with the next one (`NORM`, see
`ner/tokenizer.py`); hashed embeddings learn a bigram only from the ~3 M characters of annotated
training text. Vectors learnt by word2vec over far more raw news (the training sentences plus
`../shared/bench/tainan-2019-2022.jsonl.gz`, 36.5 M characters of releases, folded to Simplified as the
pipeline does) give the rare bigrams of names and units a place near their neighbours. The table is
keyed on `NORM` (`spacy init vectors --attr NORM`), so `include_static_vectors` reads the tokenizer's
bigram for each character, and pruned to the most frequent rows.

    python -m zhkg.ner.training.vectors --raw ../shared/bench/tainan-2019-2022.jsonl.gz \
        --docbin training/char/train.spacy --out training/vectors

Needs gensim (`pip install -e '.[train]'`); the rest of zhkg does not.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from zhkg.ner.tokenizer import END, _fold

DIM = 64
ROWS = 50_000


def bigrams(text: str) -> list[str]:
    """The tokenizer's NORM of every non-space character of `text`, in order."""
    chars = [_fold(c) for c in text if not c.isspace()]
    return [a + b for a, b in zip(chars, chars[1:] + [END])]


def raw_lines(raw: list[Path], docbins: list[Path]) -> Iterator[str]:
    """Lines of raw text: the `text` of every JSON line in `raw` (folded to Simplified) and the text of
    every training sentence in `docbins` (already folded by the converter)."""
    from zhkg.ner.text.normalize import to_simplified

    for path in raw:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                for part in to_simplified(json.loads(line)["text"]).splitlines():
                    if part.strip():
                        yield part
    if docbins:
        import spacy
        from spacy.tokens import DocBin

        vocab = spacy.blank("zh").vocab
        for path in docbins:
            for doc in DocBin().from_disk(path).get_docs(vocab):
                yield doc.text


class _Sentences:
    """Re-iterable bigram sentences for gensim (it reads the corpus once per epoch)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __iter__(self) -> Iterator[list[str]]:
        for line in self.lines:
            yield bigrams(line)


def train_vectors(raw: list[Path], docbins: list[Path], out: Path, dim: int = DIM, rows: int = ROWS,
                  epochs: int = 3) -> Path:
    """word2vec (CBOW) over the bigram sequences; `out/vectors.txt` and the spaCy table in `out/nlp`."""
    from gensim.models import Word2Vec

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    lines = list(raw_lines(raw, docbins))
    chars = sum(len(x) for x in lines)
    print(f"{len(lines):,} lines, {chars:,} chars read in {time.perf_counter() - started:.0f} s", flush=True)
    model = Word2Vec(_Sentences(lines), vector_size=dim, window=5, min_count=3, sg=0, workers=1,
                     epochs=epochs, seed=20261202)
    print(f"{len(model.wv):,} bigrams trained in {time.perf_counter() - started:.0f} s", flush=True)
    model.save(str(out / "word2vec.model"))
    text = out / "vectors.txt"
    keep = model.wv.index_to_key[:rows]  # most frequent first
    with open(text, "w", encoding="utf-8") as f:
        f.write(f"{len(keep)} {dim}\n")
        f.writelines(key + " " + " ".join(f"{x:.5f}" for x in model.wv[key]) + "\n" for key in keep)
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "zh", str(text), str(out / "nlp"),
                    "--attr", "NORM"], check=True)
    (out / "stats.json").write_text(json.dumps({"lines": len(lines), "chars": chars, "bigrams": len(model.wv),
                                                "rows": min(rows, len(model.wv)), "dim": dim, "epochs": epochs}),
                                    encoding="utf-8")
    return out / "nlp"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, nargs="*", default=[], help=".jsonl.gz files of {text} lines")
    ap.add_argument("--docbin", type=Path, nargs="*", default=[], help="training DocBins whose text to add")
    ap.add_argument("--out", type=Path, default=Path("training/vectors"))
    ap.add_argument("--dim", type=int, default=DIM)
    ap.add_argument("--rows", type=int, default=ROWS)
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args(argv)
    train_vectors(args.raw, args.docbin, args.out, args.dim, args.rows, args.epochs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
