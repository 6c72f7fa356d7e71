"""Place named places that the division data does not hold inside a division that it does.

The division data stops at towns. Communities, villages, streets, scenic sites, development zones and
natural features are still places a reader wants to find "in 忻州市", so each is given the division it
sits in, from what the article says around it:

* a coded division written right before it (静乐县北城社区, 文峰街道办事处河西社区);
* for a region (陕北 = 陕 + 北) the province of the abbreviation;
* for communities, villages, streets, sites and zones, the last county or town named earlier in the
  same sentence, or else the article's home city;
* natural features cross borders, so they are placed only by a division written right before them.

Everything else stays unplaced rather than guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from zhkg.ner import words
from zhkg.ner.lexicons import data_rows
from zhkg.ner.places.gazetteer import Gazetteer

DIRECTIONS = words.chars("direction_chars")
# what may stand between a division and the place inside it: nothing, or 街道办事处 spelled out, 街办
JOINERS = ("", *words.words("division_joiner"))
CONTEXT_LEVELS = ("county", "town")
FROM_CONTEXT = frozenset({"town", "community", "village", "street", "site", "zone"})


@dataclass(frozen=True)
class Located:
    kind: str  # town, community, village, street, site, zone, natural, region or other
    parent_key: str | None  # the division it sits in, when the text says which


@lru_cache(maxsize=1)
def _kinds() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((r[0], r[1]) for r in data_rows("place_kinds.tsv")), key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    return {r[0]: r[1] for r in data_rows("province_abbreviations.tsv")}


def place_kind(name: str) -> str:
    """What kind of place a name below the division data is, from its ending (or 陕北-style regions)."""
    if len(name) == 2 and name[0] in _abbreviations() and name[1] in DIRECTIONS:
        return "region"
    return next((kind for ending, kind in _kinds() if name.endswith(ending) and len(name) > len(ending)), "other")


def region_province(name: str, gaz: Gazetteer) -> str | None:
    """陕北 → the key of 陕西省."""
    full = _abbreviations().get(name[:1])
    found = gaz.lookup(full) if full else []
    return found[0].key if found else None


class Locator:
    """Locates the uncoded places of one document, given its coded places and home city."""

    def __init__(self, text: str, coded: list[tuple[int, int, str]], gaz: Gazetteer, home_key: str | None,
                 sentence_starts: list[int]) -> None:
        self.text, self.gaz, self.home_key, self.sentence_starts = text, gaz, home_key, sentence_starts
        self.by_end = {end: key for _, end, key in coded}
        self.starts = sorted((start, key) for start, _, key in coded)

    def locate(self, name: str, start: int) -> Located:
        kind = place_kind(name)
        prefix = self._division_prefix(name)
        if prefix is not None:
            return Located(kind, prefix)  # 神木市滨河新区街道: inside the division it starts with
        for gap in JOINERS:
            key = self.by_end.get(start - len(gap))
            if key is not None and self.text[start - len(gap):start] == gap:
                return Located(kind, key)
        if kind == "region":
            return Located(kind, region_province(name, self.gaz))
        if kind not in FROM_CONTEXT:
            return Located(kind, None)
        sentence = self.sentence_starts[max(0, bisect_right(self.sentence_starts, start) - 1)] if self.sentence_starts else 0
        i = bisect_right(self.starts, (start, "")) - 1
        while i >= 0 and self.starts[i][0] >= sentence:
            div = self.gaz.get(self.starts[i][1])
            if div is not None and div.level in CONTEXT_LEVELS:
                return Located(kind, div.key)
            i -= 1
        return Located(kind, self.home_key)

    def _division_prefix(self, name: str) -> str | None:
        for n in range(len(name) - 2, 1, -1):
            if self.gaz.is_full_name(name[:n]):
                context = [key for _, key in self.starts] + ([self.home_key] if self.home_key else [])
                div = self.gaz.resolve(name[:n], context)
                return div.key if div is not None else None
        return None
