"""The title_after rule: `[unit][name][title]` and `[unit][name]同志`.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import facts


def test_unit_and_comrade(nlp):
    got = facts(nlp, "朔州市召开会议。\n朔州市财政局王建国同志坚守岗位。")
    assert ("王建国", None, "朔州市财政局", "朔州市") in got


def test_mayor_without_a_unit_is_the_mayor_of_the_home_countys_city(nlp):
    text = ("将军区长洪聪发指出，将军区的长者很多。将军区公所与将军区卫生所合作。"
            "将军区各里都设了据点。高雄市惠急慈善会捐赠棉被，黄伟哲市长颁发感谢状。")
    got = facts(nlp, text)
    assert ("黄伟哲", "市长", "台南市", "台南市") in got


@pytest.mark.parametrize("text, fact", [
    pytest.param("臺南市舉辦活動。感謝水利署第五河川局陳志明局長、林美玲議員等嘉賓到場。",
                 ("林美玲", "议员", None, "台南市"), id="name_before_its_title_in_a_list"),
    pytest.param("臺南市舉辦活動。出席者包括安平區王大同區長。",
                 ("王大同", "区长", "安平区", "安平区"), id="name_between_its_unit_and_its_title"),
])
def test_names_before_their_titles(nlp, text, fact):
    """Taiwanese word order: the name before its title."""
    got = facts(nlp, text)
    assert fact in got or fact[3] is None and fact[:3] in {f[:3] for f in got}


@pytest.mark.parametrize("text, fact", [
    pytest.param("臺南市舉辦活動。邀請兒童福利聯盟「林佳慧」執行長短講。", ("林佳慧", "执行长", "儿童福利联盟"),
                 id="a_quoted_name_between_unit_and_title"),
])
def test_a_quoted_name_in_a_post(nlp, text, fact):
    assert fact in {f[:3] for f in facts(nlp, text)}


def test_a_taiwanese_ward_before_its_chief(nlp):
    got = {f[:3] for f in facts(nlp, "臺南市舉辦活動。感謝安南區李志明區長、海佃里王大勇里長等嘉賓到場。")}
    assert ("王大勇", "里长", "海佃里") in got
