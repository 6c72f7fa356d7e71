"""The copula rule: `[name]是[unit]的一名[title]`.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

from tests.helpers import facts


def test_copula_unit_of_one_title(nlp):
    got = facts(nlp, "孙丽是太原市杏花岭区中心医院的一名护士，已连续工作十天。")
    assert ("孙丽", "护士", "太原市杏花岭区中心医院", "杏花岭区") in got
