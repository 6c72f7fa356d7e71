"""`zhkg query` and the query check against hostile queries, bindings and data (security review, issue 16):
a SERVICE hidden behind a codepoint escape in a comment, `--bind` values that try to widen a query,
nesting deep enough to overflow a parser's stack, and terminal escapes carried by the data. Real
pyoxigraph and rdflib, the CLI as a process, and a canary HTTP server on 127.0.0.1 that must never be
contacted."""

from __future__ import annotations

import csv
import io
import os
import signal
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql.parser import parseQuery
from test_reliability_serve import zhkg_query

from zhkg.exports import open_store, query_command, run_query
from zhkg.exports.sandbox import cut_network
from zhkg.exports.sparql import (
    MAX_DEPTH,
    QueryRejected,
    _in_child,
    bind,
    cannot_call_service,
    check_query,
    escape_outside_terms,
    load_query,
)

SKOS = "http://www.w3.org/2004/02/skos/core#"


def smuggle(url: str) -> str:
    """The review's bypass: to rdflib `\\u000a` ends the comment and `\"\"\"` opens a string holding
    the SERVICE line; to pyoxigraph the comment runs to the real line end and SERVICE is a call."""
    return f'SELECT * WHERE {{ # \\u000a FILTER("""\nSERVICE <{url}> {{ ?s ?p ?o }}\n# """)\n}}\n'


@pytest.fixture(scope="module")
def store(graph_dir):
    return open_store(graph_dir)


def one_line_refusal(done) -> None:
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("zhkg query:") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


# -- 1. SERVICE smuggled past the check


def test_the_smuggle_fools_rdflib_and_reaches_pyoxigraph():
    """The premise: rdflib's parse of the raw text has no SERVICE, pyoxigraph's calls one (port 9 is one
    it refuses to call, so nothing is contacted). If this fails, the parsers changed: recheck issue 16."""
    query = smuggle("http://127.0.0.1:9/sparql")
    assert "ServiceGraphPattern" not in repr(parseQuery(query))
    with pytest.raises(OSError, match="port 9"):
        list(ox.Store().query(query))


def test_check_query_refuses_the_smuggle(canary):
    with pytest.raises(QueryRejected) as err:
        check_query(smuggle(canary.url))
    assert err.value.status == 400 and "escape" in err.value.message


@pytest.mark.parametrize("query", [
    "SELECT * WHERE {{ # \\U0000000a FILTER(\"\"\"\nSERVICE <{url}> {{ ?s ?p ?o }}\n# \"\"\")\n}}",
    "SELECT * WHERE {{ #\\u000d\\u000aFILTER('''\nSERVICE <{url}> {{ ?s ?p ?o }}\n#''')\n}}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0073\\u0065rvice <{url}> {{ ?s ?p ?o }} }}",
])
def test_escape_forms_of_the_smuggle_are_refused(canary, query):
    with pytest.raises(QueryRejected) as err:
        check_query(query.format(url=canary.url))
    assert err.value.status == 400
    assert not cannot_call_service(query.format(url=canary.url))


def test_zhkg_query_refuses_the_smuggle_and_never_calls_out(graph_dir, canary, tmp_path):
    evil = tmp_path / "evil.rq"
    evil.write_text(smuggle(canary.url), encoding="utf-8")
    one_line_refusal(zhkg_query(str(graph_dir), str(evil)))
    assert canary.hits == []


def test_the_run_text_is_what_was_checked():
    """Escapes are expanded once, by the check: the engine gets text with none left to read its own way."""
    text = check_query('SELECT * WHERE { BIND("\\u738b" AS ?x) BIND(<http://a/\\u0062> AS ?y) }')
    assert "\\" not in text and '"王"' in text and "<http://a/b>" in text
    assert escape_outside_terms("SELECT * WHERE { ?s ?p ?o } # \\u0041")
    assert not escape_outside_terms('SELECT * WHERE { ?s ?p "#\\u0041" }')


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { BIND("\\u005Cu0053" AS ?x) }',  # an escape that spells another escape
    'SELECT * WHERE { BIND("\\uD800" AS ?x) }',  # no character
    'SELECT * WHERE { BIND("\\U0041" AS ?x) }',  # \U takes eight digits
])
def test_escapes_that_cannot_be_read_one_way_are_refused(query):
    with pytest.raises(QueryRejected) as err:
        check_query(query)
    assert err.value.status == 400


def test_an_escaped_string_literal_still_matches(graph_dir):
    query = (f"SELECT ?p WHERE {{ ?p a <https://schema.org/Person> ; <{SKOS}prefLabel> ?n "
             'FILTER(STR(?n) = "\\u738b\\u6770") }')
    rows = list(csv.reader(io.StringIO(query_command(graph_dir, query, "csv"))))
    assert len(rows) == 3  # the header and the two people called 王杰


def test_the_fast_path_holds_no_escape_service_or_deep_nesting():
    assert cannot_call_service("SELECT * WHERE { ?s ?p ?o }")
    for query in ("SELECT * WHERE { \\U00000053ERVICE <x:> {} }", "SELECT * WHERE { ſERVICE <x:> {} }",
                  "SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)):
        assert not cannot_call_service(query)


# -- 2. the second wall: the engine runs in a child off the network, and a crash stays there


def test_zhkg_query_runs_the_engine_off_the_network(canary):
    """Past the check (called here without it), pyoxigraph's own SERVICE call finds no network."""
    if _in_child(lambda: str(cut_network()), offline=False) != "True":
        pytest.skip("this system gives no network namespace to an ordinary process")
    with pytest.raises((OSError, RuntimeError)):
        _in_child(lambda: str(list(ox.Store().query(f"SELECT * {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))))
    assert canary.hits == []


def test_an_engine_crash_ends_the_child_not_the_command():
    with pytest.raises(RuntimeError, match="crashed"):
        _in_child(lambda: str(os.kill(os.getpid(), signal.SIGSEGV)))


def test_a_long_operator_chain_runs_on_the_engine_stack():
    """60,000 `!`: several times what overflows pyoxigraph on an 8 MiB stack (SIGSEGV)."""
    query = "ASK { FILTER(" + "!" * 60_000 + "true) }"
    assert _in_child(lambda: str(bool(ox.Store().query(query)))) == "True"


# -- 3. --bind values are terms, never query text


INJECTIONS = [
    '太原市") } UNION { ("x',
    "太原市' || true || '",
    "<urn:x> } UNION { ?membership ?p ?o }",
    "x\" || true || \"",
    "太原市\n}\nUNION { ?membership ?p ?o }",
]
BAD_IRIS = ["<urn:x>)(<urn:y>", "<urn:x>}UNION{<urn:y>", "<urn:x> } UNION { <urn:y>", "<x>", "<urn:a\\u003e>",
            "<urn:a b>"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_bound_text_is_one_literal_and_never_widens_the_query(store, value):
    honest = run_query(store, load_query("posts_in_city"), {"city": "太原市"})[1]
    everything = run_query(store, load_query("posts_in_city"))[1]
    assert 0 < len(honest) < len(everything)
    assert run_query(store, load_query("posts_in_city"), {"city": value})[1] == []


@pytest.mark.parametrize("value", BAD_IRIS)
def test_a_bound_value_in_angle_brackets_must_be_an_iri(value):
    with pytest.raises(ValueError, match="city"):
        bind(load_query("posts_in_city"), {"city": value})


def test_a_bound_value_cannot_carry_an_escape():
    with pytest.raises(ValueError, match="u"):
        bind(load_query("posts_in_city"), {"city": "x\\u0022 } # \\u000a"})


def test_zhkg_query_bind_injection_through_the_cli(graph_dir):
    def rows(value: str):
        return zhkg_query(str(graph_dir), "posts_in_city", "--bind", f"city={value}", "-f", "csv")

    honest = rows("太原市")
    assert honest.returncode == 0 and honest.stdout.count("\n") == 6  # header and five posts
    widened = rows('太原市") } UNION { ("x')
    assert widened.returncode == 0 and widened.stdout.count("\n") == 1  # header only
    one_line_refusal(rows("<urn:x>}UNION{<urn:y>"))


# -- 4. nesting


@pytest.mark.parametrize("opening,closing", [("{", "}"), ("(", ")"), ("[ ?p ", " ]")])
def test_5000_deep_nesting_is_refused_before_parsing(opening, closing):
    body = "?s ?p " + opening * 5000 + "1" + closing * 5000 if opening.startswith("[") else (
        "FILTER" + opening * 5000 + "1" + closing * 5000 if opening == "(" else opening * 5000 + closing * 5000)
    t0 = time.monotonic()
    with pytest.raises(QueryRejected) as err:
        check_query("SELECT * WHERE { " + body + " }")
    assert err.value.status == 400 and err.value.message == f"query nested deeper than {MAX_DEPTH} levels"
    assert time.monotonic() - t0 < 1


def test_brackets_inside_strings_comments_and_iris_do_not_count():
    deep = "(" * 200
    check_query(f'SELECT * WHERE {{ BIND("{deep}" AS ?x) BIND(<urn:{deep}> AS ?y) }} # {deep}')


def test_zhkg_query_refuses_5000_deep_nesting_in_one_line(graph_dir):
    one_line_refusal(zhkg_query(str(graph_dir), "SELECT * WHERE " + "{" * 5000 + "}" * 5000))


# -- 5. what reaches the terminal


HOSTILE = "a\x1b[2J\x1b]0;pwned\x07b\u202ecba\u2066c\u200bd\x85e\nf"


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    triple = ox.Triple(ox.NamedNode("urn:s\u202e"), ox.NamedNode("urn:p"), ox.Literal(HOSTILE + "\x01\r"))
    (out / "graph.nt").write_bytes(ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES))
    return out


def test_the_table_shows_controls_and_bidi_as_visible_escapes(hostile_dir):
    done = zhkg_query(str(hostile_dir), "SELECT ?s ?v WHERE { ?s ?p ?v }")
    assert done.returncode == 0, done.stderr
    for bad in ("\x1b", "\x07", "\x85", "\x01", "\r", "\u202e", "\u2066", "\u200b"):
        assert bad not in done.stdout
    assert "\\u001b[2J" in done.stdout and "<urn:s\\u202e>" in done.stdout
    assert done.stdout.count("\n") == 4  # header, rule, one row, count: the value's line end is a space


def test_data_formats_keep_values_exact_and_xml_stays_xml(hostile_dir):
    query = "SELECT ?v WHERE { ?s ?p ?v }"
    assert list(csv.reader(io.StringIO(query_command(hostile_dir, query, "csv"), newline="")))[1] == [
        HOSTILE + "\x01\r"]
    literal = ET.fromstring(query_command(hostile_dir, query, "xml").encode()).find(
        ".//{http://www.w3.org/2005/sparql-results#}literal")
    unfit = str.maketrans({c: "\ufffd" for c in "\x1b\x07\x01"})  # XML 1.0 cannot carry these at all
    assert literal.text == (HOSTILE + "\x01\r").translate(unfit)  # the CR survives the parse
