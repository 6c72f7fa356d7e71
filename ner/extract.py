"""Documents in, fact and entity records out, with evidence quoted from the original text.

The pipeline tags the normalized (repaired, Simplified) text; every offset it produces is mapped back
to the original with `Normalized.to_original`, and anything touching a garbled run is dropped, so no
fact is built from converter damage. Records are plain dicts in the contract of `eval/score.py`.

What the input says about a document (`Source.meta`) outranks what the text suggests: a date the page
or record gives is the document's date, a home city given for it (`zhkg build --home`, a record's home
field) is its home city instead of the one inferred (`doc._.home_hint`, honoured by `zhkg_home_city`),
and an issuer is put on `doc._.issuer` for the rules.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from zhkg.ner.places.locate import Locator
from zhkg.ner.rules import Fact, sentences
from zhkg.ner.rules.units import DocContext, resolve_unit
from zhkg.ner.text.dates import document_date
from zhkg.ner.text.normalize import Normalized, normalize, to_simplified
from zhkg.ner.text.reading import Source
from zhkg.ner.text.visible import INVISIBLE, visible
from zhkg.ner.vocabulary import Division, lexicons, load_gazetteer

if TYPE_CHECKING:  # spaCy is imported where the pipeline is loaded, not by readers of records
    from spacy.language import Language
    from spacy.tokens import Doc

BATCH_CHARS = 60_000


@dataclass
class DocResult:
    name: str
    path: str
    chars: int
    date: str | None
    home_city: str | None
    home_code: str | None
    facts: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    damage: list[dict] = field(default_factory=list)
    digest: str = ""  # hash of the document's bytes: with `name` (its relative path) what makes it one document

    @property
    def ident(self) -> str:
        """What tells this document from every other: two files both called news.txt, in two folders
        given to one build, share a name but not their bytes."""
        return f"{self.name}#{self.digest}" if self.digest else self.name


def run(nlp: Language, sources: Iterable[Source], batch_size: int = 16, n_process: int = 1,
        batch_chars: int = BATCH_CHARS) -> Iterator[DocResult]:
    """Tag documents in batches with `nlp.pipe`; one DocResult per source, in order.

    A batch holds at most `batch_size` documents and, beyond its first, `batch_chars` characters:
    the model's memory grows with the characters it tags at once (about 13 kB each)."""
    pairs = ((_doc_or_text(nlp, norm.text, src.meta), (src, norm))
             for src, norm in ((s, without_invisible(normalize(s.text))) for s in sources))
    for group in _char_bounded(pairs, batch_size, batch_chars):
        for doc, (src, norm) in nlp.pipe(group, as_tuples=True, batch_size=len(group), n_process=n_process):
            yield records(doc, src, norm)


class UnknownHome(ValueError):
    """A home city the division data does not know, or knows more than once; `str(e)` is one line."""


_HOME_LEVELS = ("province", "prefecture", "county")


def home_division(name: str) -> Division:
    """The division a given home city names: its code (`140900`), its name in full or short, Traditional
    or Simplified (`臺南市`, `忻州`), or a name under its parent (`北京市朝阳区`). Towns are no home city.
    UnknownHome when none or several fit (a name shared by two cities lists their codes)."""
    gaz = load_gazetteer()
    name = name.strip()
    if gaz.get(name) is not None:
        return gaz.get(name)
    simple = to_simplified(name)
    found = [d for d in gaz.lookup(simple) if d.level in _HOME_LEVELS]
    if not found:  # a name written under its parent: 北京市朝阳区
        for cut in range(2, len(simple) - 1):
            parents = {d.key for d in gaz.lookup(simple[:cut])}
            found = [d for d in gaz.lookup(simple[cut:])
                     if d.level in _HOME_LEVELS and parents.intersection(d.path[:-1])]
            if found:
                break
    if len({d.key for d in found}) > 1:  # one name, several cities: the highest level, if it is alone
        top = [d for d in found if d.rank == min(x.rank for x in found)]
        found = top if len(top) == 1 else found
    if not found:
        raise UnknownHome(f"unknown home city {name!r}: not a division name or code the division data holds")
    if len(found) > 1:
        listed = ", ".join(f"{d.code or d.key} ({''.join(gaz.get(k).name for k in d.path)})" for d in found[:5])
        raise UnknownHome(f"home city {name!r} is ambiguous: {listed}; give its code or its parent's name")
    return found[0]


def _doc_or_text(nlp: Language, text: str, meta: dict[str, str] | None) -> Doc | str:
    """The text to tag, made a Doc carrying the hints of `meta` (home city, issuer) when it has any."""
    if not meta or not (meta.get("home") or meta.get("issuer")):
        return text
    doc = nlp.make_doc(text)
    if meta.get("home"):
        try:
            doc._.home_hint = home_division(meta["home"]).key
        except UnknownHome:  # the build says so once; the home city is then inferred
            pass
    doc._.issuer = meta.get("issuer") or None
    return doc


def _meta_date(src: Source) -> str | None:
    """The date the input gives for the document (a page's, a record's), read as a date line is."""
    given = str((src.meta or {}).get("date") or "")
    return (document_date(given) or document_date("", given)) if given else None  # 2021-05-04, 20210504


def without_invisible(norm: Normalized) -> Normalized:
    """`norm` with the characters no reader sees (`visible.INVISIBLE`: zero-width, bidi and other format
    characters, non-whitespace controls) taken out of the text the pipeline tags, the map back to the
    original offsets kept: `王\u200b杰` is then read as 王杰 (the tokenizer split the name there and
    missed it), and a span across such a character still covers it in the original."""
    text = norm.text
    keep: list[int] = []
    pos = 0
    for m in INVISIBLE.finditer(text):
        keep.extend(range(pos, m.start()))
        pos = m.end()
    if not pos:
        return norm
    keep.extend(range(pos, len(text)))
    damage = [replace(d, start=bisect_left(keep, d.start), end=bisect_left(keep, d.end)) for d in norm.damage]
    return Normalized(norm.original, "".join(text[i] for i in keep), damage,
                      [norm._starts[i] for i in keep], [norm._ends[i] for i in keep])


def _char_bounded(pairs: Iterable[tuple[str | Doc, object]], batch_size: int, batch_chars: int) -> Iterator[list]:
    group: list = []
    chars = 0
    for pair in pairs:
        size = len(pair[0]) if isinstance(pair[0], str) else len(pair[0].text)  # a Doc's length is its tokens
        if group and (len(group) >= batch_size or chars + size > batch_chars):
            yield group
            group, chars = [], 0
        group.append(pair)
        chars += size
    if group:
        yield group


def records(doc: Doc, src: Source, norm: Normalized) -> DocResult:
    gaz = load_gazetteer()
    home = gaz.get(doc._.home_city) if doc._.home_city else None
    date = _meta_date(src) or document_date(norm.text, str((src.meta or {}).get("id", src.name)))
    result = DocResult(src.name, src.path, len(norm.original), date, home.name if home else None,
                       home.code if home else None, digest=src.digest)
    tag = {"doc_hash": src.digest} if src.digest else {}
    sent_starts = [s for s, _ in sentences(norm.text)]
    for f in doc._.facts or []:
        if norm.is_damaged(min(f.start, f.person_start), max(f.end, f.person_end)):
            continue
        result.facts.append(_fact_record(f, src, norm, date, home, sent_starts) | tag)
    ctx = DocContext(norm.text, home, [], gaz)
    lex = lexicons()
    places = doc.spans.get("places", [])
    locator = Locator(norm.text, [(s.start_char, s.end_char, s.kb_id_) for s in places if s.kb_id_], gaz,
                      home.key if home else None, sent_starts)
    from zhkg.ner.components import listed_orgs  # here, not above: readers of records need no spaCy

    layers = (("PERSON", doc.spans.get("persons", [])), ("ORG", listed_orgs(doc)),
              ("PLACE", doc.spans.get("places", [])), ("ROLE", doc.spans.get("roles", [])))
    for label, spans in layers:  # every layer's mentions, nested ones too (a place inside a unit's name)
        for span in spans:
            if norm.is_damaged(span.start_char, span.end_char):
                continue
            name = visible("".join(span.text.split()))
            if label == "PERSON":
                name = next((f.person for f in doc._.facts or [] if f.person_start == span.start_char), name)
            if label == "ORG":
                name = resolve_unit(name, span.start_char, ctx, lex)
            o_start, o_end = norm.to_original(span.start_char, span.end_char)
            row = {"doc": src.name, **tag, "type": label, "name": to_simplified(name), "text": norm.original[o_start:o_end],
                   "start": o_start, "end": o_end}
            if label == "PLACE" and span.kb_id_:
                div = gaz.get(span.kb_id_)
                row.update(code=div.code, key=div.key, level=div.level, canonical=div.name)
            elif label == "PLACE":
                where = locator.locate(name, span.start_char)
                row["kind"] = where.kind
                if where.parent_key:
                    row["parent_key"] = where.parent_key
            result.entities.append(row)
    for d in norm.damage:
        o_start, o_end = norm.to_original(d.start, d.end)
        result.damage.append({"doc": src.name, **tag, "kind": d.kind, "start": o_start, "end": o_end,
                              "original": d.original, "replacement": d.replacement})
    for start, end, raw in src.decode_errors:  # bytes the reader could not decode, as U+FFFD in the text
        result.damage.append({"doc": src.name, **tag, "kind": "undecodable", "start": start, "end": end,
                              "original": raw.hex(" "), "replacement": norm.original[start:end]})
    return result


def _fact_record(f: Fact, src: Source, norm: Normalized, date: str | None, home, sent_starts: list[int]) -> dict:
    gaz = load_gazetteer()
    start, end = (f.start, f.end) if f.person_end <= f.start else (min(f.start, f.person_start), max(f.end, f.person_end))
    o_start, o_end = norm.to_original(start, end)
    p_start, p_end = norm.to_original(f.person_start, f.person_end)
    sentence = f.sentence if f.sentence >= 0 else max(0, bisect_right(sent_starts, start) - 1)
    row = {
        "doc": src.name,
        "person": to_simplified(f.person),
        "role": to_simplified(f.role) if f.role else None,
        "unit": to_simplified(f.unit) if f.unit else None,
        "city": f.city,
        "city_code": gaz.get(f.city_key).code or None if f.city_key else None,
        "city_key": f.city_key or None,
        "status": f.status,
        "date": date,
        "home_city": home.name if home else None,
        "sentence": sentence,
        "evidence": norm.original[o_start:o_end],
        "evidence_repaired": norm.text[start:end],  # what the pipeline read there: repaired, Simplified
        "start": o_start,
        "end": o_end,
        "person_start": p_start,
        "person_end": p_end,
        "person_text": norm.original[p_start:p_end],
        "rule": f.rule,
        "confidence": round(f.confidence, 2),
    }
    return row
