"""Undo the damage that converters leave in Chinese news before it is tagged.

Four transformations, in this order, each with an offset map so that every span of the result points
back into the text as it was read:

1. Mis-decoded GBK runs. In the seeds a GBK byte stream was cut inside a character: the orphaned lead
   byte came out as ``?`` (sometimes swallowing a following ``(``), and the rest was decoded one byte out
   of step until a trail byte in the ASCII range (``^ h T``...) brought the decoder back in step, e.g.
   ``目標?!毙酶畢^`` for ``目標。”忻府區``. Re-encoding the run, putting an unknown byte back in place
   of the ``?`` and decoding in step recovers everything but the character whose lead byte was lost;
   that one is guessed from its known trail byte by character frequency and dictionary context, and
   left as ``〓`` (flagged) when no guess clearly wins. A run whose repair does not score clearly better
   than the original, or which cannot be decoded at all, is kept and flagged.
2. Pinyin inserted after characters (``醫(yī)院``), removed when the parenthesis holds pinyin: tone marks,
   or toneless syllables of valid shape. ``(扩大)``, ``(2020)`` and ``(ABC)`` stay.
3. Line breaks that cut a word (``管爱国先\n生``, where a PDF or an editor wrapped at a fixed width) are
   taken out: between Han characters, after a line of 20 characters or more, where jieba's dictionary
   words run across the break.
4. Traditional folded to Simplified with OpenCC ``t2s``, whose dictionaries keep string length, so this
   step needs no map; a conversion that changes length falls back to converting line by line, then
   character by character.

Frequencies come from jieba's own dictionary (characters weighted by word frequency, punctuation ratios
measured on People's Daily 1998), loaded once and only when a suspected run needs scoring.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

GETA = "〓"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # in patterns only: the engine reads the escapes
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PY_TOKEN = f"[a-z{_TONED}]{{1,6}}"

_PINYIN = re.compile(rf"(?<=[{_HAN}])\(({_PY_TOKEN}(?:[ ']{_PY_TOKEN}){{0,3}})\)")
_SYLLABLE = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un"
    r"|ue|ve|vn|a|o|e|i|u|v)|ng|m|n)+"
)

# A suspected run: a `?` right after a Han character, optional pinyin debris `shù)` left by an annotation
# whose `(` the orphan byte swallowed, GBK double-byte characters (ASCII ! , : ; ? are full-width forms
# folded by an earlier converter), and optionally the ASCII trail byte that ended it.
_RUN_AT = re.compile(
    rf"\?(?P<junk>[a-z{_TONED}]{{1,6}}\))?"
    r"(?P<body>(?:[!,:;?]|[^\x00-\x7f\s])(?:[!,:;]|[^\x00-\x7f\s]|\?(?![\s]|$)){0,39})"
    r"(?P<term>[\x40-\x7e])?"
)
_RUN = re.compile(rf"(?<=[{_HAN}])" + _RUN_AT.pattern)  # a run starts after a Han character
_FULLWIDTH = {"!": "！", ",": "，", ":": "：", ";": "；"}
_PUNCT_PER_DE = {  # occurrences per occurrence of 的, People's Daily 1998
    "，": 1.334, "。": 0.630, "、": 0.301, "“": 0.128, "”": 0.129, "：": 0.047, "；": 0.039,
    "《": 0.034, "》": 0.034, "—": 0.035, "（": 0.022, "）": 0.021, "·": 0.016, "？": 0.011,
    "…": 0.009, "！": 0.005, "‘": 0.001, "’": 0.001,
}
_GARBLED_BELOW = 9.0  # mean log-frequency under which an unrepairable run is reported; news text is ~11
_MARGIN = 1.0  # mean log-frequency gain a repair needs over the run as found
_GUESS_MARGIN = math.log(3)  # a guessed character must be three times as likely as the runner-up
_PUNCT_BONUS = 3.0  # punctuation clusters: 。” and ”“ are common, 。常 is not


@dataclass
class Damage:
    start: int
    end: int
    kind: str  # "repaired" | "garbled"
    original: str
    replacement: str | None


@dataclass
class Normalized:
    original: str
    text: str
    damage: list[Damage]
    _starts: list[int] = field(repr=False, default_factory=list)
    _ends: list[int] = field(repr=False, default_factory=list)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Span in ``text`` -> span in ``original``; a character rebuilt from a repair maps to the
        garbled characters that held its bytes, a removed annotation is inside any span across it."""
        if end <= start:
            pos = self._starts[start] if start < len(self._starts) else len(self.original)
            return pos, pos
        return self._starts[start], self._ends[end - 1]

    def is_damaged(self, start: int, end: int) -> bool:
        return any(d.kind == "garbled" and d.start < end and start < d.end for d in self.damage)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(s: str) -> str:
    """Length-preserving Traditional -> Simplified fold."""
    out = _converter().convert(s)
    if len(out) == len(s):
        return out
    if "\n" in s:
        return "\n".join(to_simplified(line) for line in s.split("\n"))
    return "".join(c2 if len(c2 := _converter().convert(c)) == 1 else c for c in s)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, float], frozenset[str]]:
    import jieba

    chars: dict[str, int] = {}
    words = set()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            word, freq, _ = line.split(" ", 2)
            for ch in word:
                chars[ch] = chars.get(ch, 0) + int(freq)
            if 2 <= len(word) <= 4:
                words.add(word)
    de = chars["的"]
    for ch, ratio in _PUNCT_PER_DE.items():
        chars[ch] = int(de * ratio)
    return {ch: math.log(n + 1) for ch, n in chars.items()}, frozenset(words)


@lru_cache(maxsize=65536)
def _logf(ch: str) -> float:
    return _lexicon()[0].get(to_simplified(ch), 0.0)


def _score(s: str) -> float:
    """Mean log frequency plus a bonus per character covered by a dictionary word."""
    simple = to_simplified(s)
    logs, words = _lexicon()
    covered = set()
    for n in (2, 3, 4):
        for i in range(len(simple) - n + 1):
            if simple[i : i + n] in words:
                covered.update(range(i, i + n))
    return (sum(logs.get(c, 0.0) for c in simple) + 2.0 * len(covered)) / max(len(simple), 1)


def _encode(s: str) -> list[int | None] | None:
    out: list[int | None] = []
    for ch in s:
        if ch == "?":
            out.append(None)
            continue
        try:
            out.extend(_FULLWIDTH.get(ch, ch).encode("gbk"))
        except UnicodeEncodeError:
            return None
    return out


@lru_cache(maxsize=4096)
def _guess(pair: tuple[int | None, int | None], before: str, after: str) -> tuple[str, bool]:
    """Best character for a double byte with one byte unknown, and whether it clearly wins;
    ``before``/``after`` are the neighbouring characters."""
    lead, trail = pair
    options = range(0x81, 0xFF) if lead is None else [*range(0x40, 0x7F), *range(0x80, 0xFF)]
    scored = []
    for b in options:
        try:
            ch = bytes([b, trail] if lead is None else [lead, b]).decode("gbk")
        except UnicodeDecodeError:
            continue
        clustered = ch in _PUNCT_PER_DE and (before[-1:] in _PUNCT_PER_DE or after[:1] in _PUNCT_PER_DE)
        scored.append((_logf(ch) + _PUNCT_BONUS * clustered, ch))
    scored.sort(reverse=True)
    if not scored:
        return GETA, False
    sure = len(scored) == 1 or scored[0][0] - scored[1][0] >= _GUESS_MARGIN
    return scored[0][1], sure


def _decode(stream: list[int | None], before: str, tail: str):
    """Decode in step; return (text, byte offset of each char, indexes of unsure guesses) or None."""
    chars: list[str] = []
    offsets: list[int] = []
    unsure: list[int] = []
    pending: list[tuple[int, tuple]] = []
    i = 0
    while i < len(stream):
        b = stream[i]
        offsets.append(i)
        if b is not None and b < 0x80:
            chars.append(chr(b))
            i += 1
            continue
        if i + 1 >= len(stream):
            return None
        pair = (b, stream[i + 1])
        if None in pair:
            if pair == (None, None):
                return None
            pending.append((len(chars), pair))
            chars.append(GETA)
        else:
            try:
                chars.append(bytes(pair).decode("gbk"))
            except UnicodeDecodeError:
                return None
        i += 2
    offsets.append(len(stream))
    for k, pair in pending:
        ch, sure = _guess(pair, (before + "".join(chars[:k]))[-1:], ("".join(chars[k + 1 :]) + tail)[:1])
        if sure:
            chars[k] = ch
        else:
            unsure.append(k)
    return "".join(chars), offsets, unsure


def _char_offsets(s: str) -> list[int] | None:
    """Byte offset of each character of a garbled run as the decoder saw it; `?` counts one byte."""
    offsets = [0]
    for ch in s:
        enc = _encode(ch)
        if enc is None:
            return None
        offsets.append(offsets[-1] + len(enc))
    return offsets


@dataclass
class _Edit:
    start: int
    end: int
    text: str
    spans: list[tuple[int, int]]  # per replacement character, the source span it came from
    kind: str | None = None
    unsure: list[int] = field(default_factory=list)


def _repairs(raw: str) -> list[_Edit]:
    """The edits of every suspected run; a run repaired to end in a Han character lets a `?` right after
    it start the next run, as it would when the repaired text is read again (normalizing twice must
    change nothing: `㐀?匿N?匿N`)."""
    edits = []
    for m in _RUN.finditer(raw):
        if edits and m.start() < edits[-1].end:
            continue
        before = raw[m.start() - 1]
        while m is not None:
            edit = _edit(m, before, raw[m.end() : m.end() + 1])
            if edit is None:
                break
            edits.append(edit)
            if edit.kind != "repaired" or not re.match(f"[{_HAN}]", edit.text[-1:]):
                break
            before, m = edit.text[-1], _RUN_AT.match(raw, m.end())
    return edits


def _edit(m: re.Match, before: str, after: str) -> _Edit | None:
    verdict = _judge(m[0], m["junk"] or "", m["body"], m["term"] or "", before, after)
    if verdict is None or verdict[0] == "garbled":
        verdict = _judge_folded(m, before, after) or verdict
    if verdict is None:
        return None
    kind, text, spans, unsure = verdict
    shifted = [(m.start() + s, m.start() + e) for s, e in spans]
    return _Edit(m.start(), m.end(), text, shifted, kind, list(unsure))


def _judge_folded(m: re.Match, before: str, after: str):
    """The verdict on a run as its Simplified form reads, where the raw form got none or only "garbled".

    The text is folded to Simplified after the repairs, so a run only the folded form shows as damaged
    (`?醫^` → `?医^`) would be repaired by a second normalize: normalizing twice must change nothing.
    Only runs that keep their length when folded, so the spans still index the raw run."""
    folded = to_simplified(m[0])
    if folded == m[0] or len(folded) != len(m[0]):
        return None
    head = to_simplified(before)
    fm = _RUN.match(head + folded, len(head))
    if fm is None or fm.end() != len(head) + len(folded):
        return None
    return _judge(fm[0], fm["junk"] or "", fm["body"], fm["term"] or "", head, to_simplified(after))


@lru_cache(maxsize=1024)
def _judge(found: str, junk: str, body: str, term: str, before: str, after: str):
    """Repair or flag one suspected run (spans relative to its start), or None to leave it be."""
    stream = _encode("?" + body + term)
    result = None if stream is None else _decode(stream, before, after)
    if result is not None:
        text, offsets, unsure = result
        if _score(text.replace(GETA, "")) - _score(found) >= _MARGIN:
            src = _char_offsets("?" + body + term)
            spans = []
            for k in range(len(text)):
                first = bisect.bisect_right(src, offsets[k]) - 1
                last = bisect.bisect_left(src, offsets[k + 1])
                spans.append((first + (len(junk) if first > 0 else 0), last + (len(junk) if last > 0 else 0)))
            return "repaired", text, tuple(spans), tuple(unsure)
    if (term or body.endswith("?")) and _score(found) < _GARBLED_BELOW:
        return "garbled", found, tuple((i, i + 1) for i in range(len(found))), ()
    return None


def _apply(text: str, edits: list[_Edit]) -> tuple[str, list[int], list[int], list[tuple[int, int, _Edit]]]:
    """Apply non-overlapping edits; per output char its source (start, end); where each edit landed."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    placed = []
    pos = 0
    for ed in edits:
        parts.append(text[pos : ed.start])
        starts.extend(range(pos, ed.start))
        ends.extend(range(pos + 1, ed.start + 1))
        out_start = len(starts)
        parts.append(ed.text)
        for s, e in ed.spans:
            starts.append(s)
            ends.append(e)
        placed.append((out_start, len(starts), ed))
        pos = ed.end
    parts.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return "".join(parts), starts, ends, placed


def _is_pinyin(content: str) -> bool:
    if any(c in _TONED for c in content):
        return True
    tokens = re.split(r"[ ']", content)
    return all(len(t) >= 2 and _SYLLABLE.fullmatch(t) for t in tokens)


def _detone(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s.replace("ü", "v")) if not unicodedata.combining(c))


def _pinyin_edits(text: str) -> list[_Edit]:
    return [
        _Edit(m.start(), m.end(), "", [])
        for m in _PINYIN.finditer(text)
        if _is_pinyin(m[1]) and all(_SYLLABLE.fullmatch(t) for t in re.split(r"[ ']", _detone(m[1])))
    ]


# A line break inside a word is a wrap, not a break (a PDF's or an editor's fixed width: 管爱国先|生因工作…):
# between two Han characters, after a line of at least this many characters that ends no sentence, where
# the words around it run across it.
_WRAP = re.compile(rf"(?<=[{_HAN}])[ \t\u3000]*\n[ \t\u3000]*(?=[{_HAN}])")
_WRAP_MIN_LINE = 20
_WRAP_WINDOW = 4


def _wrap_edits(text: str) -> list[_Edit]:
    """The line breaks that cut a word in two, taken out (the spaces around them too)."""
    import jieba

    edits = []
    for m in _WRAP.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if len(text[line_start:m.start()].strip()) < _WRAP_MIN_LINE:
            continue
        before = to_simplified(text[max(line_start, m.start() - _WRAP_WINDOW):m.start()])
        after = to_simplified(text[m.end():m.end() + _WRAP_WINDOW].split("\n")[0])
        bound = 0
        for word in jieba.lcut(before + after, HMM=False):
            bound += len(word)
            if bound >= len(before):
                break
        if bound > len(before):
            edits.append(_Edit(m.start(), m.end(), "", []))
    return edits


def normalize(raw: str) -> Normalized:
    """Repair, strip pinyin, join words cut by a wrap, fold to Simplified; keep the way back to ``raw``'s
    offsets."""
    text1, s1, e1, placed = _apply(raw, _repairs(raw))
    text2, s2, e2, _ = _apply(text1, _pinyin_edits(text1))
    text3, s3, e3, _ = _apply(text2, _wrap_edits(text2))
    text2, s2, e2 = text3, [s2[j] for j in s3], [e2[j - 1] for j in e3]
    starts = [s1[j] for j in s2]
    ends = [e1[j - 1] for j in e2]

    damage = []
    for a, b, ed in placed:
        a2, b2 = bisect.bisect_left(s2, a), bisect.bisect_left(s2, b)
        found = raw[ed.start : ed.end]
        if ed.kind == "garbled":
            damage.append(Damage(a2, b2, "garbled", found, None))
            continue
        damage.append(Damage(a2, b2, "repaired", found, to_simplified(text2[a2:b2])))
        for k in ed.unsure:
            o_start, o_end = starts[a2 + k], ends[a2 + k]
            damage.append(Damage(a2 + k, a2 + k + 1, "garbled", raw[o_start:o_end], None))
    return Normalized(raw, to_simplified(text2), damage, starts, ends)
