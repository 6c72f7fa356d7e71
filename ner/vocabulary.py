"""What the two stages share: the title and unit lexicons, the gazetteer, the national titles.

The relation rules (`zhkg.ner.rules`) read posts, units and places with them; the graph (`zhkg.graph`)
reads the same unit suffixes, places and titles to find parent units, locations and identities. Both
import them from here, so the graph never reaches into a rule module and a rule can change without
the graph noticing. The words come from `ner/data` (see `zhkg.ner.words`), each loaded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jieba

from zhkg.ner import words
from zhkg.ner.lexicons import load_org_kinds, load_org_suffixes, load_roles, load_surnames
from zhkg.ner.places.gazetteer import Division, Gazetteer, load_gazetteer

__all__ = ["MAX_PLACE_CHARS", "MAX_TITLE_CHARS", "NATIONAL_TITLES", "NOT_POSTS", "PLACE_SUFFIXES", "Division",
           "Gazetteer", "Lexicons", "lexicons", "load_gazetteer", "load_org_kinds"]

# The longest title the rules read (党委副书记兼纪委书记 fits); longer runs are a unit and a title.
MAX_TITLE_CHARS = 12
# The longest place name read inside a unit's name (新疆维吾尔自治区 fits).
MAX_PLACE_CHARS = 12
# jieba's dictionary frequency from which a staff noun (网格员) counts as a title.
STAFF_NOUN_FREQ = 30

NOT_POSTS = frozenset(words.words("not_post"))
PEOPLE_WORDS = words.words("people_word")  # 女性|干部: people, though 部 ends units
NATIONAL_TITLES = frozenset(words.words("national_title"))
# After a one-character surname, a form of address that makes the whole "name" (陈小姐, 王先生, 黄君):
# such a name is no one's (the credits and the model's persons drop it; the graph makes no node of it).
ADDRESS_FORMS = words.words("address_form")
ANONYMOUS_MARKS = words.words("anonymous_mark")  # 张某, 张某某: a name that hides the person
# What ends a place's name inside a noun chain: the longer suffixes, then every division's ending.
PLACE_SUFFIXES = words.words("place_suffix") + words.words("division_ending")


@dataclass(frozen=True)
class Lexicons:
    """The titles, surnames and unit suffixes the rules and the graph read names with."""

    roles: frozenset[str]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    org_suffixes: tuple[str, ...]
    org_suffix_set: frozenset[str]
    unit_endings: tuple[str, ...]  # the unit suffixes and PLACE_SUFFIXES

    def ends_like_unit(self, s: str) -> bool:
        return bool(s) and s.endswith(self.unit_endings) and not s.endswith(PEOPLE_WORDS)


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    """The process-wide lexicons: titles of two to MAX_TITLE_CHARS characters that are posts, surnames
    split by length, unit suffixes longest first."""
    roles = frozenset(r for r in load_roles() | _staff_nouns()
                      if 2 <= len(r) <= MAX_TITLE_CHARS and r not in NOT_POSTS)
    surnames = load_surnames()
    suffixes = tuple(sorted({s for s in load_org_suffixes() if s}, key=len, reverse=True))
    return Lexicons(
        roles=roles,
        surnames=frozenset(s for s in surnames if len(s) == 1),
        compound_surnames=frozenset(s for s in surnames if len(s) == 2),
        org_suffixes=suffixes,
        org_suffix_set=frozenset(suffixes),
        unit_endings=suffixes + PLACE_SUFFIXES,
    )


def _staff_nouns() -> set[str]:
    """Nouns for staff in jieba's dictionary (工作人员, 网格员): posts the title corpora rarely annotate."""
    ending = words.word("staff_ending")
    out = set()
    with open(jieba.get_dict_file().name, encoding="utf-8") as f:
        for line in f:
            word, freq, flag = line.split()
            if flag == "n" and 3 <= len(word) <= 4 and word.endswith(ending) and int(freq) >= STAFF_NOUN_FREQ:
                out.add(word)
    return out
