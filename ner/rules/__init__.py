"""Relation rules: from tagged names, titles and places to person–role–unit–city facts.

Each rule is one way Chinese news states that someone holds a post, and has its own module; the
`rule` field of facts.jsonl names the rule that made a fact:

=============  ==============================================  ===================================  ===============
rule           reads                                           example                              module
=============  ==============================================  ===================================  ===============
apposition     `[place][unit…][title]、[title][name]`          忻府区秀容税务所党支部书记王诚       apposition.py
title_after    `[unit][name][title]`, `[unit][name]同志`       交通运输局张学军同志                 title_after.py
copula         `[name]是[unit]的一名[title]`                   孙丽是…中心医院的一名护士            copula.py
post_verb      `[name]…担任/任/调任/原任/时任[unit][title]`    刘建华调任汾阳市公安局局长           post_verb.py
shared_post    `A、B、C等3名[title]`, the clause's unit        选派李向阳、周海峰等2名党员干部      lists.py
listed         `[title]A、B、C`: bare names after a titled one  市议员王家贞、许至椿                 lists.py
parenthetical  `[name]（[status][unit][title]）`               李某（时任吉水县县委常委）           parenthetical.py
appointment    `选举A、B同志为[unit][title]`                   选举郑海同志为省人大常委会副主任     appointment.py
profile        `[name]，[unit][title]，…` opening a line        李某，某集团原党组成员、副总经理     profile.py
workplace      `[title][name]…到[unit]工作`                    护士魏莹去年到市人民医院感染科工作   workplace.py
byline         credits outside sentences                       `记者 郭文治 孟 航`, `（责编：谢龙）`  credits.py
contact        the contact lines of a release                  `承办人：民政局兵役后勤科林玲珉`     credits.py
=============  ==============================================  ===================================  ===============

`facts.py` holds what they share: `Mention`, `Fact`, `FactBuilder` (units are resolved against the
document as facts are added, see `ner/rules/units.py`), `CONFIDENCE` per rule and `dedupe`. A new rule is a
new module with a `*_facts` function, a `CONFIDENCE` entry, a row above and a call in `extract_facts`.
Offsets are in the normalized text; the caller maps them back to the original.
"""

from __future__ import annotations

from bisect import bisect_left

from zhkg.ner.rules import grammar
from zhkg.ner.rules.appointment import appointment_facts
from zhkg.ner.rules.apposition import apposition_facts
from zhkg.ner.rules.chains import Lexicons, Token, tag
from zhkg.ner.rules.copula import copula_facts
from zhkg.ner.rules.credits import Credit
from zhkg.ner.rules.facts import CONFIDENCE, Fact, FactBuilder, Mention, dedupe
from zhkg.ner.rules.lists import listed_facts, shared_post_facts
from zhkg.ner.rules.parenthetical import parenthetical_facts
from zhkg.ner.rules.post_verb import post_verb_facts, pronoun_subject
from zhkg.ner.rules.profile import profile_facts, profile_subjects
from zhkg.ner.rules.title_after import title_after_facts
from zhkg.ner.rules.units import DocContext
from zhkg.ner.rules.workplace import workplace_facts

__all__ = ["CONFIDENCE", "Fact", "FactBuilder", "Mention", "extract_facts", "sentences"]


def extract_facts(text: str, persons: list[Mention], credits: list[Credit], ctx: DocContext,
                  lex: Lexicons, tokens: list[Token] | None = None) -> list[Fact]:
    """All facts of one document, deduplicated on (person, role, unit) with the first evidence kept.

    `tokens` are the document's jieba words when the caller has them (they are sliced per sentence)."""
    starts = [t.start for t in tokens] if tokens is not None else []

    def words(s0: int, s1: int) -> list[Token]:
        if tokens is None:
            return tag(text, s0, s1)
        return [t for t in tokens[bisect_left(starts, s0):bisect_left(starts, s1)] if t.end <= s1]

    fb = FactBuilder(ctx, lex)
    by_start = sorted(persons, key=lambda m: m.start)
    for c in credits:
        if c.role:
            fb.add(Mention(c.start, c.end, c.name), c.role, None, c.rule, c.evidence_start, c.evidence_end, -1,
                   unit_text=c.unit)
    last: Mention | None = None
    profiles = {m.start for m in profile_subjects(text)}
    profile: Mention | None = None
    for sent_idx, (s0, s1) in enumerate(sentences(text)):
        people = [p for p in by_start if s0 <= p.start < s1]
        if last is not None and "\n" in text[last.end:s0]:
            last = None
        if profile is not None and "\n" in text[profile.end:s0]:
            profile = None
        if people and people[0].start in profiles:
            profile = people[0]
        if not people:
            if profile is not None:
                post_verb_facts(text, s0, s1, [profile], words(s0, s1), sent_idx, fb, antecedent=True)
            elif last is not None and pronoun_subject(text, s0, s1):
                post_verb_facts(text, s0, s1, [last], words(s0, s1), sent_idx, fb, antecedent=True)
            continue
        last = people[-1]
        sentence_words = words(s0, s1)
        shared_post_facts(text, s0, s1, sentence_words, sent_idx, fb)
        listed: dict[int, list[Fact]] = {}
        for p in people:
            n_before = len(fb.facts)
            _facts_of_mention(text, p, s0, s1, sentence_words, sent_idx, fb, people)
            workplace_facts(text, p, s1, sent_idx, fb, n_before)
            own = fb.facts[n_before:]
            if own:
                listed[p.end] = [f for f in own if f.rule in ("apposition", "listed")]
            elif p.start > 0 and text[p.start - 1] == grammar.LIST_SEP and listed.get(p.start - 1):
                listed[p.end] = listed_facts(p, listed[p.start - 1], sent_idx, fb)
        profile_facts(text, s0, people, sent_idx, fb)
        post_verb_facts(text, s0, s1, people, sentence_words, sent_idx, fb)
        appointment_facts(text, s0, s1, people, sent_idx, fb)
    return dedupe(fb.facts)


def _facts_of_mention(text: str, p: Mention, s0: int, s1: int, tokens: list[Token], sent_idx: int,
                      fb: FactBuilder, people: list[Mention] = ()) -> None:
    """The facts written around one name, by the first rule that reads it: titles before the name,
    a post in brackets after it, a title or 同志 after it, or `是…的一名[title]`."""
    if apposition_facts(text, p, s0, tokens, sent_idx, fb, people):
        return
    if parenthetical_facts(text, p, s1, sent_idx, fb):
        return
    if title_after_facts(text, p, s0, s1, tokens, sent_idx, fb):
        return
    copula_facts(text, p, s1, sent_idx, fb)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as the rules see them (。！？ and line breaks)."""
    out, start = [], 0
    for m in grammar.SENTENCE_END.finditer(text):
        if m.end() > start:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out
