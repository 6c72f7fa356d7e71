"""Parent units read from the structure of a unit's name.

Chinese unit names nest left to right: 偏关县公安局民爆大队 is a brigade of 偏关县公安局, and
许昌市中心医院呼吸危重症科一病区 a ward of 许昌市中心医院呼吸危重症科, itself a department of
许昌市中心医院. A parent is a proper prefix of the name that ends like a unit (a suffix from the
lexicon at a jieba word boundary) and is more than a bare place name.
"""

from __future__ import annotations

from functools import lru_cache

import jieba

from zhkg.ner.vocabulary import MAX_PLACE_CHARS, PLACE_SUFFIXES, lexicons, load_gazetteer, load_org_kinds

MIN_UNIT_CHARS = 3


@lru_cache(maxsize=65536)
def parent_units(name: str) -> tuple[str, ...]:
    """Ancestors of a unit by name, nearest first (empty when the name has no unit inside it)."""
    lex, gaz = lexicons(), load_gazetteer()
    bounds, pos = [], 0
    for word in jieba.lcut(name)[:-1]:
        pos += len(word)
        bounds.append(pos)
    parents = []
    for b in reversed(bounds):
        prefix = name[:b]
        if len(prefix) < MIN_UNIT_CHARS or prefix in gaz or prefix.endswith(PLACE_SUFFIXES) and _is_place(prefix):
            continue
        if prefix.endswith(lex.org_suffixes):
            parents.append(prefix)
    return tuple(parents)


def _is_place(prefix: str) -> bool:
    """A chain of places only (振兴区临江街道): a location, not a parent unit."""
    gaz = load_gazetteer()
    i = 0
    while i < len(prefix):
        for n in range(min(MAX_PLACE_CHARS, len(prefix) - i), 1, -1):
            if prefix[i:i + n] in gaz:
                i += n
                break
        else:
            return False
    return True


@lru_cache(maxsize=65536)
def org_kind(name: str) -> str:
    """The kind of a unit (party, government, police, company, ...) from its longest known suffix,
    as CPED's unit types give it (`ner/data/org_kinds.tsv`); "" when no suffix settles it."""
    kinds = load_org_kinds()
    for n in range(len(name), 0, -1):
        if name[-n:] in kinds:
            return kinds[name[-n:]]
    return ""
