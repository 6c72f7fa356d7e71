"""Relation rules: from tagged names, titles and places to person–role–unit–city facts.

Each rule is one way Chinese news states that someone holds a post, registered in its own module
(`registry.rule`) under the name the `rule` field of facts.jsonl gives it. The table of rules, with one
example each, is generated from the registry and the examples in `ner/data/rules/`:
`python -m zhkg.ner.rules --table` (the README shows it; a test keeps the two equal).

`facts.py` holds what they share: `Mention`, the `Proposal` a rule yields, `Fact`, `FactBuilder` (units
are resolved against the document as facts are added, see `ner/rules/units.py`) and `dedupe`;
`antecedents.py` tells who a sentence without a name is about. Offsets are in the normalized text; the
caller maps them back to the original.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from bisect import bisect_left

from zhkg.ner.rules import grammar  # also imported from here by the components
from zhkg.ner.rules.antecedents import Antecedents
from zhkg.ner.rules.chains import Lexicons, Token, tag
from zhkg.ner.rules.credits import Credit
from zhkg.ner.rules.facts import Fact, FactBuilder, Mention, Proposals, dedupe, placed
from zhkg.ner.rules.registry import RULES, Rule, Sentence, in_scope, rule_named, sentence_stages
from zhkg.ner.rules.units import DocContext

# Every module of this package is imported here, so the rule modules register their rules without being
# named anywhere: a new rule is its module (or a function in one) and its examples, nothing else.
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["RULES", "Fact", "FactBuilder", "Mention", "extract_facts", "sentences"]


def extract_facts(text: str, persons: list[Mention], credits: list[Credit], ctx: DocContext,
                  lex: Lexicons, tokens: list[Token] | None = None) -> list[Fact]:
    """All facts of one document, deduplicated on (person, role, unit) with the first evidence kept.

    The registry runs in scope order: each credit through its rule, then sentence by sentence the
    sentence and mention rules by precedence (or, in a sentence naming nobody, the antecedent rules).
    `tokens` are the document's jieba words when the caller has them (they are sliced per sentence)."""
    starts = [t.start for t in tokens] if tokens is not None else []

    def words(s0: int, s1: int) -> list[Token]:
        if tokens is None:
            return tag(text, s0, s1)
        return [t for t in tokens[bisect_left(starts, s0):bisect_left(starts, s1)] if t.end <= s1]

    fb = FactBuilder(ctx, lex)
    for c in credits:
        if c.role:
            credit_rule = rule_named(c.rule)
            _run(credit_rule, credit_rule.propose(c), fb)
    stages, antecedent_rules = sentence_stages(), in_scope("antecedent")
    antecedents = Antecedents(text)
    by_start = sorted(persons, key=lambda m: m.start)
    for sent_idx, (s0, s1) in enumerate(sentences(text)):
        if navigation(text[s0:s1]):
            continue
        people = [p for p in by_start if s0 <= p.start < s1]
        subject = antecedents.subject(s0, s1, people)
        if subject is not None:
            s = Sentence(text, s0, s1, sent_idx, [subject], words(s0, s1), lex, fb.shared_unit_before, subject)
            for rule in antecedent_rules:
                _run(rule, rule.propose(s), fb)
        if not people:
            continue
        s = Sentence(text, s0, s1, sent_idx, people, words(s0, s1), lex, fb.shared_unit_before)
        for scope, rules in stages:
            if scope == "sentence":
                for rule in rules:
                    _run(rule, rule.propose(s), fb)
                continue
            for p in people:
                _read_mention(s, p, rules, fb)
    return dedupe(placed(fb.facts))


def _read_mention(s: Sentence, p: Mention, rules: list[Rule], fb: FactBuilder) -> None:
    """One name through the mention rules: of the exclusive ones the first that reads it wins, the others
    see what was made for it so far; what it ends with is kept for the names listed after it."""
    mark = len(fb.facts)
    read = False
    for rule in rules:
        if rule.exclusive and read:
            continue
        got = _run(rule, rule.propose(s, p, fb.facts[mark:]), fb)
        read = read or rule.exclusive and bool(got)
    s.posts[p.end] = fb.facts[mark:]


def _run(rule: Rule, proposals: Proposals, fb: FactBuilder) -> bool | None:
    """Each proposal through `FactBuilder.add` as soon as it is made, its fact sent back to the rule; the
    rule's return value."""
    try:
        proposal = next(proposals)
        while True:
            proposal = proposals.send(fb.add(rule, proposal))
    except StopIteration as done:
        return done.value


# A saved page's menu: a line of short items parted by tabs (市政資訊\t\t市長施政總報告\t\t法規查詢).
_MENU_ITEM_CHARS = 12
_MENU_ITEMS = 4
_TAB_RUN = re.compile(r"\t+")
_SENTENCE_PUNCT = re.compile("[，,。；;！？]")


def navigation(line: str) -> bool:
    """A line of a page's menu, with no sentence in it: it states no post (市長施政總報告 is a menu item,
    not 市長 施政總)."""
    items = [i.strip() for i in _TAB_RUN.split(line) if i.strip()]
    return len(items) >= _MENU_ITEMS and all(len(i) <= _MENU_ITEM_CHARS for i in items) \
        and not _SENTENCE_PUNCT.search(line)


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
