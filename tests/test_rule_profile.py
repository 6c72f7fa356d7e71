"""The profile rule and the subject of a personnel profile (`郑小雨，女，汉族，…`).

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import facts


@pytest.mark.parametrize("text, fact", [
    pytest.param("任前公示\n郑小雨，女，汉族，1990年3月出生，浙江杭州人，研究生学历。现任教务处干事，拟任教务处副主任。",
                 ("郑小雨", "副主任", "教务处", None), id="a_profile_paragraph_gives_its_posts_to_its_subject"),
    pytest.param("任前公示\n郑小雨，女，汉族，1990年3月出生。现任化学二支部书记。",
                 ("郑小雨", "书记", "化学二支部", None), id="a_party_branch_read_into_the_title_goes_back_to_the_unit"),
])
def test_personnel_profiles(nlp, text, fact):
    """A profile paragraph and its subject."""
    got = facts(nlp, text)
    assert fact in got or fact[3] is None and fact[:3] in {f[:3] for f in got}
