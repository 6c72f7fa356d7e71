"""`zhkg build`: read, tag, resolve, export — and never leave a half-written output folder.

Every output file is written into a folder beside OUT that replaces OUT as a whole in one step when
all of them are complete (`zhkg.outdir`), so a crash, a kill or a full disk leaves the previous build
intact, and two builds to one OUT cannot interleave. OUT and the model are checked before any
tagging. A document that cannot be read or is too large is skipped with a one-line reason (a file too
large is skipped by its size, unread); the rest of the batch goes on. A disk that fills while the
outputs are written ends the build with one line, the previous OUT whole.

Ctrl-C ends the build with `Interrupted` (a KeyboardInterrupt): the staging folder is removed, OUT is
left as it was (the swap itself cannot be cut in two, `zhkg.outdir.interrupts_held`), and the
tagging workers are stopped at once; `zhkg build` says so in one line and exits with status 130.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter
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
from zhkg.graph.identity import resolve_people
from zhkg.ner.extract import DocResult, UnknownHome, home_division
from zhkg.ner.text.corpus import RecordFields
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
    init_worker,
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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) ended the build; `replaced` is True when it came after OUT was replaced by the new
    build (the summary was not yet made), False when OUT is as it was before the build."""

    def __init__(self, replaced: bool = False) -> None:
        super().__init__(replaced)
        self.replaced = replaced


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


@dataclass
class InputNotes:
    """What the inputs said besides their texts, for the summary: metadata every document gets (`given`:
    --home, --issuer), records named by their line (id missing or used before), homes not known."""

    given: dict[str, str] = field(default_factory=dict)
    ids: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    unknown_homes: dict[str, str] = field(default_factory=dict)
    _homes: dict[str, str | None] = field(default_factory=dict)

    def document(self, item: Source) -> Source:
        """`item` with the given metadata under its own (a record's home wins over --home), its home
        city checked against the division data (an unknown one is dropped: inferred instead)."""
        if not self.given and not item.meta:
            return item
        meta = {**self.given, **(item.meta or {})}
        if "id_note" in meta:
            self.ids[meta["id_note"]] += 1
            self.examples.setdefault(meta["id_note"], item.name)
        home = meta.get("home")
        if home and home not in self._homes:
            try:
                self._homes[home] = home_division(home).key
            except UnknownHome as e:
                self._homes[home] = None
                self.unknown_homes.setdefault(home, str(e))
        if home and self._homes[home]:
            meta["home"] = self._homes[home]
        elif home:
            del meta["home"]
        return replace(item, meta=meta)

    def lines(self) -> list[str]:
        out = []
        if self.ids["missing"]:
            out.append(f"{self.ids['missing']} record(s) without an id, named by their line "
                       f"(e.g. {self.examples['missing']})")
        if self.ids["duplicate"]:
            out.append(f"{self.ids['duplicate']} record(s) with an id an earlier record has: both kept, the later "
                       f"named by its line (e.g. {self.examples['duplicate']})")
        if self.unknown_homes:
            names = ", ".join(list(self.unknown_homes)[:5])
            out.append(f"home city not known to the division data, inferred instead, for records naming: {names}")
        return out


def _shown(item: Source) -> str:
    """How a skipped document is named: its path, or for a corpus record its name (file#id)."""
    return item.name if (item.meta or {}).get("format") == "jsonl" else item.path


EXTRACTED = ("html", "docx", "pdf")  # the formats whose text texts.jsonl keeps


def text_record(item: Source) -> dict:
    """The row of texts.jsonl for a document whose text was extracted from a page, .docx or .pdf: the
    text its rows' offsets index, and what the file said about it."""
    meta = item.meta or {}
    row = {"doc": item.name, "doc_hash": item.digest, "format": meta.get("format")}
    row.update({k: meta[k] for k in ("title", "date", "author", "source") if meta.get(k)})
    return row | {"chars": len(item.text), "text": item.text}


def _pieces(sources: Iterator[Source | Skipped], summary: Summary, max_chars: int,
            cache: TagCache | None = None, keys: dict | None = None, notes: InputNotes | None = None,
            texts: Callable[[Source], None] | None = None) -> Iterator[Piece | Cached]:
    """Each readable document as the pieces to tag (offset 0, then the offsets of further pieces), or
    as its cached record; `keys` collects the cache key of every document that is tagged, `notes` adds
    the given metadata, `texts` is handed each document whose text was extracted (`EXTRACTED`)."""
    for item in sources:
        if isinstance(item, Skipped):
            summary.skipped.append((item.path, item.reason))
            continue
        if not item.text.strip():
            summary.skipped.append((_shown(item), "no text (only whitespace)"))
            continue
        if len(item.text) > max_chars:
            summary.skipped.append((_shown(item), f"too large: {len(item.text):,} chars > --max-chars {max_chars:,}"))
            continue
        if notes is not None:
            item = notes.document(item)
        summary.read += 1
        summary.chars += len(item.text)
        if texts is not None and (item.meta or {}).get("format") in EXTRACTED:
            texts(item)
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
            yield replace(item, text=piece, decode_errors=errors), offset


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
                  sink: Callable[[DocResult], DocResult] | None = None, fields: RecordFields | None = None,
                  given: dict[str, str] | None = None,
                  texts: Callable[[Source], None] | None = None) -> list[DocResult]:
    """The records of every readable document, in input order; tagged in `jobs` processes (or on the
    Dask cluster at `scheduler`), documents found in `cache` not tagged again and those tagged stored.
    Each complete record is handed to `sink` (in input order) and what it returns is kept instead: the
    build writes the rows out there and keeps only what the graph needs. `fields` says where a JSONL
    record keeps its text and metadata, `given` is metadata for every document (home, issuer), `texts`
    is handed every document whose text was extracted from a page, .docx or .pdf."""
    keys: dict[tuple[str, str, str], str] = {}
    notes = InputNotes({k: v for k, v in (given or {}).items() if v})
    bar = _Progress(progress, paths)
    stream = _jobs(_pieces(bar.reading(iter_sources(paths, max_chars, fields)), summary, max_chars, cache, keys,
                           notes, texts))
    results: dict[tuple[str, str, str], DocResult] = {}
    tagger: Tagger | None = None
    last: tuple[str, str, str] | None = None
    done = interrupted = False

    def finished(ident: tuple[str, str, str] | None) -> None:
        if ident is not None and ident in keys and cache is not None:
            cache.put(keys.pop(ident), results[ident])
        if ident is not None and sink is not None:
            results[ident] = sink(results[ident])
        if ident is not None:
            bar.finished(ident)

    try:
        ahead = _look_ahead(stream, max(jobs, 1))  # enough to tell how many workers are worth starting
        if any(isinstance(job, list) for job in ahead):
            bar.note("loading the model")
        tagger = _tagger(ahead, model, jobs, scheduler)
        if isinstance(tagger, InProcessTagger):
            init_worker(model)  # now, not in the first task (a load error is still raised there)
        bar.tagging()
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
            bar.show()  # a task's documents at once: one step of the bar, so its rate is the task's
        finished(last)
        done = True
    except (PipelineLoadError, ClusterError) as e:
        raise BuildError(str(e)) from e
    except BrokenProcessPool as e:  # a worker killed (out of memory, a signal): say so in one line
        raise BuildError(f"a tagging worker process died ({e}); try fewer --jobs") from e
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        bar.close(done)
        if tagger:
            abort = getattr(tagger, "abort", None) if interrupted else None
            (abort or tagger.close)()  # Ctrl-C: the workers stopped now, not after their tasks
            release_pipelines()
        summary.info += notes.lines()
    return list(results.values())


COUNT_SECONDS = 3.0  # the most `count_inputs` may take before the bar goes without a total


def count_inputs(paths: list[str], seconds: float = COUNT_SECONDS) -> int | None:
    """How many documents (and skip lines) a build of `paths` yields, told before any is read: every
    file, or folder that cannot be listed, the reader's own walk finds (`reading._files`: the same
    suffixes, each file once) counts one, a corpus of records (JSONL, `reading.kind_of`) one per line.
    None when that takes more than `seconds` (the lines of huge corpora) or cannot be told: the bar then
    counts without a total. Never an error."""
    try:
        from zhkg.ner.text import reading

        kind_of = getattr(reading, "kind_of", None)
        deadline = time.monotonic() + seconds
        total = 0
        for item in reading._files(paths):
            path = item[0] if isinstance(item, tuple) else "-"
            if path != "-" and kind_of is not None and kind_of(path) == "jsonl":
                lines = _count_lines(path, deadline)
                if lines is None:
                    return None
                total += max(lines, 1)
            else:
                total += 1
            if time.monotonic() > deadline:
                return None
        return total
    except Exception:  # noqa: BLE001 - a bar without a total, never a failed build
        return None


def _count_lines(path: str, deadline: float) -> int | None:
    """The lines of a (gzipped) file, read a megabyte at a time; None past `deadline`."""
    import gzip

    lines, last = 0, b"\n"
    try:
        with (gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")) as f:
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
                if time.monotonic() > deadline:
                    return None
    except (OSError, EOFError, ValueError):
        return 1  # read as one skip line
    return lines + (last != b"\n")


class _Bar(tqdm):
    monitor_interval = 0  # no monitor thread: tagging workers are forked after the bar appears


class _Progress:
    """The build's progress bar on stderr, in documents (a file, or a record of a corpus; a skipped one
    too): at 0/N as soon as the inputs are counted (`count_inputs`; before the model loads, which it
    says), so the total, the percentage and, from the first finished task, the ETA show from the first
    second; the clock starts when the model is loaded. A document counts when it is tagged (a skipped one
    with the next one tagged). A build of one document shows none: stderr is left to the one-line
    messages. On an error or Ctrl-C the bar is cleared, so the message that follows stands alone."""

    def __init__(self, enabled: bool, paths: list[str]) -> None:
        self.total = count_inputs(paths) if enabled else 0
        self.read = 0  # documents read so far, skipped ones included
        self.position: dict[tuple[str, str, str], int] = {}  # a document: the documents read through it
        self.reached = 0  # documents done: those read through the last document finished
        self.bar: tqdm | None = None
        if enabled and (self.total is None or self.total >= 2):
            self.bar = _Bar(total=self.total, unit="doc", file=sys.stderr, smoothing=0.1)

    def reading(self, sources: Iterator[Source | Skipped]) -> Iterator[Source | Skipped]:
        """`sources` as they are, noting how many documents are read by each."""
        for item in sources:
            self.read += 1
            if isinstance(item, Source):
                self.position[_ident(item)] = self.read
            yield item

    def note(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(text)

    def tagging(self) -> None:
        """The model is loaded and tagging starts: the clock restarts, so that the rate and the ETA
        count tagging, not the seconds the model took to load."""
        if self.bar is not None and self.bar.n == 0:
            self.bar.set_postfix_str("", refresh=False)
            self.bar.reset(total=self.total)

    def finished(self, ident: tuple[str, str, str]) -> None:
        self.reached = max(self.reached, self.position.pop(ident, 0))

    def show(self) -> None:
        if self.bar is not None and self.reached > self.bar.n:
            self.bar.update(self.reached - self.bar.n)

    def close(self, complete: bool = True) -> None:
        if self.bar is None:
            return
        if complete:
            self.bar.set_postfix_str("", refresh=False)
            self.bar.update(max((self.bar.total or self.read) - self.bar.n, 0))  # skipped ones at the end
        else:
            self.bar.leave = False  # cleared: the error or interrupt line follows alone
        self.bar.close()


def _no_tagging(task: list[Piece]) -> None:
    raise AssertionError("a task to tag without a tagger")


def write_files(documents: list[DocResult], folder: Path, skipped: list[tuple[str, str]] = (),
                rows_written: bool = False) -> None:
    """Every output file into `folder` (an empty staging folder); with `rows_written` the JSONL rows
    are already there (streamed by `build`) and `documents` may be slim (`slim_record`).

    facts.jsonl is written (again) once people are resolved: each row then carries the `person_key` of
    its person node, and facts whose person names nobody (`graph.identity.plausible_person`) are gone."""
    documents, identity = resolve_people(documents)
    write_facts(documents, folder / outputs.FACTS)
    if not rows_written:
        (folder / outputs.TEXTS).write_text("", encoding="utf-8")  # no document here was read from a file
        write_entities(documents, folder / outputs.ENTITIES)
        write_damage(documents, folder / outputs.DAMAGE)
    G = build_graph(documents, identity)
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
                    scheduler: str | None, fields: RecordFields | None = None,
                    given: dict[str, str] | None = None) -> list[DocResult]:
    """Tag every document, its rows streamed into the staging folder as it is done; the slim records.

    A full disk shows twice here: in the write that finds it, and again when the row files are closed
    (their buffers flushed) while that error is on its way out, which would chain a second error to
    the first. The first is told, in the one line of `_write_error`; leaving OutputSet then removes
    the staging folder, OUT untouched."""
    try:
        rows = RecordFiles(target.staging)
    except OSError as e:
        raise _write_error(target, e) from e
    try:
        texts = open(target.staging / outputs.TEXTS, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as e:
        with contextlib.suppress(OSError):
            rows.close()
        raise _write_error(target, e) from e

    def extracted(src: Source) -> None:
        try:
            texts.write(json.dumps(text_record(src), ensure_ascii=False) + "\n")
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
                                  cache=tag_cache, scheduler=scheduler, sink=written, fields=fields, given=given,
                                  texts=extracted)
    except BaseException:
        with contextlib.suppress(OSError):
            rows.close()
        with contextlib.suppress(OSError):
            texts.close()
        raise
    try:
        rows.close()
        texts.close()
    except OSError as e:
        raise _write_error(target, e) from e
    summary.facts = rows.counts["facts"]
    summary.entities = rows.counts["entities"]
    summary.damaged = rows.counts["damage"]
    return documents


def build(paths: list[str], out: str | os.PathLike[str], model: str | None = None, quiet: bool = False,
          max_chars: int = MAX_DOC_CHARS, jobs: int | None = 1,
          cache: str | os.PathLike[str] | bool | None = None, scheduler: str | None = None,
          fields: RecordFields | None = None, home: str | None = None, issuer: str | None = None) -> Summary:
    """Run the whole build; raises BuildError when nothing could be built.

    `jobs` worker processes tag (None: one per usable core; never more), or the Dask cluster at
    `scheduler`; `cache` is a folder of tagging results to reuse and fill, True for the default
    beside OUT, None or False for none. `fields` names the fields of JSONL records; `home` (a city's
    name or code) is every document's home city unless its record gives one, `issuer` every document's
    issuing unit. An unknown or ambiguous `home` is a BuildError before anything is read."""
    started = time.perf_counter()
    given = {"issuer": (issuer or "").strip()}
    if home:
        try:
            given["home"] = home_division(home).key
        except UnknownHome as e:
            raise BuildError(str(e)) from e
    summary = Summary()
    jobs = worker_count(jobs, summary) if scheduler is None else max(jobs or 1, 1)
    target: OutputSet | None = None
    try:
        with OutputSet(out, OUTPUTS) as target:  # locked, recovered and writable before any tagging
            tag_cache = _cache_for(out, cache, model)
            documents = _stream_records(paths, model, summary, target, quiet, max_chars, jobs, tag_cache,
                                        scheduler, fields, given)
            if tag_cache is not None:
                summary.cache = tag_cache.note()
                summary.notes += [line for line in (tag_cache.warning(), tag_cache.write_error) if line]
            if not documents:
                summary.seconds = time.perf_counter() - started
                reasons = "; ".join(f"{p}: {r}" for p, r in summary.skipped[:5]) or "no input files found"
                raise BuildError(f"nothing to build ({reasons})")
            _write_and_commit(documents, target, summary.skipped, rows_written=True)
            summary.notes[:0] = target.notes  # recovery first, then files kept in OUT
    except OutputFolderError as e:
        raise BuildError(str(e)) from e
    except KeyboardInterrupt as e:
        raise Interrupted(target is not None and target.committed) from e
    places = [e for d in documents for e in d.entities if e["type"] == "PLACE"]
    summary.places = len(places)
    summary.places_coded = sum(1 for e in places if e.get("key"))
    summary.places_located = sum(1 for e in places if e.get("key") or e.get("parent_key"))
    summary.seconds = time.perf_counter() - started
    return summary
