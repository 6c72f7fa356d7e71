"""removal: `免去[name]（同志）的[unit][title]、[title]职务`, posts a notice ends.

免去张某的浙江某某集团有限公司党委副书记、副董事长、总经理职务: the name right after the removing verb
holds each post listed up to the post word (职务) that closes the object, as former; 免去其…职务 after a
clause about a name (甲任…局长，免去其…职务) is that name's, and so is 免去…职务 with no name, chained
to that clause (甲受到…处分、免去…职务). The verbs are data
(`removal_verb` in ner/data/words/posts.tsv); the object must close with a post word, so 免去费用 or
免去了一场误会 is no removal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import CJK, surname_length
from zhkg.ner.rules.facts import Mention, Proposals
from zhkg.ner.rules.post_verb import post_titles
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

_VERB = "|".join(map(re.escape, grammar.REMOVAL_VERBS))
_CLOSING = "|".join(map(re.escape, grammar.POST_WORDS))
VERB = re.compile(_VERB)
# What joins a removal to the clause before it whose subject it shares (受到…处分、免去…职务).
SUBJECT_CHAIN = "、，,"
# 免去|张某某|（同志）的: where the name is bounded by what follows it, the pattern names it.
BOUNDED_NAME = re.compile(rf"([\u4e00-\u9fff]{{2,4}}?)(?:{grammar.COMRADE}{grammar.POSSESSIVE}?|{grammar.POSSESSIVE})")
_OBJECT = re.compile(rf"(?:{grammar.COMRADE})?{grammar.POSSESSIVE}?([^，,。；;！？!?\n]{{2,80}}?)(?:{_CLOSING})")


def removal_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The name right after each removing verb, when 同志 or 的 closes it."""
    for v in VERB.finditer(src.text):
        m = BOUNDED_NAME.match(src.text, v.end())
        if m and _OBJECT.match(src.text, m.end(1)):
            name = m.group(1)
            given = len(name) - surname_length(name, 0, src.lex)
            if CJK.fullmatch(name) and 1 <= given <= 2 and given < len(name):
                yield Mention(m.start(1), m.end(1), name), "pattern"


@rule("removal", reads="`免去[name]的[unit][title]、[title]职务`", scope="sentence", precedence=42,
      confidence=0.85, status="former", names=removal_names)
def removal(s: Sentence) -> Proposals:
    """Each post of the object, held by the name after the verb, as former."""
    text = s.text
    for v in VERB.finditer(text, s.start, s.end):
        p = next((q for q in s.people if q.start == v.end()), None)
        obj = p.end if p else None
        if p is None and text.startswith(grammar.OBJECT_PRONOUN, v.end()):
            before = [q for q in s.people if q.end <= v.start()]  # 甲任…，免去其…职务: 其 is the clause's subject
            p, obj = (before[-1], v.end() + len(grammar.OBJECT_PRONOUN)) if before else (None, None)
        elif p is None and text[v.start() - 1:v.start()] in SUBJECT_CHAIN:
            before = [q for q in s.people if q.end <= v.start()]  # 甲受到…处分、免去…职务: the subject's own post
            p, obj = (before[-1], v.end()) if before else (None, None)
        m = _OBJECT.match(text, obj, s.end) if p else None
        if m:
            yield from post_titles(s, m.start(1), m.end(1), p, p.start, m.end(1), None)
