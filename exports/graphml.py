"""GraphML export that Gephi, networkx and igraph all read without losing anything.

Written with lxml rather than networkx's writer because that one writes edge keys (our labels) as
edge ids — duplicates, which Gephi drops — declares a mixed-type attribute twice (igraph refuses
the file) and writes graph-level keys (Gephi rejects them). Here: node ids are `n<stable_id>`
(GraphML ids are XML NMTOKENs, node keys contain '/' and spaces), the node key travels as the
`node_key` attribute, every edge has a unique stable id, and each attribute has one declared type.
Nodes also carry Gephi's `r`, `g`, `b` and `size` keys so the file opens coloured by type.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TextIO

import networkx as nx
from lxml import etree

from ._attrs import DEFAULT_STYLE, TYPE_STYLE, flatten, fmt_value, quoteattr, text
from ._textfile import parsed, replaced

NS = "http://graphml.graphdrawing.org/xmlns"
XSD_PATH = Path(__file__).with_name("graphml.xsd")
_NMTOKEN_BAD = re.compile(r"[^\w.\-:]")


def _key_id(prefix: str, name: str, used: set[str]) -> str:
    base = _NMTOKEN_BAD.sub("_", name) or "_"
    kid = base if prefix == "" else f"{prefix}{base}"
    i = 1
    while kid in used:
        i += 1
        kid = f"{prefix}{base}_{i}"
    used.add(kid)
    return kid


def _write_graphml_text(G: nx.Graph, out: TextIO) -> None:
    """The GraphML document, written element by element: no tree of the whole graph is held, so a graph
    of hundreds of thousands of nodes costs no more than its table of attributes."""
    flat = flatten(G, node_id="hash")
    for _nid, attrs in flat.nodes.rows:
        (r, g, b), size = TYPE_STYLE.get(attrs["type"], DEFAULT_STYLE)
        attrs.update(r=r, g=g, b=b, size=size)
    flat.nodes.kinds.update(r="int", g="int", b="int", size="double")
    for name in ("r", "g", "b", "size"):
        kinds = {type(a[name]) for _, a in flat.nodes.rows}
        flat.nodes.kinds[name] = "int" if kinds == {int} else "double"

    out.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<graphml xmlns={quoteattr(NS)}>\n")
    used: set[str] = set()
    node_keys: dict[str, str] = {}
    edge_keys: dict[str, str] = {}
    # Node keys keep their plain names as ids (Gephi matches label/size/r/g/b by id or name);
    # edge keys get an `e_` prefix so `label` can exist for both.
    for prefix, target, kinds, ids in (("", "node", flat.nodes.kinds, node_keys),
                                       ("e_", "edge", flat.edges.kinds, edge_keys)):
        for name, kind in kinds.items():
            ids[name] = kid = _key_id(prefix, name, used)
            out.write(f"  <key id={quoteattr(kid)} for={quoteattr(target)} attr.name={quoteattr(name)} "
                      f"attr.type={quoteattr(kind)}/>\n")
    direction = "directed" if G.is_directed() else "undirected"
    out.write(f'  <graph id="G" edgedefault="{direction}">\n')
    for nid, attrs in flat.nodes.rows:
        data = "".join(f"<data key={quoteattr(node_keys[k])}>{text(fmt_value(v))}</data>" for k, v in attrs.items())
        out.write(f"    <node id={quoteattr(nid)}>{data}</node>\n")
    for (eid, attrs), (src, dst) in zip(flat.edges.rows, flat.edge_ends):
        data = "".join(f"<data key={quoteattr(edge_keys[k])}>{text(fmt_value(v))}</data>" for k, v in attrs.items())
        out.write(f"    <edge id={quoteattr(eid)} source={quoteattr(src)} target={quoteattr(dst)}>{data}</edge>\n")
    out.write("  </graph>\n</graphml>\n")


def to_graphml_tree(G: nx.Graph) -> etree._ElementTree:
    """The GraphML document as an lxml tree: what `write_graphml` writes, parsed (the tests validate it)."""
    return parsed(_write_graphml_text, G)


def write_graphml(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write G as Gephi-clean GraphML (see module docstring for what "clean" means)."""
    with replaced(path) as out:
        _write_graphml_text(G, out)


def validate_graphml(path: str | os.PathLike[str]) -> list[str]:
    """Errors against the project's GraphML schema (exports/graphml.xsd); [] when valid."""
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    doc = etree.parse(str(path))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


__all__ = ["XSD_PATH", "to_graphml_tree", "validate_graphml", "write_graphml"]
