"""The article's home city: what 我市, 全市, 市委 and 市公安局 refer to.

Local news rarely names its own city in full where it matters; it writes 市委 and 我市. The home city is
inferred per document from the places it names: a mention in the headline (first line) or dateline
counts three times, and only prefecture-level and county-level divisions compete. A county named only
by its short name counts where its full name, its city or its province is written too. Articles that write
我县/全县 more than 我市/全市 prefer a county.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from zhkg.ner import words
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
# Rural counties (县, and the banners of Inner Mongolia) speak as 我县; a city's districts speak as their city.
COUNTY_ENDINGS = tuple(words.division_endings("county", "banner"))
DISTRICT_ENDING = words.division_endings("district")
LOCAL_ORGANS = words.words("local_organ")


def _voice(level: str) -> tuple[str, ...]:
    """How an article speaks of its own city or county: 我县, 本县, 全县 and its committee 县委."""
    return tuple(p for p in words.words("home_prefix") if p.endswith(level)) + (level + words.word("committee_ending"),)


COUNTY_VOICE = _voice(words.division_endings("county"))
CITY_VOICE = _voice(words.division_endings("city"))


def infer_home_city(text: str, places: Iterable[tuple[int, Division]], gaz: Gazetteer, *,
                    min_score: float = MIN_SCORE, min_share: float = MIN_SHARE) -> Division | None:
    """The prefecture- or county-level division the article is about, from (offset, division) mentions;
    None unless its score reaches `min_score` and `min_share` of all mentions (the component's settings)."""
    first_line_end = next((i for i, line_len in _line_ends(text) if line_len.strip()), DATELINE_CHARS)
    county_voice = sum(text.count(w) for w in COUNTY_VOICE) > sum(text.count(w) for w in CITY_VOICE)
    places = list(places)
    named = _named_in_full(text, places)
    score: Counter[str] = Counter()
    mentions = 0.0
    for offset, div in places:
        if div.level == "county" and not named.intersection(div.path):
            continue  # 竹溪 (a river in a Tainan release) alone is no 竹溪县 of Hubei
        weight = HEADLINE_WEIGHT if offset < max(first_line_end, DATELINE_CHARS) else 1
        mentions += weight
        target = div if div.level in ("prefecture", "county") or div.key in SPECIAL_REGIONS else _city_level(div, gaz)
        if target is None:
            continue
        target = _district_city(target, gaz)
        if county_voice != target.name.endswith(COUNTY_ENDINGS):
            weight *= 0.5
        score[target.key] += weight
        city = gaz.city_of(target)
        if city is not None and city.key != target.key:
            score[city.key] += weight * ANCESTOR_SHARE
    if not score:
        return None
    best = max(score.items(), key=lambda kv: (kv[1], -gaz.get(kv[0]).rank))
    return gaz.get(best[0]) if best[1] >= min_score and best[1] >= min_share * mentions else None


def _named_in_full(text: str, places: list[tuple[int, Division]]) -> set[str]:
    """The keys of the divisions the article writes in full or before one of their organs (霸州法院), and
    of those above them: a county written only by its short name counts for the home city where its full
    name, its city or its province is written too (原平 beside 忻州), never alone (竹溪新设停车场)."""
    keys: set[str] = set()
    for offset, div in places:
        short = next((n for n in div.short_names if text.startswith(n, offset)), "")
        if text.startswith(div.name, offset) or short and text.startswith(LOCAL_ORGANS, offset + len(short)):
            keys.update(div.path)  # 霸州|法院: the county's own court names the county
        elif div.level != "county":
            keys.add(div.key)
    return keys


def _district_city(div: Division, gaz: Gazetteer) -> Division:
    """A city district's news is its city's news: 北门区 speaks for 台南市 (a county or a county-level
    city keeps its own voice: 我县 means the county)."""
    if div.level == "county" and div.name.endswith(DISTRICT_ENDING):
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
