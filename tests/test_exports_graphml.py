"""GraphML and GEXF exports: files Gephi opens cleanly and networkx/igraph read back whole."""

from __future__ import annotations

import igraph
import networkx as nx
import pytest
from conftest_exports import LI, WANG_TY, WANG_XZ, build_graph, memberships
from lxml import etree

from zhkg.exports import validate_graphml, write_gexf, write_graphml
from zhkg.exports.graphml import NS, XSD_PATH

GEXF_NS = "{http://gexf.net/1.3}"


@pytest.fixture()
def messy_graph():
    """The fixture plus what real data brings: a code that is an int on one place, None, a list."""
    G = build_graph()
    G.nodes["Place/140000000000"]["code"] = 140000000000
    G.nodes[LI]["nicknames"] = ["小李", "老李"]
    G.nodes[WANG_XZ]["note"] = None
    G.add_edge(WANG_TY, WANG_XZ, key="sameAs", label="sameAs", weight=0, reason="rejected")
    return G


def test_graphml_validates_against_the_project_schema(messy_graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(messy_graph, path)
    assert validate_graphml(path) == []


def test_graphml_attribute_hygiene(messy_graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(messy_graph, path)
    root = etree.parse(str(path)).getroot()
    keys = root.findall(f"{{{NS}}}key")
    names = [(k.get("for"), k.get("attr.name")) for k in keys]
    assert len(names) == len(set(names))  # one declaration (one type) per attribute name
    assert all(k.get("for") in ("node", "edge") for k in keys)  # no graph-level keys
    types = {k.get("attr.name"): k.get("attr.type") for k in keys if k.get("for") == "node"}
    assert types["code"] == "string"  # int on one node, str elsewhere: written as str
    assert types["evidence_start"] == "long" and types["confidence"] == "double"
    edge_ids = [e.get("id") for e in root.iter(f"{{{NS}}}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == messy_graph.number_of_edges()
    assert not [d for d in root.iter(f"{{{NS}}}data") if d.text in (None, "None")]


def test_graphml_reads_back_with_networkx(messy_graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(messy_graph, path)
    H = nx.read_graphml(path)
    assert (H.number_of_nodes(), H.number_of_edges()) == (messy_graph.number_of_nodes(),
                                                          messy_graph.number_of_edges())
    by_key = {d["node_key"]: d for _, d in H.nodes(data=True)}
    assert set(by_key) == set(messy_graph.nodes)
    m = memberships(messy_graph)[0]
    assert by_key[m]["evidence_start"] == messy_graph.nodes[m]["start"]
    assert by_key[LI]["nicknames"] == '["小李", "老李"]'
    assert "note" not in by_key[WANG_XZ]
    assert all(isinstance(d["label"], str) and d["type"] for d in by_key.values())
    zero = [d for _, _, d in H.edges(data=True) if d.get("reason") == "rejected"]
    assert zero and "weight" not in zero[0] and zero[0]["orig_weight"] == 0


def test_graphml_reads_back_with_igraph(messy_graph, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(messy_graph, path)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (messy_graph.number_of_nodes(), messy_graph.number_of_edges())
    assert ig.is_directed()
    assert set(ig.vs["node_key"]) == set(messy_graph.nodes)
    assert set(ig.es["label"]) >= {"member", "role", "containedInPlace"}


@pytest.mark.parametrize("breakage", ["duplicate edge id", "graph-level key", "dangling edge", "key without for"])
def test_the_schema_catches_what_gephi_chokes_on(breakage, tmp_path):
    path = tmp_path / "graph.graphml"
    write_graphml(build_graph(), path)
    tree = etree.parse(str(path))
    root = tree.getroot()
    edges = list(root.iter(f"{{{NS}}}edge"))
    if breakage == "duplicate edge id":
        edges[1].set("id", edges[0].get("id"))
    elif breakage == "graph-level key":
        root.find(f"{{{NS}}}key").set("for", "graph")
    elif breakage == "dangling edge":
        edges[0].set("target", "nowhere")
    else:
        del root.find(f"{{{NS}}}key").attrib["for"]
    tree.write(str(path))
    assert validate_graphml(path), breakage
    assert XSD_PATH.is_file()


def test_gexf_reads_back_with_networkx(messy_graph, tmp_path):
    path = tmp_path / "graph.gexf"
    write_gexf(messy_graph, path)
    H = nx.read_gexf(path, version="1.3")
    assert set(H.nodes) == set(messy_graph.nodes)  # GEXF ids are the node keys themselves
    assert H.number_of_edges() == messy_graph.number_of_edges()
    m = memberships(messy_graph)[0]
    data = H.nodes[m]
    assert data["type"] == "Membership" and data["evidence_start"] == messy_graph.nodes[m]["start"]
    assert "start" not in data  # offsets are attributes, not time spells
    assert data["viz"]["color"] == {"r": 152, "g": 78, "b": 163, "a": 1.0}
    assert H.nodes["Place/140000000000"]["code"] == "140000000000"


def test_gexf_is_dynamic_on_dated_edges_with_labelled_kinded_edges(messy_graph, tmp_path):
    path = tmp_path / "graph.gexf"
    write_gexf(messy_graph, path)
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.3"
    graph = root.find(f"{GEXF_NS}graph")
    # the memberships are dated, so their edges get Gephi timeline intervals
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    assert graph.get("defaultedgetype") == "directed"
    dated = [e for e in root.iter(f"{GEXF_NS}edge") if e.get("start")]
    assert dated and all(e.get("start") == e.get("end") for e in dated)
    edges = list(root.iter(f"{GEXF_NS}edge"))
    assert all(e.get("label") and e.get("kind") == e.get("label") for e in edges)
    assert len({e.get("id") for e in edges}) == len(edges)
    assert not [e for e in edges if e.get("weight") in ("0", "0.0")]
    ids = [a.get("id") for a in root.iter(f"{GEXF_NS}attribute")]
    assert len(ids) == len(set(ids))


def test_xml_exports_are_reproducible(tmp_path):
    for writer, name in ((write_graphml, "g.graphml"), (write_gexf, "g.gexf")):
        writer(build_graph(), tmp_path / f"a{name}")
        writer(build_graph(), tmp_path / f"b{name}")
        assert (tmp_path / f"a{name}").read_bytes() == (tmp_path / f"b{name}").read_bytes()


def test_gexf_without_dates_stays_static(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("Person/王杰", type="Person", label="王杰")
    G.add_node("Organization/小店分局", type="Organization", label="小店分局")
    G.add_edge("Person/王杰", "Organization/小店分局", key="局长", label="局长")
    write_gexf(G, tmp_path / "g.gexf")
    graph = etree.parse(str(tmp_path / "g.gexf")).getroot().find(f"{GEXF_NS}graph")
    assert graph.get("mode") == "static" and graph.get("timeformat") is None
    assert not [e for e in graph.iter(f"{GEXF_NS}edge") if e.get("start")]
