"""report.html as a browser draws it: real headless Chromium, the DOM after its scripts ran, pixels."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from html import escape, unescape
from pathlib import Path

import networkx as nx
import pytest

from benchmarks.browser import body_attributes, dump_dom, find_chromium, read_png, screenshot
from benchmarks.report import synthetic_documents
from zhkg.exports.report import (
    AS_WRITTEN,
    CYTOSCAPE_VERSION,
    DEFAULT_CAP,
    PAGE_ROWS,
    graph_data,
    write_report,
)
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
    within = body_attributes(dump_dom(tmp_path / "report.html", fragment=f"city={county}"))
    assert 2 <= int(within["data-nodes"]) <= DEFAULT_CAP  # the county's own, not the whole graph's
    assert int(within["data-total"]) < int(body_attributes(dom)["data-total"])


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
    reason = re.search(r"<td>王杰</td><td>2</td><td>(same name [^<]*)</td>", merged).group(1)
    assert "小店区公安局" in reason and "in 2 documents" in reason  # the wording is graph.identity's
    skipped = unescape(dom[dom.index('<ul class="skipped">'):])
    assert "<code>empty.txt</code>: empty file" in skipped  # named, but not by its absolute path
    assert int(body_attributes(dom)["data-nodes"]) >= 2


# --- the first view, press credits, the neighbourhood, evidence, careers, fonts ---------------------------

SCREEN = (1400, 900)  # the window the first view is made for
DATA = re.compile(r'<script id="zhkg-data" type="application/json">(.*?)</script>', re.DOTALL)
PANEL = re.compile(r'<div id="panel">(.*?)</div></div>\s*<section>', re.DOTALL)


def page_data(path: Path) -> dict:
    """The graph the page was given (nodes with their type `t`, name `n`, posts `w`, press-credit flag `c`,
    career `p`; edges [source, target, roles, posts])."""
    return json.loads(DATA.search(path.read_text(encoding="utf-8")).group(1))


def drawn(dom: str) -> tuple[dict[str, str], list[list]]:
    """<body>'s attributes and the labels the page says it drew: [node id, x1, y1, x2, y2, px on screen]."""
    body = body_attributes(dom)
    return body, json.loads(unescape(body["data-labels"]))


def overlaps(labels: list[list]) -> list[tuple[str, str]]:
    return [(a[0], b[0]) for k, a in enumerate(labels) for b in labels[k + 1:]
            if min(a[3], b[3]) > max(a[1], b[1]) and min(a[4], b[4]) > max(a[2], b[2])]


def degrees(data: dict) -> list[int]:
    neighbours: list[set[int]] = [set() for _ in data["nodes"]]
    for s, t, _, _ in data["edges"]:
        neighbours[s].add(t)
        neighbours[t].add(s)
    return [len(n) for n in neighbours]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, list]:
    """A report of 3,000 synthetic facts: 1,000 people, 60 counties, far more nodes than a view draws."""
    docs = synthetic_documents(3_000)
    path = tmp_path_factory.mktemp("synthetic") / "report.html"
    write_report(build_graph(docs), docs, path)
    return path, docs


def test_the_first_view_draws_the_most_connected_with_every_label_legible(synthetic, seeds_out):
    path, _ = synthetic
    data = page_data(path)
    dom = dump_dom(path, size=SCREEN)
    body, labels = drawn(dom)
    assert int(body["data-nodes"]) == DEFAULT_CAP and int(body["data-total"]) == len(data["nodes"])
    assert "drawing 50 of" in dom and '<button id="all">everything</button>' in dom  # the count and "show all"
    assert len(labels) == DEFAULT_CAP and min(px for *_, px in labels) >= 11  # every node drawn is named, legibly
    width, height = map(int, body["data-frame"].split()[0].split("x"))
    assert all(-2 <= x1 and x2 <= width + 2 and -2 <= y1 and y2 <= height + 2 for _, x1, y1, x2, y2, _ in labels)
    assert overlaps(labels) == []
    deg, shown = degrees(data), {int(i[1:]) for i, *_ in labels}
    tenth = sorted((deg[i] for i, n in enumerate(data["nodes"]) if n["t"] != "place"), reverse=True)[9]
    most = {i for i, n in enumerate(data["nodes"]) if n["t"] != "place" and deg[i] > tenth}
    assert most and most <= shown  # the most connected people and units are all there
    assert sum(deg[i] for i in shown) / len(shown) > 2 * sum(deg) / len(deg)

    body, labels = drawn(dump_dom(seeds_out / "report.html", size=SCREEN))
    assert int(body["data-nodes"]) == min(DEFAULT_CAP, int(body["data-total"])) == len(labels)
    assert min(px for *_, px in labels) >= 11 and overlaps(labels) == []
    everything = body_attributes(dump_dom(path, fragment="cap=100000"))
    assert int(everything["data-nodes"]) == int(everything["data-total"]) == len(data["nodes"])


def test_press_credits_are_left_out_until_asked_for(seeds_out):
    data = page_data(seeds_out / "report.html")
    credit_rules = {"byline"}
    by_person: dict[str, set[bool]] = {}
    for f in facts(seeds_out):
        by_person.setdefault(f["person"], set()).add(f["rule"] in credit_rules)
    press = {p for p, kinds in by_person.items() if kinds == {True}}
    assert press and {n["n"] for n in data["nodes"] if n.get("c")} == press  # 记者 郭文治, 牛书培 摄 …
    body = body_attributes(dump_dom(seeds_out / "report.html", fragment="cap=1000"))
    assert body["data-credits"] == "0" and int(body["data-nodes"]) == len(data["nodes"]) - len(press)
    dom = dump_dom(seeds_out / "report.html", fragment="cap=1000&credits=1")
    body = body_attributes(dom)
    assert int(body["data-credits"]) == len(press) and int(body["data-nodes"]) == len(data["nodes"])
    assert re.search(r'<input id="credits" type="checkbox">\s*press credits <span id="ncredits">\((\d+)\)', dom)


def test_a_neighbourhood_view_has_no_overlapping_labels(seeds_out, synthetic):
    path, docs = synthetic
    busiest = Counter(f["unit"] for d in docs for f in d.facts).most_common(1)[0][0]
    person = max(facts(seeds_out), key=lambda f: len(f["evidence"]) if f.get("unit") else 0)["person"]
    for report, fragment in ((seeds_out / "report.html", f"q={person}&hops=3"), (path, f"q={busiest}&hops=2"),
                             (path, f"city={docs[0].facts[0]['city']}")):
        body, labels = drawn(dump_dom(report, fragment=fragment, size=SCREEN))
        assert int(body["data-nodes"]) >= 5, fragment
        assert len(labels) == int(body["data-nodes"]) and min(px for *_, px in labels) >= 11, fragment
        assert overlaps(labels) == [], fragment


def test_evidence_is_the_repaired_text_with_the_article_as_written_on_hover(seeds_out):
    repaired = [f for f in facts(seeds_out) if "(qū)" in f["evidence"]]
    assert repaired  # 毙酶畢^(qū)秀容稅務所… as the converter left it
    fact = repaired[0]
    assert fact["evidence_repaired"].startswith("忻府区秀容税务所")
    dom = dump_dom(seeds_out / "report.html", fragment=f"q={fact['person']}")
    panel = PANEL.search(dom).group(1)
    evidence = re.findall(r'<div class="ev"(?: title="([^"]*)")?>([^<]*)</div>', panel)
    assert (AS_WRITTEN + fact["evidence"], fact["evidence_repaired"]) in [(unescape(t), unescape(e)) for t, e in evidence]
    row = next(c for _, _, c in rows(dom) if c[7] == fact["evidence_repaired"])
    assert row[0] == fact["person"]
    cell = f'<span class="rep" title="{escape(AS_WRITTEN + fact["evidence"])}">{escape(fact["evidence_repaired"])}</span>'
    assert cell in (seeds_out / "report.html").read_text(encoding="utf-8")


def test_career_rows_are_posts_in_date_order_undated_last():
    G = nx.MultiDiGraph()
    G.add_node("p", type="Person", name="王杰")
    G.add_node("u1", type="Organization", name="市民政局")
    G.add_node("u2", type="Organization", name="县政府")
    G.add_node("c", type="Place", name="台南市")

    def membership(key: str, role: str, unit: str, status: str, **dates: str) -> None:
        G.add_node(key, type="Membership", role=role, status=status, rule="apposition", **dates)
        for target, label in (("p", "member"), (unit, "organization"), ("c", "city")):
            G.add_edge(key, target, key=label, label=label)

    membership("m1", "局长", "u1", "current", date="2021-05-01")
    membership("m2", "局长", "u1", "former", date="2023-01-02")
    # a Membership standing for several facts carries its first and last date
    membership("m3", "副县长", "u2", "current", first_date="2018-03-01", last_date="2020-06-30", date="2019-01-01")
    membership("m4", "主任", "u2", "current")
    membership("m5", "科长", "u1", "former", date="2016-07-01")
    nodes = graph_data(G)["nodes"]
    person = next(n for n in nodes if n["t"] == "person")
    assert [[r, nodes[u]["n"], nodes[c]["n"], *rest] for r, u, c, *rest in person["p"]] == [
        ["科长", "市民政局", "台南市", "former", "2016-07-01", "2016-07-01", 1],
        ["副县长", "县政府", "台南市", "current", "2018-03-01", "2020-06-30", 1],
        ["局长", "市民政局", "台南市", "former", "2021-05-01", "2023-01-02", 2],  # the latest fact's status
        ["主任", "县政府", "台南市", "current", "", "", 1],  # undated: last
    ]
    assert "c" not in person  # a post, not a press credit


def test_a_persons_panel_shows_the_career_as_a_timeline(synthetic):
    path, docs = synthetic
    nodes = page_data(path)["nodes"]
    names = Counter(n["n"] for n in nodes)
    person = max((n for n in nodes if n["t"] == "person" and names[n["n"]] == 1), key=lambda n: (len(n["p"]), n["n"]))
    assert len(person["p"]) >= 3
    stated = {(f["role"], f["unit"]) for d in docs for f in d.facts if f["person"] == person["n"]}
    dom = dump_dom(path, fragment=f"q={person['n']}")
    career_html = re.search(r'<ol class="career">(.*?)</ol>', PANEL.search(dom).group(1), re.DOTALL).group(1)
    items = re.findall(r'<li><span class="when">([^<]*)</span><b>([^<]*)</b> · ([^<·]*) · ', career_html)
    expected = [(first if first == last else f"{first} – {last}", role, nodes[unit]["n"])
                for role, unit, _, _, first, last, _ in person["p"]]
    assert [(when, role, unit.strip()) for when, role, unit in items] == expected  # one row per post
    assert {(role, unit) for _, role, unit in expected} <= stated
    starts = [when.split(" – ")[0] for when, _, _ in items]
    assert starts == sorted(starts)  # in date order


def glyph_cells(png: Path, n: int) -> list[bytes]:
    """The pixels of the `n` 64×64 cells `GLYPHS_PAGE` draws, left to right."""
    _, _, lines = read_png(png)
    return [b"".join(line[3 * (10 + 80 * k):3 * (10 + 80 * k + 64)] for line in lines[10:74]) for k in range(n)]


GLYPHS_PAGE = """<!DOCTYPE html><meta charset="utf-8"><style>body {{ margin: 0; background: #fff; }}
div {{ position: absolute; top: 10px; width: 64px; height: 64px; font: 48px/64px {font}; color: #000; }}</style>
{cells}"""
CJK_SAMPLE = "黄伟哲台南市"
TOFU = "\u0378"  # unassigned: every font lacks it, so it draws as the missing-glyph box


def draws_cjk(report: Path, folder: Path, env: dict[str, str] | None = None) -> bool:
    """Whether Chromium draws CJK_SAMPLE in the report's own font stack as six distinct inked glyphs, none
    of them the missing-glyph box: tofu draws every character as one identical box."""
    font = re.search(r"font: 14px/1\.4 ([^;]+);", report.read_text(encoding="utf-8")).group(1)
    cells = "".join(f'<div style="left:{10 + 80 * k}px">{c}</div>' for k, c in enumerate(CJK_SAMPLE + TOFU))
    page = folder / "glyphs.html"
    page.write_text(GLYPHS_PAGE.format(font=" ".join(font.split()), cells=cells), encoding="utf-8")
    *glyphs, tofu = glyph_cells(screenshot(page, folder / "glyphs.png", size=(600, 120), env=env), len(CJK_SAMPLE) + 1)
    inked = all(sum(1 for v in g[::3] if v < 128) > 40 for g in glyphs)
    return inked and len(set(glyphs)) == len(glyphs) and tofu not in glyphs


@pytest.fixture(scope="module")
def no_cjk_fonts(tmp_path_factory) -> dict[str, str]:
    """The environment of a machine with one Latin font and no Chinese one (a fontconfig file of its own)."""
    if not shutil.which("fc-list"):
        pytest.skip("no fc-list to find a Latin-only font with")
    listed = {lang: set(subprocess.run(["fc-list", f":lang={lang}", "file"], capture_output=True, text=True,
                                       check=False).stdout.split()) for lang in ("en", "zh")}
    latin = sorted(f.rstrip(":") for f in listed["en"] - listed["zh"] if f.rstrip(":").endswith(".ttf"))
    if not latin:
        pytest.skip("no Latin-only TrueType font to build a machine without Chinese fonts from")
    folder = tmp_path_factory.mktemp("fonts")
    shutil.copy(latin[0], folder / Path(latin[0]).name)
    (folder / "fonts.conf").write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{folder}</dir>'
                                       f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n", encoding="utf-8")
    return {"FONTCONFIG_FILE": str(folder / "fonts.conf")}


def test_chinese_is_drawn_as_glyphs_not_boxes(seeds_out, tmp_path, no_cjk_fonts):
    report = seeds_out / "report.html"
    assert draws_cjk(report, tmp_path), "Chinese renders as boxes (tofu): install a CJK font (fonts-wqy-zenhei)"
    assert not draws_cjk(report, tmp_path, no_cjk_fonts)  # the check sees boxes where there are boxes
    dom = dump_dom(report)
    assert body_attributes(dom)["data-cjk"] == "ok" and '<div id="fontwarn" role="alert" hidden="">' in dom
    dom = dump_dom(report, env=no_cjk_fonts)  # the page itself tells a reader whose machine draws boxes
    assert body_attributes(dom)["data-cjk"] == "tofu"
    assert re.search(r'<div id="fontwarn" role="alert">[^<]*no font for Chinese', dom)
