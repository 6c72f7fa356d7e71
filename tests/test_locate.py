"""Places below the division data are located in a division from the article's own words."""

from __future__ import annotations

import pytest

from zhkg.ner.extract import records
from zhkg.ner.pipeline import load_pipeline
from zhkg.ner.places.gazetteer import load_gazetteer
from zhkg.ner.places.locate import place_kind, region_province
from zhkg.ner.text.normalize import normalize
from zhkg.ner.text.reading import Source


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("rules")


def places(nlp, text: str) -> dict[str, dict]:
    norm = normalize(text)
    result = records(nlp(norm.text), Source("t.txt", "t.txt", text, "utf-8"), norm)
    return {e["name"]: e for e in result.entities if e["type"] == "PLACE"}


def ancestors(key: str) -> list[str]:
    gaz = load_gazetteer()
    return [gaz.get(k).name for k in gaz.get(key).path]


@pytest.mark.parametrize("name, kind", [
    ("鸿利社区", "community"), ("东力村", "village"), ("忻宏路", "street"), ("高家堡古镇", "site"),
    ("城乡一体化示范区", "zone"), ("滹沱河", "natural"), ("二郎山", "natural"), ("陕北", "region"),
    ("苏南", "region"), ("江城", "other"), ("村", "other"),
])
def test_kind_from_the_ending(name, kind):
    assert place_kind(name) == kind


def test_region_lies_in_the_province_of_its_abbreviation():
    gaz = load_gazetteer()
    assert gaz.get(region_province("陕北", gaz)).name == "陕西省"
    assert gaz.get(region_province("豫西", gaz)).name == "河南省"


def test_community_right_after_a_division_sits_in_it(nlp):
    got = places(nlp, "静乐县召开会议。静乐县北城社区党支部书记李明带队巡查。")
    assert ancestors(got["北城社区"]["parent_key"])[-1] == "静乐县"


def test_office_between_subdistrict_and_community_is_skipped(nlp):
    got = places(nlp, "许昌市召开会议。魏都区文峰街道办事处河西社区获赠防疫物资。")
    assert ancestors(got["河西社区"]["parent_key"])[-2:] == ["魏都区", "文峰街道"]


def test_community_without_a_division_before_it_goes_to_the_home_city(nlp):
    text = "梅河口市召开会议。梅河口市卫健委部署工作。梅河口市各社区加强排查。松江社区一线工作人员坚守岗位。"
    got = places(nlp, text)
    assert got["松江社区"]["kind"] == "community"
    assert ancestors(got["松江社区"]["parent_key"])[-1] == "梅河口市"


def test_community_takes_the_county_named_earlier_in_its_sentence(nlp):
    got = places(nlp, "忻州市召开会议。忻府区民警在鸿利社区设立检查点。")
    assert ancestors(got["鸿利社区"]["parent_key"])[-1] == "忻府区"


def test_river_is_not_placed_by_the_home_city(nlp):
    text = "神木市召开会议。神木市各部门行动起来。党旗飘扬在秃尾河畔。"
    got = places(nlp, text)
    assert "秃尾河" not in got or "parent_key" not in got["秃尾河"]


def test_without_home_city_or_division_nothing_is_guessed(nlp):
    got = places(nlp, "北京和上海的代表来到了松江社区。")
    assert "松江社区" not in got or got["松江社区"].get("parent_key") is None


def test_place_that_starts_with_a_division_lies_in_it():
    from zhkg.ner.places.locate import Locator

    gaz = load_gazetteer()
    shenmu = gaz.lookup("神木市")[0].key
    text = "神木市召开会议。神木市滨河新区街道组织排查。"
    where = Locator(text, [(0, 3, shenmu)], gaz, shenmu, [0, 8]).locate("神木市滨河新区街道", 8)
    assert where.kind == "town"
    assert where.parent_key == shenmu
