"""Properties of the two stages every byte of input goes through, checked on generated input
(hypothesis): the reader never fails on bytes but with a reason, and the normalizer never fails,
maps every span back inside the original, and leaves its own output as it is."""

from __future__ import annotations

import os
import tempfile
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zhkg.ner.text.normalize import normalize
from zhkg.ner.text.reading import Skipped, UnreadableInput, decode, iter_sources

# Chinese news as converters leave it: Han characters (Simplified and Traditional), full-width
# punctuation, pinyin in parentheses, the `?` of a lost GBK lead byte, ASCII, line ends.
NEWS_ALPHABET = st.sampled_from(list("忻府區秀容稅務所黨支部書記王誠目標。”“，、：；！？（）〓醫院挑戰市县区镇村")
                                + list("zhàn(yī)?!,:;^hT abc0123456789\n\t ") + ["毙酶畢", "\u3000"])
news_text = st.lists(NEWS_ALPHABET, max_size=80).map("".join)
any_text = st.one_of(st.text(max_size=200), news_text)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_give_a_reason(data):
    try:
        decoded = decode(data)
    except UnreadableInput as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(decoded.text, str)
    for start, end, raw in decoded.errors:
        assert 0 <= start < end <= len(decoded.text)
        assert decoded.text[start:end] == "\ufffd" and raw


@SETTINGS
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=150, max_size=300),
       st.lists(st.tuples(st.integers(min_value=0), st.sampled_from([b"\xff", b"\xfe\xfe", b"\x80", b"\xc3"])),
                min_size=1, max_size=3))
def test_bad_bytes_inside_utf8_become_one_marked_character_each(text, cuts):
    """A few bad bytes in a UTF-8 article (under 2% of it): the rest is kept whole, each bad run reported."""
    data = text.encode("utf-8")
    pieces, last = [], 0
    for pos, bad in sorted((p % (len(text) + 1), b) for p, b in cuts):
        cut = len(text[:pos].encode("utf-8"))
        pieces += [data[last:cut], bad]
        last = cut
    damaged = b"".join(pieces) + data[last:]
    assume(len(damaged) > 0)
    decoded = decode(damaged)
    assert decoded.text.replace("\ufffd", "") == text
    assert len(decoded.errors) == decoded.text.count("\ufffd") >= 1
    assert b"".join(raw for _, _, raw in decoded.errors) == b"".join(b for _, b in sorted(
        (p % (len(text) + 1), b) for p, b in cuts))


@SETTINGS
@given(st.text(min_size=1, max_size=200).filter(lambda t: "\x00" not in t), st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_utf16_without_bom_reads_back_when_it_is_text(text, encoding):
    data = (text + "\n新闻 2020\n").encode(encoding, errors="surrogatepass")
    try:
        decoded = decode(data)
    except UnreadableInput:
        return  # control-heavy text may be taken for binary; never a crash
    if decoded.encoding in ("utf-16-le", "utf-16-be"):
        assert decoded.text == text + "\n新闻 2020\n"


@SETTINGS
@given(any_text)
def test_normalize_never_raises_and_offsets_stay_inside_the_original(raw):
    norm = normalize(raw)
    n = len(norm.text)
    for start in range(n + 1):
        for end in (start, min(n, start + 1), n):
            o_start, o_end = norm.to_original(start, end)
            assert 0 <= o_start <= o_end <= len(raw)
    for d in norm.damage:
        o_start, o_end = norm.to_original(d.start, d.end)
        assert 0 <= o_start <= o_end <= len(raw)


@SETTINGS
@given(any_text)
def test_normalizing_twice_changes_nothing(raw):
    once = normalize(raw).text
    assert normalize(once).text == once


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=120).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                  and b not in (b".", b"..")),
       st.binary(max_size=200))
def test_any_file_name_and_content_is_read_or_skipped_with_a_printable_line(name, data):
    with tempfile.TemporaryDirectory() as top:
        with open(os.path.join(os.fsencode(top), name + b".txt"), "wb") as f:
            f.write(data)
        items = list(iter_sources([top]))
    assert len(items) == 1
    (item,) = items
    if isinstance(item, Skipped):
        assert item.reason and all(unicodedata.category(c) not in ("Cc", "Cs") for c in item.path)
    else:
        assert item.name == os.fsdecode(name + b".txt")
        item.name.encode("utf-8")  # a document name always travels into UTF-8 outputs
