"""The Python API as a notebook user meets it (issue 20): a mistyped path is an error, not an article;
the pipeline takes Traditional text; `doc.ents` names persons as the facts do; the public names show."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import zhkg
from zhkg.api import Text, looks_like_path

REPO = Path(__file__).resolve().parents[1]
PUBLIC = ("Text", "documents", "extract", "load_pipeline", "to_networkx")


@pytest.fixture(scope="module")
def folding():
    """The pipeline as `zhkg.load_pipeline()` gives it (folding Traditional to Simplified)."""
    return zhkg.load_pipeline()


# -- paths and texts


@pytest.mark.parametrize("item", ["seedz/", "seedz/a.txt", "no-such-file.txt", "a/b/c", Path("seedz")])
def test_a_path_that_names_nothing_is_an_error_not_an_article(item):
    with pytest.raises(FileNotFoundError) as caught:
        zhkg.to_networkx([item])
    assert caught.value.errno == errno.ENOENT
    assert caught.value.filename == str(item)
    assert "zhkg.Text" in str(caught.value)  # and says how to tag such a string as text


def test_one_path_alone_is_not_read_character_by_character():
    with pytest.raises(FileNotFoundError):
        zhkg.documents("seedz/")


@pytest.mark.parametrize("text, path", [
    ("seeds/", True), ("out/facts.jsonl", True), ("新闻.txt", True), ("a/b", True),
    ("太原市小店区公安局局长王杰出席会议。", False), ("体育处/高致洁代理秘书，今天表示", False),
    ("第一行/\n第二行", False), ("王杰", False), ("", False),
])
def test_what_looks_like_a_path(text, path):
    assert looks_like_path(text) is path


def test_text_is_always_text_and_paths_that_exist_are_read(tmp_path):
    (tmp_path / "a.txt").write_text("太原市小店区卫健局局长刘海波检查工作。\n", encoding="utf-8")
    docs = zhkg.documents([Text("体育处/高致洁"), str(tmp_path / "a.txt"), "太原市小店区公安局局长王杰出席会议。"],
                          model="rules")
    assert [d.name for d in docs] == ["text-0", "a.txt", "text-2"]
    assert [f["person"] for f in docs[1].facts] == ["刘海波"]
    assert [f["person"] for f in docs[2].facts] == ["王杰"]


# -- public names


def test_public_names_are_listed_and_resolve():
    assert set(PUBLIC) <= set(zhkg.__all__)
    assert set(PUBLIC) | {"__version__"} <= set(dir(zhkg))
    for name in zhkg.__all__:
        assert getattr(zhkg, name) is not None
    assert not {"Any", "version", "PackageNotFoundError"} & set(dir(zhkg))  # the module's imports are not API
    with pytest.raises(AttributeError):
        zhkg.no_such_name  # noqa: B018


# -- the pipeline: Traditional text, doc.ents as the facts say


def test_the_loaded_pipeline_folds_traditional_text_offsets_kept(folding):
    text = "臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。"
    doc = folding(text)
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    assert [e.text for e in persons] == ["黄伟哲", "姜淋煌"]
    assert [text[e.start_char:e.end_char] for e in persons] == ["黃偉哲", "姜淋煌"]  # offsets index the text given
    assert {f.person for f in doc._.facts} == {"黄伟哲", "姜淋煌"}
    assert [e.text for e in folding("臺南市長黃偉哲").ents] == [e.text for e in folding("台南市长黄伟哲").ents]


def test_the_build_pipeline_does_not_fold_twice():
    from zhkg.ner.pipeline import FoldingTokenizer, load_pipeline

    assert not isinstance(load_pipeline("rules", fold=False).tokenizer, FoldingTokenizer)
    assert isinstance(load_pipeline("rules").tokenizer, FoldingTokenizer)


def test_doc_ents_name_a_person_as_the_facts_do(folding):
    text = "文化和旅游部党组副书记、副部长李金早违规收受礼品，饮用高档酒水。"
    doc = folding(text)
    persons = {(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "PERSON"}
    facts = {(f.person_start, f.person_end, f.person) for f in doc._.facts}
    assert facts and facts <= persons  # the model alone reads 李金 here
    assert "李金" not in {p[2] for p in persons}


def test_extract_agrees_with_the_pipeline_on_traditional_text(folding):
    text = "臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。"
    assert {f["person"] for f in zhkg.extract(text)} == {f.person for f in folding(text)._.facts}
