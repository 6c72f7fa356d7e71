"""copula: `[name]是[unit]的一名[title]`, a post stated as what the person is.

孙丽是太原市杏花岭区中心医院的一名护士: the object before 的 must read as a unit and a title must
follow it; a name the rules find nowhere else is found before such a 是 (`copula_names`).
copula_post: `[name][title]也是[unit][title]`, 是 before a whole post that closes its clause (某某总经理也是
某协会首任理事长, 某某现在是某局局长): the name may carry its other title and an adverb before 是.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner import words
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import Lexicons, name_at, role_ending_at, role_starting_at
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.post_verb import post_titles
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


_IS = "是"
_OF = "的"
COPULA_ADVERBS = tuple(sorted(words.words("copula_adverb"), key=len, reverse=True))


def _post_after_copula(text: str, pos: int, limit: int, lex: Lexicons) -> tuple[int, int] | None:
    """(start, end) of the posts after `[title][adverb]是` at `pos` that close their clause with a title
    (是某局局长, 也是某协会理事长); None otherwise (是某大学土木工程的博士: a degree, the copula rule's 的)."""
    pos = role_starting_at(text, pos, lex) or pos
    pos += next((len(a) for a in COPULA_ADVERBS if text.startswith(a, pos)), 0)
    if not text.startswith(_IS, pos):
        return None
    start = end = pos + len(_IS)
    while end < limit and text[end] not in grammar.CLAUSE_PUNCT:
        end += 1
    if end - start < 3 or _OF in text[start:end] or role_ending_at(text, end, lex) is None:
        return None
    return start, end


def copula_post_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """A name opening its clause before `[title][adverb]是[unit][title]`."""
    text = src.text
    for i in src.surname_starts:
        if i == 0 or text[i - 1] in grammar.CLAUSE_PUNCT:
            name = name_at(text, i, src.lex)
            if name and _post_after_copula(text, i + len(name), len(text), src.lex):
                yield Mention(i, i + len(name), name), "words"


@rule("copula_post", reads="`[name][title]也是[unit][title]`", scope="mention", precedence=27, confidence=0.8,
      exclusive=False, names=copula_post_names)
def copula_post(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """The posts after `p`'s 是 (its own title and an adverb may stand before it) up to the clause's end."""
    post = _post_after_copula(s.text, p.end, s.end, s.lex)
    if post:
        yield from post_titles(s, post[0], post[1], p, p.start, post[1], None)
