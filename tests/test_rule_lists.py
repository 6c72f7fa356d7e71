"""The shared_post (`A、B、C等3名[title]`) and listed (`[title]A、B、C`) rules: several names, one post.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import facts


def test_several_people_share_one_post(nlp):
    text = "运城市召开会议。\n运城市交通运输局选派李向阳、周海峰、陈立新等3名党员干部进驻社区。"
    got = facts(nlp, text)
    for name in ("李向阳", "周海峰", "陈立新"):
        assert (name, "党员干部", "运城市交通运输局", "运城市") in got


def test_a_head_title_is_not_shared_by_the_names_listed_after_it(nlp):
    got = facts(nlp, "臺南市舉辦活動。市長黃志宏、陳美君出席。")
    assert not any(f[0] == "陈美君" for f in got)


@pytest.mark.parametrize("text, fact", [
    pytest.param("臺南市舉辦活動。市議員張一帆、李建宏、吳佩珊等人出席。",
                 ("吴佩珊", "市议员", None, "台南市"), id="bare_names_after_a_titled_one_share_a_members_post"),
    pytest.param("臺南市舉辦活動。周文彬、鄭雅婷等多位議員到場關心。",
                 ("郑雅婷", "议员", None, "台南市"), id="names_before_an_uncounted_plural_title"),
])
def test_names_listed_with_one_title(nlp, text, fact):
    """Lists of names sharing one title."""
    got = facts(nlp, text)
    assert fact in got or fact[3] is None and fact[:3] in {f[:3] for f in got}


@pytest.mark.parametrize("text, fact", [
    pytest.param("臺南市舉辦活動。市議員張一帆、李建宏、谷慕達利、吳佩珊出席。", ("谷慕达利", "市议员", None),
                 id="a_four_character_name_inside_a_list_of_names"),
])
def test_a_name_set_off_in_a_list(nlp, text, fact):
    assert fact in {f[:3] for f in facts(nlp, text)}
