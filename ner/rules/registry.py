"""The rule registry: each way news states a post, declared once, next to the code that reads it.

A rule module registers its reader with `@rule(...)` (as spaCy's registries do), saying what it reads, how
far it is trusted and what a fact of it means (the properties `FactBuilder.add` reads by the fact's rule
name, instead of branching on names). `extract_facts` runs the registry by scope and precedence;
`persons.find_persons` asks each rule for the names its pattern places; the README's table is written
from it (`python -m zhkg.ner.rules --table`); each rule's examples are rows of `ner/data/rules/<name>.tsv`
that one test runs.

A reader never makes a fact: it yields proposals (`facts.Proposal`, `facts.SharedPost`), the orchestrator
hands each to `FactBuilder.add` at once and sends the fact (or None) back, so units resolve against the
document in the order they are written, as the anaphora (该院, a bare 局长) need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from zhkg.ner.rules.chains import Lexicons, Token
    from zhkg.ner.rules.facts import Fact, Mention

# Where a rule looks:
# - document: one credit the page's layout gives (`credits.find_credits`), in the order found;
# - sentence: a whole sentence with the names in it;
# - mention: one name of a sentence, with the facts the rules before it made for that name;
# - antecedent: a sentence with no name, about the profile's subject or the person 他/她 refers to.
Scope = Literal["document", "sentence", "mention", "antecedent"]
SCOPES: tuple[Scope, ...] = ("document", "sentence", "mention", "antecedent")


@dataclass(frozen=True)
class Rule:
    """One way news states a post.

    `precedence` orders the sentence and mention rules of a sentence (lower first); of the `exclusive`
    mention rules the first that reads a name wins, whether or not the builder keeps its facts; the others
    run after them on what they made. `status` is the status of its facts unless the text says another
    (调任 new, 原 former)."""

    name: str                      # as written in the `rule` field of facts.jsonl
    reads: str                     # the pattern, for the README's table
    scope: tuple[Scope, ...]
    precedence: int
    confidence: float
    propose: Callable = field(repr=False, compare=False)
    needs_unit: bool = True        # a post held in a unit: a bare title takes the unit the article implies,
    #                                a cadre (干部) of no unit is no fact, a fact left without unit counts less
    locates_city: bool = True      # its unit places the fact in a city
    lends_unit: bool = False       # a bare title after `name、` shares the unit (护士长王丽、护士赵晓燕)
    lends_post: bool = False       # a bare name listed after the name shares the post (市议员王家贞、许至椿)
    supersedes: bool = False       # its fact replaces the facts the mention rules before it made for the name
    exclusive: bool = True         # (mention rules) competes for the name: the first by precedence that reads it wins
    status: str = "current"
    names: Callable | None = field(default=None, repr=False, compare=False)  # NameSource → (Mention, Vouch)

    @property
    def module(self) -> str:
        return self.propose.__module__.rsplit(".", 1)[-1] + ".py"

    def properties(self) -> list[str]:
        """The properties that differ from a plain post, as the README's table names them."""
        out = [] if self.needs_unit else ["no unit needed"]
        out += [] if self.locates_city else ["no city"]
        out += ["lends its unit"] if self.lends_unit else []
        out += ["lends its post"] if self.lends_post else []
        out += ["supersedes"] if self.supersedes else []
        out += [f"status {self.status}"] if self.status != "current" else []
        out += ["finds names"] if self.names else []
        return out


RULES: dict[str, Rule] = {}


def rule(name: str, *, reads: str, scope: Scope | tuple[Scope, ...], confidence: float, precedence: int = 0,
         **properties) -> Callable[[Callable], Callable]:
    """Register the decorated reader as the rule `name`; the reader is returned unchanged, so one reader
    may serve several rules (a byline and a contact are both one credit)."""
    scopes = (scope,) if isinstance(scope, str) else scope
    if not set(scopes) <= set(SCOPES):
        raise ValueError(f"rule {name}: unknown scope {scopes}")

    def register(propose: Callable) -> Callable:
        if name in RULES:
            raise ValueError(f"rule {name} is registered twice")
        RULES[name] = Rule(name, reads, scopes, precedence, confidence, propose, **properties)
        return propose

    return register


def rule_named(name: str) -> Rule:
    return RULES[name]


def in_scope(scope: Scope) -> list[Rule]:
    """The rules of one scope in precedence order."""
    return sorted((r for r in RULES.values() if scope in r.scope), key=lambda r: (r.precedence, r.name))


def sentence_stages() -> list[tuple[Scope, list[Rule]]]:
    """The sentence and mention rules in precedence order, consecutive rules of one scope grouped: a
    sentence group runs once, a mention group runs name by name."""
    ordered = sorted((r for r in RULES.values() if {"sentence", "mention"} & set(r.scope)),
                     key=lambda r: (r.precedence, r.name))
    return [(scope, list(group)) for scope, group in groupby(ordered, key=_stage_scope)]


def _stage_scope(r: Rule) -> Scope:
    return "mention" if "mention" in r.scope else "sentence"


# How far a rule's pattern vouches for a name it proposes: `words` (the name must also fit the words around
# it), `pattern` (the pattern bounds it), `layout` (taken as written, padding and all: a profile's `王  青`).
Vouch = Literal["words", "pattern", "layout"]


@dataclass(frozen=True)
class NameSource:
    """What a rule's `names` reads to propose (mention, vouch) for the names standing where it reads posts
    (`persons.find_persons` asks every rule): the text, the word covering each character, where a surname
    starts."""

    text: str
    lex: Lexicons
    covering: dict[int, Token]
    surname_starts: list[int]


@dataclass
class Sentence:
    """What a sentence or mention rule reads: the sentence, its names and words, and (read only) the
    facts made so far that lend their units or posts."""

    text: str
    start: int
    end: int
    index: int
    people: list[Mention]
    tokens: list[Token]
    lex: Lexicons
    lent_unit: Callable[[int, str | None], tuple | None]  # `FactBuilder.shared_unit_before`
    antecedent: Mention | None = None              # set in the antecedent scope: the sentence is about it
    posts: dict[int, list[Fact]] = field(default_factory=dict)  # facts made for each name, by its end
