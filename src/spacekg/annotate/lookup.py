"""Finding an id: fuzzy search over the registry's names (rapidfuzz); and the table of the
properties a statement may carry, made from the ontology."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from ..namespaces import SKG
from .knowledge import Knowledge, local

PARENT_PROPERTIES = (SKG.subOrganizationOf, SKG.partOf, SKG.inSeries, SKG.locatedIn, SKG.postIn)
# Properties of documents and statement nodes are written by the ingester from the document header
# and the statement's own keys (about, rank, evidence), never as facts of a statement.
MADE_BY_THE_INGESTER = frozenset({SKG.SourceDocument, SKG.Statement})


@dataclass
class Hit:
    entity: str
    score: float
    matched: str  # the name that matched best


def search(knowledge: Knowledge, term: str, limit: int = 10, cutoff: float = 60) -> list[Hit]:
    """The entities whose id, label, alternative label, abbreviation or Japanese label is closest
    to ``term``, best first."""
    names: list[str] = []
    owners: list[str] = []
    for entity in knowledge.entities.values():
        for name in [entity.id, entity.label, *entity.alt, *entity.abbr, *([entity.ja] if entity.ja else [])]:
            names.append(name)
            owners.append(entity.id)
    best: dict[str, Hit] = {}
    for name, score, index in process.extract(term, names, scorer=fuzz.WRatio, processor=utils.default_process,
                                              limit=limit * 5, score_cutoff=cutoff):
        if name.lower() == term.lower():
            score = 101  # an exact name first
        entity = owners[index]
        if entity not in best or score > best[entity].score:
            best[entity] = Hit(entity, score, name)
    return sorted(best.values(), key=lambda h: (-h.score, h.entity))[:limit]


def describe(knowledge: Knowledge, hit: Hit) -> dict[str, str]:
    entity = knowledge.entities[hit.entity]
    parents = [f"{local(f.prop)} {local(f.value)}" for f in entity.facts if f.prop in PARENT_PROPERTIES]
    return {
        "id": entity.id, "class": local(entity.klass), "label": entity.label, "ja": entity.ja or "",
        "abbr": ", ".join(entity.abbr), "parent": ", ".join(parents),
        "statements": str(knowledge.usage.get(entity.id, 0)), "defined": str(entity.where),
    }


# -- the properties ---------------------------------------------------------------------------------


@dataclass
class PropertyRow:
    name: str
    applies_to: str
    takes: str
    meaning: str
    example: str
    inverse_of: str = ""


def property_rows(ontology: Graph, schema) -> list[PropertyRow]:
    """Every property of the ontology that a statement or registry entry may carry, from the
    ontology alone: its domain, range, definition and example (skos:example)."""
    rows = []
    for name, info in sorted(schema.properties.items(), key=lambda item: item[0].lower()):
        if info.domain and all(schema.is_a(klass, MADE_BY_THE_INGESTER) for klass in info.domain):
            continue
        inverse = ontology.value(info.iri, OWL.inverseOf)
        rows.append(PropertyRow(
            name, _classes(info.domain), _range(info), _text(ontology.value(info.iri, SKOS.definition)),
            _text(ontology.value(info.iri, SKOS.example)), local(inverse) if inverse else ""))
    return rows


def markdown_table(rows: list[PropertyRow]) -> str:
    """The table the README shows (`spacekg lookup --properties --markdown`)."""
    lines = ["| property | on | value | meaning | example |", "|---|---|---|---|---|"]
    for row in rows:
        meaning = row.meaning + (f" Inverse of `{row.inverse_of}`: write that one where you can." if row.inverse_of else "")
        lines.append(f"| `{row.name}` | {row.applies_to} | {row.takes} | {meaning} | `{row.example}` |")
    return "\n".join(lines) + "\n"


def usage_by_property(knowledge: Knowledge) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Property → the documents whose statements use it (and 'registry' for registry facts), and
    property → one real use, as `subject property value (document)`."""
    documents: dict[str, set[str]] = defaultdict(set)
    examples: dict[str, str] = {}
    for statement in knowledge.statements:
        for fact in statement.facts:
            name = local(fact.prop)
            documents[name].add(statement.document)
            examples.setdefault(name, f"{local(statement.subject)} {name} {_value(fact.value)} "
                                      f"({statement.document})")
    for entity in knowledge.entities.values():
        for fact in entity.facts:
            name = local(fact.prop)
            documents[name].add("registry")
            examples.setdefault(name, f"{entity.id} {name} {_value(fact.value)} (registry)")
    return {k: sorted(v) for k, v in documents.items()}, examples


def _value(value) -> str:
    return local(value) if isinstance(value, URIRef) else str(value)


def _classes(classes) -> str:
    return ", ".join(sorted(local(c) for c in classes)) or "anything"


def _range(info) -> str:
    if not info.is_object:
        names = sorted(local(c) for c in info.range)
        if {"date", "gYear", "gYearMonth"} <= set(names):
            return "a date: YYYY-MM-DD, YYYY-MM or YYYY"
        if "positiveInteger" in names:
            return "a whole number ≥ 1"
        return "text"
    if local(next(iter(info.range), "")) == "EventStatus":
        return "held or planned"
    return _classes(info.range)


def _text(value) -> str:
    return str(value) if isinstance(value, Literal) else ""
