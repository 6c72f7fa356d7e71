"""What a build writes for people and tools beside the graph: facts.csv, the person–unit projection,
dated GEXF edges, the vocabulary; and the conventions of the API and the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree
from rdflib import Graph, URIRef
from rdflib.namespace import ORG, RDFS

import zhkg
from zhkg.exports import validate_graphml
from zhkg.exports.companions import COMPANION_OUTPUTS
from zhkg.exports.rdf import to_rdf

REPO = Path(__file__).resolve().parents[1]
VOCAB = "https://w3id.org/zhkg/vocab#"
GEXF = "{http://gexf.net/1.3}"


def zhkg_cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The seeds built from an absolute path, so any absolute path would leak into the outputs."""
    out = tmp_path_factory.mktemp("companions")
    done = zhkg_cli("build", str(REPO / "seeds"), "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


def facts(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_companion_is_written(out):
    assert all((out / name).stat().st_size > 0 for name in COMPANION_OUTPUTS)


def test_facts_csv_has_a_bom_and_the_columns_and_rows_of_facts_jsonl(out):
    data = (out / "facts.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    rows = facts(out)
    assert list(table[0]) == list(rows[0])
    assert len(table) == len(rows)
    assert [(r["person"], r["evidence"], r["start"]) for r in table] == [
        (f["person"], f["evidence"], str(f["start"])) for f in rows]


def test_person_unit_projection_weights_posts_by_documents(out):
    P = nx.read_gexf(out / "people_units.gexf", version="1.3")
    assert {d["type"] for _, d in P.nodes(data=True)} == {"Person", "Organization"}
    posts = {}
    for f in facts(out):
        if f.get("unit"):
            posts.setdefault((f["person"], f["unit"], f["role"] or "member"), set()).add(f["doc"])
    seen = {(P.nodes[u]["label"], P.nodes[v]["label"], d["label"]): d["weight"] for u, v, d in P.edges(data=True)}
    assert seen == {k: float(len(v)) for k, v in posts.items()}
    assert validate_graphml(out / "people_units.graphml") == []
    G = nx.read_graphml(out / "people_units.graphml")
    assert G.number_of_edges() == P.number_of_edges()


def test_gexf_edges_carry_dates_for_gephis_timeline(out):
    dated = {f["date"] for f in facts(out) if f.get("date")}
    assert dated, "the seeds state their dates"
    for name in ("graph.gexf", "people_units.gexf"):
        graph = etree.parse(str(out / name)).getroot().find(f"{GEXF}graph")
        assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
        starts = {e.get("start") for e in graph.iter(f"{GEXF}edge") if e.get("start")}
        assert starts and starts <= dated
        assert all(e.get("start") <= e.get("end") for e in graph.iter(f"{GEXF}edge") if e.get("start"))


def test_every_vocabulary_term_in_the_graph_is_defined_in_english_and_chinese(out):
    vocab = Graph().parse(out / "vocab.ttl")
    assert (out / "vocab.ttl").read_bytes() == (REPO / "exports" / "vocab.ttl").read_bytes()
    used = set(re.findall(r"<(https://w3id\.org/zhkg/vocab#[^>]+)>", (out / "graph.nt").read_text(encoding="utf-8")))
    assert len(used) >= 10
    for term in sorted(used):
        labels = {lit.language for lit in vocab.objects(URIRef(term), RDFS.label)}
        comments = {lit.language for lit in vocab.objects(URIRef(term), RDFS.comment)}
        assert labels >= {"en", "zh"} and comments >= {"en", "zh"}, term


def test_no_absolute_path_in_any_output(out):
    for name in ("graph.nt", "graph.ttl", "graph.graphml", "graph.gexf", "report.html", "facts.csv",
                 "facts.jsonl", "entities.jsonl", "people_units.gexf"):
        text = (out / name).read_text(encoding="utf-8-sig")
        for absolute in (str(REPO), str(out)):
            assert absolute not in text, (name, absolute)
    paths = {str(t.object.value) for t in ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
             if t.predicate.value == VOCAB + "path"}
    names = {f["doc"] for f in facts(out)}
    assert paths and all(not os.path.isabs(p) for p in paths) and names <= paths


def test_turtle_and_ntriples_write_the_same_literals(out):
    nt = set(ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
    ttl = set(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert nt == ttl  # lexical forms included: "0.9"^^xsd:double, not 9e-01


def test_merged_people_say_why_and_units_have_a_kind():
    g = to_rdf(zhkg.to_networkx(["太原市小店区公安局局长王杰出席会议。", "太原市小店区公安局局长王杰讲话。"]))
    reasons = [str(o) for o in g.objects(None, URIRef(VOCAB + "mergeReason"))]
    assert len(reasons) == 1 and "2 documents" in reasons[0]
    assert len(set(g.subjects(URIRef(VOCAB + "mergeReason"), None))) == 1
    assert set(g.objects(None, ORG.classification))  # what the docstring of exports/rdf.py promises


def test_extract_reads_traditional_text():
    rows = zhkg.extract("臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。")
    assert {f["person"] for f in rows} >= {"黄伟哲", "姜淋煌"}
    jiang = next(f for f in rows if f["person"] == "姜淋煌")
    assert jiang["unit"] == "民政局" and jiang["role"] == "局长"
    assert "臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。"[jiang["start"]:jiang["end"]] == jiang["evidence"]
    assert set(jiang) == set(facts_keys())


def facts_keys() -> list[str]:
    return ["doc", "person", "role", "unit", "city", "city_code", "city_key", "status", "date", "home_city",
            "sentence", "evidence", "evidence_repaired", "start", "end", "person_start", "person_end", "person_text", "rule", "confidence"]


def test_extract_reads_damaged_converter_output():
    text = (REPO / "seeds" / "000_26b93d58d52eceed.txt").read_text(encoding="utf-8")
    rows = zhkg.extract(text)
    wang = next(f for f in rows if f["person"] == "王诚")
    assert wang["unit"] == "忻府区秀容税务所党支部"  # repaired from 毙酶畢^(qū)秀容稅務所
    assert text[wang["start"]:wang["end"]] == wang["evidence"]


def test_to_networkx_takes_texts_and_paths():
    G = zhkg.to_networkx([REPO / "seeds" / "000_26b93d58d52eceed.txt", "臺南市長黃偉哲今天表示。"])
    names = {d["name"] for _, d in G.nodes(data=True) if d["type"] == "Person"}
    assert {"王诚", "黄伟哲"} <= names
    docs = {d["path"] for _, d in G.nodes(data=True) if d["type"] == "Document"}
    assert "000_26b93d58d52eceed.txt" in docs and "text-1" in docs


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    assert zhkg.__version__ == version("zhkg")
    done = zhkg_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"zhkg {zhkg.__version__}"


def test_query_reads_stdin_and_names_the_shipped_queries(out):
    done = zhkg_cli("query", str(out), "-", "-f", "csv",
                    stdin="SELECT (COUNT(*) AS ?n) WHERE { ?m a <http://www.w3.org/ns/org#Membership> }")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == str(len(facts(out)))
    typo = zhkg_cli("query", str(out), "membrships")
    assert typo.returncode == 2
    assert typo.stderr.startswith("zhkg query: no query named membrships (did you mean memberships?); choose from ")
    assert "posts_in_city" in typo.stderr


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_memberships_table_fits_the_terminal_and_formats_give_every_key(out):
    done = zhkg_cli("query", str(out), "memberships", env={"COLUMNS": "100"})
    lines = done.stdout.splitlines()
    assert [c.strip() for c in lines[0].split("|")] == ["person", "role", "unit", "city", "status", "date", "doc"]
    assert max(map(_width, lines)) <= 100
    assert len(lines) == len(facts(out)) + 3
    full = zhkg_cli("query", str(out), "memberships", "--format", "tsv")
    assert full.stdout.splitlines()[0].split("\t")[:3] == ["?key", "?membership", "?person"]


def test_every_option_has_help():
    for command in ("build", "serve", "query", "evaluate-ner"):
        text = zhkg_cli(command, "--help").stdout
        lines = text[re.search(r"\n(positional arguments|options):", text).start():].splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^  [-\w]", line) and not line.startswith("  -h, --help"):
                spec, *help_text = re.split(r"\s{2,}", line.strip(), maxsplit=1)
                wrapped = i + 1 < len(lines) and re.match(r"^ {10,}\S", lines[i + 1])
                assert help_text or wrapped, (command, spec)
