"""parenthetical: `[name]（[status][unit][title]）`, the post in brackets right after a name.

Interviews and case reports introduce people this way: 周某某（江西省吉水县文峰小学校长）,
李某（时任吉水县县委常委）. Each 、-separated part is read as a post verb's object.
"""

from __future__ import annotations

import re

from zhkg.ner.rules import grammar
from zhkg.ner.rules.facts import FactBuilder, Mention
from zhkg.ner.rules.post_verb import post_object

# A post in brackets right after a name, optionally with a time marker: `（时任吉水县县委常委）`.
PAREN_POST = re.compile(r"[（(](时任|原任|曾任|现任|原)?([\u4e00-\u9fff、]{2,40})[）)]")


def parenthetical_facts(text: str, p: Mention, s1: int, sent_idx: int, fb: FactBuilder) -> bool:
    """`周某某（江西省吉水县文峰小学校长）`, `李某（时任吉水县县委常委）`: the post in brackets right after a
    name, as interviews and case reports introduce people."""
    m = PAREN_POST.match(text, p.end)
    if not m:
        return False
    o0, o1 = m.start(2), m.end(2)
    status = grammar.STATUS_OF.get(m.group(1), "current") if m.group(1) else "current"
    made = False
    part_start = o0
    for part in re.split(f"[{grammar.LIST_SEP}兼]", text[o0:o1]):  # 培训中心主任助理兼培训三处处长: two posts
        fact = post_object(text, part_start, part_start + len(part), p, p.start, m.end(), sent_idx, status, fb,
                            rule="parenthetical")
        made = made or fact is not None
        part_start += len(part) + 1
    return made
