"""copula: `[name]是[unit]的一名[title]`, a post stated as what the person is.

孙丽是太原市杏花岭区中心医院的一名护士: the object before 的 must read as a unit and a title must
follow it. `COPULA` is also what `ner/rules/persons.py` uses to find a name before 是.
"""

from __future__ import annotations

import re

from zhkg.ner.rules.chains import role_starting_at
from zhkg.ner.rules.facts import FactBuilder, Mention

COPULA = re.compile(r"是([^，。、；！？\n,;]{2,40}?)的(?:一名|一位|一个|名|位)?")


def copula_facts(text: str, p: Mention, s1: int, sent_idx: int, fb: FactBuilder) -> None:
    """The fact of `是[unit]的一名[title]` right after `p`."""
    lex = fb.lex
    after = text[p.end:s1]
    m = COPULA.match(after)
    if m:
        role_end = role_starting_at(text, p.end + m.end(), lex)
        obj = m.group(1)
        if role_end is not None and lex.ends_like_unit(obj):
            span = (p.end + m.start(1), p.end + m.end(1))
            fb.add(p, text[p.end + m.end():role_end], span, "copula", p.start, role_end, sent_idx)
