"""`python -m zhkg.ner.rules --table`: the rule table of the README, written from the registry and the examples.

The README's table is this command's output (a test compares them), so a rule added to the registry
with its examples shows up in the documentation as it is tested.
"""

from __future__ import annotations

import argparse

from zhkg.ner.rules.examples import load_examples
from zhkg.ner.rules.registry import Rule, in_scope, sentence_stages

HEADER = ("rule", "reads", "scope", "precedence", "properties", "confidence", "examples", "first example", "module")


def rules_in_running_order() -> list[Rule]:
    """The credits' rules first, then the sentence and mention rules by precedence, as `extract_facts` runs
    them."""
    return in_scope("document") + [r for _, rules in sentence_stages() for r in rules]


def markdown_table() -> str:
    rows = [HEADER, ("---",) * len(HEADER)]
    for r in rules_in_running_order():
        examples = load_examples(r.name)
        first = next((e for e in examples if e.expect in ("fact", "only")), None)
        rows.append((f"`{r.name}`", r.reads, ", ".join(r.scope), "credit order" if "document" in r.scope
                     else str(r.precedence), ", ".join(r.properties()) or "–", f"{r.confidence:g}",
                     str(len(examples)), first.shows() if first else "–", f"`{r.module}`"))
    return "".join("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |\n" for row in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m zhkg.ner.rules", description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="store_true", help="print the README's rule table (markdown)")
    args = parser.parse_args(argv)
    if not args.table:
        parser.print_help()
        return
    print(markdown_table(), end="")


if __name__ == "__main__":
    main()
