"""RDF export of the zhkg graph (Turtle for people, N-Triples for bulk loaders).

Data model (standard vocabularies first; `zhkg:` = https://w3id.org/zhkg/vocab# only where none fits):

- Every node gets IRI `https://w3id.org/zhkg/id/<type>/<stable_id(node key)>` (type in lower case),
  `rdfs:label` and `dcterms:identifier` = its node key. Hash IRIs make re-runs idempotent and let
  graphs from separate runs merge by plain union; the identifier lets a build map rows back to nodes.
- Person -> schema:Person; skos:prefLabel name@zh-Hans, skos:altLabel the Traditional form@zh-Hant
  (attribute `alt`, when it differs). Document -schema:mentions-> Person (the `mentionedIn` edge,
  turned round because schema.org defines it from the work's side). zhkg's graph builder merges a
  person found in several documents into one node (so no owl:sameAs is needed between our own
  IRIs): that node has a schema:mentions from every document and zhkg:mergeReason saying which
  agreement joined them ("same name and city 台南市 in 3 documents"). A Person -sameAs-> Person
  edge (a graph merged with another builder's) is owl:sameAs, with its `reason` on an rdf:Statement
  that reifies it.
- Organization -> org:Organization; org:subOrganizationOf; schema:location -> Place. schema:location
  rather than org:hasSite because org:hasSite expects an org:Site (an office with an address) and
  we only know the administrative place; schema:location takes a schema:Place directly, and the
  same predicate on a Membership makes "posts in this city" one property path. `kind` (party,
  government, police, hospital, ... from the unit's name suffix) becomes org:classification -> a
  skos:Concept in the scheme id/scheme/org-kind.
- Place -> schema:Place; schema:containedInPlace; schema:identifier = 12-digit code (string: codes
  are identifiers, not numbers); zhkg:adminLevel = level; places below the division data keep
  zhkg:kind (community, street, ...), with schema:Landform or schema:TouristAttraction where it fits.
- Role -> org:Role (a skos:Concept) with skos:prefLabel.
- Membership -> org:Membership + prov:Entity: org:member, org:organization (when any), org:role,
  schema:location -> Place (where the post sits). Time: org:memberDuring -> time:Interval
  id/interval/<sid>, related to the report-date instant id/date/YYYY-MM-DD (a time:Instant with
  time:inXSDDate, shared by all facts of that day) by status:
  current -> time:inside (held on that day), new -> time:hasBeginning (appointed about then),
  former -> time:before (ended before that day). zhkg:status keeps the word as read.
  Provenance: prov:wasDerivedFrom -> Document; zhkg:evidence (quote@zh), zhkg:evidenceStart /
  zhkg:evidenceEnd (xsd:integer character offsets in the original text), zhkg:sentenceIndex,
  zhkg:confidence (xsd:double), prov:wasGeneratedBy -> one prov:Activity per extraction rule
  (id/rule/<sid>, rdfs:label = rule name). The Web Annotation selectors (oa:exact, oa:start) would
  need two extra nodes per fact; we keep the quote on the fact so one query returns it.
- Careers (`graph.careers`): each post of a person over reports is a zhkg:Tenure (rdfs:subClassOf
  org:Membership in vocab.ttl, so the per-fact org:Membership rows stay one per fact): org:member,
  org:role, org:organization, schema:location, zhkg:status (of the latest report), org:memberDuring ->
  time:Interval with time:hasBeginning / time:hasEnd -> the first and last report day (time:Instant,
  time:inXSDDate), prov:wasDerivedFrom -> the fact memberships it gathers (each links back with
  zhkg:tenure), zhkg:followedBy -> the next tenure where one sentence reads a move; the two facts of
  that sentence are linked by zhkg:followedBy too.
- Document -> schema:NewsArticle + prov:Entity; schema:name, dcterms:date (xsd:date),
  zhkg:path, zhkg:homeCity, zhkg:charCount.
- Attributes outside graph/schema.py are kept as zhkg:<attribute name> literals; edges with unknown
  labels as zhkg:<label>. Every zhkg: term is defined in `exports/vocab.ttl` (written beside
  graph.ttl), with labels and comments in English and Chinese.
- Turtle and N-Triples write the same lexical forms: rdflib's Turtle shorthand for xsd:double
  (`9e-01`, six digits at most) is replaced by the quoted form N-Triples writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

from zhkg.graph.schema import node_key, stable_id
from zhkg.ner.text.dates import valid_date

from ._textfile import replaced

ID = Namespace("https://w3id.org/zhkg/id/")
ZHKG = Namespace("https://w3id.org/zhkg/vocab#")

# Prefixes written once in Turtle and in every example query; one scheme for schema.org.
PREFIXES: dict[str, Namespace] = {
    "zhkg": ZHKG,
    "id": ID,
    "org": ORG,
    "prov": PROV,
    "skos": SKOS,
    "schema": SDO,
    "time": TIME,
    "dcterms": DCTERMS,
    "xsd": XSD,
    "rdfs": RDFS,
    "rdf": RDF,
    "owl": OWL,
}

ORG_KIND_SCHEME = ID["scheme/org-kind"]

_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "Person": (SDO.Person,),
    "Organization": (ORG.Organization,),
    "Place": (SDO.Place,),
    "Membership": (ORG.Membership, PROV.Entity),
    "Document": (SDO.NewsArticle, PROV.Entity),
    "Role": (ORG.Role,),
}
# places below the division data that schema.org has a narrower class for (zhkg:kind keeps the rest)
_PLACE_KIND_CLASSES = {"natural": SDO.Landform, "site": SDO.TouristAttraction}

# Edge label -> predicate; `mentionedIn` and `sameAs` are handled on their own.
_EDGE_PREDICATES: dict[str, URIRef] = {
    "member": ORG.member,
    "organization": ORG.organization,
    "role": ORG.role,
    "city": SDO.location,
    "source": PROV.wasDerivedFrom,
    "subOrganizationOf": ORG.subOrganizationOf,
    "location": SDO.location,
    "containedInPlace": SDO.containedInPlace,
}

_NAME_SAFE = re.compile(r"[^A-Za-z0-9_]")


def node_iri(key: str, node_type: str | None = None) -> URIRef:
    """The IRI of a node key; the type defaults to the key's first segment (`Type/...`)."""
    node_type = node_type or key.split("/", 1)[0]
    return ID[f"{node_type.lower()}/{stable_id(key)}"]


def _lit(value: Any, lang: str | None = None) -> Literal:
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    value = str(value)
    return Literal(value, lang=lang) if lang else Literal(value)


def _date_lit(value: Any) -> Literal:
    """xsd:date only for a day that exists: `2021-02-31` stays a plain string, which no store rejects."""
    day = valid_date(value)
    return Literal(day, datatype=XSD.date) if day else Literal(str(value))


def _ext(name: str) -> URIRef:
    return ZHKG[_NAME_SAFE.sub("_", name) or "_"]


def triples(G: nx.Graph) -> Iterator[tuple[Any, Any, Any]]:
    """Every triple of the export, in a fixed order; what `to_rdf` adds and the writers write."""
    iri: dict[Any, URIRef] = {n: node_iri(str(n), d.get("type")) for n, d in G.nodes(data=True)}
    has_edge: dict[Any, set[str]] = {}
    for u, _v, d in G.edges(data=True):
        has_edge.setdefault(u, set()).add(d.get("label", ""))

    for n, d in G.nodes(data=True):
        s = iri[n]
        t = d.get("type", "")
        for cls in _CLASSES.get(t, ()):
            yield s, RDF.type, cls
        yield s, DCTERMS.identifier, Literal(str(n))
        if "label" in d:
            yield s, RDFS.label, Literal(str(d["label"]), lang="zh")
        handled = {"type", "label"}
        if t in ("Person", "Organization", "Place", "Role") and "name" in d:
            yield s, SKOS.prefLabel, Literal(str(d["name"]), lang="zh-Hans")
            handled.add("name")
            alt = d.get("alt")
            if alt and str(alt) != str(d["name"]):
                yield s, SKOS.altLabel, Literal(str(alt), lang="zh-Hant")
            handled.add("alt")
        if t == "Person":
            if "doc" in d:
                doc = d["doc"]
                yield s, ZHKG.resolvedIn, iri[doc] if doc in iri else Literal(str(doc))
            if d.get("city"):
                yield s, ZHKG.cityName, Literal(str(d["city"]), lang="zh-Hans")
            if d.get("merge_reason"):
                yield s, ZHKG.mergeReason, Literal(str(d["merge_reason"]), lang="zh")
            handled |= {"doc", "city", "merge_reason"}
        elif t == "Organization":
            if d.get("city"):
                yield s, ZHKG.cityName, Literal(str(d["city"]), lang="zh-Hans")
            if d.get("kind"):
                concept = ID[f"org-kind/{_NAME_SAFE.sub('_', str(d['kind']))}"]
                yield s, ORG.classification, concept
                yield concept, RDF.type, SKOS.Concept
                yield concept, SKOS.prefLabel, Literal(str(d["kind"]), lang="en")
                yield concept, SKOS.inScheme, ORG_KIND_SCHEME
            handled |= {"city", "kind"}
        elif t == "Place":
            if d.get("code"):
                yield s, SDO.identifier, Literal(str(d["code"]))
            if d.get("level"):
                yield s, ZHKG.adminLevel, Literal(str(d["level"]))
            if d.get("kind") in _PLACE_KIND_CLASSES:
                yield s, RDF.type, _PLACE_KIND_CLASSES[d["kind"]]
            handled |= {"code", "level"}
        elif t == "Document":
            if "name" in d:
                yield s, SDO.name, Literal(str(d["name"]))
            if d.get("date"):
                yield s, DCTERMS.date, _date_lit(d["date"])
            if "path" in d:
                yield s, ZHKG.path, Literal(str(d["path"]))
            if d.get("home_city"):
                yield s, ZHKG.homeCity, Literal(str(d["home_city"]), lang="zh-Hans")
            if "chars" in d:
                yield s, ZHKG.charCount, _lit(d["chars"])
            handled |= {"name", "date", "path", "home_city", "chars"}
        elif t == "Membership":
            yield from _membership(G, n, d, s, iri, has_edge.get(n, set()))
            handled |= {"role", "status", "date", "doc", "sentence", "evidence", "start", "end"}
            handled |= {"rule", "confidence", "tenure", "first_date", "last_date"}
            if d.get("tenure"):
                yield s, ZHKG.tenure, tenure_iri(str(d["tenure"]))
        for k, v in d.items():
            if k not in handled and v is not None:
                yield s, _ext(k), _lit(v)

    for u, v, k, d in G.edges(keys=True, data=True) if G.is_multigraph() else (
        (u, v, None, d) for u, v, d in G.edges(data=True)
    ):
        label = str(d.get("label", k if k is not None else ""))
        if label == "mentionedIn":
            yield iri[v], SDO.mentions, iri[u]
        elif label == "sameAs":
            yield iri[u], OWL.sameAs, iri[v]
            if d.get("reason") is not None:
                st = ID[f"statement/{stable_id(f'{u}|sameAs|{v}')}"]
                yield st, RDF.type, RDF.Statement
                yield st, RDF.subject, iri[u]
                yield st, RDF.predicate, OWL.sameAs
                yield st, RDF.object, iri[v]
                yield st, ZHKG.reason, _lit(d["reason"])
        else:
            yield iri[u], _EDGE_PREDICATES.get(label, _ext(label)), iri[v]

    for tenure in G.graph.get("tenures", ()):
        yield from _tenure(G, tenure, iri)


def tenure_iri(key: str) -> URIRef:
    """The IRI of a career entry (`graph.careers.Tenure`) from its key."""
    return ID[f"tenure/{stable_id(key)}"]


def _instant(date: str) -> Iterator[tuple[Any, Any, Any]]:
    instant = ID[f"date/{date}"]
    yield instant, RDF.type, TIME.Instant
    yield instant, TIME.inXSDDate, Literal(str(date), datatype=XSD.date)


def _tenure(G: nx.Graph, t, iri: dict[Any, URIRef]) -> Iterator[tuple[Any, Any, Any]]:
    """A career entry: zhkg:Tenure (an org:Membership gathered over reports) with org:memberDuring an
    interval from the first to the last report (time:hasBeginning / time:hasEnd), the memberships it
    gathers (prov:wasDerivedFrom) and the next post of a move (zhkg:followedBy)."""
    s = tenure_iri(t.key)
    yield s, RDF.type, ZHKG.Tenure
    yield s, DCTERMS.identifier, Literal(t.key)
    name = G.nodes[t.person].get("name", "") if t.person in G else ""
    yield s, RDFS.label, Literal("·".join(x for x in (name, t.role, t.unit) if x), lang="zh")
    if t.person in iri:
        yield s, ORG.member, iri[t.person]
    if t.role:
        yield s, ORG.role, node_iri(node_key("Role", t.role), "Role")
    if t.organization in iri:
        yield s, ORG.organization, iri[t.organization]
    if t.city in iri:
        yield s, SDO.location, iri[t.city]
    if t.status:
        yield s, ZHKG.status, Literal(str(t.status))
    interval = ID[f"interval/{stable_id(t.key)}"]
    yield s, ORG.memberDuring, interval
    yield interval, RDF.type, TIME.Interval
    first, last = valid_date(t.first_date), valid_date(t.last_date)
    if first and last:
        yield interval, TIME.hasBeginning, ID[f"date/{first}"]
        yield interval, TIME.hasEnd, ID[f"date/{last}"]
        yield from _instant(first)
        yield from _instant(last)
    for m in t.memberships:
        if m in iri:
            yield s, PROV.wasDerivedFrom, iri[m]
    for nxt in t.followed_by:
        yield s, ZHKG.followedBy, tenure_iri(nxt)


def _membership(G, n, d, s, iri, edges: set[str]) -> Iterator[tuple[Any, Any, Any]]:
    if "role" not in edges and d.get("role"):
        # No Role node: mint the IRI the graph builder would have given it, so runs still merge.
        rk = node_key("Role", d["role"])
        yield s, ORG.role, node_iri(rk, "Role")
        yield node_iri(rk, "Role"), RDF.type, ORG.Role
        yield node_iri(rk, "Role"), SKOS.prefLabel, Literal(str(d["role"]), lang="zh-Hans")
    if "source" not in edges and d.get("doc") in iri:
        yield s, PROV.wasDerivedFrom, iri[d["doc"]]
    if d.get("status"):
        yield s, ZHKG.status, Literal(str(d["status"]))
    date = d.get("date")
    if not date and d.get("doc") in G:
        date = G.nodes[d["doc"]].get("date")
    interval = ID[f"interval/{stable_id(str(n))}"]
    yield s, ORG.memberDuring, interval
    yield interval, RDF.type, TIME.Interval
    date = valid_date(date)
    if date:
        instant = ID[f"date/{date}"]
        yield instant, RDF.type, TIME.Instant
        yield instant, TIME.inXSDDate, Literal(str(date), datatype=XSD.date)
        rel = {"new": TIME.hasBeginning, "former": TIME.before}.get(str(d.get("status")), TIME.inside)
        yield interval, rel, instant
    if "evidence" in d:
        yield s, ZHKG.evidence, Literal(str(d["evidence"]), lang="zh")
    if "start" in d:
        yield s, ZHKG.evidenceStart, _lit(int(d["start"]))
    if "end" in d:
        yield s, ZHKG.evidenceEnd, _lit(int(d["end"]))
    if "sentence" in d:
        yield s, ZHKG.sentenceIndex, _lit(int(d["sentence"]))
    if "confidence" in d:
        yield s, ZHKG.confidence, Literal(float(d["confidence"]), datatype=XSD.double)
    if d.get("rule"):
        act = ID[f"rule/{stable_id('Rule/' + str(d['rule']))}"]
        yield s, PROV.wasGeneratedBy, act
        yield act, RDF.type, PROV.Activity
        yield act, RDFS.label, Literal(str(d["rule"]))


def bind_prefixes(g: Graph) -> Graph:
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    return g


def to_rdf(G: nx.Graph) -> Graph:
    """An rdflib Graph of the export; prefixes bound so Turtle comes out readable."""
    g = bind_prefixes(Graph())
    for t in triples(G):
        g.add(t)
    return g


def nt_lines(G: nx.Graph) -> list[str]:
    """The export's triples as sorted, de-duplicated N-Triples lines."""
    from rdflib.plugins.serializers.nt import _nt_row

    lines = [_nt_row(t) for t in triples(G)]
    lines.sort()  # in place, and duplicates dropped in place: no second copy of millions of lines
    kept = 0
    for line in lines:
        if not kept or line != lines[kept - 1]:
            lines[kept] = line
            kept += 1
    del lines[kept:]
    return lines


_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")  # a prefixed name's local part that needs no escape
_RDF_TYPE = f"<{RDF.type}>"


def _abbreviated(iri: str, namespaces: list[tuple[str, str]]) -> str:
    """`<iri>` as `prefix:local` where a declared namespace holds it and the local part is plain."""
    for prefix, ns in namespaces:
        if iri.startswith(ns, 1) and _LOCAL_NAME.match(iri, len(ns) + 1, len(iri) - 1):
            return f"{prefix}:{iri[len(ns) + 1:-1]}"
    return iri


def _turtle_term(term: str, namespaces: list[tuple[str, str]]) -> str:
    if term.startswith("<"):
        return _abbreviated(term, namespaces)
    if term.startswith('"'):
        q = term.rindex('"')  # a datatype IRI holds no quote: everything after the last one is the tag
        if term.startswith("^^<", q + 1):
            return term[:q + 3] + _abbreviated(term[q + 3:], namespaces)
    return term


def write_turtle(G: nx.Graph, path: str | os.PathLike[str], lines: list[str] | None = None) -> None:
    """Turtle that both rdflib and pyoxigraph parse (checked in the tests), written from the sorted
    N-Triples lines (N-Triples is Turtle) with the prefixes declared, IRIs shortened where safe and each
    subject's triples grouped: no in-memory rdflib graph, so a corpus of millions of triples fits, and
    the literals keep the lexical form they have in .nt (`"0.9"^^xsd:double`). `lines`: the graph's
    `nt_lines`, when the caller has them already (the build writes both files)."""
    namespaces = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda pn: -len(pn[1]))
    with replaced(path) as fh:
        fh.writelines(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(namespaces))
        subject = None
        for line in nt_lines(G) if lines is None else lines:
            s, p, o = line[:-3].split(" ", 2)
            pred = "a" if p == _RDF_TYPE else _abbreviated(p, namespaces)
            obj = _turtle_term(o, namespaces)
            if s != subject:
                fh.write(" .\n" if subject is not None else "")
                fh.write(f"\n{_turtle_term(s, namespaces)} {pred} {obj}")
                subject = s
            else:
                fh.write(f" ;\n    {pred} {obj}")
        fh.write(" .\n" if subject is not None else "")


def write_ntriples(G: nx.Graph, path: str | os.PathLike[str], lines: list[str] | None = None) -> None:
    """Sorted, de-duplicated N-Triples: byte-identical on re-runs, so exports diff cleanly."""
    with replaced(path) as fh:
        fh.writelines(nt_lines(G) if lines is None else lines)


__all__ = ["ID", "PREFIXES", "ZHKG", "node_iri", "nt_lines", "tenure_iri", "to_rdf", "triples", "write_ntriples",
           "write_turtle"]
