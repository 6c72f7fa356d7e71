"""The post_verb rule: `[name]…担任/任/调任/原任/时任[unit][title]`, with the verb's status.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import build, facts, facts_with_status


def test_post_verbs_and_their_status(nlp):
    result = build(nlp, "去年，刘建华调任汾阳市公安局局长。时任孝义市副市长的郭志强也参加了会议。")
    by_person = {f["person"]: f for f in result.facts}
    assert by_person["刘建华"]["unit"] == "汾阳市公安局"
    assert by_person["刘建华"]["role"] == "局长"
    assert by_person["刘建华"]["status"] == "new"


def test_titles_coordinated_after_a_post_verb_share_the_unit(nlp):
    got = facts(nlp, "2019年，赵贵军担任国家统计局内蒙古调查总队党组书记、总队长。")
    assert ("赵贵军", "总队长", "国家统计局内蒙古调查总队", None) in got
    assert not any("、" in (f[1] or "") for f in got)


def test_a_chain_of_former_posts_after_one_verb(nlp):
    text = ("臺南市警察局舉辦交接。新任局長陳建民畢業於警察大學，歷任警察局督察室主任、刑事警察大隊大隊長、"
            "警政署防治組組長、警政署警政委員等重要職務。")
    got = {f[:3] for f in facts(nlp, text)}
    assert ("陈建民", "主任", "台南市警察局督察室") in got
    assert ("陈建民", "组长", "警政署防治组") in got
    assert ("陈建民", "警政委员", "警政署") in got


@pytest.mark.parametrize("text, fact", [
    pytest.param("会议宣布，孙立平同志不再担任省高级人民法院党组书记职务。",
                 ("孙立平", "书记", "省高级人民法院党组", "former"), id="a_post_no_longer_held"),
])
def test_posts_ended(nlp, text, fact):
    got = facts_with_status(nlp, text)
    assert fact in got


def test_units_joined_by_ji_share_the_title_and_joined_posts_are_two(with_model):
    text = "会上，教授王立新介绍经验。王立新历任交通大学工学院暨管理学院院长，并曾担任市政府顾问和省政协委员。"
    got = {f[:3] for f in facts(with_model, text)}
    assert ("王立新", "院长", "交通大学工学院") in got and ("王立新", "院长", "管理学院") in got
    assert ("王立新", "顾问", "市政府") in got
