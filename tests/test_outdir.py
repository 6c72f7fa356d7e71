"""OUT as a user keeps it (issue 20): files put into a previous build's folder survive a rebuild, and
the build says which; the swap cannot be cut in two by Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from zhkg.build import OUTPUTS
from zhkg.outdir import MANIFEST, OutputSet, interrupts_held

LIU = "太原市小店区卫健局局长刘海波检查工作。\n"


def _build(out, files: dict[str, str], manifest: dict | None = None) -> OutputSet:
    with OutputSet(out, OUTPUTS) as target:
        for name, text in files.items():
            (target.staging / name).write_text(text, encoding="utf-8")
        target.commit(manifest)
    return target


def test_a_rebuild_keeps_files_it_did_not_write_and_says_which(tmp_path):
    out = tmp_path / "out"
    _build(out, {"facts.jsonl": "old\n"})
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (out / "analysis").mkdir()
    (out / "analysis" / "people.csv").write_text("a,b\n", encoding="utf-8")
    os.symlink("notes.txt", out / "latest-notes")
    target = _build(out, {"facts.jsonl": "new\n"})
    assert (out / "facts.jsonl").read_text(encoding="utf-8") == "new\n"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert (out / "analysis" / "people.csv").read_text(encoding="utf-8") == "a,b\n"
    assert os.readlink(out / "latest-notes") == "notes.txt"
    assert target.notes == [f"kept 3 file(s) in {out} that zhkg did not write: analysis, latest-notes, notes.txt"]
    # kept again by the next rebuild, and the manifest still lists only what a build writes
    _build(out, {"facts.jsonl": "newer\n"})
    assert (out / "notes.txt").is_file()
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["outputs"] == list(OUTPUTS)
    assert not list(tmp_path.glob(".out.zhkg-*"))


def test_outputs_a_previous_build_wrote_are_replaced_even_under_other_names(tmp_path):
    out = tmp_path / "out"
    _build(out, {"facts.jsonl": "old\n", "report.csv": "a later version's output\n"},
           manifest={"outputs": [*OUTPUTS, "report.csv"]})  # as a later version's build lists them
    target = _build(out, {"facts.jsonl": "new\n"})
    assert not (out / "report.csv").exists() and target.notes == []


def test_a_folder_that_is_not_a_build_is_still_refused(tmp_path):
    (tmp_path / "mine.txt").write_text(LIU, encoding="utf-8")
    from zhkg.outdir import OutputFolderError

    with pytest.raises(OutputFolderError, match="holds files a build did not write"):
        _build(tmp_path, {"facts.jsonl": "new\n"})
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == LIU


def test_zhkg_build_names_the_files_it_kept(tmp_path):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"

    def build():
        return subprocess.run([sys.executable, "-m", "zhkg.cli", "build", str(tmp_path / "a.txt"), "--out", str(out),
                               "--model", "rules", "--quiet", "--no-cache"], capture_output=True, text=True,
                              timeout=300, check=False)

    assert build().returncode == 0
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = build()
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [f"zhkg: kept 1 file(s) in {out} that zhkg did not write: notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "facts.jsonl").is_file()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")
def test_ctrl_c_during_the_swap_is_held_until_it_is_done():
    happened = []
    with pytest.raises(KeyboardInterrupt), interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)
        happened.append("the swap went on")
    assert happened == ["the swap went on"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with interrupts_held():  # nothing pending: nothing raised
        pass
