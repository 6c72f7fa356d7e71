"""Relation rules: from tagged names, titles and places to person–role–unit–city facts.

Each rule is a way Chinese news states that someone holds a post:
- apposition   `[place][unit…][title]([、][unit][title]…)[name]` (忻府区秀容税务所党支部书记王诚)
- title_after  `[name][title]` for leaders and comrades (习近平总书记, 交通运输局张学军同志)
- copula       `[name]是[unit]的一名[title]`
- post_verb    `[name]…担任/任/兼任/调任/原任/时任[unit][title]`
- shared_post  `[name]、[name]、[name]等3名[title]`: several people, one post, the clause's unit
- byline       `记者 郭文治 孟 航`, `（责编：李思玥、谢龙）`
Units are then resolved against the document (`ner/units.py`).
Offsets are in the normalized text; the caller maps them back to the original.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from zhkg.ner import grammar
from zhkg.ner.chains import (
    CJK,
    Lexicons,
    Token,
    lexicons,
    role_ending_at,
    role_starting_at,
    roles_ending_at,
    split_role,
    surname_length,
    tag,
    unit_and_role,
    unit_ending_at,
)
from zhkg.ner.credits import Credit
from zhkg.ner.units import (
    DocContext,
    city_of_unit,
    department_of,
    head_title,
    resolve_unit,
    strip_status,
    unit_for_title,
)

LIST_NAMES = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4})等(\d+|[一二三四五六七八九十两]+|多|数|几|诸)(名|位|个)")
COPULA = re.compile(r"是([^，。、；！？\n,;]{2,40}?)的(?:一名|一位|一个|名|位)?")
# A post in brackets right after a name, optionally with a time marker: `（时任吉水县县委常委）`.
PAREN_POST = re.compile(r"[（(](时任|原任|曾任|现任|原)?([\u4e00-\u9fff、]{2,40})[）)]")
# Verbs of elections and appointments, and the `（同志）为` that introduces the post after a name.
APPOINT = re.compile(r"选举|任命|决定任|提名|推选|聘任|聘请|当选|增补")
APPOINTED_AS = re.compile(r"(?:同志)?为(?!了|主|重点|核心|抓手|目标)")
WORKPLACE = re.compile(r"(?:到|在|于)([^，。、；！？\n,;]{2,30}?)(?:工作|任职|上班|就职|执勤)")
CONFIDENCE = {"apposition": 0.9, "title_after": 0.8, "copula": 0.85, "post_verb": 0.8, "shared_post": 0.7,
              "byline": 0.95, "workplace": 0.75, "contact": 0.9, "listed": 0.8, "parenthetical": 0.85, "appointment": 0.85, "profile": 0.85}


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


def _status_before(text: str, pos: int) -> tuple[str, int]:
    """A time marker right before `pos` (时任, 原): single-character ones only after a unit or a pause,
    so 草原 or 平原 are not read as 原."""
    lex = lexicons()
    for marker, status in grammar.STATUS_OF.items():
        if text.startswith(marker, pos - len(marker)):
            before = text[max(0, pos - len(marker) - 6):pos - len(marker)]
            if len(marker) > 1 or not before or before[-1] in "，、 \n" or lex.ends_like_unit(before):
                return status, pos - len(marker)
    return "current", pos


def _segment(text: str, j: int, s0: int, tokens: list[Token], lex: Lexicons):
    """The title ending at `j` and the unit before it; of several titles (科主任, 主任) the longest that
    leaves a unit before it, else the longest."""
    best = None
    starts = roles_ending_at(text, j, lex)
    for k, rs in enumerate(starts):
        if rs < s0:
            continue
        if k + 1 < len(starts) and starts[k + 1] == rs + 1 and text[rs] in grammar.DEPARTMENT_HEADS:
            continue  # 科主任 = 科 + 主任: the department's head, the department ends the unit
        if any(len(text[rs:r2]) >= 2 and text[rs:r2] in lex.org_suffix_set and text[rs:r2] not in grammar.PARTY_ORGANS
               for r2 in starts[k + 1:]):
            continue  # 司长办公室|主任: an office written into the title is the unit's end
        head, core = split_role(text[rs:j], lex)
        unit_end = rs + len(head)
        if not head and text[max(s0, rs - 2):rs] in grammar.TITLE_MODIFIERS:
            unit_end = rs = rs - 2  # 分管|副局长: a modifier of the title, not part of the unit
        mod = grammar.MODIFIER.search(text[max(s0, unit_end - 8):unit_end]) if not head else None
        if mod:
            unit_end -= len(mod.group())
        status, unit_end = _status_before(text, unit_end) if not head else ("current", unit_end)
        unit = unit_ending_at(text, unit_end, lex, floor=s0, tokens=tokens) if unit_end > s0 else None
        if unit:
            unit = _with_anaphor(text, unit, s0)
        gap = text[unit[1]:unit_end] if unit else ""
        if not head and not mod and len(gap) == 2 and gap not in grammar.NOT_POSTS and CJK.match(gap) \
                and not any(t.start == unit[1] and t.flag in grammar.STOP_FLAGS | {"m"} for t in tokens):
            core = gap + core  # 主管|护师: a two-character modifier left between unit and title
        elif not head and not mod and gap in grammar.RANK_PREFIXES:
            core = gap + core  # 副|主任医师
        if head and unit is None:
            unit = (rs, rs + len(head))
        if unit is None and not head:
            unit = _anaphor_before(text, unit_end, s0)
        if head_title(core, lex) and (unit is None or not text[unit[0]:unit[1]].endswith(core[0])):
            shared = _shared_head(text, (None, core, rs, status), s0, tokens, lex)
            if shared[0] is not None:
                return shared
        candidate = (unit, core, rs, status)
        if unit is not None:
            return candidate
        best = best or candidate
    return _shared_head(text, best, s0, tokens, lex) if best else None


def _shared_head(text: str, seg, s0: int, tokens: list[Token], lex: Lexicons):
    """经发局长 = 经发局 + 局长: the title's first character also ends the unit's name."""
    _, core, rs, status = seg
    if rs > s0 and (text[rs - 1] in grammar.DEPARTMENT_HEADS or text[rs - 1] in "前原副"):
        return seg  # 保安组|科长, 交通大学|前|校长: the unit is whole before the title
    if core[0] in lex.org_suffix_set and text[rs:rs + len(core)] == core:
        shared = unit_ending_at(text, rs + 1, lex, floor=s0, tokens=tokens)
        if shared is None or shared[0] >= rs - 1:  # 地|政局|长: the document's words cut the unit; read it alone
            shared = unit_ending_at(text, rs + 1, lex, floor=s0)
        if shared and shared[0] < rs - 1 and text[shared[0]] not in "副正总常原代前新":
            if core == "校长" and text[shared[0]:rs].endswith(grammar.SCHOOL_ENDINGS):
                shared = (shared[0], rs)  # 六信高中|校长: the school is whole without the title's 校
            return _with_anaphor(text, shared, s0), core, rs, status
    return seg


def _anaphor_before(text: str, end: int, s0: int) -> tuple[int, int] | None:
    """该局副局长: the whole unit is an anaphor (resolved later against the units named before)."""
    for n in (2, 3, 4):
        if end - n >= s0 and grammar.ANAPHOR.fullmatch(text[end - n:end]):
            return end - n, end
    return None


def _with_anaphor(text: str, unit: tuple[int, int], s0: int) -> tuple[int, int]:
    """该院感染科: jieba reads 该院 as a pronoun, so the unit walk stops after it; take it back."""
    for n in (2, 3, 4):
        start = unit[0] - n
        if start >= s0 and grammar.ANAPHOR.fullmatch(text[start:unit[0]]):
            return start, unit[1]
    return unit


def _apposition(text: str, p: Mention, s0: int, tokens: list[Token], lex: Lexicons, others: list[Mention] = ()):
    """Segments (unit span or None, title, status, segment start) before a name, left to right.

    Titles coordinated with 、 share the name after them, unless another person stands inside the
    earlier one (服务处洪敏博秘书、盐水区长姜家彬: 秘书 is 洪敏博's)."""
    segments = []
    j = p.start
    while j > s0:
        seg = _segment(text, j, s0, tokens, lex)
        if seg is None:
            skip = max((w for w in grammar.NOT_POSTS if text.startswith(w, j - len(w))), key=len, default=None)
            k = j - len(skip) - 1 if skip else -1
            if skip and k > s0 and text[k] == grammar.LIST_SEP and segments:
                j = k
                continue
            break
        unit, core, rs, status = seg
        seg_start = unit[0] if unit else rs
        if segments and any(seg_start <= m.start < j for m in others if m is not p):
            break
        outer, seg_start = _status_before(text, seg_start)
        status = outer if status == "current" else status
        segments.append((unit, core, status, seg_start))
        j = seg_start
        if j - 1 > s0 and text[j - 1] in (grammar.LIST_SEP, "兼"):
            j -= 1
            continue
        break
    segments.reverse()
    return segments


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
        if role in grammar.NOT_POSTS:
            return None
        if role in grammar.UNIT_BOUND_ROLES and unit_span is None and not unit_text and rule != "byline":
            return None  # 基层干部张三: a cadre of no named unit is no fact
        unit_name = unit_text if unit_text is not None else (self.ctx.text[unit_span[0]:unit_span[1]] if unit_span else "")
        organ = next((o for o in grammar.PARTY_ORGANS if unit_name.endswith(o)), None)
        if role == "成员" and organ:
            role = organ[-2:] + role  # …党组|成员: the post is 党组成员
        unit = unit_text if unit_text is not None else (self.ctx.text[unit_span[0]:unit_span[1]] if unit_span else None)
        pos = unit_span[0] if unit_span else start
        if unit:
            unit, former = strip_status(unit, self.lex)
            status = "former" if former else status
            unit = resolve_unit(unit, pos, self.ctx, self.lex)
            self.ctx.units.append((pos, unit))
        elif role and rule != "byline":
            unit = self.ctx.place_headed_by(role, pos) or self.ctx.unit_headed_by(role, pos, self.lex)
        national = unit is None and role in grammar.NATIONAL_TITLES
        city = None if rule == "byline" or national else city_of_unit(unit, self.ctx)
        fact = Fact(p.name, role, unit, city.name if city else None, status, rule, start, end, p.start, p.end,
                    sentence, CONFIDENCE[rule] - (0.15 if unit is None and rule != "byline" else 0.0),
                    unit_span[0] if unit_span else -1, unit_span[1] if unit_span else -1,
                    city.key if city else "")
        self.facts.append(fact)
        return fact


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
    for sent_idx, (s0, s1) in enumerate(_sentences(text)):
        people = [p for p in by_start if s0 <= p.start < s1]
        if last is not None and "\n" in text[last.end:s0]:
            last = None
        if profile is not None and "\n" in text[profile.end:s0]:
            profile = None
        if people and people[0].start in profiles:
            profile = people[0]
        if not people:
            if profile is not None:
                _post_verbs(text, s0, s1, [profile], words(s0, s1), sent_idx, fb, antecedent=True)
            elif last is not None and _pronoun_subject(text, s0, s1):
                _post_verbs(text, s0, s1, [last], words(s0, s1), sent_idx, fb, antecedent=True)
            continue
        last = people[-1]
        sentence_words = words(s0, s1)
        _shared_posts(text, s0, s1, sentence_words, sent_idx, fb)
        listed: dict[int, list[Fact]] = {}
        for p in people:
            n_before = len(fb.facts)
            _facts_of_mention(text, p, s0, s1, sentence_words, sent_idx, fb, people)
            _workplace(text, p, s1, sent_idx, fb, n_before)
            own = fb.facts[n_before:]
            if own:
                listed[p.end] = [f for f in own if f.rule in ("apposition", "listed")]
            elif p.start > 0 and text[p.start - 1] == grammar.LIST_SEP and listed.get(p.start - 1):
                listed[p.end] = _listed(p, listed[p.start - 1], sent_idx, fb)
        _comma_profile(text, s0, people, sent_idx, fb)
        _post_verbs(text, s0, s1, people, sentence_words, sent_idx, fb)
        _appointments(text, s0, s1, people, sent_idx, fb)
    return _dedupe(fb.facts)


def _facts_of_mention(text, p, s0, s1, tokens, sent_idx, fb: FactBuilder, people: list[Mention] = ()) -> None:
    lex = fb.lex
    segments = _apposition(text, p, s0, tokens, lex, people)
    if segments:
        prev_unit = fb.shared_unit_before(segments[0][3]) if segments[0][0] is None else None
        chain_status = "current"
        for unit, role, status, seg_start in segments:
            chain_status = status if status != "current" else chain_status
            status = chain_status
            unit_text = None
            if unit is None and prev_unit is not None:
                unit, unit_text, seg_start = prev_unit
                unit_text = unit_for_title(unit_text, role, fb.lex)
            elif unit is not None and prev_unit is not None and department_of(prev_unit[1], text[unit[0]:unit[1]]):
                unit_text = prev_unit[1] + text[unit[0]:unit[1]]
            fact = fb.add(p, role, unit, "apposition", seg_start, p.end, sent_idx, status, unit_text)
            chain_status = fact.status if fact and fact.status != "current" else chain_status
            prev_unit = (unit, fact.unit, seg_start) if fact and fact.unit else None
        return
    if _parenthetical(text, p, s1, sent_idx, fb):
        return
    after = text[p.end:s1]
    quoted = p.start > s0 and text[p.start - 1] in grammar.NAME_QUOTES \
        and text[p.end:p.end + 1] == grammar.NAME_QUOTES[text[p.start - 1]]
    name_start, name_end = (p.start - 1, p.end + 1) if quoted else (p.start, p.end)  # 基金会「杜某」执行长
    re_end = role_starting_at(text, name_end, lex)
    if re_end is not None:
        unit = unit_ending_at(text, name_start, lex, floor=s0, tokens=tokens)
        unit = unit if unit and unit[1] == name_start and text[name_end:re_end] not in grammar.NATIONAL_TITLES \
            else None
        fb.add(p, text[name_end:re_end], unit, "title_after", unit[0] if unit else p.start, re_end, sent_idx)
        return
    if after.startswith("同志"):
        unit = unit_ending_at(text, p.start, lex, floor=s0, tokens=tokens)
        if unit:
            fb.add(p, None, unit, "title_after", unit[0], p.end + 2, sent_idx)
        return
    m = COPULA.match(after)
    if m:
        role_end = role_starting_at(text, p.end + m.end(), lex)
        obj = m.group(1)
        if role_end is not None and lex.ends_like_unit(obj):
            span = (p.end + m.start(1), p.end + m.end(1))
            fb.add(p, text[p.end + m.end():role_end], span, "copula", p.start, role_end, sent_idx)


def _listed(p: Mention, before: list[Fact], sent_idx: int, fb: FactBuilder) -> list[Fact]:
    """`市议员王家贞、许至椿、陈怡珍`: a bare name listed after a titled one shares its post, unless the
    title is one a unit has a single holder of (市长黄伟哲、叶泽山)."""
    out = []
    for f in before:
        if f.role is None or f.role.endswith(grammar.SINGULAR_HEADS) and not f.role.startswith("副"):
            continue
        fact = Fact(p.name, f.role, f.unit, f.city, f.status, "listed", f.start, p.end, p.start, p.end, sent_idx,
                    CONFIDENCE["listed"], f.unit_start, f.unit_end, f.city_key)
        fb.facts.append(fact)
        out.append(fact)
    return out


def profile_subjects(text: str) -> list[Mention]:
    """`杨某某，男，汉族，1973年12月出生…` at a line start: the person the profile is about (padded
    two-character names, `王  青`, are joined)."""
    out = []
    for m in grammar.PROFILE.finditer(text):
        name = "".join(m.group(1).split())
        if 2 <= len(name) <= 4:
            out.append(Mention(m.start(1), m.end(1), name))
    return out


def _parenthetical(text: str, p: Mention, s1: int, sent_idx: int, fb: FactBuilder) -> bool:
    """`周某某（江西省吉水县文峰小学校长）`, `李某（时任吉水县县委常委）`: the post in brackets right after a
    name, as interviews and case reports introduce people."""
    m = PAREN_POST.match(text, p.end)
    if not m:
        return False
    o0, o1 = m.start(2), m.end(2)
    status = grammar.STATUS_OF.get(m.group(1), "current") if m.group(1) else "current"
    made = False
    part_start = o0
    for part in text[o0:o1].split(grammar.LIST_SEP):
        fact = _post_object(text, part_start, part_start + len(part), p, p.start, m.end(), sent_idx, status, fb,
                            rule="parenthetical")
        made = made or fact is not None
        part_start += len(part) + 1
    return made


def _comma_profile(text: str, s0: int, people: list[Mention], sent_idx: int, fb: FactBuilder) -> None:
    """`李某，某集团原党组成员、副总经理，曾任…` opening a line: the clause after the name is its post."""
    m = grammar.COMMA_PROFILE.match(text, s0)
    if not m or not people or people[0].start != m.start(1) or people[0].end != m.end(1):
        return
    o0, o1 = m.start(2), m.end(2)
    if role_ending_at(text, o1, fb.lex) is None:
        return
    _post_titles(text, o0, o1, people[0], people[0].start, o1, sent_idx, "current", fb, rule="profile")


def _appointments(text: str, s0: int, s1: int, people: list[Mention], sent_idx: int, fb: FactBuilder) -> None:
    """`选举王某、万某同志为全国人大常委会副委员长，周某同志为最高人民法院院长`: in a sentence that elects,
    appoints or nominates, each name (or list of names) followed by `（同志）为` takes the post after it."""
    if not APPOINT.search(text, s0, s1):
        return
    group: list[Mention] = []
    for p in people:
        if group and text[group[-1].end:p.start] != grammar.LIST_SEP:
            group = []
        group.append(p)
        m = APPOINTED_AS.match(text, p.end)
        if not m:
            continue
        o0 = m.end()
        o1 = o0
        while o1 < s1 and text[o1] not in grammar.CLAUSE_PUNCT and text[o1] != grammar.LIST_SEP:
            o1 += 1
        for q in group:
            _post_object(text, o0, o1, q, q.start, o1, sent_idx, "new", fb, rule="appointment")
        group = []


def _pronoun_subject(text: str, s0: int, s1: int) -> bool:
    """A sentence about 他/她 that names a post: its subject is the person named just before."""
    head = text[s0:min(s1, s0 + 6)]
    return ("他" in head or "她" in head) and any(v in text[s0:s1] for v in grammar.POST_VERBS if len(v) == 2)


def _workplace(text, p, s1, sent_idx, fb: FactBuilder, n_before: int) -> None:
    """`22岁的护士魏莹去年到市人民医院感染科工作`: a title without unit, the unit named after the name."""
    new = fb.facts[n_before:]
    if not new or any(f.unit for f in new) or new[0].rule == "byline":
        return
    m = WORKPLACE.search(text, p.end, s1)
    if m and fb.lex.ends_like_unit(m.group(1)):
        fb.facts = fb.facts[:n_before]
        fb.add(p, new[0].role, (m.start(1), m.end(1)), "workplace", new[0].start, m.end(), sent_idx)


def _shared_posts(text, s0, s1, tokens, sent_idx, fb: FactBuilder) -> None:
    lex = fb.lex
    for m in LIST_NAMES.finditer(text, s0, s1):
        role_end = role_starting_at(text, m.end(), lex) or _noun_after(tokens, m.end())
        role = text[m.end():role_end] if role_end else None
        clause_start = max(text.rfind(c, s0, m.start()) for c in "，,；;") + 1
        clause_start = max(clause_start, s0)
        unit = None
        for t in tokens:
            if clause_start <= t.start and t.end <= m.start() and t.word.endswith(lex.org_suffixes):
                unit = unit_ending_at(text, t.end, lex, floor=clause_start, tokens=tokens)
                if unit and unit[1] - unit[0] >= 3:
                    break
                unit = None
        for p in list_mentions(m, lex):
            fb.add(p, role, unit, "shared_post", m.start(), role_end or m.end(), sent_idx)


def _noun_after(tokens: list[Token], pos: int) -> int | None:
    """End of the noun that names what a counted list of people are (等3名|党员干部)."""
    nouns = [t for t in tokens if t.start == pos and t.flag in ("n", "nnt") and 2 <= len(t.word) <= 6]
    return nouns[0].end if nouns else None


def list_mentions(m: re.Match, lex: Lexicons) -> list[Mention]:
    """The names of a `A、B、C等3名` list; the first item may have swallowed words before it
    (天泽社区的高歌): it is cut to the surname-initial tail as long as the other names."""
    names = m.group(1).split(grammar.LIST_SEP)
    first = names[0]
    width = max(len(n) for n in names[1:])
    if len(first) > width or not surname_length(first, 0, lex):
        tails = [first[k:] for k in range(len(first) - 1) if 2 <= len(first) - k <= width and surname_length(first, k, lex)]
        if not tails:
            return []
        names[0] = tails[0]
    if not all(surname_length(n, 0, lex) and 2 <= len(n) <= 3 for n in names):
        return []
    out, pos = [], m.end(1) - len(grammar.LIST_SEP.join(names))
    for n in names:
        out.append(Mention(pos, pos + len(n), n))
        pos += len(n) + 1
    return out


def _post_verbs(text, s0, s1, people, tokens, sent_idx, fb: FactBuilder, antecedent: bool = False) -> None:
    """`…担任[unit][title]`: the subject is the last name before the verb, or with `antecedent` the
    person named in an earlier sentence that 他/她 refers to (the evidence is then this sentence)."""
    for t, verb in _verb_tokens(text, s0, s1, tokens):
        subject = people if antecedent else [p for p in people if p.end <= t.start]
        if not subject:
            continue
        p = subject[-1]
        end = t.end
        while end < s1 and text[end] not in grammar.CLAUSE_PUNCT and text[end] not in "的后时期间" \
                and not text.startswith(grammar.POSTS_CLOSING, end):
            end += 1
        status = grammar.STATUS_OF.get(verb, "current")
        if text[max(s0, t.start - 2):t.start] in grammar.POST_ENDED:
            status = "former"  # 不再担任…职务
        start = s0 if antecedent else p.start
        part_start = t.end
        obj = text[t.end:end]
        for closing in grammar.POST_WORDS:
            if obj.endswith(closing) and len(obj) > len(closing) + 1:
                end -= len(closing)  # …党组书记职务: the word for "post" closes the object
                break
        for part in re.split(r"(?<=.)兼(?=.)", text[t.end:end]):
            _post_titles(text, part_start, part_start + len(part), p, start, end, sent_idx, status, fb)
            part_start += len(part) + 1


def _verb_tokens(text: str, s0: int, s1: int, tokens: list[Token]) -> list[tuple[Token, str]]:
    """The post verbs of a sentence with their tokens: jieba's words, and two-character verbs written
    in the text where jieba cut them (曾|任原)."""
    verbs = sorted(grammar.POST_VERBS, key=len, reverse=True)
    found: dict[int, tuple[Token, str]] = {}
    for t in tokens:
        verb = next((v for v in verbs if t.word == v or (t.word.endswith(v) and len(v) >= 2)), None)
        if verb is not None:
            found[t.end] = (t, verb)
    for verb in (v for v in verbs if len(v) == 2):
        for m in re.finditer(verb, text[s0:s1]):
            end = s0 + m.end()
            if end not in found and not any(t.start < s0 + m.start() < t.end - 1 for t, _ in found.values()):
                found[end] = (Token(s0 + m.start(), end, verb, "v"), verb)
    return [found[k] for k in sorted(found)]


def _post_titles(text, o0, o1, p, start, end, sent_idx, status, fb: FactBuilder, rule: str = "post_verb") -> None:
    """`担任[unit]党组书记、总队长`: titles coordinated after the first share its unit; a coordinated
    `[unit][title]` brings its own."""
    first, *rest = text[o0:o1].split(grammar.LIST_SEP)
    fact = _post_object(text, o0, o0 + len(first), p, start, end, sent_idx, status, fb, rule)
    pos = o0 + len(first) + 1
    for title in rest:
        if fact is None or not title:
            return
        if role_starting_at(text, pos, fb.lex) == pos + len(title):
            unit = unit_for_title(fact.unit, title, fb.lex) if fact.unit else None
            fb.add(p, title, (fact.unit_start, fact.unit_end) if unit else None, rule, start, end,
                   sent_idx, fact.status, unit)
        else:  # 粮食局局长、市政协人口资源环境委员会主任: a title with its own unit
            fact = _post_object(text, pos, pos + len(title), p, start, end, sent_idx, status, fb, rule)
        pos += len(title) + 1


def _post_object(text, o0, o1, p, start, end, sent_idx, status, fb: FactBuilder, rule: str = "post_verb") -> Fact | None:
    """One object of a post verb: `[unit][title]`, split after the last unit word, else at the title."""
    lex = fb.lex
    split = unit_and_role(text[o0:o1], lex)
    if split:
        u, r = split
        u, former = strip_status(u, lex)
        if u[-1:] in "原前" and len(u) > 3:
            u, former = u[:-1], True  # 吉水县委|原|书记
        return fb.add(p, r, (o0, o0 + len(u)), rule, start, end, sent_idx, "former" if former else status,
                      u if former else None)
    rs = role_ending_at(text, o1, lex)
    if rs is not None and rs >= o0:
        head, core = split_role(text[rs:o1], lex)
        unit = (o0, rs + len(head)) if rs + len(head) > o0 else None
        if unit and not lex.ends_like_unit(text[unit[0]:unit[1]]):
            return None
        return fb.add(p, core, unit, rule, start, end, sent_idx, status)
    return None


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in grammar.SENTENCE_END.finditer(text):
        if m.end() > start:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as the rules see them (。！？ and line breaks)."""
    return _sentences(text)


def _dedupe(facts: list[Fact]) -> list[Fact]:
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
