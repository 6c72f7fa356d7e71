"""The project's spaCy components: persons, titles, places, home city, organizations, facts, entities.

Each is a registered factory that reads what earlier components left on the `Doc` and adds its own
layer: `doc.spans["persons"|"roles"|"places"|"orgs"]`, `doc._.home_city`, `doc._.facts`,
`doc._.credits`. A statistical `ner` placed in front contributes its PERSON/ORG/PLACE entities;
without it the rules stand alone. Data (gazetteer, lexicons) is loaded in `initialize` from
`zhkg.ner.data` and the administrative-division package, never typed into the code.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import pairwise

import jieba
import jieba.posseg
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from zhkg.ner import words
from zhkg.ner.places.homecity import MIN_SCORE, MIN_SHARE, infer_home_city
from zhkg.ner.rules import Mention, extract_facts, grammar
from zhkg.ner.rules.chains import (
    CJK,
    common_verb,
    dictionary_non_name,
    role_ending_at,
    role_starting_at,
    surname_length,
    tag,
    unit_ending_at,
)
from zhkg.ner.rules.credits import find_credits
from zhkg.ner.rules.persons import SPEECH, WORD_FREQ, division_before_organ, find_persons, opens_with_word
from zhkg.ner.rules.post_verb import SINGLE_VERB, object_titled
from zhkg.ner.rules.title_after import begins_unit_word
from zhkg.ner.rules.units import DocContext, resolve_unit
from zhkg.ner.text.normalize import to_simplified
from zhkg.ner.vocabulary import lexicons, load_gazetteer

# home_hint: the key of a home city the input gives (zhkg build --home, a record's home field), which
# zhkg_home_city takes instead of inferring one; issuer: the unit the input says issued the document.
for _name, _default in (("home_city", None), ("facts", None), ("credits", None), ("tokens", None), ("text", None),
                        ("home_hint", None), ("issuer", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

COMMUNITY_HEADS = words.words("community_head")
# 浙江绍兴人: jieba reads a native's place and 人 as one word; the place still stands.
NATIVE = words.word("native_suffix")
# Dictionary frequency above which a common noun (城区 1517, 郊区 668) is not read as a place name;
# county names the dictionary lists as nouns (代县 17, 原平 24) stay below it. The default of the
# `place_word_freq` setting of zhkg_places.
PLACE_WORD_FREQ = 500
PLACE_SUFFIX_CHARS = set(grammar.DIVISION_CHARS)
# Dictionary frequency from which a rule's name (温馨 335) needs the model's agreement, when a model runs:
# the default of the `common_name_word_freq` setting of zhkg_persons.
COMMON_NAME_WORD_FREQ = 50
# Dictionary frequency from which a two-character verb (上任) opening a rule's name makes it word-like.
COMMON_VERB_FREQ = 300
# The longest unit ending read after a name that starts a unit named after a person (張榮發|基金會).
MAX_NAMED_UNIT_SUFFIX = 3
# A firm's name after its brand (大旭|贸易行股份有限公司): the words between a two-character model name and
# the title after them.
MIN_CHAIN_AFTER_NAME, MAX_CHAIN_AFTER_NAME = 4, 14
# What a model may take into a place it joins (暨|梅河口市): the conjunctions and 同, 跟.
CONJUNCTIONS = set(grammar.CONJUNCTIONS + words.chars("comitative_chars"))
PLACE_ENDINGS = tuple(grammar.DIVISION_CHARS + grammar.BANNER_CHARS) + words.words("place_ending")
NAME_WORD_FLAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "j"})
# Labels of other pipelines mapped onto the project's (OntoNotes: FAC, NORP; corpora: LOC, GPE).
LABEL_MAP = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE",
             "PLACE": "PLACE", "FAC": "PLACE", "NORP": "ORG", "ROLE": "ROLE", "TITLE": "ROLE"}


def text_of(doc: Doc) -> str:
    """`doc.text`, read once per Doc: spaCy joins every token (here: every character) on each read."""
    if doc._.text is None:
        doc._.text = doc.text
    return doc._.text


def _tokens(doc: Doc):
    """jieba words for the whole text, computed once per Doc and shared by the components."""
    if doc._.tokens is None:
        doc._.tokens = tag(text_of(doc))
    return doc._.tokens


def _spans(doc: Doc, items: Iterable[tuple[int, int]], label: str) -> list[Span]:
    """Character offsets as spans, widened to the tokens they touch (any tokenizer)."""
    spans = (doc.char_span(start, end, label=label, alignment_mode="expand") for start, end in items)
    return [s for s in spans if s is not None]


def model_entities(doc: Doc, label: str) -> list[Span]:
    """Entities a statistical `ner` in front set, mapped onto the project's labels."""
    return [e for e in doc.ents if LABEL_MAP.get(e.label_) == label]


def char_matches(matcher: PhraseMatcher, doc: Doc) -> list[Span]:
    """Phrase matches found on a one-token-per-character view of the text, as spans of `doc`.

    Patterns are written character by character, so they match whatever tokenizer the pipeline has
    (the `char` segmenter, jieba, or another pipeline's): matching runs on a character view and maps
    back to `doc` by character offsets.
    """
    text = text_of(doc)
    chars = Doc(matcher.vocab, words=list(text), spaces=[False] * len(text))
    spans = (doc.char_span(s, e, alignment_mode="expand") for _, s, e in matcher(chars))
    return [s for s in spans if s is not None]


class PhraseTagger:
    """A component that finds the phrases of a lexicon (loaded in `initialize`) in any tokenization."""

    label = ""

    def __init__(self, nlp: Language, name: str, spans_key: str):
        self.name, self.spans_key, self.vocab = name, spans_key, nlp.vocab
        self.matcher: PhraseMatcher | None = None

    def phrases(self) -> Iterable[str]:
        raise NotImplementedError

    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None) -> None:
        self.matcher = PhraseMatcher(self.vocab)
        self.matcher.add(self.label, [Doc(self.vocab, words=list(p)) for p in sorted(self.phrases())])

    def matches(self, doc: Doc) -> list[Span]:
        if self.matcher is None:
            self.initialize()
        return [Span(doc, s.start, s.end, label=self.label) for s in char_matches(self.matcher, doc)]


@Language.factory("zhkg_places", default_config={"spans_key": "places", "place_word_freq": PLACE_WORD_FREQ})
class PlaceTagger(PhraseTagger):
    """Administrative divisions by name (full and short), linked to their code in the document's context."""

    label = "PLACE"

    def __init__(self, nlp: Language, name: str, spans_key: str, place_word_freq: int):
        super().__init__(nlp, name, spans_key)
        self.place_word_freq = place_word_freq

    def phrases(self) -> Iterable[str]:
        return load_gazetteer().names()

    def __call__(self, doc: Doc) -> Doc:
        gaz = load_gazetteer()
        starts = {t.start for t in _tokens(doc)} | {len(text_of(doc))}
        ends = {t.end for t in _tokens(doc)}
        text = text_of(doc)
        found = [s for s in self.matches(doc) if not _common_noun(s.text, self.place_word_freq)
                 and (gaz.is_full_name(s.text) or s.start_char in starts and (
                     s.end_char in ends or text[s.end_char:s.end_char + 1] == NATIVE and s.end_char + 1 in ends))]
        found = [s for s in found if not _named_after(s, text, gaz)]
        town_short = [s for s in found if _town_short_name(s.text, gaz)]
        people = {i for s in doc.spans.get("persons", []) for i in range(s.start, s.end)}
        found = [s for s in found if not people.intersection(range(s.start, s.end))]
        raw = model_entities(doc, "PLACE")
        modelled = [_without_conjunction(e, doc, gaz) for e in raw]
        trimmed = {e.start_char for e, r in zip(modelled, raw) if e.start_char != r.start_char}
        model_starts = starts | trimmed
        modelled = [e for e in modelled if plausible_place(e, model_starts, ends) and not _named_after(e, text, gaz)
                    and not people.intersection(range(e.start, e.end))]
        spans = filter_spans([s for s in found if not _town_short_name(s.text, gaz)] + modelled
                             + _communities(doc, self.place_word_freq))
        names = [s.text for s in spans]
        context = {d.key for n in set(names) for d in gaz.lookup(n) if d.level != "town"}
        taken = {i for s in spans for i in range(s.start, s.end)}
        for span in town_short:
            div = gaz.resolve(span.text, names)
            if div is not None and context.intersection(div.path) and not taken.intersection(range(span.start, span.end)):
                spans.append(span)
        out = []
        for span in sorted(spans, key=lambda s: s.start):
            div = gaz.resolve(span.text, [n for n in names if n != span.text])
            if div is None and _generic(_words_within(doc, span.start_char, span.end_char)):
                continue  # 4个城区街道: a generic town name the context does not pin down
            out.append(Span(doc, span.start, span.end, label="PLACE", kb_id=div.key if div else ""))
        doc.spans[self.spans_key] = out
        return doc


NAMED_AFTER_PLACE = words.values("named_after_place")
_NAMED_AFTER = tuple(sorted(NAMED_AFTER_PLACE, key=len, reverse=True))


def _named_after(span: Span, text: str, gaz) -> bool:
    """海安|路, 崇明|国中, 武汉|肺炎: a short place name that begins the name of a road, school, market,
    temple or disease names that thing, not the place (a full name, 台南市|政府, stays a place); a school
    named after a town (高板|中学) is in that town and keeps it."""
    if gaz.is_full_name(span.text):
        return False
    word = next((w for w in _NAMED_AFTER if text.startswith(w, span.end_char)), None)
    if word is None:
        return False
    return NAMED_AFTER_PLACE[word] != "school" or any(d.level != "town" for d in gaz.lookup(span.text))


def _without_conjunction(span: Span, doc: Doc, gaz) -> Span:
    """暨|梅河口市, 和|北京: a conjunction the model took into a place it joins."""
    if span.text[:1] in CONJUNCTIONS and span.text[1:] in gaz:
        trimmed = doc.char_span(span.start_char + 1, span.end_char, label=span.label_)
        if trimmed is not None:
            return trimmed
    return span


def plausible_place(span: Span, starts: set[int], ends: set[int]) -> bool:
    """A model's PLACE is kept when it is a whole word sequence (not 蒋村|磷), no common noun (太阳, 行政村)
    and not made of generic words only (城区街道), no unit (…党委), and either ends like a place (…河, …镇, …遗址) or is made of name words only
    (鸭绿江/ns; not 忻州|高速|路口 or 戴|党徽)."""
    text = span.text
    if len(text) < 2 or span.start_char not in starts or span.end_char not in ends or _common_noun(text):
        return False
    if text.endswith(lexicons().org_suffixes) and not text.endswith(PLACE_ENDINGS):
        return False
    if text[0] in PLACE_SUFFIX_CHARS and text not in load_gazetteer():
        return False  # 市|城乡一体化示范区 cut after the anaphoric 市
    inside = _words_within(span.doc, span.start_char, span.end_char)
    if _generic(inside):
        return False
    return text.endswith(PLACE_ENDINGS) or all(t.flag in NAME_WORD_FLAGS for t in inside)


def _generic(words) -> bool:
    """城区街道, 市区: a place phrase made of generic words only names no particular place."""
    return all(_common_noun(t.word) or t.word in PLACE_SUFFIX_CHARS for t in words)


def _town_short_name(name: str, gaz) -> bool:
    """秀容 for 秀容街道: a town's short form is a place only where its county is named too."""
    return not gaz.is_full_name(name) and all(d.level == "town" for d in gaz.lookup(name))


def _common_noun(word: str, freq: int = 5) -> bool:
    """城区, 郊区, 中心, 城市: words the dictionary knows as common nouns, however a place is named."""
    return jieba.dt.FREQ.get(word, 0) >= freq and jieba.posseg.dt.word_tag_tab.get(word, "") in ("n", "s")


def _communities(doc: Doc, place_word_freq: int) -> list[Span]:
    """Residential communities and villages (鸿利社区, 东力村) sit below the division data: the word
    jieba finds right before 社区/村 is the name when it is a noun of two or three characters."""
    toks = _tokens(doc)
    out = []
    for prev, t in pairwise(toks):
        if t.word in COMMUNITY_HEADS and 2 <= len(prev.word) <= 3 and jieba.dt.FREQ.get(prev.word, 0) < place_word_freq \
                and (prev.flag in ("ns", "nr", "nz", "j") or prev.flag == "n" and not _common_noun(prev.word)):
            span = doc.char_span(prev.start, t.end, label="PLACE", alignment_mode="expand")
            if span is not None:
                out.append(span)
        elif t.word.endswith(COMMUNITY_HEADS) and 3 <= len(t.word) <= 5 and t.flag in ("ns", "nz"):
            span = doc.char_span(t.start, t.end, label="PLACE", alignment_mode="expand")
            if span is not None:
                out.append(span)
    return out


@Language.factory("zhkg_persons", default_config={"spans_key": "persons",
                                                  "common_name_word_freq": COMMON_NAME_WORD_FREQ})
def make_person_tagger(nlp: Language, name: str, spans_key: str, common_name_word_freq: int):
    def tag_persons(doc: Doc) -> Doc:
        lex = lexicons()
        text = text_of(doc)
        doc._.credits = find_credits(text, lex)
        mentions = find_persons(text, _tokens(doc), doc._.credits, lex)
        model_persons = [_without_honour(e, doc) for e in model_entities(doc, "PERSON")]
        model_starts = {e.start_char: e for e in model_persons}
        words = {t.start: t for t in _tokens(doc)}
        ruled = filter_spans([_model_length(s, doc, text, model_starts, words)
                              for s in _spans(doc, [(m.start, m.end) for m in mentions], "PERSON")])
        if doc.has_annotation("ENT_IOB"):
            seen = {i for e in model_persons for i in range(e.start, e.end)}
            ruled = [s for s in ruled if not _word_the_model_rejects(s, text, seen, common_name_word_freq)]
        taken = {i for s in ruled for i in range(s.start, s.end)}
        modelled = [Span(doc, e.start, e.end, label="PERSON") for e in model_persons
                    if not taken.intersection(range(e.start, e.end)) and plausible_name(e.text, doc, e.start_char)
                    and not _opens_unit_chain(e, text, lex)]
        named = [s for s in ruled + filter_spans(modelled) if not grammar.ANONYMOUS_NAME.search("".join(s.text.split()))
                 and s.text not in grammar.TITLE_MODIFIERS and not _names_a_unit(s, text, lex, words)
                 and not division_before_organ(text, s.start_char, s.end_char)]
        doc.spans[spans_key] = _one_spelling(sorted(named, key=lambda s: s.start), doc, text)  # 张某某 names nobody
        return doc

    return tag_persons


def _one_spelling(persons: list[Span], doc: Doc, text: str) -> list[Span]:
    """董事长周新|开“…” where the document names 周新开 elsewhere (the model read it whole there): a
    two-character name followed by the character that completes another person's name is that person."""
    full = {s.text for s in persons if len(s.text) == 3}
    out = []
    for s in persons:
        if len(s.text) == 2 and text[s.end_char:s.end_char + 1] and s.text + text[s.end_char] in full:
            s = doc.char_span(s.start_char, s.end_char + 1, label=s.label_) or s
        out.append(s)
    return filter_spans(out)


def _without_honour(span: Span, doc: Doc) -> Span:
    """丹斯里|慕尤丁: an honour the model read into the name it follows (拿督, 丹斯里) is no part of it."""
    honour = next((h for h in grammar.HONOUR_RANKS if span.text.startswith(h) and len(span.text) > len(h) + 1), None)
    if honour is None:
        return span
    return doc.char_span(span.start_char + len(honour), span.end_char, label=span.label_) or span


def _names_a_unit(span: Span, text: str, lex, words: dict[int, object]) -> bool:
    """張榮發|基金會, 天主教瑞復益|中心, 曾文|農工: a name followed by a unit's ending of two characters or
    more is the start of that unit's name, not a person; a title after it (王某|中心主任) or one written as
    a word right before it (立法委員|郭國文|服務處: the office of that member) keeps the name."""
    start, end = span.start_char, span.end_char
    if not any(text[end:end + k] in lex.org_suffix_set for k in range(2, MAX_NAMED_UNIT_SUFFIX + 1)) \
            or role_starting_at(text, end, lex) is not None:
        return False
    title = role_ending_at(text, start, lex)
    return title is None or title not in words


def _opens_unit_chain(span: Span, text: str, lex) -> bool:
    """、大旭|贸易行股份有限公司董事长: two characters the model alone reads as a name, followed by words that
    end like a unit right before a title, open that unit's name (a firm's brand), not a person's."""
    start, end = span.start_char, span.end_char
    if end - start != 2:
        return False
    for k in range(end + MIN_CHAIN_AFTER_NAME, min(len(text), end + MAX_CHAIN_AFTER_NAME)):
        if not CJK.match(text[k - 1]):
            return False
        if role_starting_at(text, k, lex) is not None:
            return lex.ends_like_unit(text[end:k])
    return False


def _model_length(span: Span, doc: Doc, text: str, model_starts: dict[int, Span], words: dict[int, object]) -> Span:
    """李俊|明主持 or 李希|作重要讲话: where the rules and the model start a name at the same character but
    differ by its last one, the model (which reads the characters around it) decides, unless the rules'
    longer name recurs in the document (黄伟哲 named five times is not 黄伟) or the model's extra
    character is a verb (李希|作/v, 聂舸|任 before a post). `model_starts` maps start offsets to model persons, `words` start
    offsets to jieba words."""
    e = model_starts.get(span.start_char)
    if e is None or abs(len(e.text) - len(span.text)) != 1 or " " in span.text:
        return span
    if len(e.text) < len(span.text):
        if text.startswith(grammar.RANKS + grammar.HONORIFIC_AFTER + SPEECH, span.end_char):
            return span  # 吕坤修|中将, 黄瑞发|表示: a rank, honorific or speech verb closes the rules' name
        dropped = words.get(e.end_char)
        if text.count(span.text) >= 2 or dropped is None or dropped.end <= span.end_char \
                or not jieba.dt.FREQ.get(dropped.word):
            return span  # shorten only where the dropped character starts a longer word of the dictionary
            # (谢耀|清代; not 沈德|咏, nor 蔡旺|诠及, a word only the tokenizer's guess makes)
    extra = words.get(span.end_char)
    if len(e.text) > len(span.text) and extra is not None and extra.end == e.end_char and extra.flag == "v":
        return span
    if len(e.text) > len(span.text) and text[span.end_char] in grammar.CONJUNCTIONS:
        return span  # 赖惠员|及地方议员: a conjunction ends no name
    if len(e.text) > len(span.text) and text.startswith(SINGLE_VERB, span.end_char) \
            and object_titled(text, e.end_char, lexicons()):
        return span  # 聂舸|任…公司副总经理: the model read the post verb into the name
    if len(e.text) > len(span.text) and text.count(span.text) > text.count(e.text):
        return span  # 黄伟哲|特别: the rules' name is written elsewhere without the model's extra character
    return Span(doc, e.start, e.end, label="PERSON") if plausible_name(e.text, doc, e.start_char) else span


def _word_the_model_rejects(span: Span, text: str, model_tokens: set[int], common_name_word_freq: int) -> bool:
    """市长|温馨|提醒 or 市长|上任后: a frequent dictionary word, or a name that opens with a common verb,
    read as a name where the model sees no person there. A list of names (高歌、许治、周多等) vouches for
    each of them."""
    listed = text[span.end_char:span.end_char + 1] == "、" or text[max(0, span.start_char - 1):span.start_char] == "、"
    name = span.text
    wordlike = jieba.dt.FREQ.get(name, 0) >= common_name_word_freq or len(name) == 3 and common_verb(name[:2], COMMON_VERB_FREQ)
    return not listed and wordlike and model_tokens.isdisjoint(range(span.start, span.end))


def plausible_name(text: str, doc: Doc, start: int) -> bool:
    """A model's PERSON is kept when it looks like a name: a transliteration with a dot, or two to four
    characters that are no place name, start with a known surname or form a word jieba tags as a name."""
    name = "".join(text.split())
    if "·" in name or "•" in name:
        return len(name) >= 3
    if not 2 <= len(name) <= 4 or name in load_gazetteer() or name[-1] in PLACE_SUFFIX_CHARS or _division_short_name(name):
        return False
    if name[-1] in grammar.RANK_PREFIXES and role_starting_at(text_of(doc), start + len(text), lexicons()) is not None:
        return False  # 赵副|市长: a surname and the deputy's 副 before a title
    end = start + len(text)
    inside = _words_within(doc, start, end)
    if not inside or inside[0].start != start or inside[-1].end != end:
        return False  # the name starts or ends inside a word
    if any(len(t.word) >= 2 and not t.flag.startswith("nr") and jieba.dt.FREQ.get(t.word, 0) >= WORD_FREQ
           for t in inside):
        return False
    if opens_with_word(name):
        return False  # 许多|人: a frequent verb or function word opens no name
    if len(name) == 4 and dictionary_non_name(name[2:]):
        return False  # 曾文|水库: a four-character name ends in a common word (a reservoir), no given name
    if len(inside) == 1 and inside[0].flag in ("ns", "nt", "v", "vd", "vn", "a", "ad", "d"):
        return False  # 他所包联/v的: one word jieba reads as a verb, a place or an organization
    if len(inside) == 2 and len(inside[0].word) == 1 and inside[0].flag in ("v", "p", "d", "c") \
            and inside[1].flag in ("n", "nz", "vn", "v"):
        return False  # 戴|党徽: a verb and its object
    return bool(surname_length(name, 0, lexicons())) or len(inside) == 1 and inside[0].flag.startswith("nr")


def _division_short_name(name: str) -> bool:
    """嘉义 (of 嘉义市 and 嘉义县): the short name of a county or a city, which the gazetteer does not take
    alone where it names two divisions."""
    gaz = load_gazetteer()
    return any(d.level != "town" for ch in grammar.CITY_COUNTY_CHARS for d in gaz.lookup(name + ch)
               if d.name == name + ch)


def _words_within(doc: Doc, start: int, end: int) -> list:
    """The jieba words that overlap [start, end), found by bisection (a span never scans the whole
    document). When `start` or `end` falls inside a word, the first word does not start at `start`
    or the last does not end at `end`."""
    tokens = _tokens(doc)
    lo = max(bisect_right(tokens, start, key=lambda t: t.start) - 1, 0)
    if lo < len(tokens) and tokens[lo].end <= start:
        lo += 1
    hi = bisect_right(tokens, end - 1, key=lambda t: t.start)
    return tokens[lo:hi]


@Language.factory("zhkg_roles", default_config={"spans_key": "roles"})
class RoleTagger(PhraseTagger):
    """Job titles from the harvested title lexicon (`ner/data/roles.txt`), longest match first."""

    label = "ROLE"

    def phrases(self) -> Iterable[str]:
        return lexicons().roles

    def __call__(self, doc: Doc) -> Doc:
        people = {i for s in doc.spans.get("persons", []) for i in range(s.start, s.end)}
        found = [s for s in self.matches(doc) if not people.intersection(range(s.start, s.end))]
        doc.spans[self.spans_key] = filter_spans(found)
        return doc


@Language.factory("zhkg_home_city", default_config={"places_key": "places", "min_score": MIN_SCORE,
                                                    "min_share": MIN_SHARE})
def make_home_city(nlp: Language, name: str, places_key: str, min_score: float, min_share: float):
    """The article's home city on `doc._.home_city`: the one the input gives (`doc._.home_hint`, a
    gazetteer key), else inferred; `min_score` and `min_share` are how much of the article's place
    mentions the winner needs (see `infer_home_city`)."""

    def home_city(doc: Doc) -> Doc:
        gaz = load_gazetteer()
        home = gaz.get(doc._.home_hint) if doc._.home_hint else None  # given, not inferred
        if home is None:
            places = [(s.start_char, gaz.get(s.kb_id_)) for s in doc.spans.get(places_key, []) if s.kb_id_]
            home = infer_home_city(text_of(doc), places, gaz, min_score=min_score, min_share=min_share)
        doc._.home_city = home.key if home else None
        if home is not None:
            doc.spans[places_key] = [_resolved_near(s, home, gaz) for s in doc.spans.get(places_key, [])]
        return doc

    return home_city


def _resolved_near(span: Span, home, gaz) -> Span:
    """A name the document alone left ambiguous (金山镇) is the one inside the home city, if any."""
    if span.kb_id_:
        return span
    inside = [d for d in gaz.lookup(span.text) if home.key in d.path]
    if len(inside) != 1:
        return span
    return Span(span.doc, span.start, span.end, label=span.label_, kb_id=inside[0].key)


@Language.factory("zhkg_orgs", default_config={"spans_key": "orgs"})
def make_org_tagger(nlp: Language, name: str, spans_key: str):
    """Organizations: the model's ORG entities and every noun chain that ends in a unit word."""

    def tag_orgs(doc: Doc) -> Doc:
        lex = lexicons()
        tokens = _tokens(doc)
        spans = [_without_title(e, doc) for e in model_entities(doc, "ORG")]
        spans = [_from_word_start(e, doc, tokens) for e in spans if e is not None]
        spans = [e for e in spans if e is not None and _unit_like(e, lex, tokens)]
        text = text_of(doc)
        for t in tokens:
            if t.word in lex.org_suffix_set:
                unit = unit_ending_at(text, t.end, lex, tokens=tokens)
                if unit and unit[1] - unit[0] > len(t.word):
                    spans.extend(_spans(doc, [unit], "ORG"))
        doc.spans[spans_key] = filter_spans(spans)
        return doc

    return tag_orgs


def _word_at(tokens, pos: int):
    """The jieba word that covers character `pos` (None before the first word)."""
    i = bisect_right(tokens, pos, key=lambda t: t.start) - 1
    return tokens[i] if i >= 0 else None


def _unit_like(span: Span, lex, tokens) -> bool:
    """A model's ORG ends in a unit word (…局, …医院) or is one word jieba knows as an organization
    (新华社/nt); 联防联, 交通运输 and 凝聚党 are not units."""
    if lex.ends_like_unit(span.text):
        return True
    word = _word_at(tokens, span.start_char)
    return word is not None and (word.start, word.end) == (span.start_char, span.end_char) \
        and word.flag in ("nt", "nz", "j")


def _from_word_start(span: Span, doc: Doc, tokens) -> Span | None:
    """了|解消防局: a model's ORG that starts inside a verb or function word starts after it."""
    word = _word_at(tokens, span.start_char)
    if word is None or not word.start < span.start_char < word.end or not word.flag.startswith(("v", "d", "p", "c", "u", "r")):
        return span
    trimmed = doc.char_span(word.end, span.end_char, label="ORG")
    return trimmed if trimmed is not None and len(trimmed.text) >= 2 else None


def _without_title(span: Span, doc: Doc) -> Span | None:
    """A model's ORG that runs on into a title (…医院主管护师) ends where the title starts."""
    for role in doc.spans.get("roles", []):
        if span.start < role.start < span.end <= role.end:
            return Span(doc, span.start, role.start, label="ORG") if role.start - span.start >= 2 else None
    return span


def _issuer(doc: Doc) -> str | None:
    """The issuing unit a user named for the document (`--issuer`), Simplified as the rules read."""
    issuer = doc._.issuer if Doc.has_extension("issuer") else None
    return to_simplified(issuer) if issuer else None


@Language.factory("zhkg_relations", default_config={"persons_key": "persons", "places_key": "places",
                                                    "orgs_key": "orgs"})
def make_relations(nlp: Language, name: str, persons_key: str, places_key: str, orgs_key: str):
    """Facts on `doc._.facts`; the units they name join `doc.spans[orgs_key]`."""

    def relations(doc: Doc) -> Doc:
        gaz, lex = load_gazetteer(), lexicons()
        places = sorted((s.start_char, s.end_char, gaz.get(s.kb_id_))
                        for s in doc.spans.get(places_key, []) if s.kb_id_)
        home = gaz.get(doc._.home_city) if doc._.home_city else None
        text = text_of(doc)
        ctx = DocContext(text, home, places, gaz, issuer=_issuer(doc))
        titled = [s.end_char for s in doc.spans.get(persons_key, []) if _titled(text, s.end_char, lex)]
        for span in doc.spans.get(orgs_key, []):
            if not any(span.start_char < end < span.end_char for end in titled):  # 谢某副院长代表学院: no unit
                ctx.units.append((span.start_char, resolve_unit(span.text, span.start_char, ctx, lex)))
        persons = [_mention(s, doc._.credits or []) for s in doc.spans.get(persons_key, [])]
        facts = extract_facts(text, persons, doc._.credits or [], ctx, lex, _tokens(doc))
        doc._.facts = facts
        units = _spans(doc, _fact_units(doc), "ORG")
        doc.spans[orgs_key] = filter_spans(units + list(doc.spans.get(orgs_key, [])))
        return doc

    return relations


def _titled(text: str, pos: int, lex) -> bool:
    """A title follows `pos` that is not the start of a unit's word (红白|理事会)."""
    end = role_starting_at(text, pos, lex)
    return end is not None and not begins_unit_word(text, pos, end, lex)


def _fact_units(doc: Doc) -> list[tuple[int, int]]:
    """The character spans of the units the facts on `doc` name."""
    return [(f.unit_start, f.unit_end) for f in doc._.facts or [] if f.unit_start >= 0]


def _mention(span: Span, credits) -> Mention:
    for c in credits:
        if c.start == span.start_char and c.end == span.end_char:
            return Mention(c.start, c.end, c.name)
    return Mention(span.start_char, span.end_char, "".join(span.text.split()))


@Language.factory("zhkg_entities")
def make_entity_merger(nlp: Language, name: str):
    """`doc.ents` as one non-overlapping layer that adds to the model's entities instead of undoing them
    (`entity_layers`); what entities.jsonl holds."""

    def merge(doc: Doc) -> Doc:
        chosen: list[Span] = []
        taken: set[int] = set()
        for layer in entity_layers(doc):
            for span in sorted(layer, key=lambda s: -(s.end - s.start)):
                if not taken.intersection(range(span.start, span.end)):
                    label = LABEL_MAP.get(span.label_, span.label_)  # another model's GPE is a PLACE
                    chosen.append(Span(doc, span.start, span.end, label=label, kb_id=span.kb_id_))
                    taken.update(range(span.start, span.end))
        doc.ents = sorted(chosen, key=lambda s: s.start)
        return doc

    return merge


def entity_layers(doc: Doc) -> list[list[Span]]:
    """The layers `doc.ents` is drawn from, first come first served where they overlap.

    The model's entities are the base: an entity the model set stays as it set it, except for the
    persons a fact reads otherwise (李金 where the fact's person is 李金早: `doc.ents` names a person as
    `doc._.facts` does), the persons whose span holds a title (护师弓晓宇: the rules' persons bound it) and
    the organizations that run on into a title (…医院主管护师, but not 俄罗斯外交部|长). The rules then add
    what the model missed: persons their titles and lists introduce, the units of the posts they read,
    the places the gazetteer knows, the titles. Measured on the public sets, this layer scores at least
    the model's own F (MODEL_CARD.md); the older order, rules first, cost the model 0.08–0.15."""
    roles = list(doc.spans.get("roles", []))
    role_chars = {i for r in roles for i in range(r.start, r.end)}
    persons = [e for e in model_entities(doc, "PERSON") if role_chars.isdisjoint(range(e.start, e.end))]
    lex = lexicons()
    orgs = [e if lex.ends_like_unit(e.text) else _without_title(e, doc) for e in model_entities(doc, "ORG")]
    orgs = [e for e in orgs if e is not None]  # 俄罗斯外交部|长 stays whole; …医院主管护师 ends before the title
    linked = {(s.start, s.end): s for s in doc.spans.get("places", [])}
    places = [linked.get((e.start, e.end), e) for e in model_entities(doc, "PLACE")]  # with the gazetteer's code
    units = _spans(doc, _fact_units(doc), "ORG")
    return [_as_facts_read(doc, persons), orgs, places, list(doc.spans.get("persons", [])), units,
            list(doc.spans.get("places", [])), roles]


def _as_facts_read(doc: Doc, persons: list[Span]) -> list[Span]:
    """`persons` with each one a fact's person overlaps replaced by that person's span (李金 → 李金早)."""
    named = _spans(doc, [(f.person_start, f.person_end) for f in doc._.facts or []
                         if 0 <= f.person_start < f.person_end], "PERSON")

    def overlap(a: Span, b: Span) -> bool:
        return a.start < b.end and b.start < a.end

    return ([f for f in named if any(overlap(f, p) for p in persons)]
            + [p for p in persons if not any(overlap(p, f) for f in named)])


def listed_orgs(doc: Doc) -> list[Span]:
    """The organizations worth listing (doc.ents, entities.jsonl): the units of the posts the rules
    read, the model's organizations, and those unit-word chains that read as a name. The relation rules
    try a chain before every unit word (局, 所, 党, 中 …), and most of them, outside a post, are
    fragments or verb phrases: 卓越成为保护区管理局, 健全机构, 分管副局, 一个大."""
    units = set(_fact_units(doc))
    listed = []
    for s in doc.spans.get("orgs", []):
        if (s.start_char, s.end_char) in units:
            listed.append(s)
        else:  # the model's organizations too: on local news it reads 老人坐在输液室 as one
            tail = _name_tail(s, doc)
            if tail is not None:
                listed.append(tail)
    return listed


def _name_tail(span: Span, doc: Doc) -> Span | None:
    """The chain itself when it reads as a name, else its longest tail from a word boundary that does
    (卓越成为|保护区管理局), else None."""
    if _reads_as_name(span, doc):
        return span
    for word in _words_within(doc, span.start_char, span.end_char)[1:]:
        if word.start > span.start_char:
            tail = doc.char_span(word.start, span.end_char, label="ORG")
            if tail is not None and _reads_as_name(tail, doc):
                return tail
    return None


# jieba flags of words that open no name (verbs, adverbs, adjectives, numerals, function words), and of
# those that sit inside none (a verb may: 党委|巡察|组, an adjective too: …医院|紧急|医学救援队).
NOT_FIRST = ("v", "d", "a", "m", "q", "p", "c", "u", "r", "y", "e", "o", "x", "z", "l", "i")
NOT_INSIDE = ("d", "m", "q", "p", "c", "u", "r", "y", "e", "o", "x", "l", "i")


def _reads_as_name(span: Span, doc: Doc) -> bool:
    words = _words_within(doc, span.start_char, span.end_char)
    if len(span.text) < 3 or not words or words[0].start != span.start_char or words[-1].end != span.end_char:
        return False  # 副镇|长: a chain that starts or ends inside a word is a fragment
    last = words[-1]
    if words[0].flag.startswith(NOT_FIRST) or any(w.flag.startswith(NOT_INSIDE) for w in words[1:-1]):
        return False
    if any(w.flag == "v" for w in words[1:-2]):
        return False  # a verb inside only names what the unit does, just before its unit word (党委|巡察|组)
    if last.flag == "f" and (len(words) < 2 or words[-2].flag not in ("ns", "nr", "nz", "nt", "j")):
        return False  # 居家隔离|中, 司法案件|中: a place word, not a school
    if len(last.word) == 1 and len(words) >= 2 and words[-2].flag == "v" and len(words[-2].word) == 1:
        return False  # 纪律兴|党: a one-character unit word right after a one-character verb (not 巡察|组)
    return last.word in lexicons().org_suffix_set or not last.flag.startswith(NOT_FIRST)
