"""The files a build writes into OUT, named once.

`zhkg build` hands `OUTPUTS` to `zhkg.outdir.OutputSet`, which keeps exactly these files when it swaps
a new OUT in and sweeps away the rest; each writer takes its file's name from here, so a file
written and a file kept cannot drift apart.
"""

from __future__ import annotations

FACTS = "facts.jsonl"
ENTITIES = "entities.jsonl"
DAMAGE = "damage.jsonl"
TEXTS = "texts.jsonl"  # the text zhkg extracted from pages, .docx and .pdf: what their offsets index
TURTLE = "graph.ttl"
NTRIPLES = "graph.nt"
GRAPHML = "graph.graphml"
GEXF = "graph.gexf"
FACTS_CSV = "facts.csv"
PEOPLE_GRAPHML = "people_units.graphml"
PEOPLE_GEXF = "people_units.gexf"
VOCAB = "vocab.ttl"
REPORT = "report.html"

# one JSON object per line, streamed a document at a time (`exports.jsonl.RecordFiles`)
RECORDS = (FACTS, ENTITIES, DAMAGE)
# the graph for triple stores and graph tools
GRAPHS = (TURTLE, NTRIPLES, GRAPHML, GEXF)
# for people rather than triple stores (`exports.companions`)
COMPANIONS = (FACTS_CSV, PEOPLE_GRAPHML, PEOPLE_GEXF, VOCAB, REPORT)
OUTPUTS = (*RECORDS, TEXTS, *GRAPHS, *COMPANIONS)
