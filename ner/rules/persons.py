"""Rule-found personal names: where the grammar says a name must stand.

A surname followed by one or two characters is a name only in context: right after a title
(党支部书记王诚), right before one (习近平总书记, 张学军同志), in a list before 等N名, or in a credit. A
statistical `ner` in front of these rules finds names in any context; the rules add the names that sit
in the fact patterns whether or not the model saw them.
"""

from __future__ import annotations

import re

import jieba
import jieba.posseg

from zhkg.ner.places.gazetteer import load_gazetteer
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import (
    CJK,
    NAME_END,
    Lexicons,
    Token,
    dictionary_non_name,
    name_at,
    role_ending_at,
    role_starting_at,
    surname_length,
)
from zhkg.ner.rules.copula import COPULA
from zhkg.ner.rules.credits import Credit
from zhkg.ner.rules.facts import Mention
from zhkg.ner.rules.lists import LIST_NAMES, list_mentions
from zhkg.ner.rules.parenthetical import PAREN_POST
from zhkg.ner.rules.profile import profile_subjects

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
_QUOTED_NAME = re.compile(r"([「“『])([\u4e00-\u9fff]{2,3})([」”』])")
# Verbs that open a list of names (选举A、B同志为…, 任命, 邀请).
LIST_OPENERS = ("选举", "任命", "提名", "推选", "邀请", "感谢", "看望", "慰问", "陪同", "会见", "包括", "有")
TIME_WORDS = ("今", "昨", "日前", "近日", "上午", "下午", "晚间", "当天", "当日")
PREDICATE_FLAGS = ("v", "t", "d", "p")
ITEM_SEPS = ("、", "，", "。", "；", "）", "」")
# A dictionary word this frequent, tagged as something else than a name, is that word (严守, 高歌).
WORD_FREQ = 50
NOT_NAME_START = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "y", "e", "o", "x"})
NAME_FLAGS = ("nr", "nrfg", "nrt")
SPEECH = ("说", "表示", "介绍", "告诉", "坦言", "感慨", "回忆")


def find_persons(text: str, tokens: list[Token], credits: list[Credit], lex: Lexicons) -> list[Mention]:
    found: dict[tuple[int, int], Mention] = {}
    gaz = load_gazetteer()
    covering = {}
    for t in tokens:
        for k in range(t.start, t.end):
            covering[k] = t

    def add(start: int, name: str, checked: bool = False) -> None:
        end = start + len(name)
        if name and 2 <= len(name) <= 4 and CJK.match(name) and not _place_word(name, text, start, end, gaz) \
                and not name.endswith(multi_char_units) and (checked or _fits_words(start, end, covering)):
            found.setdefault((start, end), Mention(start, end, name))  # 柳营|区长 is the head of 柳营区

    multi_char_units = tuple(u for u in lex.org_suffixes if len(u) >= 2)  # 将军|区公所
    starts = {i for i, ch in enumerate(text) if ch in lex.surnames or text[i:i + 2] in lex.compound_surnames}
    starts.update(t.start for t in tokens if t.flag.startswith("nr"))
    for i in sorted(starts):
        word = covering.get(i)
        rs = role_ending_at(text, i, lex)
        if word is not None and rs is not None and word.start == i - 1 == rs + 1 and text[rs + 1] == "长" \
                and len(word.word) == 2:
            word = None  # 主计处长|方盆 (jieba reads 长方): the word starts inside the title before the name
        item = _CJK_RUN.match(text, i)
        item = item.group() if item else ""
        rank = next((r for r in grammar.RANKS if item.endswith(r) and 2 <= len(item) - len(r) <= 3), "")
        item = item[:len(item) - len(rank)]
        if rs is not None and 2 <= len(item) <= 3 and _bare_name(item, lex) \
                and (rank or text[i + len(item):i + len(item) + 1] in ITEM_SEPS):
            add(i, item, checked=True)  # 关长|何浩瀚、, 指挥官|吕坤修|中将: a whole list item after a title
            continue
        if word is not None and (word.start != i or word.flag in NOT_NAME_START):
            continue  # 建工|程之 (工程), 厂商|於|招标: the name would start inside a word or at a preposition
        if rs is not None:
            after = covering.get(word.end) if word is not None else None
            add(i, name_at(text, i, lex, strict=False, word=word, next_word=after) or "")
    for t in tokens:
        # 习近平/nr is in the dictionary; an unknown word without a surname (天后宫) is no name
        known_name = t.flag in NAME_FLAGS and jieba.dt.FREQ.get(t.word, 0) > 0 and not lex.ends_like_unit(t.word)
        if t.flag.startswith("nr") and 2 <= len(t.word) <= 3 and (surname_length(t.word, 0, lex) or known_name) \
                and not dictionary_non_name(t.word):
            after = text[t.end:t.end + 4]
            if (role_starting_at(text, t.end, lex) is not None
                    or after.startswith((*grammar.HONORIFIC_AFTER, *grammar.RANKS, *SPEECH, *grammar.POST_VERBS))
                    or _copula_title(text, t.end, lex)):
                add(t.start, t.word)
    for i in sorted(starts):
        if "是" in text[i + 2:i + 5]:
            name = name_at(text, i, lex)
            if name and _copula_title(text, i + len(name), lex):
                add(i, name)
    for m in LIST_NAMES.finditer(text):
        for p in list_mentions(m, lex):
            add(p.start, p.name, checked=True)
    for start, name in names_before_titles(text, lex, covering):
        add(start, name, checked=True)
    for start, name in quoted_names_before_titles(text, lex):
        add(start, name, checked=True)
    for m in grammar.COMMA_PROFILE.finditer(text):
        clause = m.group(2)
        if _bare_name(m.group(1), lex) and len(m.group(1)) <= 3 and role_ending_at(clause, len(clause), lex) is not None:
            add(m.start(1), m.group(1), checked=True)  # 李某，某集团原党组成员、副总经理，…
    for m in PAREN_POST.finditer(text):
        head = _CJK_TAIL.search(text, max(0, m.start() - 4), m.start())
        content = m.group(2)
        if head and role_ending_at(content, len(content), lex) is not None:
            for n in (3, 2):
                if len(head.group()) >= n and _bare_name(head.group()[-n:], lex) \
                        and (len(head.group()) == n or text[m.start() - n - 1] in grammar.NAME_LEFT):
                    add(m.start() - n, head.group()[-n:], checked=True)  # 李某某（时任县委常委）
                    break
    for m in profile_subjects(text):
        found.setdefault((m.start, m.end), m)
    for c in credits:
        found.setdefault((c.start, c.end), Mention(c.start, c.end, c.name))
    for i in sorted(starts):
        for n in (3, 2):
            cand = text[i:i + n]
            if text.startswith(grammar.HONORIFIC_AFTER, i + n) and _bare_name(cand, lex) \
                    and (i == 0 or not CJK.match(text[i - 1]) or text[i - 1] in grammar.NAME_LEFT_WORDS
                         or covering.get(i) is not None and covering[i].start == i):
                add(i, cand, checked=True)  # 郑海同志
                break
    for m in sorted(found.values(), key=lambda m: m.start):
        for start, name in list_continuation(text, m.end, lex):
            add(start, name, checked=True)
        for start, name in list_before(text, m.start, lex):
            add(start, name, checked=True)
    _other_mentions(text, found, covering)
    return _consolidate(text, sorted(found.values(), key=lambda m: m.start))


def _other_mentions(text: str, found: dict[tuple[int, int], Mention], covering: dict) -> None:
    """A name found where the grammar put it (教授王立新) is the same name where it stands alone later
    (王立新历任…): every other occurrence becomes a mention too, unless it lies inside another mention
    or, for a two-character name, inside a longer word (高歌|猛进)."""
    taken = [(m.start, m.end) for m in found.values()]
    for name in {m.name for m in found.values() if CJK.match(m.name) and 2 <= len(m.name) <= 4}:
        for occ in re.finditer(re.escape(name), text):
            s, e = occ.start(), occ.end()
            if any(a < e and s < b for a, b in taken):
                continue
            if len(name) == 2 and not _word_bounded(s, e, covering):
                continue
            found[(s, e)] = Mention(s, e, name)
            taken.append((s, e))


def _word_bounded(start: int, end: int, covering: dict) -> bool:
    first, last = covering.get(start), covering.get(end - 1)
    return (first is None or first.start == start) and (last is None or last.end == end)


def _bare_name(cand: str, lex: Lexicons) -> bool:
    """A surname and a given name that make no dictionary word, no place and no unit."""
    return bool(CJK.match(cand)) and surname_length(cand, 0, lex) > 0 and cand[0] not in grammar.NAME_LEFT_WORDS \
        and cand[0] not in grammar.RANK_PREFIXES and cand[-1] not in grammar.RANK_PREFIXES \
        and cand[1:] not in lex.roles and cand[1:] not in grammar.TITLE_MODIFIERS and cand not in grammar.TITLE_MODIFIERS \
        and cand[-1] not in NAME_END and not dictionary_non_name(cand) and not lex.ends_like_unit(cand) \
        and not load_gazetteer().lookup(cand)


def names_before_titles(text: str, lex: Lexicons, covering: dict) -> list[tuple[int, str]]:
    """`方一峰议员、`, `新任警察局林国清局长`, `三光里侯进枝里长`: a name written before its title, as
    Taiwanese and Hong Kong news do, where a boundary or a unit stands before the name and the title
    ends the list item. A name that would end a unit with the title's first character (民政|局长) is none."""
    out = []
    for r in range(2, len(text)):
        re_ = role_starting_at(text, r, lex)
        if re_ is None:
            continue
        after = covering.get(re_)
        item_end = _item_end(text, re_, lex) or text.startswith(TIME_WORDS, re_) or after is not None \
            and after.start == re_ and after.flag[:1] in PREDICATE_FLAGS  # 蔡某某总统|今天|出席: a predicate follows
        for n in (3, 2):
            s = r - n
            cand = text[s:r]
            if s < 0 or not _bare_name(cand, lex) or _unit_with(cand, text[r], lex):
                continue
            left = text[max(0, s - 8):s]
            after_unit = lex.ends_like_unit(left) or left.endswith(grammar.VILLAGE_WARD)
            if s > 0 and text[s - 1] not in grammar.NAME_LEFT and text[s - 1] not in grammar.NAME_LEFT_WORDS \
                    and not after_unit or not (item_end or after_unit):
                continue  # a boundary before the name, and the title closing the item unless a unit opens it
            word = covering.get(s)
            inside_word = word is not None and word.start != s
            if inside_word and (not after_unit or jieba.dt.FREQ.get(word.word, 0) >= WORD_FREQ) \
                    or covering.get(r - 1) is not None and covering[r - 1].end > r:
                continue  # the name would start or end inside a word (安平区|王 may: jieba joins the unknown 区王;
                # 社区|一线 may not)
            out.append((s, cand))
            break
    return out


def quoted_names_before_titles(text: str, lex: Lexicons) -> list[tuple[int, str]]:
    """`婦女救援基金會「杜某某」執行長`: a name set off in quotation marks right before its title."""
    out = []
    for m in _QUOTED_NAME.finditer(text):
        name = m.group(2)
        if grammar.NAME_QUOTES[m.group(1)] == m.group(3) and role_starting_at(text, m.end(), lex) is not None \
                and _bare_name(name, lex):
            out.append((m.start(2), name))
    return out


def _unit_with(cand: str, head: str, lex: Lexicons) -> bool:
    """民政|局长: the candidate and the title's first character name a unit (a bureau, or a division the
    gazetteer knows), so the title is the unit's head, not a name's title."""
    if head in "省市县区镇乡村里旗":
        return (cand + head) in load_gazetteer()
    return head in lex.org_suffix_set and lex.ends_like_unit(cand + head)


def _item_end(text: str, pos: int, lex: Lexicons) -> bool:
    """A title that ends a list item: punctuation, a conjunction, another title or a unit word after it."""
    if pos >= len(text) or text[pos] in grammar.ITEM_END:
        return True
    return role_starting_at(text, pos, lex) is not None or any(text[pos:pos + k] in lex.org_suffix_set for k in (1, 2, 3))


def list_before(text: str, pos: int, lex: Lexicons) -> list[tuple[int, str]]:
    """`选举孙某、郑某同志为…`: bare names listed before a name, each between 、 and 、 (the first one
    after the verb, punctuation or conjunction that opens the list)."""
    out = []
    while pos > 1 and text[pos - 1] == grammar.LIST_SEP:
        m = _CJK_TAIL.search(text, max(0, pos - 12), pos - 1)
        if not m:
            break
        chunk = m.group()
        name = next((chunk[-n:] for n in (3, 2) if len(chunk) >= n and _bare_name(chunk[-n:], lex)
                     and (len(chunk) == n or chunk[:-n].endswith(LIST_OPENERS))), None)
        if name is None:
            break
        pos = pos - 1 - len(name)
        out.append((pos, name))
        if len(chunk) > len(name):
            break
    return out


def list_continuation(text: str, pos: int, lex: Lexicons) -> list[tuple[int, str]]:
    """`市议员王家贞、许至椿、陈怡珍…`: bare names listed after a name, each between 、 and 、 (the last
    one up to the punctuation or conjunction that closes the list)."""
    out = []
    while pos < len(text) and text[pos] == grammar.LIST_SEP:
        m = _CJK_RUN.match(text, pos + 1)
        if not m:
            break
        chunk = m.group()
        cut = next((i for i, ch in enumerate(chunk) if ch in "等及和与暨"), len(chunk))
        if cut < len(chunk) and (pos + 1 + len(chunk) < len(text) and text[pos + 1 + len(chunk)] == grammar.LIST_SEP):
            break
        name = chunk[:cut]
        four = len(name) == 4 and len(out) >= 1 and not dictionary_non_name(name) and not lex.ends_like_unit(name)
        if not four and (not 2 <= len(name) <= 3 or not _bare_name(name, lex)):
            break  # a four-character item (施余兴望, 颖艾达利) counts in a list that already holds names
        out.append((pos + 1, name))
        pos = pos + 1 + len(name)
        if cut < len(chunk):
            break
    return out


def _place_word(name: str, text: str, start: int, end: int, gaz) -> bool:
    """A name that is a place: a division's full name, the short name of a county or anything above
    (柳营 of 奇美医疗财团法人柳营奇美医院), or one that reads as a division with the next character
    (柳营|区长 is the head of 柳营区)."""
    if gaz.is_full_name(name) or gaz.is_full_name(text[start:end + 1]):
        return True
    return any(d.level != "town" for d in gaz.lookup(name))


def _consolidate(text: str, mentions: list[Mention]) -> list[Mention]:
    """One spelling per person in a document: 谢耀|清代 read as 谢耀 where 谢耀清 is named elsewhere."""
    full = {m.name for m in mentions if len(m.name) == 3}
    out = []
    for m in mentions:
        longer = m.name + text[m.end:m.end + 1]
        if len(m.name) == 2 and m.end - m.start == 2 and longer in full:
            m = Mention(m.start, m.end + 1, longer)
        out.append(m)
    return out


def _copula_title(text: str, pos: int, lex: Lexicons) -> bool:
    """`杨海艳是神木市滨河新区街道的一名工作人员`: 是 + unit + 的 + title."""
    m = COPULA.match(text, pos)
    return bool(m) and role_starting_at(text, m.end(), lex) is not None and lex.ends_like_unit(m.group(1))


def _fits_words(start: int, end: int, covering: dict) -> bool:
    """A name is not part of a longer word (加足|马力) nor a whole word of another kind (严守/a, 包联/ns)."""
    last = covering.get(end - 1)
    if last is not None and last.end > end:
        return False
    first = covering.get(start)
    if first is not None and first.start == start and first.end == end and not first.flag.startswith("nr"):
        known = jieba.dt.FREQ.get(first.word, 0) >= WORD_FREQ
        return not known and first.flag not in ("ns", "nt", "m")
    return True
