"""The counts the pages show about the whole graph: each with the words that say what it counts
and the SPARQL query that gives it (the index page shows the query beside the number).

The pages never compute a count of the graph any other way, so what a page says is what anyone
asking the graph the same question gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import DOC, KG
from .source import Source

# Links are the facts drawn as edges in graph.html: between two entities or documents, other than
# the properties that the graph page shows as details of a node (see network.NOT_EDGES).
_MEMBER = "(STRSTARTS(STR(?{0}), \"" + str(KG) + "\") || STRSTARTS(STR(?{0}), \"" + str(DOC) + "\"))"

QUERIES = {
    "documents": ("source documents",
                  "SELECT (COUNT(DISTINCT ?document) AS ?n) WHERE {\n"
                  "  ?document a ?class . ?class rdfs:subClassOf* skg:SourceDocument }"),
    "statements": ("statements of the annotation files, each resting on one source",
                   "SELECT (COUNT(DISTINCT ?statement) AS ?n) WHERE {\n"
                   "  ?claim a skg:Statement  # one node per fact: stmt:DOCUMENT/STATEMENT/FACT\n"
                   "  BIND(REPLACE(STR(?claim), \"/[^/]*$\", \"\") AS ?statement) }"),
    "quoted": ("quoted: anchored to the exact words of a text kept with the graph",
               "SELECT (COUNT(DISTINCT ?quote) AS ?n) WHERE {\n"
               "  ?claim a skg:Statement ; oa:hasTarget ?quote }"),
    "cited": ("cited: resting on a public record named by its address, publisher and date, "
                        "and paraphrased in our own words",
              "SELECT (COUNT(DISTINCT ?statement) AS ?n) WHERE {\n"
              "  ?claim a skg:Statement ; skg:evidenceKind skg:CitedEvidence\n"
              "  BIND(REPLACE(STR(?claim), \"/[^/]*$\", \"\") AS ?statement) }"),
    "facts": ("facts those statements state (one statement node each, with its rank and evidence)",
              "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a skg:Statement }"),
    "entities": ("entities of the registry (organizations, people, meetings, places, programs, topics, "
                 "agreements …)",
                 "SELECT (COUNT(DISTINCT ?entity) AS ?n) WHERE { GRAPH graph:registry { ?entity a ?class } }"),
    "links": ("links between two entities or documents (the facts that graph.html draws as arrows)",
              "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {\n"
              "  ?s ?p ?o . ?s a ?sClass . ?o a ?oClass\n"
              "  FILTER(?p NOT IN (rdf:type, skos:inScheme, skg:eventStatus))\n"
              f"  FILTER({_MEMBER.format('s')} && {_MEMBER.format('o')}) }} }}"),
}


@dataclass(frozen=True)
class Count:
    """A number of the graph, what it counts, and the query that gives it."""

    key: str
    value: int
    what: str
    query: str


def graph_counts(source: Source, keys: tuple[str, ...] = tuple(QUERIES)) -> dict[str, Count]:
    """The named counts of the whole graph (see QUERIES)."""
    return {key: Count(key, source.count(QUERIES[key][1]), *QUERIES[key]) for key in keys}
