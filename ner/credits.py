"""Bylines, editor credits and photo credits: names written outside sentences.

News pages name their reporters in a fixed layout rather than in prose: `记者 郭文治 孟 航 通讯员 包司南`,
`（责编：李思玥、谢龙）`, `乔利峰 摄`, `（班 澜）` closing an article. Two-character names are padded with
a space to the width of three (`孟 航`), so single characters separated by spaces are joined in pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhkg.ner import grammar
from zhkg.ner.chains import Lexicons, surname_length

_ROLES = "|".join(sorted(grammar.BYLINE_ROLES, key=len, reverse=True))
BYLINE = re.compile(rf"({_ROLES})[ \u3000\t]*[:：]?[ \u3000\t]*((?:[\u4e00-\u9fff]{{1,4}}(?:[ \u3000\t、，,]+|$|(?=[）)\]】\n])))+?)(?=$|[）)\]】\n]|{_ROLES}|摄)", re.MULTILINE)
PHOTO = re.compile(r"(?:^|(?<=[。！？\s）)]))([\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,2})[ \u3000]+摄(?=$|[\s）)。])", re.MULTILINE)
CLOSING = re.compile(r"[（(][ \u3000]*([\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,2})[ \u3000]*[）)][ \u3000]*$", re.MULTILINE)
LAYOUT_LINE = 80


@dataclass(frozen=True)
class Credit:
    name: str
    start: int
    end: int
    role: str | None
    evidence_start: int
    evidence_end: int


def _names(group: str, offset: int, lex: Lexicons) -> list[tuple[str, int, int]]:
    parts = [(m.group(), offset + m.start()) for m in re.finditer(r"[\u4e00-\u9fff]+", group)]
    names: list[tuple[str, int, int]] = []
    i = 0
    while i < len(parts):
        word, start = parts[i]
        if word in grammar.BYLINE_ROLES or word == grammar.PHOTO_CREDIT:
            break
        if len(word) == 1 and i + 1 < len(parts) and len(parts[i + 1][0]) == 1:
            word2, start2 = parts[i + 1]
            word, end = word + word2, start2 + 1
            i += 2
        else:
            end = start + len(word)
            i += 1
        if 2 <= len(word) <= 3 or len(word) == 4 and surname_length(word, 0, lex) == 2:
            names.append((word, start, end))
        else:
            break
    return names


def _in_layout(text: str, start: int) -> bool:
    """Credits stand on short lines, at a line start, or after a bullet or bracket."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start].strip(" \u3000\t■●▲◆★（(【[")
    return line_end - line_start <= LAYOUT_LINE or not before


def find_credits(text: str, lex: Lexicons) -> list[Credit]:
    credits: list[Credit] = []
    for m in BYLINE.finditer(text):
        if not _in_layout(text, m.start()):
            continue
        role = m.group(1)
        for name, s, e in _names(m.group(2), m.start(2), lex):
            credits.append(Credit(name, s, e, "记者" if role.endswith("记者") else role, m.start(), e))
    for m in PHOTO.finditer(text):
        name = re.sub(r"\s", "", m.group(1))
        if surname_length(name, 0, lex) and not any(c.start <= m.start(1) < c.end for c in credits):
            credits.append(Credit(name, m.start(1), m.end(1), None, m.start(), m.end()))
    for m in CLOSING.finditer(text):
        name = re.sub(r"\s", "", m.group(1))
        at_end = not text[m.end():].strip()
        if 2 <= len(name) <= 3 and (at_end or surname_length(name, 0, lex)):
            credits.append(Credit(name, m.start(1), m.end(1), None, m.start(), m.end()))
    return credits
