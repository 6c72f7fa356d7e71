"""A corpus of one JSON record per line (`.jsonl`, `.ndjson`, gzip-compressed `.jsonl.gz`): one document
per record, streamed.

Crawls and dataset dumps come as one file of many articles, often compressed, often larger than
memory; unpacking them into files first costs a disk and a step. The file is read a line at a time
(gzip as a stream), each record becomes a `Source` as it is read, and no line is held longer than it
takes to parse it, so a 36 MB corpus costs the memory of one record. A line longer than a document of
`max_chars` characters could be written in JSON is skipped by its length, unparsed.

A document is named by its record's id, `corpus.jsonl.gz#<id>`, so every output row points back at the
record. A record without an id is named by its line (`corpus.jsonl.gz#line-7`); a second record with an
id already used keeps it, told apart by its line (`corpus.jsonl.gz#a1@line-9`), and carries
``meta["id_note"]`` so the build's summary can say how many. A bad record (not JSON, not an object, no
text) is a `Skipped` of the file whose reason starts with its line (`line 7: not JSON (...)`), and the
rest of the corpus is read; a
file that stops being readable (a truncated gzip) ends with one `Skipped` after the records read.

The text is the record's text field as `json.loads` decodes it (escapes such as `\\"` and `\\u4e00` are
characters), and offsets index that string. A lone surrogate (`"\\ud800"`, valid JSON, not valid
Unicode) becomes U+FFFD: one character for one, so offsets hold, and every output stays UTF-8.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from zhkg.ner.text.reading import Skipped, Source, UnreadableInput, _os_reason, display_path

_CHUNK = 1 << 20
_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON may spell a character as \uXXXX (6 bytes): a line of a document of N chars is at most this many
# bytes a char, plus room for the record's other fields.
JSON_BYTES_PER_CHAR = 6
RECORD_SLACK = 1 << 16


@dataclass(frozen=True)
class RecordFields:
    """Where a record holds its text, id and metadata. `date`, `source`, `home` left None: the fields
    of those names when a record has them."""

    text: str = "text"
    id: str = "id"
    date: str | None = None
    source: str | None = None
    home: str | None = None

    def meta_fields(self) -> dict[str, str]:
        return {"date": self.date or "date", "source": self.source or "source", "home": self.home or "home"}


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _open(path: str) -> BinaryIO:
    """The corpus as a stream of bytes: a regular file (a FIFO is never opened), gunzipped when named .gz."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise UnreadableInput("not a regular file")
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller, through the gzip stream when there is one
    return gzip.GzipFile(fileobj=raw, mode="rb") if path.lower().endswith(".gz") else raw


def _lines(stream: BinaryIO, limit: int | None) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of every line; None for a line over `limit` bytes, which is skipped unread."""
    number = 0
    while True:
        line = stream.readline(limit + 1) if limit is not None else stream.readline()
        if not line:
            return
        number += 1
        if limit is not None and len(line) > limit and not line.endswith(b"\n"):
            while True:  # the rest of the line, read and dropped a chunk at a time
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _id(value: object) -> str | None:
    """A record's id as a name can carry it; None for none (null, empty, a list or an object)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = display_path(_clean(str(value))).strip()
    return text or None


def _record(line: bytes, fields: RecordFields) -> tuple[str, dict[str, str]]:
    """(text, metadata) of one line; UnreadableInput saying why the record cannot be a document."""
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise UnreadableInput(f"not UTF-8 (byte {e.start})") from e
    except json.JSONDecodeError as e:
        raise UnreadableInput(f"not JSON ({e.msg}, column {e.colno})") from e
    except RecursionError as e:
        raise UnreadableInput("not JSON (nested too deep)") from e
    if not isinstance(record, dict):
        raise UnreadableInput(f"not a JSON object but {type(record).__name__}")
    text = record.get(fields.text)
    if not isinstance(text, str):
        what = "no" if text is None else f"a {type(text).__name__} in its"
        raise UnreadableInput(f"{what} text field {fields.text!r}")
    meta = {"format": "jsonl"}
    for key, name in fields.meta_fields().items():
        value = record.get(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            meta[key] = _clean(str(value).strip())
    rid = _id(record.get(fields.id))
    if rid is not None:
        meta["id"] = rid
    return _clean(text), meta


def iter_records(path: str, name: str, fields: RecordFields, max_chars: int | None) -> Iterator[Source | Skipped]:
    """One `Source` per record of the corpus at `path`, whose own document name is `name`, in file
    order; a `Skipped` for each record that cannot be one (its reason names the line) and for a file
    that cannot be read on."""
    shown = display_path(path)
    limit = None if max_chars is None else JSON_BYTES_PER_CHAR * max_chars + RECORD_SLACK
    used: set[str] = set()
    number = 0
    try:
        stream = _open(path)
    except OSError as e:
        yield Skipped(shown, _os_reason(e))
        return
    except UnreadableInput as e:
        yield Skipped(shown, str(e))
        return
    with stream:
        try:
            for number, line in _lines(stream, limit):
                if line is None:
                    yield Skipped(shown, f"line {number}: too large: a record of over {limit:,} bytes, the most "
                                  f"{max_chars:,} chars can take as JSON")
                    continue
                if not line.strip():
                    continue
                try:
                    text, meta = _record(line, fields)
                except UnreadableInput as e:
                    yield Skipped(shown, f"line {number}: {e}")
                    continue
                doc = f"{name}#{meta['id']}" if "id" in meta else f"{name}#line-{number}"
                if "id" not in meta:
                    meta["id_note"] = "missing"
                while doc in used:
                    doc += f"@line-{number}"
                    meta["id_note"] = "duplicate"
                used.add(doc)
                digest = hashlib.sha256(line.strip()).hexdigest()[:16]
                yield Source(doc, path, text, "utf-8", digest, (), meta)
        except (OSError, EOFError, zlib.error) as e:  # gzip.BadGzipFile is an OSError
            reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
            yield Skipped(shown, f"corpus not read past line {number} ({reason}); the records before it were")
