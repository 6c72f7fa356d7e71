"""Speed and scale: worker processes, the tagging cache and a Dask cluster give the records of one process.

The corpus is the seeds cut at blank lines into one file per paragraph (about 20 k chars in some 60
files), enough for several tasks, so a pool of two really shares the work.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from zhkg import build as zb
from zhkg.cache import TagCache, document_key, pipeline_version
from zhkg.ner.text.reading import Source, iter_sources

REPO = Path(__file__).resolve().parents[1]
COMPARED = ("facts.jsonl", "entities.jsonl", "damage.jsonl", "graph.nt")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("paragraphs")
    n = 0
    for src in iter_sources([str(REPO / "seeds")]):
        for para in src.text.split("\n"):
            if len(para.strip()) >= 40:
                (folder / f"{n:03d}.txt").write_text(para.strip() + "\n", encoding="utf-8")
                n += 1
    assert n > 2 * 16, "the corpus must make more than two tasks"
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in COMPARED}


@pytest.fixture(scope="module")
def one_process(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("j1") / "out"
    summary = zb.build([str(corpus)], out, quiet=True, jobs=1)
    assert summary.workers == {f"{os.uname().nodename}:{os.getpid()}"}
    assert summary.facts > 10
    return out


def test_two_worker_processes_give_the_facts_of_one(corpus, one_process, tmp_path):
    summary = zb.build([str(corpus)], tmp_path / "out", quiet=True, jobs=2)
    assert outputs(tmp_path / "out") == outputs(one_process)
    pids = {int(w.rsplit(":", 1)[1]) for w in summary.workers}
    assert len(pids) == 2 and os.getpid() not in pids


def test_long_documents_are_still_cut_into_pieces_in_the_workers(tmp_path, monkeypatch):
    sentence = "太原市小店区卫健局局长刘海波检查工作。"
    text = "今天天气很好。" * 40 + sentence
    for i in range(3):
        (tmp_path / f"long{i}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(zb, "PIECE_CHARS", 100)
    summary = zb.Summary()
    docs = zb.tag_documents([str(tmp_path)], "rules", summary, progress=False, jobs=2)
    assert [d.name for d in docs] == ["long0.txt", "long1.txt", "long2.txt"]
    for doc in docs:
        (fact,) = doc.facts
        assert text[fact["start"]:fact["end"]] == fact["evidence"] and fact["person"] == "刘海波"


def test_a_rebuild_reuses_the_cache_and_equals_a_build_from_scratch(corpus, one_process, tmp_path):
    cache = tmp_path / "cache"
    first = zb.build([str(corpus)], tmp_path / "a", quiet=True, cache=cache)
    assert "0 document(s) reused" in first.cache
    again = zb.build([str(corpus)], tmp_path / "a", quiet=True, cache=cache)
    assert again.cache.endswith(f": {first.read} document(s) reused, 0 tagged") and not again.workers
    assert outputs(tmp_path / "a") == outputs(one_process)
    assert not list(cache.rglob(".tmp-*")), "entries are moved into place, no temporaries stay"


def test_only_new_and_changed_documents_are_tagged(corpus, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    files = sorted(corpus.iterdir())[:12]
    for f in files:
        (docs / f.name).write_bytes(f.read_bytes())
    cache = tmp_path / "cache"
    zb.build([str(docs)], tmp_path / "out", model="rules", quiet=True, cache=cache)
    (docs / files[3].name).write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    (docs / "new.txt").write_text("臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。", encoding="utf-8")
    summary = zb.build([str(docs)], tmp_path / "out", model="rules", quiet=True, cache=cache)
    assert summary.cache.endswith(": 11 document(s) reused, 2 tagged")
    zb.build([str(docs)], tmp_path / "scratch", model="rules", quiet=True)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "scratch")
    assert "刘海波" in (tmp_path / "out" / "facts.jsonl").read_text(encoding="utf-8")


def test_another_pipeline_version_is_not_read(corpus, tmp_path, monkeypatch):
    docs = [str(p) for p in sorted(corpus.iterdir())[:4]]
    cache = tmp_path / "cache"
    zb.build(docs, tmp_path / "out", model="rules", quiet=True, cache=cache)
    monkeypatch.setattr(zb, "pipeline_version", lambda model, pieces: "another-model-or-lexicon")
    summary = zb.build(docs, tmp_path / "out", model="rules", quiet=True, cache=cache)
    assert summary.cache.endswith(": 0 document(s) reused, 4 tagged")
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        ["v-another-model-or-lexicon", f"v-{pipeline_version('rules', zb.PIECE_CHARS)}"])


def test_a_forged_entry_of_another_version_is_ignored(tmp_path):
    src = Source("a.txt", "a.txt", "太原市小店区卫健局局长刘海波检查工作。", "utf-8", "00")
    key = document_key(src)
    old, new = TagCache(tmp_path, "old"), TagCache(tmp_path, "new")
    entry = {"doc": "a.txt", "person": "假人", "role": "局长", "unit": None, "city": None, "city_code": None,
             "city_key": None, "status": "current", "date": None, "home_city": None, "sentence": 0,
             "evidence": "局长刘海波", "start": 9, "end": 14, "person_start": 11, "person_end": 14,
             "person_text": "刘海波", "rule": "apposition", "confidence": 0.9}  # a whole fact: only its version is off
    old.put(key, zb.DocResult("a.txt", "a.txt", 1, None, None, None, facts=[entry]))
    path = new.folder / key[:2] / f"{key}.json"
    path.parent.mkdir(parents=True)
    path.write_text((old.folder / key[:2] / f"{key}.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert old.get(key).facts == [entry]
    assert new.get(key) is None and new.corrupt == 1


def test_a_corrupt_entry_is_tagged_again_never_fatal(corpus, tmp_path):
    docs = [str(p) for p in sorted(corpus.iterdir())[:3]]
    cache = tmp_path / "cache"
    zb.build(docs, tmp_path / "out", model="rules", quiet=True, cache=cache)
    before = outputs(tmp_path / "out")
    entries = sorted(cache.rglob("*.json"))
    entries[0].write_bytes(b'{"version": "')  # cut short, as by a full disk
    entries[1].write_text(json.dumps({"version": "x"}), encoding="utf-8")
    summary = zb.build(docs, tmp_path / "out", model="rules", quiet=True, cache=cache)
    assert summary.cache.endswith(": 1 document(s) reused, 2 tagged, 2 unreadable entries re-tagged")
    assert outputs(tmp_path / "out") == before
    assert zb.build(docs, tmp_path / "out", model="rules", quiet=True, cache=cache).cache.endswith(
        ": 3 document(s) reused, 0 tagged")


def test_an_unwritable_cache_costs_speed_not_the_build(corpus, tmp_path):
    (tmp_path / "a-file").write_text("x")
    docs = [str(p) for p in sorted(corpus.iterdir())[:2]]
    summary = zb.build(docs, tmp_path / "out", model="rules", quiet=True, cache=tmp_path / "a-file" / "cache")
    assert summary.facts >= 0 and (tmp_path / "out" / "facts.jsonl").exists()
    assert any("not written" in note for note in summary.notes)


def test_the_cli_caches_beside_out_unless_told_not_to(tmp_path):
    from zhkg.cli import main

    (tmp_path / "a.txt").write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    assert main(["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--model", "rules", "--quiet"]) == 0
    assert list((tmp_path / ".out.zhkg-cache").rglob("*.json"))
    assert main(["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o2"), "--model", "rules", "--quiet",
                 "--no-cache", "--jobs", "2"]) == 0
    assert not (tmp_path / ".o2.zhkg-cache").exists()


def test_a_dask_cluster_gives_the_local_facts_and_does_the_work(corpus, one_process, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        summary = zb.build([str(corpus)], tmp_path / "out", quiet=True, scheduler=cluster.scheduler_address)
        worker_pids = set(client.run(os.getpid).values())
    assert outputs(tmp_path / "out") == outputs(one_process)
    pids = {int(w.rsplit(":", 1)[1]) for w in summary.workers}
    assert pids and pids <= worker_pids and os.getpid() not in pids


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("zhkg.cluster.CONNECT_TIMEOUT", 2.0)
    (tmp_path / "a.txt").write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    with pytest.raises(zb.BuildError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
        zb.build([str(tmp_path / "a.txt")], tmp_path / "out", model="rules", quiet=True,
                 scheduler="tcp://127.0.0.1:9")


def test_an_unknown_model_with_workers_is_one_line(corpus, tmp_path):
    with pytest.raises(zb.BuildError, match=r"^cannot load model 'nosuchmodel': \[E050\]"):
        zb.build([str(corpus)], tmp_path / "out", model="nosuchmodel", quiet=True, jobs=2)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_workers_of_a_killed_build_do_not_outlive_it(corpus, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    proc = subprocess.Popen([sys.executable, "-m", "zhkg.cli", "build", str(corpus), "--out", str(tmp_path / "out"),
                             "--quiet", "--jobs", "2", "--no-cache", "--model", "rules"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: list = []
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in psutil.Process(proc.pid).children() if "python" in c.name()]
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started its workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    _, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive, "pool workers outlived the build they worked for"


def test_a_cache_inside_out_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    with pytest.raises(zb.BuildError, match="lies inside OUT"):
        zb.build([str(tmp_path / "a.txt")], tmp_path / "out", model="rules", quiet=True, cache=tmp_path / "out" / "c")
