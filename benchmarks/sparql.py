"""Benchmark: the shipped SPARQL queries on a synthetic graph shaped like zhkg's, pyoxigraph vs rdflib.

    .venv/bin/python -m benchmarks.sparql [--memberships 50000] [--rdflib-timeout 120]

Prints load times, triple counts, peak memory and one table of query times. Triples are written
straight to N-Triples (no networkx, no rdflib) so building a million of them takes seconds. Why it
exists: to choose the engine for `zhkg query` / `zhkg serve` on evidence, not folklore.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from zhkg.exports.sparql import bind, example_queries

ID = "https://w3id.org/zhkg/id/"
V = "https://w3id.org/zhkg/vocab#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SDO = "https://schema.org/"
TIME = "http://www.w3.org/2006/time#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "杰伟明华军平建国强英文斌辉勇峰磊涛超波鹏"
ROLES = ["局长", "副局长", "书记", "副书记", "市长", "副市长", "县长", "主任", "副主任", "院长", "所长", "科长"]


def synthesize(path: Path, n_memberships: int, seed: int = 7) -> int:
    """Write an N-Triples file shaped like the export; returns the triple count."""
    rnd = random.Random(seed)
    lines: list[str] = []
    add = lines.append

    def iri(x: str) -> str:
        return f"<{x}>"

    def lit(x: object, dt: str | None = None, lang: str | None = None) -> str:
        s = f'"{x}"'
        return s + (f"@{lang}" if lang else f"^^<{XSD}{dt}>" if dt else "")

    def t(s: str, p: str, o: str) -> None:
        add(f"{s} <{p}> {o} .\n")

    places: list[str] = []
    prefectures: list[str] = []
    for i in range(34):
        prov = iri(f"{ID}place/pv{i}")
        t(prov, RDF_TYPE, iri(SDO + "Place"))
        t(prov, SKOS + "prefLabel", lit(f"省{i}", lang="zh-Hans"))
        t(prov, V + "adminLevel", lit("province"))
        for j in range(10):
            pref = iri(f"{ID}place/pf{i}_{j}")
            prefectures.append(f"市{i}_{j}")
            t(pref, RDF_TYPE, iri(SDO + "Place"))
            t(pref, SKOS + "prefLabel", lit(f"市{i}_{j}", lang="zh-Hans"))
            t(pref, SDO + "identifier", lit(f"{i:02d}{j:02d}00000000"))
            t(pref, V + "adminLevel", lit("prefecture"))
            t(pref, SDO + "containedInPlace", prov)
            places.append(pref)
            for k in range(8):
                cty = iri(f"{ID}place/c{i}_{j}_{k}")
                t(cty, RDF_TYPE, iri(SDO + "Place"))
                t(cty, SKOS + "prefLabel", lit(f"县{i}_{j}_{k}", lang="zh-Hans"))
                t(cty, V + "adminLevel", lit("county"))
                t(cty, SDO + "containedInPlace", pref)
                places.append(cty)
    n_orgs, n_people, n_docs = n_memberships // 3, n_memberships // 2, n_memberships // 5
    orgs = [iri(f"{ID}organization/o{i}") for i in range(n_orgs)]
    org_place = [rnd.choice(places) for _ in orgs]
    for i, o in enumerate(orgs):
        t(o, RDF_TYPE, iri(ORG + "Organization"))
        t(o, SKOS + "prefLabel", lit(f"单位{i}", lang="zh-Hans"))
        t(o, SDO + "location", org_place[i])
        if i > 20 and rnd.random() < 0.3:
            t(o, ORG + "subOrganizationOf", orgs[rnd.randrange(i)])
    people = [iri(f"{ID}person/p{i}") for i in range(n_people)]
    for p in people:
        t(p, RDF_TYPE, iri(SDO + "Person"))
        t(p, SKOS + "prefLabel", lit(rnd.choice(SURNAMES) + rnd.choice(GIVEN), lang="zh-Hans"))
    roles = [iri(f"{ID}role/r{i}") for i in range(len(ROLES))]
    for r, name in zip(roles, ROLES):
        t(r, RDF_TYPE, iri(ORG + "Role"))
        t(r, SKOS + "prefLabel", lit(name, lang="zh-Hans"))
    docs = [iri(f"{ID}document/d{i}") for i in range(n_docs)]
    dates = [f"2024-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    doc_date = [rnd.choice(dates) for _ in docs]
    for i, d in enumerate(docs):
        t(d, RDF_TYPE, iri(SDO + "NewsArticle"))
        t(d, RDF_TYPE, iri(PROV + "Entity"))
        t(d, SDO + "name", lit(f"{i:06d}.txt"))
        t(d, DCT + "date", lit(doc_date[i], "date"))
    for date in dates:
        inst = iri(f"{ID}date/{date}")
        t(inst, RDF_TYPE, iri(TIME + "Instant"))
        t(inst, TIME + "inXSDDate", lit(date, "date"))
    rules = [iri(f"{ID}rule/r{i}") for i in range(6)]
    for i, r in enumerate(rules):
        t(r, RDF_TYPE, iri(PROV + "Activity"))
        t(r, RDFS_LABEL, lit(f"rule_{i}"))
    for i in range(n_memberships):
        m = iri(f"{ID}membership/m{i}")
        o = rnd.randrange(n_orgs)
        di = rnd.randrange(n_docs)
        status = rnd.choice(("current", "current", "former", "new"))
        t(m, RDF_TYPE, iri(ORG + "Membership"))
        t(m, RDF_TYPE, iri(PROV + "Entity"))
        t(m, DCT + "identifier", lit(f"Membership/{i}"))
        t(m, ORG + "member", rnd.choice(people))
        t(m, ORG + "role", rnd.choice(roles))
        if rnd.random() < 0.9:
            t(m, ORG + "organization", orgs[o])
        t(m, SDO + "location", org_place[o])
        t(m, PROV + "wasDerivedFrom", docs[di])
        t(m, PROV + "wasGeneratedBy", rnd.choice(rules))
        t(m, V + "status", lit(status))
        t(m, V + "evidence", lit(f"证据句子{i}", lang="zh"))
        start = rnd.randrange(5000)
        t(m, V + "evidenceStart", lit(start, "integer"))
        t(m, V + "evidenceEnd", lit(start + 12, "integer"))
        t(m, V + "sentenceIndex", lit(rnd.randrange(60), "integer"))
        t(m, V + "confidence", lit(f"{rnd.random():.3f}", "double"))
        iv = iri(f"{ID}interval/m{i}")
        t(m, ORG + "memberDuring", iv)
        t(iv, RDF_TYPE, iri(TIME + "Interval"))
        rel = {"new": "hasBeginning", "former": "before"}.get(status, "inside")
        t(iv, TIME + rel, iri(f"{ID}date/{doc_date[di]}"))
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


class _Timeout(Exception):
    pass


def _alarm(_sig: int, _frame: object) -> None:
    raise _Timeout


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--memberships", type=int, default=50_000)
    ap.add_argument("--rdflib-timeout", type=float, default=120.0)
    ap.add_argument("--skip-rdflib", action="store_true")
    args = ap.parse_args(argv)

    queries = {name: p.read_text(encoding="utf-8") for name, p in example_queries().items()}
    queries["posts_in_city"] = bind(queries["posts_in_city"], {"city": "市3_4"})
    queries["person_evidence"] = bind(queries["person_evidence"], {"name": "王杰"})
    results: dict[str, dict[str, str]] = {q: {} for q in queries}

    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "graph.nt"
        t0 = time.perf_counter()
        n = synthesize(nt, args.memberships)
        print(f"synthesized {n:,} triples ({nt.stat().st_size / 1e6:.0f} MB N-Triples) "
              f"in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        print(f"pyoxigraph: loaded {len(store):,} triples in {time.perf_counter() - t0:.1f} s "
              f"(peak RSS {_rss_mb():,.0f} MB)")
        for name, q in queries.items():
            t0 = time.perf_counter()
            rows = list(store.query(q))
            results[name]["ox"] = f"{(time.perf_counter() - t0) * 1000:,.0f} ms"
            results[name]["rows"] = f"{len(rows):,}"
        del store
        gc.collect()

        if not args.skip_rdflib:
            import rdflib

            t0 = time.perf_counter()
            g = rdflib.Graph()
            g.parse(str(nt), format="nt")
            load = time.perf_counter() - t0
            print(f"rdflib: loaded {len(g):,} triples in {load:.1f} s (peak RSS {_rss_mb():,.0f} MB)")
            signal.signal(signal.SIGALRM, _alarm)
            for name, q in queries.items():
                t0 = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, args.rdflib_timeout)
                try:
                    rows = list(g.query(q))
                    took = time.perf_counter() - t0
                    results[name]["rdflib"] = f"{took * 1000:,.0f} ms"
                    results[name]["rdflib rows"] = f"{len(rows):,}"
                except _Timeout:
                    results[name]["rdflib"] = f"> {args.rdflib_timeout:.0f} s (stopped)"
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)

    cols = ["query", "rows", "ox", "rdflib", "rdflib rows"]
    print()
    print(" | ".join(f"{c:>22}" for c in cols))
    for name, r in results.items():
        print(" | ".join(f"{v:>22}" for v in [name] + [r.get(c, "-") for c in cols[1:]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
