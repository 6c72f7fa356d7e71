"""The endpoint as a hostile or careless client meets it: a real `zhkg serve` on 127.0.0.1, and a local
canary HTTP server that every query here tries to make the endpoint call. The canary must never be
contacted."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import Canary

VALUES = " ".join(str(i) for i in range(500))
CROSS_JOIN = f"ASK {{ VALUES ?a {{{VALUES}}} VALUES ?b {{{VALUES}}} VALUES ?c {{{VALUES}}} FILTER(?a+?b+?c<0) }}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`zhkg serve` as a user starts it, in its own process."""

    def __init__(self, out: Path, *args: str):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "zhkg.cli", "serve", str(out), "--port", str(self.port),
                                      *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.banner = self.proc.stdout.readline()
        assert self.banner.startswith("{"), self.proc.stderr.read()
        self.url = f"http://127.0.0.1:{self.port}/sparql"

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


@pytest.fixture(scope="module")
def served(graph_dir, canary):
    server = Served(graph_dir, "--timeout", "2", "--socket-timeout", "1", "--workers", "2")
    yield server
    err = server.stop()
    assert "Traceback" not in err, err


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8")


def get(url: str, query: str, headers: dict | None = None):
    return http(url + "?" + urllib.parse.urlencode({"query": query}), headers=headers)


def raw(port: int, request: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are (no client library fixes them up) and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(request)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
        return b"".join(chunks)


# -- 1. SERVICE, however it is written, never leaves the machine

SERVICE_FORMS = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { #x\rSERVICE <{url}> { ?s ?p ?o } }",  # the bypass of the text filter
    "SELECT * WHERE { #x\rSERVICE <{url}> { ?s ?p ?o }\n}",  # a comment to one parser, a call to another
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",  # a codepoint escape
    "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE SILENT ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { { SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } } } } }",
    "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "PREFIX e: <{url}#>\nCONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_however_written(served, canary, form):
    query = form.replace("{url}", canary.url)
    status, _, body = get(served.url, query)
    assert status == 400 and "SERVICE" in body
    status, _, body = http(served.url, query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400
    assert canary.hits == []


def test_workers_cannot_reach_the_network_even_past_the_check(canary):
    """The second wall: a process cut off the network makes pyoxigraph's own SERVICE call fail."""
    code = ("import pyoxigraph as ox, sys\n"
            "from zhkg.exports.sandbox import cut_network\n"
            "if not cut_network(): sys.exit(3)\n"
            f"list(ox.Store().query('SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode == 3:
        pytest.skip("this system gives no network namespace to an ordinary process")
    assert done.returncode == 1 and "unreachable" in done.stderr.lower()
    assert canary.hits == []


def test_the_banner_says_the_workers_are_offline(served):
    assert json.loads(served.banner)["workers_offline"] in (True, False)


# -- 2. the time limit holds for every query, its checks included


def _children_cpu(pid: int) -> float:
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def test_a_cross_join_is_stopped_at_the_limit_and_burns_nothing_after(served):
    t0 = time.monotonic()
    status, headers, body = get(served.url, CROSS_JOIN)
    assert status == 503 and "time limit" in body and headers.get("Retry-After")
    assert time.monotonic() - t0 < 4  # 2 s limit, a kill, a reply
    if Path("/proc").is_dir():
        before = _children_cpu(served.proc.pid)
        time.sleep(1.0)
        assert _children_cpu(served.proc.pid) - before < 0.5  # no worker is still at it
    assert get(served.url, "ASK { ?s ?p ?o }")[0] == 200


def test_a_client_that_leaves_does_not_leave_a_query_running(served):
    with socket.create_connection(("127.0.0.1", served.port)) as s:
        path = "/sparql?" + urllib.parse.urlencode({"query": CROSS_JOIN})
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    time.sleep(3.5)  # past the limit and the kill
    if Path("/proc").is_dir():
        before = _children_cpu(served.proc.pid)
        time.sleep(1.0)
        assert _children_cpu(served.proc.pid) - before < 0.5


# -- 3. DNS rebinding and CORS


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "10.0.0.1"])
def test_foreign_host_names_are_refused(served, host):
    status, _, body = get(served.url, "ASK { ?s ?p ?o }", {"Host": host})
    assert status == 403 and "Host" in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "localhost", "127.0.0.2"])
def test_loopback_host_names_are_answered(served, host):
    status, headers, _ = get(served.url, "ASK { ?s ?p ?o }", {"Host": host.format(port=served.port)})
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers


def test_cors_only_for_the_origin_given(graph_dir, canary):
    server = Served(graph_dir, "--cors", "http://app.test", "--allow-host", "kg.test", "--workers", "1")
    try:
        status, headers, _ = get(server.url, "ASK { ?s ?p ?o }", {"Origin": "http://app.test"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://app.test"
        status, headers, _ = http(server.url, method="OPTIONS", headers={"Origin": "http://app.test"})
        assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
        assert get(server.url, "ASK { ?s ?p ?o }", {"Host": "kg.test:80"})[0] == 200
        assert get(server.url, "ASK { ?s ?p ?o }", {"Host": "other.test"})[0] == 403
    finally:
        server.stop()


# -- 4. bad and slow bodies


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1e3", b" "])
def test_bad_content_length_is_400(served, length):
    reply = raw(served.port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: " + length + b"\r\n\r\nASK {}")
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]


def test_a_short_body_times_out_with_408_and_the_connection_closes(served):
    t0 = time.monotonic()
    reply = raw(served.port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100\r\n\r\nASK {", wait=10)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert time.monotonic() - t0 < 5  # --socket-timeout 1
    assert get(served.url, "ASK { ?s ?p ?o }")[0] == 200


def test_a_client_that_sends_nothing_is_dropped(served):
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(b"GET /spa")
        assert s.recv(100) == b""  # closed by the server
    assert time.monotonic() - t0 < 5


# -- 5. binding every interface is said out loud


def test_binding_all_interfaces_warns(graph_dir):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "zhkg.cli", "serve", str(graph_dir), "--host", "0.0.0.0",
                             "--port", str(port), "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        warning = proc.stderr.readline()
        assert "every network interface" in warning and "no authentication" in warning
        assert proc.stdout.readline().startswith("{")
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


# -- 7. errors are one line, never a traceback; zhkg query refuses SERVICE too


def test_unsupported_function_is_a_clear_400(served):
    status, _, body = get(served.url, "SELECT (<http://nosuchfunc>(1) AS ?x) {}")
    assert status == 400 and "nosuchfunc" in body and "Traceback" not in body and body.count("\n") == 1


def zhkg_query(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", "query", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_zhkg_query_unsupported_function_is_one_line(graph_dir):
    done = zhkg_query(str(graph_dir), "SELECT (<http://nosuchfunc>(1) AS ?x) {}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("zhkg query:") and done.stderr.count("\n") == 1


def test_zhkg_query_refuses_service_unless_allowed(graph_dir, canary):
    done = zhkg_query(str(graph_dir), f"SELECT * WHERE {{ #x\rSERVICE <{canary.url}> {{ ?s ?p ?o }}\n}}")
    assert done.returncode == 2 and "SERVICE" in done.stderr and "Traceback" not in done.stderr
    assert canary.hits == []


def test_zhkg_query_allow_service_reaches_the_endpoint_named(graph_dir):
    """--allow-service does what it says: here to a second local server, not the canary."""
    other = Canary()
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        done = zhkg_query(str(graph_dir), f"SELECT ?s WHERE {{ SERVICE <{other.url}> {{ ?s ?p ?o }} }}",
                          "--allow-service", "--format", "csv")
        assert done.returncode == 0, done.stderr
        assert "urn:leak" in done.stdout and other.hits
    finally:
        other.shutdown()
        other.server_close()


def test_updates_are_refused_on_the_parse(served):
    for update in ("LOAD <http://127.0.0.1:9/x.ttl>", "PREFIX : <urn:x#>\n# a comment\rINSERT DATA { :a :b :c }"):
        status, _, body = get(served.url, update)
        assert status == 403 and "read-only" in body
