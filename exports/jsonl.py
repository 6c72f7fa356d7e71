"""facts.jsonl, entities.jsonl and damage.jsonl: one JSON object per line, in the contract of
`eval/score.py` (doc, person, role, unit, city for facts; doc, type, name for entities), plus offsets
into the original text, the rule and a confidence, so every row can be checked against its source."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable


def write_jsonl(rows: Iterable[dict], path: str | os.PathLike[str]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_facts(documents: Iterable, path: str | os.PathLike[str]) -> int:
    return write_jsonl((f for d in documents for f in d.facts), path)


def write_entities(documents: Iterable, path: str | os.PathLike[str]) -> int:
    return write_jsonl((e for d in documents for e in d.entities), path)


def write_damage(documents: Iterable, path: str | os.PathLike[str]) -> int:
    return write_jsonl((e for d in documents for e in d.damage), path)
