"""GEXF 1.3 export: Gephi's native format and its best input.

Written with lxml rather than `networkx.write_gexf` because networkx (3.6) turns `start`/`end`
attributes into time spells — our evidence offsets would make a "dynamic" graph — writes the edge
key as an extra attribute, has no edge `kind`, and puts the 1.3 xsi namespace under a wrong URI.
Node ids are the graph's node keys (GEXF ids are free strings), so `networkx.read_gexf` gives the
same keys back; a key holding a backslash or a character XML cannot carry is escaped (`_attrs.key_id`),
never shortened, so two keys never share an id. Offsets travel as `evidence_start`/`evidence_end`. No timestamp is written, so a
rebuild gives a byte-identical file.

Dates go on edges for Gephi's timeline (graph mode "dynamic", timeformat "date", edge `start`/`end`):
an edge out of a Membership spans its post in the career (`first_date`/`last_date`: the first and last
report of the post, `graph.careers`), or its report date alone; an edge with `first_date`/`last_date`
(the person–unit projection) spans those. Edges without a date are always present; a graph with no
dated edge stays "static".
"""

from __future__ import annotations

import os
from typing import TextIO

import networkx as nx
from lxml import etree

from zhkg.ner.text.dates import valid_date

from ._attrs import DEFAULT_STYLE, TYPE_STYLE, flatten, fmt_value, quoteattr
from ._textfile import parsed, replaced

NS = "http://gexf.net/1.3"
NS_VIZ = "http://gexf.net/1.3/viz"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _edge_dates(G: nx.Graph, source: str, attrs: dict) -> tuple[str, str] | None:
    """The edge's timeline interval; only days that exist (Gephi refuses `2021-02-31` and the whole file)."""
    first, last = valid_date(attrs.get("first_date")), valid_date(attrs.get("last_date", attrs.get("first_date")))
    if first and last:
        return first, last
    node = G.nodes[source] if source in G else {}
    if node.get("type") != "Membership":
        return None
    date = valid_date(node.get("date"))
    first, last = valid_date(node.get("first_date")) or date, valid_date(node.get("last_date")) or date
    return (first, last) if first and last and first <= last else ((date, date) if date else None)


def _write_gexf_text(G: nx.Graph, out: TextIO) -> None:
    """The GEXF 1.3 document, written element by element (no tree of the whole graph in memory)."""
    flat = flatten(G, node_id="key")
    key_of = {nid: n for n, nid in flat.node_ids.items()}
    dates = [_edge_dates(G, key_of[src], attrs) for (_eid, attrs), (src, _dst) in zip(flat.edges.rows, flat.edge_ends)]
    timeline = 'mode="dynamic" timeformat="date"' if any(dates) else 'mode="static"'
    out.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<gexf xmlns={quoteattr(NS)} xmlns:viz={quoteattr(NS_VIZ)} "
              f"xmlns:xsi={quoteattr(NS_XSI)} xsi:schemaLocation={quoteattr(f'{NS} {NS}/gexf.xsd')} version=\"1.3\">\n"
              "  <meta>\n    <creator>zhkg</creator>\n"
              "    <description>person-role-unit-city facts from Chinese news</description>\n  </meta>\n")
    direction = "directed" if G.is_directed() else "undirected"
    out.write(f'  <graph defaultedgetype="{direction}" {timeline}>\n')
    # `label` is an XML attribute of node/edge in GEXF; the rest are declared attributes.
    node_cols = [k for k in flat.nodes.kinds if k != "label"]
    edge_cols = [k for k in flat.edges.kinds if k not in ("label", "weight")]
    for cls, cols, kinds in (("node", node_cols, flat.nodes.kinds), ("edge", edge_cols, flat.edges.kinds)):
        if cols:
            out.write(f'    <attributes class="{cls}" mode="static">\n')
            out.writelines(f"      <attribute id={quoteattr(name)} title={quoteattr(name)} type={quoteattr(kinds[name])}/>\n" for name in cols)
            out.write("    </attributes>\n")
    out.write("    <nodes>\n")
    for nid, attrs in flat.nodes.rows:
        vals = "".join(f"<attvalue for={quoteattr(name)} value={quoteattr(fmt_value(attrs[name]))}/>"
                       for name in node_cols if name in attrs)
        (r, g, b), size = TYPE_STYLE.get(attrs["type"], DEFAULT_STYLE)
        out.write(f"      <node id={quoteattr(nid)} label={quoteattr(attrs['label'])}><attvalues>{vals}</attvalues>"
                  f'<viz:color r="{r}" g="{g}" b="{b}" a="1.0"/><viz:size value="{size!r}"/></node>\n')
    out.write("    </nodes>\n    <edges>\n")
    for (eid, attrs), (src, dst), span in zip(flat.edges.rows, flat.edge_ends, dates):
        kw = {"id": eid, "source": src, "target": dst, "label": attrs["label"], "kind": attrs["label"]}
        if "weight" in attrs:
            kw["weight"] = fmt_value(attrs["weight"])
        if span:
            kw["start"], kw["end"] = span
        head = " ".join(f"{k}={quoteattr(v)}" for k, v in kw.items())
        present = [n for n in edge_cols if n in attrs]
        if present:
            vals = "".join(f"<attvalue for={quoteattr(name)} value={quoteattr(fmt_value(attrs[name]))}/>"
                           for name in present)
            out.write(f"      <edge {head}><attvalues>{vals}</attvalues></edge>\n")
        else:
            out.write(f"      <edge {head}/>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")


def to_gexf_tree(G: nx.Graph) -> etree._ElementTree:
    """The GEXF 1.3 document as an lxml tree: what `write_gexf` writes, parsed."""
    return parsed(_write_gexf_text, G)


def write_gexf(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write G as GEXF 1.3: labels, a `type` attribute, colour and size by type, edge kinds."""
    with replaced(path) as out:
        _write_gexf_text(G, out)


__all__ = ["to_gexf_tree", "write_gexf"]
