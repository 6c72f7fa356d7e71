"""acting: `由[name]代行/代为履行/暂代[unit][title]职责`, a post held as acting until it is filled.

经推举，由董事赵某某代行公司董事长职责: the subject is the last name before the verb; the post after
it, up to the duties word (职责, 职权) or post word (职务) that must close it, is held as acting (GUIDE:
acting posts are facts; the role is the plain title). Right after a name (杨某代理市长) the verb takes the
one title after it. The verbs are data (`acting_verb` in ner/data/words/posts.tsv).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import CJK, Lexicons, role_starting_at, surname_length, unit_ending_at
from zhkg.ner.rules.facts import Mention, Proposal, Proposals
from zhkg.ner.rules.post_verb import post_titles
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

ACTING_VERB = re.compile("|".join(map(re.escape, grammar.ACTING_VERBS)))
_OBJECT_CLOSING = tuple(sorted((*grammar.ACTING_DUTIES, *grammar.POST_WORDS), key=len, reverse=True))
_CLAUSE_END = set("，,。；;！？!?\n")  # where an acting verb's object ends at the latest (brackets may come before)
_TITLE_CLOSERS = grammar.CLAUSE_PUNCT | {grammar.LIST_SEP, " "}


def _title_after(text: str, pos: int, limit: int, lex: Lexicons) -> int | None:
    """The end of a bare title right at `pos` that its clause or list item ends with (代理市长、…)."""
    end = role_starting_at(text, pos, lex)
    return end if end is not None and (end == limit or text[end] in _TITLE_CLOSERS) else None


def acting_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """A name written right before an acting verb and its bare title (杨某代理市长)."""
    for m in ACTING_VERB.finditer(src.text):
        if _title_after(src.text, m.end(), len(src.text), src.lex) is None:
            continue
        for start in (i for i in src.surname_starts if 2 <= m.start() - i <= 3):
            name = src.text[start:m.start()]
            if CJK.match(name) and surname_length(name, 0, src.lex):
                yield Mention(start, m.start(), name), "words"


def _duty_end(text: str, start: int, limit: int) -> int | None:
    """Where the post after an acting verb ends: before the duties or post word that closes its clause
    (an aside in brackets may stand between: 董事长（法定代表人）职责); None when none closes it."""
    clause_end = next((i for i in range(start, limit) if text[i] in _CLAUSE_END), limit)
    for i in range(start, clause_end):
        if text.startswith(_OBJECT_CLOSING, i):
            cut = next((j for j in range(start, i) if text[j] in grammar.CLAUSE_PUNCT), i)
            return cut
    return None


@rule("acting", reads="`由[name]代行/代为履行/暂代[unit][title]职责`, `[name]代理[title]`", scope="sentence",
      precedence=45, confidence=0.8, status="acting", names=acting_names)
def acting(s: Sentence) -> Proposals:
    """Each acting verb with a name before it in the sentence. Right after the name (杨某代理市长、…) the
    verb takes the one title after it; further on, only a post its clause closes with its duties or post
    word (…代行公司董事长（法定代表人）职责), since 代理 is also an agent's word (广告代理商, 代理教师)."""
    text, lex = s.text, s.lex
    for m in ACTING_VERB.finditer(text, s.start, s.end):
        subject = [p for p in s.people if p.end <= m.start()]
        if not subject:
            continue
        p = subject[-1]
        title_end = _title_after(text, m.end(), s.end, lex) if p.end == m.start() else None
        if title_end is not None:  # [unit][name]代理[title]: the unit written right before the name is its
            unit = unit_ending_at(text, p.start, lex, floor=s.start, tokens=s.tokens)
            unit = unit if unit and unit[1] == p.start else None
            yield Proposal(p, text[m.end():title_end], unit, unit[0] if unit else p.start, title_end, s.index)
            continue
        end = _duty_end(text, m.end(), s.end)
        if end is not None and end - m.end() >= 2:
            yield from post_titles(s, m.end(), end, p, p.start, end, None)
