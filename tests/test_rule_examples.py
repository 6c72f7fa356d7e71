"""Every rule's examples (`ner/data/rules/<rule>.tsv`) through the rules-only pipeline, and the README's rule
table as the registry and those examples write it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import build
from zhkg.ner.rules import RULES
from zhkg.ner.rules.__main__ import markdown_table
from zhkg.ner.rules.examples import EXAMPLES_DIR, load_examples

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLES = load_examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.rule}:{e.line}:{e.id}" for e in EXAMPLES])
def test_rule_example(nlp, example):
    facts = build(nlp, example.text).facts
    got = [(f["person"], f["role"], f["unit"], f["city"], f["status"], f["rule"]) for f in facts]
    assert example.holds(facts), f"{example.expect} {example.fact} in {example.text!r}; the facts are {got}"


def test_every_rule_has_examples_and_every_example_file_a_rule():
    files = {p.stem for p in EXAMPLES_DIR.glob("*.tsv")}
    assert files == set(RULES)
    for name in RULES:
        assert any(e.expect in ("fact", "only") for e in load_examples(name)), f"{name} shows no fact"


def test_the_readme_table_is_the_generated_one():
    found = re.search(r"<!-- rule table.*?-->\n(.*?)<!-- end of rule table -->", README.read_text(encoding="utf-8"),
                      re.DOTALL)
    assert found, "README.md holds no generated rule table"
    assert found.group(1) == markdown_table(), "README's rule table is stale: python -m zhkg.ner.rules --table"
