"""profile: `[name]，[unit][title]、[title]，…` opening a line, and the subject of a personnel profile.

Personnel notices (任前公示) open a paragraph with the person: `杨某某，男，汉族，1973年12月出生…`
(`profile_subjects`: later sentences of the paragraph without a name are about them, see
`antecedents.py`), or with the post straight after the name: `李某，某集团原党组成员、副总经理，曾任…`.
"""

from __future__ import annotations

from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import role_ending_at
from zhkg.ner.rules.facts import Mention, Proposals
from zhkg.ner.rules.persons import bare_name
from zhkg.ner.rules.post_verb import post_titles
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule


def profile_subjects(text: str) -> list[Mention]:
    """`杨某某，男，汉族，1973年12月出生…` at a line start: the person the profile is about (padded
    two-character names, `王  青`, are joined)."""
    out = []
    for m in grammar.PROFILE.finditer(text):
        name = "".join(m.group(1).split())
        if 2 <= len(name) <= 4:
            out.append(Mention(m.start(1), m.end(1), name))
    return out


def profile_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The subject of a personnel profile as written (padding and all), and a bare name opening a line
    whose clause ends with a title (李某，某集团原党组成员、副总经理，…)."""
    for m in profile_subjects(src.text):
        yield m, "layout"
    for m in grammar.COMMA_PROFILE.finditer(src.text):
        name, clause = m.group(1), m.group(2)
        if bare_name(name, src.lex) and len(name) <= 3 and role_ending_at(clause, len(clause), src.lex) is not None:
            yield Mention(m.start(1), m.end(1), name), "pattern"


@rule("profile", reads="`[name]，[unit][title]，…` opening a line", scope="sentence", precedence=30,
      confidence=0.85, names=profile_names)
def profile(s: Sentence) -> Proposals:
    """`李某，某集团原党组成员、副总经理，曾任…` opening a line: the clause after the name is its post."""
    m = grammar.COMMA_PROFILE.match(s.text, s.start)
    people = s.people
    if not m or not people or people[0].start != m.start(1) or people[0].end != m.end(1):
        return
    o0, o1 = m.start(2), m.end(2)
    if role_ending_at(s.text, o1, s.lex) is None:
        return
    yield from post_titles(s, o0, o1, people[0], people[0].start, o1, "current")
