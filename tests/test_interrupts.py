"""Ctrl-C as a user presses it (issue 20): the terminal sends SIGINT to every process of the command.
`zhkg build` ends with one line and status 130, the previous OUT whole; `zhkg serve` stops with one
line; no worker prints a traceback. A port in use is one line too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhkg.exports import make_server

REPO = Path(__file__).resolve().parents[1]
LIU = "太原市小店区卫健局局长刘海波检查工作。\n"
INTERRUPTED = 130

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX signals and process groups")


def _copies(folder: Path, n: int) -> Path:
    """`n` copies of each seed article, each a document of its own."""
    folder.mkdir()
    for i in range(n):
        for seed in sorted((REPO / "seeds").glob("*.txt")):
            (folder / f"{i:03d}_{seed.name}").write_text(f"第{i}篇。" + seed.read_text(encoding="utf-8"),
                                                         encoding="utf-8")
    return folder


def _lines(stderr: str) -> list[str]:
    """What a terminal shows at the end: of each line, what its last carriage return left (the progress
    bar redraws itself with them, and clears itself before the last line)."""
    return [shown for line in stderr.split("\n") if (shown := line.split("\r")[-1].strip())]


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _zhkg(*args: str, text: bool = True, **kwargs) -> subprocess.Popen:
    """A zhkg command in a process group of its own, as a terminal starts it (Ctrl-C: `os.killpg`)."""
    return subprocess.Popen([sys.executable, "-m", "zhkg.cli", *args], start_new_session=True, text=text,
                            **kwargs)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_ends_a_build_with_one_line_and_the_previous_out_whole(tmp_path, jobs):
    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    out = tmp_path / "out"
    first = subprocess.run([sys.executable, "-m", "zhkg.cli", "build", str(tmp_path / "a.txt"), "--out", str(out),
                            "--model", "rules", "--quiet", "--no-cache"], capture_output=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    inputs = _copies(tmp_path / "in", 40)
    proc = _zhkg("build", str(inputs), "--out", str(out), "--model", "rules", "--no-cache", "--jobs", jobs,
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=False)  # the bar's \r kept
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:  # tagging: rows reach the staging folder
            rows = list(tmp_path.glob(".out.zhkg-build-*/facts.jsonl"))
            if rows and rows[0].stat().st_size > 0:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the build ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)  # the build and its workers, as Ctrl-C in a terminal
        err = proc.communicate(timeout=60)[1].decode("utf-8")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert _lines(err) == [f"zhkg build: interrupted; {out} left as it was"], err
    assert proc.returncode == INTERRUPTED
    assert _snapshot(out) == before
    assert not list(tmp_path.glob(".out.zhkg-*")), "a staging folder or the lock was left behind"


def _bar_frames(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "zhkg.cli", "build", *args, "--model", "rules", "--no-cache"],
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return [f for f in done.stderr.decode("utf-8").replace("\n", "\r").split("\r") if "doc/s" in f]


def test_the_progress_bar_has_a_total_from_the_start(tmp_path):
    inputs = _copies(tmp_path / "in", 1)
    (inputs / "notes.csv").write_text("a,b\n", encoding="utf-8")  # a skipped file is a step too
    bars = _bar_frames(str(inputs), "--out", str(tmp_path / "out"))
    assert bars and "0/6" in bars[0] and "0%" in bars[0]  # the total shows before the first document is done
    assert any("loading the model" in f for f in bars[:3])
    assert "100%" in bars[-1] and "6/6" in bars[-1]


def test_a_corpus_counts_its_records(tmp_path):
    import json

    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({"id": str(i), "text": f"第{i}篇。{LIU}"}, ensure_ascii=False) + "\n"
                              for i in range(12)), encoding="utf-8")
    bars = _bar_frames(str(corpus), "--out", str(tmp_path / "out"))
    assert "0/12" in bars[0] and "12/12" in bars[-1]


def test_counting_never_fails_a_build(tmp_path):
    from zhkg.build import count_inputs

    (tmp_path / "a.txt").write_text(LIU, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n{"text": "y"}', encoding="utf-8")
    assert count_inputs([str(tmp_path), str(tmp_path / "missing.txt"), "-"]) == 1 + 2 + 1 + 1
    assert count_inputs([str(tmp_path)], seconds=-1) is None  # out of time: a bar without a total


def _serving(out: Path, port: int) -> subprocess.Popen:
    proc = _zhkg("serve", str(out), "--port", str(port), "--workers", "2", stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    banner = proc.stdout.readline()
    assert banner.startswith("{"), proc.stderr.read()
    return proc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ctrl_c_stops_the_endpoint_with_one_line_and_no_worker_tracebacks(graph_dir):
    proc = _serving(graph_dir, _free_port())
    try:
        time.sleep(0.3)  # the standby worker may still be starting: it must not see the signal either
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = [line for line in err.splitlines() if not line.startswith("zhkg serve: note:")]
    assert lines == ["zhkg serve: interrupted; the endpoint stopped"], err
    assert proc.returncode == INTERRUPTED


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signal mask from /proc")
def test_query_workers_never_see_sigint(graph_dir):
    server = make_server(graph_dir, port=0, workers=1)
    try:
        worker = server.pool.ready.queue[0]
        status = Path(f"/proc/{worker.proc.pid}/status").read_text()
        blocked = int(next(line for line in status.splitlines() if line.startswith("SigBlk:")).split()[1], 16)
        assert blocked & (1 << (signal.SIGINT - 1))
        assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # the server's own is not
    finally:
        server.server_close()
        server.pool.close()


def test_a_port_in_use_is_one_line_before_any_worker_starts(graph_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        t0 = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "zhkg.cli", "serve", str(graph_dir), "--port", str(port)],
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        (f"zhkg serve: cannot listen on 127.0.0.1:{port}: Address already in use (in use: stop what listens "
        "there, or pick another --port; 0 picks a free one)")]
    assert time.monotonic() - t0 < 60
