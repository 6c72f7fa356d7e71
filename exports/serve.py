"""A read-only SPARQL 1.1 Protocol endpoint over an export folder, for local exploration.

Why worker processes: pyoxigraph cannot cancel a running query, and a COUNT over a cross join
blocks inside one Rust call, so a thread cannot be stopped. Each query -- its checks and the
formatting of its answer included -- runs in a worker process that opens the disk copy of the store
(out_dir/.store, read-only, reopens in milliseconds). The main process only parses HTTP and never
runs SPARQL or builds an answer, so no query can make it big or slow.

Limits, each reported as what it is:
- Time: a worker that overruns --timeout is killed (503, "time limit"); workers also check the
  deadline between result rows, so a slow but streaming query ends cleanly without a kill.
- Memory: each worker's data segment is capped (--max-memory, RLIMIT_DATA); the engine aborts on
  the allocation that passes it, and the query gets 503 "exceeded the memory limit".
- A worker that dies by a signal (a stack overflow in the engine: SIGSEGV) is reported as a crash
  with its signal, never as a time limit; the worker is replaced.
- Answer size: over --max-answer, 413. The answer is formatted in the worker, under its limits.
- Slow queries never starve fast ones: a query still running after SLOW_AFTER_S leaves the pool of
  workers for fresh queries (a standby takes its place); at most `workers` run so at once, and one
  that turns slow beyond that is stopped (503), so fresh queries always find a worker.

The graph follows OUT: `zhkg build` replaces OUT as a whole (a new folder swapped in), so each
request compares OUT's identity (device, inode) and its graph file's stamp with those served. On a
change the disk store is built for the new graph and the workers restarted on it; while OUT holds no
graph, or the new one cannot be loaded, queries get 503 with the reason. A worker that fails to start
is retried in the background and never leaves the pool short for good.

What is refused, and how:
- SERVICE (federation): 400, decided on the parsed query (`sparql.check_query`). Behind that check,
  on Linux the workers run in a network namespace of their own with no interface up, so even a
  query the check misread cannot make this machine fetch a URL.
- SPARQL Update (as `update=`, application/sparql-update, or update text as a query), any PUT,
  DELETE or PATCH, the /update and /statements paths: 403, read-only.
- A Host header that is not a loopback name (or one given with --allow-host): 403. A web page
  the user opens can point its own DNS name at 127.0.0.1 (DNS rebinding); its requests then carry
  that name, not ours. No CORS header is sent unless `--cors ORIGIN` names the one origin allowed.
- Cross-site requests (CSRF): a GET, HEAD or POST whose Origin is neither this server's own nor the
  --cors origin, or that a browser marks `Sec-Fetch-Site: cross-site`, is 403. A form POST needs no
  preflight, so without this any page the user opens could make the endpoint run its queries.
- Framing that two parsers could read differently (request smuggling): a Transfer-Encoding header
  (411/400), repeated Content-Length (400), a header line the parser cannot read (`Name : value`)
  or a folded one (400); each closes the connection. A body sent with a GET is read and dropped, so
  it is never taken for a second request.
- A bad Content-Length (not a number, negative): 400; a body that never arrives: 408 after the
  socket timeout. Syntax errors and unsupported functions: 400 with a one-line message.
  Too long a query or body: 413.
- More than max_rows results: the first max_rows are sent, with header
  `X-ZHKG-Truncated: max_rows=N` (SPARQL result formats have no place to say so in-band).

Results come as SPARQL JSON (default), XML, CSV or TSV, chosen by `format=` or the Accept header
(q-values honoured; a malformed q counts as 1), so clients that only read XML (older Jena, some SPARQL
GUIs) work; OPTIONS answers the CORS preflight a browser page sends before a POST.
"""

from __future__ import annotations

import ctypes
import ipaddress
import json
import logging
import multiprocessing as mp
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .sparql import (
    MAX_QUERY_CHARS,
    QueryRejected,
    _source,
    build_disk_store,
    cannot_call_service,
    check_query,
    format_csv,
    format_json,
    format_tsv,
    format_xml,
    term_json,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
WORKER_STACK = 64 << 20  # the query thread's stack in a worker: deep operator chains (see _answer_queries)
SOCKET_TIMEOUT_S = 10.0
WORKER_START_S = 30.0  # what a fresh worker may take to start on a loaded machine
SLOW_AFTER_S = 0.25  # a query running longer than this yields the CPU and its place to the others
MAX_MEMORY_MB = 1024  # data segment of one query worker
MAX_ANSWER_MB = 16.0  # the largest answer sent
START_ERROR_WAIT_S = 2.0  # how long a query waits for a worker while worker starts are failing
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
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


# ---------------------------------------------------------------- worker processes


def cut_network() -> bool:
    """Move this process into a new, empty network namespace (Linux); True when it worked.

    Done in each worker before it opens the store: afterwards no socket of the worker can reach
    any address, loopback included, so SERVICE cannot leave the process whatever the parser saw.
    As root a plain network namespace; otherwise a user namespace that maps our own ids."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if os.geteuid() == 0 and libc.unshare(_CLONE_NEWNET) == 0:
            return True
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            return False
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        return True
    except (OSError, AttributeError):
        return False


def _data_bytes() -> int:
    """This process's data segment (what RLIMIT_DATA counts), or 0 where /proc does not say."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cap_memory(max_mb: int) -> str | None:
    """Cap this process's data segment at max_mb MiB; a reason when the cap is below what it uses already.

    RLIMIT_DATA rather than RLIMIT_AS: it counts the heap and anonymous mappings, not the store's
    mapped files or reserved but unused address space, so the cap is close to real memory use.
    Past it the engine's allocation fails and the process aborts: the query cannot take the machine."""
    if max_mb <= 0:
        return None
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX: no cap
        return None
    limit = max_mb * 2**20
    used = _data_bytes()
    if used > limit:
        return f"--max-memory {max_mb} MB is below what a query worker takes to start ({used // 2**20 + 1} MB)"
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (OSError, ValueError, AttributeError):  # a hard limit already lower, or no such limit here
        pass
    return None


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
        return {"kind": "error", "status": 400, "message": f"SPARQL syntax error: {_one_line(exc)}"}
    except MemoryError:
        return {"kind": "memory"}
    except RuntimeError as exc:  # evaluation errors: an unsupported function, a failed SERVICE
        return {"kind": "error", "status": 400, "message": f"query failed: {_one_line(exc)}"}
    except Exception as exc:  # noqa: BLE001 - any other engine error goes back to the client as text
        return {"kind": "error", "status": 500, "message": f"{type(exc).__name__}: {_one_line(exc)}"}
    if len(body) > limits.max_answer_bytes:
        return {"kind": "too_big"}
    return {"kind": "ok", "body": body, "ctype": ctype, "truncated": result.get("truncated", False)}


def _one_line(exc: BaseException) -> str:
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
    fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    isolated = cut_network()
    try:
        store = _open_worker_store(store_dir, source)
    except OSError as exc:
        conn.send({"kind": "failed", "message": f"cannot open the store: {_one_line(exc)}"})
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
        conn.send(answer(store, query, fmt, limits))


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class _Worker:
    """One query-running process of one generation of the graph; killed when a query overruns."""

    def __init__(self, ctx: Any, store: tuple[str | None, str | None], gen: int, max_memory_mb: int,
                 err_path: Path):
        self.ctx, self.store, self.gen = ctx, store, gen
        self.max_memory_mb, self.err_path = max_memory_mb, err_path
        self.proc: Any = None
        self.conn: Any = None
        self.isolated = False
        self.retire = False

    def start(self) -> _Worker:
        """Start the process and wait for it to say it is ready; WorkerStartError with the reason if not."""
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker_main, daemon=True,
                                     args=(child, *self.store, self.max_memory_mb, str(self.err_path)))
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
        how = f"{_signal_name(-code)}" if code is not None and code < 0 else f"exit status {code}"
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
        except OSError:  # it died before the query reached it: the query did not run
            self.kill()
            return {"kind": "lost"}
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


# ---------------------------------------------------------------- the graph served


def graph_identity(out_dir: str | os.PathLike[str]) -> tuple[int, ...] | None:
    """What tells one graph in out_dir from the next: OUT's (device, inode), which a build that swaps in
    a new folder changes, and the graph file's inode, size and mtime. None when OUT holds no graph."""
    try:
        out = os.stat(out_dir)
        src = _source(out_dir)[0].stat()
    except OSError:
        return None
    return (out.st_dev, out.st_ino, src.st_ino, src.st_size, src.st_mtime_ns)


def store_for_workers(out_dir: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """(disk store folder, None), or (None, graph file) when OUT is not writable: each worker then
    loads the file into memory."""
    try:
        return str(build_disk_store(out_dir)), None
    except OSError:
        return None, str(_source(out_dir)[0])


# ---------------------------------------------------------------- HTTP


def host_name(header: str) -> str:
    """The name or address in a Host header, without port, brackets or a trailing dot, lower-cased."""
    host = header.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_port(header: str) -> int | None:
    """The port of a Host header (80 when none is written); None when it is not a number."""
    rest = header.strip().rsplit("]", 1)[-1] if header.strip().startswith("[") else header.strip()
    if ":" not in rest:
        return 80
    port = rest.rsplit(":", 1)[1]
    return int(port) if port.isascii() and port.isdigit() else None


def is_loopback(header: str) -> bool:
    """Whether a Host header names this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    host = host_name(header)
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_origin(origin: str, host: str | None) -> bool:
    """Whether an Origin header names this server as the request reached it (http, the Host's name and
    port): the one origin a page of its own would send."""
    if not host:
        return False
    try:
        url = urlsplit(origin.strip())
        port = url.port or 80
    except ValueError:
        return False
    return url.scheme == "http" and (url.hostname or "") == host_name(host) and port == host_port(host)


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a pool of query workers that follows OUT; `close()` stops both."""

    daemon_threads = True
    request_queue_size = 256  # the listen backlog: at 5 (the default) bursts of clients get resets

    def __init__(self, out_dir: str | os.PathLike[str], host: str, port: int, timeout_s: float,
                 max_rows: int, workers: int = 4, cors: str | None = None,
                 allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S,
                 max_memory_mb: int = MAX_MEMORY_MB, max_answer_mb: float = MAX_ANSWER_MB):
        self.out_dir = Path(out_dir)
        self.socket_timeout = float(socket_timeout)
        self.limits = Limits(float(timeout_s), int(max_rows), int(max_memory_mb), int(max_answer_mb * 1_000_000))
        self.timeout_s, self.max_rows = self.limits.timeout_s, self.limits.max_rows
        self.cors = cors
        self.allow_hosts = {host_name(h) for h in allow_hosts}
        self._ident = graph_identity(out_dir)
        self._store = store_for_workers(out_dir)
        self._gen = 0
        self._failed: tuple[tuple[int, ...] | None, str] = (None, "")
        self._ctx = mp.get_context("spawn")  # fork from a threaded server is unsafe
        self._tmp = Path(tempfile.mkdtemp(prefix="zhkg-serve-"))  # workers' stderr, read when one dies
        self._serial = 0
        self._closing = False
        self._start_error: str | None = None
        self.workers = max(1, workers)
        self.pool: queue.Queue[_Worker] = queue.Queue()
        self.standby: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._detached = 0
        self.isolated = True
        try:
            for _ in range(self.workers):
                worker = self._new_worker(self._gen, self._store).start()
                self.isolated = self.isolated and worker.isolated
                self.pool.put(worker)
            self._start_worker(self.standby)
            super().__init__((host, port), _Handler)
        except (OSError, WorkerStartError):  # port taken, workers cannot start: leave no process behind
            self._kill_workers()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or stalled is routine, not an error worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        log.error("request from %s failed: %s", client_address[0], _one_line(sys.exc_info()[1]))

    def host_allowed(self, header: str | None) -> bool:
        return bool(header) and (is_loopback(header) or host_name(header) in self.allow_hosts)

    def cors_allows(self, origin: str | None) -> bool:
        """Whether --cors names this Origin (or is `*`)."""
        if not self.cors or origin is None:
            return False
        return self.cors == "*" or origin.strip().rstrip("/").lower() == self.cors.strip().rstrip("/").lower()

    # -- following OUT
    def follow_graph(self) -> str | None:
        """None when the workers serve the graph OUT holds now (after switching to it if it changed);
        otherwise why no query can be answered. A stat or four per request: cheap next to a query.
        A disk store removed from under us (OUT/.store deleted) counts as a change: it is built again."""
        ident = graph_identity(self.out_dir)
        if ident == self._ident and self._store_present():
            return None
        with self._reload_lock:  # one request rebuilds; the others wait for it, then find it done
            ident = graph_identity(self.out_dir)
            if ident == self._ident and self._store_present():
                return None
            if ident is None:
                return (f"{self.out_dir} holds no graph.nt or graph.ttl now (a build replacing it?); "
                        "try again in a moment")
            if ident == self._failed[0]:
                return self._failed[1]
            try:
                store = store_for_workers(self.out_dir)
            except Exception as exc:  # noqa: BLE001 - a broken graph file: said to every query until it changes
                self._failed = (ident, f"cannot load the new graph in {self.out_dir}: {_one_line(exc)}")
                log.warning("zhkg serve: %s", self._failed[1])
                return self._failed[1]
            self._switch(ident, store)
        return None

    def _store_present(self) -> bool:
        store_dir = self._store[0]
        return store_dir is None or os.path.isdir(store_dir)

    def _switch(self, ident: tuple[int, ...], store: tuple[str | None, str | None]) -> None:
        """Serve `store` from now on: idle workers of the old graph are ended and replaced at once;
        busy ones when their query ends; starts in progress start again on the new store."""
        with self._lock:
            self._gen += 1
            self._store, self._ident, self._failed = store, ident, (None, "")
            idle, spare = _drain(self.pool), _drain(self.standby)
        for w in idle + spare:
            w.kill()
        for _ in idle:
            self._start_worker(self.pool)
        for _ in spare:
            self._start_worker(self.standby)
        log.warning("zhkg serve: the graph in %s changed; now serving the new one", self.out_dir)

    # -- the pool
    def execute(self, query: str, fmt: str = "json") -> dict[str, Any]:
        """Run `query` on the next free worker and return its formatted answer or why there is none.

        The wait for a worker is bounded apart from the query's own limit (a killed worker's successor
        takes a second or two to start), and waiting does not eat into the query's time.
        A query that turns out slow gives up its place: a standby worker joins the pool at once (and
        another standby is started), and the slow one is ended when its query is. At most `workers`
        queries are slow at once; one more is stopped, so fresh queries always find a worker."""
        trouble = self.follow_graph()
        if trouble:
            return {"kind": "unavailable", "message": trouble}
        for _ in range(self.workers + 1):  # a worker found dead when given the query is replaced
            reply = self._execute_once(query, fmt)
            if reply["kind"] != "lost":
                return reply
        return {"kind": "unavailable", "message": "query workers keep dying before they get a query"}

    def _execute_once(self, query: str, fmt: str) -> dict[str, Any]:
        worker = self._take()
        if not isinstance(worker, _Worker):
            return worker
        detached = False

        def on_slow() -> bool:
            nonlocal detached
            with self._lock:
                if self._detached >= self.workers:
                    return False
                self._detached += 1
            detached = True
            try:
                self.pool.put(self.standby.get_nowait())
            except queue.Empty:
                self._start_worker(self.pool)
            self._start_worker(self.standby)
            return True

        reply = worker.run(query, fmt, self.limits, on_slow)
        if detached:
            with self._lock:
                self._detached -= 1
            worker.kill()
        elif not worker.alive() or worker.retire or not self._put(self.pool, worker):
            worker.kill()
            self._start_worker(self.pool)
        return reply

    def _take(self) -> _Worker | dict[str, Any]:
        """A live worker of the current graph, or why none came: busy, or worker starts failing."""
        t0 = time.monotonic()
        end = t0 + self.timeout_s + WORKER_START_S
        while (left := end - time.monotonic()) > 0:
            try:
                worker = self.pool.get(timeout=min(0.25, left))
            except queue.Empty:
                error = self._start_error
                if error and time.monotonic() - t0 > START_ERROR_WAIT_S:
                    return {"kind": "unavailable", "message": error}
                continue
            if worker.gen == self._gen and worker.alive():
                return worker
            worker.kill()  # died while idle, or of a graph replaced since
            self._start_worker(self.pool)
        return {"kind": "busy"}

    def _new_worker(self, gen: int, store: tuple[str | None, str | None]) -> _Worker:
        with self._lock:
            self._serial += 1
            serial = self._serial
        return _Worker(self._ctx, store, gen, self.limits.max_memory_mb, self._tmp / f"worker-{serial}.err")

    def _put(self, into: queue.Queue[_Worker], worker: _Worker) -> bool:
        """Put a worker back for more queries unless the graph changed meanwhile (or we are closing)."""
        with self._lock:
            if self._closing or worker.gen != self._gen:
                return False
            into.put(worker)
            return True

    def _start_worker(self, into: queue.Queue[_Worker]) -> None:
        """Start a worker off the request path (a start takes a second) and put it `into` a queue.
        A failed start is retried, less often as failures repeat, until one works: the pool never
        stays short. Meanwhile queries that find no worker are told why (`_start_error`)."""

        def start() -> None:
            delay = 0.5
            while not self._closing:
                with self._lock:
                    gen, store = self._gen, self._store
                try:
                    worker = self._new_worker(gen, store).start()
                except Exception as exc:  # noqa: BLE001 - whatever failed, the pool must not lose a place
                    self._start_error = _one_line(exc)
                    log.warning("zhkg serve: %s", self._start_error)
                    time.sleep(delay)
                    delay = min(2 * delay, 5.0)
                    continue
                self._start_error = None
                if self._put(into, worker):
                    return
                worker.kill()  # started on a graph replaced meanwhile: start again on the new one

        threading.Thread(target=start, daemon=True).start()

    def _kill_workers(self) -> None:
        with self._lock:
            self._closing = True
            idle = _drain(self.pool) + _drain(self.standby)
        for w in idle:
            w.kill()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def close(self) -> None:
        """Stop serving (call from another thread than serve_forever) and end the workers."""
        self.shutdown()
        self.server_close()
        self._kill_workers()


def _drain(q: queue.Queue[_Worker]) -> list[_Worker]:
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "zhkg-sparql/0.3"

    def setup(self) -> None:
        self.timeout = self.server.socket_timeout  # a client that stops sending (headers or body) frees its thread
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s " + format, self.address_string(), *args)

    # -- responses
    def _send(self, status: int, body: str | bytes, ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.cors)
            self.send_header("Vary", "Origin")
        if self.close_connection:
            self.send_header("Connection", "close")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, message.rstrip() + "\n", headers=headers)

    # -- checks every request passes, in this order
    def _refused(self) -> bool:
        """Answer and return True when the request's framing, Host or origin is refused. A body sent
        with any method but POST is read and dropped first: left unread, it would be taken for the
        next request on the connection."""
        if self._bad_framing():
            return True
        if self.command != "POST" and self.headers.get("Content-Length") not in (None, "0") and self._body() is None:
            return True
        return self._refused_host() or self._refused_origin()

    def _bad_framing(self) -> bool:
        """400/411 and close for what a proxy in front could read as a different request than we do:
        any Transfer-Encoding, several Content-Length headers, a line the header parser gave up on
        (`Transfer-Encoding : chunked` ends the headers for it) or a folded line."""
        headers = self.headers
        problem, status = None, 400
        if headers.defects or headers.get_payload():
            problem = "a malformed header line (white space before the colon, or no colon)"
        elif any("\n" in v or "\r" in v for v in headers.values()):
            problem = "a header folded over lines"
        elif headers.get("Transfer-Encoding") is not None:
            problem = "Transfer-Encoding: chunked bodies are not accepted; send Content-Length"
            status = 411 if self.command == "POST" else 400
        elif len(headers.get_all("Content-Length") or []) > 1:
            problem = "more than one Content-Length header"
        if problem is None:
            return False
        self.close_connection = True
        self._error(status, f"bad request framing: {problem}")
        return True

    def _refused_host(self) -> bool:
        """403 for a Host that is not ours: the defence against DNS rebinding (see module docstring)."""
        if self.server.host_allowed(self.headers.get("Host")):
            return False
        self.close_connection = True
        self._error(403, f"Host {self.headers.get('Host')!r} is not served here: only loopback names are "
                    "answered (zhkg serve --allow-host NAME to add one)")
        return True

    def _refused_origin(self) -> bool:
        """403 for a request a page of another site makes: its Origin is not ours nor the --cors one,
        or the browser marks it cross-site. A form POST needs no CORS preflight, so this, not CORS,
        is what keeps other sites' pages from running queries here (CSRF)."""
        if self.command == "OPTIONS":
            return False
        origin = self.headers.get("Origin")
        cross_site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower() == "cross-site"
        if self.server.cors_allows(origin):
            return False
        if not cross_site and (origin is None or same_origin(origin, self.headers.get("Host"))):
            return False
        self.close_connection = True
        self._error(403, f"cross-site request refused (Origin {origin!r}): only this server's own pages, "
                    "or the origin given with zhkg serve --cors ORIGIN, may send queries")
        return True

    # -- methods
    def do_GET(self) -> None:
        if self._refused():
            return
        url = urlsplit(self.path)
        if self._update_path(url.path):
            return
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            return self._error(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if "query" not in params:
            return self._send(200, _HELP)
        self._answer(params["query"][0], params)

    do_HEAD = do_GET

    def _body(self) -> bytes | None:
        """The request body, or None after answering 400/408/413 (the connection then closes:
        what is left of a bad body cannot be told from the next request)."""
        header = self.headers.get("Content-Length")
        raw = "0" if header is None else header.strip()
        if not raw.isascii() or not raw.isdigit():
            self.close_connection = True
            self._error(400, f"bad Content-Length {raw[:40]!r}: a non-negative whole number is required")
            return None
        length = int(raw)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._error(413, f"request body over {MAX_BODY_BYTES} bytes")
            return None
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            body = b""
        if len(body) < length:
            self.close_connection = True
            self._error(408, f"request body shorter than its Content-Length ({len(body)} of {length} bytes "
                        f"after {self.server.socket_timeout:g} s)")
            return None
        return body

    def do_POST(self) -> None:
        if self._refused():
            return
        url = urlsplit(self.path)
        if self._update_path(url.path):
            return
        raw = self._body()
        if raw is None:
            return
        body = raw.decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/sparql-update":
            return self._error(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if ctype == "application/sparql-query":
            return self._answer(body, params)
        if ctype in ("application/x-www-form-urlencoded", ""):
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                return self._error(403, "this endpoint is read-only: SPARQL Update is not accepted")
            if "query" not in form:
                return self._error(400, "missing 'query' parameter")
            return self._answer(form["query"][0], {**params, **form})
        self._error(415, f"unsupported Content-Type {ctype!r}; use application/sparql-query or a form")

    def do_OPTIONS(self) -> None:
        """What the endpoint allows; the CORS preflight headers only for the origin given with --cors."""
        if self._refused():
            return
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.server.cors:
            headers.update({"Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Content-Type, Accept",
                            "Access-Control-Max-Age": "600"})
        self._send(204, "", headers=headers)

    def _refuse_write(self) -> None:
        if self._refused():
            return
        self.close_connection = True
        self._error(403, "this endpoint is read-only")

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _update_path(self, path: str) -> bool:
        if path.rstrip("/").rsplit("/", 1)[-1] in ("update", "statements"):
            self.close_connection = self.command == "POST"
            self._error(403, "this endpoint is read-only: there is no update endpoint")
            return True
        return False

    # -- queries
    def _format(self, params: dict[str, list[str]]) -> str:
        fmt = (params.get("format") or [""])[0].lower()
        if fmt in _FORMAT_NAMES:
            return _FORMAT_NAMES[fmt]
        return negotiate(self.headers.get("Accept") or "")

    def _answer(self, query: str, params: dict[str, list[str]]) -> None:
        if len(query) > MAX_QUERY_CHARS:
            return self._error(413, f"query longer than {MAX_QUERY_CHARS} characters")
        t0 = time.monotonic()
        reply = self.server.execute(query, self._format(params))
        if reply["kind"] != "ok":
            return self._refusal(reply)
        headers = {"X-ZHKG-Query-Seconds": f"{time.monotonic() - t0:.3f}"}
        if reply.get("truncated"):
            headers["X-ZHKG-Truncated"] = f"max_rows={self.server.max_rows}"
        self._send(200, reply["body"], reply["ctype"], headers)

    def _refusal(self, reply: dict[str, Any]) -> None:
        """The one-line answer for a query that got no result, saying which limit stopped it."""
        kind, limits = reply["kind"], self.server.limits
        retry = {"Retry-After": "1"}
        if kind == "error":
            return self._error(reply["status"], reply["message"])
        if kind == "timeout":
            return self._error(503, f"query exceeded the time limit of {limits.timeout_s:g} s and was stopped; "
                               "add LIMIT or narrow the pattern", retry)
        if kind == "memory":
            return self._error(503, f"query exceeded the memory limit of {limits.max_memory_mb} MB and was "
                               "stopped; add LIMIT or narrow the pattern", retry)
        if kind == "too_big":
            return self._error(413, f"answer larger than {limits.max_answer_bytes} bytes; add LIMIT or select "
                               "fewer or shorter values")
        if kind == "crashed":
            code = reply.get("code")
            how = (f"signal {-code}, {_signal_name(-code)}" if code is not None and code < 0
                   else "its worker ended" if code is None else f"exit status {code}")
            return self._error(500, f"query crashed the engine ({how}) and was stopped; the query worker was "
                               "replaced")
        if kind == "crowded":
            return self._error(503, f"too many slow queries at once ({self.server.workers} are running); this "
                               f"one was stopped after {SLOW_AFTER_S:g} s; try again later", retry)
        if kind == "unavailable":
            return self._error(503, reply["message"], retry)
        self._error(503, "all query workers are busy; try again", retry)


_MEDIA = {"json": "application/sparql-results+json; charset=utf-8",
          "xml": "application/sparql-results+xml; charset=utf-8",
          "csv": "text/csv; charset=utf-8",
          "tsv": "text/tab-separated-values; charset=utf-8"}
_FORMAT_NAMES = {"json": "json", "csv": "csv", "ntriples": "ntriples", "xml": "xml", "tsv": "tsv",
                 "srj": "json", "srx": "xml"}
_ACCEPTED = {"application/sparql-results+json": "json", "application/json": "json",
             "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
             "text/csv": "csv", "text/tab-separated-values": "tsv"}


def _q_value(params: Iterable[str]) -> float:
    """The q of one Accept range: 1 when absent or malformed (`q=1.2.3`), else clamped to 0..1."""
    for p in params:
        name, _, value = p.partition("=")
        if name.strip() == "q":
            try:
                return min(1.0, max(0.0, float(value.strip())))
            except ValueError:
                return 1.0
    return 1.0


def negotiate(accept: str) -> str:
    """The result format an Accept header prefers most (highest q, then first listed); JSON when none."""
    best, best_q = "json", 0.0
    for item in accept.lower().split(","):
        media, *params = (p.strip() for p in item.split(";"))
        q = _q_value(params)
        fmt = _ACCEPTED.get(media)
        if fmt and q > best_q:
            best, best_q = fmt, q
    return best


_HELP = """zhkg read-only SPARQL 1.1 endpoint.
GET  /sparql?query=...            (format=json|xml|csv|tsv, or Accept: application/sparql-results+xml, ...)
POST /sparql  application/sparql-query body, or form-encoded query=...
Updates, SERVICE, writes and cross-site requests are refused; only loopback Host names are answered.
Results over the row limit are truncated (header X-ZHKG-Truncated); queries over the time or memory
limit get 503, answers over the size limit 413.
"""


def make_server(out_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
                timeout_s: float = 10.0, max_rows: int = 10_000, workers: int = 4, cors: str | None = None,
                allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S,
                max_memory_mb: int = MAX_MEMORY_MB, max_answer_mb: float = MAX_ANSWER_MB) -> SparqlServer:
    """A bound, not yet serving server (port=0 picks a free port: see `server_address`)."""
    return SparqlServer(out_dir, host, port, timeout_s, max_rows, workers, cors=cors, allow_hosts=allow_hosts,
                        socket_timeout=socket_timeout, max_memory_mb=max_memory_mb, max_answer_mb=max_answer_mb)


def exposure_warning(host: str) -> str | None:
    """What to tell the user when the bind address is reachable from other machines."""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host_name(host) in LOOPBACK_NAMES
    if local:
        return None
    where = "every network interface" if host in ("0.0.0.0", "::", "") else host
    return (f"zhkg serve: warning: listening on {where}: anyone who can reach this machine can query the "
            "graph; there is no authentication. Only loopback Host names are answered unless "
            "--allow-host names others.")


def serve(out_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
          timeout_s: float = 10.0, max_rows: int = 10_000, workers: int = 4, cors: str | None = None,
          allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S,
          max_memory_mb: int = MAX_MEMORY_MB, max_answer_mb: float = MAX_ANSWER_MB) -> None:
    """Serve out_dir's graph until interrupted. Binds to loopback unless told otherwise: there is
    no authentication, only read-only queries."""
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    server = make_server(out_dir, host, port, timeout_s, max_rows, workers, cors=cors, allow_hosts=allow_hosts,
                         socket_timeout=socket_timeout, max_memory_mb=max_memory_mb, max_answer_mb=max_answer_mb)
    if not server.isolated:
        print("zhkg serve: note: query workers could not be put in a network namespace of their own; "
              "SERVICE is refused by the query check alone", file=sys.stderr, flush=True)
    h, p = server.server_address[:2]
    print(json.dumps({"endpoint": f"http://{h}:{p}/sparql", "timeout_s": timeout_s, "max_rows": max_rows,
                      "workers": workers, "max_memory_mb": max_memory_mb, "max_answer_mb": max_answer_mb,
                      "workers_offline": server.isolated}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server._kill_workers()


__all__ = ["Limits", "QueryRejected", "SparqlServer", "WorkerStartError", "cap_memory", "check_query",
           "cut_network", "exposure_warning", "graph_identity", "is_loopback", "make_server", "negotiate",
           "same_origin", "serve"]
