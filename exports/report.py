"""report.html: the page a user opens first — the graph drawn, every fact in a table, a summary.

One self-contained file, so it opens from a mail attachment or an offline laptop: the drawing
library (Cytoscape.js, MIT, vendored in `exports/vendor/` at the pinned version below) and the data
are inlined; nothing is fetched. The drawn graph keeps what a reader asks about — people, units,
places — and leaves out the RDF plumbing (memberships, roles, documents become edge labels and
the side panel). The first view is meant to be read, not zoomed into: it draws `DEFAULT_CAP` nodes,
the most connected people and units first (by number of neighbours, places counting half, each node
drawn lending its neighbours a bonus so the view holds groups rather than scattered hubs), with
"everything" and an "at most N nodes" box beside it; the layout is scaled to the window and label
collisions are pushed apart, so every label drawn is at least 11 px on screen (labels that would be
smaller are left undrawn until the user zooms in). People whose only facts are press credits
(`CREDIT_RULES`, `记者`, `摄影` …) are left out unless the "press credits" box is ticked. The page
redraws on demand around a search, a city or a unit.

The facts table is plain HTML, one `<tr data-fact="i">` per line of facts.jsonl, so a test can count
rows and the first page reads without JavaScript; rows past the first `PAGE_ROWS` come `hidden`
(a browser laying out 10,000 visible rows as they arrive took seconds before the graph could draw).
The script sorts, filters and pages those rows, and the person panel reads a person's posts from
them instead of carrying the facts twice.
Evidence is shown as the pipeline read it (`evidence_repaired`: converter damage repaired, pinyin
annotations dropped, Simplified), the text as written in the article on hover (`title`). A person's panel
starts with their career: one row per post (role, unit, city) with its date range and latest status,
in date order, undated posts last.
`<body data-nodes="N">` is set once the graph is drawn (`data-ready-ms`: milliseconds since the
page started loading), which is what the browser tests and `python -m benchmarks.report` read, with
`data-labels` (each drawn label's box on screen and its size in px) and `data-cjk` (`ok`, or `tofu`
when this browser draws Chinese as boxes: the page then says which font to install).

Names in the page come from file names and articles, which anyone writes, so they only ever go in as
data: HTML-escaped in the table and the summary, and the graph as JSON in a
`<script type="application/json">` block with `<`, `>`, `&` escaped (nothing can close it), which the
script reads with `JSON.parse`. The template's `__NAME__` markers are filled in one pass (`fill`), so a
file named `__LIBRARY__.txt` is a name in the table, not a second copy of Cytoscape.js. A link to a
view (`#q=`, `#unit=`, `#city=`) that matches nothing draws the default graph and says so.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from zhkg.graph.schema import node_key

VENDOR_DIR = Path(__file__).with_name("vendor")
CYTOSCAPE_VERSION = "3.35.0"
CYTOSCAPE_JS = VENDOR_DIR / f"cytoscape-{CYTOSCAPE_VERSION}.min.js"
DEFAULT_CAP = 50  # nodes in the first view: what 1400×900 holds with every label legible
# facts that credit a name in the press (a byline, a caption) rather than state a post
CREDIT_RULES = frozenset({"byline", "credit", "credits", "photo"})
PAGE_ROWS = 500  # facts-table rows shown at once; the rest are in the DOM with `hidden`
# facts.jsonl columns shown in the table, in this order
COLUMNS = ("person", "role", "unit", "city", "status", "date", "doc", "evidence", "rule", "confidence")
_TYPES = {"Person": "person", "Organization": "unit", "Place": "place"}


def _targets(G: nx.MultiDiGraph, n: Any) -> dict[str, Any]:
    return {d.get("label"): v for _, v, d in G.out_edges(n, data=True)}


def graph_data(G: nx.MultiDiGraph) -> dict[str, Any]:
    """People, units and places with their number of posts, and the edges between them.

    A membership becomes one person→unit edge (labelled with its roles), or person→place when the
    fact names no unit; units keep their parent unit and their place, places their parent place, so
    a city filter can walk down the chain."""
    index: dict[Any, int] = {}
    nodes: list[dict[str, Any]] = []

    def nid(n: Any) -> int:
        if n not in index:
            d = G.nodes[n]
            index[n] = len(nodes)
            nodes.append({"id": len(nodes), "t": _TYPES[d["type"]], "n": str(d.get("name") or d.get("label")),
                          "w": 0})
        return index[n]

    roles: dict[tuple[int, int], Counter] = defaultdict(Counter)
    structure: set[tuple[int, int, str]] = set()
    careers: dict[int, dict[tuple[str, int, int], list]] = defaultdict(dict)
    credited: dict[int, bool] = {}  # person → every fact of theirs is a press credit
    credit_roles = _credit_roles()
    for m, d in G.nodes(data=True):
        if d.get("type") != "Membership":
            continue
        ends = _targets(G, m)
        if "member" not in ends:
            continue
        person = nid(ends["member"])
        nodes[person]["w"] += 1
        credited[person] = credited.get(person, True) and (
            d.get("rule") in CREDIT_RULES or str(d.get("role") or "") in credit_roles)
        _add_post(careers[person], ends, d, nid)
        other = ends.get("organization", ends.get("city"))
        for key in ("organization", "city"):
            if key in ends:
                nodes[nid(ends[key])]["w"] += 1
        if other is not None:
            roles[(person, nid(other))][str(d.get("role") or "")] += 1
    # parent units and places up the chain, so a province filter finds its cities' units
    grew = True
    while grew:
        grew = False
        for u, v, d in G.edges(data=True):
            if d.get("label") in ("containedInPlace", "subOrganizationOf", "location") and u in index \
                    and (v not in index or (index[u], index[v], d["label"]) not in structure):
                structure.add((nid(u), nid(v), d["label"]))
                grew = True
    edges = [[p, o, "、".join(r for r, _ in c.most_common() if r), sum(c.values())]
             for (p, o), c in sorted(roles.items())]
    edges += [[u, v, "", 0] for u, v, _ in sorted(structure)]
    names = [n["n"] for n in nodes]
    for person, is_credit in credited.items():
        if is_credit:
            nodes[person]["c"] = 1
        nodes[person]["p"] = career(careers[person], names)
    for n, i in index.items():
        if G.nodes[n].get("merge_reason"):
            nodes[i]["m"] = G.nodes[n]["merge_reason"]
        if G.nodes[n].get("alt") and G.nodes[n]["alt"] != nodes[i]["n"]:
            nodes[i]["a"] = "".join(str(G.nodes[n]["alt"]).split())  # the Traditional form as written, searchable too
    return {"nodes": nodes, "edges": edges, "index": {str(k): v for k, v in index.items()}}


def _credit_roles() -> frozenset[str]:
    """The roles a byline or caption credits (记者, 摄影, 编辑 …), as the credit rules read them."""
    from zhkg.ner.words import words  # the word lists only: no model, no rules

    return frozenset(words("byline_role"))


def _add_post(posts: dict[tuple[str, int, int], list], ends: dict[str, Any], d: dict[str, Any],
              nid: Callable[[Any], int]) -> None:
    """Fold one Membership into a person's posts: (role, unit, city) → [(date, status)…, dates, count].

    A Membership carries `date` (its document's); one that stands for several facts may carry
    `first_date`/`last_date`, which are read first. Units and cities are node indices (-1: none)."""
    key = (str(d.get("role") or ""), nid(ends["organization"]) if "organization" in ends else -1,
           nid(ends["city"]) if "city" in ends else -1)
    first = str(d.get("first_date") or d.get("date") or "")
    last = str(d.get("last_date") or d.get("date") or "") or first
    entry = posts.setdefault(key, [[], [], 0])
    entry[0].append((last, str(d.get("status") or "")))
    entry[1] += [x for x in (first, last) if x]
    entry[2] += 1


def career(posts: dict[tuple[str, int, int], list], names: Sequence[str]) -> list[list[Any]]:
    """A person's posts as timeline rows `[role, unit, city, status, from, to, facts]` (unit and city as
    node indices, -1 for none, `names` naming them for the order), in date order (by first date, then
    last), undated posts last; the status is the latest dated fact's."""
    rows = []
    for (role, unit, city), (statuses, dates, count) in posts.items():
        status = max(statuses, key=lambda x: (x[0] != "", x[0]))[1]
        rows.append([role, unit, city, status, min(dates, default=""), max(dates, default=""), count])

    def name(i: int) -> str:
        return names[i] if i >= 0 else ""

    return sorted(rows, key=lambda r: (r[4] == "", r[4], r[5], name(r[1]), r[0], name(r[2])))


def summary_data(G: nx.MultiDiGraph, documents: Sequence, skipped: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """What the summary section says: counts, people merged across documents and why, place linking."""
    places = [e for d in documents for e in d.entities if e["type"] == "PLACE"]
    merged = []
    for n, d in G.nodes(data=True):
        if d.get("type") == "Person" and d.get("merge_reason"):
            docs = sum(1 for _, _, e in G.out_edges(n, data=True) if e.get("label") == "mentionedIn")
            merged.append((str(d.get("name")), docs, str(d["merge_reason"])))
    types = Counter(d.get("type") for _, d in G.nodes(data=True))
    return {
        "documents": len(documents),
        "chars": sum(d.chars for d in documents),
        "facts": sum(len(d.facts) for d in documents),
        "persons": types["Person"],
        "units": types["Organization"],
        "places": types["Place"],
        "place_mentions": len(places),
        "places_coded": sum(1 for e in places if e.get("key")),
        "places_located": sum(1 for e in places if e.get("key") or e.get("parent_key")),
        "merged": sorted(merged, key=lambda r: (-r[1], r[0])),
        "skipped": [[_shown(path), reason] for path, reason in skipped],
    }


def _shown(path: str) -> str:
    """A skipped file as the report names it: an absolute path by its file name only (the page is
    shared; the machine's folders are nobody's business), a relative one as typed."""
    return os.path.basename(path) if os.path.isabs(path) else path


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def _summary_html(s: dict[str, Any]) -> str:
    esc = html.escape
    rows = [
        ("documents read", f"{s['documents']:,} ({s['chars']:,} characters)"),
        ("facts (person – role – unit – city)", f"{s['facts']:,}"),
        ("people / units / places in the graph", f"{s['persons']:,} / {s['units']:,} / {s['places']:,}"),
        ("place mentions linked to a division code",
         (f"{_pct(s['places_coded'], s['place_mentions'])} own code, "
          f"{_pct(s['places_located'], s['place_mentions'])} own or the division they lie in "
          f"(of {s['place_mentions']:,})")),
        ("people merged across documents", f"{len(s['merged']):,}"),
        ("files skipped", f"{len(s['skipped']):,}"),
    ]
    out = ['<table class="summary">'] + [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    if s["merged"]:
        out.append('<details><summary>People merged across documents, and why</summary>'
                   '<table class="merged"><tr><th>person</th><th>documents</th><th>reason</th></tr>')
        out += [f"<tr><td>{esc(n)}</td><td>{k}</td><td>{esc(r)}</td></tr>" for n, k, r in s["merged"]]
        out.append("</table></details>")
    if s["skipped"]:
        out.append('<details open><summary>Skipped files</summary><ul class="skipped">')
        out += [f"<li><code>{esc(p)}</code>: {esc(r)}</li>" for p, r in s["skipped"]]
        out.append("</ul></details>")
    return "\n".join(out)


def _people_by_mention(G: nx.MultiDiGraph) -> dict[tuple[str, str], str]:
    """(document node, name) → the person node the graph resolved that name to in that document.

    Read from the `mentionedIn` edges the build drew, so the table links a row to the very person the
    graph holds (merged across documents or not) instead of working identity out a second time."""
    return {(doc, str(G.nodes[person].get("name"))): person
            for person, doc, label in G.edges(data="label") if label == "mentionedIn"}


def _fact_rows(G: nx.MultiDiGraph, documents: Sequence, index: dict[str, int]) -> str:
    people = _people_by_mention(G)
    esc = html.escape
    out = []
    i = 0
    for doc in documents:
        # the document's node, keyed as the build keys it (an `ident` where it tells same-named files apart)
        doc_node = node_key("Document", getattr(doc, "ident", doc.name))
        for f in doc.facts:
            pid = index.get(people.get((doc_node, f["person"]), ""), -1)
            cells = "".join(_evidence_cell(f) if c == "evidence" else
                            f"<td>{esc('' if f.get(c) is None else str(f.get(c)))}</td>" for c in COLUMNS)
            hidden = " hidden" if i >= PAGE_ROWS else ""
            out.append(f'<tr data-fact="{i}" data-person="{pid}"{hidden}>{cells}</tr>')
            i += 1
    return "\n".join(out)


def _evidence_cell(f: dict[str, Any]) -> str:
    """The evidence as the pipeline read it; where that differs from the article as written (repaired
    converter damage, pinyin dropped, Traditional folded), the text as written is its `title`."""
    written = str(f.get("evidence") or "")
    read = f.get("evidence_repaired")
    read = written if read is None else str(read)
    if read == written:
        return f"<td>{html.escape(written)}</td>"
    return f'<td><span class="rep" title="{html.escape(AS_WRITTEN + written)}">{html.escape(read)}</span></td>'


AS_WRITTEN = "as written: "  # what a repaired evidence's tooltip starts with


# what `<script type="application/json">` must not hold raw: `<` could start `</script>` or `<!--`,
# and the rest are escaped too, as JSON-in-HTML usually is, so no parser, old or strict, misreads the text
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _script_json(value: Any) -> str:
    """JSON safe inside <script>: nothing in it can close the element or open a comment, whatever the data.
    The characters escaped only ever occur inside JSON strings, where `\\u003c` reads back as `<`."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def _library() -> str:
    """Cytoscape.js as the inline script holds it (`</script` inside it would end the element)."""
    return CYTOSCAPE_JS.read_text(encoding="utf-8").replace("</script", "<\\/script")


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each `__NAME__` marker replaced, in one pass over the template alone.

    A replacement is never scanned again, so data that spells a marker (a file named `__LIBRARY__.txt`,
    `x__DATA__.txt`) stays text where it was put, instead of splicing the library or the raw graph into
    the page as chained `str.replace` calls did. Every marker must be in the template, and only those."""
    pattern = re.compile("__(" + "|".join(map(re.escape, values)) + ")__")
    missing = set(values) - set(pattern.findall(template))
    if missing:
        raise ValueError(f"report template lacks the markers {sorted(missing)}")
    return pattern.sub(lambda m: values[m.group(1)], template)


def render_report(G: nx.MultiDiGraph, documents: Sequence, skipped: Iterable[tuple[str, str]] = (),
                  title: str = "zhkg report", cap: int = DEFAULT_CAP) -> str:
    """The whole page as text."""
    documents = list(documents)
    data = graph_data(G)
    index = data.pop("index")
    summary = summary_data(G, documents, skipped)
    head = "".join(f'<th data-col="{i}">{c}</th>' for i, c in enumerate(COLUMNS))
    return fill(_TEMPLATE, {
        "TITLE": html.escape(title),
        "SUMMARY": _summary_html(summary),
        "HEAD": head,
        "NFACTS": str(int(summary["facts"])),
        "CAP": str(int(cap)),
        "PAGE": str(PAGE_ROWS),
        "VERSION": CYTOSCAPE_VERSION,
        "ROWS": _fact_rows(G, documents, index),
        "DATA": _script_json(data),
        "LIBRARY": _library(),
    })


def write_report(G: nx.MultiDiGraph, documents: Sequence, path: str | os.PathLike[str],
                 skipped: Iterable[tuple[str, str]] = (), cap: int = DEFAULT_CAP) -> None:
    """Write report.html (see the module docstring for what it holds)."""
    Path(path).write_text(render_report(G, documents, skipped, cap=cap), encoding="utf-8")


_TEMPLATE = Path(__file__).with_name("report.html.in").read_text(encoding="utf-8")

__all__ = ["AS_WRITTEN", "CREDIT_RULES", "CYTOSCAPE_VERSION", "DEFAULT_CAP", "career", "graph_data", "render_report",
           "summary_data", "write_report"]
