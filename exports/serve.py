"""A read-only SPARQL 1.1 Protocol endpoint over an export folder, for local exploration.

Why worker processes: pyoxigraph cannot cancel a running query, and a COUNT over a cross join
blocks inside one Rust call, so a thread cannot be stopped. Each query runs in a worker process
that opens the disk copy of the store (out_dir/.store, read-only, reopens in milliseconds); a
worker that overruns the time limit is killed and replaced. Workers also check the deadline
between result rows, so a slow but streaming query ends cleanly without a kill.

What is refused, and how:
- SPARQL Update (as `update=`, application/sparql-update, or update text as a query), any PUT,
  DELETE or PATCH, the /update and /statements paths: 403, read-only.
- SERVICE (federation): 400. pyoxigraph may fetch remote endpoints; we never let it.
- Syntax errors: 400 with the parser's message. Too long a query or body: 413.
- Over the time limit: 503 with a message (and Retry-After).
- More than max_rows results: the first max_rows are sent, with header
  `X-ZHKG-Truncated: max_rows=N` (SPARQL result formats have no place to say so in-band).

Results come as SPARQL JSON (default), XML, CSV or TSV, chosen by `format=` or the Accept header
(q-values honoured), so clients that only read XML (older Jena, some SPARQL GUIs) work; OPTIONS
answers the CORS preflight a browser page sends before a POST.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import queue
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .sparql import blank_literals, build_disk_store, format_csv, format_json, term_json

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100_000
MAX_BODY_BYTES = 1_000_000
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


class QueryRejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def check_query(query: str) -> None:
    """Refuse updates and federation before anything runs (the textual check cannot be fooled by
    strings or IRIs: those are blanked first)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRejected(413, f"query longer than {MAX_QUERY_CHARS} characters")
    bare = blank_literals(query).upper()
    words = re.findall(r"[A-Z_]+", bare)
    skip = {"PREFIX", "BASE"}
    first = next((w for w in words if w not in skip), "")
    if first in _UPDATE_WORDS:
        raise QueryRejected(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if re.search(r"\bSERVICE\b", bare):
        raise QueryRejected(400, "SERVICE (federated query) is disabled on this endpoint")


_PARSER = ox.Store()  # empty: parses a query for its error message without touching data


def parse_check(query: str) -> None:
    try:
        _PARSER.query(query)
    except SyntaxError as exc:
        raise QueryRejected(400, f"SPARQL syntax error: {exc}") from None


# ---------------------------------------------------------------- worker processes


def _execute(store: ox.Store, query: str, max_rows: int, deadline: float) -> dict[str, Any]:
    result = store.query(query)
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


def _worker_main(conn: Any, store_dir: str | None, source: str | None) -> None:
    if store_dir:
        store = ox.Store.read_only(store_dir)
    else:
        store = ox.Store()
        store.bulk_load(path=source)
    conn.send({"kind": "ready"})
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
        except SyntaxError as exc:
            reply = {"kind": "error", "status": 400, "message": f"SPARQL syntax error: {exc}"}
        except Exception as exc:  # noqa: BLE001 - any engine error goes back to the client as text
            reply = {"kind": "error", "status": 500, "message": f"{type(exc).__name__}: {exc}"}
        conn.send(reply)


class _Worker:
    """One query-running process; killed and restarted when a query overruns."""

    def __init__(self, ctx: Any, store_dir: str | None, source: str | None):
        self.ctx, self.store_dir, self.source = ctx, store_dir, source
        self.proc: Any = None
        self.conn: Any = None

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker_main, args=(child, self.store_dir, self.source),
                                     daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        if not parent.poll(120) or parent.recv().get("kind") != "ready":
            self.kill()
            raise RuntimeError("SPARQL worker failed to start")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def run(self, query: str, max_rows: int, timeout_s: float) -> dict[str, Any]:
        if not self.alive():
            self.start()
        self.conn.send((query, max_rows, timeout_s))
        # A little grace beyond the worker's own deadline check before the hard kill.
        if self.conn.poll(timeout_s + 0.25):
            return self.conn.recv()
        self.kill()
        return {"kind": "timeout"}


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a pool of query workers; `close()` stops both."""

    daemon_threads = True

    def __init__(self, out_dir: str | os.PathLike[str], host: str, port: int, timeout_s: float,
                 max_rows: int, workers: int = 2):
        self.out_dir = Path(out_dir)
        self.timeout_s = float(timeout_s)
        self.max_rows = int(max_rows)
        try:
            store_dir, source = str(build_disk_store(out_dir)), None
        except OSError:  # export folder not writable: each worker loads the file into memory
            from .sparql import _source

            store_dir, source = None, str(_source(out_dir)[0])
        ctx = mp.get_context("spawn")  # fork from a threaded server is unsafe
        self.pool: queue.Queue[_Worker] = queue.Queue()
        for _ in range(max(1, workers)):
            w = _Worker(ctx, store_dir, source)
            w.start()
            self.pool.put(w)
        try:
            super().__init__((host, port), _Handler)
        except OSError:  # port taken: do not leave worker processes behind
            self._kill_workers()
            raise

    def execute(self, query: str) -> dict[str, Any]:
        t0 = time.monotonic()
        try:
            worker = self.pool.get(timeout=self.timeout_s)
        except queue.Empty:
            return {"kind": "busy"}
        try:
            return worker.run(query, self.max_rows, max(0.05, self.timeout_s - (time.monotonic() - t0)))
        finally:
            self.pool.put(worker)

    def _kill_workers(self) -> None:
        while True:
            try:
                self.pool.get_nowait().kill()
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
    server_version = "zhkg-sparql/0.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s " + format, self.address_string(), *args)

    # -- responses
    def _send(self, status: int, body: str, ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, message.rstrip() + "\n", headers=headers)

    # -- methods
    def do_GET(self) -> None:
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

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if self._update_path(url.path):
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self._error(413, f"request body over {MAX_BODY_BYTES} bytes")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
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

    def _refuse_write(self) -> None:
        self._error(403, "this endpoint is read-only")

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def do_OPTIONS(self) -> None:
        self._send(204, "", headers={"Allow": "GET, HEAD, POST, OPTIONS",
                                     "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                                     "Access-Control-Allow-Headers": "Content-Type, Accept"})

    def _update_path(self, path: str) -> bool:
        if path.rstrip("/").rsplit("/", 1)[-1] in ("update", "statements"):
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
        try:
            check_query(query)
            parse_check(query)
        except QueryRejected as exc:
            return self._error(exc.status, exc.message)
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
Updates, SERVICE and writes are refused. Results over the row limit are truncated
(header X-ZHKG-Truncated); queries over the time limit get 503.
"""


def make_server(out_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
                timeout_s: float = 10.0, max_rows: int = 10_000, workers: int = 2) -> SparqlServer:
    """A bound, not yet serving server (port=0 picks a free port: see `server_address`)."""
    return SparqlServer(out_dir, host, port, timeout_s, max_rows, workers)


def serve(out_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
          timeout_s: float = 10.0, max_rows: int = 10_000, workers: int = 2) -> None:
    """Serve out_dir's graph until interrupted. Binds to loopback unless told otherwise: there is
    no authentication, only read-only queries."""
    server = make_server(out_dir, host, port, timeout_s, max_rows, workers)
    h, p = server.server_address[:2]
    print(json.dumps({"endpoint": f"http://{h}:{p}/sparql", "timeout_s": timeout_s, "max_rows": max_rows}))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server._kill_workers()


__all__ = ["QueryRejected", "SparqlServer", "check_query", "make_server", "serve"]
