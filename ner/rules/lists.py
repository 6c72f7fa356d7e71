"""shared_post and listed: several names, one post.

- shared_post `[name]、[name]、[name]等3名[title]` (运城市交通运输局选派李向阳、周海峰、陈立新等3名党员干部):
  the counted list takes the title after it and the clause's unit.
- listed `[title][name]、[name]、[name]` (市议员王家贞、许至椿、陈怡珍): bare names listed after a
  titled one share its post, unless a unit has one holder of that title (市长黄伟哲、叶泽山).
`shared_post_names` tells `ner/rules/persons.py` where the names of a counted list are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhkg.ner.rules import grammar
from zhkg.ner.rules.apposition import title_before
from zhkg.ner.rules.chains import (
    Lexicons,
    Token,
    role_ending_at,
    role_starting_at,
    surname_length,
    unit_ending_at,
)
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals, SharedPost
from zhkg.ner.rules.persons import LAST_ITEM_JOINERS, bare_name
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule, rule_named

# `A、B、C等3名` (等: the count may be larger than the list), or `A、B两位`, `A与B两位` (no 等: the count is
# the list's length, its last item may follow 与/和/及).
LIST_NAMES = re.compile(rf"((?:[\u4e00-\u9fff]{{2,4}}、)*[\u4e00-\u9fff]{{2,4}}[、{LAST_ITEM_JOINERS}][\u4e00-\u9fff]{{2,4}}?)(等)?"
                        r"(\d+|[一二三四五六七八九十两]+|多|数|几|诸)(名|位|个)")
_LAST_JOINER = re.compile(rf"[{LAST_ITEM_JOINERS}](?=[^、{LAST_ITEM_JOINERS}]+$)")
_COUNTS = {ch: n for n, ch in enumerate("一两三四五六七八九", start=1)} | {"二": 2}


def shared_post_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The names of every `A、B、C等3名` list."""
    for m in LIST_NAMES.finditer(src.text):
        for p in list_mentions(m, src.lex):
            yield p, "pattern"


@rule("shared_post", reads="`A、B、C等3名[title]`, the clause's unit", scope="sentence", precedence=10,
      confidence=0.7, names=shared_post_names)
def shared_post(s: Sentence) -> Proposals:
    """`李向阳、周海峰、陈立新等3名党员干部`: each listed name takes the title after the count and the
    unit written earlier in the clause."""
    text, lex = s.text, s.lex
    for m in LIST_NAMES.finditer(text, s.start, s.end):
        role_end = role_starting_at(text, m.end(), lex) or _noun_after(s.tokens, m.end())
        role = text[m.end():role_end] if role_end else None
        if role is None and m.group(2) is None:
            continue  # 甲及乙2名优秀教练: a list without 等 is read only before a title
        unit = clause_unit(s, m.start())
        for p in list_mentions(m, lex):
            yield Proposal(p, role, unit, m.start(), role_end or m.end(), s.index)


def clause_unit(s: Sentence, pos: int, nearest: bool = False) -> tuple[int, int] | None:
    """The first unit (of three characters or more) written in the clause before `pos`, or with `nearest`
    the last: the unit a list of people in that clause belongs to (运城市交通运输局选派A、B等2名干部; a
    roster's title is the post of the unit named just before it)."""
    text, lex = s.text, s.lex
    clause_start = max(s.start, max(text.rfind(c, s.start, pos) for c in "，,；;") + 1)
    for t in (reversed(s.tokens) if nearest else s.tokens):
        if clause_start <= t.start and t.end <= pos and t.word.endswith(lex.org_suffixes):
            unit = unit_ending_at(text, t.end, lex, floor=clause_start, tokens=s.tokens)
            if unit and unit[1] - unit[0] >= 3:
                return unit
    return None


def _noun_after(tokens: list[Token], pos: int) -> int | None:
    """End of the noun that names what a counted list of people are (等3名|党员干部)."""
    nouns = [t for t in tokens if t.start == pos and t.flag in ("n", "nnt") and 2 <= len(t.word) <= 6]
    return nouns[0].end if nouns else None


def list_mentions(m: re.Match, lex: Lexicons) -> list[Mention]:
    """The names of a `A、B、C等3名` or `A与B两位` list; the first item may have swallowed words before it
    (天泽社区的高歌): it is cut to the surname-initial tail as long as the other names."""
    names = m.group(1).split(grammar.LIST_SEP)
    if m.group(2) is None:  # 甲与乙两位: no 等, the count is the list's
        last = _LAST_JOINER.split(names[-1])
        names[-1:] = last
        count = m.group(3)
        if len(names) != (int(count) if count.isdigit() else _COUNTS.get(count)):
            return []
    elif _LAST_JOINER.search(names[-1]):
        return []
    first = names[0]
    width = max(len(n) for n in names[1:])
    if len(first) > width or not surname_length(first, 0, lex):
        tails = [first[k:] for k in range(len(first) - 1) if 2 <= len(first) - k <= width and surname_length(first, k, lex)]
        if not tails:
            return []
        names[0] = tails[0]
    if not all(surname_length(n, 0, lex) and 2 <= len(n) <= 3 for n in names):
        return []
    out, pos = [], m.end(1) - sum(len(n) + 1 for n in names) + 1
    for n in names:
        out.append(Mention(pos, pos + len(n), n))
        pos += len(n) + 1
    return out


@rule("listed", reads="`[title]A、B、C`: bare names after a titled one", scope="mention", precedence=25,
      confidence=0.8, lends_post=True, exclusive=False)
def listed(s: Sentence, p: Mention, made: list[Fact]) -> Proposals:
    """`市议员王家贞、许至椿、陈怡珍` (or `…、许至椿和陈怡珍`): a name no rule gave a post, listed right after
    one whose post is lent, shares it, unless the title is one a unit has a single holder of (市长黄伟哲、叶泽山)."""
    if made or p.start == 0 or s.text[p.start - 1] != grammar.LIST_SEP and not _last_item(s, p):
        return False
    if any(t.start == p.end and t.flag.startswith("n") and len(t.word) > 1
           and (t.end >= s.end or s.text[t.end] in ITEM_CLOSERS) for t in s.tokens):
        return False  # 主委甲、乙|律师，: a noun closing the name's item says what it is (a profession is no
        # post); 甲、乙|建议/n|役男… is the predicate
    shared = False
    for f in s.posts.get(p.start - 1, []):
        if not rule_named(f.rule).lends_post or f.role is None \
                or f.role.endswith(grammar.SINGULAR_HEADS) and not f.role.startswith("副"):
            continue
        yield SharedPost(p, f, p.end, s.index)
        shared = True
    return shared


def _last_item(s: Sentence, p: Mention) -> bool:
    """甲、乙和丙: a name after 和/及/与 that closes a list of names parted by 、 (two names joined by 和
    alone may hold different posts: 记者甲和乙)."""
    if s.text[p.start - 1] not in LAST_ITEM_JOINERS:
        return False
    before = next((q for q in s.people if q.end == p.start - 1), None)
    return before is not None and before.start > 0 and s.text[before.start - 1] == grammar.LIST_SEP


_INTRO = re.compile(rf"[，,]?(?:他们|她们)?(?:{'|'.join(grammar.LIST_INTRODUCERS)})[：:]?")
_RESTATED = re.compile(r"[，,]即|[：:]")
RESTATE_WINDOW = 16
_LIST_END = re.compile(r"[。；;！？!?]|等(?:人|[\d一二三四五六七八九十两多数几]+[名位个人])")
ITEM_CLOSERS = "，、。；,;：:（("
_ITEM_SEP = re.compile(r"[、，,]|以及|和|及|与")


def _title_lists(text: str, start: int, end: int, lex: Lexicons) -> Iterator[tuple[int, int, int, int]]:
    """(title start, title end, list start, list end) of every `[title]，他们依序是甲、乙，以及丙` in
    text[start:end]."""
    for m in _INTRO.finditer(text, start, end):
        rs = role_ending_at(text, m.start(), lex)
        if rs is None or rs < start:
            continue
        ls = m.end()
        again = _RESTATED.search(text, ls, min(end, ls + RESTATE_WINDOW))
        ls = again.end() if again else ls  # 副主席包括了4党州主席，|即|甲、乙
        stop = _LIST_END.search(text, ls, end)
        yield rs, m.start(), ls, stop.start() if stop else end


def title_list_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """The bare names listed after a title and its introducer (评审委员包括陈某、张某): each item whole."""
    text, lex = src.text, src.lex
    for _, _, ls, le in _title_lists(text, 0, len(text), lex):
        pos = ls
        for sep in [*_ITEM_SEP.finditer(text, ls, le), None]:
            item_end = sep.start() if sep else le
            item = text[pos:item_end]
            if 2 <= len(item) <= 3 and bare_name(item, lex, closed=True):
                yield Mention(pos, item_end, item), "pattern"
            pos = sep.end() if sep else le


@rule("title_list", reads="`[title]，他们依序是A、B，以及C`, `[title]包括A、B`", scope="sentence", precedence=12,
      confidence=0.75, names=title_list_names, exclusive=False)
def title_list(s: Sentence) -> Proposals:
    """`总商会选出三名副会长，他们依序是甲、乙，以及丙`: each name that ends an item of the list after the
    title holds it, in the unit written right before the title, else the one the article implies (an item
    may give its own posts too: 土团党柔州主席马兹兰 is also the 副主席 listed)."""
    text, lex = s.text, s.lex
    for rs, re_, ls, le in _title_lists(text, s.start, s.end, lex):
        seg = title_before(text, re_, s.start, s.tokens, lex)  # 希盟柔州|副主席, as an apposition reads it
        if seg is None:
            continue
        unit, role, rs = seg[0], seg[1], seg[2]
        for p in s.people:
            if ls <= p.start and p.end <= le and _ends_item(text, p.end, le):
                yield Proposal(p, role, unit, unit[0] if unit else rs, p.end, s.index)


def _ends_item(text: str, pos: int, le: int) -> bool:
    """A name ends its list item: the list, a separator, a bracket (年龄) or an address form follows."""
    return pos >= le or _ITEM_SEP.match(text, pos) is not None or text[pos] in "(（" \
        or text.startswith(grammar.HONORIFIC_AFTER, pos)
