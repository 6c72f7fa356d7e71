"""The `zhkg` command: build, query, serve, evaluate-ner.

Every subcommand's arguments are declared here, in one parser, and each handler hands plain values
to the function that does the work (`zhkg.build.build`, `zhkg.exports.sparql.query_command`,
`zhkg.exports.serve`, `zhkg.ner.training.evaluate.evaluate_ner`), so a reader finds the whole command
line in one file and the work stays callable from Python.

User errors (missing input, unwritable output, a bad query) end with a one-line message and a non-zero
exit status, never a traceback; so does Ctrl-C (status 130: `zhkg build: interrupted; OUT left as it
was`). A misspelled option is reported with the usage of its own subcommand.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

INTERRUPTED = 130  # the shell's status for a command ended by SIGINT (128 + 2)


def _build(args: argparse.Namespace) -> int:
    from zhkg.build import BuildError, build
    from zhkg.ner.text.corpus import RecordFields

    existed = os.path.lexists(args.out)
    fields = RecordFields(text=args.text_field, id=args.id_field, date=args.date_field, source=args.source_field,
                          home=args.home_field)
    try:
        summary = build(args.inputs, args.out, model=args.model, quiet=args.quiet, max_chars=args.max_chars,
                        jobs=args.jobs, cache=False if args.no_cache else (args.cache or True),
                        scheduler=args.scheduler, fields=fields, home=args.home, issuer=args.issuer)
    except BuildError as e:
        print(f"zhkg build: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the one line short
        state = ("holds the new build" if getattr(e, "replaced", False) else
                 "left as it was" if existed else "not created")
        print(f"zhkg build: interrupted; {args.out} {state}", file=sys.stderr)
        return INTERRUPTED
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
    except KeyboardInterrupt:  # Ctrl-C: the way to stop it
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("zhkg serve: interrupted; the endpoint stopped", file=sys.stderr)
        return INTERRUPTED
    return 0


def _query(args: argparse.Namespace) -> int:
    """`zhkg query`: the answer on stdout; a refused or failing query is one line and status 2."""
    from zhkg.exports.sparql import QueryRejected, one_line, query_command

    query = args.query
    if query == "-":
        query = sys.stdin.read()
        if "\n" not in query and "{" not in query:
            query = query.strip()
    try:
        text = query_command(args.out, query, args.format, _folded(dict(args.bind)) or None, cache=args.cache,
                             allow_service=args.allow_service)
    except QueryRejected as exc:
        print(f"zhkg query: {one_line(exc.message)}", file=sys.stderr)
        return 2
    except (SyntaxError, ValueError, FileNotFoundError) as exc:
        print(f"zhkg query: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as exc:  # the engine's evaluation errors: unsupported function, I/O
        print(f"zhkg query: {one_line(str(exc)) or type(exc).__name__}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def _folded(bindings: dict[str, str]) -> dict[str, str]:
    """Bound text values in Simplified script, the script every name in the graph is stored in, so that
    `--bind unit=臺南市政府警察局` finds 台南市政府警察局; an `<IRI>` is left as it is."""
    from zhkg.ner.text.normalize import to_simplified

    return {k: v if v.startswith("<") else to_simplified(v) for k, v in bindings.items()}


def _binding(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError("use --bind NAME=VALUE")
    return name.lstrip("?$"), value


CORPORA_ENV = "ZHKG_CORPORA"


def _evaluate_ner(args: argparse.Namespace) -> int:
    from zhkg.ner.training.evaluate import evaluate_ner, format_table

    if args.corpora is None:
        print(f"zhkg evaluate-ner: give the folder of the public NER corpora: --corpora DIR, or set "
              f"{CORPORA_ENV}=DIR", file=sys.stderr)
        return 2
    if not args.corpora.is_dir():
        print(f"zhkg evaluate-ner: corpora folder not found: {args.corpora}", file=sys.stderr)
        return 2
    table = evaluate_ner(args.corpora, args.model, baseline=not args.no_baseline, sets=args.sets,
                         role_lexicon=args.role_lexicon, pipeline=args.pipeline)
    print(format_table(table))
    if args.json:
        args.json.write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def parser() -> argparse.ArgumentParser:
    """The whole command line: `zhkg build|query|serve|evaluate-ner ...`."""
    from zhkg import __version__
    from zhkg.exports.sparql import FORMATS, example_queries

    p = argparse.ArgumentParser(prog="zhkg", description="Knowledge graphs of who holds which post where, "
                                "from Chinese news.")
    p.add_argument("--version", action="version", version=f"zhkg {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="tag articles and write facts, entities, RDF, GraphML and GEXF")
    b.add_argument("inputs", nargs="+", help="files, folders (recursive: .txt .md .text .html .htm .docx .pdf "
                   ".jsonl .jsonl.gz .ndjson) or - for stdin")
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
    b.add_argument("--text-field", default="text", metavar="NAME", help="JSONL records: the field holding the "
                   "text (default: text)")
    b.add_argument("--id-field", default="id", metavar="NAME", help="JSONL records: the field naming the "
                   "document, FILE#ID (default: id; a record without one is named by its line)")
    b.add_argument("--date-field", default=None, metavar="NAME", help="JSONL records: the field holding the "
                   "date, which outranks a date in the text (default: date, when present)")
    b.add_argument("--source-field", default=None, metavar="NAME", help="JSONL records: the field naming the "
                   "source (default: source, when present)")
    b.add_argument("--home-field", default=None, metavar="NAME", help="JSONL records: the field naming the "
                   "record's home city, which outranks --home (default: home, when present)")
    b.add_argument("--home", default=None, metavar="CITY", help="the home city of every document (what 我市 "
                   "and 市委 mean), instead of the one inferred: a name (台南市, 忻州) or division code")
    b.add_argument("--issuer", default=None, metavar="UNIT", help="the unit that issued every document "
                   "(kept on the document for the rules)")
    b.set_defaults(run=_build)
    q = sub.add_parser("query", help="run SPARQL over a build: zhkg query OUT QUERY_OR_FILE.rq [--format csv|json] "
                       "[--allow-service]")
    q.add_argument("out", help="export folder holding graph.nt or graph.ttl")
    names = ", ".join(example_queries())
    q.add_argument("query", help=f"a .rq file, query text, - to read it from stdin, or a shipped query: {names}")
    q.add_argument("--format", "-f", choices=FORMATS, default="table",
                   help="table (default: the main columns, fitted to the terminal) or a SPARQL results "
                   "format with every variable: csv, tsv, json, xml")
    q.add_argument("--bind", "-b", action="append", type=_binding, default=[],
                   metavar="NAME=VALUE", help="fix ?NAME (string, number or <IRI>); repeatable")
    q.add_argument("--cache", action="store_true", help="keep a disk store under OUT/.store")
    q.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses fetch remote endpoints (refused by default)")
    q.set_defaults(run=_query)
    e = sub.add_parser("evaluate-ner", help="per-label P/R/F of the NER model and jieba on the evaluation sets",
                       description="Evaluate zhkg's NER model and the jieba.posseg baseline.")
    corpora = os.environ.get(CORPORA_ENV)
    e.add_argument("--corpora", type=Path, default=Path(corpora) if corpora else None,
                   help=f"folder of the public NER corpora (required unless ${CORPORA_ENV} names it)")
    e.add_argument("--model", type=Path, default=None, help="spaCy pipeline (default: ner/model)")
    e.add_argument("--no-baseline", action="store_true", help="skip jieba.posseg")
    e.add_argument("--sets", nargs="*", default=None,
                   help="only these sets (names from corpora.py, e.g. resume_dev, or a .spacy DocBin)")
    e.add_argument("--role-lexicon", type=Path, default=None,
                   help="also score model + greedy ROLE matching of this title list (e.g. ner/data/roles.txt)")
    e.add_argument("--pipeline", action="store_true",
                   help="also score the whole pipeline's doc.ents (zhkg.ner.load_pipeline: model and rules)")
    e.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    e.set_defaults(run=_evaluate_ner)
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
    s.set_defaults(run=_serve)
    return p


def _parse(p: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """`p.parse_args`, except that an unknown option is reported by the subcommand it was given to, with
    that subcommand's usage (`zhkg evaluate-ner: error: ...`), not the whole program's."""
    args, extra = p.parse_known_args(argv)
    if extra:
        sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        sub.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(parser(), sys.argv[1:] if argv is None else list(argv))
    if args.command == "build" and args.quiet:
        import logging

        logging.disable(logging.WARNING)
    try:
        return args.run(args)
    except KeyboardInterrupt:  # Ctrl-C anywhere else: one line, no traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(f"zhkg {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
