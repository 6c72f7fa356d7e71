import codecs
import io
import sys
import time

import pytest

from zhkg.ner.text.reading import Skipped, Source, UnreadableInput, iter_sources, read_text, split_long

SIMPLIFIED = "忻州市委书记今日前往忻府区调研疫情防控工作，要求各级干部守土尽责。\n"
TRADITIONAL = "臺南市政府今日舉行記者會，市長宣布新建醫院將於下月啟用。\n"


@pytest.mark.parametrize(
    "data, text, encoding",
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED.encode("gb18030") * 3, SIMPLIFIED * 3, "gb18030"),
        (TRADITIONAL.encode("big5") * 3, TRADITIONAL * 3, "big5"),
        (TRADITIONAL.encode("utf-16"), TRADITIONAL, "utf-16"),
        (codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), TRADITIONAL, "utf-16"),
    ],
)
def test_encodings(tmp_path, data, text, encoding):
    path = tmp_path / "news.txt"
    path.write_bytes(data)
    assert read_text(path) == (text, encoding)
    assert read_text(data) == (text, encoding)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 40, "binary"),
        (bytes(range(1, 9)) * 100, "binary"),
        (b"\xff\xfe\xff\xfe" * 3 + b"\x81", "undecodable"),
    ],
)
def test_unreadable_bytes(data, reason):
    with pytest.raises(UnreadableInput, match=reason):
        read_text(data)


def test_undecodable_bytes_have_a_reason():
    with pytest.raises(UnreadableInput) as e:
        read_text("新闻".encode() + bytes([0x80, 0xFF, 0xFE, 0x81, 0xFF]) * 50)
    assert "\n" not in str(e.value) and str(e.value)


def test_directory_recursion_is_sorted_and_skips_without_stopping(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "2.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (tmp_path / "a" / "deep" / "1.md").write_bytes(TRADITIONAL.encode("big5") * 3)
    (tmp_path / "a" / "0.txt").write_bytes(b"")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG\x00")
    items = list(iter_sources([str(tmp_path), str(tmp_path / "missing.txt")]))
    assert [type(i) for i in items] == [Skipped, Source, Skipped, Source, Skipped]
    assert items[0].reason == "empty file"
    assert (items[1].name, items[1].encoding) == ("a/deep/1.md", "big5")
    assert items[2].reason.startswith("unsupported file type (.png)")  # named, never passed over silently
    assert items[3].text == SIMPLIFIED
    assert items[4].reason == "no such file"


def test_not_a_regular_file(tmp_path):
    with pytest.raises(UnreadableInput, match="not a regular file"):
        read_text(tmp_path)


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SIMPLIFIED.encode("gb18030") * 3)))
    [source] = iter_sources(["-"])
    assert (source.name, source.text, source.encoding) == ("-", SIMPLIFIED * 3, "gb18030")


def test_large_single_line_file(tmp_path):
    line = SIMPLIFIED.strip() * (50_000_000 // len(SIMPLIFIED.strip().encode("utf-8")))
    path = tmp_path / "huge.txt"
    path.write_text(line, encoding="utf-8")
    started = time.perf_counter()
    text, encoding = read_text(path)
    pieces = split_long(text, 5_000_000)
    assert time.perf_counter() - started < 5
    assert encoding == "utf-8" and len(text) == len(line)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 5_000_000 for _, p in pieces)
    assert all(p.endswith("。") for _, p in pieces[:-1])
    assert all(text[o : o + len(p)] == p for o, p in pieces)


def test_split_long_cuts_hard_without_punctuation():
    assert split_long("甲" * 25, 10) == [(0, "甲" * 10), (10, "甲" * 10), (20, "甲" * 5)]
    assert split_long("短文。", 10) == [(0, "短文。")]
    assert split_long("一二三四五六。七八九十一二三", 10) == [(0, "一二三四五六。"), (7, "七八九十一二三")]
