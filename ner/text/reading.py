"""Turn the paths a user names into decoded documents, skipping what cannot be read.

Chinese news arrives as UTF-8 (with or without BOM), GB18030/GBK, Big5 or UTF-16 (with or without
BOM). Strict UTF-8 is tried first because it is both the common case and fast; a text that is UTF-8
but for a few bad bytes (a crawler cut a character, a disk sector was lost) is decoded with U+FFFD in
their place and the places reported (``Source.decode_errors``), since skipping a whole article for
two bytes loses more than it protects. Anything else goes to charset-normalizer. A GB verdict is
decoded as gb18030, the superset, so characters outside GB2312/GBK survive.

A batch must not stop on one bad file or path, so ``iter_sources`` yields ``Skipped(path, reason)`` in
place of a ``Source`` for every file it does not read -- symlink loops, paths through a file, names
too long for the file system, names with control characters or bytes that are not UTF-8, folders it
may not list -- and leaves logging to the caller. Skipped paths are printable (``display_path``).

A document's identity is its path relative to the input it was found under (a file named directly is
its own name) plus a hash of its bytes: crawls name files ``index.html`` or ``1.txt`` in dated
folders, so a bare file name would merge unrelated articles; the same file reached twice (named
twice, or as a file and inside its folder) is read once, and so is a second file of the same name
and bytes. Its *name* in every output must tell it from the others a reader sees, so when two
inputs give two files one name (``zhkg build a/ b/``, both holding ``art.txt``) both are named by
the shortest tail of their paths that differs (``a/art.txt``, ``b/art.txt``), and where no tail
differs by the hash of their bytes (``art.txt#1a2b3c4d``); without a clash a name stays as it was,
so a file named directly or lying directly in a named folder is its bare file name.

Huge input: a 50 MB one-line file is read in one go (memory is a few times its size, time linear), but
taggers are slow and memory-hungry per document. The builder should pass any text longer than
``MAX_CHARS`` through ``split_long`` and tag the pieces, adding each piece's offset to its spans.
A file too large to be a document of at most ``max_chars`` characters (``byte_limit``) is skipped by
its size before one byte is read, and no read takes more than that many bytes, so a 1 GiB file, a
file that grows while it is read or a ``/proc`` file that claims a size of 0 costs no memory.

Formats (the README's Inputs section): plain text (`.txt .md .text`), saved pages (`.html .htm`, or any
text that opens like HTML; `zhkg.ner.text.webpage`), `.docx` and text `.pdf` (`zhkg.ner.text.office`), and
corpora of one JSON record per line (`.jsonl .jsonl.gz .ndjson`; `zhkg.ner.text.corpus`), streamed a
record at a time. A folder is searched for these suffixes; every other file in it is named as skipped
(``unsupported file type``), except hidden ones (`.DS_Store`), which no user means as input and which
are passed over silently. Hidden folders (`.git`, a build's staging folder and cache) and the output
folder of a build (`zhkg build . -o out`, run twice: out/ holds facts.jsonl and report.html) are not
entered. A file named directly is read whatever its suffix: a PDF or .docx by its first bytes, a page
by its markup, anything else as text. Containers (pages, .docx, .pdf) may be larger than their text,
so they are refused unread only above ``max(byte_limit, CONTAINER_BYTES)``; their extracted text is
held to `max_chars` like any other.
A document's ``meta`` carries what its container says about it (date, source, title, author, a
record's id) and what the build adds (home, issuer); it is part of the cache key.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
import sys
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import charset_normalizer

if TYPE_CHECKING:
    from zhkg.ner.text.corpus import RecordFields

MAX_CHARS = 5_000_000
# A character takes at most 4 bytes in every encoding read here (UTF-8, GB18030, UTF-16 surrogate
# pairs; a U+FFFD stands for at most 3 bad UTF-8 bytes), plus a BOM of at most 3.
BYTES_PER_CHAR = 4
_BOM_BYTES = 3
_CHUNK = 1 << 20
# What a folder is searched for, by kind (`kind_of`); longer suffixes first.
KINDS = {".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "text",
         ".md": "text", ".text": "text", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
SUFFIXES = tuple(KINDS)
# The file `zhkg.outdir` writes into every OUT: a folder holding it is a build's output, never input.
BUILD_MANIFEST = ".zhkg-build.json"
CONTAINER_BYTES = 64 << 20  # a page, .docx or .pdf may be this large whatever --max-chars says
_UNSUPPORTED = ("unsupported file type ({}): convert to text; a folder is read for .txt .md .text .html .htm "
                ".docx .pdf .jsonl .jsonl.gz .ndjson")
_SENTENCE_ENDS = "。！？!?\n"
_SAMPLE = 1 << 16  # bytes examined for binary content; enough to tell, cheap on 50 MB files
_GB = {"gbk", "gb2312", "gb18030", "hz"}


class UnreadableInput(Exception):
    """A document that cannot be turned into text; ``str(e)`` is a one-line reason for a person."""


@dataclass(frozen=True)
class Source:
    """A decoded document. `name` is its path relative to the input it was found under (POSIX
    separators), `digest` a hash of its bytes; `decode_errors` are (start, end, bytes) of text spans
    that replaced bytes which did not decode."""

    name: str
    path: str
    text: str
    encoding: str
    digest: str = ""
    decode_errors: tuple[tuple[int, int, bytes], ...] = ()
    # What the input says about the document (`date`, `source`, `title`, `author`, `format`, a record's
    # `id`) and what the build says (`home`, `issuer`); None for a plain text file.
    meta: dict[str, str] | None = field(default=None, hash=False)


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


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a BOM, told by its NUL bytes: the high bytes of ASCII characters (digits,
    punctuation, line ends) fall all on one side of each pair. None when it does not look so."""
    if len(data) % 2:
        return None
    sample = data[: _SAMPLE - _SAMPLE % 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) == 0 or min(even, odd) > max(even, odd) * 0.01:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    head = text[:_SAMPLE]
    controls = sum(1 for c in head if c < " " and c not in "\t\n\r\f")
    return (text, encoding) if controls <= len(head) * 0.01 else None


_MARKED = threading.local()  # the bad byte runs of the decode running in this thread


def _mark(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    _MARKED.runs.append((err.start, err.end))
    return "\ufffd", err.end


codecs.register_error("zhkg-mark", _mark)


def _mostly_utf8(data: bytes) -> tuple[str, tuple[tuple[int, int, bytes], ...]] | None:
    """UTF-8 with a few bad byte runs: the text with U+FFFD for each run, and where they are.

    None when the bad bytes are many (over 2% of the bytes) or the valid multi-byte characters few
    (under ten per bad run): then it is another encoding, and GBK read as UTF-8 would be all U+FFFD."""
    _MARKED.runs = runs = []
    try:
        text = data.decode("utf-8", "zhkg-mark")
    finally:
        _MARKED.runs = []
    bad = sum(e - s for s, e in runs)
    wide = sum(1 for c in text if c > "\x7f") - len(runs)
    if not runs or bad > len(data) * 0.02 or wide < 10 * len(runs):
        return None
    errors = []
    at = prev = 0
    for s, e in runs:
        at += len(data[prev:s].decode("utf-8"))
        errors.append((at, at + 1, data[s:e]))
        at += 1
        prev = e
    return text, tuple(errors)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    errors: tuple[tuple[int, int, bytes], ...] = ()
    meta: dict[str, str] | None = None  # what a container (page, .docx, .pdf) says about the document


def decode(data: bytes) -> Decoded:
    """Decode raw bytes (see the module docstring for the order); raises ``UnreadableInput``."""
    if not data:
        raise UnreadableInput("empty file")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data.decode("utf-8-sig"), "utf-8-sig")
        except UnicodeDecodeError as e:
            damaged = _mostly_utf8(data[len(codecs.BOM_UTF8):])
            if damaged is None:
                raise UnreadableInput(f"undecodable bytes at offset {e.start} despite a utf-8-sig BOM") from e
            return Decoded(damaged[0], "utf-8-sig", damaged[1])
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            try:
                return Decoded(data.decode("utf-16"), "utf-16")
            except UnicodeDecodeError as e:
                raise UnreadableInput(f"undecodable bytes at offset {e.start} despite a utf-16 BOM") from e
    if _looks_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise UnreadableInput("unsupported: binary file (NUL bytes or control characters); convert to text")
        return Decoded(*utf16)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _mostly_utf8(data)
    if damaged is not None:
        return Decoded(damaged[0], "utf-8", damaged[1])
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableInput("undecodable bytes: no text encoding fits")
    encoding = "gb18030" if best.encoding.replace("_", "").lower() in _GB else best.encoding
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError) as e:
        raise UnreadableInput(f"undecodable bytes as {encoding}") from e


def kind_of(path: str) -> str | None:
    """What a file is by its name: text, html, docx, pdf or jsonl (`KINDS`); None for anything else."""
    name = os.path.basename(path).lower()
    return next((kind for suffix, kind in KINDS.items() if name.endswith(suffix)), None)


def read_document(data: bytes, kind: str | None = None) -> Decoded:
    """The text of one document's bytes, read as `kind` (`kind_of`; None: told by its first bytes, a
    PDF or .docx by its signature, a page by its markup, else text); raises ``UnreadableInput``.
    A text file that opens like HTML is a page saved under another name."""
    if not data:
        raise UnreadableInput("empty file")
    if kind == "pdf" or (kind is None and data.startswith(b"%PDF-")):
        from zhkg.ner.text.office import read_pdf

        return read_pdf(data)
    if kind == "docx" or (kind is None and data.startswith(b"PK\x03\x04")):
        from zhkg.ner.text.office import read_docx

        return read_docx(data)
    from zhkg.ner.text.webpage import looks_like_html, read_page

    if kind == "html" or looks_like_html(data):
        return read_page(data)
    return decode(data)


def read_text(path_or_bytes: str | os.PathLike | bytes, max_bytes: int | None = None) -> tuple[str, str]:
    """Decode a file or raw bytes; returns (text, encoding name); raises ``UnreadableInput`` (a file of
    more than `max_bytes` bytes, when given, among the reasons)."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else _read_bytes(Path(path_or_bytes), max_bytes)
    decoded = decode(data)
    return decoded.text, decoded.encoding


def byte_limit(max_chars: int) -> int:
    """The most bytes a text of `max_chars` characters can take: a larger file is too large unread."""
    return BYTES_PER_CHAR * max_chars + _BOM_BYTES


_OS_REASONS = {
    errno.ELOOP: "symlink loop (too many levels of symbolic links)",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "name too long for the file system",
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "not a regular file",
}


def _os_reason(e: OSError) -> str:
    return _OS_REASONS.get(e.errno) or (e.strerror or type(e).__name__).lower()


def _read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, refused by its size before any is read when over `max_bytes`. The path is
    checked first so that a FIFO is never opened (the open would wait for a writer), the open file
    again so that what is read is what was checked."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise UnreadableInput("not a regular file")
        with open(path, "rb", buffering=0) as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableInput("not a regular file")
            if max_bytes is not None and info.st_size > max_bytes:
                raise UnreadableInput(f"too large: {info.st_size:,} bytes > {max_bytes:,}, the most "
                                      f"{(max_bytes - _BOM_BYTES) // BYTES_PER_CHAR:,} chars can take")
            return _read_at_most(f, max_bytes)
    except OSError as e:
        raise UnreadableInput(_os_reason(e)) from e


def _read_at_most(f: BinaryIO, max_bytes: int | None) -> bytes:
    """Everything `f` holds, but never more than `max_bytes` (+1 to tell): a file that grows while it is
    read, or claims a size of 0 (/proc, pipes), cannot fill memory."""
    if max_bytes is None:
        return f.read()
    chunks: list[bytes] = []
    got = 0
    while got <= max_bytes:
        chunk = f.read(min(_CHUNK, max_bytes + 1 - got))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        got += len(chunk)
    raise UnreadableInput(f"too large: more than {max_bytes:,} bytes, the most "
                          f"{(max_bytes - _BOM_BYTES) // BYTES_PER_CHAR:,} chars can take")


def display_path(path: str) -> str:
    """`path` safe to print on one line: control characters and bytes that are not UTF-8 (which
    Python carries as lone surrogates) written as \\xNN escapes."""
    out = []
    for c in path:
        if 0xDC80 <= ord(c) <= 0xDCFF:
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif unicodedata.category(c) in ("Cc", "Cs"):
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def _bad_name(path: str) -> str | None:
    """Why a path cannot name a document: its name travels into JSON, RDF and XML outputs, where
    control characters and undecodable bytes are invalid or invisible."""
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in path):
        return "file name is not valid UTF-8"
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in path):
        return "file name has control characters"
    return None


def _relative(path: str, top: str) -> str:
    return Path(os.path.relpath(path, top)).as_posix()


def _expand(paths: list[str]) -> Iterator[tuple[str, str] | Skipped]:
    """(path, document name) of each file to read, or Skipped for a folder that could not be listed."""
    for p in paths:
        if p == "-":
            yield p, "-"
            continue
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
        except (OSError, ValueError):  # read_text names the reason
            is_dir = False
        if not is_dir:
            yield p, os.path.basename(os.path.normpath(p)) or p
            continue
        if os.path.isfile(os.path.join(p, BUILD_MANIFEST)):
            yield Skipped(display_path(p), "the output folder of a zhkg build, not input")
            continue
        unlisted: list[OSError] = []
        found = []
        for root, folders, files in os.walk(p, onerror=unlisted.append):
            folders[:] = [d for d in folders if not _passed_over(os.path.join(root, d))]
            found += [os.path.join(root, f) for f in files if kind_of(f) is not None or not f.startswith(".")]
        for e in unlisted:
            where = e.filename if isinstance(e.filename, str) else p
            yield Skipped(display_path(where), f"folder not read ({_os_reason(e)}): none of its files were read")
        for f in sorted(found):
            if kind_of(f) is None:
                yield Skipped(display_path(f), _UNSUPPORTED.format(_suffix(f)))
            else:
                yield f, _relative(f, p)


def _passed_over(folder: str) -> bool:
    """A folder inside an input folder that is not entered, silently: a hidden one (`.git`, a build's
    staging folder and cache beside OUT), and the output of a build (OUT inside the folder it reads)."""
    return os.path.basename(folder).startswith(".") or os.path.isfile(os.path.join(folder, BUILD_MANIFEST))


def _suffix(path: str) -> str:
    suffix = "".join(Path(path).suffixes[-2:]) if path.lower().endswith(".gz") else Path(path).suffix
    return suffix.lower() or "no extension"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _files(paths: list[str]) -> Iterator[tuple[str, str] | Skipped]:
    """`_expand` without bad names and without a file reached a second time (by its real path)."""
    seen_files: set[str] = set()
    for item in _expand(paths):
        if isinstance(item, Skipped) or item[0] == "-":
            yield item
            continue
        p = item[0]
        bad = _bad_name(p)
        if bad:
            yield Skipped(display_path(p), bad)
            continue
        real = os.path.realpath(p)
        if real not in seen_files:
            seen_files.add(real)
            yield item


def _tail(path: str, n: int) -> str:
    parts = ("-",) if path == "-" else Path(os.path.abspath(path)).parts[1:]
    return "/".join(parts[-n:])


def unique_names(files: list[tuple[str, str]]) -> list[tuple[str, bool]]:
    """(name, still clashing) of each (path, name): names two files share are lengthened, in rounds,
    by one more folder of their absolute paths until they differ (`a/art.txt`, `b/art.txt`); a name no
    other file has is kept. Clashing is left only where a path has no folder left to add."""
    depth = [len(name.split("/")) for _, name in files]
    most = [1 if p == "-" else len(Path(os.path.abspath(p)).parts) - 1 for p, _ in files]
    names = [name for _, name in files]
    while True:
        holders: defaultdict[str, list[int]] = defaultdict(list)
        for i, name in enumerate(names):
            holders[name].append(i)
        grow = [i for held in holders.values() if len(held) > 1 for i in held if depth[i] < most[i]]
        if not grow:
            return [(name, len(holders[name]) > 1) for name in names]
        for i in grow:
            depth[i] += 1
            names[i] = _tail(files[i][0], depth[i])


def iter_sources(paths: list[str], max_chars: int | None = MAX_CHARS,
                 fields: RecordFields | None = None) -> Iterator[Source | Skipped]:
    """Files, directories (recursive, the suffixes of `KINDS`, sorted) or ``-`` for stdin, in the order
    given; each file once, named apart from every other (see the module docstring); a JSONL corpus as
    one document per record (`fields` says where its text, id and metadata are). A file that cannot
    hold at most `max_chars` characters (None: no limit) is skipped unread."""
    max_bytes = None if max_chars is None else byte_limit(max_chars)
    items = list(_files(paths))
    files = [item for item in items if not isinstance(item, Skipped)]
    names = iter(unique_names(files))
    seen_docs: set[tuple[str, str]] = set()
    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        (p, name), (shown, clashing) = item, next(names)
        kind = None if p == "-" else kind_of(p)
        if kind == "jsonl":
            from zhkg.ner.text.corpus import RecordFields, iter_records

            if clashing:
                shown += "#" + _digest(os.path.abspath(p).encode("utf-8", "surrogateescape"))[:8]
            yield from iter_records(p, shown, fields or RecordFields(), max_chars)
            continue
        limit = max_bytes if kind in ("text", None) or max_bytes is None else max(max_bytes, CONTAINER_BYTES)
        try:
            data = _read_at_most(sys.stdin.buffer, max_bytes) if p == "-" else _read_bytes(Path(p), limit)
            decoded = read_document(data, kind)
        except UnreadableInput as e:
            yield Skipped(display_path(p), str(e))
            continue
        digest = _digest(data)
        if (name, digest) in seen_docs:
            continue
        seen_docs.add((name, digest))
        yield Source(f"{shown}#{digest[:8]}" if clashing else shown, p, decoded.text, decoded.encoding, digest,
                     decoded.errors, decoded.meta)


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
