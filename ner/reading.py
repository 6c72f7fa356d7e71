"""Turn the paths a user names into decoded documents, skipping what cannot be read.

Chinese news arrives as UTF-8 (with or without BOM), GB18030/GBK, Big5 or BOM'd UTF-16. Strict UTF-8
is tried first because it is both the common case and fast; anything else goes to charset-normalizer.
A GB verdict is decoded as gb18030, the superset, so characters outside GB2312/GBK survive.

A batch must not stop on one bad file, so ``iter_sources`` yields ``Skipped(path, reason)`` in place of
a ``Source`` and leaves logging to the caller.

Huge input: a 50 MB one-line file is read in one go (memory is a few times its size, time linear), but
taggers are slow and memory-hungry per document. The builder should pass any text longer than
``MAX_CHARS`` through ``split_long`` and tag the pieces, adding each piece's offset to its spans.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

MAX_CHARS = 5_000_000
SUFFIXES = (".txt", ".md")
_SENTENCE_ENDS = "。！？!?\n"
_SAMPLE = 1 << 16  # bytes examined for binary content; enough to tell, cheap on 50 MB files
_GB = {"gbk", "gb2312", "gb18030", "hz"}


class UnreadableInput(Exception):
    """A document that cannot be turned into text; ``str(e)`` is a one-line reason for a person."""


@dataclass(frozen=True)
class Source:
    name: str
    path: str
    text: str
    encoding: str


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\f\x1b")
    return controls > len(sample) * 0.05


def read_text(path_or_bytes: str | os.PathLike | bytes) -> tuple[str, str]:
    """Decode a file or raw bytes; returns (text, encoding name); raises ``UnreadableInput``."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else _read_bytes(Path(path_or_bytes))
    if not data:
        raise UnreadableInput("empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise UnreadableInput(f"undecodable bytes at offset {e.start} despite a {enc} BOM") from e
    if _looks_binary(data):
        raise UnreadableInput("binary file (NUL bytes or control characters)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableInput("undecodable bytes: no text encoding fits")
    encoding = "gb18030" if best.encoding.replace("_", "").lower() in _GB else best.encoding
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as e:
        raise UnreadableInput(f"undecodable bytes at offset {e.start} as {encoding}") from e


def _read_bytes(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableInput("not a regular file")
        return path.read_bytes()
    except PermissionError as e:
        raise UnreadableInput("permission denied") from e
    except FileNotFoundError as e:
        raise UnreadableInput("no such file") from e
    except IsADirectoryError as e:
        raise UnreadableInput("not a regular file") from e


def _expand(paths: list[str]) -> Iterator[str]:
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found = [os.path.join(root, f) for root, _, files in os.walk(p) for f in files
                     if f.lower().endswith(SUFFIXES)]
            yield from sorted(found)
        else:
            yield p


def iter_sources(paths: list[str]) -> Iterator[Source | Skipped]:
    """Files, directories (recursive, .txt/.md, sorted) or ``-`` for stdin, in the order given."""
    for p in _expand(paths):
        try:
            if p == "-":
                text, enc = read_text(sys.stdin.buffer.read())
                yield Source("-", "-", text, enc)
            else:
                text, enc = read_text(p)
                yield Source(os.path.basename(p), p, text, enc)
        except UnreadableInput as e:
            yield Skipped(p, str(e))


def split_long(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most ``max_chars``, cut after the last sentence end in the second
    half of the window so sentences stay whole; cut hard where a window has none."""
    pieces = []
    pos = 0
    while len(text) - pos > max_chars:
        limit = pos + max_chars
        cut = max(text.rfind(c, pos + max_chars // 2, limit) for c in _SENTENCE_ENDS) + 1
        if cut <= pos:
            cut = limit
        pieces.append((pos, text[pos:cut]))
        pos = cut
    pieces.append((pos, text[pos:]))
    return pieces
