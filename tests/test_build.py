"""`zhkg build` end to end: the seeds, the files real tools read, and every kind of bad input."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from zhkg.ner.text.normalize import to_simplified

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "eval" / "score.py"
GOLD = SHARED / "eval" / "dev"


def zhkg(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", *args], input=stdin, capture_output=True, timeout=600,
                          check=False)


def score(out: Path) -> dict:
    if not SCORER.exists():
        pytest.skip("../shared/eval is not beside this checkout")
    spec = importlib.util.spec_from_file_location("score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result, _ = module.score(GOLD, out)
    return result


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    done = zhkg("build", str(REPO / "seeds"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr.decode()
    return out


@pytest.fixture(scope="module")
def rules_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rules")
    done = zhkg("build", str(REPO / "seeds"), "--out", str(out), "--model", "rules", "--quiet")
    assert done.returncode == 0, done.stderr.decode()
    return out


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seeds_with_rules_alone_meet_the_builder_thresholds(rules_out):
    result = score(rules_out)
    assert result["facts"]["f"] >= 0.85
    assert result["persons"]["f"] >= 0.95


def test_seeds_with_the_shipped_model_meet_the_model_thresholds(seeds_out):
    result = score(seeds_out)
    assert result["facts"]["f"] >= 0.90
    assert result["persons"]["f"] >= 0.97


def test_every_fact_quotes_its_evidence_from_the_original_text(seeds_out):
    for fact in rows(seeds_out / "facts.jsonl"):
        original = (REPO / "seeds" / fact["doc"]).read_text(encoding="utf-8")
        assert original[fact["start"]:fact["end"]] == fact["evidence"]
        quoted = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ ]+\)|\s", "", original[fact["person_start"]:fact["person_end"]])
        assert to_simplified(quoted) == fact["person"]
        if fact["rule"] != "post_verb":  # a post verb may take its subject from an earlier sentence
            assert fact["start"] <= fact["person_start"] < fact["person_end"] <= fact["end"]
        assert fact["rule"] and 0 < fact["confidence"] <= 1
        assert fact["status"] in ("current", "former", "new")


def test_damaged_runs_are_reported(seeds_out):
    damage = rows(seeds_out / "damage.jsonl")
    assert {d["doc"] for d in damage} == {"000_26b93d58d52eceed.txt"}
    assert any(d["kind"] == "garbled" for d in damage)


def test_turtle_and_ntriples_parse_in_rdflib_and_pyoxigraph(seeds_out):
    import pyoxigraph
    import rdflib

    ttl = rdflib.Graph().parse(seeds_out / "graph.ttl")
    nt = rdflib.Graph().parse(seeds_out / "graph.nt", format="nt")
    assert len(ttl) == len(nt) > 1000
    for name, fmt in (("graph.ttl", pyoxigraph.RdfFormat.TURTLE), ("graph.nt", pyoxigraph.RdfFormat.N_TRIPLES)):
        store = pyoxigraph.Store()
        store.load(path=str(seeds_out / name), format=fmt)
        assert len(store) == len(ttl)


def test_every_fact_comes_back_from_one_sparql_query(seeds_out):
    from zhkg.exports import open_store, run_query
    from zhkg.exports.sparql import load_query

    variables, results = run_query(open_store(seeds_out), load_query("memberships"))
    got = Counter()
    for row in results:
        values = dict(zip(variables, row))
        got[tuple(None if values[k] is None else values[k].value for k in ("personName", "role", "unit", "doc"))] += 1
    want = Counter((f["person"], f["role"], f["unit"], f["doc"]) for f in rows(seeds_out / "facts.jsonl"))
    assert got == want


def test_build_conforms_to_the_shipped_shapes(seeds_out):
    import pyshacl
    import rdflib

    from zhkg.exports import SHAPES_PATH

    conforms, _, report = pyshacl.validate(rdflib.Graph().parse(seeds_out / "graph.ttl"),
                                           shacl_graph=rdflib.Graph().parse(SHAPES_PATH))
    assert conforms, report


def test_graphml_and_gexf_load_in_networkx_and_igraph(seeds_out):
    import igraph

    from zhkg.exports import validate_graphml

    assert validate_graphml(seeds_out / "graph.graphml") == []
    G = nx.read_graphml(seeds_out / "graph.graphml")
    assert all(isinstance(d["label"], str) and isinstance(d["type"], str) for _, d in G.nodes(data=True))
    assert all("label" in d for *_, d in G.edges(data=True))
    g = igraph.Graph.Read_GraphML(str(seeds_out / "graph.graphml"))
    assert g.vcount() == G.number_of_nodes()
    X = nx.read_gexf(seeds_out / "graph.gexf")
    assert X.number_of_nodes() == G.number_of_nodes()


def test_one_node_per_person_unit_and_place_within_a_document(seeds_out):
    G = nx.read_graphml(seeds_out / "graph.graphml")
    seen = Counter()
    for _, d in G.nodes(data=True):
        if d["type"] == "Person":
            seen[(d["doc"], d["name"])] += 1  # doc: the first document the person is resolved in
        elif d["type"] in ("Organization", "Place"):
            seen[(d["type"], d["node_key"])] += 1
    assert max(seen.values()) == 1


def test_place_mentions_in_mainland_articles_carry_codes(seeds_out):
    """Each mention has its own division code, or (below the division data) the code of the division
    the article places it in; the graph holds that chain."""
    places = [e for e in rows(seeds_out / "entities.jsonl") if e["type"] == "PLACE"]
    own = sum(1 for e in places if e.get("code"))
    located = sum(1 for e in places if e.get("code") or e.get("parent_key"))
    assert own / len(places) >= 0.8
    assert located / len(places) >= 0.95


def test_reads_stdin_and_other_encodings(tmp_path):
    text = "晋城市召开会议。\n晋城市城区北石店镇党委书记张志刚主持会议。"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "in" / "big5.md").write_bytes("臺南市政府今日召開記者會，市長黃偉哲出席。".encode("big5"))
    done = zhkg("build", str(tmp_path / "in"), "-", "--out", str(tmp_path / "out"), "--quiet",
                stdin=text.encode("utf-16"))
    assert done.returncode == 0, done.stderr.decode()
    facts = rows(tmp_path / "out" / "facts.jsonl")
    assert {("gbk.txt", "张志刚"), ("-", "张志刚")} <= {(f["doc"], f["person"]) for f in facts}


def test_bad_inputs_are_skipped_with_a_reason_and_the_batch_goes_on(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "empty.txt").write_bytes(b"")
    (inp / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (inp / "undecodable.txt").write_bytes("新闻".encode() + b"\xff\xfe\xfa\x80\x81" * 50 + b"\x00")
    (inp / "huge.txt").write_text("党" * 6_000_000, encoding="utf-8")
    (inp / "good.txt").write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    done = zhkg("build", str(inp), "--out", str(tmp_path / "out"))
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "Traceback" not in err
    for name, reason in (("empty.txt", "empty"), ("binary.txt", "binary"), ("huge.txt", "too large")):
        assert any(name in line and reason in line for line in err.splitlines()), err
    assert any("undecodable.txt" in line for line in err.splitlines())
    assert [f["person"] for f in rows(tmp_path / "out" / "facts.jsonl")] == ["刘海波"]


def test_nothing_buildable_exits_non_zero_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    done = zhkg("build", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr.decode()
    assert "empty" in done.stderr.decode()


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "good.txt").write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    done = zhkg("build", str(tmp_path / "good.txt"), "--out", str(tmp_path / "a-file" / "out"))
    assert done.returncode != 0
    err = done.stderr.decode()
    assert "Traceback" not in err and "cannot write" in err


def test_a_failed_export_leaves_the_previous_build_untouched(tmp_path, monkeypatch):
    from zhkg import build as zb
    from zhkg.ner.extract import DocResult

    out = tmp_path / "out"
    doc = DocResult("a.txt", "a.txt", 3, None, None, None)
    zb.write_outputs([doc], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zb, "write_graphml", broken)
    with pytest.raises(zb.BuildError):
        zb.write_outputs([doc], out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_long_documents_are_tagged_in_pieces_with_offsets_kept(tmp_path, monkeypatch):
    from zhkg import build as zb

    sentence = "太原市小店区卫健局局长刘海波检查工作。"
    text = "今天天气很好。" * 40 + sentence
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(zb, "PIECE_CHARS", 100)
    summary = zb.Summary()
    (doc,) = zb.tag_documents([str(tmp_path / "long.txt")], "rules", summary, progress=False)
    (fact,) = doc.facts
    assert text[fact["start"]:fact["end"]] == fact["evidence"]
    assert fact["person"] == "刘海波"


def test_linking_rates_of_the_seeds(seeds_out):
    from zhkg.rates import read_linking_rates

    rates = read_linking_rates(seeds_out)
    facts = sum(1 for _ in rows(seeds_out / "facts.jsonl"))
    assert rates["facts"] == facts
    assert rates["units_located"] >= 0.9
    assert rates["place_code_or_parent"] >= rates["place_own_code"] >= 0.8


def test_batches_are_bounded_by_characters():
    from zhkg.ner.extract import _char_bounded

    pairs = [("甲" * n, i) for i, n in enumerate([10, 10, 50, 5, 5, 5, 100])]
    groups = [[ctx for _, ctx in g] for g in _char_bounded(pairs, batch_size=3, batch_chars=30)]
    assert groups == [[0, 1], [2], [3, 4, 5], [6]]
