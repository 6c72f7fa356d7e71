"""Build benchmark (a script that prints figures, not a test): load time, tagging and end-to-end speed.

    python -m zhkg.bench [PATHS...] [--model NAME|rules] [--repeat-to CHARS]

Defaults to the seeds repeated to about 1 MB. Prints the pipeline's load time, characters per second
of tagging plus relation rules (`nlp.pipe`, one process), of the graph and the exports, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from zhkg.build import write_outputs
from zhkg.ner.extract import run
from zhkg.ner.pipeline import load_pipeline
from zhkg.ner.text.reading import Source, iter_sources

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(REPO / "seeds")])
    ap.add_argument("--model", default=None)
    ap.add_argument("--repeat-to", type=int, default=1_000_000, help="repeat the inputs to this many chars")
    args = ap.parse_args(argv)

    sources = [s for s in iter_sources(args.paths) if isinstance(s, Source)]
    corpus, total, k = [], 0, 0
    while sources and total < args.repeat_to:
        s = sources[k % len(sources)]
        corpus.append(Source(f"{k:05d}_{s.name}", s.path, s.text, s.encoding))
        total += len(s.text)
        k += 1

    started = time.perf_counter()
    nlp = load_pipeline(args.model)
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


if __name__ == "__main__":
    raise SystemExit(main())
