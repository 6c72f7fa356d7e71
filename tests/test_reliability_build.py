"""`zhkg build` as a careless or hostile user meets it: bad paths, unreadable folders, files that share
a name, damaged bytes, builds that are killed or run twice at once. No bad input costs the batch, no
document is lost, and OUT always holds the outputs of one whole run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from zhkg.build import OUTPUTS
from zhkg.exports import validate_graphml, write_gexf, write_graphml
from zhkg.ner.text.reading import Skipped, Source, iter_sources
from zhkg.outdir import MANIFEST, OutputSet

REPO = Path(__file__).resolve().parents[1]
LIU = "太原市小店区卫健局局长刘海波检查工作。\n"
WANG = "太原市小店区卫健局局长王建国检查工作。\n"


def zhkg(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", *args], capture_output=True, timeout=timeout,
                          check=False)


def build(*args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    done = zhkg("build", *args, "--model", "rules", "--quiet")
    return done, done.stderr.decode("utf-8", errors="replace").splitlines()


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- 8. a bad path is one skip line, and the batch goes on


def test_bad_paths_cost_one_line_each(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(LIU, encoding="utf-8")
    os.symlink("loop.txt", src / "loop.txt")  # a symlink to itself
    (src / "bad\x01name.txt").write_text(WANG, encoding="utf-8")
    with open(os.path.join(os.fsencode(src), b"gbk-\xb9\xfa.txt"), "wb") as f:  # a name that is not UTF-8
        f.write(WANG.encode("utf-8"))
    long_name = str(tmp_path / ("长" * 90 + ".txt"))  # 270 bytes: over the 255 a name may have
    enotdir = str(src / "good.txt" / "x.txt")
    out = tmp_path / "out"
    done, lines = build(str(src), enotdir, long_name, "--out", str(out))
    assert done.returncode == 0, lines
    assert not any("Traceback" in line for line in lines)
    skipped = [line for line in lines if line.startswith("zhkg: skipped ")]
    assert len(skipped) == 5, skipped
    reasons = " | ".join(skipped)
    for expected in ("symlink loop", "a part of the path is a file", "name too long", "control characters",
                     "not valid UTF-8"):
        assert expected in reasons
    assert "\\x01" in reasons and "\\xb9\\xfa" in reasons  # the names are printed, escaped
    assert [f["person"] for f in rows(out / "facts.jsonl")] == ["刘海波"]


def test_xml_illegal_characters_are_dropped_from_graphml_and_gexf_with_offsets_kept(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("Person/王\uffff诚\x01", type="Person", label="王\uffff诚\x01", evidence="书记\x0b王诚", start=5, end=9)
    G.add_node("Role/书记", type="Role", label="书记")
    G.add_edge("Person/王\uffff诚\x01", "Role/书记", key="role", label="role", evidence="\ufffe书记")
    write_graphml(G, tmp_path / "g.graphml")
    write_gexf(G, tmp_path / "g.gexf")
    assert validate_graphml(tmp_path / "g.graphml") == []
    back = nx.read_graphml(tmp_path / "g.graphml")
    (person,) = [d for _, d in back.nodes(data=True) if d["type"] == "Person"]
    assert person["label"] == "王诚" and person["evidence"] == "书记王诚"
    assert (person["evidence_start"], person["evidence_end"]) == (5, 9)  # offsets into the original kept
    gexf = nx.read_gexf(tmp_path / "g.gexf")
    # the id escapes what XML cannot carry (never drops it: two keys differing there stay two nodes)
    assert "Person/王\\uffff诚\\u0001" in gexf and etree.parse(str(tmp_path / "g.gexf")) is not None


def test_a_text_with_xml_illegal_characters_builds(tmp_path):
    text = "\ufffe\x01" + LIU + "备注\uffff结束。\n"
    (tmp_path / "odd.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done, lines = build(str(tmp_path / "odd.txt"), "--out", str(out))
    assert done.returncode == 0, lines
    (fact,) = rows(out / "facts.jsonl")
    assert text[fact["start"]:fact["end"]] == fact["evidence"]  # JSON keeps the original, offsets and all
    assert validate_graphml(out / "graph.graphml") == []
    assert nx.read_gexf(out / "graph.gexf").number_of_nodes() > 0


# -- 9. an unreadable folder is named


def _iter_as_nobody(folder: Path) -> list[tuple[str, str, str]]:
    """iter_sources as an unprivileged user would see it (root reads every folder): in a forked child
    that gives up root, when the tests run as root."""
    def collect() -> list[tuple[str, str, str]]:
        return [(type(i).__name__, getattr(i, "path", ""), getattr(i, "reason", getattr(i, "name", "")))
                for i in iter_sources([str(folder)])]

    if os.geteuid() != 0:
        return collect()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, json.dumps(collect()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        data = f.read()
    os.waitpid(pid, 0)
    return [tuple(x) for x in json.loads(data)]


def test_an_unreadable_subfolder_is_named():
    top = Path(tempfile.mkdtemp(prefix="zhkg-perm-"))  # not under pytest's 0700 folder: nobody must enter
    top.chmod(0o755)
    (top / "open").mkdir()
    (top / "open" / "1.txt").write_text(LIU, encoding="utf-8")
    (top / "locked").mkdir()
    (top / "locked" / "2.txt").write_text(WANG, encoding="utf-8")
    (top / "locked").chmod(0o000)
    try:
        items = _iter_as_nobody(top)
    finally:
        (top / "locked").chmod(0o755)
        shutil.rmtree(top)
    assert ("Source", str(top / "open" / "1.txt"), "open/1.txt") in items
    (skip,) = [i for i in items if i[0] == "Skipped"]
    assert skip[1] == str(top / "locked") and "folder not read" in skip[2] and "permission denied" in skip[2]


# -- 10. a document is its path under the input it was found in, plus its bytes


def test_files_of_one_name_in_two_folders_are_two_documents(tmp_path):
    (tmp_path / "crawl" / "2020-01-01").mkdir(parents=True)
    (tmp_path / "crawl" / "2020-01-02").mkdir(parents=True)
    (tmp_path / "crawl" / "2020-01-01" / "news.txt").write_text(LIU, encoding="utf-8")
    (tmp_path / "crawl" / "2020-01-02" / "news.txt").write_text(WANG, encoding="utf-8")
    out = tmp_path / "out"
    done, lines = build(str(tmp_path / "crawl"), "--out", str(out))
    assert done.returncode == 0, lines
    facts = {f["doc"]: f["person"] for f in rows(out / "facts.jsonl")}
    assert facts == {"2020-01-01/news.txt": "刘海波", "2020-01-02/news.txt": "王建国"}
    G = nx.read_graphml(out / "graph.graphml")
    assert sorted(d["label"] for _, d in G.nodes(data=True) if d["type"] == "Document") == \
        ["2020-01-01/news.txt", "2020-01-02/news.txt"]


def test_two_inputs_with_the_same_file_name_stay_two_documents(tmp_path):
    for sub, text in (("a", LIU), ("b", WANG)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "news.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done, lines = build(str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out))
    assert done.returncode == 0, lines
    facts = rows(out / "facts.jsonl")
    assert sorted(f["person"] for f in facts) == ["刘海波", "王建国"]
    # told apart in every output by the folder each lies in (issue 16: one name for both hid which was which)
    assert {f["doc"] for f in facts} == {"a/news.txt", "b/news.txt"} and len({f["doc_hash"] for f in facts}) == 2
    G = nx.read_graphml(out / "graph.graphml")
    assert sum(1 for _, d in G.nodes(data=True) if d["type"] == "Document") == 2


def test_the_same_file_given_twice_is_built_once(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "news.txt").write_text(LIU, encoding="utf-8")
    os.symlink(tmp_path / "in" / "news.txt", tmp_path / "link.txt")
    out = tmp_path / "out"
    done, lines = build(str(tmp_path / "in"), str(tmp_path / "in" / "news.txt"), str(tmp_path / "in/./news.txt"),
                        str(tmp_path / "link.txt"), "--out", str(out))
    assert done.returncode == 0, lines
    assert [f["person"] for f in rows(out / "facts.jsonl")] == ["刘海波"]


def test_a_file_found_directly_in_a_folder_is_named_by_its_file_name(tmp_path):
    (tmp_path / "000_taiyuan.txt").write_text(LIU, encoding="utf-8")
    items = list(iter_sources([str(tmp_path), str(tmp_path / "000_taiyuan.txt")]))
    assert [(type(i), i.name) for i in items] == [(Source, "000_taiyuan.txt")]


# -- 11. OUT is replaced in one step, by one build at a time


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_a_killed_build_leaves_the_previous_output_whole_and_its_temporaries_are_removed(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    assert build(str(tmp_path / "in"), "--out", str(out))[0].returncode == 0
    before = _snapshot(out)
    proc = subprocess.Popen([sys.executable, "-m", "zhkg.cli", "build", str(REPO / "seeds"), "--out", str(out),
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.zhkg-build-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.zhkg-build-*")), "the build never started its staging folder"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert _snapshot(out) == before  # nothing of the killed run is in OUT
    done, lines = build(str(tmp_path / "in"), "--out", str(out))
    assert done.returncode == 0
    assert any("temporary folder(s) of killed builds" in line for line in lines)
    assert not list(tmp_path.glob(".out.zhkg-build-*"))


def _staged_copy(tmp_path: Path, out: Path, kind: str, complete: bool) -> Path:
    """What a killed build leaves: a staging folder (complete or not) or OUT moved aside."""
    target = tmp_path / f".out.zhkg-{kind}-test"
    (target / "out" if kind == "old" else target).mkdir(parents=True)
    dest = target / "out" if kind == "old" else target
    for name, data in _snapshot(out).items():
        if complete or name != MANIFEST:
            (dest / name).write_bytes(data)
    return dest


def test_an_interrupted_swap_is_finished_at_the_next_start(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    assert build(str(tmp_path / "in"), "--out", str(out))[0].returncode == 0
    new = _staged_copy(tmp_path, out, "build", complete=True)
    (new / "facts.jsonl").write_text('{"doc": "new.txt"}\n', encoding="utf-8")
    _staged_copy(tmp_path, out, "old", complete=True)
    for p in out.iterdir():
        p.unlink()
    out.rmdir()  # killed between "OUT moved aside" and "new folder moved in"
    with OutputSet(out, OUTPUTS) as target:
        assert any("finished the swap" in note for note in target.notes)
    assert rows(out / "facts.jsonl") == [{"doc": "new.txt"}]
    assert not list(tmp_path.glob(".out.zhkg-*-*"))


def test_an_interrupted_swap_without_a_complete_build_puts_the_old_output_back(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    assert build(str(tmp_path / "in"), "--out", str(out))[0].returncode == 0
    before = _snapshot(out)
    _staged_copy(tmp_path, out, "build", complete=False)
    old = _staged_copy(tmp_path, out, "old", complete=True)
    for p in out.iterdir():
        p.unlink()
    out.rmdir()
    with OutputSet(out, OUTPUTS) as target:
        assert any("put back the previous output" in note for note in target.notes)
    assert _snapshot(out) == before and not old.exists()


def test_stale_temporaries_inside_out_from_older_versions_are_removed(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    assert build(str(tmp_path / "a.txt"), "--out", str(out))[0].returncode == 0
    (out / ".zhkg-build-abc123").mkdir()
    (out / ".zhkg-build-abc123" / "facts.jsonl").write_text("{}\n")
    assert build(str(tmp_path / "a.txt"), "--out", str(out))[0].returncode == 0
    assert not (out / ".zhkg-build-abc123").exists()


def test_a_second_build_to_the_same_out_is_refused_while_one_runs(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    with OutputSet(out, OUTPUTS):
        t0 = time.monotonic()
        done, lines = build(str(tmp_path / "a.txt"), "--out", str(out))
    assert done.returncode == 1 and len(lines) == 1 and "another zhkg build is writing" in lines[0]
    assert time.monotonic() - t0 < 60
    assert build(str(tmp_path / "a.txt"), "--out", str(out))[0].returncode == 0  # the lock went with its holder
    assert not (tmp_path / ".out.zhkg-lock").exists()  # and its holder removed the file


def test_an_out_holding_other_files_is_refused_not_replaced(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    done, lines = build(str(tmp_path / "a.txt"), "--out", str(tmp_path))
    assert done.returncode == 1 and "holds files a build did not write" in lines[0]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == LIU


def test_a_rebuild_replaces_every_output_and_keeps_the_folder_mode(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    (tmp_path / "b.txt").write_text(WANG, encoding="utf-8")
    out = tmp_path / "out"
    assert build(str(tmp_path / "a.txt"), "--out", str(out))[0].returncode == 0
    out.chmod(0o750)
    assert build(str(tmp_path / "b.txt"), "--out", str(out))[0].returncode == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUTS, MANIFEST])
    assert [f["person"] for f in rows(out / "facts.jsonl")] == ["王建国"]
    assert "王建国" in (out / "graph.ttl").read_text(encoding="utf-8")
    assert out.stat().st_mode & 0o777 == 0o750


# -- 12. damaged UTF-8 and UTF-16 without BOM


def test_invalid_utf8_in_the_middle_is_replaced_and_reported(tmp_path):
    data = LIU.encode("utf-8") + "这是一篇关于卫生工作的报道".encode() + b"\xff\xfe" + WANG.encode("utf-8")
    (tmp_path / "cut.txt").write_bytes(data)
    out = tmp_path / "out"
    done, lines = build(str(tmp_path / "cut.txt"), "--out", str(out))
    assert done.returncode == 0, lines
    text = data.decode("utf-8", errors="replace")
    facts = rows(out / "facts.jsonl")
    assert sorted(f["person"] for f in facts) == ["刘海波", "王建国"]
    assert all(text[f["start"]:f["end"]] == f["evidence"] for f in facts)
    bad = [d for d in rows(out / "damage.jsonl") if d["kind"] == "undecodable"]
    assert [(d["original"], text[d["start"]:d["end"]]) for d in bad] == [("ff", "\ufffd"), ("fe", "\ufffd")]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path, encoding):
    (tmp_path / "u16.txt").write_bytes(("2020年5月1日\n" + LIU).encode(encoding))
    items = list(iter_sources([str(tmp_path / "u16.txt")]))
    assert [(type(i), getattr(i, "encoding", None)) for i in items] == [(Source, encoding)]
    out = tmp_path / "out"
    done, lines = build(str(tmp_path / "u16.txt"), "--out", str(out))
    assert done.returncode == 0, lines
    assert [f["person"] for f in rows(out / "facts.jsonl")] == ["刘海波"]


def test_binary_with_nul_bytes_is_still_skipped(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    assert isinstance(next(iter_sources([str(tmp_path / "x.txt")])), Skipped)


# -- 13. a wrong model or OUT is one line, before any tagging


def test_an_unknown_model_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    done = zhkg("build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--model", "nosuchmodel")
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err
    assert err.startswith("zhkg build: cannot load model 'nosuchmodel'") and err.count("\n") == 1


def test_an_unwritable_out_is_reported_before_the_model_is_even_loaded(tmp_path):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    done = zhkg("build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "a-file" / "out"), "--model", "nosuchmodel")
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err
    assert "cannot write to output folder" in err and "model" not in err


def test_a_previous_build_is_replaced_whole_whatever_it_wrote(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    assert build(str(tmp_path / "a.txt"), "--out", str(out))[0].returncode == 0
    (out / "report.csv").write_text("a later version's extra output\n")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**manifest, "outputs": [*manifest["outputs"], "report.csv"]}))
    assert build(str(tmp_path / "a.txt"), "--out", str(out))[0].returncode == 0
    assert not (out / "report.csv").exists()  # files a user put there are kept: tests/test_outdir.py
