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
    """`text` without the characters XML 1.0 forbids. Only the XML exports drop them: offsets stay
    those of the original text (JSON and RDF outputs keep every character)."""
    return _XML_ILLEGAL.sub("", text)


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
    """Typed node/edge tables; `node_id` is 'hash' (XML-name-safe `n<stable_id>`) or 'key' (node key).

    Every node gets string `label`, `type` and `node_key` (so a reader can map back to the graph);
    every edge a string `label`, a unique stable id, and no weight unless the weight is positive.
    """
    node_ids: dict[Any, str] = {}
    nodes = Table()
    for n, data in G.nodes(data=True):
        nid = "n" + stable_id(str(n)) if node_id == "hash" else xml_safe(str(n))
        node_ids[n] = nid
        attrs: dict[str, Any] = {}
        for k, v in data.items():
            v = _scalar(v)
            if v is None:
                continue
            attrs[RESERVED_RENAMES.get(k, k) if k not in ("label", "type") else k] = v
        attrs["label"] = str(attrs.get("label", n))
        attrs["type"] = str(attrs.get("type", "Unknown"))
        attrs["node_key"] = str(n)
        nodes.rows.append((nid, attrs))
    if len(set(node_ids.values())) != len(node_ids):  # pragma: no cover - sha1 prefix collision
        raise ValueError("two node keys map to the same export id; raise stable_id length")

    edges = Table()
    ends: list[tuple[str, str]] = []
    used: set[str] = set()
    multi = G.is_multigraph()
    it = G.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, key, data in it:
        label = str(data.get("label", key if key is not None else ""))
        eid = "e" + stable_id(f"{u}\x1f{label}\x1f{v}\x1f{key}")
        while eid in used:  # pragma: no cover - only on hash collision
            eid = "e" + stable_id(eid + "+")
        used.add(eid)
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
