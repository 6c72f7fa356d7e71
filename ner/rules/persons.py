"""Rule-found personal names: where the grammar says a name must stand.

A surname followed by one or two characters is a name only in context: right after a title
(党支部书记王诚), right before one (习近平总书记, 王某同志), in a list before 等N名, or in a credit. A
statistical `ner` in front of these rules finds names in any context; the rules add the names that sit
in the fact patterns whether or not the model saw them. Each relation rule declares the names its
pattern places (`names` in its registration, see `registry.NameSource`); this module asks them all and
adds what no single rule owns: jieba's person words before a title, an honorific, a rank, speech or a
post verb, the credits, names listed beside a name, and a name's other occurrences. `bare_name` is what
a candidate must be.
"""

from __future__ import annotations

import re

import jieba
import jieba.posseg

from zhkg.ner import words
from zhkg.ner.places.gazetteer import load_gazetteer
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import (
    CJK,
    NAME_END,
    Lexicons,
    Token,
    common_verb,
    dictionary_non_name,
    function_word_given,
    name_at,
    role_ending_at,
    role_starting_at,
    surname_length,
    unknown_word,
)
from zhkg.ner.rules.copula import copula_title
from zhkg.ner.rules.credits import Credit
from zhkg.ner.rules.facts import Mention
from zhkg.ner.rules.registry import RULES, NameSource

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
# Verbs that open a list of names (选举A、B同志为…, 任命, 邀请).
LIST_OPENERS = ("选举", "任命", "提名", "推选", "邀请", "感谢", "看望", "慰问", "陪同", "会见", "包括", "有")
# A dictionary word this frequent, tagged as something else than a name, is that word (严守, 高歌).
WORD_FREQ = 50
NAME_FLAGS = ("nr", "nrfg", "nrt")
# The tags (jieba's first letter) of a name's last character that a name filling its item may still end
# with: adverbs and conjunctions (则, 而), which stand at an item's end only inside a name.
CLOSED_NAME_ENDS = ("d", "c")
SPEECH = grammar.SPEECH
LAST_ITEM_JOINERS = "和及与"  # 甲、乙和丙
GIVEN_FINAL = words.chars("given_final_chars")
# A verb this frequent opens no three-character name (包括|陈, 主持|人): the surname is the verb's.
OPENING_VERB_FREQ = 3000
# A function word this frequent (许多 25,601, 任何 14,635; 万一 1,494) opens no name either.
OPENING_FUNCTION_TAGS = ("m", "r", "d", "c", "p", "f", "b")
OPENING_FUNCTION_FREQ = 1000
# A foreign name transliterated: four to six characters of Xinhua's transliteration tables in a row.
_TRANSLITERATED = re.compile(f"[{words.chars('transliteration_chars')}]+")
MIN_TRANSLITERATED, MAX_TRANSLITERATED = 4, 6


def find_persons(text: str, tokens: list[Token], credits: list[Credit], lex: Lexicons) -> list[Mention]:
    """The names of a text, sorted by start; which step finds a name first does not matter (a span is one
    name whichever finds it), so the rules are asked in registry order."""
    found: dict[tuple[int, int], Mention] = {}
    gaz = load_gazetteer()
    covering = {}
    for t in tokens:
        for k in range(t.start, t.end):
            covering[k] = t

    def add(start: int, name: str, checked: bool = False) -> None:
        end = start + len(name)
        if name and (2 <= len(name) <= 4 or _long_transliterated(name)) and CJK.match(name) and not _place_word(name, text, start, end, gaz) \
                and not opens_with_word(name) and not name.endswith(multi_char_units) and not function_word_given(name, lex) \
                and not _opens_with_city(name, start, covering, gaz) and (checked or _fits_words(start, end, covering)):
            found.setdefault((start, end), Mention(start, end, name))  # 柳营|区长 is the head of 柳营区

    multi_char_units = tuple(u for u in lex.org_suffixes if len(u) >= 2)  # 将军|区公所
    starts = {i for i, ch in enumerate(text) if ch in lex.surnames or text[i:i + 2] in lex.compound_surnames}
    starts.update(t.start for t in tokens if t.flag.startswith("nr"))
    for t in tokens:
        # 习近平/nr is in the dictionary; an unknown word without a surname (天后宫) is no name
        known_name = t.flag in NAME_FLAGS and jieba.dt.FREQ.get(t.word, 0) > 0 and not lex.ends_like_unit(t.word)
        if t.flag.startswith("nr") and 2 <= len(t.word) <= 3 and (surname_length(t.word, 0, lex) or known_name) \
                and not dictionary_non_name(t.word):
            after = text[t.end:t.end + 4]
            if (role_starting_at(text, t.end, lex) is not None
                    or after.startswith((*grammar.HONORIFIC_AFTER, *grammar.RANKS, *SPEECH, *grammar.POST_VERBS))
                    or copula_title(text, t.end, lex)):
                add(t.start, t.word)
    source = NameSource(text, lex, covering, sorted(starts))
    for rule in RULES.values():  # the names each rule's pattern places (李某某（时任…）, A、B等3名, 郑海同志)
        for m, vouch in rule.names(source) if rule.names else ():
            if vouch == "layout":
                found.setdefault((m.start, m.end), m)
            else:
                add(m.start, m.name, checked=vouch == "pattern")
    for c in credits:
        found.setdefault((c.start, c.end), Mention(c.start, c.end, c.name))
    for start, end in transliterated_names(text, lex):
        found.setdefault((start, end), Mention(start, end, text[start:end]))
    for m in sorted(found.values(), key=lambda m: m.start):
        for start, name in list_continuation(text, m.end, lex):
            add(start, name, checked=True)
        for start, name in list_before(text, m.start, lex):
            add(start, name, checked=True)
    _other_mentions(text, found, covering)
    kept = [m for m in found.values() if not _read_as_words(text, m, covering, lex)]
    return _consolidate(text, _consistent_final(text, sorted(kept, key=lambda m: m.start), lex, covering))


def opens_with_word(name: str) -> bool:
    """包括|陈, 许多|人: a three-character "name" whose surname and first given character make a frequent
    verb, or a frequent function word (a numeral, pronoun, adverb, conjunction, preposition, locative:
    许多, 任何, 于是), which no surname and given character are."""
    return len(name) == 3 and (common_verb(name[:2], OPENING_VERB_FREQ) or _function_word(name[:2]))


def _function_word(word: str) -> bool:
    return jieba.posseg.dt.word_tag_tab.get(word, "")[:1] in OPENING_FUNCTION_TAGS \
        and jieba.dt.FREQ.get(word, 0) >= OPENING_FUNCTION_FREQ


def division_before_organ(text: str, start: int, end: int) -> bool:
    """黄狮村|党支部书记: a name-shaped division (jieba's or the model's name) before its party organ."""
    return text[end - 1] in grammar.ANY_DIVISION_CHARS and text.startswith(grammar.PARTY_ORGANS, end)


def _read_as_words(text: str, m: Mention, covering: dict, lex: Lexicons) -> bool:
    """于|黄市长 (under Mayor Huang) and 关心|之 (concerned about): characters that read as words around a
    name-shaped span. A preposition or conjunction jieba reads on its own, before a surname and a title, is
    no surname (the title is the surname's: 黄市长); a frequent dictionary word closed by a particle (之, 的)
    is no name (王羲之 is: 王羲 is no word); nor is a division's name before its party organ."""
    if division_before_organ(text, m.start, m.end):
        return True
    first = covering.get(m.start)
    if m.end - m.start == 2 and first is not None and first.end == m.start + 1 and first.flag in ("p", "c") \
            and text[m.start + 1] in lex.surnames and role_starting_at(text, m.end, lex) is not None:
        return True
    return m.end - m.start == 3 and dictionary_non_name(text[m.start:m.start + 2]) \
        and jieba.posseg.dt.word_tag_tab.get(text[m.start + 2], "")[:1] == "u"


def _long_transliterated(name: str) -> bool:
    """沙鲁丁嘉马 after 拿督: a foreign name longer than any Chinese one."""
    return MIN_TRANSLITERATED <= len(name) <= MAX_TRANSLITERATED and bool(_TRANSLITERATED.fullmatch(name))


def transliterated_names(text: str, lex: Lexicons) -> list[tuple[int, int]]:
    """(start, end) of a foreign name written right after a title (法国外交部长勒德里昂, 南非总统拉马福萨):
    a run of four to six characters all of `transliteration_chars`, which no Chinese name is."""
    out = []
    for m in _TRANSLITERATED.finditer(text):
        if _long_transliterated(m.group()) and role_ending_at(text, m.start(), lex) is not None \
                and not dictionary_non_name(m.group()):
            out.append((m.start(), m.end()))
    return out


def _other_mentions(text: str, found: dict[tuple[int, int], Mention], covering: dict) -> None:
    """A name found where the grammar put it (教授王立新) is the same name where it stands alone later
    (王立新历任…): every other occurrence becomes a mention too, unless it lies inside another mention
    or, for a two-character name, inside a longer word (高歌|猛进). Longer names go first, so that 王小林
    written again is 王小林, not 小林 (in set order the build depended on the hash seed)."""
    taken = [(m.start, m.end) for m in found.values()]
    names = {m.name for m in found.values() if CJK.match(m.name) and (2 <= len(m.name) <= 4 or _long_transliterated(m.name))}
    for name in sorted(names, key=lambda n: (-len(n), n)):
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


def bare_name(cand: str, lex: Lexicons, closed: bool = False) -> bool:
    """A surname and a given name that make no dictionary word, no place, no unit and open with no title
    (董事|兼总裁) or a frequent verb (包括|陈); `closed`: the name
    fills a list item, so its last character may be an adverb or a conjunction that mostly ends no name
    (林政则,), never a verb or a measure word (蔡琼|说, 齐上|阵)."""
    return bool(CJK.match(cand)) and surname_length(cand, 0, lex) > 0 and cand[0] not in grammar.NAME_LEFT_WORDS \
        and cand[0] not in grammar.RANK_PREFIXES and cand[-1] not in grammar.RANK_PREFIXES \
        and cand[1:] not in lex.roles and cand[:2] not in lex.roles and cand[1:] not in grammar.TITLE_MODIFIERS \
        and cand[1:] not in grammar.ACTING_PREFIXES \
        and not opens_with_word(cand) and cand not in grammar.TITLE_MODIFIERS \
        and (cand[-1] not in NAME_END or closed and jieba.posseg.dt.word_tag_tab.get(cand[-1], "")[:1] in CLOSED_NAME_ENDS) \
        and not dictionary_non_name(cand) and not lex.ends_like_unit(cand) \
        and not load_gazetteer().lookup(cand)


def list_before(text: str, pos: int, lex: Lexicons) -> list[tuple[int, str]]:
    """`选举孙某、郑某同志为…`: bare names listed before a name, each between 、 and 、 (the first one
    after the verb, punctuation, conjunction or unit that opens the list)."""
    out = []
    while pos > 1 and text[pos - 1] == grammar.LIST_SEP:
        m = _CJK_TAIL.search(text, max(0, pos - 12), pos - 1)
        if not m:
            break
        chunk = m.group()
        name = next((chunk[-n:] for n in (3, 2) if len(chunk) >= n and bare_name(chunk[-n:], lex)
                     and (len(chunk) == n or chunk[:-n].endswith(LIST_OPENERS) or lex.ends_like_unit(chunk[:-n]))),
                    None)  # 县工作专班|甲、乙: a unit may open the list too
        if name is None:
            break
        pos = pos - 1 - len(name)
        out.append((pos, name))
        if len(chunk) > len(name):
            break
    return out


def list_continuation(text: str, pos: int, lex: Lexicons) -> list[tuple[int, str]]:
    """`市议员王家贞、许至椿、陈怡珍…`: bare names listed after a name, each between 、 and 、 (the last
    one up to the punctuation or conjunction that closes the list, and one more after 和, 及 or 与)."""
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
        if not four and (not 2 <= len(name) <= 3 or not bare_name(name, lex)):
            break  # a four-character item (施余兴望, 颖艾达利) counts in a list that already holds names
        out.append((pos + 1, name))
        pos = pos + 1 + len(name)
        if cut < len(chunk):
            last = name_at(text, pos + 1, lex) if chunk[cut] in LAST_ITEM_JOINERS else None
            if last and bare_name(last, lex):
                out.append((pos + 1, last))  # 甲、乙和丙: the name after the conjunction closes the list
            break
    return out


def _place_word(name: str, text: str, start: int, end: int, gaz) -> bool:
    """A name that is a place: a division's full name, the short name of a county or anything above
    (柳营 of 奇美医疗财团法人柳营奇美医院), or one that reads as a division with the next character
    (柳营|区长 is the head of 柳营区)."""
    if gaz.is_full_name(name) or gaz.is_full_name(text[start:end + 1]):
        return True
    return any(d.level != "town" for d in gaz.lookup(name))


def _opens_with_city(name: str, start: int, covering: dict, gaz) -> bool:
    """高市|新市长: a name whose first two characters are a city's two-character form ending with its
    level (高市 is Kaohsiung, 南市 Tainan), read as a place word by the tokenizer, is that place and the next
    word (黄山|忠 keeps its name: 黄山 is no such form)."""
    token = covering.get(start)
    return len(name) > 2 and token is not None and token.start == start and token.word == name[:2] \
        and token.flag == "ns" and name[1] in grammar.DIVISION_CHARS \
        and any(d.level in ("province", "prefecture") for d in gaz.lookup(name[:2]))


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


def _consistent_final(text: str, mentions: list[Mention], lex: Lexicons, covering: dict) -> list[Mention]:
    """张振|和承担…, 张振|和几位…: a two-character name that the same `given_final_chars` character (和, 能,
    来) follows wherever the document writes it, two times or more and before different words, ends with
    that character (张振和): a conjunction or a modal would not follow a name every time, nor a name
    stand before one."""
    starts = {m.start for m in mentions}
    longer_of: dict[str, str | None] = {}  # each name decided once
    out = []
    for m in mentions:
        if len(m.name) == 2 and m.end < len(text) and text[m.end] in GIVEN_FINAL:
            if m.name not in longer_of:
                longer = m.name + text[m.end]
                spots = [o.start() for o in re.finditer(re.escape(m.name), text)]
                after = {text[i + 3:i + 4] for i in spots}
                whole = len(spots) >= 2 and len(after) >= 2 and bare_name(longer, lex, closed=True) \
                    and all(text.startswith(longer, i) and not _name_at(i + 3, starts, covering) for i in spots)
                longer_of[m.name] = longer if whole else None
            if longer_of[m.name]:
                m = Mention(m.start, m.end + 1, longer_of[m.name])
        out.append(m)
    return out


def _name_at(pos: int, starts: set[int], covering: dict) -> bool:
    """A name starts at `pos`: found there, or a word jieba tags as a name."""
    word = covering.get(pos)
    return pos in starts or word is not None and word.start == pos and word.flag.startswith("nr")


def _fits_words(start: int, end: int, covering: dict) -> bool:
    """A name is not part of a longer word (加足|马力) nor a whole word of another kind (严守/a, 包联/ns)."""
    last = covering.get(end - 1)
    if last is not None and last.end > end and not unknown_word(last.word):
        return False  # jieba's made-up words (哲路, 淙也) may end a name
    first = covering.get(start)
    if first is not None and first.start == start and first.end == end and not first.flag.startswith("nr"):
        known = jieba.dt.FREQ.get(first.word, 0) >= WORD_FREQ
        return not known and first.flag not in ("ns", "nt", "m")
    return True
