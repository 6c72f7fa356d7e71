"""What post a fact names, in the form identity and careers compare.

A tagger's titles and units are noisy where identity needs them exact: 经发局长 and 局长 of 经发局 are
one post, 代市长 is the 市长 post held by an acting holder, and a unit read with the words before it
(民众祭祀民政局, 24日起环保局) is the 民政局 and the 环保局 other sentences name plainly. So a title is
reduced to its post family (`role_family`) and a unit to the shortest form the same person's other
facts give it (`canonical_units`); a unit that is only a place (台南市, 台南市政府) is the city itself.
The words behind these choices are data, in `graph/data/people.tsv`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from zhkg.ner.vocabulary import load_gazetteer

DATA = Path(__file__).with_name("data") / "people.tsv"
_GOVERNMENT = re.compile(r"(?:市|县|区)?(?:政府|府)$")
_PLACE_ENDINGS = ("市", "县", "区", "乡", "镇")
MIN_CORE_CHARS = 2


@lru_cache(maxsize=1)
def word_classes() -> dict[str, dict[str, str]]:
    """class → {word: value} from `graph/data/people.tsv` (file order kept)."""
    classes: dict[str, dict[str, str]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, word, value = ([*line.split("\t"), "", ""])[:3]
        classes.setdefault(cls, {})[word] = value
    return classes


def words(cls: str) -> tuple[str, ...]:
    """The words of one class of `people.tsv`."""
    return tuple(word_classes().get(cls, {}))


@lru_cache(maxsize=65536)
def role_family(role: str | None) -> str:
    """The post a title names: 代市长 → 市长, 经发局长 → 局长, 市议员 → 议员, 副市长 stays 副市长."""
    if not role:
        return ""
    aliases = word_classes().get("family_alias", {})
    r = aliases.get(role, role)
    for prefix in words("acting_prefix"):
        rest = r[len(prefix):]
        if r.startswith(prefix) and (rest in aliases or any(rest.endswith(h) for h in words("family_head"))):
            r = aliases.get(rest, rest)
            break
    for head in sorted(words("family_head"), key=len, reverse=True):
        if r.endswith(head):
            deputy = "副" if r[:-len(head)].endswith("副") and not head.startswith("副") else ""
            return aliases.get(deputy + head, deputy + head)
    return r


def is_acting(role: str | None) -> bool:
    """A title that names the acting holder of a post (代市长, 代理局长)."""
    return bool(role) and any(role.startswith(p) and role_family(role) != role for p in words("acting_prefix"))


@lru_cache(maxsize=65536)
def is_place_unit(unit: str) -> bool:
    """A unit that is only a place or its government (台南市, 台南市政府, 南市, 市府): the city itself."""
    gaz = load_gazetteer()
    bare = _GOVERNMENT.sub("", unit) or unit
    if unit in gaz or bare in gaz or unit in ("市府", "市政府", "县府", "县政府", "本市"):
        return True
    return bare.endswith(_PLACE_ENDINGS) and len(bare) <= 3


def same_unit(a: str, b: str) -> bool:
    """One unit, perhaps abbreviated: equal, or the shorter a subsequence of the longer with the same
    first and last character (经发局 of 经济发展局, 环保局 of 环境保护局)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if not short or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def canonical_units(units: Iterable[str]) -> dict[str, str]:
    """Each unit of one person's facts → the shortest of those units that ends it (at least two
    characters, not a place): 台南市政府民政局 and 民众祭祀民政局 → 民政局 when 民政局 is among them.
    Units that are places map to "" (the post sits in the city itself)."""
    names = sorted({u for u in units if u}, key=lambda u: (len(u), u))
    out: dict[str, str] = {}
    for u in names:
        if is_place_unit(u):
            out[u] = ""
            continue
        out[u] = next((s for s in names if len(s) >= MIN_CORE_CHARS and len(s) < len(u) and u.endswith(s)
                       and out.get(s) == s), u)
    return out


__all__ = ["canonical_units", "is_acting", "is_place_unit", "role_family", "same_unit", "word_classes", "words"]
