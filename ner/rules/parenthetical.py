"""parenthetical: `[name]（[status][unit][title]）`, the post in brackets right after a name.

Interviews and case reports introduce people this way: 周某某（江西省吉水县文峰小学校长）,
李某（时任吉水县县委常委）. Each 、-separated part is read as a post verb's object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import role_ending_at
from zhkg.ner.rules.facts import Fact, Mention, Proposals
from zhkg.ner.rules.persons import bare_name
from zhkg.ner.rules.post_verb import post_object
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

# A post in brackets right after a name, optionally with a time marker: `（时任吉水县县委常委）`.
PAREN_POST = re.compile(r"[（(](时任|原任|曾任|现任|原)?([\u4e00-\u9fff、]{2,40})[）)]")
_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]+$")


def parenthetical_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """李某某（时任县委常委）: the name of two or three characters right before brackets that end with a
    title, alone or after a boundary."""
    text, lex = src.text, src.lex
    for m in PAREN_POST.finditer(text):
        head = _CJK_TAIL.search(text, max(0, m.start() - 4), m.start())
        content = m.group(2)
        if head and role_ending_at(content, len(content), lex) is not None:
            for n in (3, 2):
                if len(head.group()) >= n and bare_name(head.group()[-n:], lex) \
                        and (len(head.group()) == n or text[m.start() - n - 1] in grammar.NAME_LEFT):
                    yield Mention(m.start() - n, m.start(), head.group()[-n:]), "pattern"
                    break


@rule("parenthetical", reads="`[name]（[status][unit][title]）`", scope="mention", precedence=21, confidence=0.85,
      names=parenthetical_names)
def parenthetical(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """`周某某（江西省吉水县文峰小学校长）`, `李某（时任吉水县县委常委）`: the post in brackets right after a
    name, as interviews and case reports introduce people; False when it gives no fact."""
    m = PAREN_POST.match(s.text, p.end)
    if not m:
        return False
    o0, o1 = m.start(2), m.end(2)
    status = grammar.STATUS_OF.get(m.group(1), "current") if m.group(1) else "current"
    made_one = False
    part_start = o0
    for part in re.split(f"[{grammar.LIST_SEP}兼]", s.text[o0:o1]):  # 培训中心主任助理兼培训三处处长: two posts
        fact = yield from post_object(s, part_start, part_start + len(part), p, p.start, m.end(), status)
        made_one = made_one or fact is not None
        part_start += len(part) + 1
    return made_one
