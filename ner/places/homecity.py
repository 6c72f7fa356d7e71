"""The article's home city: what 我市, 全市, 市委 and 市公安局 refer to.

Local news rarely names its own city in full where it matters; it writes 市委 and 我市. The home city is
inferred per document from the places it names: a mention in the headline (first line) or dateline
counts three times, and only prefecture-level and county-level divisions compete. Articles that write
我县/全县 more than 我市/全市 prefer a county.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from zhkg.ner.places.gazetteer import SPECIAL_REGIONS, Division, Gazetteer

HEADLINE_WEIGHT = 3
# A county or town named in the article also speaks for its prefecture (忻府区, 原平 → 忻州).
ANCESTOR_SHARE = 0.5
# One passing mention in the body is no evidence of a home city (national news names many places).
MIN_SCORE = 2
# Articles that name many places (national round-ups, discipline notices naming ten provinces) have no
# home city: the winner must hold this share of all place mentions, provinces included.
MIN_SHARE = 0.35
DATELINE_CHARS = 60


def infer_home_city(text: str, places: Iterable[tuple[int, Division]], gaz: Gazetteer) -> Division | None:
    """The prefecture- or county-level division the article is about, from (offset, division) mentions."""
    first_line_end = next((i for i, line_len in _line_ends(text) if line_len.strip()), DATELINE_CHARS)
    county_voice = sum(text.count(w) for w in ("我县", "全县", "本县", "县委")) > sum(
        text.count(w) for w in ("我市", "全市", "本市", "市委"))
    score: Counter[str] = Counter()
    mentions = 0.0
    for offset, div in places:
        weight = HEADLINE_WEIGHT if offset < max(first_line_end, DATELINE_CHARS) else 1
        mentions += weight
        target = div if div.level in ("prefecture", "county") or div.key in SPECIAL_REGIONS else _city_level(div, gaz)
        if target is None:
            continue
        target = _district_city(target, gaz)
        if county_voice != target.name.endswith(("县", "旗")):
            weight *= 0.5
        score[target.key] += weight
        city = gaz.city_of(target)
        if city is not None and city.key != target.key:
            score[city.key] += weight * ANCESTOR_SHARE
    if not score:
        return None
    best = max(score.items(), key=lambda kv: (kv[1], -gaz.get(kv[0]).rank))
    return gaz.get(best[0]) if best[1] >= MIN_SCORE and best[1] >= MIN_SHARE * mentions else None


def _district_city(div: Division, gaz: Gazetteer) -> Division:
    """A city district's news is its city's news: 北门区 speaks for 台南市 (a county or a county-level
    city keeps its own voice: 我县 means the county)."""
    if div.level == "county" and div.name.endswith("区"):
        city = gaz.city_of(div)
        if city is not None and city.level == "prefecture":
            return city
    return div


def _city_level(div: Division, gaz: Gazetteer) -> Division | None:
    """A town counts for its county, so an article about 前阳镇 and 东港 agrees on 东港市."""
    return gaz.county_of(div) if div.level == "town" else None


def _line_ends(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        pos += len(line) + 1
        yield pos, line
