"""Hostile text against facts and exports (security review, issue 16): characters XML cannot carry, control,
bidi and zero-width characters in names and units, impossible dates. No article costs the batch, a name
holds only what a reader sees, offsets still point into the text as it was read, and ids are the same
on every build."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from lxml import etree

from zhkg.exports import validate_graphml, write_gexf, write_graphml, write_ntriples, write_turtle
from zhkg.exports._attrs import _XML_ILLEGAL, key_id, unique_ids
from zhkg.exports.rdf import nt_lines
from zhkg.ner.rules.facts import Fact
from zhkg.ner.text.dates import document_date, valid_date
from zhkg.ner.text.visible import INVISIBLE, visible

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
XSD_DATE = "<http://www.w3.org/2001/XMLSchema#date>"

ARTICLES = {
    "collide.txt": "李明担任\x08公司总经理。吴刚担任\x0b公司总经理。\n",  # two units apart only by a control
    "nonchar.txt": "太原市公安局局长王\uffff杰检查工作。\n",
    "plain.txt": "太原市公安局局长王杰检查工作。\n",
    "zero_width.txt": "太原市公安局局长王\u200b杰检查工作。\n",
    "bidi.txt": "忻州市\u200d公安局局长赵\u202e刚检查工作。太原市卫健委主任\u2066周\u2069敏表示。\n",
    "escape.txt": "太原市公安局副局长张\x1b三和刘\x9b强出席。\n",
    "bad_date.txt": "发布时间：2021-02-31\n太原市公安局局长李四检查工作。\n",
}


def _unseen(ch: str) -> bool:
    """A character a value must not hold: a control, a format character, a surrogate, a noncharacter."""
    cp = ord(ch)
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs") or 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE


def _build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", "build", str(src), "--out", str(out), "--model", "rules",
                           "--quiet"], capture_output=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The articles built twice, into two folders (each with its own cache, so both tag afresh)."""
    root = tmp_path_factory.mktemp("security")
    src = root / "in"
    src.mkdir()
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    outs = []
    for run in ("a", "b"):
        done = _build(src, root / run)
        assert done.returncode == 0, done.stderr.decode("utf-8", errors="replace")
        outs.append(root / run)
    return src, outs[0], outs[1]


def _facts(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _ids(out: Path) -> tuple[set[str], set[str], set[str]]:
    """Node ids of graph.graphml and graph.gexf, and the subjects of graph.nt."""
    graphml = {n.get("id") for n in etree.parse(str(out / "graph.graphml")).iter(f"{GRAPHML}node")}
    gexf = {n.get("id") for n in etree.parse(str(out / "graph.gexf")).iter(f"{GEXF}node")}
    nt = {line.split(" ", 1)[0] for line in (out / "graph.nt").read_text(encoding="utf-8").splitlines() if line}
    return graphml, gexf, nt


# -- the build: every article in, every export parses


def test_hostile_articles_build_and_every_export_parses(built):
    _, out, _ = built
    assert validate_graphml(out / "graph.graphml") == []
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() > 0
    assert nx.read_gexf(out / "graph.gexf", version="1.3").number_of_nodes() > 0
    for name, fmt, mime in (("graph.ttl", "turtle", "text/turtle"), ("graph.nt", "nt", "application/n-triples")):
        assert len(rdflib.Graph().parse(out / name, format=fmt)) > 0
        assert list(pyoxigraph.parse(path=str(out / name), format=pyoxigraph.RdfFormat.from_media_type(mime)))
    docs = {f["doc"] for f in _facts(out)}
    assert docs == set(ARTICLES)  # no article was lost on the way


def test_values_hold_no_unseen_characters_and_offsets_still_slice_the_original(built):
    src, out, _ = built
    facts = _facts(out)
    for f in facts:
        for field in ("person", "role", "unit", "city"):
            assert not any(_unseen(ch) for ch in f[field] or ""), (field, f[field])
        original = (src / f["doc"]).read_text(encoding="utf-8")
        assert original[f["start"]:f["end"]] == f["evidence"]
        assert visible(original[f["person_start"]:f["person_end"]]) == f["person"]
    people = {(f["doc"], f["person"]) for f in facts}
    assert {("zero_width.txt", "王杰"), ("bidi.txt", "赵刚"), ("bidi.txt", "周敏"), ("escape.txt", "张三")} <= people
    zero = next(f for f in facts if f["doc"] == "zero_width.txt")
    assert zero["person_text"] == "王\u200b杰"  # the quote is the text as it was read
    units = {f["unit"] for f in facts if f["doc"] == "collide.txt"}
    assert units == {"公司"}  # a unit that differs by a control character only is that unit
    entities = [json.loads(line) for line in (out / "entities.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not [e for e in entities if any(_unseen(ch) for ch in e["name"])]


def test_a_zero_width_name_is_the_same_person_node(built):
    _, out, _ = built
    G = nx.read_graphml(out / "graph.graphml")
    wang = [d for _, d in G.nodes(data=True) if d["type"] == "Person" and "王" in d["label"]]
    assert len(wang) == 1 and wang[0]["label"] == "王杰"
    mentioned = [v for u, v, d in G.edges(data=True) if d["label"] == "mentionedIn" and G.nodes[u] is wang[0]]
    assert {G.nodes[v]["name"] for v in mentioned} == {"plain.txt", "zero_width.txt", "nonchar.txt"}
    assert "alt" not in wang[0]  # the written form with the invisible character is no second spelling


def test_an_impossible_date_is_no_date(built):
    _, out, _ = built
    assert [f["date"] for f in _facts(out) if f["doc"] == "bad_date.txt"] == [None]
    nt = (out / "graph.nt").read_text(encoding="utf-8")
    assert "2021-02-31" not in nt and XSD_DATE not in nt  # no article here has a real date
    assert 'start="2021-02-31"' not in (out / "graph.gexf").read_text(encoding="utf-8")


def test_ids_are_the_same_on_every_build(built):
    _, first, second = built
    assert _ids(first) == _ids(second)
    assert all(ids for ids in _ids(first))


# -- ids that two keys cannot share


def test_keys_apart_only_by_what_xml_cannot_carry_stay_distinct_nodes(tmp_path):
    keys = ["Organization/\x08公司", "Organization/\x0b公司", "Organization/公司", "Person/王\uffff杰", "Person/王杰"]
    G = nx.MultiDiGraph()
    for k in keys:
        G.add_node(k, type=k.split("/")[0], label=k.split("/")[1])
    for org in keys[:3]:
        G.add_edge("Person/王杰", org, key="member", label="member")
    for n in (1, 2):
        write_graphml(G, tmp_path / f"{n}.graphml")
        write_gexf(G, tmp_path / f"{n}.gexf")
        write_ntriples(G, tmp_path / f"{n}.nt")
        write_turtle(G, tmp_path / f"{n}.ttl")
    assert validate_graphml(tmp_path / "1.graphml") == []
    H = nx.read_graphml(tmp_path / "1.graphml")
    assert (H.number_of_nodes(), H.number_of_edges()) == (5, 3)
    assert {d["node_key"] for _, d in H.nodes(data=True)} == {key_id(k) for k in keys}
    X = nx.read_gexf(tmp_path / "1.gexf", version="1.3")
    assert (X.number_of_nodes(), X.number_of_edges()) == (5, 3)
    assert "Person/王杰" in X and "Organization/公司" in X  # ordinary keys are their own ids
    assert len({o for o in rdflib.Graph().parse(tmp_path / "1.ttl", format="turtle").objects(
        predicate=rdflib.DCTERMS.identifier)}) == 5
    for ext in ("graphml", "gexf", "nt", "ttl"):
        assert (tmp_path / f"1.{ext}").read_bytes() == (tmp_path / f"2.{ext}").read_bytes()


@pytest.mark.parametrize("keys", [
    pytest.param(["王杰", "王\uffff杰", "王\x08杰", "王\\uffff杰", "王\\\\uffff杰", "王\\u0008杰"], id="escapes"),
    pytest.param(["a\\", "a\\\\", "a\ud800", "a\\ud800", "a"], id="backslashes_and_surrogates"),
])
def test_key_ids_are_one_to_one_and_carriable(keys):
    ids = [key_id(k) for k in keys]
    assert len(set(ids)) == len(keys)
    assert not [i for i in ids if _XML_ILLEGAL.search(i)]
    assert key_id("Person/王杰/太原市") == "Person/王杰/太原市"


def test_shared_ids_fall_back_to_distinct_ones_whatever_the_order():
    items = ["Person/王杰", "Person/李明", 1, "1"]
    first = unique_ids(items, lambda _: "n0", spare="x")  # every item "collides"
    again = unique_ids(list(reversed(items)), lambda _: "n0", spare="x")
    assert len(set(first.values())) == len(items) and first == again
    assert all(i.startswith("x") for i in first.values())
    by_key = unique_ids(items, lambda n: key_id(str(n)), spare="\\x")
    assert by_key["Person/王杰"] == "Person/王杰" and by_key[1] != by_key["1"]


# -- values and dates


def test_the_invisible_ranges_cover_every_format_character_this_python_knows():
    missed = [f"U+{cp:04X}" for cp in range(0x110000)
              if unicodedata.category(chr(cp)) == "Cf" and not INVISIBLE.fullmatch(chr(cp))]
    assert missed == []
    for ch in "\x1b\x08\x9b\x7f\u202e\u2066\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff\uffff\ud800":
        assert INVISIBLE.fullmatch(ch), f"U+{ord(ch):04X}"
    assert not INVISIBLE.search("王杰 \t\n\r\u3000，。A1")  # text and whitespace stay


def test_a_fact_holds_visible_values_whoever_builds_it():
    f = Fact("王\u200b杰", "局\x1b长", "\u202e公安局\x0b", "\u2066", "current", "apposition", 0, 9, 3, 6, 0, 0.9)
    assert (f.person, f.role, f.unit, f.city) == ("王杰", "局长", "公安局", None)
    assert (f.start, f.end, f.person_start, f.person_end) == (0, 9, 3, 6)


@pytest.mark.parametrize("text, name, date", [
    pytest.param("发布时间：2021-02-31\n正文", "a.txt", None, id="february_31"),
    pytest.param("发布时间：2023年2月29日\n正文", "a.txt", None, id="no_leap_day"),
    pytest.param("发布时间：2024年2月29日\n正文", "a.txt", "2024-02-29", id="leap_day"),
    pytest.param("民国110年4月31日", "a.txt", None, id="roc_april_31"),
    pytest.param("正文", "2021-06-31_1.txt", None, id="file_name"),
])
def test_an_impossible_date_yields_no_date(text, name, date):
    assert document_date(text, name) == date


def test_the_rdf_export_types_real_days_only():
    assert valid_date("2021-02-31") is None and valid_date("２０２１-01-01") is None
    assert valid_date("2024-02-29") == "2024-02-29"
    G = nx.MultiDiGraph()
    for doc, date in (("Document/a", "2021-02-31"), ("Document/b", "2024-03-01")):
        G.add_node(doc, type="Document", label=doc, date=date)
        G.add_node(f"Membership/{doc}", type="Membership", label="m", date=date, status="current", doc=doc)
        G.add_edge(f"Membership/{doc}", doc, key="source", label="source")
    typed = [line for line in nt_lines(G) if XSD_DATE in line]
    assert typed and all("2024-03-01" in line for line in typed)
    assert any('"2021-02-31"' in line for line in nt_lines(G))  # kept, as a plain string
