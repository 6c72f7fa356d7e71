"""The appointment rule: `选举A、B同志为[unit][title]`.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import facts_with_status


@pytest.mark.parametrize("text, fact", [
    pytest.param("大会选举孙立平、郑海同志为省人大常委会副主任，刘东同志为省高级人民法院院长。",
                 ("郑海", "副主任", "省人大常委会", "new"), id="names_elected_to_one_post"),
    pytest.param("大会选举孙立平、郑海同志为省人大常委会副主任，刘东同志为省高级人民法院院长。",
                 ("刘东", "院长", "省高级人民法院", "new"), id="a_second_clause_of_an_election"),
])
def test_appointments(nlp, text, fact):
    got = facts_with_status(nlp, text)
    assert fact in got
