"""filled_by: `[新任][unit][title]为[name]`, `[unit][title]一职由[name]接任`: the post first, then who holds it.

Reshuffle notices and profiles name a post and then its holder: 新任外交部长为某某、新任国防部长为某某;
现任会长是某某; 局长一职由副局长某某接任. The post is the whole clause before the copula (为, 是) or before
由, a status word opening it (新任, 现任) and a post word closing it (一职, 职) aside; the name must close
its clause (某某、, 某某。) after a copula, since 市长为某某颁奖 is a mayor presenting an award; after 由
the name is the last one before a post verb that closes the clause (由外交部长某某接任: the title
before the name is that person's other post, which the other rules read).
"""

from __future__ import annotations

from collections.abc import Iterator

from zhkg.ner import words
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import role_ending_at
from zhkg.ner.rules.facts import Mention, Proposals
from zhkg.ner.rules.persons import bare_name
from zhkg.ner.rules.post_verb import post_titles
from zhkg.ner.rules.registry import NameSource, Sentence, Vouch, rule

COPULAS = words.words("filled_copula")
OPENER = words.word("filled_by_opener")
ADVERBS = words.chars("filled_by_adverb")
# The post verbs that close `由[name]…` (two characters: 由某某任 is rarely written), with their status.
FILL_VERBS = tuple(v for v in grammar.POST_VERBS if len(v) == 2 and grammar.STATUS_OF.get(v) != "former")
_SHORT_POST_WORD = "职"  # 主委职由某某接任
_CLOSERS = grammar.CLAUSE_PUNCT | {grammar.LIST_SEP}
_STATUS_OPENERS = words.words("filled_status_opener")


def _closes(text: str, pos: int, limit: int) -> bool:
    """A name's clause ends at `pos` (after an honorific or 同志)."""
    for word in (grammar.COMRADE, *grammar.HONORIFIC_AFTER):
        if text.startswith(word, pos):
            pos += len(word)
            break
    return pos >= limit or text[pos] in _CLOSERS


def _post_before(text: str, end: int, floor: int, lex) -> tuple[int, int, str | None] | None:
    """The post a clause names right before `end`: (start, end, status) with its status word and post word
    left out; None unless it ends with a title."""
    for closing in (*grammar.POST_WORDS, _SHORT_POST_WORD):
        if text.startswith(closing, end - len(closing)) and role_ending_at(text, end - len(closing), lex) is not None:
            end -= len(closing)
            break
    title = role_ending_at(text, end, lex)
    if title is None:
        return None
    start = end
    while start > floor and text[start - 1] not in _CLOSERS:
        start -= 1
    if title < start:
        return None
    status = None
    found = [(text.find(w, start, title), w) for w in _STATUS_OPENERS]
    at, opener = max(((i, w) for i, w in found if i >= 0), default=(-1, None))
    if opener:
        start = at + len(opener)  # 包括|新任|副市长将由…: the post opens after its status word
        status = grammar.STATUS_OF.get(opener) or "current"
    return (start, end, status) if end - start >= 2 else None


def filled_names(src: NameSource) -> Iterator[tuple[Mention, Vouch]]:
    """A name right after `[title]为`/`[title]是` that closes its clause (新任部长为某某、…)."""
    text, lex = src.text, src.lex
    for i in src.surname_starts:
        if i < 3 or text[i - 1] not in COPULAS or role_ending_at(text, i - 1, lex) is None:
            continue
        for n in (3, 2):  # the name is what the clause's end bounds (为某某、)
            name = text[i:i + n]
            if bare_name(name, lex) and _closes(text, i + n, len(text)):
                yield Mention(i, i + n, name), "words"
                break


@rule("filled_by", reads="`新任[unit][title]为[name]`, `[title]一职由[name]接任`", scope="mention", precedence=26,
      confidence=0.8, exclusive=False, names=filled_names)
def filled_by(s: Sentence, p: Mention, made: list) -> Proposals:
    """The post named before `p` and linked to it by a copula or by 由 … [post verb]."""
    text, lex = s.text, s.lex
    if p.start - 1 > s.start and text[p.start - 1] in COPULAS and _closes(text, p.end, s.end):
        post = _post_before(text, p.start - 1, s.start, lex)
        if post:
            yield from post_titles(s, post[0], post[1], p, post[0], p.end, post[2])
        return
    verb = next((v for v in FILL_VERBS if text.startswith(v, p.end)), None)
    if verb is None or not _closes(text, p.end + len(verb), s.end):
        return
    by = text.rfind(OPENER, s.start, p.start)
    if by <= s.start or any(ch in _CLOSERS for ch in text[by:p.start]) \
            or any(q is not p and by < q.start < p.start for q in s.people):
        return
    post_end = by
    while post_end > s.start and text[post_end - 1] in ADVERBS:
        post_end -= 1  # 新任副市长|将|由某某升任
    post = _post_before(text, post_end, s.start, lex)
    if post:
        status = grammar.STATUS_OF.get(verb) or post[2]
        yield from post_titles(s, post[0], post[1], p, post[0], p.end + len(verb), status)
