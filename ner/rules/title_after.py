"""title_after: `[unit][name][title]` and `[unit][name]同志`, the title or 同志 written after the name.

Leaders and comrades are named this way (习近平总书记, 安平区王大同区长, 财政局王某同志), and
Taiwanese releases set names in quotes between unit and title (基金会「杜某」执行长). `title_after_names`
finds the names standing there for `ner/rules/persons.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import jieba

from zhkg.ner.places.gazetteer import load_gazetteer
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import CJK, Lexicons, Token, role_starting_at, unit_ending_at
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.persons import WORD_FREQ, bare_name
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

_QUOTED_NAME = re.compile(r"([「“『])([\u4e00-\u9fff]{2,3})([」”』])")
TIME_WORDS = ("今", "昨", "日前", "近日", "上午", "下午", "晚间", "当天", "当日")
PREDICATE_FLAGS = ("v", "t", "d", "p")
MAX_ENDING = 4


def title_after_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The names this rule reads: before a title (方一峰议员, 「杜某某」执行长) and before 同志, 先生, 女士
    (郑海同志), where a boundary, a unit or the start of a word stands before them."""
    text, lex, covering = src.text, src.lex, src.covering
    for start, name in names_before_titles(text, lex, covering) + quoted_names_before_titles(text, lex):
        yield Mention(start, start + len(name), name), "pattern"
    for i in src.surname_starts:
        for n in (3, 2):
            cand = text[i:i + n]
            if text.startswith((*grammar.HONORIFIC_AFTER, grammar.SUBJECT_COUNT + grammar.COMRADE), i + n) \
                    and bare_name(cand, lex) \
                    and (i == 0 or not CJK.match(text[i - 1]) or text[i - 1] in grammar.NAME_LEFT_WORDS
                         or covering.get(i) is not None and covering[i].start == i):
                yield Mention(i, i + n, cand), "pattern"  # 郑海同志, 甲、郑海等同志
                break


def names_before_titles(text: str, lex: Lexicons, covering: dict[int, Token]) -> list[tuple[int, str]]:
    """`方一峰议员、`, `新任警察局林国清局长`, `三光里侯进枝里长`: a name written before its title, as
    Taiwanese and Hong Kong news do, where a boundary or a unit stands before the name and the title
    ends the list item. A name that would end a unit with the title's first character (民政|局长) is none."""
    out = []
    for r in range(2, len(text)):
        re_ = role_starting_at(text, r, lex)
        if re_ is None or begins_unit_word(text, r, re_, lex):
            continue
        after = covering.get(re_)
        item_end = _item_end(text, re_, lex) or text.startswith(TIME_WORDS, re_) or after is not None \
            and after.start == re_ and after.flag[:1] in PREDICATE_FLAGS  # 蔡某某总统|今天|出席: a predicate follows
        for n in (3, 2):
            s = r - n
            cand = text[s:r]
            if s < 0 or not bare_name(cand, lex) or _unit_with(cand, text[r], lex):
                continue
            left = text[max(0, s - 8):s]
            after_unit = lex.ends_like_unit(left) or left.endswith(grammar.VILLAGE_WARD)
            if s > 0 and text[s - 1] not in grammar.NAME_LEFT and text[s - 1] not in grammar.NAME_LEFT_WORDS \
                    and not after_unit or not (item_end or after_unit):
                continue  # a boundary before the name, and the title closing the item unless a unit opens it
            word = covering.get(s)
            inside_word = word is not None and word.start != s and not _word_across_ending(text, word, s, lex)
            if inside_word and (not after_unit or jieba.dt.FREQ.get(word.word, 0) >= WORD_FREQ
                                or lex.ends_like_unit(word.word)) \
                    or covering.get(r - 1) is not None and covering[r - 1].end > r:
                continue  # the name would start or end inside a word (安平区|王 may: jieba joins the unknown 区王;
                # 社区|一线 may not, nor 文化和旅|游部原: a unit's word)
            out.append((s, cand))
            break
    return out


def _word_across_ending(text: str, word: Token, s: int, lex: Lexicons) -> bool:
    """山上国|小苏|耿义: jieba's word starts inside a unit ending of two characters or more that ends right
    before the name (国小, 中心), so it is no word of the text: the ending is whole."""
    return any(s - n <= word.start and text[s - n:s] in lex.org_suffix_set for n in range(2, MAX_ENDING + 1))


def quoted_names_before_titles(text: str, lex: Lexicons) -> list[tuple[int, str]]:
    """`婦女救援基金會「杜某某」執行長`: a name set off in quotation marks right before its title."""
    out = []
    for m in _QUOTED_NAME.finditer(text):
        name = m.group(2)
        if grammar.NAME_QUOTES[m.group(1)] == m.group(3) and role_starting_at(text, m.end(), lex) is not None \
                and bare_name(name, lex):
            out.append((m.start(2), name))
    return out


def _unit_with(cand: str, head: str, lex: Lexicons) -> bool:
    """民政|局长: the candidate and the title's first character name a unit (a bureau, or a division the
    gazetteer knows), so the title is the unit's head, not a name's title."""
    if head in grammar.ANY_DIVISION_CHARS:
        return (cand + head) in load_gazetteer()
    return head in lex.org_suffix_set and lex.ends_like_unit(cand + head) \
        and (cand in jieba.dt.FREQ or cand + head in jieba.dt.FREQ)  # 民政 is a word, 苏耿义|校长 a name


def begins_unit_word(text: str, start: int, end: int, lex: Lexicons) -> bool:
    """红白|理事会, 家长|委员会: the title read at `start` is the first part of a unit's word, so no name
    stands before it."""
    return any(text[start:end + k] in lex.org_suffix_set for k in (1, 2))


def _item_end(text: str, pos: int, lex: Lexicons) -> bool:
    """A title that ends a list item: punctuation, a conjunction, another title or a unit word after it."""
    if pos >= len(text) or text[pos] in grammar.ITEM_END:
        return True
    return role_starting_at(text, pos, lex) is not None or any(text[pos:pos + k] in lex.org_suffix_set for k in (1, 2, 3))


@rule("title_after", reads="`[unit][name][title]`, `[unit][name]同志`", scope="mention", precedence=22,
      confidence=0.8, names=title_after_names)
def title_after(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """The fact of a title (or 同志) right after `p`; False when neither follows the name."""
    text, lex = s.text, s.lex
    quoted = p.start > s.start and text[p.start - 1] in grammar.NAME_QUOTES \
        and text[p.end:p.end + 1] == grammar.NAME_QUOTES[text[p.start - 1]]
    name_start, name_end = (p.start - 1, p.end + 1) if quoted else (p.start, p.end)  # 基金会「杜某」执行长
    title_start, status = _marked(text, name_end, lex)
    re_end = role_starting_at(text, title_start, lex)
    if re_end is not None and not begins_unit_word(text, title_start, re_end, lex):
        unit = unit_ending_at(text, name_start, lex, floor=s.start, tokens=s.tokens)
        unit = unit if unit and unit[1] == name_start and (text[title_start:re_end] not in grammar.NATIONAL_TITLES
                                                           or _central_body(text[unit[0]:unit[1]])) else None
        elect = next((w for w in grammar.POST_ELECT if text.startswith(w, re_end)), None)
        status = grammar.POST_ELECT[elect] if elect else status
        yield Proposal(p, text[title_start:re_end], unit, unit[0] if unit else p.start, re_end, s.index, status)
        return True
    first, last = _listed_with(text, p, s.people)
    tail = text[last.end:last.end + len(grammar.SUBJECT_COUNT + grammar.COMRADE)]
    if tail.startswith(grammar.COMRADE) or first is not last and tail == grammar.SUBJECT_COUNT + grammar.COMRADE:
        unit = unit_ending_at(text, first.start, lex, floor=s.start, tokens=s.tokens)
        if unit and unit[1] == first.start:
            # 财政局王某同志; 县工作专班甲、乙、丙等同志: each listed comrade of the unit right before the list
            # (会议|选举|甲、乙同志为…: a verb stands between, no unit)
            yield Proposal(p, None, unit, unit[0], last.end + len(tail), s.index)
        return True
    return False


def _marked(text: str, pos: int, lex: Lexicons) -> tuple[int, str | None]:
    """李某|前|议员: a status marker between a name and its title gives the post's status (where a title
    follows the marker; 李某前往 is a verb)."""
    marker = text[pos:pos + 1]
    if marker and marker in grammar.STATUS_MARKERS and role_starting_at(text, pos + 1, lex) is not None:
        return pos + 1, grammar.STATUS_OF[marker]
    return pos, None


def _central_body(unit: str) -> bool:
    """行政院|某某政委, 国务院|某某总理: a national title keeps a unit of the central state written before the
    name (中国, 中央 or 国家 alone names no body)."""
    return unit.startswith(grammar.NATIONAL_PREFIXES) and len(unit) > 2


def _listed_with(text: str, p: Mention, people: list[Mention]) -> tuple[Mention, Mention]:
    """The first and last name of the list of names parted by 、 that holds `p` (`p` twice when alone)."""
    by_start = {q.start: q for q in people}
    by_end = {q.end: q for q in people}
    first = last = p
    while first.start > 0 and text[first.start - 1] == grammar.LIST_SEP and first.start - 1 in by_end:
        first = by_end[first.start - 1]
    while text[last.end:last.end + 1] == grammar.LIST_SEP and last.end + 1 in by_start:
        last = by_start[last.end + 1]
    return first, last
