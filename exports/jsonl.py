"""facts.jsonl, entities.jsonl and damage.jsonl: one JSON object per line, in the contract of
`eval/score.py` (doc, person, role, unit, city for facts; doc, type, name for entities), plus offsets
into the original text, the rule and a confidence, so every row can be checked against its source."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from .outputs import DAMAGE, ENTITIES, FACTS

if TYPE_CHECKING:
    from typing_extensions import Self


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


class RecordFiles:
    """facts.jsonl, entities.jsonl and damage.jsonl of a build, written a document at a time as it is
    tagged, so that no process holds every mention of a large corpus: `with RecordFiles(folder) as
    rows: rows.write(doc)`; `counts` says how many rows of each went out."""

    NAMES = (("facts", FACTS), ("entities", ENTITIES), ("damage", DAMAGE))

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self._stack = ExitStack()
        with self._stack as opening:  # a file that cannot be opened closes the ones before it
            self.files = {kind: opening.enter_context(open(Path(folder) / name, "w", encoding="utf-8"))  # noqa: SIM115
                          for kind, name in self.NAMES}
            self._stack = opening.pop_all()
        self.counts = dict.fromkeys(self.files, 0)

    def write(self, doc) -> None:
        for kind, fh in self.files.items():
            rows = getattr(doc, kind)
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            self.counts[kind] += len(rows)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
