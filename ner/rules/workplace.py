"""workplace: `[title][name]…到/在[unit]工作`, a title without a unit and the unit named after the name.

22岁的护士魏莹去年到市人民医院感染科工作: the unitless fact just made for the name is replaced by one
with the workplace as its unit.
"""

from __future__ import annotations

import re

from zhkg.ner.rules.facts import FactBuilder, Mention

WORKPLACE = re.compile(r"(?:到|在|于)([^，。、；！？\n,;]{2,30}?)(?:工作|任职|上班|就职|执勤)")


def workplace_facts(text: str, p: Mention, s1: int, sent_idx: int, fb: FactBuilder, n_before: int) -> None:
    """`22岁的护士魏莹去年到市人民医院感染科工作`: a title without unit, the unit named after the name."""
    new = fb.facts[n_before:]
    if not new or any(f.unit for f in new) or new[0].rule == "byline":
        return
    m = WORKPLACE.search(text, p.end, s1)
    if m and fb.lex.ends_like_unit(m.group(1)):
        fb.facts = fb.facts[:n_before]
        fb.add(p, new[0].role, (m.start(1), m.end(1)), "workplace", new[0].start, m.end(), sent_idx)
