"""Each rule's examples: sentences written for the tests and the fact each must (or must not) give.

They are data, `ner/data/rules/<rule>.tsv`, one file per registered rule, so that a new way of stating a
post is its module's registration plus its rows; `tests/test_rule_examples.py` runs every row through the
rules-only pipeline and the README's rule table shows each rule's first row, so the example a reader sees
is one that is tested. The files' header says what a row means; `holds` is that meaning in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "rules"
COLUMNS = ("id", "expect", "text", "person", "role", "unit", "city", "status")
FIELDS = ("person", "role", "unit", "city", "status")
EXPECTATIONS = ("fact", "only", "all", "none")
ANY, NO_VALUE = "*", "-"


@dataclass(frozen=True)
class Example:
    rule: str
    id: str
    expect: str                             # one of EXPECTATIONS
    text: str
    fact: tuple[str, ...]                   # person, role, unit, city, status cells (ANY, NO_VALUE or a value)
    line: int

    def matches(self, fact: dict) -> bool:
        """Whether a fact (a facts.jsonl record) has the row's values where the row gives one."""
        return all(cell == ANY or fact[name] == (None if cell == NO_VALUE else cell)
                   for name, cell in zip(FIELDS, self.fact))

    def holds(self, facts: list[dict]) -> bool:
        """fact: a fact of this rule matches; only: one does and its person has no other fact; all: there
        are facts and every one matches; none: no fact of the text matches."""
        if self.expect == "none":
            return not any(self.matches(f) for f in facts)
        if self.expect == "all":
            return bool(facts) and all(self.matches(f) for f in facts)
        own = [f for f in facts if f["rule"] == self.rule and self.matches(f)]
        if self.expect == "only":
            return any(sum(g["person"] == f["person"] for g in facts) == 1 for f in own)
        return bool(own)

    def shows(self) -> str:
        """The row as the README's table writes it: `text` → person · role · unit · city (– no value)."""
        values = " · ".join("–" if cell == NO_VALUE else cell for cell in self.fact[:4])
        return f"{self.text.replace(chr(10), ' ')} → {values}"


def load_examples(rule: str | None = None) -> list[Example]:
    """The examples of one rule, or of all rules in file name order."""
    paths = [EXAMPLES_DIR / f"{rule}.tsv"] if rule else sorted(EXAMPLES_DIR.glob("*.tsv"))
    return [e for path in paths for e in _read(path)]


def _read(path: Path) -> list[Example]:
    out = []
    header = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = tuple(cells)
            if header != COLUMNS:
                raise ValueError(f"{path}:{n}: the columns are {COLUMNS}, not {header}")
            continue
        if len(cells) != len(COLUMNS) or cells[1] not in EXPECTATIONS:
            raise ValueError(f"{path}:{n}: {len(COLUMNS)} cells and an expectation of {EXPECTATIONS} expected")
        row = dict(zip(COLUMNS, cells))
        out.append(Example(path.stem, row["id"], row["expect"], row["text"].replace("\\n", "\n"),
                           tuple(row[f] for f in FIELDS), n))
    return out
