"""apposition: `[place][unit…][title]([、][unit][title]…)[name]`, the title written before the name.

The commonest way Chinese news names a post: 忻府区秀容税务所党支部书记王诚. The chain is read
leftwards from the name, one `[unit][title]` segment at a time; titles coordinated with 、 or 兼
share the name after them, and a bare title after `name、` shares that name's unit (护士长王丽、护士赵晓燕).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import jieba

from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import (
    CJK,
    Lexicons,
    Token,
    common_verb,
    department_of_title,
    lexicons,
    name_at,
    role_ending_at,
    roles_ending_at,
    split_role,
    unit_ending_at,
)
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.persons import LIST_OPENERS, SPEECH, bare_name
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule
from zhkg.ner.rules.units import department_of, head_title, is_state, unit_for_title
from zhkg.ner.vocabulary import MAX_PLACE_CHARS, load_gazetteer

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
ITEM_SEPS = ("、", "，", "。", "；", "）", "」", ",", ";")
NOT_NAME_START = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "y", "e", "o", "x"})
# A dictionary verb this frequent (回应 548, 收到 1,823) between a unit and a title is the predicate of the
# unit; a rarer one (援藏 19) modifies the title.
PREDICATE_FREQ = 300
# A dictionary verb this frequent (上阵 275) after a surname at an item's end is a predicate, no given name
# (跃进 128 may still be one).
VERB_GIVEN_FREQ = 200
# A word this frequent (纪念 2,681) that makes no dictionary word with a title's first character (纪念校) is no
# unit's abbreviation before a title sharing that character (民政 2,298 does: 民政局).
COMMON_WORD_FREQ = 1000
# A unit's short name written into its head's title (都发|局长, 地政|局长): two characters.
ABBREVIATION_CHARS = 2
# The shortest unit read as whole before a head's title (役政署|组长); a shorter one (观旅|局长) is the
# title's abbreviation.
WHOLE_OFFICE_CHARS = 3
# What joins two titles of one name (副主任、主任; 市委常委兼秘书长; 市委常委及区委书记, as Macau and Hong Kong
# write it): a title before it belongs to the same name.
TITLE_JOINERS = (grammar.LIST_SEP, "兼", "及")


_LATIN_GLOSS = re.compile(r"[(（][A-Za-z][A-Za-z &.,'-]*[A-Za-z.][)）]")
_PORTFOLIO = re.compile(r"[(（][\u4e00-\u9fff、与和及]{2,16}[)）]")
MAX_PORTFOLIO = 18
MAX_BRANCH_WORDS = 4  # characters of the words that name a branch before its head's title
MAX_GLOSS, MIN_GLOSSED_NAME, MAX_GLOSSED_NAME = 60, 2, 15


# Function words a one-character status marker may follow (由|前|主计处长, 是|原|局长).
MARKER_AFTER = "由为是的与和及"


def _status_before(text: str, pos: int) -> tuple[str, int]:
    """A time marker right before `pos` (时任, 原): single-character ones only after a unit or a pause,
    so 草原 or 平原 are not read as 原."""
    lex = lexicons()
    for marker, status in grammar.STATUS_OF.items():
        if text.startswith(marker, pos - len(marker)):
            before = text[max(0, pos - len(marker) - 6):pos - len(marker)]
            if len(marker) > 1 or not before or before[-1] in "，、 \n" + MARKER_AFTER or lex.ends_like_unit(before) \
                    or before.endswith(grammar.COUNTRIES):  # 美国|前|国务卿
                return status, pos - len(marker)
    return "current", pos


def title_before(text: str, j: int, s0: int, tokens: list[Token], lex: Lexicons):
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
        if not head:
            head = department_of_title(core, lex)  # 经济财政司|司长, 人事室|主任: the unit written into the title
            core = core[len(head):]
        unit_end = rs + len(head)
        if not head and text[max(s0, rs - 2):rs] in grammar.TITLE_MODIFIERS:
            if text[rs - 2:rs] in grammar.KEPT_MODIFIERS:
                core = text[rs - 2:rs] + core  # 政务|副局长: written into the title
            unit_end = rs = rs - 2  # 分管|副局长: a modifier of the title, not part of the unit
        mod = grammar.MODIFIER.search(text[max(s0, unit_end - 8):unit_end]) if not head else None
        if mod:
            unit_end -= len(mod.group())
        status, unit_end = _status_before(text, unit_end) if not head else ("current", unit_end)
        unit = unit_ending_at(text, unit_end, lex, floor=s0, tokens=tokens) if unit_end > s0 else None
        if unit:
            unit = _with_anaphor(text, unit, s0)
        gap = text[unit[1]:unit_end] if unit else ""
        if not head and not mod and len(gap) == 2 and gap not in _title_openers(lex.roles) \
                and not head_title(core, lex) and jieba.dt.FREQ.get(gap, 0) >= PREDICATE_FREQ \
                and any(t.start == unit[1] and t.flag.startswith("v") and t.flag != "vn" for t in tokens):
            return None, core, rs, status  # 南市府|回应|市议员, 董事会|收到|董事长: the unit is the verb's
            # subject, not the title's; 执行|秘书 opens titles of the lexicon, 防治|科长 carries its unit's
            # name, 援藏|专家 is too rare a verb to be the predicate
        if gap and is_state(gap):
            unit, gap = (unit[0], unit_end), ""  # 土团党|柔州|主席: the party's branch in that state
        if not head and not mod and len(gap) == 2 and gap not in grammar.NOT_POSTS and CJK.match(gap) \
                and not any(t.start == unit[1] and t.flag in grammar.STOP_FLAGS | {"m"} for t in tokens):
            core = gap + core  # 主管|护师: a two-character modifier left between unit and title
        elif not head and not mod and gap in grammar.RANK_PREFIXES:
            core = gap + core  # 副|主任医师
        elif not head and _names_branch(gap, unit, tokens, lex) and core.removesuffix(grammar.HEAD_TITLE_ENDING) in lex.org_suffix_set:
            core = gap + core  # 本局|第六|分局长, 刑事警察局|侦查第六|大队长, 本局学|甲|分局长, 本局|保安警察|大队长: the
            # words between the unit and a branch head's title name the branch
        if head and unit is None:
            unit = (rs, rs + len(head))
        if unit is None and not head:
            unit = _anaphor_before(text, unit_end, s0) or _state_into_title(text, rs, s0) \
                or _country_before(text, unit_end, s0) or _glossed_name_before(text, unit_end, s0, tokens)
        named = text[unit[0]:unit[1]] if unit is not None else ""
        whole_office = unit is not None and unit[1] == rs and len(named) >= WHOLE_OFFICE_CHARS \
            and lex.ends_like_unit(named) and not _ends_with_place(named) \
            and not any(jieba.dt.FREQ.get(named[-n:] + core[0], 0) for n in (2, 3))
        # 仁德区公所|区长, 役政署|组长: the unit is whole before its (sub-unit's) head; not 民政|局长 (民政局 is a
        # word) nor 柳营|区长 (a place's head: 营 ends no unit there)
        if head_title(core, lex) and not whole_office and not named.endswith(core[0]):
            shared = _shared_head(text, (None, core, rs, status), s0, tokens, lex)
            if shared[0] is not None:
                return shared
        if unit is not None and best is not None and unit[1] == rs and named[-1] in grammar.DIVISION_CHARS \
                and best[1].startswith(named[-1]) and not _ends_with_place(named[:-1]) and not gap \
                and not any(load_gazetteer().is_full_name(named[-n:]) for n in range(2, len(named) + 1)):
            continue  # 有关|市议员, 偕|市议员: a division's character with no place before it opens the longer title
        candidate = (unit, core, rs, status)
        if unit is not None:
            return candidate
        best = best or candidate
    return _shared_head(text, best, s0, tokens, lex) if best else None


@lru_cache(maxsize=1)
def _title_openers(roles: frozenset[str]) -> frozenset[str]:
    """The two-character words titles of the lexicon start with (执行 of 执行主席, 主管 of 主管护师)."""
    return frozenset(r[:2] for r in roles if len(r) > 3)


def _verb_given(item: str) -> bool:
    """书记|齐上阵,: after a surname, a common verb (上阵) closing the item is the clause's predicate, no
    given name."""
    return len(item) == 3 and common_verb(item[1:], VERB_GIVEN_FREQ)


def _country_before(text: str, end: int, s0: int) -> tuple[int, int] | None:
    """南非|总统, 美国|前国务卿: a foreign state written right before a title with no unit is its unit."""
    country = next((c for c in grammar.COUNTRIES if text.startswith(c, end - len(c)) and end - len(c) >= s0), None)
    return (end - len(country), end) if country else None


def _state_into_title(text: str, rs: int, s0: int) -> tuple[int, int] | None:
    """柔佛州务大臣: a state's full name written into its title (柔佛州 + 州务大臣) is the title's unit."""
    for n in range(2, MAX_PLACE_CHARS + 1):
        name = text[rs + 1 - n:rs + 1]
        if rs + 1 - n >= s0 and is_state(name) and load_gazetteer().is_full_name(name):
            return rs + 1 - n, rs + 1
    return None


def _names_branch(gap: str, unit: tuple[int, int] | None, tokens: list[Token], lex: Lexicons) -> bool:
    """第六, 侦查第六, 保安警察, 甲 (of 学甲): the words between a unit and a branch head's title (分局长,
    大队长) that name the branch: an ordinal with a word or two before it, or up to four characters of
    content words (no verb, function word, status marker or lone surname)."""
    m = grammar.ORDINAL.search(gap)
    if m is not None and m.end() == len(gap) and m.start() <= MAX_BRANCH_WORDS and CJK.match(gap):
        return True
    if unit is None or not 1 <= len(gap) <= MAX_BRANCH_WORDS or not CJK.match(gap) or gap in grammar.NOT_POSTS \
            or gap[0] in grammar.STATUS_MARKERS or gap in grammar.TITLE_MODIFIERS or gap in lex.surnames:
        return False  # 郭|司长: a surname before a title addresses its holder
    inside = [t for t in tokens if unit[1] <= t.start < unit[1] + len(gap)]
    return all(t.flag[:1] in ("n", "j", "g", "b") or len(t.word) == 1 and t.flag != "v" and t.flag not in grammar.STOP_FLAGS
               for t in inside)


def _glossed_name_before(text: str, end: int, s0: int, tokens: list[Token]) -> tuple[int, int] | None:
    """星金融发展(Sing Investments & Finance)|执行董事: a Chinese name glossed in Latin letters right before a
    title is the name of the body the title is held in, whatever its last word (Singapore's and Malaysia's
    firms often end in no unit word). The name runs back over the words before the bracket up to a
    pause, a function word or a verb."""
    opening = _bracket_ending_at(text, end, s0, MAX_GLOSS, _LATIN_GLOSS)
    if opening is None:
        return None
    start = stop = opening
    for t in sorted((t for t in tokens if s0 <= t.start and t.end <= stop), key=lambda t: -t.start):
        if t.end != start or not CJK.match(t.word) or t.flag in grammar.STOP_FLAGS or t.flag in ("v", "vd", "m"):
            break
        start = t.start
    return (start, stop) if MIN_GLOSSED_NAME <= stop - start <= MAX_GLOSSED_NAME else None


def _ends_with_place(name: str) -> bool:
    gaz = load_gazetteer()
    return any(name[-n:] in gaz for n in range(2, min(len(name), MAX_PLACE_CHARS) + 1))


def _shared_head(text: str, seg, s0: int, tokens: list[Token], lex: Lexicons):
    """经发局长 = 经发局 + 局长: the title's first character also ends the unit's name."""
    _, core, rs, status = seg
    if rs > s0 and (text[rs - 1] in grammar.DEPARTMENT_HEADS or text[rs - 1] in "前原副"):
        return seg  # 保安组|科长, 交通大学|前|校长: the unit is whole before the title
    if core[0] in lex.org_suffix_set and text[rs:rs + len(core)] == core:
        shared = unit_ending_at(text, rs + 1, lex, floor=s0, tokens=tokens)
        if shared is None or shared[0] >= rs - 1:  # 地|政局|长: the document's words cut the unit; read it alone
            shared = unit_ending_at(text, rs + 1, lex, floor=s0)
        if shared and shared[0] < rs - 1 and text[shared[0]] not in "副正总常原代前新" \
                and not _word_before_head(text[shared[0]:rs], core[0]):
            if core == "校长" and text[shared[0]:rs].endswith(grammar.SCHOOL_ENDINGS):
                shared = (shared[0], rs)  # 六信高中|校长: the school is whole without the title's 校
            if status == "current":
                status = _status_before(text, shared[0])[0]  # 前|主计|处长: the marker stands before the unit
            return _with_anaphor(text, shared, s0), core, rs, status
        if seg[0] is None and _item_abbreviation(text, rs, s0):
            return None, text[rs - ABBREVIATION_CHARS:rs] + core, rs - ABBREVIATION_CHARS, status
    return seg


def _item_abbreviation(text: str, rs: int, s0: int) -> bool:
    """包含地政局长某某、都发局长某某: two characters opening a list item (after 、, a pause or a verb that
    opens a list) before a head's title whose first character ends a unit are that unit's short name,
    however the document's words cut them (地|政局|长, 都|发|局长); the title carries it (都发局长), which
    the fact builder splits (facts.abbreviated_unit)."""
    start = rs - ABBREVIATION_CHARS
    short = text[start:rs]
    if start < s0 or not CJK.match(short) or short.startswith(grammar.NOT_ABBREVIATION_STARTS) \
            or jieba.dt.FREQ.get(short, 0) >= COMMON_WORD_FREQ:  # 纪念|校长: a frequent word is the sentence's
        return False
    before = text[max(s0, start - 2):start]
    return start == s0 or before[-1:] in grammar.CLAUSE_PUNCT or before[-1:] == grammar.LIST_SEP \
        or before in grammar.CHAIN_BREAK or before in LIST_OPENERS


def _word_before_head(word: str, head: str) -> bool:
    """纪念|校长: a frequent two-character word that makes no unit with the title's first character (纪念校
    is no word, 民政局 and 教育局 are) is a word of the sentence, not a unit's abbreviation (经发局, 都发局)."""
    return len(word) == 2 and jieba.dt.FREQ.get(word, 0) >= COMMON_WORD_FREQ and not jieba.dt.FREQ.get(word + head, 0)


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
    j = _before_honours(text, p.start, s0, lex)
    elect = next((w for w in grammar.POST_ELECT if text.startswith(w, j - len(w)) and j - len(w) > s0), None)
    j -= len(elect or "")  # 市议员|当选人|李某: the title won, not yet taken
    floor = max([s0] + [m.end for m in others if m is not p and m.end <= p.start])  # no unit holds a name
    while j > s0:
        seg = title_before(text, j, s0 if segments else floor, tokens, lex)
        if seg is None:
            skip = max((w for w in grammar.NOT_POSTS if text.startswith(w, j - len(w))), key=len, default=None)
            k = j - len(skip) - 1 if skip else -1
            if skip and k > s0 and text[k] == grammar.LIST_SEP and segments:
                j = k
                continue
            break
        unit, core, rs, status = seg
        stacked = _stacked_title(text, unit, lex)
        if stacked is not None and stacked[1] in grammar.RANKS:
            unit = stacked[0]  # 空军第一联队|上校|政战主任: a rank between the unit and the title is no post
        elif stacked is not None:  # 市委常委|副市长: the "unit" is a post of its own, the title has none written
            segments.append((None, core, status, rs))
            unit, core, rs = stacked
        seg_start = unit[0] if unit else rs
        if segments and any(seg_start <= m.start < j for m in others if m is not p):
            break
        if (segments or unit is None) and any(m.end == seg_start for m in others if m is not p):
            break  # 黄某某市长、市议员周某某, 黄某某市长|关怀信: the title right after a name is that name's, not the
            # next one's
        outer, seg_start = _status_before(text, seg_start)
        status = outer if status == "current" else status
        if elect and not segments:
            status = grammar.POST_ELECT[elect]
        segments.append((unit, core, status, seg_start))
        j = seg_start
        if j - 1 > s0 and text[j - 1] in TITLE_JOINERS:
            j -= 1
            continue
        break
    segments.reverse()
    return segments


def _stacked_title(text: str, unit: tuple[int, int] | None, lex: Lexicons) -> tuple[tuple[int, int], str, int] | None:
    """市委常委|副市长: a unit read before a title that itself ends with a title of the lexicon (常委) and a
    unit before that (市委) is a post of its own: (its unit, its title, the title's start)."""
    if unit is None:
        return None
    rs = _title_ends_at(text, unit[1], unit[0] + 2, lex)  # a unit of two characters or more stays before it
    if rs is None or not lex.ends_like_unit(text[unit[0]:rs]) \
            or text[rs:unit[1]].endswith((*grammar.PARTY_ORGANS, *grammar.INSTITUTION_ORGANS)):
        return None  # 附属医院|纪委|书记: a party organ is the unit, not a post
    return (unit[0], rs), text[rs:unit[1]], rs


def _title_ends_at(text: str, end: int, floor: int, lex: Lexicons) -> int | None:
    """The start of the longest title of the lexicon that ends at `end` and starts at `floor` or after, where the
    title's first character is no unit's last (区|长): None when none does."""
    rs = next((r for r in roles_ending_at(text, end, lex) if r >= floor), None)
    if rs is None or end - rs < 2 or text[rs - 1:rs + 1] in lex.org_suffix_set or text[rs:end] in grammar.NOT_POSTS:
        return None
    return rs


def _before_honours(text: str, pos: int, s0: int, lex: Lexicons) -> int:
    """Where the titles before a name end, past the ranks and honours written between them and the name
    (院长，二级大法官|游某, 州务大臣拿督|某某, 队长上校|某某): a rank is no post and no part of the name (GUIDE)."""
    for honour in grammar.RANKS_BEFORE_NAME:
        if text.startswith(honour, pos - len(honour)):
            j = pos - len(honour)
            return j - 1 if j - 1 > s0 and text[j - 1] in "，," else j
    return past_portfolio(text, pos, lex, s0)


def past_portfolio(text: str, pos: int, lex: Lexicons, s0: int = 0) -> int:
    """高级副总裁(企业发展与风险管理)|某某: where the title before a name ends, past the portfolio written in
    brackets after it."""
    opening = _bracket_ending_at(text, pos, s0, MAX_PORTFOLIO, _PORTFOLIO)
    return opening if opening is not None and role_ending_at(text, opening, lex) is not None else pos


def _bracket_ending_at(text: str, end: int, s0: int, window: int, pattern: re.Pattern) -> int | None:
    """Where the bracket that closes right at `end` opens, when its whole text (brackets included) is
    `pattern` and it opens within `window` characters and after `s0`."""
    lo = max(s0, end - window)
    opening = max(text.rfind("(", lo, end), text.rfind("（", lo, end))
    return opening if opening >= 0 and pattern.fullmatch(text, opening, end) else None


_NAME_RUN_STOPS = (*SPEECH, *grammar.POST_VERBS, *grammar.NAME_RUN_STOPS)  # 拿督某某|说, |将出任


def honoured_names(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the name after a rank or honour that only stands before names (拿督某某, 丹斯里某某):
    the run of characters up to the next pause, two to six long (transliterated names are long)."""
    for m in grammar.HONOUR_BEFORE_NAME.finditer(text):
        run = _CJK_RUN.match(text, m.end())
        if not run:
            continue
        name = run.group()
        cut = next((k for k in range(2, min(len(name), 7)) if name.startswith(_NAME_RUN_STOPS, k)), None)
        end = run.start() + cut if cut else run.end()
        if 2 <= end - run.start() <= 6 and (cut or text[end:end + 1] in (*ITEM_SEPS, "（", "(", " ", "\n", "")):
            yield run.start(), end


def apposition_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """A name right after a title: a whole list item (关长|何浩瀚、, 指挥官|吕坤修|中将), else the name the
    surname starts, unless it would start inside a word or at a preposition."""
    text, lex, covering = src.text, src.lex, src.covering
    for start, end in honoured_names(text):
        yield Mention(start, end, text[start:end]), "pattern"
    for i in src.surname_starts:
        if grammar.HONOUR_BEFORE_NAME.match(text, i):
            continue  # 丹|斯里: an honour, whose first character is also a surname
        word = covering.get(i)
        rs = role_ending_at(text, past_portfolio(text, i, lex), lex)
        if word is not None and rs is not None and word.start == i - 1 == rs + 1 and text[rs + 1] == "长" \
                and len(word.word) in (2, 3):
            word = None  # 主计处长|方盆 (jieba reads 长方, 长林明): the word starts inside the title before the name
        item = _CJK_RUN.match(text, i)
        item = item.group() if item else ""
        rank = next((r for r in grammar.RANKS if item.endswith(r) and 2 <= len(item) - len(r) <= 3), "")
        item = item[:len(item) - len(rank)]
        closed = text[i + len(item):i + len(item) + 1] in ITEM_SEPS
        if rs is not None and 2 <= len(item) <= 3 and (rank or closed) and not _verb_given(item) \
                and (bare_name(item, lex) or closed and len(item) == 3 and bare_name(item, lex, closed=True)):
            # 主席林政则, : a whole item after a title is the name, even where its last character could be
            # a function word (则)
            yield Mention(i, i + len(item), item), "pattern"
            continue
        if word is not None and (word.start != i or word.flag in NOT_NAME_START):
            continue  # 建工|程之 (工程), 厂商|於|招标
        if rs is not None:
            after = covering.get(word.end) if word is not None else None
            name = name_at(text, i, lex, strict=False, word=word, next_word=after)
            if name:
                yield Mention(i, i + len(name), name), "words"


@rule("apposition", reads="`[place][unit…][title]、[title][name]`", scope="mention", precedence=20, confidence=0.9,
      lends_unit=True, lends_post=True, names=apposition_names)
def apposition(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """The facts of the titles written before `p`; False when there are none (the next rule reads it)."""
    segments = _apposition(s.text, p, s.start, s.tokens, s.lex, s.people)
    if not segments:
        return False
    prev_unit = s.lent_unit(segments[0][3], segments[0][1]) if segments[0][0] is None else None
    chain_status = "current"
    for unit, role, status, seg_start in segments:
        chain_status = status if status != "current" else chain_status
        status = chain_status
        unit_text = None
        if unit is None and prev_unit is not None:
            unit, unit_text, seg_start = prev_unit
            unit_text = unit_for_title(unit_text, role, s.lex)
        elif unit is not None and prev_unit is not None and department_of(prev_unit[1], s.text[unit[0]:unit[1]]):
            unit_text = prev_unit[1] + s.text[unit[0]:unit[1]]
        fact = yield Proposal(p, role, unit, seg_start, p.end, s.index, status, unit_text)
        chain_status = fact.status if fact and fact.status != "current" else chain_status
        prev_unit = (unit, fact.unit, seg_start) if fact and fact.unit else None
    return True
