"""The parenthetical rule: `[name]（[status][unit][title]）`.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import facts, facts_with_status


@pytest.mark.parametrize("text, fact", [
    pytest.param("吉水县召开会议。\n何立新（时任江西省永丰县县委常委）：大家都提出了意见。",
                 ("何立新", "常委", "江西省永丰县县委", "former"), id="a_former_post_in_brackets_after_a_name"),
    pytest.param("吉水县召开会议。\n钟晓梅（江西省永丰县实验小学教师）：班级太大了。",
                 ("钟晓梅", "教师", "江西省永丰县实验小学", "current"), id="a_unit_read_into_the_title_goes_back"),
])
def test_posts_in_brackets(nlp, text, fact):
    got = facts_with_status(nlp, text)
    assert fact in got


def test_two_posts_in_brackets_joined_by_jian(nlp):
    got = {f[:3] for f in facts(nlp, "会上通报，刘建（时任培训中心主任助理兼培训二处处长）违规收受礼金。")}
    assert ("刘建", "处长", "培训二处") in got and ("刘建", "主任助理", "培训中心") in got
