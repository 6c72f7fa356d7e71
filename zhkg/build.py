"""`zhkg build`: read, tag, resolve, export — and never leave a half-written output folder.

Every output file is written into a folder beside OUT that replaces OUT as a whole in one step when
all of them are complete (`zhkg.outdir`), so a crash, a kill or a full disk leaves the previous build
intact, and two builds to one OUT cannot interleave. OUT and the model are checked before any
tagging. A document that cannot be read or is too large is skipped with a one-line reason (a file too
large is skipped by its size, unread); the rest of the batch goes on. A disk that fills while the
outputs are written ends the build with one line, the previous OUT whole.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from tqdm import tqdm

from zhkg.cache import TagCache, default_cache_dir, document_key, pipeline_version
from zhkg.exports import outputs, write_gexf, write_graphml, write_ntriples, write_turtle
from zhkg.exports.companions import write_companions
from zhkg.exports.jsonl import RecordFiles, write_damage, write_entities, write_facts
from zhkg.exports.outputs import OUTPUTS
from zhkg.exports.rdf import nt_lines
from zhkg.graph.build import build_graph
from zhkg.ner.extract import DocResult
from zhkg.ner.text.reading import Skipped, Source, iter_sources, split_long
from zhkg.outdir import OutputFolderError, OutputSet
from zhkg.parallel import (
    TASK_DOCS,
    ClusterError,
    InProcessTagger,
    Piece,
    PipelineLoadError,
    ProcessPoolTagger,
    Tagger,
    make_tasks,
    ordered_results,
    release_pipelines,
)

# Longer documents are tagged in pieces cut at sentence ends (spaCy refuses texts above 1,000,000
# chars, and the model's memory grows with the characters it tags at once: ~13 kB each).
PIECE_CHARS = 30_000
MAX_DOC_CHARS = 5_000_000


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
    workers: set[str] = field(default_factory=set)  # host:pid of every process that tagged
    cache: str | None = None  # the cache's line: documents reused and tagged
    info: list[str] = field(default_factory=list)  # how the build ran, where it differs from what was asked

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
               *([f"zhkg: tagged in {len(self.workers)} process(es)"] if self.workers else []),
               *([f"zhkg: {self.cache}"] if self.cache else []),
               *(f"zhkg: {line}" for line in self.info),
               *skipped]


# What the graph and the report read of a place mention (graph.build, report.summary_data).
PLACE_FIELDS = ("type", "name", "key", "parent_key", "kind")


def slim_record(doc: DocResult) -> DocResult:
    """A document's record once its rows are written: its facts and, of its mentions, only what links
    places (no texts, offsets or damage), so the build's memory grows with facts, not with mentions."""
    places = [{k: e[k] for k in PLACE_FIELDS if k in e} for e in doc.entities if e["type"] == "PLACE"]
    return replace(doc, entities=places, damage=[])


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _pieces(sources: Iterator[Source | Skipped], summary: Summary, max_chars: int,
            cache: TagCache | None = None, keys: dict | None = None) -> Iterator[Piece | Cached]:
    """Each readable document as the pieces to tag (offset 0, then the offsets of further pieces), or
    as its cached record; `keys` collects the cache key of every document that is tagged."""
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
        if cache is not None:
            key = document_key(item)
            hit = cache.get(key, item)
            if hit is not None:
                yield Cached(hit)
                continue
            keys[_ident(item)] = key
        if len(item.text) <= PIECE_CHARS:
            yield item, 0
            continue
        for offset, piece in split_long(item.text, PIECE_CHARS):
            # decode errors carry whole-document offsets: they ride on the first piece (offset 0)
            errors = item.decode_errors if offset == 0 else ()
            yield Source(item.name, item.path, piece, item.encoding, item.digest, errors), offset


@dataclass
class Cached:
    """A document's record taken from the cache: passes through the tagging queue in its place."""

    result: DocResult


def _ident(doc: Source | DocResult) -> tuple[str, str, str]:
    return doc.name, doc.digest, doc.path


def _jobs(items: Iterator[Piece | Cached]) -> Iterator[list[Piece] | Cached]:
    """Consecutive pieces grouped into tasks; a cached record ends the task before it, so that results
    stay in input order."""
    task: list[Piece] = []
    for item in items:
        if isinstance(item, Cached):
            yield from make_tasks(task)
            task = []
            yield item
        else:
            task.append(item)
            if len(task) >= TASK_DOCS * 4:  # bounded: tasks are cut from at most this many pieces at once
                *done, task = list(make_tasks(task)) or [[]]
                yield from done
    yield from make_tasks(task)


def _look_ahead(stream: Iterator[list[Piece] | Cached], tasks: int) -> list[list[Piece] | Cached]:
    """The jobs up to the `tasks`-th task to tag (cached records before it are kept with them)."""
    ahead: list[list[Piece] | Cached] = []
    for job in stream:
        ahead.append(job)
        tasks -= isinstance(job, list)
        if tasks <= 0:
            break
    return ahead


def _tagger(jobs: list, model: str | None, workers: int, scheduler: str | None) -> Tagger | None:
    """Where to tag: the cluster, a pool of at most as many processes as there are tasks seen ahead,
    this process, or nowhere when every document came from the cache."""
    tasks = sum(1 for j in jobs if isinstance(j, list))
    if scheduler:
        from zhkg.cluster import DaskTagger

        return DaskTagger(scheduler, model)
    if not tasks:
        return None
    if workers <= 1 or tasks == 1:
        return InProcessTagger(model)
    return ProcessPoolTagger(model, min(workers, tasks))


def tag_documents(paths: list[str], model: str | None, summary: Summary, progress: bool,
                  max_chars: int = MAX_DOC_CHARS, jobs: int = 1, cache: TagCache | None = None,
                  scheduler: str | None = None,
                  sink: Callable[[DocResult], DocResult] | None = None) -> list[DocResult]:
    """The records of every readable document, in input order; tagged in `jobs` processes (or on the
    Dask cluster at `scheduler`), documents found in `cache` not tagged again and those tagged stored.
    Each complete record is handed to `sink` (in input order) and what it returns is kept instead: the
    build writes the rows out there and keeps only what the graph needs."""
    keys: dict[tuple[str, str, str], str] = {}
    stream = _jobs(_pieces(iter_sources(paths, max_chars), summary, max_chars, cache, keys))
    results: dict[tuple[str, str, str], DocResult] = {}
    bar = _Progress(progress)
    tagger: Tagger | None = None
    last: tuple[str, str, str] | None = None

    def finished(ident: tuple[str, str, str] | None) -> None:
        if ident is not None and ident in keys and cache is not None:
            cache.put(keys.pop(ident), results[ident])
        if ident is not None and sink is not None:
            results[ident] = sink(results[ident])
        bar.update(ident is not None)

    try:
        ahead = _look_ahead(stream, max(jobs, 1))  # enough to tell how many workers are worth starting
        tagger = _tagger(ahead, model, jobs, scheduler)
        start = tagger.submit if tagger else _no_tagging
        for out in ordered_results(chain(ahead, stream), start, tagger.window if tagger else 1):
            if isinstance(out, Cached):
                batch = [out.result]
            else:
                worker, batch = out
                summary.workers.add(worker)
            for result in batch:
                ident = _ident(result)
                if ident in results and ident != last and sink is not None:
                    result = sink(result)  # the same file given twice, apart: its rows are written too
                if ident in results:
                    prev = results[ident]
                    prev.facts += result.facts
                    prev.entities += result.entities
                    prev.damage += result.damage
                    continue
                finished(last)
                results[ident] = result
                last = ident
        finished(last)
    except (PipelineLoadError, ClusterError) as e:
        raise BuildError(str(e)) from e
    except BrokenProcessPool as e:  # a worker killed (out of memory, a signal): say so in one line
        raise BuildError(f"a tagging worker process died ({e}); try fewer --jobs") from e
    finally:
        bar.close()
        if tagger:
            tagger.close()
            release_pipelines()
    return list(results.values())


class _Progress:
    """A progress bar that appears from the second document on: one file, or an error before any
    document, leaves stderr to the one-line messages."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.done = 0
        self.bar: tqdm | None = None

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is None and self.enabled and self.done >= 2:
            self.bar = tqdm(unit="doc", file=sys.stderr, initial=self.done - n)
        if self.bar is not None and n:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _no_tagging(task: list[Piece]) -> None:
    raise AssertionError("a task to tag without a tagger")


def write_files(documents: list[DocResult], folder: Path, skipped: list[tuple[str, str]] = (),
                rows_written: bool = False) -> None:
    """Every output file into `folder` (an empty staging folder); with `rows_written` the JSONL rows
    are already there (streamed by `build`) and `documents` may be slim (`slim_record`)."""
    if not rows_written:
        write_facts(documents, folder / outputs.FACTS)
        write_entities(documents, folder / outputs.ENTITIES)
        write_damage(documents, folder / outputs.DAMAGE)
    G = build_graph(documents)
    lines = nt_lines(G)
    write_turtle(G, folder / outputs.TURTLE, lines)
    write_ntriples(G, folder / outputs.NTRIPLES, lines)
    del lines
    write_graphml(G, folder / outputs.GRAPHML)
    write_gexf(G, folder / outputs.GEXF)
    write_companions(G, documents, folder, skipped)


def write_outputs(documents: list[DocResult], out: Path, skipped: list[tuple[str, str]] = ()) -> None:
    """All outputs into a folder beside `out` that then replaces `out` in one step."""
    try:
        with OutputSet(out, OUTPUTS) as target:
            _write_and_commit(documents, target, skipped)
    except OutputFolderError as e:
        raise BuildError(str(e)) from e


def _write_and_commit(documents: list[DocResult], target: OutputSet, skipped: list[tuple[str, str]] = (),
                      rows_written: bool = False) -> None:
    try:
        write_files(documents, target.staging, skipped, rows_written)
    except OSError as e:
        raise _write_error(target, e) from e
    target.commit({"documents": len(documents)})


def _write_error(target: OutputSet, e: OSError) -> BuildError:
    return BuildError(f"cannot write outputs to {target.out}: {e.strerror or e}")


def open_cache(folder: str | os.PathLike[str], model: str | None) -> TagCache:
    """The cache of `model`'s pipeline in `folder`; an unknown model is the one-line error it is
    without a cache (its version cannot be computed)."""
    try:
        return TagCache(folder, pipeline_version(model, PIECE_CHARS))
    except OSError as e:
        first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
        raise BuildError(f"cannot load model {model!r}: {first.strip()}") from e


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and `taskset` narrow),
    not every core of the machine."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def worker_count(jobs: int | None, summary: Summary) -> int:
    """`jobs` (None: every usable core), at most one per usable core: more processes than cores only
    add memory (each holds a pipeline) and switching, never speed; the summary says so."""
    cores = usable_cores()
    if jobs is None:
        return cores
    if jobs > cores:
        summary.info.append(f"--jobs {jobs} capped at {cores}: this machine lets the build use {cores} core(s)")
        return cores
    return max(jobs, 1)


def _cache_for(out: str | os.PathLike[str], cache: str | os.PathLike[str] | bool | None,
               model: str | None) -> TagCache | None:
    """The tagging cache to use: `cache` a folder, True the default beside OUT, None/False none.
    A folder inside OUT (through any symlink) would be deleted by the build's own swap."""
    if not cache:
        return None
    folder = default_cache_dir(out) if cache is True else Path(cache)
    if Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(out)):
        raise BuildError(f"--cache {folder} lies inside OUT, which every build replaces as a whole")
    return open_cache(folder, model)


def _stream_records(paths: list[str], model: str | None, summary: Summary, target: OutputSet, quiet: bool,
                    max_chars: int, jobs: int, tag_cache: TagCache | None,
                    scheduler: str | None) -> list[DocResult]:
    """Tag every document, its rows streamed into the staging folder as it is done; the slim records.

    A full disk shows twice here: in the write that finds it, and again when the row files are closed
    (their buffers flushed) while that error is on its way out, which would chain a second error to
    the first. The first is told, in the one line of `_write_error`; leaving OutputSet then removes
    the staging folder, OUT untouched."""
    try:
        rows = RecordFiles(target.staging)
    except OSError as e:
        raise _write_error(target, e) from e

    def written(doc: DocResult) -> DocResult:
        try:
            rows.write(doc)
        except OSError as e:
            raise _write_error(target, e) from e
        return slim_record(doc)

    try:
        documents = tag_documents(paths, model, summary, progress=not quiet, max_chars=max_chars, jobs=jobs,
                                  cache=tag_cache, scheduler=scheduler, sink=written)
    except BaseException:
        with contextlib.suppress(OSError):
            rows.close()
        raise
    try:
        rows.close()
    except OSError as e:
        raise _write_error(target, e) from e
    summary.facts = rows.counts["facts"]
    summary.entities = rows.counts["entities"]
    summary.damaged = rows.counts["damage"]
    return documents


def build(paths: list[str], out: str | os.PathLike[str], model: str | None = None, quiet: bool = False,
          max_chars: int = MAX_DOC_CHARS, jobs: int | None = 1,
          cache: str | os.PathLike[str] | bool | None = None, scheduler: str | None = None) -> Summary:
    """Run the whole build; raises BuildError when nothing could be built.

    `jobs` worker processes tag (None: one per usable core; never more), or the Dask cluster at
    `scheduler`; `cache` is a folder of tagging results to reuse and fill, True for the default
    beside OUT, None or False for none."""
    started = time.perf_counter()
    summary = Summary()
    jobs = worker_count(jobs, summary) if scheduler is None else max(jobs or 1, 1)
    try:
        with OutputSet(out, OUTPUTS) as target:  # locked, recovered and writable before any tagging
            summary.notes += target.notes
            tag_cache = _cache_for(out, cache, model)
            documents = _stream_records(paths, model, summary, target, quiet, max_chars, jobs, tag_cache,
                                        scheduler)
            if tag_cache is not None:
                summary.cache = tag_cache.note()
                summary.notes += [line for line in (tag_cache.warning(), tag_cache.write_error) if line]
            if not documents:
                summary.seconds = time.perf_counter() - started
                reasons = "; ".join(f"{p}: {r}" for p, r in summary.skipped[:5]) or "no input files found"
                raise BuildError(f"nothing to build ({reasons})")
            _write_and_commit(documents, target, summary.skipped, rows_written=True)
    except OutputFolderError as e:
        raise BuildError(str(e)) from e
    places = [e for d in documents for e in d.entities if e["type"] == "PLACE"]
    summary.places = len(places)
    summary.places_coded = sum(1 for e in places if e.get("key"))
    summary.places_located = sum(1 for e in places if e.get("key") or e.get("parent_key"))
    summary.seconds = time.perf_counter() - started
    return summary
