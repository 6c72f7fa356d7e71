"""The post_verb rule beyond its examples (`ner/data/rules/post_verb.tsv`): what no fact may hold, and the
model's names.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

from tests.helpers import facts


def test_titles_coordinated_after_a_post_verb_are_no_one_title(nlp):
    got = facts(nlp, "2019年，赵贵军担任国家统计局内蒙古调查总队党组书记、总队长。")
    assert ("赵贵军", "总队长", "国家统计局内蒙古调查总队", None) in got
    assert not any("、" in (f[1] or "") for f in got)


def test_units_joined_by_ji_share_the_title_and_joined_posts_are_two(with_model):
    text = "会上，教授王立新介绍经验。王立新历任交通大学工学院暨管理学院院长，并曾担任市政府顾问和省政协委员。"
    got = {f[:3] for f in facts(with_model, text)}
    assert ("王立新", "院长", "交通大学工学院") in got and ("王立新", "院长", "管理学院") in got
    assert ("王立新", "顾问", "市政府") in got
