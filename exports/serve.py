"""A read-only SPARQL 1.1 Protocol endpoint over an export folder, for local exploration.

Why worker processes: pyoxigraph cannot cancel a running query, and a COUNT over a cross join
blocks inside one Rust call, so a thread cannot be stopped. Each query -- its checks included --
runs in a worker process that opens the disk copy of the store (out_dir/.store, read-only, reopens
in milliseconds); a worker that overruns the time limit is killed and a fresh one started in the
background. Workers also check the deadline between result rows, so a slow but streaming query
ends cleanly without a kill. The main process only parses HTTP and never runs SPARQL.

What is refused, and how:
- SERVICE (federation): 400, decided on the parsed query (`sparql.check_query`). Behind that check,
  on Linux the workers run in a network namespace of their own with no interface up, so even a
  query the check misread cannot make this machine fetch a URL.
- SPARQL Update (as `update=`, application/sparql-update, or update text as a query), any PUT,
  DELETE or PATCH, the /update and /statements paths: 403, read-only.
- A Host header that is not a loopback name (or one given with --allow-host): 403. A web page
  the user opens can point its own DNS name at 127.0.0.1 (DNS rebinding); its requests then carry
  that name, not ours. No CORS header is sent unless `--cors ORIGIN` names the one origin allowed.
- A bad Content-Length (not a number, negative): 400; a body that never arrives: 408 after the
  socket timeout. Syntax errors and unsupported functions: 400 with a one-line message.
  Too long a query or body: 413. Over the time limit: 503 with a message (and Retry-After).
- More than max_rows results: the first max_rows are sent, with header
  `X-ZHKG-Truncated: max_rows=N` (SPARQL result formats have no place to say so in-band).

Results come as SPARQL JSON (default), XML, CSV or TSV, chosen by `format=` or the Accept header
(q-values honoured), so clients that only read XML (older Jena, some SPARQL GUIs) work; OPTIONS
answers the CORS preflight a browser page sends before a POST.
"""

from __future__ import annotations

import ctypes
import ipaddress
import json
import logging
import multiprocessing as mp
import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .sparql import (
    MAX_QUERY_CHARS,
    QueryRejected,
    build_disk_store,
    cannot_call_service,
    check_query,
    format_csv,
    format_json,
    term_json,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
SOCKET_TIMEOUT_S = 10.0
WORKER_START_S = 30.0  # what a fresh worker may take to start on a loaded machine
SLOW_AFTER_S = 0.25  # a query running longer than this yields the CPU to the others
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


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


def _execute(store: ox.Store, query: str, max_rows: int, deadline: float) -> dict[str, Any]:
    if len(query) > MAX_QUERY_CHARS or not cannot_call_service(query):
        query = check_query(query)
        if time.monotonic() > deadline:
            return {"kind": "timeout"}
    try:
        result = store.query(query)
    except SyntaxError:
        check_query(query)  # an update, or rdflib's reading of the error; raises QueryRejected
        raise
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "ask", "boolean": bool(result)}
    out: list[Any] = []
    truncated = False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        for sol in result:
            if len(out) >= max_rows:
                truncated = True
                break
            out.append([term_json(sol[i]) for i in range(len(names))])
            if time.monotonic() > deadline:
                return {"kind": "timeout"}
        return {"kind": "select", "vars": names, "rows": out, "truncated": truncated}
    for t in result:
        if len(out) >= max_rows:
            truncated = True
            break
        out.append(str(t) + " .\n")
        if time.monotonic() > deadline:
            return {"kind": "timeout"}
    return {"kind": "graph", "ntriples": out, "truncated": truncated}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _worker_main(conn: Any, store_dir: str | None, source: str | None) -> None:
    isolated = cut_network()
    if store_dir:
        store = ox.Store.read_only(store_dir)
    else:
        store = ox.Store()
        store.bulk_load(path=source)
    check_query("ASK {}")  # imports and warms the parser before the first real query
    conn.send({"kind": "ready", "isolated": isolated})
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        query, max_rows, budget = msg
        try:
            reply = _execute(store, query, max_rows, time.monotonic() + budget)
        except QueryRejected as exc:
            reply = {"kind": "error", "status": exc.status, "message": exc.message}
        except SyntaxError as exc:
            reply = {"kind": "error", "status": 400, "message": f"SPARQL syntax error: {_one_line(exc)}"}
        except RuntimeError as exc:  # evaluation errors: an unsupported function, a failed SERVICE
            reply = {"kind": "error", "status": 400, "message": f"query failed: {_one_line(exc)}"}
        except Exception as exc:  # noqa: BLE001 - any other engine error goes back to the client as text
            reply = {"kind": "error", "status": 500, "message": f"{type(exc).__name__}: {_one_line(exc)}"}
        conn.send(reply)


class _Worker:
    """One query-running process; killed when a query overruns."""

    def __init__(self, ctx: Any, store_dir: str | None, source: str | None):
        self.ctx, self.store_dir, self.source = ctx, store_dir, source
        self.proc: Any = None
        self.conn: Any = None
        self.isolated = False
        self.retire = False

    def start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker_main, args=(child, self.store_dir, self.source),
                                     daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        ready = parent.recv() if parent.poll(120) else {}
        if ready.get("kind") != "ready":
            self.kill()
            raise RuntimeError("SPARQL worker failed to start")
        self.isolated = bool(ready.get("isolated"))
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def run(self, query: str, max_rows: int, timeout_s: float,
            on_slow: Callable[[], None] | None = None) -> dict[str, Any] | None:
        """The worker's reply, or None when it overran (it is then killed).

        A query still running after SLOW_AFTER_S is lowered to the least CPU priority (on a machine
        with as many slow queries as cores, the simple ones still get the processor at once), and
        `on_slow` is called so the server can put another worker in this one's place."""
        try:
            self.conn.send((query, max_rows, timeout_s))
            if self.conn.poll(min(timeout_s, SLOW_AFTER_S)):
                return self.conn.recv()
            self._set_priority(19)
            if on_slow is not None:
                on_slow()
            # A little grace beyond the worker's own deadline check before the hard kill.
            if self.conn.poll(max(0.0, timeout_s - SLOW_AFTER_S) + 0.25):
                reply = self.conn.recv()
                if not self._set_priority(0):
                    self.retire = True  # not allowed to raise it again: replace it with a fresh one
                return reply
        except (EOFError, OSError):  # the worker died (out of memory, killed from outside)
            pass
        self.kill()
        return None

    def _set_priority(self, nice: int) -> bool:
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, nice)
            return True
        except (OSError, AttributeError):  # no such process any more; or not allowed; or not POSIX
            return False


def host_name(header: str) -> str:
    """The name or address in a Host header, without port, brackets or a trailing dot, lower-cased."""
    host = header.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def is_loopback(header: str) -> bool:
    """Whether a Host header names this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    host = host_name(header)
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a pool of query workers; `close()` stops both."""

    daemon_threads = True
    request_queue_size = 256  # the listen backlog: at 5 (the default) bursts of clients get resets

    def __init__(self, out_dir: str | os.PathLike[str], host: str, port: int, timeout_s: float,
                 max_rows: int, workers: int = 4, cors: str | None = None,
                 allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S):
        self.out_dir = Path(out_dir)
        self.socket_timeout = float(socket_timeout)
        self.timeout_s = float(timeout_s)
        self.max_rows = int(max_rows)
        self.cors = cors
        self.allow_hosts = {host_name(h) for h in allow_hosts}
        try:
            store_dir, source = str(build_disk_store(out_dir)), None
        except OSError:  # export folder not writable: each worker loads the file into memory
            from .sparql import _source

            store_dir, source = None, str(_source(out_dir)[0])
        self._ctx = mp.get_context("spawn")  # fork from a threaded server is unsafe
        self._store = (store_dir, source)
        self._closing = False
        self.workers = max(1, workers)
        self.pool: queue.Queue[_Worker] = queue.Queue()
        self.standby: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._detached = 0
        started = [_Worker(self._ctx, store_dir, source).start() for _ in range(self.workers)]
        self.isolated = all(w.isolated for w in started)
        for w in started:
            self.pool.put(w)
        self._start_worker(self.standby)
        try:
            super().__init__((host, port), _Handler)
        except OSError:  # port taken: do not leave worker processes behind
            self._kill_workers()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or stalled is routine, not an error worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        log.error("request from %s failed: %s", client_address[0], _one_line(sys.exc_info()[1]))

    def host_allowed(self, header: str | None) -> bool:
        return bool(header) and (is_loopback(header) or host_name(header) in self.allow_hosts)

    def execute(self, query: str) -> dict[str, Any]:
        """Run `query` on the next free worker. The wait for one is bounded apart from the query's
        own limit (a killed worker's successor takes a second or two to start), and waiting does not
        eat into the query's time.

        A query that turns out slow gives up its place: a standby worker joins the pool at once (and
        another standby is started), and the slow one is ended when its query is. So slow queries,
        up to one per worker, never leave the simple ones waiting for a worker."""
        try:
            worker = self.pool.get(timeout=self.timeout_s + WORKER_START_S)
        except queue.Empty:
            return {"kind": "busy"}
        detached = False

        def on_slow() -> None:
            nonlocal detached
            with self._lock:
                if self._detached >= self.workers:
                    return
                self._detached += 1
            detached = True
            try:
                self.pool.put(self.standby.get_nowait())
            except queue.Empty:
                self._start_worker(self.pool)
            self._start_worker(self.standby)

        reply = worker.run(query, self.max_rows, self.timeout_s, on_slow)
        if detached:
            with self._lock:
                self._detached -= 1
            worker.kill()
        elif reply is None or worker.retire:
            worker.kill()
            self._start_worker(self.pool)
        else:
            self.pool.put(worker)
        return {"kind": "timeout"} if reply is None else reply

    def _start_worker(self, into: queue.Queue[_Worker]) -> None:
        """Start a worker off the request path (a start takes a second) and put it `into` a queue."""

        def start() -> None:
            while not self._closing:
                try:
                    worker = _Worker(self._ctx, *self._store).start()
                except (RuntimeError, OSError):
                    time.sleep(1)
                    continue
                if self._closing:
                    worker.kill()
                else:
                    into.put(worker)
                return

        threading.Thread(target=start, daemon=True).start()

    def _kill_workers(self) -> None:
        self._closing = True
        for q in (self.pool, self.standby):
            while True:
                try:
                    q.get_nowait().kill()
                except queue.Empty:
                    break

    def close(self) -> None:
        """Stop serving (call from another thread than serve_forever) and end the workers."""
        self.shutdown()
        self.server_close()
        self._kill_workers()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "zhkg-sparql/0.2"

    def setup(self) -> None:
        self.timeout = self.server.socket_timeout  # a client that stops sending (headers or body) frees its thread
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s " + format, self.address_string(), *args)

    # -- responses
    def _send(self, status: int, body: str, ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
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

    def _refused_host(self) -> bool:
        """403 for a Host that is not ours: the defence against DNS rebinding (see module docstring)."""
        if self.server.host_allowed(self.headers.get("Host")):
            return False
        self.close_connection = True
        self._error(403, f"Host {self.headers.get('Host')!r} is not served here: only loopback names are "
                    "answered (zhkg serve --allow-host NAME to add one)")
        return True

    # -- methods
    def do_GET(self) -> None:
        if self._refused_host():
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
        """The request body, or None after answering 400/408/411/413 (the connection then closes:
        what is left of a bad body cannot be told from the next request)."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._error(411, "chunked bodies are not accepted; send Content-Length")
            return None
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
        if self._refused_host():
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
        if self._refused_host():
            return
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.server.cors:
            headers.update({"Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Content-Type, Accept",
                            "Access-Control-Max-Age": "600"})
        self._send(204, "", headers=headers)

    def _refuse_write(self) -> None:
        if self._refused_host():
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
        reply = self.server.execute(query)
        elapsed = time.monotonic() - t0
        kind = reply["kind"]
        if kind == "busy":
            return self._error(503, "all query workers are busy; try again", {"Retry-After": "1"})
        if kind == "timeout":
            return self._error(503, f"query exceeded the time limit of {self.server.timeout_s:g} s and was "
                               "stopped; add LIMIT or narrow the pattern", {"Retry-After": "1"})
        if kind == "error":
            return self._error(reply["status"], reply["message"])
        headers = {"X-ZHKG-Query-Seconds": f"{elapsed:.3f}"}
        if reply.get("truncated"):
            headers["X-ZHKG-Truncated"] = f"max_rows={self.server.max_rows}"
        fmt = self._format(params)
        from .sparql import format_tsv, format_xml

        if kind == "ask":
            if fmt == "csv":
                return self._send(200, f"_askResult\r\n{str(reply['boolean']).lower()}\r\n",
                                  "text/csv; charset=utf-8", headers)
            if fmt == "tsv":
                return self._send(200, f"?_askResult\n{str(reply['boolean']).lower()}\n",
                                  _MEDIA["tsv"], headers)
            if fmt == "xml":
                return self._send(200, format_xml([], [], boolean=reply["boolean"]), _MEDIA["xml"], headers)
            return self._send(200, format_json([], [], boolean=reply["boolean"]),
                              "application/sparql-results+json; charset=utf-8", headers)
        if kind == "graph":
            return self._send(200, "".join(reply["ntriples"]), "application/n-triples; charset=utf-8", headers)
        if fmt == "csv":
            return self._send(200, format_csv(reply["vars"], reply["rows"]), "text/csv; charset=utf-8", headers)
        if fmt in ("tsv", "xml"):
            text = (format_tsv if fmt == "tsv" else format_xml)(reply["vars"], reply["rows"])
            return self._send(200, text, _MEDIA[fmt], headers)
        self._send(200, format_json(reply["vars"], reply["rows"]),
                   "application/sparql-results+json; charset=utf-8", headers)


_MEDIA = {"json": "application/sparql-results+json; charset=utf-8",
          "xml": "application/sparql-results+xml; charset=utf-8",
          "csv": "text/csv; charset=utf-8",
          "tsv": "text/tab-separated-values; charset=utf-8"}
_FORMAT_NAMES = {"json": "json", "csv": "csv", "ntriples": "ntriples", "xml": "xml", "tsv": "tsv",
                 "srj": "json", "srx": "xml"}
_ACCEPTED = {"application/sparql-results+json": "json", "application/json": "json",
             "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
             "text/csv": "csv", "text/tab-separated-values": "tsv"}


def negotiate(accept: str) -> str:
    """The result format an Accept header prefers most (highest q, then first listed); JSON when none."""
    best, best_q = "json", 0.0
    for i, item in enumerate(accept.lower().split(",")):
        media, *params = (p.strip() for p in item.split(";"))
        q = next((float(p[2:]) for p in params if p.startswith("q=") and re.match(r"^q=[\d.]+$", p)), 1.0)
        fmt = _ACCEPTED.get(media)
        if fmt and q > best_q:
            best, best_q = fmt, q
    return best


_HELP = """zhkg read-only SPARQL 1.1 endpoint.
GET  /sparql?query=...            (format=json|xml|csv|tsv, or Accept: application/sparql-results+xml, ...)
POST /sparql  application/sparql-query body, or form-encoded query=...
Updates, SERVICE and writes are refused; only loopback Host names are answered. Results over the
row limit are truncated (header X-ZHKG-Truncated); queries over the time limit get 503.
"""


def make_server(out_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
                timeout_s: float = 10.0, max_rows: int = 10_000, workers: int = 4, cors: str | None = None,
                allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S) -> SparqlServer:
    """A bound, not yet serving server (port=0 picks a free port: see `server_address`)."""
    return SparqlServer(out_dir, host, port, timeout_s, max_rows, workers, cors=cors, allow_hosts=allow_hosts,
                        socket_timeout=socket_timeout)


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
          allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S) -> None:
    """Serve out_dir's graph until interrupted. Binds to loopback unless told otherwise: there is
    no authentication, only read-only queries."""
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    server = make_server(out_dir, host, port, timeout_s, max_rows, workers, cors=cors, allow_hosts=allow_hosts,
                         socket_timeout=socket_timeout)
    if not server.isolated:
        print("zhkg serve: note: query workers could not be put in a network namespace of their own; "
              "SERVICE is refused by the query check alone", file=sys.stderr, flush=True)
    h, p = server.server_address[:2]
    print(json.dumps({"endpoint": f"http://{h}:{p}/sparql", "timeout_s": timeout_s, "max_rows": max_rows,
                      "workers": workers, "workers_offline": server.isolated}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server._kill_workers()


__all__ = ["QueryRejected", "SparqlServer", "check_query", "cut_network", "exposure_warning", "is_loopback",
           "make_server", "serve"]
