"""The records the rules share: a person's mention, a rule's proposal, a fact, and the builder.

Rules propose (`Proposal`, `SharedPost`); `FactBuilder.add` is the one place where a proposal becomes a
fact: it drops non-posts, resolves the unit against the document (`ner/rules/units.py`, anaphora need the
order facts are found in), finds the city and scores the fact with the rule's confidence, reading the
rule's properties from the registry (`ner/rules/registry.py`). `dedupe` keeps one fact per (person, role,
unit).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace

import jieba

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import CJK, Lexicons
from zhkg.ner.rules.registry import Rule, rule_named
from zhkg.ner.rules.units import DocContext, city_of_unit, leading_words, resolve_unit, strip_status
from zhkg.ner.text.visible import visible

MIN_UNIT_CHARS = 2  # a unit's name has two characters or more
CURRENT = "current"  # the status of a post the text marks no other way
# A fact with no unit, of a rule whose posts are held in units, is trusted this much less.
NO_UNIT_PENALTY = 0.15
# Conjunctions that join two [title][name] items of one unit (会长甲及理事长乙), as 、 does.
SHARED_UNIT_JOINERS = ("以及", "及", "和", "与")

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
        """Every fact, however it was made (a resolved proposal, a shared post), holds visible values only;
        a value nothing is left of is no value."""
        self.person = visible(self.person)
        self.role, self.unit, self.city = (visible(v) or None if v is not None else None
                                           for v in (self.role, self.unit, self.city))


@dataclass(frozen=True)
class Proposal:
    """A post a rule read: the builder decides whether it is a fact and what its unit means. `unit` is the
    unit's span in the text, `unit_text` a unit the rule wrote out itself (a credit's site, a shared
    unit); `status` None is the rule's own; `supersedes` are facts this one replaces (a rule that
    declares `supersedes` only)."""

    person: Mention
    role: str | None
    unit: tuple[int, int] | None
    start: int
    end: int
    sentence: int
    status: str | None = None
    unit_text: str | None = None
    supersedes: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class SharedPost:
    """`市议员王家贞、许至椿`: the post of an earlier fact, shared by another name as it stands (unit and
    city already resolved)."""

    person: Mention
    post: Fact
    end: int
    sentence: int


# What a reader is: a generator of proposals, sent back the fact each became (or None); a mention rule
# returns whether it read the name.
Proposals = Generator["Proposal | SharedPost", "Fact | None", "bool | None"]


class FactBuilder:
    """Collects facts for one document, resolving units as it goes (anaphora need the order)."""

    def __init__(self, ctx: DocContext, lex: Lexicons):
        self.ctx, self.lex = ctx, lex
        self.facts: list[Fact] = []

    def shared_unit_before(self, pos: int, role: str | None = None):
        """护士长王丽、护士赵晓燕, 协进会会长甲及理事长乙: a title right after `name、` (or `name及`) shares the unit
        of that name's post, when its rule lends units."""
        text = self.ctx.text
        sep = next((c for c in (grammar.LIST_SEP, *SHARED_UNIT_JOINERS) if text.startswith(c, pos - len(c))), None)
        if pos < 1 or sep is None or sep != grammar.LIST_SEP \
                and (role is None or not _heads_a_unit(role, self.lex) and role not in grammar.SOCIETY_TITLES):
            return None  # 区长甲和|市议员乙, 面包师甲及|艺人乙: a conjunction joins posts of different bodies
        name_end = pos - len(sep)  # 会长甲|及|理事长乙: joined by a conjunction, only for a title that heads a
        # unit or an association's
        rank = next((r for r in grammar.RANKS if text.startswith(r, name_end - len(r))), "")
        for f in reversed(self.facts):
            if f.person_end in (name_end, name_end - len(rank)) and f.unit and rule_named(f.rule).lends_unit \
                    and f.unit_start >= 0:
                return (f.unit_start, f.unit_end), f.unit, pos  # 指挥官吕某中将、政战主任王某: one unit
        return None

    def add(self, rule: Rule, proposal: Proposal | SharedPost) -> Fact | None:
        """The fact `rule` proposed, or None when it is none."""
        if isinstance(proposal, SharedPost):
            return self._share(rule, proposal)
        if proposal.supersedes:
            if not rule.supersedes:
                raise ValueError(f"rule {rule.name} does not declare that it supersedes facts")
            self.facts = [f for f in self.facts if not any(f is old for old in proposal.supersedes)]
        p, role, unit_span, start, unit_text = (proposal.person, proposal.role, proposal.unit, proposal.start,
                                                proposal.unit_text)
        status = proposal.status or rule.status
        if role in grammar.NOT_POSTS or role in grammar.RANKS or role and role.endswith(grammar.HONORIFICS) \
                or role and role.endswith(grammar.OCCUPATION_ENDINGS) and not role.endswith(grammar.KEPT_OCCUPATIONS):
            return None  # 党员, 代表, 工艺大师: no post in a unit; 少校, 一级警监: a rank; 书法家: an occupation (GUIDE)
        verb = next((v for v in grammar.POST_VERBS if role and role.startswith(v) and _is_title(role[len(v):], self.lex)), None)
        if verb:
            role = role[len(verb):]  # 公会|担任理事长: the lexicon holds some titles with their verb
        if role and role[:1] in grammar.STATUS_MARKERS and _is_title(role[1:], self.lex):
            role, status = role[1:], grammar.STATUS_OF[role[:1]]  # 原副巡视员: the lexicon holds some with it
        acting = next((a for a in grammar.ACTING_PREFIXES if role and role.startswith(a)), None)
        if acting and _is_title(role[len(acting):], self.lex):
            status = "acting"  # 代理局长: held as acting, the role as written
        if role in grammar.UNIT_BOUND_ROLES and unit_span is None and not unit_text and rule.needs_unit:
            return None  # 基层干部张三: a cadre of no named unit is no fact
        unit = unit_text if unit_text is not None else (self.ctx.text[unit_span[0]:unit_span[1]] if unit_span else None)
        unit = visible(unit) if unit is not None else None  # resolved, and kept for anaphora, as a reader sees it
        if unit is not None:
            lead = max(leading_words(unit), _after_chain_break(unit, self.lex), _after_particle(unit))
            unit = unit[lead:] if lead else unit
            unit_span = (unit_span[0] + lead, unit_span[1]) if unit_span and lead else unit_span
            if unit.startswith(grammar.DEPUTY_PREFIXES) or unit in grammar.OCCASION_WORDS:
                unit = unit_span = None  # 副市|长: a deputy's mark opens a title, never a unit's name; 现场 names none
        role, unit = abbreviated_unit(role, unit, self.lex)
        organ = next((o for o in grammar.PARTY_ORGANS if (unit or "").endswith(o)), None)
        if organ and grammar.ORGAN_MEMBER_TITLES.get(organ[-2:]) == role:
            role = organ[-2:] + role  # …党组|成员, …党委|委员: the post is 党组成员, 党委委员
        pos = unit_span[0] if unit_span else start
        if unit:
            unit, former = strip_status(unit, self.lex)
            status = "former" if former else status
            unit = resolve_unit(unit, pos, self.ctx, self.lex) or None
            if unit is not None and len(unit) < MIN_UNIT_CHARS:
                unit = None  # 本部 with no unit named before it: 部 alone names nothing
            if unit is not None:
                self.ctx.units.append((pos, unit))
        elif role and rule.needs_unit:
            unit = self.ctx.place_headed_by(role, pos) or self.ctx.unit_headed_by(role, pos, self.lex) \
                or self.ctx.company_for(role, pos, self.lex) or self.ctx.society_for(role, pos, self.lex) \
                or self._principals_unit(role, proposal.sentence) or self._implied_unit(role)
        if unit is None and role and _heads_a_unit(role, self.lex):
            return None  # 局长林某 with no bureau named or implied: half a fact, which no reader can place
        national = unit is None and role in grammar.NATIONAL_TITLES
        city = None if not rule.locates_city or national else city_of_unit(unit, self.ctx)
        penalty = NO_UNIT_PENALTY if unit is None and rule.needs_unit else 0.0
        fact = Fact(p.name, role, unit, city.name if city else None, status, rule.name, start, proposal.end, p.start,
                    p.end, proposal.sentence, rule.confidence - penalty,
                    unit_span[0] if unit_span else -1, unit_span[1] if unit_span else -1, city.key if city else "")
        self.facts.append(fact)
        return fact

    def _implied_unit(self, role: str) -> str | None:
        """张某委员长 in an article about the national people's congress: a title that only one national
        body has (`implied_unit`), when the article names that body (全国人大); never on the title alone
        (other states have a 委员长 too)."""
        implied = grammar.IMPLIED_UNITS.get(role)
        if implied is None:
            return None
        unit, *names = implied.split("|")
        return unit if ANY_ARTICLE in names or any(n in self.ctx.text for n in (unit, *names)) else None

    def _principals_unit(self, role: str, sentence: int) -> str | None:
        """副主任某某 with no unit, in a sentence that named the 主任 of one unit before (…常委会主任甲主持，
        副主任乙、丙出席): the deputies are that unit's."""
        principal = grammar.without_deputy(role)
        if principal == role or sentence < 0:
            return None
        units = {f.unit for f in self.facts if f.sentence == sentence and f.role == principal and f.unit}
        return units.pop() if len(units) == 1 else None

    def _share(self, rule: Rule, proposal: SharedPost) -> Fact:
        """The shared post as it stands, trusted as far as the sharing rule is."""
        p, f = proposal.person, proposal.post
        fact = Fact(p.name, f.role, f.unit, f.city, f.status, rule.name, f.start, proposal.end, p.start, p.end,
                    proposal.sentence, rule.confidence, f.unit_start, f.unit_end, f.city_key)
        self.facts.append(fact)
        return fact


ANY_ARTICLE = "*"  # an implied unit's names: the title means the body in every article


def placed(facts: list[Fact]) -> list[Fact]:
    """The facts a reader can place: 教授李某, 民警张某 with no unit named or implied say half a fact and are
    left out once the document is read (a later rule may still give the unit: 护士某某…到某医院工作); a post
    that stands alone (市议员, 总书记, 记者: `_unit_free`) or a rule's that needs no unit stays; a name with
    neither a title nor a unit (甲、乙等4名志工) holds no post."""
    return [f for f in facts if f.unit or f.role and (not rule_named(f.rule).needs_unit or _unit_free(f.role))]


def dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per (person, role, unit), the first evidence kept (with the status another mention states,
    where the first states none: 新任, 原, 代理 say more than a bare title); a unit that is the tail of another
    unit of the same person and role (牌头环保所, 诸暨市环保局牌头环保所) is that unit, with the status said
    of it, and a post without
    a unit is dropped where the same person holds that title in a unit or, unit-less too, with its level
    written before it (议员 beside 市议员)."""
    seen: dict[tuple, Fact] = {}
    for f in facts:
        key = (f.person, f.role, f.unit)
        if key not in seen:
            seen[key] = f
        elif seen[key].status == CURRENT and f.status != CURRENT:
            seen[key] = replace(seen[key], status=f.status)  # 研考会主委某某 … 某某将出任研考会主委: new
    kept = list(seen.values())
    units = {(f.person, f.role): [] for f in kept}
    for f in kept:
        if f.unit:
            units[(f.person, f.role)].append(f.unit)

    tails = [f for f in kept if f.unit and len(f.unit) >= 3
             and any(u != f.unit and u.endswith(f.unit) for u in units[(f.person, f.role)])]
    told = [t for t in tails if t.status != CURRENT and rule_named(t.rule).status != CURRENT]

    def status(f: Fact) -> str:
        """保安镇学区主任 … 免去保安镇学区主任职务: the status a rule of ended (or new) posts gives the unit's tail
        is the whole unit's (not 任…期间's, which may only date the post)."""
        if f.status != CURRENT or not f.unit:
            return f.status
        return next((t.status for t in told if (t.person, t.role) == (f.person, f.role) and f.unit.endswith(t.unit)),
                    f.status)

    tail_ids = {id(t) for t in tails}
    kept = [replace(f, status=status(f)) for f in kept if id(f) not in tail_ids]
    with_role = {(f.person, f.unit) for f in kept if f.role}
    with_unit = {(f.person, f.role) for f in kept if f.unit}  # 股长 of 心理健康科 says all 股长 alone does
    # 议员 beside 市议员 of the same person, neither with a unit: one post, the title with its level kept
    leveled = {(f.person, f.role[1:]) for f in kept if f.role and not f.unit and f.role[0] in grammar.DIVISION_CHARS}
    return [f for f in kept if (f.role or (f.person, f.unit) not in with_role)
            and (f.unit or (f.person, f.role) not in with_unit and (f.person, f.role) not in leveled)]


def _unit_free(role: str) -> bool:
    """A post that stands without a unit: an elected member's (市议员, 立委), a country's (总书记), a credit's
    (记者, 通讯员, 联络人)."""
    return role.endswith((*grammar.UNIT_FREE_TITLES, *grammar.BYLINE_ROLES)) or role in grammar.NATIONAL_TITLES \
        or role in grammar.CONTACT_ROLES


def _after_particle(unit: str) -> int:
    """一项目的|县委, 所在的|村委会: a unit's name runs across no possessive 的 (a phrase ends there); 0
    when there is none or too little would be left."""
    cut = unit.rfind(grammar.POSSESSIVE) + 1
    return cut if 0 < cut <= len(unit) - 2 else 0


def _after_chain_break(unit: str, lex: Lexicons) -> int:
    """Where a unit starts after a verb no unit's name runs across (…吴某将接任|外交部): 0 when there is
    none, or when what follows it does not end like a unit."""
    cut = max((unit.rfind(w) + len(w) for w in grammar.CHAIN_BREAK if len(w) >= 2 and w in unit), default=0)
    return cut if cut and len(unit) - cut >= 2 and lex.ends_like_unit(unit[cut:]) else 0


def abbreviated_unit(role: str | None, unit: str | None, lex: Lexicons) -> tuple[str | None, str | None]:
    """A title that carries its unit's short name (本局|麻豆分局长, 都发局长, 防治科长): the title is the
    head's (分局长), the short name joins the unit (本局麻豆分局); a unit cut before the head's word
    (警察局佳里|分局长) gets it back. Not for the heads of divisions (区长, 市长: the place is the unit's
    name, read elsewhere) and not for a title the lexicon holds whole."""
    if not role or role in lex.roles:
        return _unit_word_restored(role, unit, lex)
    for k in range(1, len(role) - 1):  # 甲|分局长 (本局学甲分局长, read as 本局学 + 甲分局长) from one character on
        head = role[k:]
        word = grammar.without_head_prefixes(head)[:-len(grammar.HEAD_TITLE_ENDING)]
        short = role[:k]
        if short.endswith(grammar.NOT_ABBREVIATION_STARTS):
            continue  # 党校|常务|副校长: the modifier is the title's
        if k == 1 and role[:2] in jieba.dt.FREQ:
            continue  # 值|班组长: one character never splits a dictionary word (值班) off the title
        if head in lex.roles and head.endswith(grammar.HEAD_TITLE_ENDING) and word and lex.ends_like_unit(word) \
                and head not in grammar.TEAM_TITLES \
                and word[-1] not in grammar.ANY_DIVISION_CHARS and CJK.match(short) \
                and not short.startswith(grammar.NOT_ABBREVIATION_STARTS):
            named = short if short.endswith(word) else short + word  # 农业局|局长, 组织部|副部长: the unit is whole
            return head, (unit or "") + named
    return role, unit


def _unit_word_restored(role: str | None, unit: str | None, lex: Lexicons) -> tuple[str | None, str | None]:
    """警察局佳里|分局长: a sub-unit's head (分局长, 大队长) right after a unit that does not end with its
    word names the sub-unit whose name the title began (佳里分局)."""
    if not role or not unit or not role.endswith(grammar.HEAD_TITLE_ENDING):
        return role, unit
    word = role[:-len(grammar.HEAD_TITLE_ENDING)]
    if len(word) >= 2 and word[-1] not in grammar.ANY_DIVISION_CHARS and word in lex.org_suffix_set \
            and not unit.endswith(word) and not word.startswith(grammar.NOT_ABBREVIATION_STARTS):
        return role, unit + word
    return role, unit


def _is_title(text: str, lex: Lexicons) -> bool:
    """A title of the lexicon, with a rank before it or not (局长, 副局长)."""
    return text in lex.roles or text[:1] in grammar.RANK_PREFIXES and text[1:] in lex.roles


def _heads_a_unit(role: str, lex) -> bool:
    """局长, 副院长, 党委书记: titles that only exist as the head of a unit (not 市长, whose unit is the
    place; not 记者, 议员, 总统, which stand alone)."""
    head = grammar.without_head_prefixes(role)
    if head in grammar.UNIT_HEAD_TITLES:
        return True
    unit_char = grammar.head_of(head)
    return bool(unit_char) and unit_char in lex.org_suffix_set and unit_char not in grammar.ANY_DIVISION_CHARS
