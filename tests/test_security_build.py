"""`zhkg build` against what issue 16's security review found: cache entries forged or malformed, a
1 GiB input, two files of one name, worker counts and limits out of range, a full disk, OUT as a
symlink. Each ends as a one-line message or a note, never a traceback, and no forged fact is published."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhkg import build as zb
from zhkg.cache import KEY_FILE, TagCache, document_key
from zhkg.ner.extract import DocResult
from zhkg.ner.text.reading import Skipped, Source, iter_sources, unique_names

LIU = "太原市小店区卫健局局长刘海波检查工作。\n"
WANG = "太原市小店区卫健局局长王建国检查工作。\n"
ZHANG = "晋城市城区北石店镇党委书记张志刚主持会议。\n"
HUANG = "臺南市長黃偉哲今天表示，民政局長姜淋煌將出席。\n"
REPO = Path(__file__).resolve().parents[1]

# Runs `zhkg build` and prints this process's peak RSS (kB) as the last line of stderr; with FSIZE,
# files may grow to that many bytes at most and writes past it fail with EFBIG (SIGXFSZ ignored).
RUNNER = """
import os, resource, signal, sys
fsize = int(os.environ.get("FSIZE", "0"))
if fsize:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
from zhkg.cli import main
rc = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(rc)
"""


def zhkg(*args: str, fsize: int = 0) -> tuple[int, list[str], int]:
    """(exit status, stderr lines, peak RSS in kB) of `zhkg ARGS` in a process of its own."""
    env = {**os.environ, "FSIZE": str(fsize)}
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, timeout=300, check=False,
                          env=env)
    lines = done.stderr.decode("utf-8", errors="replace").splitlines()
    rss = int(lines.pop()) if lines and lines[-1].isdigit() else 0
    return done.returncode, lines, rss


def build(*args: str, fsize: int = 0) -> tuple[int, list[str], int]:
    return zhkg("build", *args, "--model", "rules", fsize=fsize)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def write_docs(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# -- 7. cache entries are signed and checked; what fails is tagged again, with a note


def _entries(cache: Path) -> dict[str, tuple[Path, dict]]:
    """The cache's entries by their document's name."""
    found = {}
    for path in cache.rglob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        found[entry["record"]["name"]] = (path, entry)
    return found


def _resign(cache: Path, entry: dict, record: dict) -> None:
    """Store `record` under `entry`'s key signed with the cache's real key: a forger who can read the
    key, or a bug, so that only the check of the record's shape stands between it and the outputs."""
    TagCache(cache, entry["version"]).put(entry["key"], DocResult(**record))


def test_forged_and_malformed_cache_entries_are_tagged_again_and_nothing_forged_is_published(tmp_path):
    docs = write_docs(tmp_path / "in", {"a.txt": LIU, "b.txt": WANG, "c.txt": ZHANG, "d.txt": HUANG})
    cache, out = tmp_path / "cache", tmp_path / "out"
    rc, lines, _ = build(str(docs), "--out", str(out), "--cache", str(cache), "--quiet")
    assert rc == 0, lines
    clean = rows(out / "facts.jsonl")
    entries = _entries(cache)
    path, entry = entries["a.txt"]  # a fact changed, the signature left as it was
    entry["record"]["facts"][0]["person"] = "假人"
    path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    path, entry = entries["b.txt"]
    _resign(cache, entry, {**entry["record"], "facts": [{**entry["record"]["facts"][0], "start": "abc"}]})
    path, entry = entries["c.txt"]
    _resign(cache, entry, {**entry["record"], "facts": [{}]})
    path, entry = entries["d.txt"]  # a lone surrogate, as JSON may carry it
    person = json.dumps({"person": entry["record"]["facts"][0]["person"]}, ensure_ascii=False)[1:-1]
    text = path.read_text(encoding="utf-8").replace(person.replace(" ", ""), '"person":"\\ud800"', 1)
    assert "\\ud800" in text
    path.write_text(text, encoding="utf-8")

    rc, lines, _ = build(str(docs), "--out", str(out), "--cache", str(cache))
    assert rc == 0, lines
    assert not any("Traceback" in line for line in lines)
    assert any("4 cache entries failed validation" in line and "re-tagged" in line for line in lines), lines
    assert any(line.endswith(": 0 document(s) reused, 4 tagged") for line in lines), lines
    assert rows(out / "facts.jsonl") == clean
    for name, data in snapshot(out).items():
        assert "假人".encode() not in data, name
    rc, lines, _ = build(str(docs), "--out", str(out), "--cache", str(cache))
    assert any(line.endswith(": 4 document(s) reused, 0 tagged") for line in lines), lines  # rewritten whole


def _source(name: str = "a.txt", text: str = LIU) -> Source:
    return Source(name, name, text, "utf-8", "0123456789abcdef")


def _record(src: Source, **facts: object) -> DocResult:
    fact = {"doc": src.name, "doc_hash": src.digest, "person": "刘海波", "role": "局长", "unit": "卫健局",
            "city": "太原市", "city_code": None, "city_key": None, "status": "current", "date": None,
            "home_city": None, "sentence": 0, "evidence": "局长刘海波", "start": 9, "end": 14,
            "person_start": 11, "person_end": 14, "person_text": "刘海波", "rule": "apposition", "confidence": 0.9}
    return DocResult(src.name, src.path, len(src.text), None, None, None, facts=[fact | facts], digest=src.digest)


@pytest.mark.parametrize("change", [{"start": 14, "end": 9}, {"end": 10_000}, {"start": True}, {"doc": "b.txt"},
                                    {"person": None}, {"confidence": "high"}, {"extra": {"nested": 1}}])
def test_a_signed_record_of_the_wrong_shape_is_a_miss(tmp_path, change):
    src = _source()
    cache = TagCache(tmp_path, "v1")
    cache.put(document_key(src), _record(src))
    assert cache.get(document_key(src), src).facts == _record(src).facts  # the shape the build writes passes
    cache.put(document_key(src), _record(src, **change))
    assert cache.get(document_key(src), src) is None
    assert cache.invalid == 1 and "1 cache entry failed validation" in cache.warning()


def test_the_record_of_another_document_under_its_key_is_a_miss(tmp_path):
    a, b = _source("a.txt"), _source("b.txt")
    cache = TagCache(tmp_path, "v1")
    cache.put(document_key(a), _record(b))
    assert cache.get(document_key(a), a) is None and cache.invalid == 1


def test_a_key_file_others_may_read_or_that_is_a_link_is_refused(tmp_path):
    src = _source()
    cache = TagCache(tmp_path / "c", "v1")
    cache.put(document_key(src), _record(src))
    key = cache.folder / KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    again = TagCache(tmp_path / "c", "v1")
    assert again.get(document_key(src), src) is None
    again.put(document_key(src), _record(src))
    assert "not a private file" in again.write_error
    key.chmod(0o600)
    os.rename(key, tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", key)
    linked = TagCache(tmp_path / "c", "v1")
    assert linked.get(document_key(src), src) is None and linked.hits == 0


def test_another_key_makes_every_entry_a_miss(tmp_path):
    src = _source()
    TagCache(tmp_path, "v1").put(document_key(src), _record(src))
    (tmp_path / "v-v1" / KEY_FILE).unlink()  # a new key is made at the next use: the old signatures fail
    cache = TagCache(tmp_path, "v1")
    assert cache.get(document_key(src), src) is None and cache.invalid == 1


# -- 9. a file too large is skipped by its size, unread


def test_a_1_gib_sparse_file_is_skipped_unread_and_costs_no_memory(tmp_path):
    docs = write_docs(tmp_path / "in", {"good.txt": LIU})
    rc, lines, baseline = build(str(docs), "--out", str(tmp_path / "o1"), "--no-cache")
    assert rc == 0, lines
    with open(docs / "huge.txt", "wb") as f:
        f.truncate(1 << 30)  # 1 GiB that takes no disk
    rc, lines, peak = build(str(docs), "--out", str(tmp_path / "o2"), "--no-cache")
    assert rc == 0, lines
    (skip,) = [line for line in lines if line.startswith("zhkg: skipped")]
    assert "huge.txt: too large: 1,073,741,824 bytes > 20,000,003" in skip
    assert [f["person"] for f in rows(tmp_path / "o2" / "facts.jsonl")] == ["刘海波"]
    assert peak - baseline < 64 * 1024, (peak, baseline)  # kB: reading it would cost over 1 GiB


def test_no_read_takes_more_than_the_limit_whatever_the_size_says(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"x" * 100)
    (skip,) = iter_sources([str(tmp_path / "a.txt")], max_chars=10)
    assert isinstance(skip, Skipped) and skip.reason.startswith("too large: 100 bytes > 43")
    (proc,) = iter_sources(["/proc/self/maps"], max_chars=10)  # claims 0 bytes, holds more
    assert isinstance(proc, Skipped) and proc.reason.startswith("too large: more than 43 bytes")
    (whole,) = iter_sources([str(tmp_path / "a.txt")], max_chars=25)  # 4 bytes a char: 100 bytes may be 25
    assert isinstance(whole, Source) and whole.text == "x" * 100


# -- 11. two files of one name are named apart in every output


def test_files_of_one_name_in_two_inputs_are_named_apart_in_every_output(tmp_path):
    a = write_docs(tmp_path / "a", {"art.txt": LIU})
    b = write_docs(tmp_path / "b", {"art.txt": WANG})
    other = write_docs(tmp_path / "c", {"solo.txt": ZHANG})
    out = tmp_path / "out"
    rc, lines, _ = build(str(a), str(b), str(other / "solo.txt"), "--out", str(out), "--quiet", "--no-cache")
    assert rc == 0, lines
    facts = {f["person"]: f["doc"] for f in rows(out / "facts.jsonl")}
    assert facts == {"刘海波": "a/art.txt", "王建国": "b/art.txt", "张志刚": "solo.txt"}  # no clash: bare name
    csv = (out / "facts.csv").read_text(encoding="utf-8-sig").splitlines()
    assert {line.split(",")[0] for line in csv[1:]} == {"a/art.txt", "b/art.txt", "solo.txt"}
    assert {e["doc"] for e in rows(out / "entities.jsonl")} == {"a/art.txt", "b/art.txt", "solo.txt"}


def test_names_grow_by_the_folders_that_tell_them_apart(tmp_path):
    x = write_docs(tmp_path / "x" / "data" / "2020", {"art.txt": LIU})
    y = write_docs(tmp_path / "y" / "data" / "2020", {"art.txt": WANG})
    same = write_docs(tmp_path / "z" / "data" / "2020", {"art.txt": LIU})  # the bytes of x's: built once
    items = list(iter_sources([str(x.parent), str(y.parent), str(same.parent)]))
    assert [i.name for i in items] == ["x/data/2020/art.txt", "y/data/2020/art.txt"]
    assert unique_names([("/b/art.txt", "art.txt"), ("/x/b/art.txt", "art.txt")]) == \
        [("b/art.txt", False), ("x/b/art.txt", False)]
    assert unique_names([("-", "-"), ("/-", "-")]) == [("-", True), ("-", True)]  # nothing tells them apart


# -- 10. limits out of range, a full disk, OUT as a symlink


def test_jobs_beyond_the_cores_are_capped_and_said(tmp_path):
    docs = write_docs(tmp_path / "in", {f"{i:02d}.txt": (LIU, WANG, ZHANG)[i % 3] for i in range(40)})
    cores = len(os.sched_getaffinity(0))
    rc, lines, _ = build(str(docs), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "200")
    assert rc == 0, lines
    assert f"zhkg: --jobs 200 capped at {cores}: this machine lets the build use {cores} core(s)" in lines
    assert f"zhkg: tagged in {min(cores, 3)} process(es)" in lines  # 40 documents make 3 tasks


@pytest.mark.parametrize("option", [("--jobs", "0"), ("--jobs", "-3"), ("--max-chars", "-1"), ("--max-chars", "x")])
def test_a_count_that_is_not_positive_is_one_usage_error(tmp_path, option):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    rc, lines, _ = build(str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), *option)
    errors = [line for line in lines if line.startswith("zhkg build: error:")]
    named = f"{option[0]}/-j" if option[0] == "--jobs" else option[0]
    assert rc == 2 and errors == [f"zhkg build: error: argument {named}: {option[1]} is not a positive whole number"]
    assert not (tmp_path / "out").exists()


def _full_disk_build(out: Path, fsize: int = 0) -> tuple[int, list[str]]:
    rc, lines, _ = build(str(REPO / "seeds"), "--out", str(out), "--no-cache", "--quiet", fsize=fsize)
    return rc, lines


def _assert_one_line_and_old_out_whole(out: Path, before: dict, rc: int, lines: list[str], reason: str) -> None:
    assert rc == 1 and lines == [f"zhkg build: cannot write outputs to {out}: {reason}"], lines
    assert snapshot(out) == before
    assert not list(out.parent.glob(f".{out.name}.zhkg-*")), "staging folder or lock left behind"


def test_a_file_size_limit_hit_while_streaming_is_one_line_and_old_out_stays(tmp_path):
    out = tmp_path / "out"
    rc, lines, _ = build(str(write_docs(tmp_path / "in", {"a.txt": LIU})), "--out", str(out), "--no-cache")
    assert rc == 0, lines
    before = snapshot(out)
    rc, lines = _full_disk_build(out, fsize=16 * 1024)  # entities.jsonl of the seeds: ~100 kB
    _assert_one_line_and_old_out_whole(out, before, rc, lines, "File too large")


def test_a_full_disk_while_streaming_is_one_line_and_old_out_stays(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                                           capture_output=True, check=False).returncode:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        out = mount / "out"
        rc, lines, _ = build(str(write_docs(tmp_path / "in", {"a.txt": LIU})), "--out", str(out), "--no-cache")
        assert rc == 0, lines
        before = snapshot(out)
        free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
        with open(mount / "filler", "wb") as f:  # leave 32 kB: the rows of the seeds need ~120 kB
            f.write(b"\0" * (free - 32 * 1024))
        rc, lines = _full_disk_build(out)
        _assert_one_line_and_old_out_whole(out, before, rc, lines, "No space left on device")
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_out_given_as_a_symlink_is_built_into_its_target_and_the_link_kept(tmp_path):
    docs = write_docs(tmp_path / "in", {"a.txt": LIU})
    (tmp_path / "builds").mkdir()
    link = tmp_path / "out"
    link.symlink_to("builds/one")  # not there yet: the first build makes it
    zb.build([str(docs)], link, model="rules", quiet=True)
    (docs / "a.txt").write_text(WANG, encoding="utf-8")
    zb.build([str(docs)], str(link) + "/", model="rules", quiet=True)  # again, named with a slash
    assert link.is_symlink() and os.readlink(link) == "builds/one"
    assert [f["person"] for f in rows(tmp_path / "builds" / "one" / "facts.jsonl")] == ["王建国"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["builds", "in", "out"]
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == ["one"]
