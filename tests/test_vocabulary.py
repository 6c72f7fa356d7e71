"""The word classes in ner/data/words: documented, spelled once, read once, in the shapes the rules use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zhkg.ner import vocabulary, words
from zhkg.ner.lexicons import DATA_DIR
from zhkg.ner.rules import chains, grammar

WORD_FILES = sorted((DATA_DIR / words.WORDS_DIR).glob("*.tsv"))


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]


def test_every_file_opens_with_a_header_and_parses():
    assert WORD_FILES
    for path in WORD_FILES:
        lines = path.read_text("utf-8").splitlines()
        assert lines[0].startswith("# ") and "Read once" in "".join(lines[:6]), path.name
        for row in _rows(path):
            assert 2 <= len(row) <= 3 and all(cell == cell.strip() and cell for cell in row), (path.name, row)


def test_every_class_is_documented_in_its_file():
    for path in WORD_FILES:
        comments = " ".join(line for line in path.read_text("utf-8").splitlines() if line.startswith("#"))
        for cls in {row[0] for row in _rows(path)}:
            assert f"{cls}:" in comments or f"{cls}," in comments, (path.name, cls)


def test_a_class_lives_in_one_file_and_holds_each_word_once():
    home: dict[str, str] = {}
    for path in WORD_FILES:
        for cls in {row[0] for row in _rows(path)}:
            assert home.setdefault(cls, path.name) == path.name, cls
    for cls in words.classes():
        entries = words.words(cls)
        assert len(set(entries)) == len(entries), cls


def test_the_reader_refuses_a_class_spelled_twice(tmp_path, monkeypatch):
    (tmp_path / words.WORDS_DIR).mkdir()
    (tmp_path / words.WORDS_DIR / "a.tsv").write_text("# a\npost_verb\t担任\n", "utf-8")
    (tmp_path / words.WORDS_DIR / "b.tsv").write_text("# b\npost_verb\t出任\tnew\n", "utf-8")
    monkeypatch.setattr(words, "DATA_DIR", tmp_path)
    monkeypatch.setattr(words, "data_rows", lambda name: _rows(tmp_path / name))
    words._classes.cache_clear()
    try:
        with pytest.raises(ValueError, match="post_verb"):
            words.words("post_verb")
    finally:
        monkeypatch.undo()
        words._classes.cache_clear()


def test_each_file_is_read_once(monkeypatch):
    reads: list[str] = []
    real = words.data_rows
    monkeypatch.setattr(words, "data_rows", lambda name: reads.append(name) or real(name))
    words._classes.cache_clear()
    try:
        for cls in words.classes() * 3:
            words.words(cls)
        assert sorted(reads) == sorted(f"{words.WORDS_DIR}/{p.name}" for p in WORD_FILES)
    finally:
        monkeypatch.undo()
        words._classes.cache_clear()


@pytest.mark.parametrize("name, kind", [
    ("POST_VERBS", tuple), ("STATUS_OF", dict), ("NATIONAL_PREFIXES", tuple), ("STATE_PREFIXES", tuple),
    ("HOME_PREFIXES", tuple), ("CHAIN_BREAK", frozenset), ("LIGHT_VERBS", frozenset), ("NOT_POSTS", frozenset),
    ("RANK_PREFIXES", frozenset), ("DEPARTMENT_HEADS", frozenset), ("HONORIFIC_AFTER", tuple),
    ("BYLINE_ROLES", tuple), ("MEDIA_SUFFIXES", tuple), ("CONTACT_ROLES", frozenset), ("RELEASE_AUTHORS", frozenset),
    ("ISSUER_LABELS", tuple), ("PHOTO_CREDIT", str), ("PARTY_ORGANS", tuple), ("PARTY_ROLES", frozenset),
    ("NAME_LEFT_WORDS", frozenset), ("VILLAGE_WARD", tuple), ("ITEM_END", frozenset), ("NATIONAL_TITLES", frozenset),
    ("SINGULAR_HEADS", tuple), ("INSTITUTION_KINDS", dict), ("INSTITUTION_ORGANS", tuple),
    ("TITLE_MODIFIERS", frozenset), ("POSTS_CLOSING", tuple), ("RANKS", tuple), ("COMMITTEE_DEPARTMENTS", tuple),
    ("UNIT_BOUND_ROLES", frozenset), ("POST_ENDED", tuple), ("POST_WORDS", tuple), ("HONORIFICS", tuple),
    ("SCHOOL_ENDINGS", tuple),
])
def test_grammar_keeps_the_shapes_the_rules_use(name, kind):
    value = getattr(grammar, name)
    assert isinstance(value, kind) and value


def test_patterns_are_built_from_the_words():
    assert grammar.ANAPHOR.match("该院").groups() == ("该", "院")
    assert grammar.INSTITUTION_ANAPHOR.match("我校党委").group(2) == "校"
    assert grammar.MODIFIER.search("派出所59岁的") and grammar.MODIFIER.search("年轻的")
    assert grammar.ANONYMOUS_NAME.search("张某某") and grammar.ANONYMOUS_NAME.search("王女士")
    assert not grammar.ANONYMOUS_NAME.search("王杰")
    assert grammar.PROFILE.search("杨某某，男，汉族")


def test_status_words_and_their_order():
    assert grammar.POST_VERBS[-1] == "任" and grammar.STATUS_OF["时任"] == "former"
    assert grammar.STATUS_OF["调任"] == "new" and "担任" not in grammar.STATUS_OF
    # apposition takes the first marker that ends at a title: none ends another, so their order is moot
    markers = list(grammar.STATUS_OF)
    assert not any(a != b and a.endswith(b) for a in markers for b in markers)


def test_one_head_title_test():
    assert grammar.head_of("局长") == "局" and grammar.head_of("市长") == "市"
    assert grammar.head_of("书记") == "" and grammar.head_of("副局长") == ""
    assert grammar.without_head_prefixes("常务副市长") == "市长"
    assert grammar.without_head_prefixes("常务副局长", deputy=False) == "副局长"


def test_division_characters_by_level():
    assert grammar.DIVISION_CHARS == "省市县区镇乡村"
    assert grammar.COUNTY_CHARS == "县区" and grammar.VILLAGE_WARD == ("里",)
    assert set(vocabulary.PLACE_SUFFIXES) >= set(words.words("division_ending"))


def test_both_stages_share_one_vocabulary():
    assert chains.lexicons() is vocabulary.lexicons()
    assert grammar.NATIONAL_TITLES is vocabulary.NATIONAL_TITLES
    assert "总书记" in vocabulary.NATIONAL_TITLES and "党员" not in vocabulary.lexicons().roles
    graph = Path(__file__).parent.parent / "graph"
    for path in graph.glob("*.py"):
        imported = {node.module for node in ast.walk(ast.parse(path.read_text("utf-8")))
                    if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"zhkg.ner.rules.chains", "zhkg.ner.rules.grammar", "zhkg.ner.places.gazetteer",
                               "zhkg.ner.lexicons"}, path.name
