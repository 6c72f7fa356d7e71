"""The records every rule writes: a person's mention, a fact, and the builder that resolves units.

`FactBuilder.add` is where all rules meet: it drops non-posts, resolves the unit against the
document (`ner/rules/units.py`, anaphora need the order facts are found in), finds the city and scores
the fact with the rule's `CONFIDENCE`. `dedupe` keeps one fact per (person, role, unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import Lexicons
from zhkg.ner.rules.units import DocContext, city_of_unit, resolve_unit, strip_status

# How far each rule is trusted, by the `rule` name written in facts.jsonl; a fact with no unit
# loses 0.15 (bylines excepted).
CONFIDENCE = {"apposition": 0.9, "title_after": 0.8, "copula": 0.85, "post_verb": 0.8, "shared_post": 0.7,
              "byline": 0.95, "workplace": 0.75, "contact": 0.9, "listed": 0.8, "parenthetical": 0.85, "appointment": 0.85, "profile": 0.85}

# Characters no reader sees but every program compares: format characters (Unicode Cf: zero-width
# spaces and joiners, bidi embeddings, overrides and isolates, U+FEFF, soft hyphen, tags), controls
# that are not whitespace (ESC, BS, DEL, C1 such as U+009B CSI), lone surrogates and noncharacters.
# Left in, `王\u200b杰` is a second 王杰 and a name printed by `zhkg query` can reset the terminal.
# The ranges are Unicode 15's Cf; tests/test_security_facts.py checks them against the running Python.
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(1, 17))
_CONTROLS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff"
_WHITE_CONTROLS = "\t\n\x0b\x0c\r\x1c-\x1f\x85"
# What the text loses before it is tagged (whitespace controls stay: they still part sentences) ...
INVISIBLE = re.compile(f"[{_FORMAT}{_NONCHARACTERS}{_CONTROLS}]+")
# ... and what a value (a person, role, unit or city) loses: those and every other control too.
_NOT_IN_VALUES = re.compile(f"[{_FORMAT}{_NONCHARACTERS}{_CONTROLS}{_WHITE_CONTROLS}]+")


def visible(value: str) -> str:
    """`value` without the characters above; offsets into the text are left as they were, so the
    original text sliced by a fact's offsets is its value once those characters are taken out."""
    return _NOT_IN_VALUES.sub("", value)


@dataclass
class Mention:
    start: int
    end: int
    name: str


@dataclass
class Fact:
    person: str
    role: str | None
    unit: str | None
    city: str | None
    status: str
    rule: str
    start: int
    end: int
    person_start: int
    person_end: int
    sentence: int
    confidence: float
    unit_start: int = -1
    unit_end: int = -1
    city_key: str = ""  # the gazetteer key: the official code, or the project's id where there is none

    def __post_init__(self) -> None:
        """Every fact, whichever rule made it and however (`FactBuilder.add`, `lists.listed_facts`),
        holds visible values only; a value nothing is left of is no value."""
        self.person = visible(self.person)
        self.role, self.unit, self.city = (visible(v) or None if v is not None else None
                                           for v in (self.role, self.unit, self.city))


class FactBuilder:
    """Collects facts for one document, resolving units as it goes (anaphora need the order)."""

    def __init__(self, ctx: DocContext, lex: Lexicons):
        self.ctx, self.lex = ctx, lex
        self.facts: list[Fact] = []

    def shared_unit_before(self, pos: int):
        """护士长王丽、护士赵晓燕: a title right after `name、` shares the unit of that name's post."""
        text = self.ctx.text
        if pos < 1 or text[pos - 1] != grammar.LIST_SEP:
            return None
        name_end = pos - 1
        rank = next((r for r in grammar.RANKS if text.startswith(r, name_end - len(r))), "")
        for f in reversed(self.facts):
            if f.person_end in (name_end, name_end - len(rank)) and f.unit and f.rule == "apposition" \
                    and f.unit_start >= 0:
                return (f.unit_start, f.unit_end), f.unit, pos  # 指挥官吕某中将、政战主任王某: one unit
        return None

    def add(self, p: Mention, role: str | None, unit_span: tuple[int, int] | None, rule: str, start: int,
            end: int, sentence: int, status: str = "current", unit_text: str | None = None) -> Fact | None:
        if role in grammar.NOT_POSTS or role and role.endswith(grammar.HONORIFICS):
            return None  # 党员, 代表, 工艺大师: no post in a unit
        if role and role[:1] in "原前" and (role[1:] in self.lex.roles or role[1:2] in grammar.RANK_PREFIXES
                                           and role[2:] in self.lex.roles):
            role, status = role[1:], "former"  # 原副巡视员 (the lexicon holds some titles with the marker)
        if role in grammar.UNIT_BOUND_ROLES and unit_span is None and not unit_text and rule != "byline":
            return None  # 基层干部张三: a cadre of no named unit is no fact
        unit = unit_text if unit_text is not None else (self.ctx.text[unit_span[0]:unit_span[1]] if unit_span else None)
        unit = visible(unit) if unit is not None else None  # resolved, and kept for anaphora, as a reader sees it
        organ = next((o for o in grammar.PARTY_ORGANS if (unit or "").endswith(o)), None)
        if role == "成员" and organ:
            role = organ[-2:] + role  # …党组|成员: the post is 党组成员
        pos = unit_span[0] if unit_span else start
        if unit:
            unit, former = strip_status(unit, self.lex)
            status = "former" if former else status
            unit = resolve_unit(unit, pos, self.ctx, self.lex)
            self.ctx.units.append((pos, unit))
        elif role and rule != "byline":
            unit = self.ctx.place_headed_by(role, pos) or self.ctx.unit_headed_by(role, pos, self.lex)
        if unit is None and role and _heads_a_unit(role, self.lex):
            return None  # 局长林某 with no bureau named or implied: half a fact, which no reader can place
        national = unit is None and role in grammar.NATIONAL_TITLES
        city = None if rule == "byline" or national else city_of_unit(unit, self.ctx)
        fact = Fact(p.name, role, unit, city.name if city else None, status, rule, start, end, p.start, p.end,
                    sentence, CONFIDENCE[rule] - (0.15 if unit is None and rule != "byline" else 0.0),
                    unit_span[0] if unit_span else -1, unit_span[1] if unit_span else -1,
                    city.key if city else "")
        self.facts.append(fact)
        return fact


def dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per (person, role, unit), the first evidence kept; a unit that is the tail of another
    unit of the same person and role (牌头环保所, 诸暨市环保局牌头环保所) is that unit."""
    seen: dict[tuple, Fact] = {}
    for f in facts:
        key = (f.person, f.role, f.unit)
        if key not in seen:
            seen[key] = f
    kept = list(seen.values())
    units = {(f.person, f.role): [] for f in kept}
    for f in kept:
        if f.unit:
            units[(f.person, f.role)].append(f.unit)
    kept = [f for f in kept if not f.unit or not any(u != f.unit and u.endswith(f.unit) and len(f.unit) >= 3
                                                     for u in units[(f.person, f.role)])]
    with_role = {(f.person, f.unit) for f in kept if f.role}
    return [f for f in kept if f.role or (f.person, f.unit) not in with_role]


def _heads_a_unit(role: str, lex) -> bool:
    """局长, 副院长, 党委书记: titles that only exist as the head of a unit (not 市长, whose unit is the
    place; not 记者, 议员, 总统, which stand alone)."""
    head = role.removeprefix("常务").removeprefix("副")
    if head in ("书记", "副书记"):
        return True
    return len(head) == 2 and head[1] == "长" and head[0] in lex.org_suffix_set and head[0] not in "省市县区镇乡村里旗"
