"""The parenthetical rule: `[name]（[status][unit][title]）`.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import facts_with_status


@pytest.mark.parametrize("text, fact", [
    pytest.param("吉水县召开会议。\n何立新（时任江西省永丰县县委常委）：大家都提出了意见。",
                 ("何立新", "常委", "江西省永丰县县委", "former"), id="a_former_post_in_brackets_after_a_name"),
    pytest.param("吉水县召开会议。\n钟晓梅（江西省永丰县实验小学教师）：班级太大了。",
                 ("钟晓梅", "教师", "江西省永丰县实验小学", "current"), id="a_unit_read_into_the_title_goes_back"),
])
def test_posts_in_brackets(nlp, text, fact):
    got = facts_with_status(nlp, text)
    assert fact in got
