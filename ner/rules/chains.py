"""Reading the noun chains of Chinese news: `[place][unit…][title][name]`.

Chinese news writes a person's post as one unbroken run of characters before the name
(忻府区秀容税务所党支部书记王诚). Nothing in the script marks where the unit ends and the title begins, or
where the unit starts. These helpers read such runs right to left: the longest known title that ends
at the name, then the unit as the run of nominal words (jieba tags) before it, cut where the grammar
says a name cannot go on (prepositions, particles, adverbs, a verb after a complete unit) and trimmed
back to a unit suffix (局, 派出所, 党支部, 社区, 乡 …) from the data files.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import jieba
from jieba import posseg

from zhkg.ner import words
from zhkg.ner.rules import grammar
from zhkg.ner.text import fast_jieba
from zhkg.ner.vocabulary import (
    MAX_PLACE_CHARS,
    MAX_TITLE_CHARS,
    Lexicons,
    lexicons,  # noqa: F401  (the rule modules import it from here)
    load_gazetteer,
)

jieba.setLogLevel(60)
fast_jieba.install()  # the same words and tags as stock jieba, in a fraction of its time

CJK = re.compile(r"^[\u3400-\u9fff]+$")
MAX_UNIT_CHARS = 40
# A dictionary verb this frequent (执行 14,504) before a title ends no unit; jieba's guesses (编办/v) may.
VERB_FREQ = 1000
# The characters that close a date written with digits (2021年1月25日).
DATE_UNITS = frozenset("年月日")
# A one-character verb this frequent (作 28,016) after a name is the predicate; a rare one (咏 615) may
# be the name's last character that jieba split off.
NAME_VERB_FREQ = 5000
# What follows a whole name in news: a time word or a verb of speaking or attending.
NAME_FOLLOWERS = words.words("name_follower")
# 中 at the start of a clause before a noun abbreviates 中国 (中|储粮集团公司).
CHINA_ABBREVIATION = words.word("china_abbreviation")


_MAX_NOT_POST = max(map(len, grammar.NOT_POSTS))


def role_ending_at(text: str, end: int, lex: Lexicons) -> int | None:
    """Start of the longest known title that ends at `end`, or None."""
    return next(iter(roles_ending_at(text, end, lex)), None)


def roles_ending_at(text: str, end: int, lex: Lexicons) -> list[int]:
    """Starts of every known title that ends at `end`, longest first (科主任, 主任); none inside a longer
    word that is no post (创|作者, 保安员 is a title, 保安 no post)."""
    shortest = next((n for n in range(min(_MAX_NOT_POST, end), 1, -1) if text[end - n:end] in grammar.NOT_POSTS), 1)
    return [end - n for n in range(min(MAX_TITLE_CHARS, end), shortest, -1) if text[end - n:end] in lex.roles]


def role_starting_at(text: str, start: int, lex: Lexicons) -> int | None:
    """End of the longest known title that starts at `start`, or None."""
    for n in range(min(MAX_TITLE_CHARS, len(text) - start), 1, -1):
        if text[start:start + n] in lex.roles:
            return start + n
    return None


def _holds_unit_word(title: str, lex: Lexicons) -> bool:
    """文峰小学教师: a "title" of the lexicon that carries a unit's name inside it."""
    return any(title[i:j] in lex.org_suffix_set for i in range(len(title)) for j in range(i + 2, len(title)))


def department_of_title(role: str, lex: Lexicons) -> str:
    """人事室主任 → 人事室, 保安组组长 → 保安组, 经济财政司司长 → 经济财政司: a department or unit written into a
    title belongs to the unit (the longest such that a known title of two or more characters is left)."""
    for i in range(len(role) - 2, 1, -1):
        head = role[:i]
        if role[i:] in lex.roles and lex.ends_like_unit(head) and (
                head[-1] in grammar.DEPARTMENT_HEADS or head[-1] == role[i] and role[i] in lex.org_suffix_set
                or any(head.endswith(u) for u in lex.org_suffixes if len(u) >= 2)):
            return head  # also 文峰小学|教师, which jieba reads as 文峰|小学教师
    return ""


def split_role(role: str, lex: Lexicons) -> tuple[str, str]:
    """Split a title that carries its unit (市委书记 → 市委 + 书记, 党支部书记 → 党支部 + 书记).

    The unit part goes to the unit, so "许昌市委书记" yields the unit 许昌市委 and the title 书记.
    """
    for i in range(1, len(role) - 1):
        head, core = role[:i], role[i:]
        if core in lex.roles and len(core) >= 2 and (head.endswith(grammar.PARTY_ORGANS) or head in COMMITTEES):
            if core == grammar.MEMBER_TITLE:
                return head, head[-2:] + core  # 党组成员 is the post; 成员 alone says nothing
            return head, core
    return "", role


COMMITTEES = grammar.COMMITTEES


def surname_length(text: str, i: int, lex: Lexicons) -> int:
    if text[i:i + 2] in lex.compound_surnames:
        return 2
    if text[i:i + 1] in lex.surnames:
        return 1
    return 0


# A two-character dictionary word this frequent (干部, 小组) is that word, not a surname and a name.
COMMON_WORD_FREQ = 500
# Characters that end a name rather than continue it: function words, pronouns, common verbs.
NAME_END = set(words.chars("name_end_chars"))
NAME_BREAK = NAME_END | set(words.chars("name_break_chars"))
# Adverbs and particles that stand between a name and its predicate (刘洋|则|表示).
# 则, 亦 … never end a given name (刘|洋则); 当, 先, 正 … may (李志先), so they only stop a third character.
GIVEN_NAME_BREAK = words.chars("given_name_break_chars")
ADVERB_AFTER_NAME = NAME_BREAK | set(GIVEN_NAME_BREAK + words.chars("adverb_after_name_chars"))
# A dictionary word this frequent (凯旋 50+) is that word unless the dictionary itself tags it a name.
DICTIONARY_WORD_FREQ = 50
PREDICATE_WORD_FREQ = 20


def name_at(text: str, i: int, lex: Lexicons, strict: bool = True, word: Token | None = None,
            next_word: Token | None = None) -> str | None:
    """A personal name starting at `i`: a surname and one or two given-name characters.

    Called where the grammar expects a name (after a title, before 同志). jieba segments what follows
    the surname: a two-character word is the given name (林|向东, 沙|万里); a single character is a
    one-character given name unless the next single character can continue it (王|诚|每天 vs
    王|恒|丹|身体). A given name that is a verb or a title (齐|上阵, 任|组长) is no name. Without a
    known surname, a word jieba itself tags as a name (弓晓宇/nr) is accepted unless `strict`. `word` is
    the document-level jieba word at `i`, which sees more context than a window (吴志刚、 vs 吴志|刚);
    `next_word` the one after it.
    """
    sl = surname_length(text, i, lex)
    from_word = None
    if word is not None and word.start == i and word.flag.startswith("nr") and max(sl, 1) < len(word.word) <= 3 \
            and CJK.match(word.word) and not dictionary_non_name(word.word) \
            and (sl or not strict and word.word not in jieba.dt.FREQ):
        from_word = word.word
    from_window = _name_in_window(text, i, sl, lex, strict)
    if from_word and next_word is not None and next_word.start == word.end and len(next_word.word) == 1 \
            and next_word.flag == "v" and jieba.dt.FREQ.get(next_word.word, 0) >= NAME_VERB_FREQ \
            and not text.startswith(grammar.SPEECH, next_word.end):
        return from_word  # 李希/nr|作/v|重要讲话: a common verb after a whole name is no part of it (沈德|咏 is)
    name = max((n for n in (from_word, from_window) if n), key=len, default=None)
    if name and len(name) == 2 and CJK.match(text[i + 2:i + 3] or "x") and text[i + 2] not in ADVERB_AFTER_NAME \
            and text.startswith(NAME_FOLLOWERS, i + 3):
        return text[i:i + 3]  # 李家|超|今日出席: a character between a name and its predicate ends the name
    return name


def _name_in_window(text: str, i: int, sl: int, lex: Lexicons, strict: bool) -> str | None:
    if not sl:
        if strict:
            return None
        toks = posseg.lcut(text[i:i + 6])
        w = toks[0].word if toks else ""
        if toks and toks[0].flag.startswith("nr") and 2 <= len(w) <= 3 and CJK.match(w) and w not in jieba.dt.FREQ:
            return toks[0].word
        return None
    rest = text[i + sl:i + sl + 6]
    toks = [(w, f) for w, f in posseg.lcut(rest)]
    if not toks or not CJK.match(toks[0][0][:1] or "x") or toks[0][0] in NAME_BREAK:
        return None
    w0, f0 = toks[0]
    if len(w0) >= 2:
        given = w0[:2]
        if len(w0) > 2 and not f0.startswith("nr") and not unknown_word(w0):
            return None  # 赖|青足率|同: a word jieba made up of unknown characters begins with the given name
        if given[-1] in NAME_END or given[-1] in GIVEN_NAME_BREAK:
            given = given[0]  # 陈|明说, 刘|洋则: a one-character given name before a verb or an adverb
    else:
        given = w0
        if len(toks) > 1:
            w1 = toks[1][0]
            f1 = toks[1][1]
            if len(w1) == 1 and CJK.match(w1) and w1 not in NAME_BREAK and f1 not in grammar.STOP_FLAGS \
                    and not f1.startswith("v"):
                given = w0 + w1
            elif len(w1) == 2 and unknown_word(w1) and CJK.match(w1) and w1[0] not in NAME_BREAK \
                    and not dictionary_non_name(text[i:i + sl] + w0):  # 主动|领题 is no name
                given = w0 + w1[0]  # 林|渊|淙也|表示, 黄|伟|哲路|平: a made-up word begins with the name's last character
    if given[-1] in NAME_END or not CJK.match(given) or given in lex.roles or _verbish(given):
        return None
    name = text[i:i + sl] + given
    return None if _common_word(name) else name


def unknown_word(word: str) -> bool:
    """A word jieba's dictionary lacks: its HMM joined characters it did not know (淙也, 哲路), and a
    rare given-name character is the likeliest of them."""
    return word not in jieba.dt.FREQ


def dictionary_non_name(word: str) -> bool:
    """凯旋: a frequent dictionary word whose own tag is not a name, whatever jieba guessed in context."""
    return jieba.dt.FREQ.get(word, 0) >= DICTIONARY_WORD_FREQ and not posseg.dt.word_tag_tab.get(word, "").startswith("nr")


def function_word_given(name: str, lex: Lexicons) -> bool:
    """段|之一, 如|附件 (no surname), 何|其中: what follows the surname is a function word in jieba's
    dictionary (a pronoun, locative, conjunction, preposition, particle), which no given
    name is; given names that are content words (建国, 海燕, 国庆) stay names."""
    surname = surname_length(name, 0, lex)
    given = name[surname:] if surname else name[1:]
    return len(given) >= 2 and posseg.dt.word_tag_tab.get(given, "")[:1] in grammar.FUNCTION_FLAGS


def common_verb(word: str, freq: int) -> bool:
    """A word jieba's dictionary tags as a verb and counts at least `freq` times (上阵 275, 回应 548): where a
    name or a title would hold it, it is the clause's predicate."""
    return jieba.dt.FREQ.get(word, 0) >= freq and posseg.dt.word_tag_tab.get(word, "") == "v"


def _common_word(word: str) -> bool:
    """A frequent dictionary word that jieba does not tag as a name (干部, 小组, 凯旋), or a less frequent
    one that is a predicate (简报/v), is no name."""
    freq = jieba.dt.FREQ.get(word, 0) if len(word) == 2 else 0
    tag = posseg.dt.word_tag_tab.get(word, "")
    if freq >= PREDICATE_WORD_FREQ and tag[:1] in ("v", "a", "d") and not tag.startswith("nr"):
        return True  # 副市长|简报: a verb, adjective or adverb of the dictionary, however rare, is no name
    if freq < COMMON_WORD_FREQ:
        return False
    return not posseg.lcut(word)[0].flag.startswith("nr")


def _verbish(word: str) -> bool:
    if len(word) < 2:
        return False
    flag = jieba.dt.FREQ.get(word) and next(iter(posseg.lcut(word)), None)
    return bool(flag) and flag.word == word and flag.flag in ("v", "vd", "ad", "p", "c", "u")


def _clause_start(text: str, end: int, floor: int) -> int:
    i = end - 1
    lo = max(floor, end - MAX_UNIT_CHARS)
    while i >= lo and text[i] not in grammar.CLAUSE_PUNCT and text[i] != grammar.LIST_SEP and not text[i].isspace():
        i -= 1
    return i + 1


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str
    flag: str


def tag(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """jieba words with part-of-speech flags, in `text` coordinates."""
    out, i = [], start
    for w, f in posseg.lcut(text[start:end]):
        out.append(Token(i, i + len(w), w, f))
        i += len(w)
    return out


def _tokens_before(text: str, end: int, floor: int, tokens: list[Token] | None) -> list[Token]:
    start = _clause_start(text, end, floor)
    if start >= end:
        return []
    if tokens is None:
        return tag(text, start, end)
    lo = bisect_right(tokens, start, key=lambda t: t.end)
    hi = bisect_left(tokens, end, lo=lo, key=lambda t: t.start)
    inside = tokens[lo:hi]
    if not inside:
        return []
    first, last = inside[0], inside[-1]
    if first.start < start:
        inside[0] = Token(start, first.end, text[start:first.end], first.flag)
    if last.end > end:
        inside[-1] = Token(last.start, end, text[last.start:end], "n")
    return [t for t in inside if t.end > t.start]


DIRECTION_CHARS = ("东", "南", "西", "北")


def unit_ending_at(text: str, end: int, lex: Lexicons, floor: int = 0,
                   tokens: list[Token] | None = None) -> tuple[int, int] | None:
    """The (start, end) of the unit whose name runs up to `end` (the title's start), or None.

    A verb inside a unit name (指挥中心, 驰援湖北医疗队) is kept; a verb after a complete unit and before
    a place starts the predicate (民政局|下沉元宝区…), and a unit never starts with a verb. `tokens` are
    the jieba words of the document when the caller already has them.
    """
    toks = _tokens_before(text, end, floor, tokens)
    if not toks:
        return None
    keep = len(toks)
    for k in range(len(toks) - 1, -1, -1):
        w, f = toks[k].word, toks[k].flag
        if w in grammar.HOME_PREFIXES:
            keep = k
            break
        bound_prefix = f == "d" and len(w) <= 2 and k + 1 < len(toks) and toks[k + 1].flag.startswith("n")
        if bound_prefix:  # 非|公 (市委非公工委): a one-character adverb before a noun is a bound prefix
            keep = k
            continue
        opening = k == 0 or toks[k - 1].word in grammar.PAUSES
        name_opening = w == CHINA_ABBREVIATION and k == 0 and k + 1 < len(toks) \
            or w in DIRECTION_CHARS and opening and k + 1 < len(toks) and toks[k + 1].flag[:1] == "n"
        if name_opening:  # 中|储粮集团公司, 中|再资源… opening a clause (中 abbreviates 中国 or opens the name),
            # 、南|鲲鯓代天府 opening an item: a locative follows a noun, never nothing
            keep = k
            continue
        if len(w) == 1 and (w in lex.org_suffix_set or w in grammar.VILLAGE_WARD) and (f == "zg" or k == len(toks) - 1 and k > 0):
            keep = k  # 保安|组/zg|科长, 环保|所/c|所长, 三光|里/f: a unit word jieba reads as something else
            continue
        if (k == 0 or toks[k - 1].word in grammar.PAUSES) and w in grammar.ANY_DIVISION_CHARS and k + 1 < len(toks):
            keep = k  # 县|工作专班 opening a clause or an item (、镇|主任科员): the level stands for the one named before
            continue
        if w in grammar.CONJUNCTIONS and _joins_one_name(toks, k, lex):
            keep = k  # 粮食|和|物资储备局, 文化|和|旅游厅: 和 inside one unit's name
            continue
        if w in grammar.CHAIN_BREAK or f in grammar.STOP_FLAGS or not CJK.match(w) and f != "m" and not w.isalnum():
            break
        if f == "m" and w in DATE_UNITS and k > 0 and toks[k - 1].word.isdigit():
            break  # 于2021年1月25日|收到公司: a date stands in no unit's name
        if w in grammar.PEOPLE_MEASURES and k > 0 and toks[k - 1].flag == "m":
            return None  # 邀集5位|专业评选委员: the title counts people, no unit is written before it
        if w in grammar.LIGHT_VERBS and f == "v":
            break  # 领导班子|要|认真学习领会: 要, 是, 有 stand in no unit's name
        if f.startswith("v") and f != "vn":
            left = toks[k - 1] if k > 0 else None
            right = toks[k + 1] if k + 1 < len(toks) else None
            after_unit = left is not None and lex.ends_like_unit(left.word) and left.flag != "ns" \
                and left.word not in grammar.HOME_PREFIXES
            if after_unit and right is not None and right.flag == "ns":
                break
        keep = k
    while keep + 1 < len(toks) and toks[keep].flag.startswith("v") and toks[keep].flag not in ("vn", "vg") \
            and not (len(toks[keep + 1].word) == 1 and toks[keep + 1].word in lex.org_suffix_set):
        keep += 1  # 指示|教育局: a leading verb is the predicate; 感染|科 is a department, 观/vg|旅局 one word
    if keep >= len(toks):
        return None
    while keep < len(toks) and toks[keep].word in grammar.CONJUNCTIONS:
        keep += 1  # 谢某|及|某诊所总经理: a conjunction joins the unit to what stands before it, it opens no name
    if keep >= len(toks):
        return None
    keep = _start_at_division(toks, keep, lex)
    s = _straddled_place(text, toks[keep].start, max(floor, toks[0].start))
    last = toks[-1]
    if last.flag == "v" and len(last.word) >= 2 and jieba.dt.FREQ.get(last.word, 0) >= VERB_FREQ:
        if last.start == s:
            return None  # 担任|执行/v|总干事: a verb alone is no unit
        end = last.start  # 推动中心|执行/v|秘书: a verb before the title is no unit's end (执行 is no 银行)
    run = text[s:end]
    if last.flag == "ns" and last.start > s and not lex.ends_like_unit(run) and lex.ends_like_unit(text[s:last.start]):
        return s, end  # 水保局|台南|分局长: a place after a unit begins the name of the branch the title heads
    if run in grammar.TOWN_CHARS:
        return s, end  # 、镇|主任科员: the town named before (resolved by the unit's reader); 市|议员 is one title
    for cut in range(len(run), max(len(run) - 5, 1), -1):
        if lex.ends_like_unit(run[:cut]) and not _inside_place(toks, s + cut):
            return s, s + cut
    return None


def _straddled_place(text: str, s: int, floor: int) -> int:
    """中|梁|镇党委: where a division's full name runs across the unit's first character (jieba cut 中梁镇 to
    中/f 梁/nr), the unit starts where that name does."""
    gaz = load_gazetteer()
    for k in range(1, MAX_PLACE_CHARS):
        if s - k < floor:
            break
        if any(gaz.is_full_name(text[s - k:s - k + n]) for n in range(k + 1, MAX_PLACE_CHARS + 1)):
            return s - k
    return s


def _inside_place(toks: list[Token], pos: int) -> bool:
    """落实台|南市长: `pos` falls inside a word that names a place (台南), so no unit ends there (台 ends a
    station's name, not 台南's first character)."""
    gaz = load_gazetteer()
    return any(t.start < pos < t.end and gaz.lookup(t.word) for t in toks)


def _joins_one_name(toks: list[Token], k: int, lex: Lexicons) -> bool:
    """和/与/及 at toks[k] joins two nouns inside one unit's name: the word before it is a noun that names
    no unit (粮食, 文化; a fixed phrase too: 自然资源; a verbal noun right after a place: 海南省|旅游,
    not 反应|及社会局), the word after a noun (a verbal noun or a fixed phrase
    too: 旅游, 生态环境), and the name goes on to a unit's ending."""
    if k == 0 or k + 1 >= len(toks):
        return False
    left, right = toks[k - 1], toks[k + 1]
    anchored = k >= 2 and toks[k - 2].flag == "ns"
    return (left.flag.startswith("n") or left.flag == "l" or left.flag == "vn" and anchored) and left.flag != "nr" \
        and (right.flag.startswith("n") or right.flag in ("vn", "l")) \
        and not lex.ends_like_unit(left.word) and left.word not in grammar.HOME_PREFIXES \
        and role_ending_at(left.word, len(left.word), lex) is None  # 甲区长|与|乙区, 区委书记|及|人大: a title
    # ends one post, the conjunction starts the next


def _start_at_division(toks: list[Token], keep: int, lex: Lexicons) -> int:
    """开庭审理|福建省厦门市人大常委会: words before a full division name that do not end like a unit
    (as 中国人民银行|福建省分行 does) or name the party or the state (中共, 国家) are not part of the unit."""
    gaz = load_gazetteer()
    for k in range(keep + 1, len(toks)):
        if toks[k].flag == "ns" and gaz.is_full_name(toks[k].word):
            prefix = "".join(t.word for t in toks[keep:k])
            if lex.ends_like_unit(prefix) or prefix.endswith(grammar.STATE_PREFIXES):
                return keep
            return k
    return keep


# A conjunction never opens a title: after it the unit's name goes on (资讯科技|与通讯系助理教授).
TITLE_NEVER_STARTS = ("与", "和", "及", "暨")


def unit_and_role(phrase: str, lex: Lexicons) -> tuple[str, str] | None:
    """Split an object like 偏头关疫情防控检查站值班组长 into unit and title after a word that ends like
    a unit (检查站), where the rest ends like a title (值班组长): the longest rest that is a known title,
    else the shortest that ends like one."""
    best, known, pos = None, None, 0
    heads = _role_heads(lex)
    for w, f in posseg.lcut(phrase):
        pos += len(w)
        rest = phrase[pos:]
        if (f.startswith("n") or f in ("j", "vn") or w in lex.org_suffix_set) and lex.ends_like_unit(phrase[:pos]) and \
                2 <= len(rest) <= MAX_TITLE_CHARS and rest.endswith(heads) and not rest.startswith(TITLE_NEVER_STARTS):
            best = (phrase[:pos], rest)
            if known is None and rest in lex.roles and not _holds_unit_word(rest, lex):
                known = best  # 警政署|警政委员, not 警政署警政|委员: the longest known title wins
    best = known or best
    if best is not None:
        head, core = split_role(best[1], lex)
        if head:  # 理科|一支部书记 (jieba reads 支部书记 as one word): the party organ belongs to the unit
            best = (best[0] + head, core)
        else:
            dept = department_of_title(best[1], lex)
            best = (best[0] + dept, best[1][len(dept):])
    elif len(phrase) > 3 and phrase[-2:] in lex.roles and grammar.head_of(phrase[-2:]) in lex.org_suffix_set \
            and lex.ends_like_unit(phrase[:-1]):
        if phrase[-3] == phrase[-2]:
            best = (phrase[:-2], phrase[-2:])  # 培训三处|处长: the unit's last character is written twice
        else:
            best = (phrase[:-1], phrase[-2:])  # 体育教研组|长: the title's first character ends the unit
    return best


@lru_cache(maxsize=1)
def _role_heads_cached(roles: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({r[-2:] for r in roles}, key=len, reverse=True))


def _role_heads(lex: Lexicons) -> tuple[str, ...]:
    return _role_heads_cached(lex.roles)
