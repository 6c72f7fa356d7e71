"""How fast report.html opens: a synthetic build of N facts (default 10,000), or a report given.

    python -m benchmarks.report              # 10,000 synthetic facts, 3 runs
    python -m benchmarks.report --report OUT/report.html

Each run starts headless Chromium on the page without virtual time, so `--dump-dom` returns after the
page's load event; the page draws synchronously before it. The page itself measures, from navigation
start: `data-ready-ms` (graph drawn, first page of the table laid out) and `data-load-ms` (the load
event: everything parsed and drawn) — the time a user waits. The wall time of the whole browser
process (start-up and the DOM dump included) is printed too, as an upper bound.
Synthetic facts are shaped like real ones: Chinese names, units of real counties (so the place
chains and city filters are as deep as in a real build), a few posts per person, many per unit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.browser import _run, body_attributes, page_url
from zhkg.exports.report import write_report
from zhkg.graph.build import build_graph
from zhkg.ner.extract import DocResult
from zhkg.ner.places.gazetteer import load_gazetteer

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯俊峰晨辉鹏"
_UNITS = ("公安局", "民政局", "教育局", "财政局", "卫生健康委员会", "人民医院", "第一中学", "交通运输局",
          "市场监督管理局", "农业农村局", "住房和城乡建设局", "文化和旅游局", "人民法院", "人民检察院")
_ROLES = ("局长", "副局长", "主任", "副主任", "书记", "副书记", "院长", "校长", "检察长", "委员")


def synthetic_documents(n_facts: int = 10_000, facts_per_doc: int = 20, seed: int = 7) -> list[DocResult]:
    """DocResults holding `n_facts` facts in the shape `zhkg.ner.extract.records` gives."""
    rng = random.Random(seed)
    gaz = load_gazetteer()
    counties = sorted((d for d in gaz.by_key.values() if d.level == "county"), key=lambda d: d.key)
    counties = rng.sample(counties, 60)
    people = [(rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2)))), rng.choice(counties))
              for _ in range(n_facts // 3)]
    docs = []
    for d in range(0, n_facts, facts_per_doc):
        name = f"synthetic-{d // facts_per_doc:05d}.txt"
        date = f"2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        facts = []
        for k in range(min(facts_per_doc, n_facts - d)):
            person, county = rng.choice(people)
            unit, role = county.name + rng.choice(_UNITS), rng.choice(_ROLES)
            evidence = f"{unit}{role}{person}"
            start = 40 * k
            facts.append({"doc": name, "person": person, "role": role, "unit": unit, "city": county.name,
                          "city_code": county.code, "city_key": county.key, "status": "current", "date": date,
                          "home_city": county.name, "sentence": k, "evidence": evidence,
                          "evidence_repaired": evidence, "start": start,
                          "end": start + len(evidence), "person_start": start + len(evidence) - len(person),
                          "person_end": start + len(evidence), "person_text": person, "rule": "apposition",
                          "confidence": 0.9})
        docs.append(DocResult(name, name, 40 * facts_per_doc, date, None, None, facts=facts))
    return docs


def time_report(path: str | Path, runs: int = 3) -> list[tuple[float, int, int]]:
    """(wall seconds, data-load-ms, data-nodes) of each run of headless Chromium on the page."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = _run(["--dump-dom", page_url(path)], timeout=300)
        wall = time.perf_counter() - t0
        body = body_attributes(done.stdout.decode("utf-8", errors="replace"))
        if "data-nodes" not in body:
            raise RuntimeError("the page did not finish drawing before its load event")
        out.append((wall, int(body.get("data-load-ms", -1)), int(body["data-nodes"])))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--facts", type=int, default=10_000, help="number of synthetic facts (default 10,000)")
    ap.add_argument("--report", type=Path, default=None, help="time this report.html instead of a synthetic one")
    ap.add_argument("--runs", type=int, default=3, help="browser runs (default 3)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhkg-bench-report-") as tmp:
        path = args.report
        if path is None:
            docs = synthetic_documents(args.facts)
            path = Path(tmp) / "report.html"
            write_report(build_graph(docs), docs, path)
            print(f"synthetic report: {args.facts:,} facts, {path.stat().st_size / 1e6:.1f} MB")
        else:
            print(f"report {path}: {path.stat().st_size / 1e6:.1f} MB")
        results = time_report(path, args.runs)
    for wall, load, nodes in results:
        print(f"  loaded and drawn {load / 1000:.2f} s after navigation ({nodes} nodes); "
              f"browser process {wall:.2f} s")
    print(f"median: loaded and drawn {statistics.median(r for _, r, _ in results) / 1000:.2f} s, "
          f"browser process {statistics.median(w for w, _, _ in results):.2f} s")


if __name__ == "__main__":
    main()
