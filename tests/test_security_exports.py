"""What a hostile file name or article can do to the files a build hands people (issue 16): facts.csv
must hold no spreadsheet formula, report.html no spliced markup, and a link that matches nothing
must still draw a graph. The report is checked as real headless Chromium runs it, console included."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path

import pytest
from conftest_exports import WANG_TY, build_graph

from benchmarks.browser import _run, body_attributes, find_chromium, page_url, read_png, screenshot
from zhkg.exports.report import CYTOSCAPE_JS, render_report
from zhkg.exports.spreadsheet import FORMULA_LEADS, safe_cell, write_facts_csv

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = (REPO / "exports" / "report.html.in").read_text(encoding="utf-8")
MARKERS = sorted(set(re.findall(r"__[A-Z]+__", TEMPLATE)))
FORMULA_NAMES = ("=HYPERLINK(1).txt", "+1.txt", "-2.txt", "@SUM(1).txt")
MARKER_NAMES = tuple(f"{m}.txt" for m in MARKERS) + ("x__DATA__.txt",)
EMPTY_NAME = "__SUMMARY__empty.txt"  # skipped, so named in the summary's list rather than the table
SENTENCE = "太原市小店区公安局局长王杰出席会议。"
DATA_SCRIPT = re.compile(r'<script id="zhkg-data" type="application/json">(.*?)</script>', re.DOTALL)
AMBER = bytes((255, 224, 138))  # #notice's background in report.html.in
NOTICE = re.compile(r'<div id="notice"([^>]*)>(.*?)</div>', re.DOTALL)


@dataclass
class Doc:
    """The one thing write_facts_csv reads from a parsed document."""

    facts: list[dict] = field(default_factory=list)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def data_block(page: str) -> str:
    """The text of the page's JSON data script, up to the first `</script>` as an HTML parser reads it."""
    return DATA_SCRIPT.search(page).group(1)


def browse(path: Path, fragment: str = "") -> tuple[str, list[str]]:
    """The DOM once the page's scripts ran, and the JavaScript errors it threw (as Chromium logs them;
    Cytoscape's own warnings on the console are no error)."""
    done = _run(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=20000", "--dump-dom",
                 page_url(path, fragment)], timeout=120)
    assert done.returncode == 0 and done.stdout, done.stderr.decode(errors="replace")[-2000:]
    log = done.stderr.decode(errors="replace").splitlines()
    return done.stdout.decode("utf-8"), [line for line in log if ":CONSOLE" in line and '"Uncaught ' in line]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A build whose file names are formulas and the report template's own markers."""
    if find_chromium() is None:  # a failure, not a skip: CI must not pass without drawing the page
        pytest.fail("these tests need headless Chromium: apt-get install chromium (.ci/run does)")
    root = tmp_path_factory.mktemp("hostile")
    inp = root / "news"
    inp.mkdir()
    for name in FORMULA_NAMES + MARKER_NAMES:
        (inp / name).write_text(SENTENCE, encoding="utf-8")
    (inp / EMPTY_NAME).write_bytes(b"")
    command = [sys.executable, "-m", "zhkg.cli", "build", str(inp), "-o", str(root / "out"), "--quiet"]
    done = subprocess.run(command, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return root / "out"


def test_the_template_markers_are_the_ones_this_test_names():
    assert {"__LIBRARY__", "__DATA__", "__ROWS__", "__TITLE__"} <= set(MARKERS)


def test_facts_csv_from_formula_file_names_holds_no_formula(hostile):
    table = read_csv(hostile / "facts.csv")
    facts = [json.loads(line) for line in (hostile / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(table) == len(facts) == len(FORMULA_NAMES + MARKER_NAMES)
    assert not [v for row in table for v in row.values() if v.startswith(FORMULA_LEADS)]
    assert {r["doc"] for r in table} >= {"'" + n for n in FORMULA_NAMES}  # quoted, still readable
    assert {r["doc"] for r in table} >= set(MARKER_NAMES)  # harmless text is left alone
    numbers = [(int(r["start"]), float(r["confidence"])) for r in table]
    assert numbers == [(f["start"], f["confidence"]) for f in facts]


def test_write_facts_csv_quotes_every_formula_lead_but_keeps_numbers(tmp_path):
    text = {"person": "=1+1", "role": "-2", "unit": "+cmd|' /C calc'!A0", "city": "@SUM(A1)",
            "evidence": "\t=HYPERLINK(\"http://x/?\"&B2,\"原文\")", "rule": "\r=1", "doc": "\n@x.txt"}
    plain = {"status": "current", "date": "2024-01-01", "city_code": "140105", "person_text": "王杰"}
    record = {**text, **plain, "start": -3, "end": 0, "confidence": 0.5, "home_city": None, "sentence": 7}
    assert write_facts_csv([Doc([record])], tmp_path / "facts.csv") == 1
    (row,) = read_csv(tmp_path / "facts.csv")
    assert {k: row[k] for k in text} == {k: "'" + v for k, v in text.items()}
    assert {k: row[k] for k in plain} == plain
    numbers = ("start", "end", "confidence", "sentence", "home_city")
    assert [row[k] for k in numbers] == ["-3", "0", "0.5", "7", ""]  # a negative number is no formula
    assert (safe_cell(float("-inf")), safe_cell(True), safe_cell(-1.5)) == ("'-inf", "True", -1.5)


def test_marker_file_names_stay_text_and_the_page_runs_clean(hostile):
    page = (hostile / "report.html").read_text(encoding="utf-8")
    library = CYTOSCAPE_JS.read_text(encoding="utf-8").replace("</script", "<\\/script")
    assert page.count(library[:400]) == 1 and page.count(library[-400:]) == 1
    rest = page
    for name in MARKER_NAMES:
        assert f"<td>{escape(name)}</td>" in page
        rest = rest.replace(f"<td>{escape(name)}</td>", "")
    assert f"<code>{escape(EMPTY_NAME)}</code>" in page
    rest = rest.replace(f"<code>{escape(EMPTY_NAME)}</code>", "")
    assert not [m for m in MARKERS if m in rest]  # every marker filled, and named nowhere but as a file name
    assert json.loads(data_block(page))["nodes"]
    dom, errors = browse(hostile / "report.html")
    assert errors == []
    assert int(body_attributes(dom)["data-nodes"]) >= 2
    shown = {unescape(text) for _, text in re.findall(r"<(td|code)>(.*?)</\1>", dom)}
    assert set(MARKER_NAMES + FORMULA_NAMES) | {EMPTY_NAME} <= shown


def test_graph_names_cannot_close_the_data_script():
    G = build_graph()
    name = "</script><script>document.title='x'</script><!--\u2028&amp;>"
    G.nodes[WANG_TY]["name"] = name
    page = render_report(G, [])
    data = data_block(page)
    assert not re.search("[<>&\u2028\u2029]", data)
    assert name in [n["n"] for n in json.loads(data)["nodes"]]


@pytest.fixture(scope="module")
def default_nodes(hostile) -> int:
    """How many nodes the page draws when no link asks for a view."""
    return int(body_attributes(browse(hostile / "report.html")[0])["data-nodes"])


@pytest.mark.parametrize(("fragment", "says"), [
    ("q=不存在的人", "no person, unit or place matches “不存在的人”"),
    ("unit=nothing", "no unit matches “nothing”"),
])
def test_a_link_that_matches_nothing_draws_the_default_graph_and_says_so(hostile, default_nodes, fragment,
                                                                         says):
    dom, errors = browse(hostile / "report.html", fragment)
    assert errors == []
    assert int(body_attributes(dom)["data-nodes"]) == default_nodes > 0
    attrs, text = NOTICE.search(dom).groups()
    assert "hidden" not in attrs and unescape(text).startswith(says) and "default graph" in text


def test_the_no_match_notice_is_on_screen(hostile, tmp_path):
    def notice_pixels(fragment: str) -> int:
        png = screenshot(hostile / "report.html", tmp_path / f"{len(fragment)}.png", size=(900, 640),
                         fragment=fragment)
        _, _, lines = read_png(png)
        return sum(1 for line in lines for x in range(0, len(line), 3) if line[x:x + 3] == AMBER)

    assert notice_pixels("") == 0
    assert notice_pixels("q=不存在的人") > 5_000  # the amber bar above the graph
