"""profile: `[name]，[unit][title]、[title]，…` opening a line, and the subject of a personnel profile.

Personnel notices (任前公示) open a paragraph with the person: `杨某某，男，汉族，1973年12月出生…`
(`profile_subjects`: later sentences of the paragraph without a name are about them, see
`extract_facts`), or with the post straight after the name: `李某，某集团原党组成员、副总经理，曾任…`.
"""

from __future__ import annotations

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import role_ending_at
from zhkg.ner.rules.facts import FactBuilder, Mention
from zhkg.ner.rules.post_verb import post_titles


def profile_subjects(text: str) -> list[Mention]:
    """`杨某某，男，汉族，1973年12月出生…` at a line start: the person the profile is about (padded
    two-character names, `王  青`, are joined)."""
    out = []
    for m in grammar.PROFILE.finditer(text):
        name = "".join(m.group(1).split())
        if 2 <= len(name) <= 4:
            out.append(Mention(m.start(1), m.end(1), name))
    return out


def profile_facts(text: str, s0: int, people: list[Mention], sent_idx: int, fb: FactBuilder) -> None:
    """`李某，某集团原党组成员、副总经理，曾任…` opening a line: the clause after the name is its post."""
    m = grammar.COMMA_PROFILE.match(text, s0)
    if not m or not people or people[0].start != m.start(1) or people[0].end != m.end(1):
        return
    o0, o1 = m.start(2), m.end(2)
    if role_ending_at(text, o1, fb.lex) is None:
        return
    post_titles(text, o0, o1, people[0], people[0].start, o1, sent_idx, "current", fb, rule="profile")
