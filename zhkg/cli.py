"""The `zhkg` command: build, query, serve, evaluate-ner.

User errors (missing input, unwritable output, a bad query) end with a one-line message and a non-zero
exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build(args: argparse.Namespace) -> int:
    from zhkg.build import BuildError, build

    try:
        summary = build(args.inputs, args.out, model=args.model, quiet=args.quiet, max_chars=args.max_chars,
                        jobs=args.jobs, cache=False if args.no_cache else (args.cache or True),
                        scheduler=args.scheduler)
    except BuildError as e:
        print(f"zhkg build: {e}", file=sys.stderr)
        return 1
    for line in summary.lines(quiet=args.quiet):
        print(line, file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    """A whole number of at least 1, else argparse's one-line usage error: `--jobs 0` or `--max-chars -1`
    would otherwise start no worker or skip every document, far from the option that caused it."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return n


def _serve(args: argparse.Namespace) -> int:
    from zhkg.exports import serve

    try:
        serve(args.out, host=args.host, port=args.port, timeout_s=args.timeout, max_rows=args.max_rows,
              workers=args.workers, cors=args.cors, allow_hosts=args.allow_host,
              socket_timeout=args.socket_timeout, max_memory_mb=args.max_memory, max_answer_mb=args.max_answer)
    except (OSError, RuntimeError) as e:  # no graph in OUT, port taken, workers cannot start
        print(f"zhkg serve: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["query"]:
        from zhkg.exports import main_query

        return main_query(argv[1:])
    if argv[:1] == ["evaluate-ner"]:
        from zhkg.ner.training.evaluate import main as evaluate_main

        return evaluate_main(argv[1:])
    from zhkg import __version__

    parser = argparse.ArgumentParser(prog="zhkg", description="Knowledge graphs of who holds which post where, "
                                     "from Chinese news.")
    parser.add_argument("--version", action="version", version=f"zhkg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="tag articles and write facts, entities, RDF, GraphML and GEXF")
    b.add_argument("inputs", nargs="+", help="files, folders (recursive .txt/.md) or - for stdin")
    b.add_argument("-o", "--out", required=True, help="output folder (report.html, facts, graphs)")
    b.add_argument("--model", default=None, help="spaCy pipeline name or path; 'rules' for rules alone "
                   "(default: the shipped model)")
    b.add_argument("--quiet", action="store_true", help="no progress bar or summary (skipped files are still named)")
    b.add_argument("--max-chars", type=_positive, default=5_000_000, help="skip documents longer than this "
                   "(a file over 4 bytes for each of them is skipped unread)")
    b.add_argument("--jobs", "-j", type=_positive, default=None,
                   help="worker processes that tag (default and most: the cores this build may use)")
    b.add_argument("--cache", metavar="DIR", default=None, help="tagging results to reuse: only new or changed "
                   "documents are tagged (default: .OUT.zhkg-cache beside OUT)")
    b.add_argument("--no-cache", action="store_true", help="tag every document, keep no cache")
    b.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="tag on the workers of this Dask distributed scheduler")
    sub.add_parser("query", help="run SPARQL over a build: zhkg query OUT QUERY_OR_FILE.rq [--format csv|json] "
                   "[--allow-service]")
    sub.add_parser("evaluate-ner", help="per-label P/R/F of the NER model and jieba on the evaluation sets")
    s = sub.add_parser("serve", help="a read-only SPARQL 1.1 endpoint over a build")
    s.add_argument("out", help="a build's output folder (holding graph.nt or graph.ttl)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    s.add_argument("--port", type=int, default=7878, help="TCP port (default 7878; 0 picks a free one)")
    s.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run")
    s.add_argument("--max-rows", type=_positive, default=10_000, help="rows sent at most per result (the rest "
                   "is cut, with an X-ZHKG-Truncated header)")
    s.add_argument("--workers", type=_positive, default=4, help="query worker processes (queries run at once)")
    s.add_argument("--cors", metavar="ORIGIN", default=None,
                   help="send Access-Control-Allow-Origin: ORIGIN (default: no cross-origin access)")
    s.add_argument("--allow-host", metavar="NAME", action="append", default=[],
                   help="answer this Host name too (default: loopback names only); repeatable")
    s.add_argument("--socket-timeout", type=float, default=10.0,
                   help="seconds a client may take to send its request before the connection is closed")
    s.add_argument("--max-memory", type=_positive, default=1024, metavar="MB",
                   help="memory one query worker may use (default 1024); a query past it is stopped (503)")
    s.add_argument("--max-answer", type=float, default=16.0, metavar="MB",
                   help="largest answer sent, in MB (default 16); a bigger one is refused (413)")
    args = parser.parse_args(argv)
    if args.command == "build":
        if args.quiet:
            import logging

            logging.disable(logging.WARNING)
        return _build(args)
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
