"""Shared fixtures: the pipelines of the rule tests (tests/test_rule_*.py, tests/test_rules.py), loaded once a
session; and for the endpoint and query tests a small graph folder and a canary HTTP server on 127.0.0.1
that a query must never reach."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest_exports import build_graph

from zhkg.exports import write_ntriples
from zhkg.ner.pipeline import load_pipeline


@pytest.fixture(scope="session")
def nlp():
    """The rules alone, no statistical model (on normalized text, as the build runs them)."""
    return load_pipeline("rules", fold=False)


@pytest.fixture(scope="session")
def with_model():
    """The pipeline `zhkg build` runs, with the shipped model (on normalized text, as the build runs it)."""
    return load_pipeline(fold=False)


class Canary(ThreadingHTTPServer):
    """Records every request; answers like a SPARQL endpoint with one row, so a leak would show."""

    daemon_threads = True

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.hits.append(self.path)
                body = json.dumps({"head": {"vars": ["s"]},
                                   "results": {"bindings": [{"s": {"type": "uri", "value": "urn:leak"}}]}})
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()
    assert server.hits == [], f"the canary was contacted: {server.hits}"


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("served")
    write_ntriples(build_graph(), out / "graph.nt")
    return out
