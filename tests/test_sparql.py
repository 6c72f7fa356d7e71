"""The shipped SPARQL queries and `zhkg query`, run on an exported fixture graph."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest_exports import WANG_TY, WANG_XZ, build_graph, memberships

from zhkg.cli import main
from zhkg.exports import (
    node_iri,
    open_store,
    query_command,
    run_query,
    write_ntriples,
    write_turtle,
)
from zhkg.exports.sparql import example_queries, load_query


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    G = build_graph()
    write_turtle(G, out / "graph.ttl")
    write_ntriples(G, out / "graph.nt")
    return out


@pytest.fixture(scope="module")
def store(out_dir):
    return open_store(out_dir)


def rows_as_text(store, query_name, **bindings):
    names, rows = run_query(store, load_query(query_name), bindings or None)
    return [{n: (t.value if t is not None else None) for n, t in zip(names, r)} for r in rows]


def test_all_example_queries_are_shipped():
    assert set(example_queries()) == {"posts_in_city", "units_most_staff", "multi_role_people",
                                      "person_evidence", "memberships", "career", "succession"}


def test_memberships_returns_exactly_one_row_per_membership_node(store):
    G = build_graph()
    rows = rows_as_text(store, "memberships")
    assert sorted(r["key"] for r in rows) == sorted(memberships(G))
    by_key = {r["key"]: r for r in rows}
    for m in memberships(G):
        d, r = G.nodes[m], by_key[m]
        assert (r["role"], r["status"], r["date"]) == (d["role"], d["status"], d["date"])
    former = next(r for r in rows if r["status"] == "former")
    assert former["end"] == "2024-03-01" and former["start"] is None
    new = next(r for r in rows if r["status"] == "new")
    assert new["start"] == "2024-05-10"
    no_unit = next(r for r in rows if r["role"] == "副市长")
    assert no_unit["unit"] is None and no_unit["city"] == "太原市"


def test_posts_in_a_city_include_its_counties(store):
    rows = rows_as_text(store, "posts_in_city", city="太原市")
    assert {(r["person"], r["role"], r["place"]) for r in rows} == {
        ("王杰", "局长", "太原市"), ("王杰", "副局长", "小店区"), ("李明", "局长", "小店区"),
        ("张伟", "书记", "太原市"), ("李明", "副市长", "太原市"),
    }
    province = rows_as_text(store, "posts_in_city", city="山西省")
    assert len(province) == len(memberships(build_graph()))
    assert {r["person"] for r in rows_as_text(store, "posts_in_city", city="小店区")} == {"王杰", "李明"}


def test_units_with_most_named_staff(store):
    rows = rows_as_text(store, "units_most_staff")
    assert (rows[0]["name"], rows[0]["staff"]) == ("小店分局", "2")


def test_people_with_more_than_one_role(store):
    rows = rows_as_text(store, "multi_role_people")
    assert {(r["name"], r["roles"]) for r in rows} == {("王杰", "2"), ("李明", "2")}
    assert all(r["person"] != str(node_iri(WANG_XZ)) for r in rows)  # the other 王杰 has one role


def test_evidence_for_one_person_by_name_or_iri(store):
    by_name = rows_as_text(store, "person_evidence", name="王杰")
    assert {r["person"] for r in by_name} == {str(node_iri(WANG_TY)), str(node_iri(WANG_XZ))}
    assert "太原市公安局局长王杰" in {r["evidence"] for r in by_name}
    one = rows_as_text(store, "person_evidence", person=f"<{node_iri(WANG_TY)}>")
    assert len(one) == 2 and [r["start"] for r in one] == ["10", "40"]


def test_bindings_must_name_a_query_variable(store):
    with pytest.raises(ValueError, match="no variable"):
        run_query(store, load_query("memberships"), {"nosuch": "x"})


def test_query_command_formats(out_dir):
    table = query_command(out_dir, "units_most_staff")
    assert "小店分局" in table and table.rstrip().endswith("(4 rows)")
    rows = list(csv.DictReader(io.StringIO(query_command(out_dir, "units_most_staff.rq", "csv"))))
    assert rows[0]["name"] == "小店分局"
    doc = json.loads(query_command(out_dir, str(example_queries()["memberships"]), "json"))
    assert len(doc["results"]["bindings"]) == 6
    assert doc["results"]["bindings"][0]["personName"]["xml:lang"].lower() == "zh-hans"  # pyoxigraph lower-cases tags
    ask = json.loads(query_command(out_dir, "ASK { ?s a <http://www.w3.org/ns/org#Membership> }", "json"))
    assert ask == {"head": {}, "boolean": True}


def test_disk_cache_reopens_and_refreshes(out_dir):
    cached = open_store(out_dir, cache=True)
    assert len(cached) == len(open_store(out_dir))
    assert (out_dir / ".store").is_dir()
    assert len(open_store(out_dir, cache=True)) == len(cached)  # reused, not rebuilt


def test_main_query_cli(out_dir, capsys):
    assert main(["query", str(out_dir), "person_evidence", "--bind", "name=王杰", "-f", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.count("\r\n") == 4  # header + three facts about the two 王杰
    assert main(["query", str(out_dir), "SELECT ?x WHERE { ?x"]) == 2
    assert "zhkg query" in capsys.readouterr().err


def test_main_query_reports_a_missing_query_file(out_dir, capsys):
    assert main(["query", str(out_dir), "nosuch.rq"]) == 2
    assert "no query file" in capsys.readouterr().err
