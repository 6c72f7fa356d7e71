"""post_verb: `[name]…担任/任/兼任/调任/原任/时任[unit][title]`, a post stated with a verb.

去年，刘建华调任汾阳市公安局局长: the subject is the last name before the verb, or in a sentence
about 他/她 the person named just before; the verb gives the status (调任 new, 原任 former,
不再担任…职务 former). `post_object` and `post_titles` read `[unit][title]、[title]` objects and are
shared by the bracket, appointment and profile rules.
"""

from __future__ import annotations

import re

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import Token, role_ending_at, role_starting_at, split_role, unit_and_role
from zhkg.ner.rules.facts import Fact, FactBuilder, Mention
from zhkg.ner.rules.units import unit_for_title


def post_verb_facts(text: str, s0: int, s1: int, people: list[Mention], tokens: list[Token], sent_idx: int,
                    fb: FactBuilder, antecedent: bool = False) -> None:
    """`…担任[unit][title]`: the subject is the last name before the verb, or with `antecedent` the
    person named in an earlier sentence that 他/她 refers to (the evidence is then this sentence)."""
    for t, verb in _verb_tokens(text, s0, s1, tokens):
        subject = people if antecedent else [p for p in people if p.end <= t.start]
        if not subject:
            continue
        p = subject[-1]
        end = t.end
        while end < s1 and text[end] not in grammar.CLAUSE_PUNCT and text[end] not in "的后时期间" \
                and not text.startswith(grammar.POSTS_CLOSING, end):
            end += 1
        status = grammar.STATUS_OF.get(verb, "current")
        if text[max(s0, t.start - 2):t.start] in grammar.POST_ENDED:
            status = "former"  # 不再担任…职务
        start = s0 if antecedent else p.start
        part_start = t.end
        obj = text[t.end:end]
        for closing in grammar.POST_WORDS:
            if obj.endswith(closing) and len(obj) > len(closing) + 1:
                end -= len(closing)  # …党组书记职务: the word for "post" closes the object
                break
        for part in re.split(r"(?<=.)兼(?=.)", text[t.end:end]):
            post_titles(text, part_start, part_start + len(part), p, start, end, sent_idx, status, fb)
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


def post_titles(text: str, o0: int, o1: int, p: Mention, start: int, end: int, sent_idx: int, status: str,
                fb: FactBuilder, rule: str = "post_verb") -> None:
    """`担任[unit]党组书记、总队长`: titles coordinated after the first share its unit; a coordinated
    `[unit][title]` brings its own."""
    first, *rest = text[o0:o1].split(grammar.LIST_SEP)
    fact = _joined_objects(text, o0, o0 + len(first), p, start, end, sent_idx, status, fb, rule)
    pos = o0 + len(first) + 1
    for title in rest:
        if fact is None or not title:
            return
        if role_starting_at(text, pos, fb.lex) == pos + len(title):
            unit = unit_for_title(fact.unit, title, fb.lex) if fact.unit else None
            fb.add(p, title, (fact.unit_start, fact.unit_end) if unit else None, rule, start, end,
                   sent_idx, fact.status, unit)
        else:  # 粮食局局长、市政协人口资源环境委员会主任: a title with its own unit
            fact = _joined_objects(text, pos, pos + len(title), p, start, end, sent_idx, status, fb, rule)
        pos += len(title) + 1


def _joined_objects(text: str, o0: int, o1: int, p: Mention, start: int, end: int, sent_idx: int, status: str,
                    fb: FactBuilder, rule: str) -> Fact | None:
    """`工学院暨电机资讯学院院长`: two units joined by 暨/和/及 share the title after the second;
    `行政院科技顾问和总统府国策顾问`: two whole posts joined the same way are two objects. Else one object."""
    lex = fb.lex
    m = UNIT_JOINER.search(text, o0, o1)
    if m and m.start() > o0 + 1 and m.end() < o1 - 1:
        left, right = (o0, m.start()), (m.end(), o1)
        left_titled = role_ending_at(text, left[1], lex) is not None and role_ending_at(text, left[1], lex) > left[0]
        if left_titled:
            first = post_object(text, *left, p, start, end, sent_idx, status, fb, rule)
            second = post_object(text, *right, p, start, end, sent_idx, status, fb, rule)
            return second or first
        if lex.ends_like_unit(text[left[0]:left[1]]):
            second = post_object(text, *right, p, start, end, sent_idx, status, fb, rule)
            if second is not None:
                fb.add(p, second.role, left, rule, start, end, sent_idx, second.status)
            return second
    return post_object(text, o0, o1, p, start, end, sent_idx, status, fb, rule)


def post_object(text: str, o0: int, o1: int, p: Mention, start: int, end: int, sent_idx: int, status: str,
                fb: FactBuilder, rule: str = "post_verb") -> Fact | None:
    """One object of a post verb: `[unit][title]`, split after the last unit word, else at the title."""
    lex = fb.lex
    split = unit_and_role(text[o0:o1], lex)
    if split:
        u, r = split
        return fb.add(p, r, (o0, o0 + len(u)), rule, start, end, sent_idx, status)
    rs = role_ending_at(text, o1, lex)
    if rs is not None and rs >= o0:
        head, core = split_role(text[rs:o1], lex)
        unit = (o0, rs + len(head)) if rs + len(head) > o0 else None
        if unit and not lex.ends_like_unit(text[unit[0]:unit[1]]):
            return None
        return fb.add(p, core, unit, rule, start, end, sent_idx, status)
    return None


def pronoun_subject(text: str, s0: int, s1: int) -> bool:
    """A sentence about 他/她 that names a post: its subject is the person named just before."""
    head = text[s0:min(s1, s0 + 6)]
    return ("他" in head or "她" in head) and any(v in text[s0:s1] for v in grammar.POST_VERBS if len(v) == 2)
