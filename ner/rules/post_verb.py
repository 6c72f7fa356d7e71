"""post_verb: `[name]…担任/任/兼任/调任/原任/时任[unit][title]`, a post stated with a verb.

去年，刘建华调任汾阳市公安局局长: the subject is the last name before the verb, or in a sentence
about 他/她 the person named just before; the verb gives the status (调任 new, 原任 former,
不再担任…职务 former). `post_object` and `post_titles` read `[unit][title]、[title]` objects and are
shared by the bracket, appointment and profile rules (their proposals are those rules').
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from zhkg.ner import words
from zhkg.ner.places.gazetteer import load_gazetteer
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import (
    CJK,
    Lexicons,
    Token,
    common_verb,
    role_ending_at,
    role_starting_at,
    split_role,
    surname_length,
    unit_and_role,
)
from zhkg.ner.rules.facts import Fact, Mention, Proposal, Proposals
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule
from zhkg.ner.rules.units import is_state, unit_for_title

# What may stand between the last name of a subject list and its verb: 等7名同志, 同志, 先生.
_SUBJECT_TAIL = re.compile(rf"(?:{grammar.SUBJECT_COUNT}(?:\d+|[{words.chars('numeral_chars')}]+)?[{words.chars('person_counter')}]?)?"
                           rf"(?:{grammar.COMRADE}|{'|'.join(grammar.HONORIFIC_AFTER)})?")
# A name opening a clause of a notice, right before its post verb (夏某某任…公司总经理): jieba may have
# joined the name's last character and the verb into a word (胜|任 → 胜任), so the clause bounds the name.
_NOTICE_VERBS = sorted(grammar.NOTICE_VERBS, key=len, reverse=True)
SINGLE_VERB = _NOTICE_VERBS[-1]  # 任: the one-character verb a name's last character may have been read into
# An adverb may stand between the subject and the verb (某某将担任): it ends the name.
_ADVERB = re.compile(f"(?:{'|'.join(words.words('subject_adverb'))})?")
CAREER_OPENERS = words.words("career_opener")
_TAKING_UP = words.with_value("subject_adverb", "new")
_CLAUSE_SUBJECT = re.compile(rf"(?:^|(?<=[。；;：:\n，,]))\s*((?:[\u4e00-\u9fff]{{2,4}}、)*[\u4e00-\u9fff]{{2,4}}?)"
                             rf"(?={_SUBJECT_TAIL.pattern}{_ADVERB.pattern}(?:{'|'.join(_NOTICE_VERBS)}))")


def clause_subjects(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """Names opening a clause right before a post verb whose object ends with a known title (a list of
    them too: 甲、乙当选副会长); every item must start with a surname."""
    text, lex = src.text, src.lex
    for m in _CLAUSE_SUBJECT.finditer(text):
        verb_at = _ADVERB.match(text, _SUBJECT_TAIL.match(text, m.end()).end()).end()
        verb = next((v for v in _NOTICE_VERBS if text.startswith(v, verb_at)), None)
        if verb is None or not object_titled(text, verb_at + len(verb), lex):
            continue
        items, pos = [], m.start(1)
        for name in m.group(1).split(grammar.LIST_SEP):
            given = len(name) - surname_length(name, 0, lex)
            if not CJK.fullmatch(name) or not 1 <= given <= 2 or given == len(name):
                break
            items.append(Mention(pos, pos + len(name), name))
            pos += len(name) + 1
        else:
            for p in items:
                yield p, "pattern"


def object_titled(text: str, obj: int, lex: Lexicons) -> bool:
    """The object of a post verb, up to the clause's end (or 职务), ends with a known title."""
    stop = obj
    while stop < len(text) and text[stop] not in grammar.CLAUSE_PUNCT and text[stop] != grammar.LIST_SEP:
        stop += 1
    for closing in grammar.POST_WORDS:
        if text.startswith(closing, stop - len(closing)):
            stop -= len(closing)
    start = role_ending_at(text, stop, lex)
    return start is not None and start >= obj


SINCE = words.chars("post_since")
# A verb this frequent written between a post verb and a title belongs to the title (担任执行总干事).
TITLE_VERB_FREQ = 100


@rule("post_verb", reads="`[name]…担任/任/调任/原任/时任[unit][title]`", scope=("sentence", "antecedent"),
      precedence=40, confidence=0.8, names=clause_subjects)
def post_verb(s: Sentence) -> Proposals:
    """`…担任[unit][title]`: the subject is the last name before the verb (with the names listed before it:
    甲、乙、丙当选副会长), or in the antecedent scope the person named in an earlier sentence that 他/她
    refers to (the evidence is then this sentence)."""
    text = s.text
    for t, verb in _verb_tokens(text, s.start, s.end, s.tokens, s.people):
        subject = s.people if s.antecedent else [p for p in s.people if p.end <= t.start]
        if not subject:
            continue
        if text[t.start - 1:t.start] in SINCE and subject[-1].end != t.start - 1:
            continue  # 某某议员协助…，所以自|就任市长后: the time clause's subject is the speaker, not 某某
        for p in _subject_list(text, subject, t.start) if not s.antecedent else subject[-1:]:
            yield from _post_of(s, p, t, verb)


def _subject_list(text: str, subject: list[Mention], verb_start: int) -> list[Mention]:
    """The last name before the verb, and when it stands right before the verb (甲、乙、丙当选, 甲、乙等3名
    同志当选) the names listed before it with 、/和/及."""
    last = subject[-1]
    tail = _SUBJECT_TAIL.match(text, last.end)
    if tail.end() != verb_start:
        return [last]
    group = [last]
    for q in reversed(subject[:-1]):
        if text[q.end:group[0].start] in (grammar.LIST_SEP, *grammar.CONJUNCTIONS):
            group.insert(0, q)
        else:
            break
    return group


def _post_of(s: Sentence, p: Mention, t: Token, verb: str) -> Proposals:
    """The posts after one verb token, for one subject."""
    text = s.text
    end = t.end
    while end < s.end and text[end] not in grammar.CLAUSE_PUNCT and text[end] not in "的后时期间" \
            and not text.startswith(grammar.POSTS_CLOSING, end):
        end += 1
    status = grammar.STATUS_OF.get(verb, "current")
    if status == "current" and text[max(s.start, t.start - 2):t.start].endswith(_TAKING_UP):
        status = "new"  # 将担任, 拟担任: a post being taken up
    if text[max(s.start, t.start - 2):t.start] in grammar.POST_ENDED or text.startswith(grammar.POST_PERIOD, end):
        status = "former"  # 不再担任…职务, 任…期间
    start = s.start if s.antecedent else p.start
    part_start = t.end + (1 if text.startswith(grammar.POST_COPULA, t.end) else 0)  # 当选为副会长
    obj = text[part_start:end]
    for closing in grammar.POST_WORDS:
        if obj.endswith(closing) and len(obj) > len(closing) + 1:
            end -= len(closing)  # …党组书记职务: the word for "post" closes the object
            break
    for part in re.split(r"(?<=.)兼(?=.)", text[part_start:end]):
        yield from post_titles(s, part_start, part_start + len(part), p, start, end, status)
        part_start += len(part) + 1


def _verb_tokens(text: str, s0: int, s1: int, tokens: list[Token],
                 people: list[Mention] = ()) -> list[tuple[Token, str]]:
    """The post verbs of a sentence with their tokens: jieba's words, two-character verbs written
    in the text where jieba cut them (曾|任原), and 任 right after a name (夏某胜|任, where jieba read 胜任)."""
    verbs = sorted(grammar.POST_VERBS, key=len, reverse=True)
    found: dict[int, tuple[Token, str]] = {}
    for t in tokens:
        verb = next((v for v in verbs if t.word == v or (t.word.endswith(v) and len(v) >= 2)), None)
        if verb is not None:
            found[t.end] = (t, verb)
    for verb in (v for v in verbs if len(v) == 2):
        for m in re.finditer(verb, text[s0:s1]):
            end = s0 + m.end()
            shorter = end in found and len(found[end][1]) < len(verb)  # 曾|任: jieba's 任, the text's 曾任
            if (end not in found or shorter) \
                    and not any(t.start < s0 + m.start() < t.end - 1 for t, _ in found.values()):
                found[end] = (Token(s0 + m.start(), end, verb, "v"), verb)
    single = SINGLE_VERB
    for p in people:
        end = p.end + (len(grammar.COMRADE) if text.startswith(grammar.COMRADE, p.end) else 0)
        if text.startswith(single, end) and end + 1 not in found and not text.startswith(single * 2, end):
            found[end + 1] = (Token(end, end + 1, single, "v"), single)
    return [found[k] for k in sorted(found)]


# Words joining two units or two posts inside one object of a post verb.
UNIT_JOINER = re.compile(r"以及|[暨和及与]")


def post_titles(s: Sentence, o0: int, o1: int, p: Mention, start: int, end: int,
                status: str | None) -> Proposals:
    """`担任[unit]党组书记、总队长`: titles coordinated after the first share its unit; a coordinated
    `[unit][title]` brings its own. The evidence runs from `start` to `end`; status None is the rule's."""
    text, lex = s.text, s.lex
    first, *rest = text[o0:o1].split(grammar.LIST_SEP)
    fact = yield from _joined_objects(s, o0, o0 + len(first), p, start, end, status)
    pos = o0 + len(first) + 1
    for title in rest:
        if fact is None or not title:
            return
        title_end = role_starting_at(text, pos, lex)
        joiner = UNIT_JOINER.search(text, pos, pos + len(title))
        if title_end == pos + len(title):
            yield _shared_title(s, fact, title, p, start, end)
        elif joiner and title_end == joiner.start():
            # 董事长、董事及董事会审计委员会委员: a bare title shares the unit, the post after 及 has its own
            yield _shared_title(s, fact, text[pos:title_end], p, start, end)
            fact = yield from _joined_objects(s, joiner.end(), pos + len(title), p, start, end, status)
        elif (department := _department_of_government(s, fact, p, pos, pos + len(title), end)) is not None:
            fact = yield department  # 嘉义县政府秘书、农业处科长: the department is that government's
        else:  # 粮食局局长、市政协人口资源环境委员会主任: a title with its own unit
            fact = yield from _joined_objects(s, pos, pos + len(title), p, start, end, status)
        pos += len(title) + 1


def _department_of_government(s: Sentence, fact: Fact, p: Mention, o0: int, o1: int, end: int) -> Proposal | None:
    """`某县政府秘书、农业处科长`: an item whose unit names no place, listed right after a post in a local
    government, is held in a department of that government (not of the home city's)."""
    if not fact.unit or not fact.unit.endswith(grammar.GOVERNMENT):
        return None
    split = unit_and_role(s.text[o0:o1], s.lex)
    if split is None or load_gazetteer().lookup(split[0][:2]) or grammar.ANAPHOR.match(split[0]):
        return None
    return Proposal(p, split[1], None, fact.start, end, s.index, fact.status, fact.unit + split[0])


def _shared_title(s: Sentence, fact: Fact, title: str, p: Mention, start: int, end: int) -> Proposal:
    """A bare title coordinated after a post: held in that post's unit (党组书记、总队长)."""
    unit = unit_for_title(fact.unit, title, s.lex) if fact.unit else None
    return Proposal(p, title, (fact.unit_start, fact.unit_end) if unit else None, start, end, s.index,
                    fact.status, unit)


def _joined_objects(s: Sentence, o0: int, o1: int, p: Mention, start: int, end: int,
                    status: str | None) -> Generator[Proposal, Fact | None, Fact | None]:
    """`工学院暨电机资讯学院院长`: two units joined by 暨/和/及 share the title after the second;
    `行政院科技顾问和总统府国策顾问`: two whole posts joined the same way are two objects. Else one object."""
    text, lex = s.text, s.lex
    m = UNIT_JOINER.search(text, o0, o1)
    if m and m.start() > o0 + 1 and m.end() < o1 - 1:
        left, right = (o0, m.start()), (m.end(), o1)
        left_titled = role_ending_at(text, left[1], lex) is not None and role_ending_at(text, left[1], lex) > left[0]
        if left_titled:
            first = yield from post_object(s, *left, p, start, end, status)
            bare_end = role_starting_at(text, right[0], lex)
            after = UNIT_JOINER.match(text, bare_end) if bare_end is not None else None
            if first is not None and first.unit and bare_end is not None and (bare_end == right[1] or after):
                # 战略委员会主任委员和委员及…: a bare title after the joiner shares the post's unit
                yield _shared_title(s, first, text[right[0]:bare_end], p, start, end)
                if after is None or after.end() >= o1 - 1:
                    return first
                second = yield from _joined_objects(s, after.end(), o1, p, start, end, status)
                return second or first
            second = yield from _joined_objects(s, *right, p, start, end, status)
            return second or first
        if lex.ends_like_unit(text[left[0]:left[1]]):
            second = yield from post_object(s, *right, p, start, end, status)
            if second is not None:
                yield Proposal(p, second.role, left, start, end, s.index, second.status)
            return second
    return (yield from post_object(s, o0, o1, p, start, end, status))


def post_object(s: Sentence, o0: int, o1: int, p: Mention, start: int, end: int,
                status: str | None) -> Generator[Proposal, Fact | None, Fact | None]:
    """One object of a post verb: `[unit][title]`, split after the last unit word, else at the title;
    returns the fact it became."""
    text, lex = s.text, s.lex
    if any(o0 <= q.start < o1 for q in s.people if q is not p):
        return None  # 甲委|任|乙为…: an object holding another name is no post of the subject's
    split = unit_and_role(text[o0:o1], lex)
    if split:
        u, r = split
        return (yield Proposal(p, r, (o0, o0 + len(u)), start, end, s.index, status))
    rs = role_ending_at(text, o1, lex)
    if rs is not None and rs >= o0:
        head, core = split_role(text[rs:o1], lex)
        unit = (o0, rs + len(head)) if rs + len(head) > o0 else None
        if unit and not head and common_verb(text[unit[0]:unit[1]], TITLE_VERB_FREQ):
            unit, core = None, text[o0:o1]  # 担任|执行总干事: a verb before the title is the title's (执行 is no 银行)
        if unit and not lex.ends_like_unit(text[unit[0]:unit[1]]) and not _state_branch(text[unit[0]:unit[1]]):
            return None
        return (yield Proposal(p, core, unit, start, end, s.index, status))
    return None


def _state_branch(unit: str) -> bool:
    """希盟|柔州: a party or coalition's branch in a state, written party first."""
    return any(len(unit) - n >= 2 and is_state(unit[-n:]) for n in range(2, 5))


def zero_subject(text: str, s0: int) -> bool:
    """A sentence opening with a career verb (`career_opener`: 历任…, 曾任…) states the posts of the person the
    paragraph is about, whose name it leaves out."""
    return text[s0:s0 + 4].lstrip().startswith(CAREER_OPENERS)


def pronoun_subject(text: str, s0: int, s1: int) -> bool:
    """A sentence about 他/她 that names a post: its subject is the person named just before."""
    head = text[s0:min(s1, s0 + 6)]
    return ("他" in head or "她" in head) and any(v in text[s0:s1] for v in grammar.POST_VERBS if len(v) == 2)
