"""A small hand-built graph that follows graph/schema.py exactly, shared by the export tests.

Two documents, two different people called 王杰 (Taiyuan and Xinzhou), nested units
(太原市公安局 > 小店分局), a province > prefecture > county chain, a Traditional-script name, a fact
with no unit and a cross-document sameAs.
"""

from __future__ import annotations

import networkx as nx

from zhkg.graph.schema import node_key

DOC_A = node_key("Document", "000_taiyuan.txt")
DOC_B = node_key("Document", "001_xinzhou.txt")
SHANXI = node_key("Place", "140000000000")
TAIYUAN = node_key("Place", "140100000000")
XIAODIAN = node_key("Place", "140105000000")
XINZHOU = node_key("Place", "140900000000")
XINFU = node_key("Place", "140902000000")
WANG_TY = node_key("Person", "王杰", "太原市")
WANG_XZ = node_key("Person", "王杰", "忻州市")
ZHANG_A = node_key("Person", "张伟", "太原市")
ZHANG_B = node_key("Person", "张伟", "太原市", "001_xinzhou.txt")
LI = node_key("Person", "李明", "太原市")
POLICE = node_key("Organization", "太原市公安局")
XD_BRANCH = node_key("Organization", "太原市公安局", "小店分局")
PARTY = node_key("Organization", "中共太原市委")
XZ_GOV = node_key("Organization", "忻州市人民政府")


def _add(G: nx.MultiDiGraph, key: str, type_: str, label: str, **attrs: object) -> None:
    G.add_node(key, type=type_, label=label, **attrs)


def _edge(G: nx.MultiDiGraph, u: str, label: str, v: str, **attrs: object) -> None:
    G.add_edge(u, v, key=label, label=label, **attrs)


def build_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    _add(G, DOC_A, "Document", "000_taiyuan.txt", name="000_taiyuan.txt", path="seeds/000_taiyuan.txt",
         date="2024-03-01", home_city="太原市", chars=1200)
    _add(G, DOC_B, "Document", "001_xinzhou.txt", name="001_xinzhou.txt", path="seeds/001_xinzhou.txt",
         date="2024-05-10", home_city="忻州市", chars=800)
    for key, name, level, parent in [
        (SHANXI, "山西省", "province", None),
        (TAIYUAN, "太原市", "prefecture", SHANXI),
        (XIAODIAN, "小店区", "county", TAIYUAN),
        (XINZHOU, "忻州市", "prefecture", SHANXI),
        (XINFU, "忻府区", "county", XINZHOU),
    ]:
        _add(G, key, "Place", name, name=name, code=key.split("/")[1], level=level)
        if parent:
            _edge(G, key, "containedInPlace", parent)
    for key, name, city, kind, place in [
        (POLICE, "太原市公安局", "太原市", "police", TAIYUAN),
        (XD_BRANCH, "小店分局", "太原市", "police", XIAODIAN),
        (PARTY, "中共太原市委", "太原市", "party", TAIYUAN),
        (XZ_GOV, "忻州市人民政府", "忻州市", "government", XINZHOU),
    ]:
        _add(G, key, "Organization", name, name=name, city=city, kind=kind)
        _edge(G, key, "location", place)
    _edge(G, XD_BRANCH, "subOrganizationOf", POLICE)
    for key, name, city, doc, alt in [
        (WANG_TY, "王杰", "太原市", DOC_A, None),
        (WANG_XZ, "王杰", "忻州市", DOC_B, None),
        (ZHANG_A, "张伟", "太原市", DOC_A, "張偉"),
        (ZHANG_B, "张伟", "太原市", DOC_B, None),
        (LI, "李明", "太原市", DOC_A, "李明"),
    ]:
        extra = {"alt": alt} if alt else {}
        _add(G, key, "Person", f"{name}（{city}）", name=name, doc=doc, city=city, **extra)
        _edge(G, key, "mentionedIn", doc)
    _edge(G, LI, "mentionedIn", DOC_B)
    _edge(G, ZHANG_B, "sameAs", ZHANG_A, reason="same name and city")

    facts = [
        # person, role, unit, city, status, doc, sentence, evidence, start, end, rule, confidence
        (WANG_TY, "局长", POLICE, TAIYUAN, "current", DOC_A, 0, "太原市公安局局长王杰", 10, 20, "unit_title_name", 0.9),
        (WANG_TY, "副局长", XD_BRANCH, XIAODIAN, "former", DOC_A, 1, "原小店分局副局长王杰", 40, 50,
         "former_prefix", 0.8),
        (WANG_XZ, "市长", XZ_GOV, XINZHOU, "new", DOC_B, 0, "王杰任忻州市人民政府市长", 5, 17, "appointment", 0.95),
        (ZHANG_A, "书记", PARTY, TAIYUAN, "current", DOC_A, 2, "中共太原市委书记張偉", 60, 70, "unit_title_name", 0.9),
        (LI, "局长", XD_BRANCH, XIAODIAN, "current", DOC_A, 3, "小店分局局长李明", 80, 88, "unit_title_name", 1),
        (LI, "副市长", None, TAIYUAN, "current", DOC_B, 4, "太原市副市长李明", 30, 38, "city_title_name", 0.7),
    ]
    for person, role, unit, city, status, doc, sent, ev, start, end, rule, conf in facts:
        doc_name = doc.split("/", 1)[1]
        mkey = node_key("Membership", doc_name, sent, person, role)
        rkey = node_key("Role", role)
        if rkey not in G:
            _add(G, rkey, "Role", role, name=role)
        date = G.nodes[doc]["date"]
        _add(G, mkey, "Membership", f"{G.nodes[person]['name']} {role}", role=role, status=status, date=date,
             doc=doc, sentence=sent, evidence=ev, start=start, end=end, rule=rule, confidence=conf)
        _edge(G, mkey, "member", person)
        if unit:
            _edge(G, mkey, "organization", unit)
        _edge(G, mkey, "role", rkey)
        _edge(G, mkey, "city", city)
        _edge(G, mkey, "source", doc)
    return G


def memberships(G: nx.MultiDiGraph) -> list[str]:
    return [n for n, d in G.nodes(data=True) if d["type"] == "Membership"]
