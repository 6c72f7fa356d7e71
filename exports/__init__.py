"""Exports of the zhkg graph: RDF (Turtle, N-Triples), GraphML, GEXF, SPARQL querying and serving.

One module per format with plain functions, in the style of `networkx.readwrite`.
"""

from pathlib import Path

from .gexf import write_gexf
from .graphml import validate_graphml, write_graphml
from .rdf import ID, ZHKG, node_iri, to_rdf, write_ntriples, write_turtle
from .serve import make_server, serve
from .sparql import (
    format_csv,
    format_json,
    format_results,
    format_table,
    open_store,
    query_command,
    run_query,
)

SHAPES_PATH = Path(__file__).with_name("shapes") / "zhkg.ttl"


__all__ = [
    "ID",
    "SHAPES_PATH",
    "ZHKG",
    "format_csv",
    "format_json",
    "format_results",
    "format_table",
    "make_server",
    "node_iri",
    "open_store",
    "query_command",
    "run_query",
    "serve",
    "to_rdf",
    "validate_graphml",
    "write_gexf",
    "write_graphml",
    "write_ntriples",
    "write_turtle",
]
