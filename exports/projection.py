"""The person–unit projection: the graph Gephi users draw first.

The full graph keeps each fact as a Membership node (so provenance hangs on it); in Gephi that puts a
node between every person and their unit, and layouts and centralities then measure the plumbing.
The projection draws one edge per person, unit and role, labelled with the role, weighted by the number
of documents that state it, and dated by the first and last report dates (`first_date`, `last_date`;
the GEXF writer turns them into the edge's timeline interval).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

_NODE_KEEP = ("type", "label", "name", "city", "kind", "merge_reason")


def person_unit_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Person -role-> Organization edges from the Membership nodes of the full graph."""
    posts: dict[tuple[Any, Any, str], dict[str, Any]] = defaultdict(lambda: {"docs": set(), "dates": set(),
                                                                             "statuses": set()})
    for m, d in G.nodes(data=True):
        if d.get("type") != "Membership":
            continue
        ends = {e.get("label"): v for _, v, e in G.out_edges(m, data=True)}
        if "member" not in ends or "organization" not in ends:
            continue
        post = posts[(ends["member"], ends["organization"], str(d.get("role") or ""))]
        post["docs"].add(d.get("doc"))
        if d.get("date"):
            post["dates"].add(str(d["date"]))
        if d.get("status"):
            post["statuses"].add(str(d["status"]))
    P = nx.MultiDiGraph()
    for (person, unit, role), post in sorted(posts.items(), key=lambda kv: tuple(map(str, kv[0]))):
        for n in (person, unit):
            if n not in P:
                P.add_node(n, **{k: G.nodes[n][k] for k in _NODE_KEEP if G.nodes[n].get(k) not in (None, "")})
        attrs: dict[str, Any] = {"label": role or "member", "role": role, "weight": len(post["docs"]),
                                 "status": ",".join(sorted(post["statuses"]))}
        if post["dates"]:
            attrs.update(first_date=min(post["dates"]), last_date=max(post["dates"]))
        P.add_edge(person, unit, key=role or "member", **attrs)
    for n, d in P.nodes(data=True):
        d["posts"] = P.degree(n, weight="weight")
    return P


__all__ = ["person_unit_graph"]
