"""`zhkg build`: read, tag, resolve, export — and never leave a half-written output folder.

Every output file is written into a folder beside OUT that replaces OUT as a whole in one step when
all of them are complete (`zhkg.outdir`), so a crash, a kill or a full disk leaves the previous build
intact, and two builds to one OUT cannot interleave. OUT and the model are checked before any
tagging. A document that cannot be read or is too large is skipped with a one-line reason; the rest
of the batch goes on.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from tqdm import tqdm

from zhkg.exports import write_gexf, write_graphml, write_ntriples, write_turtle
from zhkg.exports.companions import COMPANION_OUTPUTS, write_companions
from zhkg.exports.jsonl import write_damage, write_entities, write_facts
from zhkg.graph.build import build_graph
from zhkg.ner.extract import DocResult, run
from zhkg.ner.pipeline import load_pipeline
from zhkg.ner.text.reading import Skipped, Source, iter_sources, split_long
from zhkg.outdir import OutputFolderError, OutputSet

# Longer documents are tagged in pieces cut at sentence ends (spaCy refuses texts above 1,000,000
# chars, and the model's memory grows with the characters it tags at once: ~13 kB each).
PIECE_CHARS = 30_000
MAX_DOC_CHARS = 5_000_000
OUTPUTS = ("facts.jsonl", "entities.jsonl", "damage.jsonl", "graph.ttl", "graph.nt", "graph.graphml", "graph.gexf",
           *COMPANION_OUTPUTS)


class BuildError(Exception):
    """A failure that ends the whole build (nothing usable could be written)."""


@dataclass
class Summary:
    read: int = 0
    chars: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    facts: int = 0
    entities: int = 0
    damaged: int = 0
    places: int = 0
    places_coded: int = 0
    places_located: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what was done to OUT besides writing it (recovery)

    def lines(self, quiet: bool = False) -> list[str]:
        """The run summary; `quiet` keeps only the skipped files and notes, which a user must always hear of."""
        skipped = [f"zhkg: skipped {path}: {reason}" for path, reason in self.skipped]
        skipped += [f"zhkg: {note}" for note in self.notes]
        if quiet:
            return skipped
        rate = self.chars / self.seconds if self.seconds else 0.0
        return [(f"zhkg: read {self.read} file(s), {self.chars:,} chars in {self.seconds:.1f} s "
                f"({rate:,.0f} chars/s); skipped {len(self.skipped)}"),
               f"zhkg: {self.facts} facts, {self.entities} entity mentions, {self.damaged} damaged spans flagged",
               (f"zhkg: {self.places} place mentions: {_share(self.places_coded, self.places)} with their own "
                f"division code, {_share(self.places_located, self.places)} with it or the one they lie in"),
               *skipped]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _pieces(sources: Iterator[Source | Skipped], summary: Summary, max_chars: int) -> Iterator[Source]:
    for item in sources:
        if isinstance(item, Skipped):
            summary.skipped.append((item.path, item.reason))
            continue
        if not item.text.strip():
            summary.skipped.append((item.path, "no text (only whitespace)"))
            continue
        if len(item.text) > max_chars:
            summary.skipped.append((item.path, f"too large: {len(item.text):,} chars > --max-chars {max_chars:,}"))
            continue
        summary.read += 1
        summary.chars += len(item.text)
        if len(item.text) <= PIECE_CHARS:
            yield item
            continue
        for offset, piece in split_long(item.text, PIECE_CHARS):
            # decode errors carry whole-document offsets: they ride on the first piece (offset 0)
            errors = item.decode_errors if offset == 0 else ()
            yield Source(item.name, item.path, piece, item.encoding, item.digest, errors), offset


def _with_offsets(items: Iterator) -> Iterator[tuple[Source, int]]:
    for item in items:
        yield item if isinstance(item, tuple) else (item, 0)


def _shift(result: DocResult, offset: int) -> DocResult:
    for rows in (result.facts, result.entities, result.damage):
        for row in rows:
            for k in ("start", "end", "person_start", "person_end"):
                if k in row:
                    row[k] += offset
    return result


def tag_documents(paths: list[str], model: str | None, summary: Summary, progress: bool,
                  max_chars: int = MAX_DOC_CHARS) -> list[DocResult]:
    nlp = _load_model(model)
    pairs = list(_with_offsets(_pieces(iter_sources(paths), summary, max_chars)))
    results: dict[tuple[str, str, str], DocResult] = {}
    bar = tqdm(total=len(pairs), unit="doc", disable=not progress or len(pairs) < 2, file=sys.stderr)
    for (src, offset), result in zip(pairs, run(nlp, (s for s, _ in pairs))):
        result = _shift(result, offset)
        key = (src.name, src.digest, src.path)
        if key in results:
            prev = results[key]
            prev.facts += result.facts
            prev.entities += result.entities
            prev.damage += result.damage
        else:
            results[key] = result
        bar.update()
    bar.close()
    return list(results.values())


def _load_model(model: str | None) -> Language:
    """The pipeline, or a one-line BuildError: a mistyped --model is a user error, not a crash."""
    try:
        return load_pipeline(model)
    except (OSError, ImportError, ValueError, KeyError) as e:
        first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
        raise BuildError(f"cannot load model {model!r}: {first.strip()}") from e


def write_files(documents: list[DocResult], folder: Path, skipped: list[tuple[str, str]] = ()) -> None:
    """Every output file into `folder` (an empty staging folder)."""
    write_facts(documents, folder / "facts.jsonl")
    write_entities(documents, folder / "entities.jsonl")
    write_damage(documents, folder / "damage.jsonl")
    G = build_graph(documents)
    write_turtle(G, folder / "graph.ttl")
    write_ntriples(G, folder / "graph.nt")
    write_graphml(G, folder / "graph.graphml")
    write_gexf(G, folder / "graph.gexf")
    write_companions(G, documents, folder, skipped)


def write_outputs(documents: list[DocResult], out: Path, skipped: list[tuple[str, str]] = ()) -> None:
    """All outputs into a folder beside `out` that then replaces `out` in one step."""
    try:
        with OutputSet(out, OUTPUTS) as target:
            _write_and_commit(documents, target, skipped)
    except OutputFolderError as e:
        raise BuildError(str(e)) from e


def _write_and_commit(documents: list[DocResult], target: OutputSet, skipped: list[tuple[str, str]] = ()) -> None:
    try:
        write_files(documents, target.staging, skipped)
    except OSError as e:
        raise BuildError(f"cannot write outputs to {target.out}: {e.strerror or e}") from e
    target.commit({"documents": len(documents)})


def build(paths: list[str], out: str | os.PathLike[str], model: str | None = None, quiet: bool = False,
          max_chars: int = MAX_DOC_CHARS) -> Summary:
    """Run the whole build; raises BuildError when nothing could be built."""
    started = time.perf_counter()
    summary = Summary()
    try:
        with OutputSet(out, OUTPUTS) as target:  # locked, recovered and writable before any tagging
            summary.notes += target.notes
            documents = tag_documents(paths, model, summary, progress=not quiet, max_chars=max_chars)
            if not documents:
                summary.seconds = time.perf_counter() - started
                reasons = "; ".join(f"{p}: {r}" for p, r in summary.skipped[:5]) or "no input files found"
                raise BuildError(f"nothing to build ({reasons})")
            _write_and_commit(documents, target, summary.skipped)
    except OutputFolderError as e:
        raise BuildError(str(e)) from e
    summary.facts = sum(len(d.facts) for d in documents)
    summary.entities = sum(len(d.entities) for d in documents)
    summary.damaged = sum(len(d.damage) for d in documents)
    places = [e for d in documents for e in d.entities if e["type"] == "PLACE"]
    summary.places = len(places)
    summary.places_coded = sum(1 for e in places if e.get("key"))
    summary.places_located = sum(1 for e in places if e.get("key") or e.get("parent_key"))
    summary.seconds = time.perf_counter() - started
    return summary
