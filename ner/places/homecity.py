"""The article's home city: what 我市, 全市, 市委 and 市公安局 refer to.

Local news rarely names its own city in full where it matters; it writes 市委 and 我市. The home city is
inferred per document from the places it names: a mention in the headline (first line) or dateline
counts three times, and only prefecture-level and county-level divisions compete. A county named only
by its short name counts where its full name, its city or its province is written too. Articles that write
我县/全县 more than 我市/全市 prefer a county.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import jieba.posseg

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
CITY_ENDING = words.division_endings("city")
DISTRICT_ENDING = words.division_endings("district")
LOCAL_ORGANS = words.words("local_organ")


def _voice(level: str) -> tuple[str, ...]:
    """How an article speaks of its own city or county: 我县, 本县, 全县 and its committee 县委."""
    return tuple(p for p in words.words("home_prefix") if p.endswith(level)) + (level + words.word("committee_ending"),)


COUNTY_VOICE = _voice(words.division_endings("county"))
CITY_VOICE = _voice(words.division_endings("city"))
# 市府, 市长 with no city written before them: the article speaks as a city (a release of a city's bureau).
CITY_OFFICES = tuple(words.words("city_voice"))
DEPUTY = words.with_value("head_title_prefix", "deputy")[0]
# The endings of a city's own organs (环保局, 市政府, 议会, 市长): a place before one of them is the city itself.
ORGAN_ENDINGS = tuple(words.chars("city_organ_ending"))
AFTER_PLACE_CHARS = 6


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
    spoken = _spoken_city(text, places, score, gaz)
    if spoken is not None:
        score[spoken] += 1  # 市府回应… naming 台南市 once: the article speaks as the one city it names
        mentions += 1
    best = max(score.items(), key=lambda kv: (kv[1], -gaz.get(kv[0]).rank))
    return gaz.get(best[0]) if best[1] >= min_score and best[1] >= min_share * mentions else None


def _spoken_city(text: str, places: list[tuple[int, Division]], score: Counter[str], gaz: Gazetteer) -> str | None:
    """The one city (prefecture or county level, 市) the article names, where it speaks as a city: 我市, 全市, 市委, or
    市府 and 市长 written bare; None where it names none or several, where it speaks as no city, or where the
    city is named only as the start of another body's name (台北市国际礼仪协会 in Tainan's release)."""
    cities = [k for k in score if gaz.get(k).level in ("prefecture", "county") and gaz.get(k).name.endswith(CITY_ENDING)]
    if len(cities) != 1:
        return None
    voice = any(w in text for w in CITY_VOICE) or any(
        _bare(text, m.start(), gaz) for w in CITY_OFFICES for m in re.finditer(w, text))
    if not voice:
        return None
    standing = any(cities[0] in div.path and not _opens_a_body(text, offset, div) for offset, div in places)
    return cities[0] if standing else None


def _opens_a_body(text: str, offset: int, div: Division) -> bool:
    """台北市|国际礼仪文化教育协会: a place followed by a noun that is none of its own organs (局, 政府, 议会)
    names where another body is, not the article's city."""
    written = max((n for n in (div.name, *div.short_names) if text.startswith(n, offset)), key=len, default=div.name)
    after = jieba.posseg.lcut(text[offset + len(written):offset + len(written) + AFTER_PLACE_CHARS])
    return bool(after) and after[0].flag.startswith("n") and not after[0].word.endswith(ORGAN_ENDINGS)


def _bare(text: str, i: int, gaz: Gazetteer) -> bool:
    """市府 at ``i`` not closing a place's name (台南市府, 高雄市副市长): the city is left unsaid (黄市长)."""
    before = text[max(0, i - 6):i].removesuffix(DEPUTY)
    return not any(before[-n:] in gaz for n in range(2, 5) if len(before) >= n)


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
