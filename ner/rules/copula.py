"""copula: `[name]是[unit]的一名[title]`, a post stated as what the person is.

孙丽是太原市杏花岭区中心医院的一名护士: the object before 的 must read as a unit and a title must
follow it; a name the rules find nowhere else is found before such a 是 (`copula_names`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules.chains import Lexicons, name_at, role_starting_at
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

COPULA = re.compile(r"是([^，。、；！？\n,;]{2,40}?)的(?:一名|一位|一个|名|位)?")


def copula_title(text: str, pos: int, lex: Lexicons) -> bool:
    """`杨海艳是神木市滨河新区街道的一名工作人员`: 是 + unit + 的 + title at `pos`."""
    m = COPULA.match(text, pos)
    return bool(m) and role_starting_at(text, m.end(), lex) is not None and lex.ends_like_unit(m.group(1))


def copula_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """A surname two to four characters before 是[unit]的[title] starts a name."""
    for i in src.surname_starts:
        if "是" in src.text[i + 2:i + 5]:
            name = name_at(src.text, i, src.lex)
            if name and copula_title(src.text, i + len(name), src.lex):
                yield Mention(i, i + len(name), name), "words"


@rule("copula", reads="`[name]是[unit]的一名[title]`", scope="mention", precedence=23, confidence=0.85,
      names=copula_names)
def copula(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """The fact of `是[unit]的一名[title]` right after `p`."""
    text, lex = s.text, s.lex
    m = COPULA.match(text[p.end:s.end])
    if not m:
        return False
    role_end = role_starting_at(text, p.end + m.end(), lex)
    obj = m.group(1)
    if role_end is None or not lex.ends_like_unit(obj):
        return False
    span = (p.end + m.start(1), p.end + m.end(1))
    yield Proposal(p, text[p.end + m.end():role_end], span, p.start, role_end, s.index)
    return True
