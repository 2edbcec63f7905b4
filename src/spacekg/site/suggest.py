"""The closest names to an IRI the graph does not know, for the page that says so (rapidfuzz)."""

from __future__ import annotations

import pyoxigraph as ox
from rapidfuzz import fuzz, process, utils

from .lookup import Lookup, Value

LIMIT = 5
CUTOFF = 60  # rapidfuzz WRatio, 0–100


def _names(lookup: Lookup) -> tuple[list[str], list[str]]:
    """Every way to name an entity or document (id, labels, alternative labels, abbreviations, titles),
    and the node each one names."""
    def compute(source) -> tuple[list[str], list[str]]:
        rows = source.select("""SELECT DISTINCT ?node ?name WHERE {
            { ?node rdfs:label|skos:altLabel|skg:abbreviation|dcterms:title ?name }
            FILTER(STRSTARTS(STR(?node), STR(kg:)) || STRSTARTS(STR(?node), STR(doc:)))
        }""")
        names, nodes = [], []
        for node, name in sorted(rows, key=lambda row: (row[0].value, row[1].value)):
            if not nodes or nodes[-1] != node.value:  # the id itself, once per node
                names.append(node.value.rsplit("/", 1)[-1])
                nodes.append(node.value)
            names.append(name.value)
            nodes.append(node.value)
        return names, nodes
    return lookup.source.memo("site-suggest", compute)


def closest(lookup: Lookup, wanted: str, limit: int = LIMIT) -> list[Value]:
    """The nodes whose id or name is closest to ``wanted`` (the last segment of an unknown IRI)."""
    names, nodes = _names(lookup)
    query = wanted.replace("-", " ").replace("_", " ")
    found: list[str] = []
    candidates = process.extract(query, names, scorer=fuzz.WRatio, processor=utils.default_process,
                                 limit=limit * 4, score_cutoff=CUTOFF)
    # WRatio finds names that contain the words asked for; the names closest as a whole come first
    # (``jaxx``: the id ``jaxa`` before ``jaxa-facilities-tour-2016``)
    candidates.sort(key=lambda c: (-fuzz.ratio(query, c[0], processor=utils.default_process), -c[1], c[2]))
    for _, score, index in candidates:
        if nodes[index] not in found:
            found.append(nodes[index])
        if len(found) == limit:
            break
    lookup.names(found)
    return [lookup.value(ox.NamedNode(node)) for node in found]
