"""`zhkg.ner.text.fast_jieba` must give stock jieba's words and tags, only faster.

Stock jieba runs in a fresh interpreter that imports nothing of zhkg (importing `zhkg.ner` installs
the fast paths), over the seeds and made-up text with the cases jieba's HMM handles: unknown names,
digits and Latin letters, repeated clauses (the memo) and characters jieba's tables do not list."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jieba
import jieba.posseg

from zhkg.ner.text import fast_jieba
from zhkg.ner.text.normalize import normalize

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MADE_UP = [
    "柯文豪副局长与吕淑慧科长昨日视察，2021年编列3.5亿元，ABC公司承揽。",
    "柯文豪副局长与吕淑慧科长昨日视察，2021年编列3.5亿元，ABC公司承揽。",  # the memo's second time
    "㐀㐁𠀀丂丄鿕，乂乜龘靐齉",  # rare characters: every HMM state is allowed
    "决标决标法第法第条之条第",
    "",
]

STOCK = """
import json, sys
import jieba, jieba.posseg
assert jieba.posseg.viterbi.__module__ == "jieba.posseg.viterbi"
jieba.setLogLevel(60)
texts = json.load(sys.stdin)
print(json.dumps([[jieba.lcut(t) for t in texts], [[[p.word, p.flag] for p in jieba.posseg.cut(t)] for t in texts]]))
"""


def _texts() -> list[str]:
    seeds = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(SEEDS.glob("*.txt"))]
    assert seeds
    return seeds + MADE_UP


def test_same_words_and_tags_as_stock_jieba():
    texts = _texts()
    done = subprocess.run([sys.executable, "-c", STOCK], input=json.dumps(texts), capture_output=True,
                          text=True, check=True)
    stock_cut, stock_pos = json.loads(done.stdout)
    fast_jieba.install()
    assert jieba.posseg.viterbi is fast_jieba.viterbi
    assert [jieba.lcut(t) for t in texts] == stock_cut
    assert [[[p.word, p.flag] for p in jieba.posseg.cut(t)] for t in texts] == stock_pos


def test_viterbi_matches_jiebas_own_on_unknown_strings():
    from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P

    for s in ("黄伟哲", "吕淑慧科", "决标", "乂乜龘", "a", "柯文豪副"):
        assert fast_jieba.viterbi(s, char_state_tab_P, start_P, trans_P, emit_P) == \
            fast_jieba._JIEBA_VITERBI(s, char_state_tab_P, start_P, trans_P, emit_P)


CHANGED = """
import jieba
from zhkg.ner.text import fast_jieba
fast_jieba.install()
text = "柯文豪副局长昨日视察"
before = jieba.lcut(text)
assert "柯文豪副局长" not in before
jieba.add_word("柯文豪副局长", freq=10**6)
assert "柯文豪副局长" in jieba.lcut(text), jieba.lcut(text)
print("ok")
"""


def test_a_changed_dictionary_is_not_answered_from_the_memo():
    # in its own interpreter: adding a word changes jieba for the whole process (and the model's feature)
    done = subprocess.run([sys.executable, "-c", CHANGED], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
