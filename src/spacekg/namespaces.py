"""Every IRI the project mints or uses, defined once.

The ontology's own terms live in :class:`SKG`, a closed ``DefinedNamespace``: a typo such as
``SKG.coChairdBy`` raises instead of minting a new IRI. A test checks that this list and
ontology/spacekg.ttl declare exactly the same terms.
"""

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

BASE = "https://w3id.org/spacekg/"

ONTOLOGY_IRI = URIRef(BASE + "ontology")
KG = Namespace(BASE + "id/")  # entities: organizations, people, meetings, topics …
DOC = Namespace(BASE + "doc/")  # source documents
STMT = Namespace(BASE + "statement/")  # statement nodes: {doc}/{statement}/{fact}
QUOTE = Namespace(BASE + "quote/")  # quote anchors: {doc}/{statement}
GRAPH = Namespace(BASE + "graph/")  # named graphs in the TriG export
DOC_GRAPH = Namespace(BASE + "graph/doc/")  # the named graph of each source document

COMPREHENSIVE_DIALOGUE = KG["comprehensive-dialogue-on-space"]  # the series the statistics are about

OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPE = Namespace(BASE + "shapes#")  # the shapes of ontology/shapes.ttl
# The SPARQL endpoint's service description: its vocabulary, the W3C names of formats, entailment regimes.
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")


class SKG(DefinedNamespace):
    """Terms of the spacekg ontology (ontology/spacekg.ttl)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # Events
    Event: URIRef
    DialogueMeeting: URIRef
    Plenary: URIRef
    Session: URIRef
    Forum: URIRef
    Symposium: URIRef
    Exercise: URIRef
    Visit: URIRef
    InternationalMeeting: URIRef
    DialogueSeries: URIRef
    EventStatus: URIRef
    Held: URIRef
    Planned: URIRef

    # Organizations, people, posts
    Organization: URIRef
    Government: URIRef
    Ministry: URIRef
    Department: URIRef
    Agency: URIRef
    ResearchInstitute: URIRef
    Office: URIRef
    Council: URIRef
    MilitaryOrganization: URIRef
    MilitaryService: URIRef
    MilitaryCommand: URIRef
    MilitaryUnit: URIRef
    InternationalBody: URIRef
    Company: URIRef
    Foundation: URIRef
    IndustryAssociation: URIRef
    Person: URIRef
    Post: URIRef

    # Places
    Place: URIRef
    Country: URIRef
    City: URIRef
    Region: URIRef

    # Programs and systems
    Program: URIRef
    System: URIRef
    SatelliteSystem: URIRef
    SpaceStation: URIRef
    Spacecraft: URIRef
    Payload: URIRef
    InformationSystem: URIRef

    # Topics
    Topic: URIRef
    TopicScheme: URIRef

    # Agreements and policy instruments
    PolicyInstrument: URIRef
    Agreement: URIRef
    LegalFramework: URIRef
    Arrangement: URIRef
    DeclarationOfIntent: URIRef
    Declaration: URIRef
    Accords: URIRef
    CodeOfConduct: URIRef
    BasicPlan: URIRef
    Strategy: URIRef
    Law: URIRef
    Framework: URIRef

    # Sources and statements
    SourceDocument: URIRef
    JointStatement: URIRef
    NewsArticle: URIRef
    WebPage: URIRef
    Statement: URIRef
    Rank: URIRef
    PreferredRank: URIRef
    NormalRank: URIRef
    DeprecatedRank: URIRef
    EvidenceKind: URIRef
    QuotedEvidence: URIRef
    CitedEvidence: URIRef
    Authority: URIRef
    OfficialRecord: URIRef
    MirrorRecord: URIRef
    IndependentRecord: URIRef

    # Event properties
    heldIn: URIRef
    startDate: URIRef
    endDate: URIRef
    ordinal: URIRef
    eventStatus: URIRef
    inSeries: URIRef
    partOf: URIRef
    hasPart: URIRef
    nextMeeting: URIRef
    announcedAt: URIRef
    heldBefore: URIRef
    realizedAs: URIRef
    realizes: URIRef
    reportedTo: URIRef
    heldDuring: URIRef
    convenedBy: URIRef
    participant: URIRef
    participatedIn: URIRef
    coChairedBy: URIRef
    coChaired: URIRef
    organizedBy: URIRef
    speaker: URIRef
    discussed: URIRef
    reaffirmed: URIRef
    welcomed: URIRef
    agreed: URIRef
    mentionsAgreement: URIRef
    sharedViewOn: URIRef
    intended: URIRef
    reportedCooperationIn: URIRef
    covers: URIRef
    approach: URIRef

    # Agreement properties
    agreementDate: URIRef
    entryIntoForceDate: URIRef
    adReferendumDate: URIRef
    party: URIRef
    issuedBy: URIRef
    concerns: URIRef

    # Organization, person, place and program properties
    country: URIRef
    subOrganizationOf: URIRef
    holdsPost: URIRef
    postIn: URIRef
    memberOf: URIRef
    militaryRank: URIRef
    locatedIn: URIRef
    operatedBy: URIRef
    toBeLaunchedBy: URIRef
    abbreviation: URIRef

    # Source and statement properties
    about: URIRef
    rank: URIRef
    evidenceKind: URIRef
    authority: URIRef
    mirrors: URIRef
    retrieved: URIRef
    paraphrase: URIRef
    evidence: URIRef

    # Datatypes
    CalendarDate: URIRef


def make_graph(**kwargs) -> Graph:
    """A graph with exactly the project's prefixes bound (rdflib's defaults change between versions)."""
    graph = Graph(bind_namespaces="none", **kwargs)
    bind_prefixes(graph)
    return graph


PREFIXES = {
    "skg": SKG._NS,
    "kg": KG,
    "doc": DOC,
    "stmt": STMT,
    "quote": QUOTE,
    "graph": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "org": ORG,
    "prov": PROV,
    "time": TIME,
    "oa": OA,
    "schema": SCHEMA,
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on any rdflib graph or dataset."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
