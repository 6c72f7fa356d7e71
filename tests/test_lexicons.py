"""The harvested lexicons: what the rule components load, and the rebuild that harvests them.

The rebuild (`python -m zhkg.ner.lexicons`) is tested twice: on a small corpus written here in each corpus
format, for what its rules keep and drop, and on ../shared/corpora, where it must give back the shipped
files byte for byte (about 6 s), so a change to a harvest rule or a reader cannot leave the data behind.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from zhkg.ner import lexicons
from zhkg.ner.lexicons import (
    DATA_DIR,
    HELD_OUT_FILES,
    LEXICON_FILES,
    TRAINING_FILES,
    _spans_from_tags,
    build,
    data_rows,
    harvest_org_suffixes,
    load_org_kinds,
    load_org_suffixes,
    load_role_heads,
    load_roles,
    load_surnames,
    main,
)

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
GENERATED = ("roles.txt", "role_heads.txt", "surnames.txt", "org_suffixes.txt", "org_kinds.tsv",
             "place_short_stop.tsv")

# ---------------------------------------------------------------- the shipped lexicons


def test_roles_cover_party_posts_and_news_roles():
    roles = load_roles()
    assert {"书记", "党支部书记", "局长", "院长", "民警", "记者", "志愿者"} <= roles
    assert not any(r.endswith(("公司", "委员会", "医院")) for r in roles)
    assert not any(r.startswith("第") and "届" in r[:4] for r in roles)


def test_role_heads_recognise_unseen_compounds():
    heads = load_role_heads()
    assert {"书记", "主任", "局长"} <= heads.keys()
    assert "程师" not in heads  # truncation of 工程师, not a title
    title = "网格管理中心主任"
    assert any(title.endswith(h) for h in heads if len(h) >= 2)


def test_surnames():
    surnames = load_surnames()
    top = sorted(surnames, key=surnames.get, reverse=True)[:10]
    assert "王" in top and "李" in top
    assert "欧阳" in surnames
    assert "约翰" not in surnames and "麦克" not in surnames


def test_org_suffixes_longest_first():
    suffixes = load_org_suffixes()
    assert {"派出所", "有限公司", "委员会", "医院"} <= set(suffixes)
    assert len(suffixes[0]) >= len(suffixes[-1])
    assert "限公司" not in suffixes  # only a truncation of 有限公司
    assert next(s for s in suffixes if "城关镇派出所".endswith(s)).endswith("派出所")
    assert load_org_kinds().get("公司") == "company"


def test_hand_curated_rows_are_loaded_beside_the_harvested_ones():
    # roles_extra.txt and org_suffixes_regional.txt are not rebuilt: the loaders merge them in.
    assert "立委" in load_roles() and "立委" not in {r[0] for r in data_rows("roles.txt")}
    assert "府" in load_org_suffixes() and "府" not in {r[0] for r in data_rows("org_suffixes.txt")}


def test_org_suffix_harvest_drops_truncations():
    names = [f"{c}有限公司" for c in "甲乙丙丁戊己庚辛壬癸子丑"]
    assert set(harvest_org_suffixes(names)) == {"有限公司"}


def test_bio_and_bmes_spans():
    assert _spans_from_tags(["B-PER", "I-PER", "O", "B-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert _spans_from_tags(["B-TITLE", "M-TITLE", "E-TITLE", "S-NAME"]) == [(0, 3, "TITLE"), (3, 4, "NAME")]


def test_place_stoplist_harvest_runs_on_written_sentences():
    # A short place name met often outside any place span is listed, one met inside place spans is not.
    from zhkg.ner.lexicons import PLACE_MIN_OCC, harvest_place_stoplist

    word = "和平"
    n = max(PLACE_MIN_OCC, 3)
    as_word = [(f"我们热爱{word}与发展。", []) for _ in range(n)]
    listed = harvest_place_stoplist(as_word)
    assert word in listed and listed[word][1] >= n
    as_place = [(f"{word}区的人口增长。", [(0, 3, "LOC")]) for _ in range(n)]
    assert word not in harvest_place_stoplist(as_place)


# ---------------------------------------------------------------- the rebuild on a written corpus

Ents = list[tuple[str, str]]  # (mention, corpus label) in the order they occur in the sentence


def _offsets(text: str, ents: Ents) -> list[tuple[int, str, str]]:
    """(start, mention, label) of each mention, found left to right (究员 after 研究员 is its own)."""
    out, pos = [], 0
    for mention, label in ents:
        start = text.index(mention, pos)
        out.append((start, mention, label))
        pos = start + len(mention)
    return out


def _tags(text: str, ents: Ents, scheme: str) -> list[str]:
    """Per-character tags of a sentence (BIO or BMES)."""
    tags = ["O"] * len(text)
    for s, mention, label in _offsets(text, ents):
        if scheme == "bmes":
            inner = ["S"] if len(mention) == 1 else ["B", *["M"] * (len(mention) - 2), "E"]
        else:
            inner = ["B", *["I"] * (len(mention) - 1)]
        for i, prefix in enumerate(inner):
            tags[s + i] = f"{prefix}-{label}"
    return tags


def _char_file(sentences: list[tuple[str, Ents]], scheme: str = "bio", sep: str = " ",
               digits: bool = False) -> str:
    """One character per line, a blank line between sentences; Weibo appends a word-position digit."""
    blocks = []
    for text, ents in sentences:
        chars = [f"{c}{i % 2}" if digits else c for i, c in enumerate(text)]
        blocks.append("".join(f"{c}{sep}{t}\n" for c, t in zip(chars, _tags(text, ents, scheme))))
    return "\n".join(blocks) + "\n"


def _cluener(sentences: list[tuple[str, Ents]]) -> str:
    rows = []
    for text, ents in sentences:
        label: dict[str, dict[str, list[list[int]]]] = {}
        for s, mention, lab in _offsets(text, ents):
            label.setdefault(lab, {})[mention] = [[s, s + len(mention) - 1]]  # inclusive end
        rows.append(json.dumps({"text": text, "label": label}, ensure_ascii=False))
    return "\n".join(rows) + "\n"


def write_corpus(root: Path) -> None:
    """A corpus folder laid out like ../shared/corpora, a few sentences per file and format."""
    files: dict[str, str] = {}
    # msra_train: gzip, character<TAB>BIO.
    files["peoples_daily/example.dev"] = _char_file([
        ("王刚在北京工作。", [("王刚", "PER"), ("北京", "LOC")]),
        ("赵刚在北京工作。", [("赵刚", "PER"), ("北京", "LOC")]),  # also an evaluation sentence: dropped
        ("安娜来到上海。", [("安娜", "PER"), ("上海", "LOC")]),
    ])
    files["peoples_daily/example.test"] = _char_file([("欧阳修是诗人。", [("欧阳修", "PER")])])
    files["peoples_daily_extra/part_a.bio.txt"] = _char_file([
        ("张伟和欧阳明见面。", [("张伟", "PER"), ("欧阳明", "PER")]),
        ("安妮与安德鲁·史密斯同行。", [("安妮", "PER"), ("安德鲁·史密斯", "PER")]),
    ])
    files["peoples_daily_extra/part_b.bio.txt"] = _char_file([
        ("欧阳红和赵丽到了。", [("欧阳红", "PER"), ("赵丽", "PER")]),
        ("安东尼·布朗会见安东。", [("安东尼·布朗", "PER"), ("安东", "PER")]),
    ])
    # Place sentences for the short-name stop list: 和平 as a word, 忻州 as a place.
    files["peoples_daily_extra/part_b.bio.txt"] += _char_file(
        [(f"人民热爱和平{i}次。", []) for i in "一二三四五"]
        + [(f"忻州{i}号公路。", [("忻州", "LOC")]) for i in "一二三四五"]
    )
    files["resume/train.char.bmes"] = _char_file([
        ("王芳：女，现任县委书记。", [("王芳", "NAME"), ("县委书记", "TITLE")]),
        ("曾任党委书记、市委书记、副书记。",
         [("党委书记", "TITLE"), ("市委书记", "TITLE"), ("副书记", "TITLE")]),
        ("历任党支部书记、总支书记、团委书记、纪委书记。",
         [("党支部书记", "TITLE"), ("总支书记", "TITLE"), ("团委书记", "TITLE"), ("纪委书记", "TITLE")]),
        ("历任办公室主任、车间主任、科室主任、教研室主任。",
         [("办公室主任", "TITLE"), ("车间主任", "TITLE"), ("科室主任", "TITLE"), ("教研室主任", "TITLE")]),
        ("曾任财务主任、后勤主任、销售主任。",
         [("财务主任", "TITLE"), ("后勤主任", "TITLE"), ("销售主任", "TITLE")]),
        ("任研究员，究员。", [("研究员", "TITLE"), ("究员", "TITLE")]),
        ("任研究员，究员。", [("研究员", "TITLE"), ("究员", "TITLE")]),  # the same text again: read once
        ("任管理员，理员。", [("管理员", "TITLE"), ("理员", "TITLE")]),
        ("兼任理员。", [("理员", "TITLE")]),
    ], scheme="bmes")
    files["weibo/weiboNER_2nd_conll.train"] = _char_file(
        [("今天见到王建国和赵阳了", [("王建国", "PER.NAM"), ("赵阳", "PER.NAM")])], sep="\t", digits=True)
    files["cluener/train.json"] = _cluener([
        ("张敏当选第五届董事会独立董事。", [("张敏", "name"), ("第五届董事会独立董事", "position")]),
        ("他是集团總經理。", [("總經理", "position")]),
        ("市公安局通报了案情。", [("公安局", "position")]),  # an organisation mislabelled as a post
    ])
    # Evaluation: its sentences are kept out of the harvest.
    files["msra/msra_test_bio.txt"] = _char_file([("赵刚在北京工作。", [("赵刚", "PER"), ("北京", "LOC")])])

    nnt = ["书记", "局长", "主任", "经理", "教授", "会计", "校长", "院长", "厂长", "处长", "科长", "村长",
           "乡长", "县长", "市长", "部长", "司机", "律师", "医生", "护士"]
    files["hanlp_lexicons/CoreNatureDictionary.txt"] = (
        "".join(f"{w}\tnnt\t10\n" for w in nnt) + "交警\tnnd\t3\tn\t1\n" + "发展\tv\t100\tvn\t20\n"
    )
    companies = [f"{c}{d}有限公司" for c, d in zip("甲乙丙丁戊己庚辛壬癸", "山水林田湖草沙河海江")]
    committees = ["东城计划委员会", "西城建设委员会", "南城经济委员会", "北城教育委员会"]
    files["hanlp_lexicons/机构名词典.txt"] = "".join(
        f"{n} nt 1\n" for n in ["ABC电视台", *companies, *committees])
    bureaus = ["财政局", "公安局", "教育局", "民政局", "商务局", "税务局", "审计局", "统计局", "林业局",
               "水利局", "交通局", "环保局"]
    cped = [(n, "政府_国务院") for n in bureaus]
    cped += [(n, "地方企业") for n in ["太原钢铁（集团）公司", "大同运输公司", "晋中机床公司", "吕梁煤炭公司",
                                     "忻州建筑公司", "临汾水泥公司"]]
    cped += [(n, kind) for n, kind in zip(
        ["纪律检查委员会", "政法工作委员会", "农村工作委员会",
         "国防科学委员会", "计划生育委员会", "城乡建设委员会"],
        ["党委"] * 3 + ["政府_国务院"] * 3)]
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "cped_codebooks").mkdir()
    (root / "msra_train").mkdir()
    with (root / "cped_codebooks/job_Title_code.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["编码", "名称", "归属大类", "别名", "名称", "别名归属大类"])
        for i, (name, kind) in enumerate(cped):
            out.writerow([1000 + i, name, kind, 1000 + i, name, kind])
    msra = [("李明在杭州工作。", [("李明", "PER"), ("杭州", "LOC")]), ("王刚去了杭州。", [("王刚", "PER")])]
    with gzip.open(root / "msra_train/msra_train_bio.gz", "wt", encoding="utf-8") as fh:
        fh.write(_char_file(msra, sep="\t"))


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("corpora")
    write_corpus(root)
    out = tmp_path_factory.mktemp("lexicons")
    return out, build(root, out)


def _rows(out: Path, name: str) -> dict[str, list[str]]:
    lines = (out / name).read_text("utf-8").splitlines()
    return {r[0]: r[1:] for r in (line.split("\t") for line in lines if not line.startswith("#"))}


def test_rebuild_writes_the_six_files_with_headers_and_row_counts(rebuilt):
    out, counts = rebuilt
    assert sorted(p.name for p in out.iterdir()) == sorted(GENERATED) == sorted(counts)
    for name in GENERATED:
        text = (out / name).read_text("utf-8")
        assert text.startswith("# ") and text.endswith("\n")
        assert len(_rows(out, name)) == counts[name]


def test_rebuild_titles_from_hanlp_resume_and_cluener(rebuilt):
    titles = _rows(rebuilt[0], "roles.txt")
    # HanLP nnt and nnd words, Resume TITLE spans
    assert {"书记", "交警", "县委书记", "党支部书记", "研究员"} <= titles.keys()
    assert "董事会独立董事" in titles and "第五届董事会独立董事" not in titles  # term number dropped
    assert "总经理" in titles and "總經理" not in titles  # folded to Simplified
    assert "公安局" not in titles  # ends like the organisation names, not like HanLP's titles
    assert "发展" not in titles  # not tagged nnt/nnd
    # A span that only ends a longer title is a fragment when seen once (a repeated text counts once) …
    assert "究员" not in titles
    # … and a title when seen twice.
    assert "理员" in titles
    assert list(titles) == sorted(titles)


def test_rebuild_title_heads_need_eight_titles(rebuilt):
    heads = _rows(rebuilt[0], "role_heads.txt")
    assert heads["书记"] == ["8"]  # 县委书记, 副书记 … 纪委书记 end with it, and it is a title itself
    assert "主任" not in heads  # seven titles end with it
    assert "长" not in heads  # one character: needs forty


def test_rebuild_surnames_count_distinct_names_outside_evaluation(rebuilt):
    surnames = {s: int(c[0]) for s, c in _rows(rebuilt[0], "surnames.txt").items()}
    # 王刚 (MSRA and People's Daily, once counted), 王芳 (Resume), 王建国 (Weibo).
    assert surnames["王"] == 3
    assert surnames["欧阳"] == 3  # compound: 欧阳修, 欧阳明, 欧阳红
    assert "张" not in surnames  # 张伟, 张敏: two names only
    assert "赵" not in surnames  # 赵丽, 赵阳 and 赵刚, whose sentence is an evaluation sentence
    assert "安" not in surnames  # starts 安娜, 安妮, 安东 but also two dotted transliterations
    assert list(surnames.values()) == sorted(surnames.values(), reverse=True)


def test_rebuild_org_suffixes_and_kinds(rebuilt):
    out = rebuilt[0]
    suffixes = {s: int(c[0]) for s, c in _rows(out, "org_suffixes.txt").items()}
    assert suffixes["有限公司"] == 10 and suffixes["局"] == 12 and suffixes["委员会"] == 10
    assert suffixes["公司"] == 16  # 10 HanLP + 6 CPED, brackets removed (太原钢铁（集团）公司)
    assert "限公司" not in suffixes and "司" not in suffixes  # truncations of one longer suffix
    assert "电视台" not in suffixes  # ABC电视台 is not all Han characters, and one name is too few
    kinds = {s: r for s, r in _rows(out, "org_kinds.tsv").items()}
    assert kinds["局"] == ["government", "12", "12"]
    assert kinds["公司"] == ["company", "6", "6"]
    assert "委员会" not in kinds  # CPED units split half party, half government
    assert "有限公司" not in kinds  # no CPED unit ends with it


def test_rebuild_place_stoplist(rebuilt):
    stop = _rows(rebuilt[0], "place_short_stop.tsv")
    assert stop["和平"] == ["0", "5"]  # five times outside any entity, never as a place
    assert "忻州" not in stop  # five times inside place spans
    assert all(int(i) + int(o) >= lexicons.PLACE_MIN_OCC for i, o in stop.values())


def test_rebuild_names_missing_corpus_files_before_writing(tmp_path, capsys):
    root = tmp_path / "corpora"
    write_corpus(root)
    (root / "cluener/train.json").unlink()
    with pytest.raises(SystemExit) as exc:
        main(["--corpora", str(root), "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    assert "cluener/train.json" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_help_says_what_is_rebuilt_from_what(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "python -m zhkg.ner.lexicons" in text
    for name in (*GENERATED, *TRAINING_FILES, *HELD_OUT_FILES, *LEXICON_FILES):
        assert name in text, name
    assert "roles_extra.txt" in text  # hand-curated, not rebuilt


# ---------------------------------------------------------------- the rebuild on the shared corpora


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_rebuild_on_shared_corpora_reproduces_the_shipped_files(tmp_path):
    counts = build(CORPORA, tmp_path)
    assert sorted(counts) == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), (
            f"ner/data/{name} differs from its rebuild: run python -m zhkg.ner.lexicons --corpora {CORPORA}"
        )
