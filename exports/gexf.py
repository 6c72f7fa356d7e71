"""GEXF 1.3 export: Gephi's native format and its best input.

Written with lxml rather than `networkx.write_gexf` because networkx (3.6) turns `start`/`end`
attributes into time spells — our evidence offsets would make a "dynamic" graph — writes the edge
key as an extra attribute, has no edge `kind`, and puts the 1.3 xsi namespace under a wrong URI.
Node ids are the graph's node keys (GEXF ids are free strings), so `networkx.read_gexf` gives the
same keys back. Offsets travel as `evidence_start`/`evidence_end`. No timestamp is written, so a
rebuild gives a byte-identical file.

Dates go on edges for Gephi's timeline (graph mode "dynamic", timeformat "date", edge `start`/`end`):
an edge out of a Membership lasts the report date of its fact; an edge with `first_date`/`last_date`
(the person–unit projection) spans those. Edges without a date are always present; a graph with no
dated edge stays "static".
"""

from __future__ import annotations

import os
import re

import networkx as nx
from lxml import etree

from ._attrs import DEFAULT_STYLE, TYPE_STYLE, flatten, fmt_value

NS = "http://gexf.net/1.3"
NS_VIZ = "http://gexf.net/1.3/viz"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _edge_dates(G: nx.Graph, source: str, attrs: dict) -> tuple[str, str] | None:
    first, last = str(attrs.get("first_date", "")), str(attrs.get("last_date", attrs.get("first_date", "")))
    if _DATE.match(first) and _DATE.match(last):
        return first, last
    node = G.nodes[source] if source in G else {}
    date = str(node.get("date", ""))
    return (date, date) if node.get("type") == "Membership" and _DATE.match(date) else None


def to_gexf_tree(G: nx.Graph) -> etree._ElementTree:
    """The GEXF 1.3 document as an lxml tree (what `write_gexf` writes)."""
    flat = flatten(G, node_id="key")
    root = etree.Element(f"{{{NS}}}gexf", nsmap={None: NS, "viz": NS_VIZ, "xsi": NS_XSI},
                         version="1.3")
    root.set(f"{{{NS_XSI}}}schemaLocation", f"{NS} {NS}/gexf.xsd")
    meta = etree.SubElement(root, f"{{{NS}}}meta")
    etree.SubElement(meta, f"{{{NS}}}creator").text = "zhkg"
    etree.SubElement(meta, f"{{{NS}}}description").text = "person-role-unit-city facts from Chinese news"
    key_of = {nid: n for n, nid in flat.node_ids.items()}
    dates = [_edge_dates(G, key_of[src], attrs) for (_eid, attrs), (src, _dst) in zip(flat.edges.rows, flat.edge_ends)]
    timeline = {"mode": "dynamic", "timeformat": "date"} if any(dates) else {"mode": "static"}
    graph = etree.SubElement(root, f"{{{NS}}}graph", defaultedgetype="directed" if G.is_directed()
                             else "undirected", **timeline)
    # `label` is an XML attribute of node/edge in GEXF; the rest are declared attributes.
    node_cols = [k for k in flat.nodes.kinds if k != "label"]
    edge_cols = [k for k in flat.edges.kinds if k not in ("label", "weight")]
    for cls, cols, kinds in (("node", node_cols, flat.nodes.kinds), ("edge", edge_cols, flat.edges.kinds)):
        if cols:
            el = etree.SubElement(graph, f"{{{NS}}}attributes", {"class": cls, "mode": "static"})
            for name in cols:
                etree.SubElement(el, f"{{{NS}}}attribute", id=name, title=name, type=kinds[name])
    nodes = etree.SubElement(graph, f"{{{NS}}}nodes")
    for nid, attrs in flat.nodes.rows:
        el = etree.SubElement(nodes, f"{{{NS}}}node", id=nid, label=attrs["label"])
        vals = etree.SubElement(el, f"{{{NS}}}attvalues")
        for name in node_cols:
            if name in attrs:
                etree.SubElement(vals, f"{{{NS}}}attvalue", {"for": name, "value": fmt_value(attrs[name])})
        (r, g, b), size = TYPE_STYLE.get(attrs["type"], DEFAULT_STYLE)
        etree.SubElement(el, f"{{{NS_VIZ}}}color", r=str(r), g=str(g), b=str(b), a="1.0")
        etree.SubElement(el, f"{{{NS_VIZ}}}size", value=repr(size))
    edges = etree.SubElement(graph, f"{{{NS}}}edges")
    for (eid, attrs), (src, dst), span in zip(flat.edges.rows, flat.edge_ends, dates):
        kw = {"id": eid, "source": src, "target": dst, "label": attrs["label"], "kind": attrs["label"]}
        if "weight" in attrs:
            kw["weight"] = fmt_value(attrs["weight"])
        if span:
            kw["start"], kw["end"] = span
        el = etree.SubElement(edges, f"{{{NS}}}edge", kw)
        present = [n for n in edge_cols if n in attrs]
        if present:
            vals = etree.SubElement(el, f"{{{NS}}}attvalues")
            for name in present:
                etree.SubElement(vals, f"{{{NS}}}attvalue", {"for": name, "value": fmt_value(attrs[name])})
    return etree.ElementTree(root)


def write_gexf(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write G as GEXF 1.3: labels, a `type` attribute, colour and size by type, edge kinds."""
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    to_gexf_tree(G).write(tmp, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    os.replace(tmp, path)


__all__ = ["to_gexf_tree", "write_gexf"]
