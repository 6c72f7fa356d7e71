"""Place nodes linked to the administrative divisions, with their chain up to the province.

A place enters the graph once per division (its key is the official code, or the project's own id for
Taiwan, Hong Kong and Macau), with `containedInPlace` edges up to its province, so a query for "a city
and all its counties" is one property path.
"""

from __future__ import annotations

import networkx as nx

from zhkg.graph.schema import node_key
from zhkg.ner.vocabulary import Gazetteer


def add_place(G: nx.MultiDiGraph, gaz: Gazetteer, key: str) -> str | None:
    """The node of division `key`, created with its ancestors when missing; None for unknown keys."""
    div = gaz.get(key)
    if div is None:
        return None
    node = node_key("Place", div.key)
    if node in G:
        return node
    attrs = {"type": "Place", "label": div.name, "name": div.name, "level": div.level}
    if div.code:
        attrs["code"] = div.code
    G.add_node(node, **attrs)
    if div.parent:
        parent = add_place(G, gaz, div.parent)
        if parent:
            G.add_edge(node, parent, key="containedInPlace", label="containedInPlace")
    return node


def add_local_place(G: nx.MultiDiGraph, gaz: Gazetteer, name: str, parent_key: str, kind: str = "") -> str | None:
    """A place below the division data (community, street, site, river …), inside the division the
    article places it in (see `zhkg.ner.places.locate`). Its identity is its name within that division."""
    parent = add_place(G, gaz, parent_key)
    if parent is None:
        return None
    node = node_key("Place", parent_key, name)
    if node not in G:
        level = "village" if kind in ("community", "village") else "other"
        G.add_node(node, type="Place", label=name, name=name, level=level, **({"kind": kind} if kind else {}))
        G.add_edge(node, parent, key="containedInPlace", label="containedInPlace")
    return node
