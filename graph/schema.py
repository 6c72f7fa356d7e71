"""The shape of the graph that `zhkg.graph` builds and `zhkg.exports` writes.

One `networkx.MultiDiGraph`. Node keys are canonical key strings (see `node_key`), so a rebuild gives
the same keys and exporters can mint stable IRIs from them. Every node has the string attributes
`type` and `label`; every edge has a `label` (also used as the edge key). Attribute values are str,
int, float or bool only: a missing value is an absent attribute, never None.

Node types and their attributes (beyond `type`, `label`):
- Person        name; doc (the document the person is resolved in); city (home city used for identity);
                merge_reason (merged people only: the evidence each group of documents joined by)
- Organization  name; city (where it sits); kind (party, government, police, hospital, ... or "")
- Place         name; code (administrative code, when linked); level (province, prefecture,
                county, town, village, other); kind (below the division data: community, village,
                street, site, zone, natural, region)
- Membership    one fact (person holds role in unit): role; status (current|former|new);
                date (YYYY-MM-DD of the document, when known); doc; sentence (index);
                evidence (quoted from the original text); start, end (character offsets of the
                evidence in the original text); rule; confidence; career (`graph.careers`):
                tenure (key `Tenure/<person>/<post family>/<unit or city>` of the post this fact
                reports), first_date, last_date (first and last report date of that post)
- Document      name (file name); path; date; home_city; chars
- Role          name (a job title, shared by all memberships with that title)

Edges (source -label-> target):
- Membership -member-> Person
- Membership -organization-> Organization   (absent when the fact names no unit)
- Membership -role-> Role
- Membership -city-> Place                   (the city or county where the post sits)
- Membership -source-> Document
- Organization -subOrganizationOf-> Organization
- Organization -location-> Place
- Place -containedInPlace-> Place
- Person -mentionedIn-> Document            (attribute `reason` on a merged person: why this document's
                                              mention is this person)
- Person -sameAs-> Person                    (cross-document merge evidence; attribute `reason`)
- Membership -followedBy-> Membership        (a move read from one sentence: the former post, then the new)

Graph attribute `tenures`: the careers, a list of `graph.careers.Tenure` (person, role, unit,
organization, city, first_date, last_date, status, memberships, followed_by), in order.
"""

from __future__ import annotations

import hashlib

NODE_TYPES = ("Person", "Organization", "Place", "Membership", "Document", "Role")
EDGE_LABELS = (
    "member",
    "organization",
    "role",
    "city",
    "source",
    "subOrganizationOf",
    "location",
    "containedInPlace",
    "mentionedIn",
    "sameAs",
    "followedBy",
)


def node_key(node_type: str, *parts: object) -> str:
    """A canonical, human-readable node key: `Type/part1/part2`; empty parts are kept as ''."""
    return "/".join([node_type, *("" if p is None else str(p) for p in parts)])


def stable_id(key: str, length: int = 16) -> str:
    """A short hash of a node key, for IRIs and XML ids that must survive re-runs unchanged.

    The whole key is hashed, every character of it (a lone surrogate too, which strict UTF-8 would
    refuse): two keys that differ by one invisible or XML-illegal character get two ids."""
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:length]
