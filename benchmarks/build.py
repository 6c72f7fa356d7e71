"""Build benchmark (a script that prints figures, not a test): zhkg against a dictionary tagger.

    python -m benchmarks.build --corpus DIR [--limit 400] [--jobs 1 2] [--cache] [--baseline]
                         [--scheduler tcp://HOST:PORT] [--rounds 2] [--model NAME|rules]
    python -m benchmarks.build [PATHS...] [--model NAME|rules] [--repeat-to CHARS]

Compare mode times whole `zhkg build` runs, each in a fresh process as a user runs it (start-up and
pipeline load included), against the baseline a user would otherwise reach for: OpenCC t2s and
jieba.posseg over the same files, also in a fresh process. The runs alternate (A B C A B C ...) so
that load from other users of a shared machine falls on all of them alike; it prints medians, the
ratio to the baseline (≥ 1.0× is as fast), chars/s and the peak RSS of any one process (the build's
or one of its workers'). `--cache` adds a first build that fills a cache, an unchanged rebuild and a
rebuild with 2% new files; every zhkg run's facts.jsonl is checked against the one-process build.

Stages mode (no --corpus) shows where one process spends a build: the pipeline's load, tagging plus
relation rules, the graph and the exports, on the seeds repeated to about 1 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(REPO / "seeds")], help="stages mode: inputs (default: seeds)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--repeat-to", type=int, default=1_000_000, help="stages mode: repeat the inputs to this many chars")
    ap.add_argument("--corpus", default=None, help="compare mode: zhkg build against the baseline on these files")
    ap.add_argument("--limit", type=int, default=400, help="compare mode: the first N files of the corpus")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="compare mode: --jobs values to time")
    ap.add_argument("--cache", action="store_true", help="compare mode: also time rebuilds with the cache")
    ap.add_argument("--baseline", action="store_true", help="compare mode: also time jieba.posseg + OpenCC")
    ap.add_argument("--scheduler", default=None, help="compare mode: also time a build on this Dask scheduler")
    ap.add_argument("--rounds", type=int, default=2, help="compare mode: rounds of A B A B (medians)")
    ap.add_argument("--scale", default=None, metavar="JSONL_GZ",
                    help="scaling mode: builds of growing prefixes of a .jsonl.gz corpus ({id, text} per line)")
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 4, 36.5],
                    help="scaling mode: millions of characters per build")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--list", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return compare_child(args)
    if args.scale:
        return scale(args)
    if args.corpus:
        return compare(args)
    return stages(args)


def stages(args: argparse.Namespace) -> int:
    """Where one process spends a build: load, tagging, graph and exports (the seeds, repeated)."""
    from zhkg.build import write_outputs
    from zhkg.ner.extract import run
    from zhkg.ner.pipeline import load_pipeline
    from zhkg.ner.text.reading import Source, iter_sources

    sources = [s for s in iter_sources(args.paths) if isinstance(s, Source)]
    corpus, total, k = [], 0, 0
    while sources and total < args.repeat_to:
        s = sources[k % len(sources)]
        corpus.append(Source(f"{k:05d}_{s.name}", s.path, s.text, s.encoding))
        total += len(s.text)
        k += 1

    started = time.perf_counter()
    nlp = load_pipeline(args.model, fold=False)  # `run` folds as it normalizes, as the build does
    loaded = time.perf_counter()
    documents = list(run(nlp, corpus))
    tagged = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        write_outputs(documents, Path(out))
    written = time.perf_counter()
    facts = sum(len(d.facts) for d in documents)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pipeline: {', '.join(nlp.pipe_names)}")
    print(f"documents {len(corpus)}, characters {total:,}, facts {facts:,}")
    print(f"load            {loaded - started:6.2f} s")
    print(f"tag + relations {tagged - loaded:6.2f} s  {total / (tagged - loaded):10,.0f} chars/s")
    print(f"graph + exports {written - tagged:6.2f} s  {total / (written - tagged):10,.0f} chars/s")
    print(f"end to end      {written - started:6.2f} s  {total / (written - started):10,.0f} chars/s")
    print(f"peak memory     {peak:6.0f} MB")
    return 0


def compare_child(args: argparse.Namespace) -> int:
    """One timed run, in its own process; prints its characters and peak RSS as JSON."""
    files = Path(args.list).read_text(encoding="utf-8").splitlines()
    chars = 0
    if args.child == "baseline":  # stock jieba: this process imports nothing of zhkg's (no fast_jieba)
        import jieba
        import jieba.posseg
        import opencc

        assert jieba.posseg.viterbi.__module__ == "jieba.posseg.viterbi", "the baseline must run stock jieba"
        jieba.initialize()
        t2s = opencc.OpenCC("t2s")
        words = 0
        for f in files:
            text = t2s.convert(Path(f).read_text(encoding="utf-8"))
            chars += len(text)
            words += sum(1 for _ in jieba.posseg.cut(text))
    else:
        from zhkg.build import build

        summary = build(files, args.out, model=args.model, quiet=True, jobs=int(args.child),
                        cache=args.cache_dir or None, scheduler=args.scheduler)
        chars = summary.chars
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if args.scheduler:  # the cluster's workers are no children of this process: ask them
        from distributed import Client

        with Client(args.scheduler) as client:
            children = max(client.run(_peak_mb).values())
    print(json.dumps({"chars": chars, "peak_mb": max(own, children)}))
    return 0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(kind: str, files: list[str], work: Path, args: argparse.Namespace, out: str = "out",
           cache: Path | None = None, scheduler: str | None = None) -> dict:
    listing = work / f"{out}.list"
    listing.write_text("\n".join(files), encoding="utf-8")
    cmd = [sys.executable, "-m", "benchmarks.build", "--child", kind, "--list", str(listing), "--out", str(work / out)]
    cmd += ["--model", args.model] if args.model else []
    cmd += ["--cache-dir", str(cache)] if cache else []
    cmd += ["--scheduler", scheduler] if scheduler else []
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=_child_env())
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: {kind} run failed:\n{done.stderr[-2000:]}")
    return {"wall": wall, **json.loads(done.stdout.strip().splitlines()[-1])}


def _child_env() -> dict[str, str]:
    """The child runs `-m benchmarks.build` from wherever the user stands: the checkout goes on its path,
    since `benchmarks/` is a folder of the checkout, not an installed package."""
    paths = [str(REPO), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def compare(args: argparse.Namespace) -> int:
    """Alternating rounds of every configuration on the same files; a table of medians."""
    everything = sorted(str(p) for p in Path(args.corpus).rglob("*") if p.suffix in (".txt", ".md"))
    files = everything[:args.limit]
    extra = everything[args.limit:args.limit + max(1, args.limit // 50)]  # +2% new files
    configs: list[tuple[str, dict]] = []
    if args.baseline:
        configs.append(("jieba.posseg + OpenCC baseline", {"kind": "baseline"}))
    for j in args.jobs:
        configs.append((f"zhkg build --jobs {j}", {"kind": str(j), "out": f"j{j}"}))
    if args.scheduler:
        configs.append(("zhkg build --scheduler (Dask)", {"kind": "1", "out": "dask", "scheduler": args.scheduler}))
    top = str(max(args.jobs))
    with tempfile.TemporaryDirectory(prefix="zhkg-bench-") as tmp:
        work = Path(tmp)
        times: dict[str, list[dict]] = {name: [] for name, _ in configs}
        if args.cache:
            fill = _timed(top, files, work, args, out="fill", cache=work / "cache")
            shutil.copytree(work / "cache", work / "cache-400")
            times["zhkg build --cache, first build (fills it)"] = [fill]
            configs += [("zhkg rebuild, unchanged (cache)", {"kind": top, "out": "same", "cache": "cache-400"}),
                        (f"zhkg rebuild, +{len(extra)} new files (cache)", {"kind": top, "out": "new", "cache": "new"})]
            times.update({name: [] for name, _ in configs[-2:]})
        for _ in range(args.rounds):
            for name, c in configs:
                cache = None
                if c.get("cache") == "new":
                    shutil.rmtree(work / "cache-new", ignore_errors=True)
                    shutil.copytree(work / "cache-400", work / "cache-new")
                    cache = work / "cache-new"
                elif c.get("cache"):
                    cache = work / c["cache"]
                run_files = files + extra if c.get("cache") == "new" else files
                times[name].append(_timed(c["kind"], run_files, work, args, out=c.get("out", "base"), cache=cache,
                                          scheduler=c.get("scheduler")))
        reference = work / f"j{args.jobs[0]}" / "facts.jsonl"
        same = {out: (work / out / "facts.jsonl").read_bytes() == reference.read_bytes()
                for out in ("j2", "dask", "fill", "same") if (work / out / "facts.jsonl").exists()}
    base = statistics.median(r["wall"] for r in times.get("jieba.posseg + OpenCC baseline", [])) \
        if args.baseline else None
    full = statistics.median(r["wall"] for r in times[f"zhkg build --jobs {args.jobs[0]}"])
    chars = times[f"zhkg build --jobs {args.jobs[0]}"][0]["chars"]
    print(f"{len(files)} files, {chars:,} chars, {args.rounds} alternating round(s), medians; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print("| run | wall s | chars/s | speed vs baseline | vs first zhkg run | peak RSS of a process |")
    print("|---|---|---|---|---|---|")
    for name, runs in times.items():
        wall = statistics.median(r["wall"] for r in runs)
        ratio = f"{base / wall:.2f}×" if base else "-"
        rel = f"{wall / full:.0%}" if not name.startswith("jieba") else "-"
        peak = max(r["peak_mb"] for r in runs)
        print(f"| {name} | {wall:.1f} | {runs[0]['chars'] / wall:,.0f} | {ratio} | {rel} | {peak:,.0f} MB |")
    for out, ok in same.items():
        print(f"facts.jsonl of {out}: {'identical to' if ok else 'DIFFERENT from'} --jobs {args.jobs[0]}")
    return 0


def scale(args: argparse.Namespace) -> int:
    """One `zhkg build --jobs N` (no cache) per size: the first documents of the corpus up to that many
    characters, unpacked into files; wall time, chars/s and the peak RSS of any one process."""
    import gzip

    jobs = max(args.jobs)
    print(f"| chars | documents | wall s | chars/s | facts | peak RSS of a process |  (--jobs {jobs}, {os.cpu_count()} cores)")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="zhkg-scale-") as tmp:
        work = Path(tmp)
        files, chars = [], 0
        with gzip.open(args.scale, "rt", encoding="utf-8") as corpus:
            lines = iter(corpus)
            for size in sorted(args.sizes):
                for line in lines:
                    row = json.loads(line)
                    path = work / "docs" / f"{len(files):06d}_{row['id']}.txt"
                    path.parent.mkdir(exist_ok=True)
                    path.write_text(row["text"], encoding="utf-8")
                    files.append(str(path))
                    chars += len(row["text"])
                    if chars >= size * 1e6:
                        break
                run = _timed(str(jobs), files, work, args, out="scale")
                facts = (work / "scale" / "facts.jsonl").read_text(encoding="utf-8").count("\n")
                print(f"| {run['chars']:,} | {len(files):,} | {run['wall']:.1f} | {run['chars'] / run['wall']:,.0f} | "
                      f"{facts:,} | {run['peak_mb']:,.0f} MB |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
