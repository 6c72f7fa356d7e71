"""roster: `[unit…][title]包括：A、B、C`, the people who hold a post listed after it under a heading.

是次委员会会议出席的委员包括：甲某、乙某、丙某: each bare name of the list after the colon holds the
title written before the opener (`roster_opener` in ner/data/words/names.tsv), in the unit written earlier
in the clause. Only bare names (a surname, two to four characters) are read: an item with its own title
(市长某某) is the apposition rule's; a list without a colon is not a roster.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import CJK, Lexicons, role_ending_at, surname_length
from zhkg.ner.rules.facts import Mention, Proposal, Proposals
from zhkg.ner.rules.lists import clause_unit
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

HEADING = re.compile("(?:" + "|".join(map(re.escape, grammar.ROSTER_OPENERS)) + ")[:：]")
_ITEM_END = re.compile(r"[、，,；;。！？!?\n]")
MAX_ITEMS = 60


def _roster(text: str, start: int, end: int, lex: Lexicons) -> Iterator[tuple[int, int, list[Mention]]]:
    """(title start, title end, bare names) of each roster heading between start and end."""
    for m in HEADING.finditer(text, start, end):
        role_start = role_ending_at(text, m.start(), lex)
        if role_start is None or role_start >= m.start():
            continue
        names, pos = [], m.end()
        for _ in range(MAX_ITEMS):
            stop = _ITEM_END.search(text, pos, end)
            item_end = stop.start() if stop else end
            item = text[pos:item_end].strip()
            if 2 <= len(item) <= 4 and CJK.fullmatch(item) and surname_length(item, 0, lex):
                lead = len(text[pos:item_end]) - len(text[pos:item_end].lstrip())
                names.append(Mention(pos + lead, pos + lead + len(item), item))
            if not stop or text[stop.start()] != grammar.LIST_SEP:
                break
            pos = stop.end()
        if len(names) >= 2:
            yield role_start, m.start(), names


def roster_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The bare names of every roster."""
    for _, _, names in _roster(src.text, 0, len(src.text), src.lex):
        for p in names:
            yield p, "pattern"


@rule("roster", reads="`[unit…][title]包括：A、B、C`", scope="sentence", precedence=12, confidence=0.75,
      names=roster_names)
def roster(s: Sentence) -> Proposals:
    """Each bare name of a roster holds its title, in the clause's unit."""
    for role_start, role_end, names in _roster(s.text, s.start, s.end, s.lex):
        unit = clause_unit(s, role_start, nearest=True)
        role = s.text[role_start:role_end]
        for p in names:
            yield Proposal(p, role, unit, role_start, p.end, s.index)
