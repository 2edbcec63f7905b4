"""What the query editor offers: the library's queries as ready examples, and queries about one entity.

The editor (YASGUI) sends plain SPARQL, so every query it is given declares the project's prefixes
it does not declare itself. A library query with parameters is bound by a VALUES block opening its
outer WHERE clause, with the example value its header gives (``e.g. 7``) or a value from the entity
whose page links to it. A link to the editor carries the query in the URL (``query.html?query=…``),
which YASGUI opens in a tab of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from ..namespaces import KG, PREFIXES, SKG
from ..paths import Layout
from ..query import LibraryQuery, library, typed_value
from .entity import EntityPage
from .lookup import Lookup

_EXAMPLE = re.compile(r"\be\.g\.\s*([^,;]+)")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PREFIXED = re.compile(r"(?<![\w<:/.-])([\w-]+):")  # the prefix of each prefixed name (kg: of kg:jaxa)
_DECLARED = re.compile(r"(?im)^\s*PREFIX\s+([\w-]+):")


@dataclass(frozen=True)
class Example:
    """A query ready to run in the editor."""

    name: str
    title: str
    question: str
    text: str

    def link(self, editor: str) -> str:
        """A link to the editor (``editor``: its URL from the linking page) opening this query."""
        return f"{editor}?{urlencode({'query': self.text, 'tabTitle': self.title})}"


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of the project's prefixes that it uses without
    declaring, after its opening comment lines (the library's header stays on top)."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    used = set(_PREFIXED.findall(code)) - set(_DECLARED.findall(code))
    missing = [p for p in PREFIXES if p in used]
    lines = text.splitlines(keepends=True)
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    declarations = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
    return "".join(lines[:header]) + declarations + "".join(lines[header:])


def bound(text: str, params: dict[str, object]) -> str:
    """The query with its parameters bound by a VALUES block at the start of its outer WHERE
    clause (where the FILTERs of the clause see them); comment lines are not searched."""
    if not params:
        return text
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(typed_value(value).n3() for value in params.values())
    offset = 0
    for line in text.splitlines(keepends=True):
        match = None if line.lstrip().startswith("#") else _WHERE.search(line)
        if match:
            at = offset + match.end()
            return f"{text[:at]}\n  VALUES ({names}) {{ ({values}) }}{text[at:]}"
        offset += len(line)
    return text


def example_value(description: str) -> str | None:
    """The first example a parameter's description gives (``… e.g. SSA, artemis`` → ``SSA``)."""
    match = _EXAMPLE.search(description)
    return match[1].strip().rstrip(".") if match else None


def library_examples(layout: Layout) -> list[Example]:
    """Every query of the library, parameters bound to the example values of its header."""
    examples = []
    for query in library(layout):
        params = {name: example_value(text) for name, text in query.params.items()}
        text = bound(query.text, {k: v for k, v in params.items() if v is not None})
        examples.append(Example(query.name, query.title, query.question, with_prefixes(text)))
    return examples


# How a library query's parameter takes its value from an entity: parameter → (classes, value).
ENTITY_PARAMS = {
    "ordinal": ((str(SKG.DialogueMeeting),), lambda page: page.ordinal),
    "topic": ((str(SKG.Topic), str(SKG.Program), str(SKG.System), str(SKG.PolicyInstrument)),
              lambda page: page.identifier),
}


def entity_examples(lookup: Lookup, layout: Layout, page: EntityPage,
                    queries: list[LibraryQuery] | None = None) -> list[Example]:
    """Queries about one entity: what the sources say about it, then each library query whose
    parameters the entity fills (a meeting's ordinal, a topic's id)."""
    name = page.name.en
    examples = [Example("about", f"What the sources say about {name}",
                        f"Every claim about {name} or naming it, with its rank and evidence",
                        with_prefixes(about_query(page.iri, name)))]
    for query in library(layout) if queries is None else queries:
        if not query.params:
            continue
        values = {}
        for param in query.params:
            classes, value = ENTITY_PARAMS.get(param, ((), None))
            if value is not None and any(lookup.is_a(k, c) for k, _ in page.classes for c in classes) and value(page):
                values[param] = value(page)
        if len(values) == len(query.params):
            examples.append(Example(query.name, f"{query.title}: {name}", query.question,
                                    with_prefixes(bound(query.text, values))))
    return examples


def about_query(iri: str, name: str) -> str:
    """Every claim with the entity as subject or value: who or what, the property, the value,
    the rank, the source document and the words (or paraphrase) it rests on."""
    node = f"kg:{iri[len(str(KG)):]}" if re.fullmatch(rf"{re.escape(str(KG))}[\w-]+", iri) else f"<{iri}>"
    return f"""# What the sources say about {name.replace(chr(10), ' ')}
SELECT ?subject ?property ?value ?rank ?document ?evidence WHERE {{
  VALUES ?entity {{ {node} }}
  {{ ?claim rdf:subject ?entity }} UNION {{ ?claim rdf:object ?entity }}
  ?claim a skg:Statement ; rdf:subject ?subject ; rdf:predicate ?p ; rdf:object ?value ;
         skg:rank ?r ; prov:wasDerivedFrom ?document .
  ?p rdfs:label ?property FILTER(LANG(?property) = "en")
  BIND(LCASE(REPLACE(STR(?r), "^.*#|Rank$", "")) AS ?rank)
  OPTIONAL {{ ?claim oa:hasTarget/oa:hasSelector/oa:exact ?words }}
  OPTIONAL {{ ?claim skg:paraphrase ?paraphrase }}
  BIND(COALESCE(?words, ?paraphrase) AS ?evidence)
}}
ORDER BY ?subject ?property STR(?value)
"""
