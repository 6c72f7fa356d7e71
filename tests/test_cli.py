"""User errors end with one line and a non-zero status, never a traceback."""

from __future__ import annotations

import subprocess
import sys


def zhkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhkg.cli", *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_serve_without_a_build_is_a_clear_error(tmp_path):
    done = zhkg("serve", str(tmp_path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "graph" in done.stderr


def test_query_with_a_syntax_error_is_a_clear_error(tmp_path):
    (tmp_path / "graph.nt").write_text("<http://a> <http://b> <http://c> .\n")
    done = zhkg("query", str(tmp_path), "SELEC ?x WHERE {}")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.startswith("zhkg query:")


def test_quiet_build_names_only_skipped_files(tmp_path):
    (tmp_path / "good.txt").write_text("太原市小店区卫健局局长刘海波检查工作。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    done = zhkg("build", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0
    assert done.stderr.strip().splitlines() == [f"zhkg: skipped {tmp_path / 'empty.txt'}: empty file"]


def test_evaluate_ner_asks_for_its_corpora_by_its_own_name(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHKG_CORPORA", raising=False)
    done = zhkg("evaluate-ner")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [("zhkg evaluate-ner: give the folder of the public NER corpora: "
                                        "--corpora DIR, or set ZHKG_CORPORA=DIR")]
    monkeypatch.setenv("ZHKG_CORPORA", str(tmp_path / "nowhere"))
    done = zhkg("evaluate-ner")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"zhkg evaluate-ner: corpora folder not found: {tmp_path / 'nowhere'}"]


def test_a_misspelled_option_shows_the_usage_of_its_own_subcommand():
    done = zhkg("evaluate-ner", "--corpra", "x")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: zhkg evaluate-ner ")
    assert done.stderr.splitlines()[-1] == "zhkg evaluate-ner: error: unrecognized arguments: --corpra x"
