"""Places below the division data are located in a division from the article's own words."""

from __future__ import annotations

import pytest

from tests.helpers import build
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


def home(nlp, text: str) -> str | None:
    key = nlp(normalize(text).text)._.home_city
    return load_gazetteer().get(key).name if key else None


def test_an_article_speaking_as_a_city_is_the_one_city_it_names(nlp):
    # one mention of the city is too little alone; 市府 and 黄市长 written bare say the article is the city's
    body = ("有关议员关心六十五岁以上健保费补助、邻长工作津贴补助以及生育津贴等问题，{}表示，其实每个县市对健保费的"
            "处理标准都不太一样，会再检讨，看怎么照顾老人家。未来台南市推动任何福利措施，都会先检讨实际需求。")
    assert home(nlp, "回应议员关心的问题\n" + body.format("黄市长")) == "台南市"
    assert home(nlp, "回应议员关心的问题\n" + body.format("社会局")) is None
    # 高雄市副市长: the city is written before the title, nothing speaks as a city
    cabinet = ("内阁改组名单出炉\n行政院今天公布新一波内阁人事，多位部会首长异动，交通部长由政务次长升任，"
               "经济部长留任，国防部长由国安会秘书长接掌，而劳动部长因身体因素请辞，改由高雄市副市长许明春接任。")
    assert home(nlp, cabinet) is None
    # two cities named: the voice picks neither
    assert home(nlp, "市府秘书处欢迎屏东县政府与高雄市政府来访，台南市分享经验。") is None


def test_a_unit_named_after_a_city_of_the_home_region_is_not_placed_at_home(nlp):
    text = "臺南市舉辦研討會，邀請國立嘉義大學錢立群副教授、龍山國小孫志宏校長主講。"
    facts = {f["unit"]: f["city"] for f in build(nlp, text).facts}
    assert facts["国立嘉义大学"] is None  # 嘉义市 or 嘉义县, not Tainan
    assert facts["龙山国小"] == "台南市"  # 龙山 names no county of Taiwan
