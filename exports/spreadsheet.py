"""facts.csv: the facts for spreadsheets, the columns of facts.jsonl in the same order.

UTF-8 with a byte-order mark because Excel (and WPS) read a BOM-less CSV in the system's ANSI code
page and show Chinese as mojibake; LibreOffice, pandas (`encoding="utf-8-sig"`) and Python's csv
module read the BOM cleanly. A missing value is an empty cell, as in every spreadsheet.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable


def fact_columns(facts: Iterable[dict]) -> list[str]:
    """The keys of the facts in the order facts.jsonl writes them (first seen first)."""
    columns: dict[str, None] = {}
    for f in facts:
        columns.update(dict.fromkeys(f))
    return list(columns)


def write_facts_csv(documents: Iterable, path: str | os.PathLike[str]) -> int:
    """Write facts.csv; returns the number of rows (one per fact, as in facts.jsonl)."""
    facts = [f for d in documents for f in d.facts]
    columns = fact_columns(facts)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for f in facts:
            writer.writerow({k: "" if v is None else v for k, v in f.items()})
    return len(facts)


__all__ = ["fact_columns", "write_facts_csv"]
