"""A read-only SPARQL 1.1 Protocol endpoint over an export folder, for local exploration.

This module is the HTTP side: it parses requests, refuses what it must, and answers with what a
query worker sent back. The rest lives in modules of their own:
- `exports.query_pool`: the worker processes (slow queries out of the way, a standby, the graph OUT
  holds now, followed across rebuilds);
- `exports.query_worker`: one worker, which runs each query -- its checks and the formatting of its
  answer included -- so the main process never runs SPARQL or builds an answer;
- `exports.http_rules`: which Host, Origin and framing are refused;
- `exports.sandbox`: the walls around a worker (no network, a memory cap).

Limits, each reported as what it is:
- Time: a worker that overruns --timeout is killed (503, "time limit"); workers also check the
  deadline between result rows, so a slow but streaming query ends cleanly without a kill.
- Memory: each worker's data segment is capped (--max-memory, RLIMIT_DATA); the engine aborts on
  the allocation that passes it, and the query gets 503 "exceeded the memory limit".
- A worker that dies by a signal (a stack overflow in the engine: SIGSEGV) is reported as a crash
  with its signal, never as a time limit; the worker is replaced.
- Answer size: over --max-answer, 413. The answer is formatted in the worker, under its limits.
- Slow queries never starve fast ones: at most `workers` run at once past SLOW_AFTER_S, and one that
  turns slow beyond that is stopped (503), so fresh queries always find a worker.
- While OUT holds no graph, or a rebuilt one cannot be loaded, queries get 503 with the reason.

What is refused, and how:
- SERVICE (federation): 400, decided on the parsed query (`sparql.check_query`). Behind that check,
  on Linux the workers run in a network namespace of their own with no interface up, so even a
  query the check misread cannot make this machine fetch a URL.
- SPARQL Update (as `update=`, application/sparql-update, or update text as a query), any PUT,
  DELETE or PATCH, the /update and /statements paths: 403, read-only.
- A Host header that is not a loopback name (or one given with --allow-host): 403 (DNS rebinding).
  No CORS header is sent unless `--cors ORIGIN` names the one origin allowed.
- Cross-site requests (CSRF): a GET, HEAD or POST from a page of another site: 403.
- Framing that two parsers could read differently (request smuggling): 411/400, and the connection
  closes. A body sent with a GET is read and dropped, so it is never taken for a second request.
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

import errno
import json
import logging
import os
import sys
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .http_rules import cross_site, exposure_warning, framing_problem, host_name, is_loopback
from .query_pool import QueryPool
from .query_worker import MAX_ANSWER_MB, MAX_MEMORY_MB, SLOW_AFTER_S, Limits, error_line, signal_name
from .sparql import MAX_QUERY_CHARS

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
SOCKET_TIMEOUT_S = 10.0


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer answering with a pool of query workers that follows OUT; `close()` stops both."""

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
        try:  # the port first: one taken is said at once, before any worker starts
            super().__init__((host, port), _Handler)
        except OSError as e:
            taken = " (in use: stop what listens there, or pick another --port; 0 picks a free one)"
            raise OSError(e.errno, f"cannot listen on {host}:{port}: {e.strerror or e}"
                          f"{taken if e.errno == errno.EADDRINUSE else ''}") from None
        try:
            self.pool = QueryPool(out_dir, self.limits, workers)  # workers that cannot start leave none behind
        except BaseException:
            self.server_close()
            raise
        self.isolated = self.pool.isolated

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or stalled is routine, not an error worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        log.error("request from %s failed: %s", client_address[0], error_line(sys.exc_info()[1]))

    def host_allowed(self, header: str | None) -> bool:
        return bool(header) and (is_loopback(header) or host_name(header) in self.allow_hosts)

    def close(self) -> None:
        """Stop serving (call from another thread than serve_forever) and end the workers."""
        self.shutdown()
        self.server_close()
        self.pool.close()


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
        """400/411 and close for framing two parsers could read differently (`framing_problem`)."""
        problem = framing_problem(self.headers, self.command)
        if problem is None:
            return False
        self.close_connection = True
        self._error(problem[0], f"bad request framing: {problem[1]}")
        return True

    def _refused_host(self) -> bool:
        """403 for a Host that is not ours: the defence against DNS rebinding (see `exports.http_rules`)."""
        if self.server.host_allowed(self.headers.get("Host")):
            return False
        self.close_connection = True
        self._error(403, f"Host {self.headers.get('Host')!r} is not served here: only loopback names are "
                    "answered (zhkg serve --allow-host NAME to add one)")
        return True

    def _refused_origin(self) -> bool:
        """403 for a request a page of another site makes (`http_rules.cross_site`). A form POST needs
        no CORS preflight, so this, not CORS, keeps other sites' pages from running queries here (CSRF)."""
        if self.command == "OPTIONS" or not cross_site(self.headers, self.server.cors):
            return False
        origin = self.headers.get("Origin")
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
        reply = self.server.pool.execute(query, self._format(params))
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
            how = (f"signal {-code}, {signal_name(-code)}" if code is not None and code < 0
                   else "its worker ended" if code is None else f"exit status {code}")
            return self._error(500, f"query crashed the engine ({how}) and was stopped; the query worker was "
                               "replaced")
        if kind == "crowded":
            return self._error(503, f"too many slow queries at once ({self.server.pool.workers} are running); "
                               f"this one was stopped after {SLOW_AFTER_S:g} s; try again later", retry)
        if kind == "unavailable":
            return self._error(503, reply["message"], retry)
        self._error(503, "all query workers are busy; try again", retry)


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


def serve(out_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
          timeout_s: float = 10.0, max_rows: int = 10_000, workers: int = 4, cors: str | None = None,
          allow_hosts: Iterable[str] = (), socket_timeout: float = SOCKET_TIMEOUT_S,
          max_memory_mb: int = MAX_MEMORY_MB, max_answer_mb: float = MAX_ANSWER_MB) -> None:
    """Serve out_dir's graph until interrupted (Ctrl-C: the KeyboardInterrupt is raised once the
    server and its workers are stopped; the workers themselves never see SIGINT). Binds to loopback
    unless told otherwise: there is no authentication, only read-only queries."""
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
    finally:
        server.server_close()
        server.pool.close()


__all__ = ["SparqlServer", "make_server", "negotiate", "serve"]
