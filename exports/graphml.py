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

import networkx as nx
from lxml import etree

from ._attrs import DEFAULT_STYLE, TYPE_STYLE, flatten, fmt_value

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


def to_graphml_tree(G: nx.Graph) -> etree._ElementTree:
    """The GraphML document as an lxml tree (what `write_graphml` writes and the tests validate)."""
    flat = flatten(G, node_id="hash")
    for _nid, attrs in flat.nodes.rows:
        (r, g, b), size = TYPE_STYLE.get(attrs["type"], DEFAULT_STYLE)
        attrs.update(r=r, g=g, b=b, size=size)
    flat.nodes.kinds.update(r="int", g="int", b="int", size="double")
    for name in ("r", "g", "b", "size"):
        kinds = {type(a[name]) for _, a in flat.nodes.rows}
        flat.nodes.kinds[name] = "int" if kinds == {int} else "double"

    root = etree.Element(f"{{{NS}}}graphml", nsmap={None: NS})
    used: set[str] = set()
    node_keys: dict[str, str] = {}
    edge_keys: dict[str, str] = {}
    # Node keys keep their plain names as ids (Gephi matches label/size/r/g/b by id or name);
    # edge keys get an `e_` prefix so `label` can exist for both.
    for name, kind in flat.nodes.kinds.items():
        node_keys[name] = kid = _key_id("", name, used)
        etree.SubElement(root, f"{{{NS}}}key", {"id": kid, "for": "node", "attr.name": name,
                                                "attr.type": kind})
    for name, kind in flat.edges.kinds.items():
        edge_keys[name] = kid = _key_id("e_", name, used)
        etree.SubElement(root, f"{{{NS}}}key", {"id": kid, "for": "edge", "attr.name": name,
                                                "attr.type": kind})
    graph = etree.SubElement(root, f"{{{NS}}}graph",
                             {"id": "G", "edgedefault": "directed" if G.is_directed() else "undirected"})
    for nid, attrs in flat.nodes.rows:
        el = etree.SubElement(graph, f"{{{NS}}}node", {"id": nid})
        for name, value in attrs.items():
            etree.SubElement(el, f"{{{NS}}}data", {"key": node_keys[name]}).text = fmt_value(value)
    for (eid, attrs), (src, dst) in zip(flat.edges.rows, flat.edge_ends):
        el = etree.SubElement(graph, f"{{{NS}}}edge", {"id": eid, "source": src, "target": dst})
        for name, value in attrs.items():
            etree.SubElement(el, f"{{{NS}}}data", {"key": edge_keys[name]}).text = fmt_value(value)
    return etree.ElementTree(root)


def write_graphml(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write G as Gephi-clean GraphML (see module docstring for what "clean" means)."""
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    to_graphml_tree(G).write(tmp, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    os.replace(tmp, path)


def validate_graphml(path: str | os.PathLike[str]) -> list[str]:
    """Errors against the project's GraphML schema (exports/graphml.xsd); [] when valid."""
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    doc = etree.parse(str(path))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


__all__ = ["XSD_PATH", "to_graphml_tree", "validate_graphml", "write_graphml"]
