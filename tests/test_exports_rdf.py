"""RDF export: what a user of graph.ttl / graph.nt can rely on."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from conftest_exports import DOC_A, LI, WANG_TY, WANG_XZ, ZHANG_A, ZHANG_B, build_graph, memberships
from rdflib import namespace as ns

from zhkg.exports import SHAPES_PATH, ZHKG, node_iri, to_rdf, write_ntriples, write_turtle


@pytest.fixture(scope="module")
def G():
    return build_graph()


@pytest.fixture(scope="module")
def g(G):
    return to_rdf(G)


def test_iris_are_stable_hashes_of_node_keys(G):
    iri = node_iri(WANG_TY)
    assert str(iri).startswith("https://w3id.org/zhkg/id/person/")
    assert iri == node_iri(WANG_TY, "Person")
    assert node_iri(WANG_TY) != node_iri(WANG_XZ)  # two different 王杰 stay apart
    assert set(to_rdf(build_graph())) == set(to_rdf(G))


def test_turtle_parses_with_rdflib_and_pyoxigraph(G, g, tmp_path):
    path = tmp_path / "graph.ttl"
    write_turtle(G, path)
    back = rdflib.Graph().parse(path, format="turtle")
    assert len(back) == len(g) and set(back) == set(g)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(g)


def test_ntriples_are_sorted_and_byte_identical_across_runs(G, g, tmp_path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    write_ntriples(G, a)
    write_ntriples(build_graph(), b)
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert set(rdflib.Graph().parse(a, format="nt")) == set(g)
    store = ox.Store()
    store.load(path=str(a), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(g)


def test_graphs_from_separate_runs_merge_without_duplicates(G):
    H = build_graph()
    H.remove_nodes_from([n for n in memberships(H) if "000_taiyuan" in n])
    merged = to_rdf(G) + to_rdf(H)
    assert len(merged) == len(to_rdf(G))  # the second run adds nothing new: same IRIs, same triples


def test_people_labels_and_scripts(g):
    zhang = node_iri(ZHANG_A)
    assert (zhang, ns.RDF.type, ns.SDO.Person) in g
    assert (zhang, ns.SKOS.prefLabel, rdflib.Literal("张伟", lang="zh-Hans")) in g
    assert (zhang, ns.SKOS.altLabel, rdflib.Literal("張偉", lang="zh-Hant")) in g
    assert not list(g.objects(node_iri(LI), ns.SKOS.altLabel))  # alt equal to the name: no altLabel
    assert (node_iri(ZHANG_B), ns.OWL.sameAs, zhang) in g
    assert (node_iri(DOC_A), ns.SDO.mentions, node_iri(WANG_TY)) in g


def test_membership_is_the_n_ary_fact_with_provenance_and_time(G, g):
    m = next(n for n in memberships(G) if G.nodes[n]["role"] == "副局长")
    s = node_iri(m)
    assert (s, ns.RDF.type, ns.ORG.Membership) in g
    assert (s, ns.ORG.member, node_iri(WANG_TY)) in g
    assert (s, ns.PROV.wasDerivedFrom, node_iri(DOC_A)) in g
    assert g.value(s, ZHKG.evidenceStart) == rdflib.Literal(40, datatype=ns.XSD.integer)
    assert g.value(s, ZHKG.evidence) == rdflib.Literal("原小店分局副局长王杰", lang="zh")
    assert str(g.value(g.value(s, ns.PROV.wasGeneratedBy), rdflib.RDFS.label)) == "former_prefix"
    interval = g.value(s, ns.ORG.memberDuring)
    # "former" on a 2024-03-01 report: the post had ended before that day
    instant = g.value(interval, ns.TIME.before)
    assert g.value(instant, ns.TIME.inXSDDate) == rdflib.Literal("2024-03-01", datatype=ns.XSD.date)


def test_membership_without_unit_has_no_organization(G, g):
    m = next(n for n in memberships(G) if G.nodes[n]["role"] == "副市长")
    assert g.value(node_iri(m), ns.ORG.organization) is None
    assert g.value(node_iri(m), ns.SDO.location) is not None


def test_missing_optional_attributes_are_simply_absent():
    G = build_graph()
    for n in memberships(G):
        for k in ("confidence", "rule", "sentence", "date", "status"):
            G.nodes[n].pop(k)
    G.add_node("Person/无名", type="Person", label="无名")  # no name, no doc, no city
    g = to_rdf(G)
    assert (node_iri("Person/无名"), ns.RDF.type, ns.SDO.Person) in g


def _shacl(data: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(SHAPES_PATH, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    return conforms, text


def test_export_conforms_to_the_shapes(g):
    conforms, text = _shacl(g)
    assert conforms, text


def test_broken_export_fails_the_shapes(G, g):
    broken = rdflib.Graph()
    for t in g:
        broken.add(t)
    m = node_iri(memberships(G)[0])
    broken.add((m, ns.ORG.member, node_iri(WANG_XZ)))  # two members
    broken.remove((m, ZHKG.evidenceStart, None))  # no offsets
    broken.set((m, ZHKG.evidenceEnd, rdflib.Literal("20")))  # offset as a string
    conforms, text = _shacl(broken)
    assert not conforms
    assert "exactly one member" in text
    assert "evidenceStart" in text and "evidenceEnd" in text
