"""The read-only SPARQL endpoint, over real HTTP on a free local port."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest_exports import build_graph, memberships

from zhkg.exports import make_server, write_ntriples
from zhkg.exports.sparql import QueryRejected, check_query, load_query

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # ~300^4 rows


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("served")
    write_ntriples(build_graph(), out / "graph.nt")
    server = make_server(out, port=0, timeout_s=1.0, max_rows=5, workers=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/sparql"
    server.close()


def http(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8")


def get(endpoint, query, **params):
    return http(endpoint + "?" + urllib.parse.urlencode({"query": query, **params}))


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?m a <http://www.w3.org/ns/org#Membership> }"


def test_select_json(endpoint):
    status, headers, body = get(endpoint, COUNT)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    doc = json.loads(body)
    assert doc["head"]["vars"] == ["n"]
    assert doc["results"]["bindings"][0]["n"]["value"] == str(len(memberships(build_graph())))


def test_select_csv_by_accept_header_and_by_param(endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": COUNT})
    status, headers, body = http(url, headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body == "n\r\n6\r\n"
    assert get(endpoint, COUNT, format="csv")[2] == body


def test_post_query_body_and_form(endpoint):
    status, _, body = http(endpoint, COUNT.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "6"
    form = urllib.parse.urlencode({"query": COUNT, "format": "csv"}).encode()
    status, _, body = http(endpoint, form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body) == (200, "n\r\n6\r\n")


def test_updates_are_refused(endpoint):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert http(endpoint, update.encode(), {"Content-Type": "application/sparql-update"})[0] == 403
    form = urllib.parse.urlencode({"update": update}).encode()
    assert http(endpoint, form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    status, _, body = get(endpoint, "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }")
    assert status == 403 and "read-only" in body
    assert http(endpoint.replace("/sparql", "/update"), b"", method="POST")[0] == 403
    assert http(endpoint, b"<urn:a> <urn:b> <urn:c> .", method="PUT")[0] == 403
    assert get(endpoint, COUNT)[2].count("6") == 1  # still the same data


def test_timeout_stops_a_heavy_query_and_the_endpoint_recovers(endpoint):
    t0 = time.monotonic()
    status, headers, body = get(endpoint, HEAVY)
    assert status == 503 and "time limit" in body and headers.get("Retry-After")
    assert time.monotonic() - t0 < 10
    assert get(endpoint, COUNT)[0] == 200  # the killed worker was replaced


def test_service_is_refused(endpoint):
    status, _, body = get(endpoint, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert status == 400 and "SERVICE" in body


def test_syntax_error_is_a_clear_400(endpoint):
    status, _, body = get(endpoint, "SELECT ?x WHERE { ?x ")
    assert status == 400 and "syntax error" in body


def test_result_size_limit_truncates_and_says_so(endpoint):
    status, headers, body = get(endpoint, load_query("memberships"), format="csv")
    assert status == 200 and headers["X-ZHKG-Truncated"] == "max_rows=5"
    assert len(list(csv.reader(io.StringIO(body)))) == 1 + 5


def test_ask_and_construct(endpoint):
    assert json.loads(get(endpoint, "ASK { ?s ?p ?o }")[2]) == {"head": {}, "boolean": True}
    status, headers, body = get(endpoint, "CONSTRUCT WHERE { ?s a <https://schema.org/Place> } LIMIT 2")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert body.count(" .\n") == 2


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE" }',  # the word inside a string is data, not federation
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "# INSERT in a comment\nSELECT * WHERE { ?s ?p ?o } LIMIT 1",
])
def test_keyword_checks_ignore_strings_variables_and_comments(query):
    check_query(query)


@pytest.mark.parametrize("query,status", [
    ("prefix : <urn:x#> insert data { :a :b :c }", 403),
    ("LOAD <http://example.org/data.ttl>", 403),
    ("SELECT * { service <http://x/sparql> { ?s ?p ?o } }", 400),
])
def test_keyword_checks_refuse(query, status):
    with pytest.raises(QueryRejected) as exc:
        check_query(query)
    assert exc.value.status == status


def test_select_xml_and_tsv_by_accept_header_and_by_param(endpoint):
    from lxml import etree

    url = endpoint + "?" + urllib.parse.urlencode({"query": COUNT})
    status, headers, body = http(url, headers={"Accept": "application/sparql-results+xml"})
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = etree.fromstring(body.encode())
    assert [v.get("name") for v in root.iter(f"{ns}variable")] == ["n"]
    assert root.find(f".//{ns}binding/{ns}literal").text == "6"
    status, headers, body = get(endpoint, COUNT, format="tsv")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body == '?n\n"6"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
    q = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    assert http(url, headers={"Accept": q})[1]["Content-Type"].startswith("application/sparql-results+xml")
    ask = http(endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", "format": "xml"}))[2]
    assert etree.fromstring(ask.encode()).find(f"{ns}boolean").text == "true"


def test_options_answers_the_preflight(endpoint):
    status, headers, body = http(endpoint, method="OPTIONS",
                                 headers={"Origin": "http://localhost", "Access-Control-Request-Method": "POST"})
    assert status == 204 and body == ""
    assert "POST" in headers["Allow"]
    assert "Access-Control-Allow-Origin" not in headers  # no cross-origin access unless --cors
