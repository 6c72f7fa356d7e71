"""title_after: `[unit][name][title]` and `[unit][name]同志`, the title or 同志 written after the name.

Leaders and comrades are named this way (习近平总书记, 交通运输局张学军同志, 安平区王大同区长), and
Taiwanese releases set names in quotes between unit and title (基金会「杜某」执行长).
"""

from __future__ import annotations

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import Token, role_starting_at, unit_ending_at
from zhkg.ner.rules.facts import FactBuilder, Mention


def title_after_facts(text: str, p: Mention, s0: int, s1: int, tokens: list[Token], sent_idx: int,
                      fb: FactBuilder) -> bool:
    """The fact of a title (or 同志) right after `p`; False when neither follows the name."""
    lex = fb.lex
    after = text[p.end:s1]
    quoted = p.start > s0 and text[p.start - 1] in grammar.NAME_QUOTES \
        and text[p.end:p.end + 1] == grammar.NAME_QUOTES[text[p.start - 1]]
    name_start, name_end = (p.start - 1, p.end + 1) if quoted else (p.start, p.end)  # 基金会「杜某」执行长
    re_end = role_starting_at(text, name_end, lex)
    if re_end is not None:
        unit = unit_ending_at(text, name_start, lex, floor=s0, tokens=tokens)
        unit = unit if unit and unit[1] == name_start and text[name_end:re_end] not in grammar.NATIONAL_TITLES \
            else None
        fb.add(p, text[name_end:re_end], unit, "title_after", unit[0] if unit else p.start, re_end, sent_idx)
        return True
    if after.startswith("同志"):
        unit = unit_ending_at(text, p.start, lex, floor=s0, tokens=tokens)
        if unit:
            fb.add(p, None, unit, "title_after", unit[0], p.end + 2, sent_idx)
        return True
    return False
