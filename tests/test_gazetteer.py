"""Examples of the administrative-division gazetteer as the relation rules use it."""

import time

from zhkg.ner.places.gazetteer import load_gazetteer, place_patterns, short_names


def test_county_by_full_and_short_name():
    gaz = load_gazetteer()
    (full,) = gaz.lookup("静乐县")
    assert gaz.lookup("静乐") == [full]
    assert (full.code, full.level) == ("140926", "county")
    assert [a.name for a in gaz.ancestors(full.code)] == ["山西省", "忻州市"]
    assert gaz.city_of(full).name == "忻州市"


def test_short_names_follow_news_usage():
    assert short_names("延边朝鲜族自治州", 2) == ["延边", "延边州"]
    assert short_names("广西壮族自治区", 1) == ["广西"]
    assert short_names("代县", 3) == []  # one character left: keep the full name
    assert short_names("城区", 3) == []


def test_autonomous_prefectures_by_their_news_forms():
    gaz = load_gazetteer()
    assert [d.name for d in gaz.lookup("恩施州")] == ["恩施土家族苗族自治州"]  # short name + 州
    assert [d.name for d in gaz.lookup("博州")] == ["博尔塔拉蒙古自治州"]  # the news form in the data
    assert "恩施州" not in short_names("恩施市", 3)


def test_a_short_name_two_divisions_share_names_neither_alone():
    gaz = load_gazetteer()
    assert {d.name for d in gaz.lookup("嘉义")} == {"嘉义市", "嘉义县"}
    assert gaz.resolve("嘉义", []) is None


def test_common_words_get_no_short_form():
    gaz = load_gazetteer()
    assert "和平" not in gaz and "和平区" in gaz
    assert "资源" not in gaz
    assert gaz.lookup("大连")[0].name == "大连市"


def test_repeated_town_resolved_by_context():
    gaz = load_gazetteer()
    assert len(gaz.lookup("北城街道")) > 10
    assert gaz.resolve("北城街道") is None  # genuinely ambiguous
    town = gaz.resolve("北城街道", ["静乐县", "忻州市"])
    assert town.code == "140981001"  # 原平市 under 忻州市
    assert gaz.county_of(town).name == "原平市"


def test_higher_level_preferred_unless_context_says_otherwise():
    gaz = load_gazetteer()
    assert gaz.resolve("河北").name == "河北省"
    assert gaz.resolve("河北", ["天津市"]).name == "河北区"


def test_city_of_county_level_cities_and_municipalities():
    gaz = load_gazetteer()
    (shenmu,) = gaz.lookup("神木市")
    assert shenmu.level == "county"
    assert gaz.city_of(shenmu).name == "榆林市"
    assert gaz.city_of(gaz.lookup("朝阳区")[0]).name == "北京市"
    assert gaz.city_of(gaz.lookup("仙桃市")[0]).name == "仙桃市"  # run directly by 湖北省


def test_tainan_is_known_without_an_official_code():
    gaz = load_gazetteer()
    tainan = gaz.resolve("臺南市")
    assert tainan.name == "台南市" and tainan.code == ""
    district = gaz.resolve("安平區")
    assert gaz.city_of(district) == tainan
    assert gaz.province_of(district).name == "台湾省"


def test_place_patterns():
    patterns = {p["pattern"]: p for p in place_patterns()}
    assert patterns["静乐"] == {"label": "PLACE", "pattern": "静乐", "id": "140926"}
    assert patterns["北城街道"]["id"] == ""  # ambiguous: resolve with context
    assert "北城" not in patterns  # no short town names
    assert patterns["台南"]["id"] == ""


def test_builds_fast():
    load_gazetteer.cache_clear()
    start = time.perf_counter()
    load_gazetteer()
    assert time.perf_counter() - start < 2.0  # ~0.3 s measured; generous for shared CPUs


def test_a_short_name_means_the_division_the_article_names_in_full():
    """永康 is registered for a county of Zhejiang; next to 永康区 (Tainan) written in full it is that district."""
    gaz = load_gazetteer()
    assert gaz.resolve("永康区").key.startswith("TW-")
    assert not gaz.resolve("永康").key.startswith("TW-")
    assert gaz.resolve("永康", ["永康区"]).key == gaz.resolve("永康区").key


def test_a_place_that_names_a_road_a_school_or_a_disease_is_no_place(nlp):
    from zhkg.ner.text.normalize import normalize

    doc = nlp(normalize("臺南市政府說明武漢肺炎防疫，市長在海安路與崇明國中視察。").text)
    places = {s.text for s in doc.spans["places"]}
    assert "台南市" in places  # a full name before 政府 stays a place
    assert not places & {"武汉", "海安", "崇明"}
    school = nlp("金堂县高板中学举行开学典礼，高板镇领导出席。")
    assert "高板" in {s.text for s in school.spans["places"]}  # a school named after its town is in it
