"""Word (.docx) and PDF files in, their text out: notices and appointment lists travel as both.

A .docx is read with python-docx: the body's paragraphs and tables in the order the document holds
them, each paragraph and each table cell on a line of its own (a cell merged across columns once),
so a roster table reads `姓名 / 职务` cell by cell. Headers, footers and comments are not the text.
Its `document.xml` is measured before it is parsed: a small zip that unpacks to gigabytes is refused
by the size it claims (`MAX_XML_BYTES`).

A PDF is read with pypdf, page by page (one line break between pages); a line as wide as the page's
widest that ends no sentence is a wrap and joins the next (a notice's sentence, a name cut at the
margin). Only a PDF with a text layer has text: a scan is images, and a PDF whose pages give no text is
skipped as one ("unsupported: no text layer ... convert to text"), as is one encrypted with a password. The old binary formats (.doc,
.wps) are no .docx: named directly they are read as bytes and skipped as binary.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from itertools import pairwise

from zhkg.ner.text.reading import Decoded, UnreadableInput

MAX_XML_BYTES = 512 << 20
_CONVERT = "convert to text"

logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its notes on a malformed-but-read file are not the build's lines


def _blocks(parent) -> list[str]:
    """The lines of a body or a table cell: paragraphs and the cells of tables, in order (tables nest)."""
    from docx.table import Table

    lines: list[str] = []
    for block in parent.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(_blocks(cell))
        else:
            lines.append(block.text)
    return lines


def read_docx(data: bytes) -> Decoded:
    """The text of a .docx (module docstring); `UnreadableInput` for one that cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise UnreadableInput(f"too large: its text part unpacks to {info.file_size:,} bytes")
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise UnreadableInput(f"unsupported: not a readable .docx ({type(e).__name__}); {_CONVERT}") from e
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        lines = _blocks(document)
    except (PackageNotFoundError, ValueError, KeyError, AttributeError, zipfile.BadZipFile) as e:
        raise UnreadableInput(f"unsupported: not a readable .docx ({type(e).__name__}); {_CONVERT}") from e
    except Exception as e:  # lxml's XMLSyntaxError and kin: a broken file, never a crash
        raise UnreadableInput(f"not a readable .docx ({type(e).__name__})") from e
    text = "\n".join(line.strip() for line in lines if line.strip())
    if not text:
        raise UnreadableInput("no text in the .docx")
    meta = {"format": "docx"}
    props = document.core_properties
    for key, value in (("title", props.title), ("author", props.author)):  # its dates are the file's, not the news's
        if value and str(value).strip():
            meta[key] = str(value).strip()
    return Decoded(text + "\n", "docx", (), meta)


# A page's text is wrapped at its width: a line as wide as the page's widest lines that ends no sentence
# goes on in the next line, unless that one opens an item (一、, （二）, 3., 第四条).
_FULL_LINE = 0.85
_MIN_WIDTH = 20
_SENTENCE_ENDS = "。！？!?；;：:”’」』）)】》"
_ITEM = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十百\d]+[条章节])")


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip())


def _unwrapped(page: str) -> str:
    """A page's lines with the wraps of its width joined (nothing between Han characters, else a space)."""
    lines = page.split("\n")
    widest = max((_width(line) for line in lines), default=0)
    if widest < _MIN_WIDTH:
        return page
    out = [lines[0]]
    for prev, line in pairwise(lines):
        tail = prev.rstrip()
        if tail and line.strip() and _width(prev) >= _FULL_LINE * widest and tail[-1] not in _SENTENCE_ENDS \
                and not _ITEM.match(line):
            glue = "" if unicodedata.east_asian_width(tail[-1]) in "WF" else " "
            out[-1] = out[-1].rstrip() + glue + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def read_pdf(data: bytes) -> Decoded:
    """The text layer of a PDF, page by page; `UnreadableInput` for a scan, a locked or broken file."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableInput(f"unsupported: an encrypted PDF; {_CONVERT}")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableInput:
        raise
    except Exception as e:  # pypdf raises many kinds on a broken file: each is one skipped file, never a crash
        raise UnreadableInput(f"unsupported: not a readable PDF ({type(e).__name__}); {_CONVERT}") from e
    text = "\n".join(_unwrapped(page.strip("\n")) for page in pages)
    if not text.strip():
        raise UnreadableInput(f"unsupported: no text layer (a scanned PDF?); {_CONVERT}")
    meta = {"format": "pdf"}
    try:
        info = reader.metadata
        title = info.title if info else None
    except Exception:  # noqa: BLE001 - metadata is a bonus
        title = None
    if title and str(title).strip():
        meta["title"] = str(title).strip()
    return Decoded(text + ("" if text.endswith("\n") else "\n"), "pdf", (), meta)
