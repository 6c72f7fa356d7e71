"""Identity benchmark (a script that prints figures, not a test): the graph's people against a labelled sample.

    python -m benchmarks.identity LABELS.tsv --out OUT [--corpus DIR]

LABELS.tsv: tab-separated rows `file, name, cluster[, ...]` (lines starting with # are comments; a
header row `file name cluster ...` is skipped): a mention is a document's file name and a name as
written (folded to Simplified here, as facts.jsonl stores names), `cluster` the real person
(`NOT_PERSON`: no one; such rows are counted apart and left out of the scores). OUT is a build's
output folder; with --corpus the build is run first (`zhkg build CORPUS -o OUT --jobs 1 --quiet`,
cached beside OUT). The graph's answer for a mention is the `person_key` of its facts in
facts.jsonl; a labelled mention the build has no fact for is a person of its own (a singleton), so
a missed name costs recall and never precision.

Prints B-cubed and pairwise precision, recall and F over the labelled mentions, then the graph's
person nodes, distinct names and how many nodes hold the 20 names with most facts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from zhkg.ner.text.normalize import to_simplified

Mention = tuple[str, str]


def read_labels(path: Path) -> tuple[dict[Mention, str], int]:
    """(file, Simplified name) → real person; and how many rows name no person."""
    gold: dict[Mention, str] = {}
    not_person = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 3 or cols[:3] == ["file", "name", "cluster"]:
            continue
        file, name, cluster = (c.strip() for c in cols[:3])
        if cluster == "NOT_PERSON":
            not_person += 1
            continue
        gold[(Path(file).name, to_simplified(name))] = cluster
    return gold, not_person


def read_keys(out: Path) -> tuple[dict[Mention, str], Counter]:
    """(doc, person) → person_key from facts.jsonl, and facts per name."""
    keys: dict[Mention, str] = {}
    facts: Counter = Counter()
    with open(out / "facts.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            keys[(Path(row["doc"]).name, row["person"])] = row["person_key"]
            facts[row["person"]] += 1
    return keys, facts


def bcubed(gold: dict[Mention, str], pred: dict[Mention, str]) -> tuple[float, float]:
    """Mean over mentions of the share of its predicted (gold) cluster that is in its gold (predicted) one."""
    by_gold, by_pred = _groups(gold), _groups(pred)
    p = r = 0.0
    for m in gold:
        same = len(by_pred[pred[m]] & by_gold[gold[m]])
        p += same / len(by_pred[pred[m]])
        r += same / len(by_gold[gold[m]])
    return p / len(gold), r / len(gold)


def pairwise(gold: dict[Mention, str], pred: dict[Mention, str]) -> tuple[float, float]:
    """Precision and recall of "these two mentions are one person" over all pairs of mentions."""
    tp = same_pred = same_gold = 0
    for a, b in combinations(sorted(gold), 2):
        g, p = gold[a] == gold[b], pred[a] == pred[b]
        tp += g and p
        same_pred += p
        same_gold += g
    return (tp / same_pred if same_pred else 1.0), (tp / same_gold if same_gold else 1.0)


def _groups(assign: dict[Mention, str]) -> dict[str, set[Mention]]:
    groups: dict[str, set[Mention]] = defaultdict(set)
    for m, c in assign.items():
        groups[c].add(m)
    return groups


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def report(gold: dict[Mention, str], keys: dict[Mention, str], facts: Counter, not_person: int) -> list[str]:
    pred = {m: keys.get(m, f"(no fact) {m[0]} {m[1]}") for m in gold}
    missing = sum(1 for m in gold if m not in keys)
    bp, br = bcubed(gold, pred)
    pp, pr = pairwise(gold, pred)
    found = {m: c for m, c in gold.items() if m in keys}
    fp, fr = bcubed(found, pred) if found else (0.0, 0.0)
    nodes_of: dict[str, set[str]] = defaultdict(set)
    for (_doc, name), key in keys.items():
        nodes_of[name].add(key)
    top = [n for n, _ in facts.most_common(20)]
    return [
        (f"labelled mentions: {len(gold)} ({len({n for _, n in gold})} names, {len(set(gold.values()))} people); "
        f"{missing} without a fact in the build (scored as singletons); {not_person} NOT_PERSON rows left out"),
        f"B-cubed   P {bp:.4f}  R {br:.4f}  F {_f(bp, br):.4f}",
        f"pairwise  P {pp:.4f}  R {pr:.4f}  F {_f(pp, pr):.4f}",
        (f"B-cubed on the {len(found)} mentions with a fact (identity alone, no missed names)  "
        f"P {fp:.4f}  R {fr:.4f}  F {_f(fp, fr):.4f}"),
        f"graph: {len(set(keys.values()))} person nodes for {len(nodes_of)} names",
        (f"20 names with most facts: {sum(len(nodes_of[n]) for n in top)} nodes "
        f"({', '.join(f'{n} {len(nodes_of[n])}' for n in top)})"),
    ]


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score the graph's person keys against labelled identities.")
    ap.add_argument("labels", type=Path, help="TSV: file, name, cluster (real person)")
    ap.add_argument("--out", type=Path, required=True, help="a build's output folder (holding facts.jsonl)")
    ap.add_argument("--corpus", type=Path, default=None, help="build this folder into OUT first")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.corpus is not None:
        subprocess.run([sys.executable, "-m", "zhkg.cli", "build", str(args.corpus), "-o", str(args.out),
                        "--jobs", "1", "--quiet"], check=True)
    gold, not_person = read_labels(args.labels)
    if not gold:
        print(f"no labelled mentions in {args.labels}", file=sys.stderr)
        return 2
    keys, facts = read_keys(args.out)
    print("\n".join(report(gold, keys, facts, not_person)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
