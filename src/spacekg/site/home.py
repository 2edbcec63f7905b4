"""The start page and the lists of everything: what the graph holds, counted by SPARQL queries.

Every number on the start page is the answer of a query shown with it (and runnable in the query
editor), and says what it counts. The entities fall into sections by class (a section holds the
instances of its classes and of their subclasses); a list page per section links to every page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import COMPREHENSIVE_DIALOGUE, SKG
from ..views.source import Smallest
from .lookup import Lookup, Record, Value, local_name


START_SOURCES = 500  # source documents listed on the start page (the list of documents has the rest)


@dataclass(frozen=True)
class Section:
    """A kind of entity: the instances of ``roots`` (or their subclasses) that are not ``excluding``."""

    name: str
    title: str
    roots: tuple[str, ...]
    excluding: tuple[str, ...] = ()
    counted: str = ""  # what its count on the start page says it counts, when the title is not enough

    @property
    def what(self) -> str:
        return self.counted or self.title

    def pattern(self, variable: str = "?entity") -> str:
        """The SPARQL group that matches the section's members."""
        roots = " ".join(f"<{r}>" for r in self.roots)
        text = f"VALUES ?root {{ {roots} }} ?class rdfs:subClassOf* ?root . {variable} a ?class ."
        for klass in self.excluding:
            text += f" FILTER NOT EXISTS {{ ?subclass rdfs:subClassOf* <{klass}> . {variable} a ?subclass }}"
        return text

    @property
    def file(self) -> str:
        return f"list/{self.name}.html"


SECTIONS = (
    Section("meetings", "dialogue meetings", (str(SKG.DialogueMeeting),),
            counted="dialogue meetings, of every series, held or planned (a plan counts apart from the meeting it became)"),
    Section("events", "other events and dialogue series", (str(SKG.Event), str(SKG.DialogueSeries)),
            (str(SKG.DialogueMeeting),)),
    Section("organizations", "organizations", (str(SKG.Organization),)),
    Section("people", "people and posts", (str(SKG.Person), str(SKG.Post))),
    Section("programs", "programs and systems", (str(SKG.Program), str(SKG.System))),
    Section("topics", "topics", (str(SKG.Topic),)),
    Section("agreements", "agreements and policy instruments", (str(SKG.PolicyInstrument),)),
    Section("places", "places", (str(SKG.Place),)),
    Section("documents", "source documents", (str(SKG.SourceDocument),)),
)
DOCUMENTS = SECTIONS[-1]


@dataclass(frozen=True)
class Count:
    """A number on the start page, what it counts, and the query that counts it."""

    number: int
    what: str
    query: str
    section: str = ""  # the list page of the things counted, if there is one


def count_query(where: str, variable: str = "?entity") -> str:
    return f"SELECT (COUNT(DISTINCT {variable}) AS ?n) WHERE {{\n  {where}\n}}"


QUOTES_COUNT = count_query("?quote a oa:SpecificResource .", "?quote")
CLAIMS_COUNT = count_query("?claim a skg:Statement .", "?claim")
GRAPH_COUNTS = (  # (what, query): the evidence and the triples
    ("quotes: passages of the verbatim texts annotated with the facts they support (oa:SpecificResource)",
     QUOTES_COUNT),
    ("claims: one fact each, with its rank and its source (skg:Statement)", CLAIMS_COUNT),
    # only claims have a kind of evidence (the ingester gives it, shape:StatementEvidence asks for it):
    # counted without looking up each claim's class, which took seconds at a thousand times the corpus
    ("claims resting on a quote of a verbatim text (skg:QuotedEvidence)",
     count_query("?claim skg:evidenceKind skg:QuotedEvidence .", "?claim")),
    ("claims resting on a cited public record (skg:CitedEvidence)",
     count_query("?claim skg:evidenceKind skg:CitedEvidence .", "?claim")),
    ("triples in the named graphs of the store (one that two graphs hold counts twice; the inferred graph "
     "is in spacekg.trig only)",
     "SELECT (COUNT(*) AS ?n) WHERE {\n  GRAPH ?g { ?s ?p ?o }\n}"),
    ("named graphs (ontology, registry, one per source document)",
     "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {\n  GRAPH ?g { }\n}"),
)


def counts(lookup: Lookup) -> list[Count]:
    """The numbers of the start page: entities by section, then the evidence and the triples."""
    def compute(source) -> list[Count]:
        found = [Count(source.count(count_query(section.pattern())), section.what, count_query(section.pattern()),
                       section.name) for section in SECTIONS]
        found += [Count(source.count(query), what, query) for what, query in GRAPH_COUNTS]
        return found
    return lookup.source.memo("site-counts", compute)


def counted(lookup: Lookup, query: str) -> int:
    """The number the start page gives for one of its count queries (QUOTES_COUNT …)."""
    return next(count.number for count in counts(lookup) if count.query == query)


@dataclass
class Meeting:
    """A meeting of the Comprehensive Dialogue on Space, with the plans announced for it."""

    meeting: Value
    ordinal: str
    status: str
    start: str
    end: str
    places: list[Value]
    plans: list[Value] = field(default_factory=list)  # plans realized as this meeting


MEETINGS = f"""SELECT ?meeting ?ordinal ?status ?start ?end ?place ?realized WHERE {{
  ?meeting skg:inSeries <{COMPREHENSIVE_DIALOGUE}> ; a skg:DialogueMeeting .
  OPTIONAL {{ ?meeting skg:ordinal ?ordinal }}
  OPTIONAL {{ ?meeting skg:eventStatus ?status }}
  OPTIONAL {{ ?meeting skg:startDate ?start }}
  OPTIONAL {{ ?meeting skg:endDate ?end }}
  OPTIONAL {{ ?meeting skg:heldIn ?place }}
  OPTIONAL {{ ?meeting skg:realizedAs ?realized }}
}}"""


def meetings(lookup: Lookup) -> list[Meeting]:
    """The meetings of the Comprehensive Dialogue on Space in order (ordinal, then date); a plan
    realized as a held meeting is listed beside it, not as a meeting of its own."""
    rows = lookup.source.select(MEETINGS)
    lookup.names({term.value for row in rows for term in (row[0], row[5], row[6]) if isinstance(term, ox.NamedNode)})
    found: dict[str, Meeting] = {}
    realized: dict[str, str] = {}
    for meeting, ordinal, status, start, end, place, realized_as in rows:
        entry = found.get(meeting.value)
        if entry is None:
            entry = found[meeting.value] = Meeting(lookup.value(meeting), _text(ordinal), _status(status),
                                                   _text(start), _text(end), [])
        if place is not None and lookup.value(place) not in entry.places:
            entry.places.append(lookup.value(place))
        if realized_as is not None:
            realized[meeting.value] = realized_as.value
    for plan, held in realized.items():
        if held in found and plan in found:
            found[held].plans.append(found.pop(plan).meeting)
    return sorted(found.values(), key=lambda m: (_number(m.ordinal), m.start or "9999", m.meeting.text))


@dataclass
class Sources:
    """The source documents the start page lists (the first START_SOURCES by date of issue, title
    and IRI), and how many there are in all."""

    records: list[Record]
    total: int


def sources(lookup: Lookup) -> Sources:
    """The first START_SOURCES source documents (verbatim texts and cited records) by date of
    issue, title and IRI. Only the documents issued no later than the START_SOURCES-th date can
    be among them, so only their metadata are looked up (dcterms:issued has one value,
    shape:IssuedDate; a document without one comes first, as its record's empty date does)."""
    limit = START_SOURCES
    rows = lookup.source.select(f"""SELECT ?entity ?issued WHERE {{ {{ SELECT DISTINCT ?entity WHERE {{ {DOCUMENTS.pattern()} }} }}
        OPTIONAL {{ ?entity dcterms:issued ?issued }} }}""")
    issued: dict[str, str] = {}
    for entity, date in rows:
        if isinstance(entity, ox.NamedNode):
            value = date.value if date is not None else ""
            issued[entity.value] = min(issued.get(entity.value, value), value)
    wanted = list(issued)
    if len(issued) > limit:
        last = sorted(issued.values())[limit - 1]
        wanted = [iri for iri, date in issued.items() if date <= last]
    records = sorted(lookup.records(wanted).values(), key=lambda r: (r.issued, r.title, r.iri))
    return Sources(records[:limit], len(issued))


def members(lookup: Lookup, section: Section, limit: int | None = None,
            first: Callable[[str], bool] = lambda iri: False) -> tuple[list[Value], int]:
    """The members of a section with their English label (or title), by label, and how many there
    are; their other names (Japanese, class) are looked up by :meth:`Lookup.names` for the members
    a page shows. With ``limit``, only that many: those that ``first`` picks (the ones with a page),
    then the others, each by label; the rows are read as they come, so a section of millions is
    never held. An entity has one English label (shape:EntityLabel), a document one title."""
    rows = lookup.source.solutions(f"""SELECT ?entity ?name WHERE {{ {section.pattern()}
        OPTIONAL {{ ?entity rdfs:label|dcterms:title ?name FILTER(LANGMATCHES(LANG(?name), "en")) }} }}""")
    bound = sys.maxsize if limit is None else limit
    picked, others = Smallest(bound), Smallest(bound)
    for entity, name in rows:
        if isinstance(entity, ox.NamedNode):
            text = name.value if name is not None else entity.value.rsplit("/", 1)[-1]
            (picked if first(entity.value) else others).offer((text.lower(), entity.value, text))
    total = counted(lookup, count_query(section.pattern()))  # as the start page gives it
    keys = sorted((picked.sorted() + others.sorted())[:bound])
    return [Value(text, iri=iri) for _, iri, text in keys], total


def _text(term) -> str:
    return "" if term is None else term.value


def _status(term) -> str:
    return "" if term is None else local_name(term.value).lower()


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 10**9
