"""One query worker: the process that runs SPARQL under limits, and the handle the server keeps on it.

Why a process per worker: pyoxigraph cannot cancel a running query, and a COUNT over a cross join
blocks inside one Rust call, so only ending the process stops it. The worker checks and runs the
query and formats its answer itself, under its own memory cap and off the network (`exports.sandbox`),
so the server process never runs SPARQL or builds an answer. `Worker.run` says what became of a query:
an answer, or which limit stopped it (time, memory, size, a crash by its signal).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .sandbox import cap_memory, cut_network
from .sparql import (
    MAX_QUERY_CHARS,
    QueryRejected,
    cannot_call_service,
    check_query,
    format_csv,
    format_json,
    format_tsv,
    format_xml,
    term_json,
)

WORKER_STACK = 64 << 20  # the query thread's stack in a worker: deep operator chains (see _answer_queries)
WORKER_START_S = 30.0  # what a fresh worker may take to start on a loaded machine
SLOW_AFTER_S = 0.25  # a query running longer than this yields the CPU and its place to the others
MAX_MEMORY_MB = 1024  # data segment of one query worker
MAX_ANSWER_MB = 16.0  # the largest answer sent
_OUT_OF_MEMORY = ("memory allocation of", "bad_alloc", "MemoryError", "Cannot allocate memory")


@dataclass(frozen=True)
class Limits:
    """What one query may use; sent to the worker with each query."""

    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_memory_mb: int = MAX_MEMORY_MB  # 0: no cap
    max_answer_bytes: int = int(MAX_ANSWER_MB * 1_000_000)


class WorkerStartError(RuntimeError):
    """A query worker could not start; the message says why in one line."""


_MEDIA = {"json": "application/sparql-results+json; charset=utf-8",
          "xml": "application/sparql-results+xml; charset=utf-8",
          "csv": "text/csv; charset=utf-8",
          "tsv": "text/tab-separated-values; charset=utf-8"}


def _size(term: dict[str, Any] | None) -> int:
    """About what one binding adds to the answer, counted before the answer is built."""
    if term is None:
        return 4
    value = term["value"]
    return 48 + (len(value) if isinstance(value, str) else sum(_size(v) for v in value.values()))


def _execute(store: ox.Store, query: str, limits: Limits, deadline: float) -> dict[str, Any]:
    if len(query) > MAX_QUERY_CHARS or not cannot_call_service(query):
        query = check_query(query, False)
        if time.monotonic() > deadline:
            return {"kind": "timeout"}
    try:
        result = store.query(query)
    except SyntaxError:
        check_query(query, False)  # an update, or rdflib's reading of the error; raises QueryRejected
        raise
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "ask", "boolean": bool(result)}
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = _collect(([term_json(sol[i]) for i in range(len(names))] for sol in result),
                        lambda row: sum(_size(t) for t in row), limits, deadline)
        return rows if "kind" in rows else {"kind": "select", "vars": names, **rows}
    lines = _collect((str(t) + " .\n" for t in result), len, limits, deadline)
    return lines if "kind" in lines else {"kind": "graph", **lines}


def _collect(items: Iterable[Any], size: Callable[[Any], int], limits: Limits, deadline: float) -> dict[str, Any]:
    """The first max_rows items, checking the deadline and the answer's size between rows, so a slow
    or huge result ends cleanly in the worker: {"rows": [...], "truncated": bool} or a refusal."""
    out: list[Any] = []
    total = 0
    for item in items:
        if len(out) >= limits.max_rows:
            return {"rows": out, "truncated": True}
        total += size(item)
        if total > limits.max_answer_bytes:
            return {"kind": "too_big"}
        out.append(item)
        if time.monotonic() > deadline:
            return {"kind": "timeout"}
    return {"rows": out, "truncated": False}


def render(result: dict[str, Any], fmt: str) -> tuple[str, str]:
    """The HTTP body and media type of a query result in the format asked for (N-Triples for graphs)."""
    if result["kind"] == "graph":
        return "".join(result["rows"]), "application/n-triples; charset=utf-8"
    if result["kind"] == "ask":
        boolean = result["boolean"]
        word = "true" if boolean else "false"
        if fmt in ("csv", "tsv"):
            return (f"_askResult\r\n{word}\r\n" if fmt == "csv" else f"?_askResult\n{word}\n"), _MEDIA[fmt]
        if fmt == "xml":
            return format_xml([], [], boolean=boolean), _MEDIA["xml"]
        return format_json([], [], boolean=boolean), _MEDIA["json"]
    formatter = {"csv": format_csv, "tsv": format_tsv, "xml": format_xml}.get(fmt, format_json)
    return formatter(result["vars"], result["rows"]), _MEDIA.get(fmt, _MEDIA["json"])


def answer(store: ox.Store, query: str, fmt: str, limits: Limits) -> dict[str, Any]:
    """What a worker sends back for one query: the formatted body, or why there is none."""
    try:
        result = _execute(store, query, limits, time.monotonic() + limits.timeout_s)
        if result["kind"] not in ("ask", "select", "graph"):
            return result
        text, ctype = render(result, fmt)
        body = text.encode("utf-8")
    except QueryRejected as exc:
        return {"kind": "error", "status": exc.status, "message": exc.message}
    except SyntaxError as exc:
        return {"kind": "error", "status": 400, "message": f"SPARQL syntax error: {error_line(exc)}"}
    except MemoryError:
        return {"kind": "memory"}
    except RuntimeError as exc:  # evaluation errors: an unsupported function, a failed SERVICE
        return {"kind": "error", "status": 400, "message": f"query failed: {error_line(exc)}"}
    except Exception as exc:  # noqa: BLE001 - any other engine error goes back to the client as text
        return {"kind": "error", "status": 500, "message": f"{type(exc).__name__}: {error_line(exc)}"}
    if len(body) > limits.max_answer_bytes:
        return {"kind": "too_big"}
    return {"kind": "ok", "body": body, "ctype": ctype, "truncated": result.get("truncated", False)}


def error_line(exc: BaseException) -> str:
    """An exception as one line of text (the engine's messages may span lines)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _open_worker_store(store_dir: str | None, source: str | None) -> ox.Store:
    if store_dir:
        return ox.Store.read_only(store_dir)
    store = ox.Store()
    store.bulk_load(path=source)
    return store


def _worker_main(conn: Any, store_dir: str | None, source: str | None, max_memory_mb: int, err_path: str) -> None:
    """A worker's life: stderr to err_path (where the server reads why it died), off the network, the
    store opened, the memory cap set, then queries until the pipe closes."""
    try:
        fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except FileNotFoundError:  # the server closed while this worker started (Ctrl-C): nothing to serve, or say
        return
    os.dup2(fd, 2)
    os.close(fd)
    isolated = cut_network()
    try:
        store = _open_worker_store(store_dir, source)
    except OSError as exc:
        conn.send({"kind": "failed", "message": f"cannot open the store: {error_line(exc)}"})
        return
    check_query("ASK {}", False)  # imports and warms the parser before the first real query
    refused = cap_memory(max_memory_mb)
    conn.send({"kind": "failed", "message": refused} if refused else {"kind": "ready", "isolated": isolated})
    if refused:
        return
    loop = threading.Thread(target=_answer_queries, args=(conn, store), name="zhkg-queries", daemon=True)
    old_stack = threading.stack_size(WORKER_STACK)  # taken when the thread starts, within the cap
    try:
        loop.start()
    finally:
        threading.stack_size(old_stack)
    loop.join()


_TAKEN = {"kind": "taken"}


def _answer_queries(conn: Any, store: ox.Store) -> None:
    """Queries until the pipe closes, on a thread of WORKER_STACK: pyoxigraph recurses once per operator
    of a chain (`1||1||…`, tens of thousands within MAX_QUERY_CHARS), past a process's usual 8 MiB."""
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        query, fmt, limits = msg
        conn.send(_TAKEN)  # the query is this worker's now: a death from here on is the query's
        conn.send(answer(store, query, fmt, limits))


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread for the duration. A process started meanwhile inherits the mask,
    through exec too, from its first instruction: a terminal's Ctrl-C, sent to every process of the
    server, reaches the server alone, and no worker prints a KeyboardInterrupt traceback (not even one
    still importing). A SIGINT sent to this thread meanwhile is delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def signal_name(number: int) -> str:
    """A signal's name (SIGSEGV), or its number where Python has no name for it."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Worker:
    """One query-running process of one generation of the graph; killed when a query overruns."""

    def __init__(self, ctx: Any, store: tuple[str | None, str | None], gen: int, max_memory_mb: int,
                 err_path: Path):
        self.ctx, self.store, self.gen = ctx, store, gen
        self.max_memory_mb, self.err_path = max_memory_mb, err_path
        self.proc: Any = None
        self.conn: Any = None
        self.isolated = False
        self.retire = False

    def start(self) -> Worker:
        """Start the process and wait for it to say it is ready; WorkerStartError with the reason if not."""
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker_main, daemon=True,
                                     args=(child, *self.store, self.max_memory_mb, str(self.err_path)))
        if self.ctx.get_start_method() != "fork":
            resource_tracker.ensure_running()  # its first start unblocks SIGINT in this thread: before, not within
        with sigint_blocked():  # inherited: the worker never sees Ctrl-C, the server stops it
            self.proc.start()
        child.close()
        self.conn = parent
        try:
            ready = parent.recv() if parent.poll(4 * WORKER_START_S) else {"message": "no answer in time"}
        except (EOFError, OSError):
            ready = {"message": self._death()}
        if ready.get("kind") != "ready":
            self.kill()
            raise WorkerStartError(f"a query worker could not start: {ready.get('message')}")
        self.isolated = bool(ready.get("isolated"))
        return self

    def alive(self) -> bool:
        """Whether the process is there to take a query. Its pipe is asked too: an idle worker sends
        nothing, so a readable pipe means it closed (and is_alive can miss a death while another
        thread reaps the process)."""
        if self.proc is None or not self.proc.is_alive():
            return False
        try:
            return not self.conn.poll()
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None
        try:
            self.err_path.unlink()
        except OSError:
            pass

    def _stderr_tail(self) -> str:
        try:
            with open(self.err_path, "rb") as f:
                f.seek(max(0, f.seek(0, os.SEEK_END) - 4096))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _death(self) -> str:
        """Why the process ended, in words: its signal or exit status and the last line it wrote."""
        code = self._exit_code()
        lines = [line.strip() for line in self._stderr_tail().splitlines() if line.strip()]
        how = f"{signal_name(-code)}" if code is not None and code < 0 else f"exit status {code}"
        return how + (f": {lines[-1][:200]}" if lines else "")

    def _exit_code(self) -> int | None:
        """The ended process's exit code (negative: its signal). Asked a few times: a start in another
        thread reaps finished children too, and sets the code a moment after taking it."""
        self.proc.join(2)
        for _ in range(20):
            if self.proc.exitcode is not None:
                break
            time.sleep(0.01)
        return self.proc.exitcode

    def _died(self) -> dict[str, Any]:
        """The reply for a query whose worker died under it: out of memory, or a crash by its signal."""
        code = self._exit_code()
        tail = self._stderr_tail()
        self.kill()
        if any(mark in tail for mark in _OUT_OF_MEMORY):
            return {"kind": "memory"}
        return {"kind": "crashed", "code": code}

    def run(self, query: str, fmt: str, limits: Limits, on_slow: Callable[[], bool] | None = None) -> dict[str, Any]:
        """The worker's reply; or timeout (it overran and was killed), memory, crashed, crowded, or lost
        (the worker was dead before it got the query: try another).

        A query still running after SLOW_AFTER_S is lowered to the least CPU priority (on a machine
        with as many slow queries as cores, the simple ones still get the processor at once), and
        `on_slow` is asked to put another worker in this one's place: when it cannot (as many slow
        queries as workers already), the query is stopped as `crowded`."""
        timeout_s = limits.timeout_s
        try:
            self.conn.send((query, fmt, limits))
            # the worker says it took the query before it runs it; no word within the limit: stopped as
            # any query that overran
            taken = self.conn.recv() if self.conn.poll(timeout_s) else None
        except (EOFError, OSError):  # it was dead before the query reached it: the query did not run
            self.kill()
            return {"kind": "lost"}
        if taken != _TAKEN:
            self.kill()
            return {"kind": "timeout"}
        try:
            if self.conn.poll(min(timeout_s, SLOW_AFTER_S)):
                return self._reply()
            self._set_priority(19)
            if on_slow is not None and not on_slow():
                self.kill()
                return {"kind": "crowded"}
            # A little grace beyond the worker's own deadline check before the hard kill.
            if self.conn.poll(max(0.0, timeout_s - SLOW_AFTER_S) + 0.25):
                reply = self._reply()
                if not self._set_priority(0):
                    self.retire = True  # not allowed to raise it again: replace it with a fresh one
                return reply
        except (EOFError, OSError):  # the worker died: out of memory, a crash, killed from outside
            return self._died()
        self.kill()
        return {"kind": "timeout"}

    def _reply(self) -> dict[str, Any]:
        reply = self.conn.recv()
        if reply.get("kind") == "memory":
            self.retire = True  # a MemoryError may have left the worker in a poor state
        return reply

    def _set_priority(self, nice: int) -> bool:
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, nice)
            return True
        except (OSError, AttributeError):  # no such process any more; or not allowed; or not POSIX
            return False


__all__ = ["MAX_ANSWER_MB", "MAX_MEMORY_MB", "SLOW_AFTER_S", "WORKER_START_S", "Limits", "Worker",
           "WorkerStartError", "answer", "error_line", "render", "signal_name"]
