"""SPARQL over an export folder with pyoxigraph, and what the `zhkg query` command runs.

pyoxigraph rather than rdflib: on this machine it loads N-Triples ~10x and answers joins 10-100x
faster (see benchmarks/sparql.py). Results are plain `(vars, rows)` so callers need no
pyoxigraph types beyond the terms in the rows; the formatters speak the SPARQL 1.1 CSV, TSV, JSON
and XML result formats so output can be fed to any SPARQL tool.

The terminal table shows what a reader scans (a shipped query names its columns in a
`# table: var as name, ...` comment line; memberships shows person, role, unit, city, status, date,
doc) and shrinks its widest columns to the terminal's width; `--format csv|tsv|json|xml` gives every
variable.

Query parameters (`bindings`) become a `VALUES` block at the top of the WHERE clause: standard
SPARQL 1.1 that pyoxigraph and rdflib both run. At the top rather than as a trailing VALUES clause
because pyoxigraph joins a trailing one after evaluating everything (3.9 s instead of milliseconds
on 55k triples). The shipped queries test `!BOUND(?param) || ...`, so unbound they return all rows.
Bound values are typed terms in pyoxigraph's serialisation, never text spliced into the query.

A query from elsewhere is checked before it runs (`check_query`: one reading of its escapes for
both parsers, bounded nesting, no updates, no SERVICE) and `zhkg query` runs it in a child process
off the network, on a stack deep enough for pyoxigraph's recursion (`_in_child`).
"""

from __future__ import annotations

import csv
import difflib
import faulthandler
import io
import json
import os
import re
import shutil
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ._attrs import _XML_ILLEGAL
from .outputs import NTRIPLES, TURTLE

QUERIES_DIR = Path(__file__).with_name("queries")
STORE_DIRNAME = ".store"
_STAMP = "zhkg-source.json"
_SOURCES = ((NTRIPLES, ox.RdfFormat.N_TRIPLES), (TURTLE, ox.RdfFormat.TURTLE))
FORMATS = ("table", "csv", "tsv", "json", "xml")
_BARE_NAME = re.compile(r"^[\w.\-]+$")
_TABLE_LINE = re.compile(r"^#\s*table:\s*(.+)$", re.MULTILINE)

Row = tuple[Any, ...]
MAX_QUERY_CHARS = 100_000
MAX_DEPTH = 64
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_CODEPOINT_ANY = re.compile(r"\\u", re.IGNORECASE)
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_ESCAPE_HOMES = re.compile(  # strings and IRIs as pyoxigraph lexes them, escapes unexpanded; comments; an escape
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\r\n]|\\.)*"|\'(?:[^\'\\\r\n]|\\.)*\''
    r'|<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'
    r'|(#[^\r\n]*)|(\\[uU])'
)
_NESTING = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*|([{(\[])|([})\]])'
)


class QueryRejected(Exception):
    """A query refused before it runs; `status` is the HTTP status the endpoint answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _source(out_dir: str | os.PathLike[str]) -> tuple[Path, ox.RdfFormat]:
    out = Path(out_dir)
    if out.is_file():
        fmt = ox.RdfFormat.N_TRIPLES if out.suffix == ".nt" else ox.RdfFormat.TURTLE
        return out, fmt
    for name, fmt in _SOURCES:
        if (out / name).is_file():
            return out / name, fmt
    raise FileNotFoundError(f"no {NTRIPLES} or {TURTLE} in {out}")


def _stamp(src: Path) -> dict[str, Any]:
    st = src.stat()
    return {"source": src.name, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def store_path(out_dir: str | os.PathLike[str]) -> Path:
    return Path(out_dir) / STORE_DIRNAME


def build_disk_store(out_dir: str | os.PathLike[str]) -> Path:
    """Make (or reuse) out_dir/.store: a RocksDB copy that reopens in milliseconds, read-only,
    from as many processes as like (the server's workers). Rebuilt when the RDF file changes;
    built in a temporary folder and renamed, so a reader never sees half a store."""
    src, fmt = _source(out_dir)
    target = store_path(out_dir)
    stamp = _stamp(src)
    stamp_file = target / _STAMP
    if stamp_file.is_file():
        try:
            if json.loads(stamp_file.read_text()) == stamp:
                return target
        except ValueError:
            pass
    tmp = target.with_name(f"{STORE_DIRNAME}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    st = ox.Store(str(tmp))
    st.bulk_load(path=str(src), format=fmt)
    st.optimize()
    st.flush()
    del st
    (tmp / _STAMP).write_text(json.dumps(stamp))
    if target.exists():
        old = target.with_name(f"{STORE_DIRNAME}.old{os.getpid()}")
        os.replace(target, old)
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(tmp, target)
    except OSError:  # another process won the race with an equally fresh store
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def open_store(out_dir: str | os.PathLike[str], cache: bool = False) -> ox.Store:
    """A store of the export in out_dir (graph.nt preferred: it parses fastest; else graph.ttl).

    In memory by default. `cache=True` keeps a disk copy under out_dir/.store and opens it
    read-only: worth it for graphs of millions of triples queried many times, or shared by the
    server's worker processes.
    """
    if cache:
        return ox.Store.read_only(str(build_disk_store(out_dir)))
    src, fmt = _source(out_dir)
    store = ox.Store()
    store.bulk_load(path=str(src), format=fmt)
    return store


# ---------------------------------------------------------------- parameters and queries


def _term_sparql(name: str, value: Any) -> str:
    """`value` as one SPARQL term, never as text spliced into the query: the text is pyoxigraph's own
    serialisation of a typed term (it escapes quotes and backslashes), so no value can close the term
    and add patterns (`<x> } UNION { ...` widening one city's rows to all)."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        term = value
    elif isinstance(value, (bool, int, float)):
        term = ox.Literal(value)
    elif (text := str(value)).startswith("<") and text.endswith(">"):
        try:
            term = ox.NamedNode(text[1:-1])
        except ValueError as exc:
            raise ValueError(f"?{name}: {text!r} is not an IRI ({exc})") from None
    else:
        term = ox.Literal(text)
    out = str(term)
    if _CODEPOINT_ANY.search(out):  # SPARQL reads \u in any text as a codepoint escape (section 19.2)
        raise ValueError(f"?{name}: a bound value may not contain \\u or \\U")
    if isinstance(term, ox.NamedNode) and not _IRIREF.fullmatch(out):
        raise ValueError(f"?{name}: {out!r} is not an IRI")
    return out


def bind(query: str, bindings: Mapping[str, Any] | None) -> str:
    """`query` with a VALUES block at the top of its WHERE clause fixing the given variables (names
    without '?').

    Strings become plain literals, `<...>` IRIs (only what pyoxigraph accepts as an IRI: anything else
    is a ValueError, never text in the query), numbers and booleans typed literals; pyoxigraph terms
    as is.
    """
    if not bindings:
        return query
    names = list(bindings)
    for n in names:
        if not re.fullmatch(r"\w+", n):
            raise ValueError(f"bad variable name {n!r}")
        if not re.search(rf"[?$]{n}\b", query):
            raise ValueError(f"the query has no variable ?{n}")
    values = " ".join(_term_sparql(n, bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}\n"
    where = re.search(r"\bWHERE\s*\{|\{", blank_literals(query), re.IGNORECASE)
    if where is None:
        raise ValueError("query has no WHERE clause to bind parameters in")
    return query[: where.end()] + block + query[where.end():]


def expand_escapes(query: str) -> str:
    """`query` with its codepoint escapes (\\uXXXX, \\UXXXXXXXX) replaced, over the whole text, as
    SPARQL 1.1 section 19.2 says: before parsing, comments included.

    Why: rdflib expands them everywhere, pyoxigraph only inside strings and IRIs, so `# \\u000a`
    ends a comment for one and not the other, and a SERVICE hidden that way was run unchecked. Once
    expanded, the text holds no escape either parser could read differently, so the check and the
    engine read the same query. An escape that spells another escape (`\\u005Cu0053`) or no
    character (a surrogate) is refused rather than read twice.
    """
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise QueryRejected(400, f"SPARQL syntax error: {m.group()} is not a character")
        return chr(code)

    if "\\" not in query:
        return query
    text = _CODEPOINT.sub(char, query)
    if _CODEPOINT_ANY.search(text):
        raise QueryRejected(400, "SPARQL syntax error: a \\u or \\U that is no codepoint escape, or that "
                            "an escape spells, is not accepted")
    return text


def escape_outside_terms(query: str) -> bool:
    """True when a codepoint escape (\\u, \\U) stands anywhere but inside a string or an IRI: in a
    comment, a keyword, a variable name, between tokens.

    Only there do rdflib (which expands escapes over the whole text) and pyoxigraph (only inside
    strings and IRIs) read a query differently: `# \\u000a FILTER(\"\"\"` ends a comment for one and
    opens a string for the other, hiding what follows. `check_query` runs the expanded text, so both
    read it alike anyway; such a query is refused too, as no honest query needs one."""
    if "\\" not in query:
        return False
    for m in _ESCAPE_HOMES.finditer(query):
        if m.group(2) or (m.group(1) and _CODEPOINT_ANY.search(m.group(1))):
            return True
    return False


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """How deep `{`, `(` and `[` nest outside strings, comments and IRIs; stops counting past `limit`.

    A cheap scan before any parser sees the text: pyoxigraph's parser recurses once per level and a
    few thousand levels overflow its stack (SIGSEGV), rdflib's hits Python's recursion limit. A fast
    first refusal, not the proof: a text built to fool this lexer still meets the parse."""
    depth = deepest = 0
    for m in _NESTING.finditer(text):
        if m.group(1):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif m.group(2) and depth:
            depth -= 1
    return deepest


def check_query(query: str, allow_service: bool = False) -> str:
    """The query as it is to be run, or `QueryRejected` for updates, federation and bad syntax.

    Decided on the parsed query, never on its text: keyword filters are fooled by comments,
    escapes and line ends that two parsers read differently (`#x\\rSERVICE`: a comment to one, a
    SERVICE call to the other). So the text is first made one that both parsers read alike: codepoint
    escapes expanded (`expand_escapes`), line ends made plain LF; an escape outside a string or IRI,
    where the two readings part, is refused after the parse (so a `\\u0053ERVICE` is named as the
    SERVICE it is). Its nesting is bounded before any parse; a query this parser (rdflib's) cannot
    read is refused rather than run unchecked. The caller runs the returned text, not the original.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRejected(413, f"query longer than {MAX_QUERY_CHARS} characters")
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    stray_escape = escape_outside_terms(query)
    text = expand_escapes(query).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise QueryRejected(400, "empty query")
    if nesting_depth(text) > MAX_DEPTH:
        raise QueryRejected(400, f"query nested deeper than {MAX_DEPTH} levels")
    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        try:
            parseUpdate(text)
        except (ParseBaseException, RecursionError, ValueError):
            raise QueryRejected(400, f"SPARQL syntax error: {exc}") from None
        raise QueryRejected(403, "this endpoint is read-only: SPARQL Update is not accepted") from None
    except RecursionError:
        raise QueryRejected(400, "query nested too deeply to be checked") from None
    except ValueError as exc:  # rdflib's own term errors (a bad IRI, a bad language tag)
        raise QueryRejected(400, f"SPARQL syntax error: {exc}") from None
    if not allow_service and _has_service(tree):
        raise QueryRejected(400, "SERVICE (federated query) is disabled: queries may not reach other endpoints")
    if stray_escape:
        raise QueryRejected(400, "a codepoint escape (\\u, \\U) outside a string or IRI is not accepted: "
                            "parsers read it differently")
    return text


def cannot_call_service(query: str) -> bool:
    """True when `query` may run without `check_query`'s parse: provably no SERVICE, and too few
    brackets to nest past MAX_DEPTH.

    No SERVICE: the letters s-e-r-v-i-c-e appear nowhere, in any case (upper() too: rdflib reads
    `ſERVICE` as the keyword), and no codepoint escape (\\u, \\U) could spell them. Nothing else
    makes letters: prefixed-name escapes (`\\-`) are punctuation only, %-escapes stay as they are.
    Brackets: fewer openers in all than MAX_DEPTH bounds the nesting however they are read. A proof
    of absence, so a worker may skip the parse (pyparsing costs milliseconds); anything else is
    parsed."""
    if "\\u" in query.lower() or "service" in query.lower() or "SERVICE" in query.upper():
        return False
    return query.count("{") + query.count("(") + query.count("[") <= MAX_DEPTH


def _has_service(tree: Any) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return False


def blank_literals(query: str) -> str:
    """`query` with comments, strings, IRIs, variables and prefixed names replaced by spaces of the
    same length: keyword checks and clause positions then see only SPARQL syntax."""
    pattern = re.compile(
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
        r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|\w*:[\w.\-]*"
    )
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), query)


def example_queries() -> dict[str, Path]:
    """The shipped .rq files by stem: posts_in_city, units_most_staff, multi_role_people, ..."""
    return {p.stem: p for p in sorted(QUERIES_DIR.glob("*.rq"))}


def load_query(query_or_file: str) -> str:
    """Query text from a file path, a shipped query name (`memberships` or `memberships.rq`), or
    the text itself (anything else)."""
    if "\n" in query_or_file or "{" in query_or_file:
        return query_or_file
    p = Path(query_or_file)
    if p.is_file():
        return p.read_text(encoding="utf-8")
    shipped = example_queries().get(p.stem if p.suffix == ".rq" else query_or_file)
    if shipped is not None:
        return shipped.read_text(encoding="utf-8")
    if p.suffix == ".rq":
        raise FileNotFoundError(f"no query file {query_or_file} (shipped: {', '.join(example_queries())})")
    if _BARE_NAME.match(query_or_file):  # one word is a query name, never SPARQL: say which exist
        names = list(example_queries())
        close = difflib.get_close_matches(query_or_file, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"no query named {query_or_file}{hint}; choose from {', '.join(names)}, "
                         "or give a .rq file or the query text")
    return query_or_file


def table_columns(query: str) -> list[tuple[str, str]]:
    """(variable, header) pairs from a `# table: personName as person, role, ...` line; [] = all."""
    m = _TABLE_LINE.search(query)
    if not m:
        return []
    out = []
    for item in m.group(1).split(","):
        var, _, header = item.strip().partition(" as ")
        out.append((var.strip().lstrip("?"), header.strip() or var.strip().lstrip("?")))
    return out


def table_view(variables: Sequence[str]) -> list[tuple[str, str]]:
    """The columns a terminal table shows for these result variables: those of the `# table:` line of
    the shipped query that selects exactly these variables; [] (every column) for any other query.
    Keyed on the result, not the query text, so the view holds however the query was given
    (name, file, text, stdin)."""
    for path in example_queries().values():
        text = path.read_text(encoding="utf-8")
        select = re.search(r"\bSELECT\b(.*?)\bWHERE\b", text, re.DOTALL | re.IGNORECASE)
        if select and re.findall(r"[?$](\w+)", select.group(1)) == list(variables):
            return [(v, h) for v, h in table_columns(text) if v in variables]
    return []


def run_query(
    store: ox.Store, query: str, bindings: Mapping[str, Any] | None = None
) -> tuple[list[str], list[Row]]:
    """Variables and rows (pyoxigraph terms; None = unbound). ASK gives (['ask'], [(bool,)]),
    CONSTRUCT/DESCRIBE give (['subject', 'predicate', 'object'], triples)."""
    result = store.query(bind(query, bindings))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [tuple(sol[i] for i in range(len(names))) for sol in result]
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [(bool(result),)]
    return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in result]


# ---------------------------------------------------------------- formatting

XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_json(term: Any) -> dict[str, str] | None:
    """A term as a SPARQL 1.1 JSON results binding (also accepts such dicts and Python scalars)."""
    if term is None or isinstance(term, dict):
        return term
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {k: term_json(getattr(term, k)) for k in ("subject", "predicate", "object")}}
    if isinstance(term, bool):
        return {"type": "literal", "value": "true" if term else "false", "datatype": XSD + "boolean"}
    if isinstance(term, int):
        return {"type": "literal", "value": str(term), "datatype": XSD + "integer"}
    if isinstance(term, float):
        return {"type": "literal", "value": repr(term), "datatype": XSD + "double"}
    return {"type": "literal", "value": str(term)}


def _plain(term: Any) -> str:
    j = term_json(term)
    if j is None:
        return ""
    if j["type"] == "bnode":
        return "_:" + j["value"]
    if j["type"] == "triple":
        return " ".join(_plain(j["value"][k]) for k in ("subject", "predicate", "object"))
    return j["value"]


def format_json(variables: Sequence[str], rows: Iterable[Row], boolean: bool | None = None) -> str:
    """SPARQL 1.1 Query Results JSON (application/sparql-results+json)."""
    if boolean is not None:
        return json.dumps({"head": {}, "boolean": boolean})
    bindings = []
    for row in rows:
        b = {}
        for v, t in zip(variables, row):
            j = term_json(t)
            if j is not None:
                b[v] = j
        bindings.append(b)
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False)


def format_csv(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """SPARQL 1.1 Query Results CSV: header of names, lexical values, CRLF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    for row in rows:
        w.writerow([_plain(t) for t in row])
    return buf.getvalue()


def _tsv_term(term: Any) -> str:
    j = term_json(term)
    if j is None:
        return ""
    if j["type"] == "uri":
        return f"<{j['value']}>"
    if j["type"] == "bnode":
        return "_:" + j["value"]
    if j["type"] == "triple":
        return "<< " + " ".join(_tsv_term(j["value"][k]) for k in ("subject", "predicate", "object")) + " >>"
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    text = '"' + "".join(escapes.get(c, c) for c in j["value"]) + '"'
    if "xml:lang" in j:
        return f"{text}@{j['xml:lang']}"
    return f"{text}^^<{j['datatype']}>" if "datatype" in j else text


def format_tsv(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """SPARQL 1.1 Query Results TSV: `?name` headers, terms in Turtle syntax, LF line ends."""
    out = ["\t".join(f"?{v}" for v in variables)]
    out += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return "\n".join(out) + "\n"


_XML_NS = "http://www.w3.org/2005/sparql-results#"


def _xml_text(text: str) -> str:
    """`text` as XML character data: escaped, CR kept as `&#13;` (a parser would read a bare one as LF),
    and the characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE/FFFF, lone surrogates)
    as U+FFFD: a result document no XML parser would read helps no one."""
    from xml.sax.saxutils import escape

    return _XML_ILLEGAL.sub("\ufffd", escape(text, {"\r": "&#13;"}))


def _xml_attr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(_XML_ILLEGAL.sub("\ufffd", text))


def _xml_term(term: Any) -> str:
    j = term_json(term)
    if j["type"] == "uri":
        return f"<uri>{_xml_text(j['value'])}</uri>"
    if j["type"] == "bnode":
        return f"<bnode>{_xml_text(j['value'])}</bnode>"
    if j["type"] == "triple":
        parts = "".join(f"<{k}>{_xml_term(j['value'][k])}</{k}>" for k in ("subject", "predicate", "object"))
        return f"<triple>{parts}</triple>"
    attr = f" xml:lang={_xml_attr(j['xml:lang'])}" if "xml:lang" in j else (
        f" datatype={_xml_attr(j['datatype'])}" if "datatype" in j else "")
    return f"<literal{attr}>{_xml_text(j['value'])}</literal>"


def format_xml(variables: Sequence[str], rows: Iterable[Row], boolean: bool | None = None) -> str:
    """SPARQL Query Results XML (application/sparql-results+xml), for tools that read only XML."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{_XML_NS}">']
    if boolean is not None:
        out += ["<head/>", f"<boolean>{'true' if boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={_xml_attr(v)}/>" for v in variables) + "</head>")
    out.append("<results>")
    for row in rows:
        cells = "".join(f"<binding name={_xml_attr(v)}>{_xml_term(t)}</binding>"
                        for v, t in zip(variables, row) if term_json(t) is not None)
        out.append(f"<result>{cells}</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))


def _visible(text: str) -> str:
    """`text` safe to print in a terminal: tabs and line ends as spaces, other controls (C0, C1: ESC
    sequences that move the cursor or reset the terminal), format characters (bidi overrides that
    reorder a line, zero-width ones) and line separators as a visible `\\u001b`. Only for the table:
    the data formats keep values exact."""
    if text.isprintable():
        return text
    return "".join(" " if c in "\t\n\r" else (f"\\u{ord(c):04x}" if unicodedata.category(c) in _HIDDEN else c)
                   for c in text)


def _short(term: Any) -> str:
    text = _plain(term)
    j = term_json(term)
    if j and j["type"] == "uri":
        for prefix, ns in (("id:", "https://w3id.org/zhkg/id/"), ("zhkg:", "https://w3id.org/zhkg/vocab#")):
            if text.startswith(ns):
                return _visible(prefix + text[len(ns):])
        return f"<{_visible(text)}>"
    return _visible(text)


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def format_table(variables: Sequence[str], rows: Iterable[Row], max_width: int = 60,
                 total_width: int | None = None) -> str:
    """An aligned text table for terminals; CJK characters count as two columns. With `total_width`
    the widest columns are narrowed (values cut with …) until a line fits."""
    variables = [_visible(str(v)) for v in variables]
    cells = [[_clip(_short(t), max_width) for t in row] for row in rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(variables)]
    if total_width:
        while sum(widths) + 3 * (len(widths) - 1) > total_width and max(widths, default=0) > 6:
            widths[widths.index(max(widths))] -= 1
        cells = [[_clip(c, w) for c, w in zip(r, widths)] for r in cells]

    def line(values: Sequence[str]) -> str:
        return " | ".join(_clip(v, w) + " " * (w - _width(_clip(v, w))) for v, w in zip(values, widths)).rstrip()

    out = [line(variables), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_results(variables: Sequence[str], rows: Sequence[Row], fmt: str = "table") -> str:
    if fmt == "json":
        if variables == ["ask"] and len(rows) == 1 and isinstance(rows[0][0], bool):
            return format_json([], [], boolean=rows[0][0]) + "\n"
        return format_json(variables, rows) + "\n"
    if fmt in ("csv", "tsv"):
        return (format_csv if fmt == "csv" else format_tsv)(variables, rows)
    if fmt == "xml":
        if variables == ["ask"] and len(rows) == 1 and isinstance(rows[0][0], bool):
            return format_xml([], [], boolean=rows[0][0])
        return format_xml(variables, rows)
    if fmt == "table":
        view = table_view(variables)
        if view:
            pick = [list(variables).index(v) for v, _ in view]
            variables, rows = [h for _, h in view], [tuple(r[i] for i in pick) for r in rows]
        return format_table(variables, rows, total_width=shutil.get_terminal_size((120, 24)).columns)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------- what `zhkg query` runs


def query_command(
    out_dir: str | os.PathLike[str],
    query_or_file: str,
    fmt: str = "table",
    bindings: Mapping[str, Any] | None = None,
    cache: bool = False,
    allow_service: bool = False,
) -> str:
    """What `zhkg query OUT QUERY_OR_FILE.rq [--format table|csv|json]` prints.

    SERVICE is refused unless `allow_service`: a query file from elsewhere must not make this
    machine fetch URLs (internal ones included) by being run. The checked query then runs in a child
    process cut off the network (`_in_child`), so a SERVICE the check missed fails there."""
    query = check_query(bind(load_query(query_or_file), bindings), allow_service=allow_service)

    def answer() -> str:
        variables, rows = run_query(open_store(out_dir, cache=cache), query)
        return format_results(variables, rows, fmt)

    return _in_child(answer, offline=not allow_service)


_ENGINE_STACK = 512 << 20
_CHILD_ERRORS: tuple[type[BaseException], ...] = (FileNotFoundError, SyntaxError, ValueError, OSError, RuntimeError)


def _on_deep_stack(fn: Callable[[], str]) -> str:
    """fn() on a thread with a 512 MiB stack (reserved; pages are used only as touched).

    pyoxigraph's parser and evaluator recurse once per operator of a chain (`1||1||...`, `!!!...`):
    rdflib's check lets such a chain through, and within MAX_QUERY_CHARS it can need tens of MiB,
    past the usual 8 MiB stack (SIGSEGV). Where such a thread cannot be made, fn runs on this one."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread below
            box["error"] = exc

    try:
        old = threading.stack_size(_ENGINE_STACK)
    except (ValueError, RuntimeError):
        return fn()
    thread: threading.Thread | None = threading.Thread(target=target, name="zhkg-query", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no memory for the stack: a strict overcommit policy
        thread = None
    finally:
        threading.stack_size(old)
    if thread is None:
        return fn()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _in_child(fn: Callable[[], str], offline: bool = True) -> str:
    """fn() in a forked child that first leaves the network (`exports.sandbox.cut_network`, as the
    server's workers do): the second wall behind `check_query`, so a SERVICE the check missed fails
    there instead of reaching a URL. A crash of the engine ends the child, not this process, and
    comes back as one RuntimeError. Errors come back as their builtin family (SyntaxError, OSError...).

    Linux only (fork, network namespaces); elsewhere fn runs in this process, the check the only wall.
    Where the kernel gives no network namespace the child runs with the network (check only), but
    still takes a crash. Fork is safe here as `zhkg query` has loaded no store before: a process that
    has opened RocksDB stores (`cache=True`) and has their threads running should not rely on it."""
    if not sys.platform.startswith("linux"):
        return _on_deep_stack(fn)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(read_fd, write_fd, fn, offline)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:  # Ctrl-C: the child goes too
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    return _child_reply(data, status)


def _child(read_fd: int, write_fd: int, fn: Callable[[], str], offline: bool) -> None:
    """The forked side of `_in_child`: never returns (os._exit, so no parent's buffers or atexit run)."""
    try:
        os.close(read_fd)
        faulthandler.disable()  # a crash is told by the parent in one line, not as this child's stack
        if offline:
            from .sandbox import cut_network

            cut_network()
        reply: dict[str, str] = {"value": _on_deep_stack(fn)}
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent as text
        family = next((c for c in _CHILD_ERRORS if isinstance(exc, c)), RuntimeError)
        reply = {"error": family.__name__, "message": str(exc) or type(exc).__name__}
    try:
        with os.fdopen(write_fd, "w", encoding="utf-8") as pipe:
            json.dump(reply, pipe, ensure_ascii=False)
    finally:
        os._exit(0)


def _child_reply(data: bytes, status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        raise RuntimeError(f"the query engine crashed ({signal.Signals(sig).name}): the query is too deep "
                           "or too large for it")
    try:
        reply = json.loads(data.decode("utf-8"))
    except ValueError:
        raise RuntimeError("the query process ended without an answer") from None
    if "error" in reply:
        family = {c.__name__: c for c in _CHILD_ERRORS}.get(reply["error"], RuntimeError)
        raise family(reply["message"])
    return reply["value"]


def one_line(text: str) -> str:
    """An error as one printable line: messages quote the query, which may come from elsewhere."""
    return _visible(" ".join(text.split()))


__all__ = [
    "MAX_QUERY_CHARS",
    "QueryRejected",
    "bind",
    "blank_literals",
    "build_disk_store",
    "cannot_call_service",
    "check_query",
    "escape_outside_terms",
    "example_queries",
    "expand_escapes",
    "format_csv",
    "format_json",
    "format_results",
    "format_table",
    "format_tsv",
    "format_xml",
    "load_query",
    "nesting_depth",
    "one_line",
    "open_store",
    "query_command",
    "run_query",
    "table_columns",
    "table_view",
    "term_json",
]
