"""Identity and hierarchy in the resolved graph."""

from __future__ import annotations

from zhkg.graph.build import build_graph
from zhkg.graph.orgs import parent_units
from zhkg.ner.extract import DocResult


def doc(name: str, *facts: tuple[str, str | None, str | None, str | None], code: str = "") -> DocResult:
    result = DocResult(name, name, 100, "2020-02-16", None, None)
    for i, (person, role, unit, city) in enumerate(facts):
        result.facts.append({"doc": name, "person": person, "role": role, "unit": unit, "city": city,
                             "city_code": code or None, "city_key": code or None, "status": "current", "date": "2020-02-16", "sentence": i,
                             "evidence": f"{unit or ''}{role or ''}{person}", "start": 10 * i, "end": 10 * i + 5,
                             "person_start": 10 * i + 3, "person_end": 10 * i + 5, "rule": "apposition",
                             "confidence": 0.9})
    return result


def people(G) -> dict[str, dict]:
    return {k: d for k, d in G.nodes(data=True) if d["type"] == "Person"}


def test_two_people_of_one_name_in_different_cities_stay_apart():
    G = build_graph([doc("a.txt", ("王杰", "乡长", "李炉乡", "梅河口市")),
                     doc("b.txt", ("王杰", "局长", "东港市公安局", "东港市"))])
    assert len([d for d in people(G).values() if d["name"] == "王杰"]) == 2


def test_one_name_in_one_city_across_documents_is_one_person_with_the_reason():
    G = build_graph([doc("a.txt", ("王杰", "乡长", "李炉乡", "梅河口市")),
                     doc("b.txt", ("王杰", "乡长", "李炉乡人民政府", "梅河口市"))])
    (person,) = [d for d in people(G).values() if d["name"] == "王杰"]
    assert "梅河口市" in person["merge_reason"]
    key = next(k for k, d in people(G).items() if d["name"] == "王杰")
    assert {v for _, v, label in G.out_edges(key, data="label") if label == "mentionedIn"} == {
        "Document/a.txt", "Document/b.txt"}


def test_a_name_without_city_or_unit_is_not_merged():
    G = build_graph([doc("a.txt", ("李思玥", "责编", None, None)), doc("b.txt", ("李思玥", "责编", None, None))])
    assert len(people(G)) == 2


def test_the_holder_of_a_national_post_is_one_person_across_documents():
    G = build_graph([doc("a.txt", ("郑国华", "总书记", None, None)), doc("b.txt", ("郑国华", "总书记", None, None)),
                     doc("c.txt", ("郑国华", "记者", None, None))])
    merged = [d for d in people(G).values() if d["name"] == "郑国华" and d.get("merge_reason")]
    assert len(merged) == 1 and "national post 总书记" in merged[0]["merge_reason"]
    assert len(people(G)) == 2  # the reporter of c.txt shares no evidence


def test_one_person_node_per_document_even_with_posts_in_two_cities():
    G = build_graph([doc("a.txt", ("弓晓宇", "队员", "忻州市驰援湖北医疗队", "忻州市"),
                         ("弓晓宇", "主管护师", "原平市第一人民医院", "原平市"))])
    assert len(people(G)) == 1
    memberships = [d for _, d in G.nodes(data=True) if d["type"] == "Membership"]
    assert len(memberships) == 2


def test_parent_units_follow_the_name():
    assert parent_units("偏关县公安局民爆大队")[0] == "偏关县公安局"
    assert "许昌市中心医院" in parent_units("许昌市中心医院呼吸危重症科一病区")
    assert parent_units("静乐县") == ()


def test_units_sit_inside_their_parents_and_places_inside_their_province():
    G = build_graph([doc("a.txt", ("张瑞祥", "大队长", "偏关县公安局民爆大队", "偏关县"), code="140932")])
    brigade = next(k for k, d in G.nodes(data=True) if d.get("name") == "偏关县公安局民爆大队")
    parents = [v for _, v, label in G.out_edges(brigade, data="label") if label == "subOrganizationOf"]
    assert [G.nodes[p]["name"] for p in parents] == ["偏关县公安局"]
    county = "Place/140932"
    chain = [county]
    while True:
        up = [v for _, v, label in G.out_edges(chain[-1], data="label") if label == "containedInPlace"]
        if not up:
            break
        chain.append(up[0])
    assert [G.nodes[c]["level"] for c in chain] == ["county", "prefecture", "province"]
    assert G.nodes[chain[1]]["name"] == "忻州市"
