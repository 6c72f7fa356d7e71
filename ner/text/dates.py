"""The date a document was published, as YYYY-MM-DD: every fact of the document carries it.

News states its date in several ways, tried in this order: a labelled line (`发布时间：2025年04月10日`,
`發稿時間：113年07月19日`, `公告日：110/05/21`), the first Gregorian date near the top, a Republic-of-China
date near the top (`110年3月21日` is 2021-03-21: Taiwanese releases count years from 1912), and last the
date in the file name that crawls give (`2021-05-20_7768293.txt`, `t20220507_190989.txt`).
"""

from __future__ import annotations

import re
from datetime import date

from zhkg.ner import words

WINDOW = 400
ROC_OFFSET = 1911
_SEP = r"\s*[年\-/.]\s*"
GREGORIAN = re.compile(rf"(?<!\d)(20\d{{2}}|19\d{{2}}){_SEP}(\d{{1,2}})\s*[月\-/.]\s*(\d{{1,2}})(?!\d)")
# A ROC year has two or three digits; with 民国 it may stand anywhere, without it only as 年月日 or labelled.
ROC = re.compile(r"(?<!\d)(?:民国\s*)?(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ROC_NUMERIC = re.compile(r"(?<!\d)(\d{2,3})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?!\d)")
LABEL = re.compile(rf"(?:{'|'.join(words.words('date_label'))})\s*[:：]\s*")
FILE_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})-?(\d{2})-?(\d{2})(?!\d)")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso(y: int, mo: int, d: int) -> str | None:
    """YYYY-MM-DD of a day that exists: `2021-02-31` or `2023-02-29` is a typo or a trap, and every
    export would publish it as an `xsd:date` no validator accepts."""
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def valid_date(value: object) -> str | None:
    """`value` when it is a YYYY-MM-DD string naming a real day, else None: what the exports check
    before they type a value as a date (facts.jsonl from older builds may hold an impossible one)."""
    text = str(value) if value is not None else ""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _at(text: str, pos: int) -> str | None:
    """The date written right at `pos` (after a label), Gregorian or ROC."""
    for pattern, offset in ((GREGORIAN, 0), (ROC, ROC_OFFSET), (ROC_NUMERIC, ROC_OFFSET)):
        m = pattern.match(text, pos)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return _iso(y + offset, mo, d)
    return None


def document_date(text: str, name: str = "") -> str | None:
    """The document's date from its text (Simplified, as the pipeline reads it), else its file name."""
    top = text[:WINDOW]
    for m in LABEL.finditer(top):
        date = _at(top, m.end())
        if date:
            return date
    m = GREGORIAN.search(top)
    if m and (date := _iso(*(int(g) for g in m.groups()))):
        return date
    m = ROC.search(top)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if date := _iso(y + ROC_OFFSET, mo, d):
            return date
    m = FILE_DATE.search(name)
    return _iso(*(int(g) for g in m.groups())) if m else None
