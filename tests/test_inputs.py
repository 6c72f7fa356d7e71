"""The files users have: saved news pages, JSONL(.gz) corpora, .docx and PDF, given metadata (home city,
issuer, date), and a folder build that names every file it passes over."""

from __future__ import annotations

import gzip
import html
import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from zhkg.api import extract
from zhkg.cache import document_key
from zhkg.ner.extract import UnknownHome, _doc_or_text, home_division
from zhkg.ner.text.corpus import RecordFields, iter_records
from zhkg.ner.text.office import read_docx, read_pdf
from zhkg.ner.text.reading import Skipped, Source, UnreadableInput, iter_sources, read_document
from zhkg.ner.text.webpage import looks_like_html, read_page

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
# Leaders the site's chrome names with their titles; no seed names any of them.
CHROME = ("赵明远", "钱卫东", "孙立平", "周海峰", "吴国栋", "郑晓红")
PAGE_DATE = "2020-03-01"  # no seed states it: a fact dated so took the page's date
LIU = "太原市小店区卫健局局长刘海波检查工作。"


def zhkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", *args], capture_output=True, text=True, timeout=600,
                          check=False)


def build(*args: str) -> str:
    done = zhkg("build", *args, "--jobs", "1", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def facts_by_doc(out: Path, key=lambda doc: doc) -> dict[str, set[tuple]]:
    found: dict[str, set[tuple]] = {}
    for f in rows(out / "facts.jsonl"):
        found.setdefault(key(f["doc"]), set()).add((f["person"], f["role"], f["unit"]))
    return found


def site_page(article: str, site: str = "忻州新闻网", date: str = PAGE_DATE) -> str:
    """`article` (first line its headline) inside a news site's page as crawls save them: a menu and a
    leaders' box naming officials with their titles, a script holding a headline with a title and a
    name, the date and source line, related-news links naming officials, a footer naming the site's
    staff, and a script writing a title and a name into the page."""
    lines = [line.strip() for line in article.splitlines() if line.strip()]
    title, body = lines[0], lines[1:]
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in body)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{html.escape(title)} - {site}</title>
<meta property="og:site_name" content="{site}">
<meta name="publishdate" content="{date}">
<script>var hot = "市委书记赵明远调研疫情防控工作"; window.dataLayer = [];</script>
<style>.nav li {{ float: left; }}</style>
</head><body>
<div class="header"><div class="logo">{site}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/ld/">领导之窗：市委书记赵明远</a></li>
<li><a href="/ld/2">市长钱卫东</a></li><li><a href="/news/">时政要闻</a></li><li><a href="/dj/">党建</a></li></ul></div>
<div class="leaders"><a href="/ld/3">市委副书记孙立平</a> <a href="/ld/4">常务副市长周海峰</a></div>
<div class="main"><div class="article">
<h1>{html.escape(title)}</h1>
<div class="info"><span>发布时间：{date} 09:30</span> <span>来源：{site}</span></div>
<div class="content">
{paragraphs}
</div>
</div>
<div class="related"><h3>相关新闻</h3><ul>
<li><a href="/n/1.html">市委书记赵明远主持召开常委会议</a></li>
<li><a href="/n/2.html">市长钱卫东检查复工复产工作</a></li>
<li><a href="/n/3.html">太原市公安局局长吴国栋到基层调研</a></li>
<li><a href="/n/4.html">市卫健委主任郑晓红介绍防控情况</a></li>
</ul></div></div>
<div class="footer"><p>主办：{site} 网站负责人：主任周海峰 联系电话：0350-1234567</p>
<p>版权所有 © 2020 晋ICP备12345678号</p></div>
<script>document.write("<p>市长钱卫东</p>");</script>
</body></html>"""


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (CJK included): a Type0 font with Identity-H codes that
    are the characters' code points and a ToUnicode map saying so. No glyphs are embedded (a viewer shows
    boxes); text extraction reads only the map. Empty `lines`: a page with no text, as a scan has."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 760 Td"]
    ops += ["<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*" for line in lines]
    content = "\n".join([*ops, "ET"]).encode("ascii") if lines else b"0 0 m 10 10 l S"
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            b"1 beginbfrange <0000> <FFFF> <0000> endbfrange\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>"),
        (b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] "
        b"/ToUnicode 7 0 R >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>"),
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        (b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860] /ItalicAngle 0 "
        b"/Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def word_file(path: Path, paragraphs: list[str], table: list[list[str]]) -> None:
    document = docx.Document()
    for line in paragraphs[:1]:
        document.add_paragraph(line)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, cell in enumerate(row):
            grid.cell(r, c).text = cell
    for line in paragraphs[1:]:
        document.add_paragraph(line)
    document.save(path)


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """The seeds built as the text files they are."""
    out = tmp_path_factory.mktemp("plain") / "out"
    build(str(REPO / "seeds"), "--out", str(out), "--quiet")
    return out


# -- saved pages


def test_pages_give_the_facts_of_their_articles_and_none_of_the_site_around_them(plain, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in SEEDS:
        (pages / f"{seed.stem}.html").write_text(site_page(seed.read_text(encoding="utf-8")), encoding="utf-8")
    err = build(str(pages), "--out", str(tmp_path / "out"))
    assert "skipped 0" in err
    stem = lambda doc: doc.rsplit(".", 1)[0]
    expected = facts_by_doc(plain, stem)
    assert facts_by_doc(tmp_path / "out", stem) == expected
    assert len(expected) == len(SEEDS) and sum(map(len, expected.values())) > 30
    facts = rows(tmp_path / "out" / "facts.jsonl")
    mentions = rows(tmp_path / "out" / "entities.jsonl")
    assert not [f for f in facts if any(name in f["evidence"] for name in CHROME)]
    assert not [m for m in mentions if any(name in m["text"] for name in CHROME)]
    assert {f["date"] for f in facts} == {PAGE_DATE}  # the page's date outranks the dates in the text
    texts = {t["doc"]: t for t in rows(tmp_path / "out" / "texts.jsonl")}
    assert set(texts) == {f"{seed.stem}.html" for seed in SEEDS}
    for row in facts:  # offsets index the extracted text, which texts.jsonl keeps
        assert texts[row["doc"]]["text"][row["start"]:row["end"]] == row["evidence"]
    for row in mentions:
        assert texts[row["doc"]]["text"][row["start"]:row["end"]] == row["text"]
    first = texts[f"{SEEDS[1].stem}.html"]
    assert (first["format"], first["source"], first["date"]) == ("html", "忻州新闻网", PAGE_DATE)
    assert first["text"].startswith(first["title"] + "\n")


def test_a_folder_of_two_pages_builds(tmp_path):
    pages = tmp_path / "site"
    (pages / "2020").mkdir(parents=True)
    for i, seed in enumerate(SEEDS[1:3]):
        (pages / "2020" / f"{i}.htm").write_text(site_page(seed.read_text(encoding="utf-8")), encoding="utf-8")
    build(str(pages), "--out", str(tmp_path / "out"), "--model", "rules", "--quiet")
    assert set(facts_by_doc(tmp_path / "out")) == {"2020/0.htm", "2020/1.htm"}


def test_credit_lines_around_the_body_are_kept_as_the_page_gives_them():
    body = "".join(f"<p>{LIU}第{i}次。</p>" for i in range(8))
    page = f"""<html><head><meta charset="gbk"><title>检查工作 - 丹东新闻网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/j">记者之家：记者孙立平</a></div>
<div class="article"><h1>检查工作</h1>
<div class="info">2020-02-16 来源：丹东日报 记者 郭文治 孟 航</div>
<div class="content">{body}</div><div class="editor">（责任编辑：王小明）</div></div>
<div class="footer"><p>网站编辑：吴国栋</p></div></body></html>"""
    assert looks_like_html(page.encode("gbk"))
    found = read_page(page.encode("gbk"))  # declared GBK, decoded as GB18030
    lines = found.text.splitlines()
    assert lines[:2] == ["检查工作", "2020-02-16 来源：丹东日报 记者 郭文治 孟 航"]
    assert lines[-1] == "（责任编辑：王小明）"
    assert "孙立平" not in found.text and "吴国栋" not in found.text
    assert found.meta["format"] == "html"


def test_a_page_saved_as_txt_is_read_as_a_page_and_a_page_without_text_is_skipped(tmp_path):
    (tmp_path / "saved.txt").write_text(site_page("检查工作\n" + LIU * 3), encoding="utf-8")
    (tmp_path / "blank.html").write_text("<html><body><div></div></body></html>", encoding="utf-8")
    page, skipped = iter_sources([str(tmp_path / "saved.txt"), str(tmp_path / "blank.html")])
    assert page.text.startswith("检查工作\n") and "赵明远" not in page.text
    assert isinstance(skipped, Skipped) and "no article text" in skipped.reason


# -- JSONL corpora


def test_a_jsonl_gz_corpus_gives_one_document_per_record_named_by_its_id(plain, tmp_path):
    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        for seed in SEEDS:  # json.dumps escapes the quotes and, with ensure_ascii, every CJK character
            f.write(json.dumps({"id": seed.stem, "text": seed.read_text(encoding="utf-8")}) + "\n")
        f.write("{not json\n")
        f.write(json.dumps({"id": "no-text", "body": LIU}) + "\n")
        f.write("\n")
        f.write(json.dumps({"text": "晋城市召开会议。\n晋城市城区北石店镇党委书记张志刚主持会议。"}) + "\n")
        f.write(json.dumps({"id": SEEDS[0].stem, "text": "“" + LIU + "”"}) + "\n")
    err = build(str(corpus), "--out", str(tmp_path / "out"))
    found = facts_by_doc(tmp_path / "out")
    expected = {f"corpus.jsonl.gz#{seed.stem}": facts for seed in SEEDS
                for doc, facts in facts_by_doc(plain).items() if doc == seed.name}
    assert {doc: facts for doc, facts in found.items() if doc in expected} == expected
    assert found["corpus.jsonl.gz#line-9"] == {("张志刚", "书记", "晋城市城区北石店镇党委")}
    assert found[f"corpus.jsonl.gz#{SEEDS[0].stem}@line-10"] == {("刘海波", "局长", "太原市小店区卫健局")}
    assert "skipped 2" in err
    assert any("corpus.jsonl.gz: line 6: not JSON" in line for line in err.splitlines()), err
    assert any("line 7: no text field 'text'" in line for line in err.splitlines()), err
    assert "1 record(s) with an id an earlier record has" in err and "1 record(s) without an id" in err
    facts = rows(tmp_path / "out" / "facts.jsonl")
    assert not [f for f in facts if "\\" in f["evidence"]]  # JSON escapes decoded, none leak
    texts = {s.name: s.text for s in iter_sources([str(corpus)]) if isinstance(s, Source)}
    assert texts[f"corpus.jsonl.gz#{SEEDS[0].stem}@line-10"] == "“" + LIU + "”"
    for f in facts:  # offsets index the record's text as json.loads decodes it
        assert texts[f["doc"]][f["start"]:f["end"]] == f["evidence"]


def test_records_take_their_fields_from_the_options(tmp_path):
    corpus = tmp_path / "crawl.ndjson"
    corpus.write_text(json.dumps({"key": 7, "body": "市公安局局长王杰出席会议。我市干部参加。", "day": "2021年5月4日",
                                  "city": "忻州"}, ensure_ascii=False) + "\n", encoding="utf-8")
    build(str(corpus), "--out", str(tmp_path / "out"), "--model", "rules", "--quiet", "--text-field", "body",
          "--id-field", "key", "--date-field", "day", "--home-field", "city", "--home", "晋城市")
    (fact,) = rows(tmp_path / "out" / "facts.jsonl")
    assert (fact["doc"], fact["unit"], fact["date"]) == ("crawl.ndjson#7", "忻州市公安局", "2021-05-04")


def test_bad_records_are_skipped_one_by_one_and_a_broken_gzip_after_its_records(tmp_path):
    good = json.dumps({"id": "a", "text": LIU}).encode() + b"\n"
    (tmp_path / "big.jsonl").write_bytes(good + json.dumps({"id": "b", "text": "党" * 20000}).encode() + b"\n"
                                         + b'["a list"]\n' + b'{"id": "s", "text": "\\ud800' + LIU.encode() + b'"}\n')
    items = list(iter_records(str(tmp_path / "big.jsonl"), "big.jsonl", RecordFields(), max_chars=100))
    assert [type(i).__name__ for i in items] == ["Source", "Skipped", "Skipped", "Source"]
    assert items[1].reason.startswith("line 2: too large") and items[2].reason.startswith("line 3: not a JSON object")
    assert items[3].text == "\ufffd" + LIU  # a lone surrogate: one U+FFFD, offsets kept
    data = gzip.compress(b"".join(json.dumps({"id": i, "text": LIU + os.urandom(64).hex()}).encode() + b"\n"
                                  for i in range(2000)))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    *records, last = iter_sources([str(tmp_path / "cut.jsonl.gz")])
    assert records and all(isinstance(r, Source) for r in records)
    assert isinstance(last, Skipped) and "not read past line" in last.reason


# -- .docx, PDF, and what a folder passes over


def test_office_files_read_in_order(tmp_path):
    word_file(tmp_path / "a.docx", ["任免通知", "以上同志任期三年。"], [["姓名", "职务"], ["王杰", "太原市公安局局长"]])
    found = read_docx((tmp_path / "a.docx").read_bytes())
    assert found.text.splitlines() == ["任免通知", "姓名", "职务", "王杰", "太原市公安局局长", "以上同志任期三年。"]
    assert read_pdf(text_pdf([LIU, "Page text, ASCII too."])).text.splitlines() == [LIU, "Page text, ASCII too."]
    with pytest.raises(UnreadableInput, match="unsupported: no text layer"):
        read_pdf(text_pdf([]))
    with pytest.raises(UnreadableInput, match="unsupported"):
        read_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


def test_a_mixed_folder_builds_what_it_can_and_names_what_it_passes_over(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "page.html").write_text(site_page("检查工作\n" + LIU * 3), encoding="utf-8")
    word_file(inp / "notice.docx", ["晋城市召开会议。"], [["晋城市城区北石店镇党委书记张志刚主持会议。"]])
    (inp / "release.pdf").write_bytes(text_pdf(["臺南市政府今日舉行記者會，民政局長姜淋煌出席。"]))
    (inp / "scan.pdf").write_bytes(text_pdf([]))
    (inp / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (inp / "README").write_text(LIU, encoding="utf-8")
    (inp / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(100))
    (inp / ".git").mkdir()
    (inp / ".git" / "HEAD.txt").write_text(LIU, encoding="utf-8")
    err = build(str(inp), "--out", str(tmp_path / "out"), "--model", "rules")
    people = {(f["doc"], f["person"]) for f in rows(tmp_path / "out" / "facts.jsonl")}
    assert {("page.html", "刘海波"), ("notice.docx", "张志刚"), ("release.pdf", "姜淋煌")} <= people
    skipped = [line for line in err.splitlines() if line.startswith("zhkg: skipped ")]
    assert "skipped 3" in err and len(skipped) == 3, err
    by_name = {Path(line.split(": ")[1]).name: line for line in skipped}
    assert set(by_name) == {"photo.png", "README", "scan.pdf"}
    assert all("unsupported" in line for line in skipped)
    assert ".png" in by_name["photo.png"] and "no text layer" in by_name["scan.pdf"]
    assert {t["doc"] for t in rows(tmp_path / "out" / "texts.jsonl")} == {"page.html", "notice.docx", "release.pdf"}
    # a second build of the same folder into an OUT inside it reads none of OUT's files
    build(str(inp), "--out", str(inp / "out"), "--quiet", "--model", "rules")
    err = build(str(inp), "--out", str(inp / "out"), "--model", "rules")
    assert "skipped 3" in err and "read 3 file(s)" in err


# -- metadata: home city, issuer, date


def test_home_city_names_codes_and_errors():
    assert home_division("臺南市").name == "台南市"
    assert home_division("忻州").key == home_division("140900").key == "140900"
    assert home_division("北京市朝阳区").code == "110105"
    with pytest.raises(UnknownHome, match="ambiguous.*110105"):
        home_division("朝阳区")
    with pytest.raises(UnknownHome, match="unknown home city"):
        home_division("火星市")


def test_home_and_issuer_ride_on_the_doc(nlp):
    doc = _doc_or_text(nlp, "市公安局局长王杰出席会议。", {"home": "忻州市", "issuer": "忻州市公安局"})
    assert (doc._.home_hint, doc._.issuer) == ("140900", "忻州市公安局")
    assert nlp(doc)._.home_city == "140900"
    assert _doc_or_text(nlp, "正文。", None) == "正文。"


def test_metadata_is_part_of_the_cache_key():
    plain = Source("a.txt", "a.txt", LIU, "utf-8", "00")
    keys = {document_key(plain), document_key(Source("a.txt", "a.txt", LIU, "utf-8", "00", (), {"home": "140900"})),
            document_key(Source("a.txt", "a.txt", LIU, "utf-8", "00", (), {"home": "140100"})),
            document_key(Source("a.txt", "a.txt", LIU, "utf-8", "00", (), {"issuer": "x"}))}
    assert len(keys) == 4


def test_a_changed_home_is_tagged_again_not_served_from_the_cache(tmp_path):
    (tmp_path / "a.txt").write_text("市公安局局长王杰出席会议。我市干部参加。", encoding="utf-8")
    units = []
    for home in ("忻州", "晋城市", None):
        args = ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--model", "rules", "--quiet",
                "--jobs", "1", "--cache", str(tmp_path / "cache"), *(["--home", home] if home else [])]
        done = zhkg(*args)
        assert done.returncode == 0, done.stderr
        units.append(rows(tmp_path / "out" / "facts.jsonl")[0]["unit"])
    assert units == ["忻州市公安局", "晋城市公安局", "市公安局"]


def test_an_unknown_home_is_one_line_before_any_work(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    done = zhkg("build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--home", "火星市")
    assert done.returncode == 1 and not (tmp_path / "out").exists()
    assert done.stderr.strip().splitlines() == [("zhkg build: unknown home city '火星市': not a division name or "
                                                "code the division data holds")]


def test_a_docx_is_told_by_its_bytes_when_named_otherwise(tmp_path):
    word_file(tmp_path / "a.docx", [LIU], [["x"]])
    found = read_document((tmp_path / "a.docx").read_bytes())
    assert found.text.startswith(LIU) and found.meta["format"] == "docx"


def test_a_pdf_wrapped_at_its_width_reads_as_sentences():
    """pypdf gives a PDF's lines as the page wraps them: a notice's sentence (and a name) cut at the margin
    is one sentence again, while a line that ends a sentence or a numbered item stays a line."""
    lines = ["任免通知",
             "经研究决定：王建军同志任太原市小店区卫生健康局局长，免去其太原市小",
             "店区教育局局长职务；赵立新同志任太原市小店区教育局局长，免去其太原",
             "市小店区教育局副局长职务。",
             "一、以上同志任期三年。"]
    text = read_pdf(text_pdf(lines)).text
    assert text.splitlines() == ["任免通知", "".join(lines[1:4]), lines[4]]
    facts = {(f["person"], f["role"], f["unit"], f["status"]) for f in extract(text)}
    assert ("王建军", "局长", "太原市小店区教育局", "former") in facts
    assert ("赵立新", "副局长", "太原市小店区教育局", "former") in facts


def test_a_line_break_inside_a_word_is_no_break():
    """An editor's fixed width cut 先生 in two: the name before it is read, and offsets still point into
    the text as it was written."""
    text = "董事会于2021年1月25日收到刘海波先生递交的辞职报告。刘海波先\n生因工作变动原因辞去公司董事长职务。"
    facts = extract(text)
    found = [f for f in facts if f["person"] == "刘海波" and f["role"] == "董事长" and f["status"] == "former"]
    assert found and text[found[0]["start"]:found[0]["end"]].startswith("刘海波先\n生")
