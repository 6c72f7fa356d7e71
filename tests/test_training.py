"""Smoke tests for the NER training code: readers, de-duplication and a tiny training run.

The training run uses sentences generated here (not the corpus files, which CI may not have), so it
exercises the committed ``config.cfg`` end to end in well under a minute.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from zhkg.ner.training.convert import build, make_nlp, to_doc
from zhkg.ner.training.corpora import Sentence, read_char_bio, read_cluener, read_uner, spans_from_tags
from zhkg.ner.training.train import DEFAULT_CONFIG, config_segmenter, ship

PERSONS = ["王建国", "李明", "张晓红", "陈志强", "刘德华", "赵立坚", "孙悦", "周海涛"]
ORGS = ["国家发展改革委", "浙商银行", "北京大学", "中国科学院", "上海市人民政府", "华为公司"]
PLACES = ["北京", "上海", "杭州", "广东省", "成都市", "武汉", "新疆", "深圳"]
TEMPLATES = [
    "{p}在{l}出席了{o}举办的会议。",
    "{o}负责人{p}昨日抵达{l}。",
    "据{o}消息，{p}将于下月访问{l}。",
    "{l}的{o}今天宣布{p}为新任主任。",
]


def _tiny_corpus(n: int, seed: int = 0) -> list[Sentence]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        t = rnd.choice(TEMPLATES)
        vals = {"p": rnd.choice(PERSONS), "o": rnd.choice(ORGS), "l": rnd.choice(PLACES)}
        text, spans, i = "", [], 0
        while i < len(t):
            if t[i] == "{":
                key = t[i + 1]
                lab = {"p": "PERSON", "o": "ORG", "l": "PLACE"}[key]
                spans.append((len(text), len(text) + len(vals[key]), lab))
                text += vals[key]
                i += 3
            else:
                text += t[i]
                i += 1
        out.append(Sentence(text, spans, "tiny"))
    return out


def test_spans_from_tags_bio_and_bmes():
    assert spans_from_tags(["B-PER", "I-PER", "O", "B-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert spans_from_tags(["B-NAME", "M-NAME", "E-NAME", "S-ORG"]) == [(0, 3, "NAME"), (3, 4, "ORG")]
    # an I- without a B- still starts a span (conlleval behaviour)
    assert spans_from_tags(["O", "I-ORG", "I-ORG"]) == [(1, 3, "ORG")]


def test_readers_map_labels(tmp_path: Path):
    (tmp_path / "a.bmes").write_text("高 B-NAME\n勇 E-NAME\n任 O\n董 B-TITLE\n事 E-TITLE\n\n", encoding="utf-8")
    (s,) = read_char_bio(tmp_path / "a.bmes", "resume")
    assert s.text == "高勇任董事" and s.spans == [(0, 2, "PERSON"), (3, 5, "ROLE")]
    (tmp_path / "w.conll").write_text("张0\tB-PER.NAM\n三1\tI-PER.NAM\n老0\tB-PER.NOM\n师1\tI-PER.NOM\n\n",
                                      encoding="utf-8")
    (s,) = read_char_bio(tmp_path / "w.conll", "weibo")
    assert s.text == "张三老师" and s.spans == [(0, 2, "PERSON")]
    (tmp_path / "c.json").write_text(json.dumps({"text": "去黄山看北京队", "label": {
        "scene": {"黄山": [[1, 2]]}, "organization": {"北京队": [[4, 6]]}}}, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    (s,) = read_cluener(tmp_path / "c.json")
    assert s.spans == [(1, 3, "-"), (4, 7, "ORG")]
    (tmp_path / "u.iob2").write_text("# text = 習近平訪問美國\n1\t習近平\tB-PER\t-\t-\n2\t訪問\tO\t-\t-\n"
                                     "3\t美國\tB-LOC\t-\t-\n\n", encoding="utf-8")
    (s,) = read_uner(tmp_path / "u.iob2", "uner")
    assert s.text == "习近平访问美国" and s.spans == [(0, 3, "PERSON"), (5, 7, "PLACE")]


def test_char_tokens_align_every_span_and_missing_is_kept():
    from collections import Counter

    counts: Counter = Counter()
    doc = to_doc(make_nlp("char"), Sentence("去黄山看北京队", [(1, 3, "-"), (4, 7, "ORG")]), counts)
    assert [(e.text, e.label_) for e in doc.ents] == [("北京队", "ORG")]
    assert doc[1].ent_iob_ == "" and doc[0].ent_iob_ == "O"
    assert counts["misaligned_spans_dropped"] == 0


def test_build_deduplicates_against_evaluation_sets(tmp_path: Path):
    corpora = tmp_path / "corpora"
    (corpora / "msra").mkdir(parents=True)
    (corpora / "msra_train").mkdir()
    (corpora / "peoples_daily").mkdir()
    test_sent = "李\tB-PER\n明\tI-PER\n来\tO\n了\tO\n\n"
    (corpora / "msra" / "msra_test_bio.txt").write_text(test_sent, encoding="utf-8")
    train = test_sent + "王\tB-PER\n五\tI-PER\n去\tO\n北\tB-LOC\n京\tI-LOC\n\n"
    with gzip.open(corpora / "msra_train" / "msra_train_bio.gz", "wt", encoding="utf-8") as fh:
        fh.write(train)
    (corpora / "peoples_daily" / "example.dev").write_text("王 B-PER\n五 I-PER\n去 O\n北 B-LOC\n京 I-LOC\n\n",
                                                          encoding="utf-8")
    stats = build(corpora, tmp_path / "out", log=lambda *a: None)
    assert stats["sets"]["msra_train"]["dropped_eval_overlap"] == 1
    assert stats["sets"]["peoples_daily_dev"]["dropped_duplicate_of_earlier_training"] == 1
    assert stats["train_sentences"] + stats["heldout_sentences"] == 1


def test_smoke_training(tmp_path: Path):
    """Train the committed config on ~300 generated sentences; the model must tag something."""
    from collections import Counter

    from spacy.cli.train import train as spacy_train

    nlp = make_nlp(config_segmenter(DEFAULT_CONFIG))
    for name, n, seed in (("train", 300, 1), ("dev", 40, 2)):
        db = DocBin()
        for s in _tiny_corpus(n, seed):
            db.add(to_doc(nlp, s, Counter()))
        db.to_disk(tmp_path / f"{name}.spacy")
    overrides = {
        "paths.train": str(tmp_path / "train.spacy"), "paths.dev": str(tmp_path / "dev.spacy"),
        "training.max_steps": 120, "training.eval_frequency": 40, "training.patience": 0,
        "training.batcher.size.start": 400, "training.batcher.size.stop": 400,
    }
    spacy_train(DEFAULT_CONFIG, tmp_path / "run", overrides=overrides)
    shipped = ship(tmp_path / "run" / "model-best", tmp_path / "model")
    loaded = spacy.load(shipped)
    assert loaded.config["paths"]["train"] is None
    doc = loaded("据中国科学院消息，王建国将于下月访问杭州。")
    assert len(doc.ents) > 0
    assert {e.label_ for e in doc.ents} <= {"PERSON", "ORG", "PLACE"}


@pytest.mark.skipif(not (Path(__file__).resolve().parents[1].parent / "shared" / "corpora").is_dir(),
                    reason="../shared/corpora not available")
def test_real_corpora_readers_spot_check():
    from zhkg.ner.training.corpora import read_set

    corpora = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
    resume = read_set(corpora, "resume_test")
    assert len(resume) == 477
    assert any(lab == "ROLE" for s in resume for *_, lab in s.spans)


def test_jieba_tokens_count_misaligned_spans_and_mark_them_missing():
    """A span cutting through a jieba word cannot be learnt: it is counted and left unknown, not O."""
    from collections import Counter

    counts: Counter = Counter()
    nlp = make_nlp("jieba")
    text = "他赴京参会"
    assert "赴京" in [t.text for t in nlp.make_doc(text)]
    doc = to_doc(nlp, Sentence(text, [(2, 3, "PLACE")]), counts)
    assert counts["misaligned_spans_dropped"] == 1
    assert list(doc.ents) == []
    assert [t.ent_iob_ for t in doc if t.text == "赴京"] == [""]
