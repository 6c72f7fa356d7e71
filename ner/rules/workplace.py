"""workplace: `[title][name]…到/在[unit]工作`, a title without a unit and the unit named after the name.

25岁的护士周小燕今年到太原市人民医院急诊科工作: the unitless fact just made for the name is superseded by one
with the workplace as its unit (the builder drops the old one).
"""

from __future__ import annotations

import re

from zhkg.ner.rules.chains import unit_ending_at
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.registry import Sentence, rule, rule_named

WORKPLACE = re.compile(r"(?:到|在|于)([^，。、；！？\n,;]{2,30}?)(?:工作|任职|上班|就职|执勤)")


@rule("workplace", reads="`[title][name]…到[unit]工作`", scope="mention", precedence=24, confidence=0.75,
      supersedes=True, exclusive=False)
def workplace(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """`25岁的护士周小燕今年到太原市人民医院急诊科工作`: the name's facts hold a title without unit (of a post held
    in a unit), and the unit is named after the name."""
    if not made or any(f.unit for f in made) or not rule_named(made[0].rule).needs_unit:
        return False
    m = WORKPLACE.search(s.text, p.end, s.end)
    if not m or not s.lex.ends_like_unit(m.group(1)) \
            or unit_ending_at(s.text, m.end(1), s.lex, floor=m.start(1), tokens=s.tokens) != (m.start(1), m.end(1)):
        return False  # 正在|进行|工作管理平台, 在|场社工如何正确执行|工作: what the unit reader does not read whole
        # as one unit is no workplace
    yield Proposal(p, made[0].role, (m.start(1), m.end(1)), made[0].start, m.end(), s.index, supersedes=tuple(made))
    return True
