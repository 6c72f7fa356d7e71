"""Who is who (graph.identity), careers (graph.careers) and their exports: synthetic records only."""

from __future__ import annotations

import json

import pyshacl
import pytest
import rdflib
from rdflib import RDF

from zhkg.cli import main
from zhkg.exports import SHAPES_PATH, to_rdf, write_ntriples
from zhkg.exports.jsonl import write_facts
from zhkg.exports.rdf import ZHKG, tenure_iri
from zhkg.exports.sparql import query_command
from zhkg.graph.build import build_graph
from zhkg.graph.careers import career
from zhkg.graph.identity import plausible_person, resolve_people
from zhkg.graph.posts import canonical_units, role_family
from zhkg.ner.extract import DocResult

TAINAN = "TW-TNN"


def fact(person: str, role: str | None, unit: str | None, city: str | None = None, key: str | None = None,
         evidence: str = "", status: str = "current", sentence: int = 0, start: int = 0) -> dict:
    return {"person": person, "role": role, "unit": unit, "city": city, "city_key": key, "status": status,
            "sentence": sentence, "evidence": evidence or f"{unit or ''}{role or ''}{person}", "start": start,
            "end": start + 5, "rule": "apposition", "confidence": 0.9}


def doc(name: str, date: str, *facts: dict, home: str | None = None, home_code: str | None = None) -> DocResult:
    result = DocResult(name, name, 100, date, home, home_code)
    for i, f in enumerate(facts):
        result.facts.append({"doc": name, **f, "date": date, "start": f["start"] or 10 * i})
    return result


def people(G, name: str | None = None) -> dict[str, dict]:
    return {k: d for k, d in G.nodes(data=True) if d["type"] == "Person" and (name is None or d["name"] == name)}


def mayor(i: int, city: str = "台南市", key: str = TAINAN, home: str | None = "台南市") -> DocResult:
    return doc(f"m{i:02d}.txt", f"2021-01-{i + 1:02d}", fact("黄伟哲", "市长", city, city, key), home=home,
               home_code=key if home else None)


# ---- names that name nobody


def test_honorifics_and_listed_words_are_no_person():
    assert not plausible_person("陈小姐") and not plausible_person("王先生") and not plausible_person("加码")
    assert plausible_person("黄伟哲") and plausible_person("欧阳小明") and plausible_person("陈小")


def test_facts_of_non_persons_are_dropped_and_get_no_node():
    docs = [doc("a.txt", "2021-03-01", fact("陈小姐", "联络人", None), fact("加码", "市长", None),
                fact("林晓玫", "科长", "疾病管制科", "台南市", TAINAN), home="台南市", home_code=TAINAN)]
    kept, identity = resolve_people(docs)
    assert identity.dropped == 2 and [f["person"] for f in kept[0].facts] == ["林晓玫"]
    assert {d["name"] for d in people(build_graph(docs)).values()} == {"林晓玫"}


# ---- person_key


def test_every_fact_carries_the_key_of_its_person_node(tmp_path):
    docs = [mayor(0), mayor(1), doc("c.txt", "2021-02-01", fact("王杰", "乡长", "李炉乡", "梅河口市"))]
    kept, identity = resolve_people(docs)
    G = build_graph(kept, identity)
    write_facts(kept, tmp_path / "facts.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(G.nodes[r["person_key"]]["name"] == r["person"] for r in rows)
    assert list(rows[0])[:3] == ["doc", "person", "person_key"]
    assert len({r["person_key"] for r in rows if r["person"] == "黄伟哲"}) == 1


# ---- merges


def test_a_mention_without_city_takes_the_home_city_of_its_document():
    lone = doc("lone.txt", "2021-02-01", fact("黄伟哲", "市长", None), home="台南市", home_code=TAINAN)
    G = build_graph([mayor(0), mayor(1), lone])
    (person,) = people(G, "黄伟哲").values()
    assert "post 市长 of 台南市 in 3" in person["merge_reason"]


def test_a_city_alone_merges_nobody():
    a = doc("a.txt", "2021-01-01", fact("陈建宏", "校长", "大同国小", "台南市", TAINAN), home="台南市", home_code=TAINAN)
    b = doc("b.txt", "2021-01-02", fact("陈建宏", "教练", "棒球队", "台南市", TAINAN), home="台南市", home_code=TAINAN)
    assert len(people(build_graph([a, b]), "陈建宏")) == 2


def test_a_district_sits_in_its_city():
    a = doc("a.txt", "2021-01-01", fact("吕煌男", "区长", "东山区公所", "中西区", "TW-TNN-37"))
    b = doc("b.txt", "2021-01-02", fact("吕煌男", "区长", "东山区公所", "台南市", TAINAN))
    (person,) = people(build_graph([a, b]), "吕煌男").values()
    assert "of 台南市" in person["merge_reason"]


def test_a_value_one_member_got_by_mistake_does_not_join_a_newcomer():
    slip = doc("slip.txt", "2021-02-01", fact("黄伟哲", "市长", "台南市", "台南市", TAINAN),
               fact("黄伟哲", "市长", "上海市", "上海市", "31", evidence="上海市长黄伟哲"), home="台南市", home_code=TAINAN)
    shanghai = doc("sh.txt", "2021-03-01", fact("黄伟哲", "市长", "上海市", "上海市", "31", evidence="上海市长黄伟哲"),
                   home="上海市", home_code="31")
    G = build_graph([mayor(i) for i in range(6)] + [slip, shanghai])
    groups = sorted(len([v for _, v, lab in G.out_edges(k, data="label") if lab == "mentionedIn"])
                    for k in people(G, "黄伟哲"))
    assert groups == [1, 7]


def test_different_exclusive_posts_in_one_city_at_one_time_are_two_people():
    def chief(i: int) -> DocResult:
        return doc(f"c{i}.txt", f"2021-0{i + 1}-01", fact("李明峰", "区长", "永康区公所", "台南市", TAINAN),
                   fact("李明峰", "委员", "体育会", "台南市", TAINAN, start=50), home="台南市", home_code=TAINAN)

    def councillor(i: int) -> DocResult:
        return doc(f"v{i}.txt", f"2021-0{i + 1}-02", fact("李明峰", "议员", None, "台南市", TAINAN),
                   fact("李明峰", "委员", "体育会", "台南市", TAINAN, start=50), home="台南市", home_code=TAINAN)

    G = build_graph([chief(0), chief(1), councillor(0), councillor(1)])
    assert len(people(G, "李明峰")) == 2


def test_a_post_whose_city_the_text_does_not_state_joins_its_one_holder():
    misread = doc("x.txt", "2021-05-01", fact("谢世杰", "局长", "环保局", "海安市", None, evidence="环保局长谢世杰"),
                  home="海安市")
    bureau = [doc(f"b{i}.txt", f"2021-0{i + 1}-03", fact("谢世杰", "局长", "台南市环保局", "台南市", TAINAN,
                                                          evidence="台南市环保局局长谢世杰"), home="台南市", home_code=TAINAN)
              for i in range(3)]
    G = build_graph([*bureau, misread])
    (key,) = people(G, "谢世杰")
    reasons = {d.get("reason") for _, _, d in G.out_edges(key, data=True) if d["label"] == "mentionedIn"}
    assert any("its city not stated" in r for r in reasons) and any("unit 环保局 of 台南市" in r for r in reasons)


def test_the_holder_of_a_national_post_keeps_no_city_in_the_key():
    G = build_graph([doc(f"{i}.txt", "2021-01-01", fact("蔡英文", "总统", None), home="台南市", home_code=TAINAN)
                     for i in range(3)])
    assert list(people(G, "蔡英文")) == ["Person/蔡英文/"]


# ---- posts


def test_titles_reduce_to_their_post_and_units_to_their_shortest_form():
    assert role_family("代市长") == "市长" and role_family("经发局长") == "局长" and role_family("市议员") == "议员"
    assert role_family("副市长") == "副市长" and role_family("董事长") == "董事长"
    units = canonical_units(["民政局", "台南市政府民政局", "民众祭祀民政局", "台南市", "崇明国中"])
    assert units == {"民政局": "民政局", "台南市政府民政局": "民政局", "民众祭祀民政局": "民政局", "台南市": "",
                     "崇明国中": "崇明国中"}


# ---- careers


def moved() -> list[DocResult]:
    one = doc("p1.txt", "2021-01-05", fact("方仰宁", "局长", "教育局", "台南市", TAINAN), home="台南市", home_code=TAINAN)
    two = doc("p2.txt", "2021-03-09", fact("方仰宁", "局长", "教育局", "台南市", TAINAN), home="台南市", home_code=TAINAN)
    move = doc("p3.txt", "2021-06-30", fact("方仰宁", "局长", "教育局", "台南市", TAINAN, status="former", sentence=2),
               fact("方仰宁", "秘书长", "台南市政府", "台南市", TAINAN, status="new", sentence=2, start=40),
               home="台南市", home_code=TAINAN)
    later = doc("p4.txt", "2021-09-01", fact("方仰宁", "秘书长", "台南市政府", "台南市", TAINAN), home="台南市",
                home_code=TAINAN)
    chief = [doc(f"k{i}.txt", f"2021-0{i + 7}-01", fact("郑新辉", "局长", "台南市政府教育局", "台南市", TAINAN),
                 home="台南市", home_code=TAINAN) for i in range(2)]
    return [one, two, move, later, *chief]


def test_a_career_lists_posts_in_order_with_first_and_last_report():
    G = build_graph(moved())
    (person,) = people(G, "方仰宁")
    posts = [(t.role, t.unit, t.first_date, t.last_date, t.status) for t in career(G, person)]
    assert posts == [("局长", "教育局", "2021-01-05", "2021-06-30", "former"),
                     ("秘书长", "台南市政府", "2021-06-30", "2021-09-01", "current")]
    for m, _, label in G.in_edges(person, data="label"):
        if label == "member" and G.nodes[m]["role"] == "局长":
            assert (G.nodes[m]["first_date"], G.nodes[m]["last_date"]) == ("2021-01-05", "2021-06-30")


def test_a_move_read_from_one_sentence_links_the_old_post_to_the_new():
    G = build_graph(moved())
    (person,) = people(G, "方仰宁")
    old, new = career(G, person)
    assert old.followed_by == [new.key]
    moves = [(G.nodes[u]["role"], G.nodes[v]["role"]) for u, v, lab in G.edges(data="label") if lab == "followedBy"]
    assert moves == [("局长", "秘书长")]


def test_careers_in_rdf_are_tenures_with_intervals_and_conform_to_the_shapes():
    G = build_graph(moved())
    g = to_rdf(G)
    (person,) = people(G, "方仰宁")
    old, new = career(G, person)
    t = tenure_iri(old.key)
    assert (t, RDF.type, ZHKG.Tenure) in g and (t, ZHKG.followedBy, tenure_iri(new.key)) in g
    time = rdflib.Namespace("http://www.w3.org/2006/time#")
    interval = g.value(t, rdflib.URIRef("http://www.w3.org/ns/org#memberDuring"))
    begin, end = g.value(interval, time.hasBeginning), g.value(interval, time.hasEnd)
    assert (str(g.value(begin, time.inXSDDate)), str(g.value(end, time.inXSDDate))) == ("2021-01-05", "2021-06-30")
    shapes = rdflib.Graph().parse(SHAPES_PATH, format="turtle")
    conforms, _, text = pyshacl.validate(g, shacl_graph=shapes)
    assert conforms, text


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("careers")
    write_ntriples(build_graph(moved()), folder / "graph.nt")
    return folder


def test_the_career_query_lists_one_persons_posts_in_date_order(out):
    text = query_command(out, "career", "csv", {"person": "方仰宁"})
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    assert [(r[2], r[5], r[6]) for r in rows] == [("局长", "2021-01-05", "2021-06-30"),
                                                 ("秘书长", "2021-06-30", "2021-09-01")]


def test_the_succession_query_takes_a_unit_in_either_script(out, capsys):
    assert main(["query", str(out), "succession", "--bind", "unit=臺南市政府教育局", "--format", "csv"]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.strip().splitlines()[1:]]
    assert [(r[0], r[1], r[2]) for r in rows] == [("台南市政府教育局", "局长", "郑新辉")]
    text = query_command(out, "succession", "csv", {"unit": "教育局"})
    assert [line.split(",")[2] for line in text.strip().splitlines()[1:]] == ["方仰宁"]
