"""post_verb: `[name]…担任/任/兼任/调任/原任/时任[unit][title]`, a post stated with a verb.

去年，刘建华调任汾阳市公安局局长: the subject is the last name before the verb, or in a sentence
about 他/她 the person named just before; the verb gives the status (调任 new, 原任 former,
不再担任…职务 former). `post_object` and `post_titles` read `[unit][title]、[title]` objects and are
shared by the bracket, appointment and profile rules (their proposals are those rules').
"""

from __future__ import annotations

import re
from collections.abc import Generator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import Token, role_ending_at, role_starting_at, split_role, unit_and_role
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.registry import Sentence, rule
from zhkg.ner.rules.units import unit_for_title


@rule("post_verb", reads="`[name]…担任/任/调任/原任/时任[unit][title]`", scope=("sentence", "antecedent"),
      precedence=40, confidence=0.8)
def post_verb(s: Sentence) -> Proposals:
    """`…担任[unit][title]`: the subject is the last name before the verb, or in the antecedent scope the
    person named in an earlier sentence that 他/她 refers to (the evidence is then this sentence)."""
    text = s.text
    for t, verb in _verb_tokens(text, s.start, s.end, s.tokens):
        subject = s.people if s.antecedent else [p for p in s.people if p.end <= t.start]
        if not subject:
            continue
        p = subject[-1]
        end = t.end
        while end < s.end and text[end] not in grammar.CLAUSE_PUNCT and text[end] not in "的后时期间" \
                and not text.startswith(grammar.POSTS_CLOSING, end):
            end += 1
        status = grammar.STATUS_OF.get(verb, "current")
        if text[max(s.start, t.start - 2):t.start] in grammar.POST_ENDED:
            status = "former"  # 不再担任…职务
        start = s.start if s.antecedent else p.start
        part_start = t.end
        obj = text[t.end:end]
        for closing in grammar.POST_WORDS:
            if obj.endswith(closing) and len(obj) > len(closing) + 1:
                end -= len(closing)  # …党组书记职务: the word for "post" closes the object
                break
        for part in re.split(r"(?<=.)兼(?=.)", text[t.end:end]):
            yield from post_titles(s, part_start, part_start + len(part), p, start, end, status)
            part_start += len(part) + 1


def _verb_tokens(text: str, s0: int, s1: int, tokens: list[Token]) -> list[tuple[Token, str]]:
    """The post verbs of a sentence with their tokens: jieba's words, and two-character verbs written
    in the text where jieba cut them (曾|任原)."""
    verbs = sorted(grammar.POST_VERBS, key=len, reverse=True)
    found: dict[int, tuple[Token, str]] = {}
    for t in tokens:
        verb = next((v for v in verbs if t.word == v or (t.word.endswith(v) and len(v) >= 2)), None)
        if verb is not None:
            found[t.end] = (t, verb)
    for verb in (v for v in verbs if len(v) == 2):
        for m in re.finditer(verb, text[s0:s1]):
            end = s0 + m.end()
            if end not in found and not any(t.start < s0 + m.start() < t.end - 1 for t, _ in found.values()):
                found[end] = (Token(s0 + m.start(), end, verb, "v"), verb)
    return [found[k] for k in sorted(found)]


# Words joining two units or two posts inside one object of a post verb.
UNIT_JOINER = re.compile(r"[暨和及与]")


def post_titles(s: Sentence, o0: int, o1: int, p: Mention, start: int, end: int,
                status: str | None) -> Proposals:
    """`担任[unit]党组书记、总队长`: titles coordinated after the first share its unit; a coordinated
    `[unit][title]` brings its own. The evidence runs from `start` to `end`; status None is the rule's."""
    text, lex = s.text, s.lex
    first, *rest = text[o0:o1].split(grammar.LIST_SEP)
    fact = yield from _joined_objects(s, o0, o0 + len(first), p, start, end, status)
    pos = o0 + len(first) + 1
    for title in rest:
        if fact is None or not title:
            return
        title_end = role_starting_at(text, pos, lex)
        joiner = UNIT_JOINER.search(text, pos, pos + len(title))
        if title_end == pos + len(title):
            yield _shared_title(s, fact, title, p, start, end)
        elif joiner and title_end == joiner.start():
            # 董事长、董事及董事会审计委员会委员: a bare title shares the unit, the post after 及 has its own
            yield _shared_title(s, fact, text[pos:title_end], p, start, end)
            fact = yield from _joined_objects(s, joiner.end(), pos + len(title), p, start, end, status)
        else:  # 粮食局局长、市政协人口资源环境委员会主任: a title with its own unit
            fact = yield from _joined_objects(s, pos, pos + len(title), p, start, end, status)
        pos += len(title) + 1


def _shared_title(s: Sentence, fact: Fact, title: str, p: Mention, start: int, end: int) -> Proposal:
    """A bare title coordinated after a post: held in that post's unit (党组书记、总队长)."""
    unit = unit_for_title(fact.unit, title, s.lex) if fact.unit else None
    return Proposal(p, title, (fact.unit_start, fact.unit_end) if unit else None, start, end, s.index,
                    fact.status, unit)


def _joined_objects(s: Sentence, o0: int, o1: int, p: Mention, start: int, end: int,
                    status: str | None) -> Generator[Proposal, Fact | None, Fact | None]:
    """`工学院暨电机资讯学院院长`: two units joined by 暨/和/及 share the title after the second;
    `行政院科技顾问和总统府国策顾问`: two whole posts joined the same way are two objects. Else one object."""
    text, lex = s.text, s.lex
    m = UNIT_JOINER.search(text, o0, o1)
    if m and m.start() > o0 + 1 and m.end() < o1 - 1:
        left, right = (o0, m.start()), (m.end(), o1)
        left_titled = role_ending_at(text, left[1], lex) is not None and role_ending_at(text, left[1], lex) > left[0]
        if left_titled:
            first = yield from post_object(s, *left, p, start, end, status)
            second = yield from post_object(s, *right, p, start, end, status)
            return second or first
        if lex.ends_like_unit(text[left[0]:left[1]]):
            second = yield from post_object(s, *right, p, start, end, status)
            if second is not None:
                yield Proposal(p, second.role, left, start, end, s.index, second.status)
            return second
    return (yield from post_object(s, o0, o1, p, start, end, status))


def post_object(s: Sentence, o0: int, o1: int, p: Mention, start: int, end: int,
                status: str | None) -> Generator[Proposal, Fact | None, Fact | None]:
    """One object of a post verb: `[unit][title]`, split after the last unit word, else at the title;
    returns the fact it became."""
    text, lex = s.text, s.lex
    split = unit_and_role(text[o0:o1], lex)
    if split:
        u, r = split
        return (yield Proposal(p, r, (o0, o0 + len(u)), start, end, s.index, status))
    rs = role_ending_at(text, o1, lex)
    if rs is not None and rs >= o0:
        head, core = split_role(text[rs:o1], lex)
        unit = (o0, rs + len(head)) if rs + len(head) > o0 else None
        if unit and not lex.ends_like_unit(text[unit[0]:unit[1]]):
            return None
        return (yield Proposal(p, core, unit, start, end, s.index, status))
    return None


def pronoun_subject(text: str, s0: int, s1: int) -> bool:
    """A sentence about 他/她 that names a post: its subject is the person named just before."""
    head = text[s0:min(s1, s0 + 6)]
    return ("他" in head or "她" in head) and any(v in text[s0:s1] for v in grammar.POST_VERBS if len(v) == 2)
