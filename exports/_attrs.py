"""Attribute hygiene shared by the GraphML and GEXF writers.

Graph viewers (Gephi above all) and igraph break on the things networkx lets through: None values,
lists, one attribute name carrying ints on some nodes and strings on others, duplicate or missing
edge ids. Both XML writers first turn the graph into flat tables with one declared type per
attribute name, so neither format can drift from the other.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from zhkg.graph.schema import stable_id

# Attribute names that GEXF (and networkx's GEXF reader) treat as structure, not data. `start`/`end`
# would turn evidence offsets into time spells, so they are renamed in every XML export.
RESERVED_RENAMES = {
    "start": "evidence_start",
    "end": "evidence_end",
    "id": "orig_id",
    "pid": "orig_pid",
    "viz": "orig_viz",
    "parents": "orig_parents",
    "spells": "orig_spells",
    "slices": "orig_slices",
}

# What XML 1.0 cannot carry at all, even escaped: C0 controls but tab and line ends, lone surrogates,
# U+FFFE and U+FFFF. lxml refuses such strings, so a text with one would cost the whole export.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids. Only the XML exports drop them, and only from
    labels and values, never from ids (see `key_id`): offsets stay those of the original text (JSON
    and RDF outputs keep every character)."""
    return _XML_ILLEGAL.sub("", text)


_TO_ESCAPE = re.compile(r"\\|" + _XML_ILLEGAL.pattern)


def _escape(m: re.Match[str]) -> str:
    return "\\\\" if m[0] == "\\" else f"\\u{ord(m[0]):04x}"  # XML forbids BMP characters only


def key_id(key: str) -> str:
    """A node key as text XML can carry, one to one: a backslash is doubled and each character XML
    forbids becomes `\\uXXXX`. Dropping them instead made `王\\uffff杰` and `王杰` one id and cost the
    whole export; an ordinary key (no backslash, no control character) is its own id."""
    return _TO_ESCAPE.sub(_escape, key)


def unique_ids(items: Iterable[Hashable], primary: Callable[[Hashable], str], spare: str) -> dict[Hashable, str]:
    """One id per item, two items never sharing one: `primary(item)` where no other item has it, else
    `spare` + the hex of the item's repr, a prefix `primary` never writes. Only a hash collision, or
    two nodes with one string form (1 and "1"), reach the spare form; the id of an item depends on
    the set of items, never on their order, so a rebuild gives the same ids."""
    ids = {item: primary(item) for item in items}
    taken = Counter(ids.values())
    for item, iid in ids.items():
        if taken[iid] > 1:
            ids[item] = spare + repr(item).encode("utf-8", "surrogatepass").hex()
    return ids


# The order in which types widen: a column with any str is str; int and float mix to float;
# bool mixed with anything else becomes str (True is not 1 in a viewer's filter).
_KIND = {bool: "boolean", int: "long", float: "double", str: "string"}


def _scalar(value: Any) -> Any:
    """Lists and dicts become JSON text; None and NaN vanish (returned as None = drop)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set, dict)):
        if isinstance(value, set):
            value = sorted(value, key=str)
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _kind(value: Any) -> str:
    return _KIND.get(type(value), "string")


def _merge_kinds(kinds: set[str]) -> str:
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= {"long", "double"}:
        return "double"
    return "string"


def _coerce(value: Any, kind: str) -> Any:
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    if kind == "double":
        return float(value)
    return value


@dataclass
class Table:
    """Flat, typed rows for one element class (nodes or edges)."""

    kinds: dict[str, str] = field(default_factory=dict)  # attribute name -> long|double|boolean|string
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (element id, attributes)


@dataclass
class FlatGraph:
    nodes: Table
    edges: Table
    edge_ends: list[tuple[str, str]]  # (source id, target id), parallel to edges.rows
    node_ids: dict[Any, str]


def _finish(table: Table) -> None:
    seen: dict[str, set[str]] = {}
    for _, attrs in table.rows:
        for k, v in attrs.items():
            seen.setdefault(k, set()).add(_kind(v))
    table.kinds = {k: _merge_kinds(seen[k]) for k in sorted(seen, key=lambda k: (k not in ("label", "type"), k))}
    for _, attrs in table.rows:
        for k, v in list(attrs.items()):
            v = _coerce(v, table.kinds[k])
            attrs[k] = xml_safe(v) if isinstance(v, str) else v


def flatten(G: nx.Graph, node_id: str = "hash") -> FlatGraph:
    """Typed node/edge tables; `node_id` is 'hash' (XML-name-safe `n<stable_id>`) or 'key' (`key_id`).

    Every node gets string `label`, `type` and `node_key` (the key as `key_id` writes it, so a reader
    can map back to the graph); every edge a string `label`, a unique stable id, and no weight unless
    the weight is positive. Ids come from the whole node key, so no text, however odd, makes two
    nodes one or stops the export.
    """
    if node_id == "hash":
        node_ids = unique_ids(G.nodes, lambda n: "n" + stable_id(str(n)), spare="x")
    else:  # a spare id starts with `\x`, which `key_id` never writes (its escapes are `\\` and `\u`)
        node_ids = unique_ids(G.nodes, lambda n: key_id(str(n)), spare="\\x")
    nodes = Table()
    for n, data in G.nodes(data=True):
        attrs: dict[str, Any] = {}
        for k, v in data.items():
            v = _scalar(v)
            if v is None:
                continue
            attrs[RESERVED_RENAMES.get(k, k) if k not in ("label", "type") else k] = v
        attrs["label"] = str(attrs.get("label", n))
        attrs["type"] = str(attrs.get("type", "Unknown"))
        attrs["node_key"] = key_id(str(n))
        nodes.rows.append((node_ids[n], attrs))

    edges = Table()
    ends: list[tuple[str, str]] = []
    multi = G.is_multigraph()
    all_edges = list(G.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in G.edges(data=True)))
    labels = {(u, v, key): str(data.get("label", key if key is not None else "")) for u, v, key, data in all_edges}
    edge_ids = unique_ids(labels, lambda e: "e" + stable_id(f"{e[0]}\x1f{labels[e]}\x1f{e[1]}\x1f{e[2]}"), spare="y")
    for u, v, key, data in all_edges:
        label, eid = labels[(u, v, key)], edge_ids[(u, v, key)]
        attrs = {}
        for k, val in data.items():
            val = _scalar(val)
            if val is None or k == "label":
                continue
            if k == "weight":
                # Gephi drops zero-weight edges on import: keep the edge, park the odd weight.
                ok = isinstance(val, (int, float)) and not isinstance(val, bool) and val > 0
                attrs["weight" if ok else "orig_weight"] = float(val) if ok else val
                continue
            attrs[RESERVED_RENAMES.get(k, k)] = val
        attrs["label"] = label
        edges.rows.append((eid, attrs))
        ends.append((node_ids[u], node_ids[v]))
    _finish(nodes)
    _finish(edges)
    return FlatGraph(nodes=nodes, edges=edges, edge_ends=ends, node_ids=node_ids)


# Colours and sizes per node type, shared by GEXF (viz) and GraphML (r, g, b, size keys Gephi maps).
TYPE_STYLE: dict[str, tuple[tuple[int, int, int], float]] = {
    "Person": ((228, 26, 28), 12.0),
    "Organization": ((55, 126, 184), 14.0),
    "Place": ((77, 175, 74), 10.0),
    "Membership": ((152, 78, 163), 4.0),
    "Document": ((255, 127, 0), 8.0),
    "Role": ((166, 86, 40), 6.0),
}
DEFAULT_STYLE: tuple[tuple[int, int, int], float] = ((153, 153, 153), 5.0)


def quoteattr(value: str) -> str:
    """An XML attribute value, quoted, for the exports written as text (newlines and tabs kept)."""
    return '"' + value.translate(_ATTR_ESCAPES) + '"'


def text(value: str) -> str:
    """XML character data for the exports written as text."""
    return value.translate(_TEXT_ESCAPES)


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;",
                               "\r": "&#13;", "\t": "&#9;"})


def fmt_value(value: Any) -> str:
    """Text of a typed value as XML Schema expects it (lower-case booleans, repr-exact floats)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
