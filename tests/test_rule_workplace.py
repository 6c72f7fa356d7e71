"""The workplace rule: `[title][name]…到[unit]工作`, the unit named after the name.

Sentences written for these tests (rules only)."""

from __future__ import annotations

from tests.helpers import build


def test_a_title_without_unit_takes_the_workplace_named_after_the_name(nlp):
    result = build(nlp, "太原市召开会议。\n22岁的护士魏莹去年到太原市人民医院感染科工作。")
    got = {(f["person"], f["role"], f["unit"], f["city"], f["rule"]) for f in result.facts}
    assert ("魏莹", "护士", "太原市人民医院感染科", "太原市", "workplace") in got
