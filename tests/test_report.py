"""report.html as a browser draws it: real headless Chromium, the DOM after its scripts ran, pixels."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from benchmarks.browser import body_attributes, dump_dom, find_chromium, read_png, screenshot
from benchmarks.report import synthetic_documents
from zhkg.exports.report import CYTOSCAPE_VERSION, DEFAULT_CAP, PAGE_ROWS, write_report
from zhkg.graph.build import build_graph

REPO = Path(__file__).resolve().parents[1]
TAINAN = REPO.parent / "shared" / "bench" / "tainan-2021"
ROW = re.compile(r"<tr data-fact=\"(\d+)\"[^>]*>(.*?)</tr>", re.DOTALL)


@pytest.fixture(autouse=True)
def chromium():
    if find_chromium() is None:  # a failure, not a skip: CI must not pass without drawing the page
        pytest.fail("these tests need headless Chromium: apt-get install chromium (.ci/run does)")


def build(out: Path, *inputs: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "zhkg.cli", "build", *map(str, inputs), "-o", str(out), "--quiet"],
                          capture_output=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return out


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("report"), REPO / "seeds")


def facts(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]


def rows(dom: str) -> list[tuple[int, bool, list[str]]]:
    """(data-fact, hidden, cell texts) of every table row in a dumped DOM."""
    out = []
    for m in ROW.finditer(dom):
        tag = dom[m.start():dom.index(">", m.start())]
        cells = [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", m.group(2), re.DOTALL)]
        out.append((int(m.group(1)), " hidden" in tag, cells))
    return out


def test_report_is_self_contained(seeds_out):
    page = (seeds_out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=|<img[^>]*\bsrc=|@import|url\(", page)
    assert f"Cytoscape.js {CYTOSCAPE_VERSION}" in page and "The Cytoscape Consortium" in page  # licence kept


def test_chromium_draws_the_graph_and_one_row_per_fact(seeds_out):
    dom = dump_dom(seeds_out / "report.html")
    body = body_attributes(dom)
    assert int(body["data-nodes"]) >= 20
    table = rows(dom)
    assert sorted(i for i, _, _ in table) == list(range(len(facts(seeds_out))))
    expected = [(f["person"], f.get("role") or "", f.get("unit") or "") for f in facts(seeds_out)]
    assert sorted((c[0], c[1], c[2]) for _, _, c in table) == sorted(expected)
    assert "documents read" in dom and "place mentions linked" in dom


def test_screenshot_shows_people_units_and_places(seeds_out, tmp_path):
    png = screenshot(seeds_out / "report.html", tmp_path / "shot.png", size=(900, 640))
    width, height, lines = read_png(png)
    assert (width, height) == (900, 640)
    colours = {"person": (228, 26, 28), "unit": (55, 126, 184), "place": (77, 175, 74)}
    counts = dict.fromkeys(colours, 0)
    for line in lines[110:430]:  # the graph's canvas, below the controls
        for x in range(0, 600 * 3, 3):
            px = line[x:x + 3]
            for name, c in colours.items():
                if all(abs(px[k] - c[k]) < 12 for k in range(3)):
                    counts[name] += 1
    assert all(n > 40 for n in counts.values()), counts


def test_a_search_draws_the_neighbourhood_and_the_persons_posts(seeds_out):
    full = int(body_attributes(dump_dom(seeds_out / "report.html"))["data-nodes"])
    person = max(facts(seeds_out), key=lambda f: len(f["evidence"]) if f.get("unit") else 0)
    dom = dump_dom(seeds_out / "report.html", fragment=f"q={person['person']}&hops=2")
    drawn = int(body_attributes(dom)["data-nodes"])
    assert 2 <= drawn < full
    panel = unescape(dom[dom.index('<div id="panel">'):dom.index("<section>")])
    assert person["person"] in panel and person["evidence"] in panel and person["doc"] in panel
    traditional = next(f for f in facts(seeds_out) if f["person_text"] != f["person"])  # 王誠 for 王诚
    dom = dump_dom(seeds_out / "report.html", fragment=f"q={traditional['person_text']}")
    assert traditional["person"] in unescape(dom[dom.index('<div id="panel">'):dom.index("<section>")])


def test_the_table_filters_and_sorts(seeds_out):
    unit = next(f["unit"] for f in facts(seeds_out) if f.get("unit"))
    dom = dump_dom(seeds_out / "report.html", fragment=f"filter={unit}&sort=-confidence")
    shown = [c for _, hidden, c in rows(dom) if not hidden]
    assert len(shown) == sum(1 for f in facts(seeds_out) if unit in " ".join(map(str, f.values())))
    assert all(unit in "".join(c) for c in shown)
    confidences = [float(c[9]) for _, _, c in rows(dom)]
    assert confidences == sorted(confidences, reverse=True)  # rows are reordered in the DOM itself


def test_a_large_report_draws_at_most_the_cap_and_pages_the_table(tmp_path):
    docs = synthetic_documents(3_000)
    write_report(build_graph(docs), docs, tmp_path / "report.html")
    dom = dump_dom(tmp_path / "report.html")
    assert int(body_attributes(dom)["data-nodes"]) == DEFAULT_CAP
    table = rows(dom)
    assert len(table) == 3_000 and sum(not hidden for _, hidden, _ in table) == PAGE_ROWS
    county = docs[0].facts[0]["city"]
    within = int(body_attributes(dump_dom(tmp_path / "report.html", fragment=f"city={county}"))["data-nodes"])
    assert 2 <= within < DEFAULT_CAP


@pytest.mark.skipif(not TAINAN.is_dir(), reason="../shared/bench/tainan-2021 is not beside this checkout")
def test_seeds_and_forty_tainan_releases(tmp_path):
    inp = tmp_path / "tainan"
    inp.mkdir()
    for f in sorted(TAINAN.glob("*.txt"))[:40]:
        shutil.copy(f, inp / f.name)
    out = build(tmp_path / "out", REPO / "seeds", inp)
    dom = dump_dom(out / "report.html")
    assert int(body_attributes(dom)["data-nodes"]) >= 50
    assert len(rows(dom)) == len(facts(out))
    assert (out / "facts.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_summary_names_merged_people_with_the_reason_and_skipped_files(tmp_path):
    inp = tmp_path / "news"
    inp.mkdir()
    (inp / "a.txt").write_text("太原市小店区公安局局长王杰出席会议。", encoding="utf-8")
    (inp / "b.txt").write_text("太原市小店区公安局局长王杰讲话。", encoding="utf-8")
    (inp / "empty.txt").write_bytes(b"")
    out = build(tmp_path / "out", inp)
    dom = dump_dom(out / "report.html")
    merged = unescape(dom[dom.index('<table class="merged">'):])
    assert re.search(r"<td>王杰</td><td>2</td><td>same name and [^<]*小店区公安局[^<]*in 2 documents</td>", merged)
    skipped = unescape(dom[dom.index('<ul class="skipped">'):])
    assert "<code>empty.txt</code>: empty file" in skipped  # named, but not by its absolute path
    assert int(body_attributes(dom)["data-nodes"]) >= 2
