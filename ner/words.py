"""Word classes: the vocabulary of news prose that the rules and the place readers lean on, read once.

The words live in `ner/data/words/*.tsv` (one row: class, word, value; each file's header says what
each class is for), so a new post verb or unit ending is a row of data, not a change of code. This
module only reads them; `zhkg.ner.rules.grammar` and `zhkg.ner.vocabulary` shape them into the
constants the code uses. A class is spelled in one file, and a word once in its class: the reader
refuses anything else, so one concept cannot drift into two spellings.
"""

from __future__ import annotations

from functools import lru_cache

from zhkg.ner.lexicons import DATA_DIR, data_rows

WORDS_DIR = "words"
# A class whose name ends so holds characters, several to a row (`name_end_chars<TAB>的在和与…`).
CHARS = "_chars"


@lru_cache(maxsize=1)
def _classes() -> dict[str, tuple[tuple[str, str], ...]]:
    """Class → its (word, value) rows in file order, from every file under `ner/data/words`."""
    rows: dict[str, list[tuple[str, str]]] = {}
    home: dict[str, str] = {}
    for path in sorted((DATA_DIR / WORDS_DIR).glob("*.tsv")):
        for row in data_rows(f"{WORDS_DIR}/{path.name}"):
            cls, word, value = (row + ["", ""])[:3]
            if home.setdefault(cls, path.name) != path.name:
                raise ValueError(f"word class {cls} is spelled in {home[cls]} and {path.name}")
            if cls.endswith(CHARS):
                rows.setdefault(cls, []).extend((ch, value) for ch in word)
            else:
                rows.setdefault(cls, []).append((word, value))
    for cls, entries in rows.items():
        words = [w for w, _ in entries]
        if not all(words) or len(set(words)) != len(words):
            raise ValueError(f"word class {cls} has an empty or repeated entry")
    return {cls: tuple(entries) for cls, entries in rows.items()}


def words(cls: str) -> tuple[str, ...]:
    """The words of a class, in file order (a `_chars` class: its characters)."""
    return tuple(w for w, _ in _classes()[cls])


def chars(cls: str) -> str:
    """The characters of a `_chars` class as one string, in file order."""
    return "".join(words(cls))


def word(cls: str) -> str:
    """The one word of a single-word class (`head_title_ending`: 长)."""
    (only,) = words(cls)
    return only


def values(cls: str) -> dict[str, str]:
    """Word → value for a class whose rows carry one (`post_verb`: 调任 → new); "" where a row has none."""
    return dict(_classes()[cls])


def with_value(cls: str, value: str) -> tuple[str, ...]:
    """The words of a class whose row carries `value` (`anaphor_determiner` … self: 本, 我), in file order."""
    return tuple(w for w, v in _classes()[cls] if v == value)


def division_endings(*levels: str) -> str:
    """The one-character endings of divisions of these levels (`county`, `district`: 县区), highest
    level first, from the `division_ending` class."""
    return "".join(w for w, level in _classes()["division_ending"] if level in levels)


def classes() -> tuple[str, ...]:
    """Every class name (for the tests)."""
    return tuple(_classes())
