"""Tagging on more than one core: worker processes that each load the pipeline once.

`nlp.pipe(n_process=N)` cannot be used: it ships `Doc` objects back through `Doc.to_bytes`, and
`doc._.tokens` / `doc._.facts` hold objects that cannot be serialized (spaCy E871). So the workers run
the whole of `extract.run` themselves and send back `DocResult` records, which are plain dicts and
strings and pickle cheaply. The main process reads the files, cuts long ones into pieces, groups the
pieces into tasks of at most `TASK_DOCS` documents / `TASK_CHARS` characters (the model's memory grows
with the characters tagged at once) and keeps only a few tasks per worker in flight, so neither the
workers nor the queue between them ever hold the whole corpus. Results come back in input order.

Tagging is independent of how documents are batched (measured: every record of 45 documents tagged
one at a time, in reverse order, equals the batched run), so `--jobs 1`, `--jobs N`, a cache that
leaves gaps and a Dask cluster all give the same records.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Protocol

from zhkg.ner.extract import BATCH_CHARS, DocResult, run
from zhkg.ner.text.reading import Source

if TYPE_CHECKING:
    from spacy.language import Language

TASK_DOCS = 16
TASK_CHARS = BATCH_CHARS
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
IN_FLIGHT_PER_WORKER = 2  # one task tagging, one waiting: workers never idle, memory stays bounded

Piece = tuple[Source, int]  # a document or a piece of one, with the offset of the piece in the document


class PipelineLoadError(Exception):
    """The pipeline could not be loaded where the tagging runs; `str(e)` is a one-line reason."""


class ClusterError(Exception):
    """The Dask scheduler could not be reached, or a task was lost with its worker; one-line reason."""


def load_or_explain(model: str | None) -> Language:
    """The pipeline, or a PipelineLoadError whose message is one line: a mistyped --model is a user
    error, not a crash, wherever it is loaded (here, in a pool worker, on a Dask worker)."""
    from zhkg.ner.pipeline import load_pipeline  # spaCy: only where something is tagged

    try:
        return load_pipeline(model, fold=False)  # the texts come folded (`extract.run` normalizes them)
    except (OSError, ImportError, ValueError, KeyError) as e:
        first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
        raise PipelineLoadError(f"cannot load model {model!r}: {first.strip()}") from e


def shift(result: DocResult, offset: int) -> DocResult:
    """Offsets of a piece's records made offsets of its whole document."""
    if offset:
        for rows in (result.facts, result.entities, result.damage):
            for row in rows:
                for k in ("start", "end", "person_start", "person_end"):
                    if k in row:
                        row[k] += offset
    return result


def tag_pieces(nlp: Language, pieces: list[Piece]) -> list[DocResult]:
    """One DocResult per piece, offsets already those of the whole document."""
    return [shift(result, offset) for result, (_, offset) in zip(run(nlp, [s for s, _ in pieces]), pieces)]


def worker_id() -> str:
    """Where a task ran: host and process id, so a build can say (and a test check) who tagged."""
    return f"{socket.gethostname()}:{os.getpid()}"


# -- the per-process pipeline: loaded once by the pool initializer or the Dask worker plugin

_PIPELINES: dict[str | None, Language | PipelineLoadError] = {}
_LOCK = threading.Lock()  # a Dask worker may run tasks in several threads; one pipeline tags at a time


def init_worker(model: str | None) -> None:
    """Load the pipeline of `model` into this process; a load error is kept and raised by every task,
    so the main process hears it as one line instead of a broken pool."""
    with _LOCK:
        if model not in _PIPELINES:
            try:
                _PIPELINES[model] = load_or_explain(model)
            except PipelineLoadError as e:
                _PIPELINES[model] = e
            gc.freeze()  # the pipeline lives as long as the process: no collection need walk it again (~5%)


def release_pipelines() -> None:
    """Forget the pipelines this process loaded (~600 MB each): the build calls it once tagging is done,
    so the graph and the exports do not share the process with a model nobody needs any more."""
    with _LOCK:
        _PIPELINES.clear()
    gc.unfreeze()  # what `init_worker` froze can be collected again
    gc.collect()


def _pool_worker(model: str | None, parent: int) -> None:
    """A pool worker's start: deaf to Ctrl-C (the terminal sends SIGINT to every process of the build;
    the build's own process stops the workers, which must not each print a traceback), die with the
    build (a killed build must not leave workers holding the pipeline's memory, waiting on a queue
    nobody feeds), then the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)
    init_worker(model)


def tag_task(pieces: list[Piece], model: str | None) -> tuple[str, list[DocResult]]:
    """The task a worker runs: the records of `pieces`, and where they were made."""
    init_worker(model)  # a no-op when the initializer or plugin has run
    with _LOCK:
        nlp = _PIPELINES[model]
        if isinstance(nlp, PipelineLoadError):
            raise nlp
        return worker_id(), tag_pieces(nlp, pieces)


# -- taggers: where tasks run


class Tagger(Protocol):
    """Runs tasks somewhere; `submit` returns something with `.result()` (a concurrent.futures or a
    Dask future), so `ordered_results` drives all of them alike."""

    def submit(self, pieces: list[Piece]) -> object: ...

    @property
    def window(self) -> int: ...

    def close(self) -> None: ...


class _Done:
    """A result that is already there, in the shape of a future."""

    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value


class InProcessTagger:
    """`--jobs 1`: the pipeline in this process, loaded at the first task (a build whose documents are
    all cached never loads it)."""

    def __init__(self, model: str | None) -> None:
        self.model = model
        self.window = 1

    def submit(self, pieces: list[Piece]) -> _Done:
        return _Done(tag_task(pieces, self.model))

    def close(self) -> None:
        """The pipeline stays loaded in `_PIPELINES`, as `zhkg.extract` keeps its own."""


class ProcessPoolTagger:
    """`--jobs N`: N worker processes, each holding the pipeline once.

    Where `fork` exists the pipeline is loaded here first and the workers are forked from this
    process: one load (~4 s of CPU) instead of N, its ~600 MB shared copy-on-write, and a mistyped
    model is an error before any worker starts. The fork happens before this process starts any
    thread of its own (the progress bar runs none). Elsewhere (spawn) each worker loads it in its
    initializer."""

    def __init__(self, model: str | None, jobs: int) -> None:
        if "fork" in multiprocessing.get_all_start_methods():
            init_worker(model)
            if isinstance(_PIPELINES[model], PipelineLoadError):
                raise _PIPELINES[model]
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("spawn")
        self.model = model
        self.window = jobs * IN_FLIGHT_PER_WORKER
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_pool_worker,
                                        initargs=(model, os.getpid()))

    def submit(self, pieces: list[Piece]) -> Future:
        return self.pool.submit(tag_task, pieces, self.model)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        """Stop now (Ctrl-C): the workers are killed, their tasks dropped, nothing is waited for."""
        for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
            proc.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)


def make_tasks(pieces: Iterable[Piece], max_docs: int = TASK_DOCS, max_chars: int = TASK_CHARS) -> Iterator[list[Piece]]:
    """Consecutive pieces in tasks of at most `max_docs` pieces and, beyond the first, `max_chars` chars."""
    task: list[Piece] = []
    chars = 0
    for piece in pieces:
        if task and (len(task) >= max_docs or chars + len(piece[0].text) > max_chars):
            yield task
            task, chars = [], 0
        task.append(piece)
        chars += len(piece[0].text)
    if task:
        yield task


def ordered_results(jobs: Iterable[object], start: Callable[[list[Piece]], object], window: int) -> Iterator[object]:
    """For each job in order: a `list[Piece]` is started with `start` (at most `window` running at
    once), anything else (a result that needs no tagging, e.g. from the cache) passes through in its
    place. Yields each job's result in input order, so the output never depends on which worker
    finished first."""
    pending: deque = deque()
    running = 0
    for job in jobs:
        if isinstance(job, list):
            while running >= window:
                head = pending.popleft()
                yield head.result()
                running -= isinstance(head, _Started)
            pending.append(_Started(start(job)))
            running += 1
        else:
            pending.append(_Done(job))
    while pending:
        yield pending.popleft().result()


class _Started:
    def __init__(self, future: object) -> None:
        self.future = future

    def result(self) -> object:
        return self.future.result()
