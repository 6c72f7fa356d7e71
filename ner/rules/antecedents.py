"""Who a sentence without a name is about: the antecedent the antecedent-scope rules read.

A personnel profile (`杨某某，男，汉族，…`) goes on for a paragraph without naming its subject again
(`现任…，拟任…`), and a sentence about 他/她 that names a post, or one that opens with a career verb and
leaves its subject out (历任…、…等职), is about the person named just before.
Both hold within a paragraph only: a line break ends them.
"""

from __future__ import annotations

from zhkg.ner.rules.facts import Mention
from zhkg.ner.rules.post_verb import pronoun_subject, zero_subject
from zhkg.ner.rules.profile import profile_subjects


class Antecedents:
    """Walks a document's sentences in order, remembering the profile's subject and the last name."""

    def __init__(self, text: str):
        self.text = text
        self.profiles = {m.start for m in profile_subjects(text)}
        self.last: Mention | None = None
        self.profile: Mention | None = None

    def subject(self, s0: int, s1: int, people: list[Mention]) -> Mention | None:
        """The person the sentence `s0:s1` is about when it names nobody (`people` empty), else None; each
        sentence passes here once, in order."""
        if self.last is not None and "\n" in self.text[self.last.end:s0]:
            self.last = None
        if self.profile is not None and "\n" in self.text[self.profile.end:s0]:
            self.profile = None
        if people:
            if people[0].start in self.profiles:
                self.profile = people[0]
            self.last = people[-1]
            return None
        if self.profile is not None:
            return self.profile
        if self.last is not None and (pronoun_subject(self.text, s0, s1) or zero_subject(self.text, s0)):
            return self.last
        return None
