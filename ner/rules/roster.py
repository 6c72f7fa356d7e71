"""roster: `[unit…][title]包括：A、B、C`, the people who hold a post listed after it under a heading.

是次委员会会议出席的委员包括：甲某、乙某、丙某: each bare name of the list after the colon holds the
title written before the opener (`roster_opener` in ner/data/words/names.tsv), in the unit written earlier
in the clause. Only bare names (a surname, two to four characters) are read: an item with its own title
(市长某某) is the apposition rule's; a list without a colon is not a roster.

line_roster: `…委任以下人士为[unit][title]:` and then one person to a line (`某某先生, JP(副主席)`), as Hong
Kong and Macau notices print their members: each name holds the heading's title in its unit, and the post
in brackets after it; a line with only a title (政务司司长(主席)) may stand among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import CJK, Lexicons, role_ending_at, surname_length, unit_and_role
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


# A roster set one person to a line under its heading (政府委任以下人士为某某委员会委员:), as Hong Kong and
# Macau notices print them: the name, an honorific or degree, post-nominal letters, a post in brackets.
_LINE_ITEM = re.compile(r"[ \t\u3000]*([\u4e00-\u9fff]{2,4}?)(" + "|".join(map(re.escape, grammar.LINE_ROSTER_HONORIFICS))
                        + r")?(?:[ \t]*[,，][ \t]*[A-Z]{2,4})*[ \t]*(?:[（(]([\u4e00-\u9fff]{2,8})[）)])?[ \t]*")
_HEADING_POST = re.compile(r"为([\u4e00-\u9fff]{3,30})[，,：:]")
MAX_ROSTER_LINES = 80
_BRACKETED = re.compile(r"[（(][^）)]*[）)]\s*$")
# A line this short that ends with a title (政务司司长(主席), 房屋及规划地政局局长) may stand among a roster's
# lines: a member named by post.
BARE_TITLE_CHARS = 20


def _line_item(text: str, start: int, end: int, lex: Lexicons) -> re.Match | None:
    m = _LINE_ITEM.fullmatch(text, start, end)
    if m and m.group(2):
        return m  # 狄某某先生, 廖长城先生: the honorific vouches for the name
    return m if m and surname_length(m.group(1), 0, lex) and not lex.ends_like_unit(m.group(1)) else None


def _heading_post(text: str, line_start: int, lex: Lexicons) -> tuple[str, str] | None:
    """(unit, title) of the heading a line of a roster sits under: the nearest line above that
    ends with a colon, every line between being a roster line or a bare title."""
    pos = line_start
    for _ in range(MAX_ROSTER_LINES):
        if pos <= 0:
            return None
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        line = text[prev_start:pos - 1].strip()
        if line.endswith((":", "：")):
            found = list(_HEADING_POST.finditer(line))
            if not found:
                return None
            return unit_and_role(found[-1].group(1), lex)
        bare = _BRACKETED.sub("", line)
        if line and not _line_item(line, 0, len(line), lex) \
                and not (len(bare) <= BARE_TITLE_CHARS and role_ending_at(bare, len(bare), lex) is not None):
            return None
        pos = prev_start
    return None


def line_roster_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The names of every line of a roster set one to a line."""
    text, lex = src.text, src.lex
    line_start = 0
    for line in text.split("\n"):
        m = _line_item(text, line_start, line_start + len(line), lex)
        if m and (m.group(2) or m.group(3) or "," in line) and _heading_post(text, line_start, lex):
            yield Mention(m.start(1), m.end(1), m.group(1)), "layout"
        line_start += len(line) + 1


@rule("line_roster", reads="`…为[unit][title]:` then `[name][honorific], JP(副主席)` a line each", scope="sentence",
      precedence=13, confidence=0.75, names=line_roster_names)
def line_roster(s: Sentence) -> Proposals:
    """Each name of a roster line holds the heading's title in its unit, and the post written in brackets
    after it."""
    m = _line_item(s.text, s.start, s.start + len(s.text[s.start:s.end].rstrip()), s.lex)
    p = next((q for q in s.people if m and q.start == m.start(1)), None)
    heading = _heading_post(s.text, s.start, s.lex) if p else None
    if heading is None:
        return
    unit, title = heading
    fact = yield Proposal(p, title, None, p.start, s.end, s.index, None, unit)
    if m.group(3) and fact is not None:
        yield Proposal(p, m.group(3), None, p.start, s.end, s.index, None, unit)
