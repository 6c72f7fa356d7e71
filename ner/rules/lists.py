"""shared_post and listed: several names, one post.

- shared_post `[name]、[name]、[name]等3名[title]` (运城市交通运输局选派李向阳、周海峰、陈立新等3名党员干部):
  the counted list takes the title after it and the clause's unit.
- listed `[title][name]、[name]、[name]` (市议员王家贞、许至椿、陈怡珍): bare names listed after a
  titled one share its post, unless a unit has one holder of that title (市长黄伟哲、叶泽山).
`LIST_NAMES` and `list_mentions` also tell `ner/rules/persons.py` where the names of a list are.
"""

from __future__ import annotations

import re

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import Lexicons, Token, role_starting_at, surname_length, unit_ending_at
from zhkg.ner.rules.facts import CONFIDENCE, Fact, FactBuilder, Mention

LIST_NAMES = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4})等(\d+|[一二三四五六七八九十两]+|多|数|几|诸)(名|位|个)")


def shared_post_facts(text: str, s0: int, s1: int, tokens: list[Token], sent_idx: int, fb: FactBuilder) -> None:
    """`李向阳、周海峰、陈立新等3名党员干部`: each listed name takes the title after the count and the
    unit written earlier in the clause."""
    lex = fb.lex
    for m in LIST_NAMES.finditer(text, s0, s1):
        role_end = role_starting_at(text, m.end(), lex) or _noun_after(tokens, m.end())
        role = text[m.end():role_end] if role_end else None
        clause_start = max(text.rfind(c, s0, m.start()) for c in "，,；;") + 1
        clause_start = max(clause_start, s0)
        unit = None
        for t in tokens:
            if clause_start <= t.start and t.end <= m.start() and t.word.endswith(lex.org_suffixes):
                unit = unit_ending_at(text, t.end, lex, floor=clause_start, tokens=tokens)
                if unit and unit[1] - unit[0] >= 3:
                    break
                unit = None
        for p in list_mentions(m, lex):
            fb.add(p, role, unit, "shared_post", m.start(), role_end or m.end(), sent_idx)


def _noun_after(tokens: list[Token], pos: int) -> int | None:
    """End of the noun that names what a counted list of people are (等3名|党员干部)."""
    nouns = [t for t in tokens if t.start == pos and t.flag in ("n", "nnt") and 2 <= len(t.word) <= 6]
    return nouns[0].end if nouns else None


def list_mentions(m: re.Match, lex: Lexicons) -> list[Mention]:
    """The names of a `A、B、C等3名` list; the first item may have swallowed words before it
    (天泽社区的高歌): it is cut to the surname-initial tail as long as the other names."""
    names = m.group(1).split(grammar.LIST_SEP)
    first = names[0]
    width = max(len(n) for n in names[1:])
    if len(first) > width or not surname_length(first, 0, lex):
        tails = [first[k:] for k in range(len(first) - 1) if 2 <= len(first) - k <= width and surname_length(first, k, lex)]
        if not tails:
            return []
        names[0] = tails[0]
    if not all(surname_length(n, 0, lex) and 2 <= len(n) <= 3 for n in names):
        return []
    out, pos = [], m.end(1) - len(grammar.LIST_SEP.join(names))
    for n in names:
        out.append(Mention(pos, pos + len(n), n))
        pos += len(n) + 1
    return out


def listed_facts(p: Mention, before: list[Fact], sent_idx: int, fb: FactBuilder) -> list[Fact]:
    """`市议员王家贞、许至椿、陈怡珍`: a bare name listed after a titled one shares its post, unless the
    title is one a unit has a single holder of (市长黄伟哲、叶泽山)."""
    out = []
    for f in before:
        if f.role is None or f.role.endswith(grammar.SINGULAR_HEADS) and not f.role.startswith("副"):
            continue
        fact = Fact(p.name, f.role, f.unit, f.city, f.status, "listed", f.start, p.end, p.start, p.end, sent_idx,
                    CONFIDENCE["listed"], f.unit_start, f.unit_end, f.city_key)
        fb.facts.append(fact)
        out.append(fact)
    return out
