"""appointment: `选举A、B同志为[unit][title]`, elections, appointments and nominations.

大会选举孙立平、郑海同志为省人大常委会副主任，刘东同志为省高级人民法院院长: in a sentence with a
verb of appointing, each name (or list of names) before `（同志）为` takes the post after it, as new.
"""

from __future__ import annotations

import re

from zhkg.ner.rules import grammar
from zhkg.ner.rules.facts import Mention, Proposals
from zhkg.ner.rules.post_verb import post_object
from zhkg.ner.rules.registry import Sentence, rule

# Verbs of elections and appointments, and the `（同志）为` that introduces the post after a name.
APPOINT = re.compile(r"选举|任命|委任|决定任|提名|推选|聘任|聘请|当选|增补")
APPOINTED_AS = re.compile(r"(?:同志)?为(?!了|主|重点|核心|抓手|目标)")


@rule("appointment", reads="`选举A、B同志为[unit][title]`", scope="sentence", precedence=50, confidence=0.85,
      status="new")
def appointment(s: Sentence) -> Proposals:
    """`选举王某、万某同志为全国人大常委会副委员长，周某同志为最高人民法院院长`: in a sentence that elects,
    appoints or nominates, each name (or list of names) followed by `（同志）为` takes the post after it."""
    text = s.text
    if not APPOINT.search(text, s.start, s.end):
        return
    group: list[Mention] = []
    for p in s.people:
        if group and text[group[-1].end:p.start] != grammar.LIST_SEP:
            group = []
        group.append(p)
        m = APPOINTED_AS.match(text, p.end)
        if not m:
            continue
        o0 = m.end()
        o1 = o0
        while o1 < s.end and text[o1] not in grammar.CLAUSE_PUNCT and text[o1] != grammar.LIST_SEP:
            o1 += 1
        for q in group:
            yield from post_object(s, o0, o1, q, q.start, o1, None)
        group = []
