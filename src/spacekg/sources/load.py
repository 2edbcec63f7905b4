"""Read sources/ into checked records, or report every problem as ``file:line: message``.

The sources are read in passes that each hold one file, or one entity, at a time:

1. every registry file is read (:meth:`_Loader.registry_file`): each entry is checked on its own
   and set aside in a spool, and its id, class and line go to the :class:`Registry` index;
2. with the index complete, each entity's facts and broader terms are resolved
   (:meth:`_Loader.entity_facts`), and each annotation file is read and checked against the
   index and the ontology (:meth:`_Loader.document`);

so that memory holds the index and one file, never the corpus. The passes work on jobs that
worker processes can run (one file, one slice of the registry spool), and report every problem
they find, so that a run lists them all. :func:`load_corpus` runs the passes in this process and
keeps everything, for small corpora (tests, measurements).
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from rdflib import URIRef
from rdflib.namespace import XSD

from ..errors import Problem, Problems
from ..namespaces import DOC, KG, SKG
from ..ontology import DATE_TYPES, PropertyInfo, Schema
from ..paths import Layout
from ..spool import Span, Spool, read
from .model import Corpus, Document, Entity, Fact, Quote, Statement, Where
from .quotes import NormalizedText
from .registry import At, Entries, Registry
from .values import ValueProblem, parse_date, parse_positive_integer, parse_text
from .yamlfile import LocatedDict, LocatedList, load_items, load_yaml

ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
ENTITY_KEYS = ("id", "class", "label", "alt", "abbr", "ja", "description", "broader")
DOCUMENT_KEYS = ("id", "text", "url", "title", "language", "kind", "creator", "publisher", "issued", "accessed",
                 "authority", "mirrorOf", "about", "note")
STATEMENT_KEYS = ("id", "subject", "quote", "paraphrase", "rank", "note")
RANKS = {"preferred": SKG.PreferredRank, "normal": SKG.NormalRank, "deprecated": SKG.DeprecatedRank}
AUTHORITIES = {"official": SKG.OfficialRecord, "mirror": SKG.MirrorRecord, "independent": SKG.IndependentRecord}
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# A paraphrase is a short account in our own words; a long one is likely to copy the record.
PARAPHRASE_LIMIT = 400
FORMAT_HINT = "see docs/annotating.md for the format"
# Entities per spooled slice of a registry file: the unit of work of the second pass.
SLICE = 2_000


@dataclass
class RegistryFile:
    """What the first pass made of one registry file: its entries (their ids' digests, classes
    and lines) in order, the spool spans holding them in slices, and the problems found."""

    file: str
    entries: Entries
    spans: list[Span] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class DocumentRecord:
    """One annotation file read and checked: the document and its statements, or the problems."""

    file: str
    document: Document | None = None
    statements: list[Statement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def registry_files(layout: Layout) -> list[Path]:
    return sorted(layout.registry.glob("*.yaml"))


def annotation_files(layout: Layout) -> list[Path]:
    return [layout.annotations / name for name in annotation_names(layout)]


def annotation_names(layout: Layout) -> list[str]:
    """The names of the annotation files (*.yaml), sorted: as strings, which take a third of the
    memory of paths (a build's first pass lists hundreds of thousands at large sizes)."""
    if not layout.annotations.is_dir():
        return []
    with os.scandir(layout.annotations) as entries:
        return sorted(entry.name for entry in entries if entry.name.endswith(".yaml"))


def build_index(files: list[RegistryFile], problems: Problems, layout: Layout) -> Registry:
    """The registry index from the first pass's entries, in file order; a second entry with an
    id already registered is a problem (the first one counts)."""
    if not files:
        problems.add(layout.relative(layout.registry), 0, "no registry files (*.yaml)")
    for found in files:
        problems.items += found.problems
    registry, duplicates = Registry.of([found.entries for found in files])
    ids = _ids_at(files, {later for later, _ in duplicates})
    for later, earlier in duplicates:
        entity_id, klass, file, line = files[later[0]].entries.entry(later[1], ids[later])
        _, first_class, first_file, first_line = files[earlier[0]].entries.entry(earlier[1], ids[later])
        problems.add(file, line, f"duplicate id '{entity_id}', here as {_article(klass)}",
                     hint=f"already registered as {_article(first_class)} at {Where(first_file, first_line)}; "
                          "one id names one entity of one class")
    spans = [span for found in files for span in found.spans]
    registry.read_labels = lambda: ((entity.id, [entity.label, *entity.alt, *entity.abbr])
                                    for span in spans for entity, _ in read(span))
    return registry


def _ids_at(files: list[RegistryFile], places: set[At]) -> dict[At, str]:
    """The ids of the entries at these places, read back from the files' spooled records (which
    hold the entries in the same order)."""
    ids = {}
    for number in sorted({file for file, _ in places}):
        records = (entity for span in files[number].spans for entity, _ in read(span))
        for position, entity in enumerate(records):
            if (number, position) in places:
                ids[number, position] = entity.id
    return ids


@contextmanager
def spooled_registry(layout: Layout, schema: Schema, problems: Problems) -> Iterator[tuple[list[RegistryFile], Registry]]:
    """The first pass in this process: every registry file read, its entries spooled (the spool
    is there for the block's time), and the index built from them (its problems go to ``problems``)."""
    with tempfile.TemporaryDirectory(prefix="spacekg-spool-") as folder:
        spool = Spool(Path(folder) / "registry.spool")
        files = [_Loader(layout, schema).registry_file(path, spool) for path in registry_files(layout)]
        spool.close()
        yield files, build_index(files, problems, layout)


def read_registry(layout: Layout, schema: Schema) -> Registry:
    """The registry index read again from the registry files (to locate the nodes a check reports
    after a build, which lets go of its index before the checks); problems are not reported here:
    the build that read these files first has."""
    with spooled_registry(layout, schema, Problems()) as (_, registry):
        registry.read_labels = None  # the spool goes with the block: no label hints
    return registry


def load_corpus(layout: Layout, schema: Schema) -> Corpus:
    """Load and check the registry and every annotation file in this process, keeping all of it;
    raise SourceError listing all problems. For small corpora: a build streams instead."""
    problems = Problems()
    with spooled_registry(layout, schema, problems) as (files, registry):
        entities = {}
        for span in (span for found in files for span in found.spans):
            loader = _Loader(layout, schema, registry)
            for entity in loader.entity_facts(span):
                entities[entity.id] = entity
            problems.items += loader.problems.items
        documents, statements = [], []
        for path in annotation_files(layout):
            record = _Loader(layout, schema, registry).document(path)
            problems.items += record.problems
            if record.document is not None:
                documents.append(record.document)
                statements += record.statements
        problems.items += mirror_problems(documents, {document.id for document in documents})
    problems.raise_if_any()
    return Corpus(dict(sorted(entities.items())), sorted(documents, key=lambda d: d.id), statements)


def mirror_problems(documents: list[Document], known: set[str]) -> list[Problem]:
    """A record that says it mirrors a document the corpus does not have (``documents``: those
    that name one; ``known``: the ids of every document)."""
    problems = Problems()
    for document in documents:
        if document.mirror_of is not None and document.mirror_of not in known:
            close = difflib.get_close_matches(document.mirror_of, sorted(known), n=3, cutoff=0.6)
            problems.add(document.where.file, document.where.line,
                         f"'mirrorOf' names no document: '{document.mirror_of}'",
                         hint=("did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close
                         else "give the id of the official record that this one reproduces")
    return problems.items


class _Loader:
    """Checks of one job of a pass (a registry file, a registry slice, an annotation file);
    ``registry``: the index, once the first pass has made it."""

    def __init__(self, layout: Layout, schema: Schema, registry: Registry | None = None):
        self.layout = layout
        self.schema = schema
        self.problems = Problems()
        self.registry = registry if registry is not None else Registry()
        self.texts: dict[str, NormalizedText] = {}

    # -- the passes -------------------------------------------------------------------------------

    def registry_file(self, path: Path, spool: Spool) -> RegistryFile:
        """First pass over one registry file: each entry checked on its own and spooled."""
        file = self.layout.relative(path)
        found = RegistryFile(file, Entries(file))
        text = self._read_text(path, file)
        batch = []
        if text is not None:
            for item, line in load_items(text, file, self.problems, "a registry file must be a list of entries"):
                if not isinstance(item, LocatedDict):
                    self.problems.add(file, line, "a registry entry must be a mapping with id, class and label",
                                      hint=FORMAT_HINT)
                    continue
                entity = self._entity(file, item)
                if entity is None:
                    continue
                found.entries.add(entity.id, entity.klass, entity.where.line)
                batch.append((entity, item))
                if len(batch) == SLICE:
                    found.spans.append(spool.add(*batch))
                    batch = []
        if batch:
            found.spans.append(spool.add(*batch))
        found.problems = self.problems.items
        return found

    def entity_facts(self, span: Span) -> list[Entity]:
        """Second pass over a slice of the registry: each entity with its facts and broader terms
        (the entries that lost to an earlier one of the same id are left out)."""
        entities = []
        for entity, entry in read(span):
            if self.registry.where(entity.id) != entity.where:
                continue
            file = entity.where.file
            entity.facts = self._facts(entity.iri, entity.klass, entry, ENTITY_KEYS, file)
            entity.broader = [iri for iri, _ in self._references(entry, "broader", file)]
            entities.append(entity)
        return entities

    def document(self, path: Path) -> DocumentRecord:
        """One annotation file: its document and statements, checked against the registry."""
        file = self.layout.relative(path)
        record = DocumentRecord(file)
        text = self._read_text(path, file)
        data = load_yaml(text, file, self.problems) if text is not None else None
        if data is not None and not isinstance(data, LocatedDict):
            self.problems.add(file, getattr(data, "line", 1),
                              "an annotation file must be a mapping with 'document' and 'statements'",
                              hint=FORMAT_HINT)
        elif data is not None:
            self._unknown_keys(file, data, ("document", "statements"))
            document = self._document(file, data.get("document"), data.lines.get("document", data.line))
            if document is not None:
                record.document = document
                record.statements = self._statements(file, document, data.get("statements"),
                                                     data.lines.get("statements", data.line))
        record.problems = self.problems.items
        return record

    def _read_text(self, path: Path, file: str) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problems.add(file, 0, f"not UTF-8 text (byte {error.start})", hint="save the file as UTF-8")
            return None

    # -- registry ---------------------------------------------------------------------------------

    def _entity(self, file: str, entry: LocatedDict) -> Entity | None:
        """A registry entry's own fields, checked (its references are resolved in the second pass)."""
        entity_id = self._identifier(file, entry)
        label = self._text(file, entry, "label", required=True)
        klass = self._class(file, entry, "class", None)
        if entity_id is None or label is None or klass is None:
            return None
        return Entity(
            entity_id, KG[entity_id], klass, label, Where(file, entry.line),
            alt=self._texts(file, entry, "alt"), abbr=self._texts(file, entry, "abbr"),
            ja=self._text(file, entry, "ja"), description=self._text(file, entry, "description"))

    # -- annotations ------------------------------------------------------------------------------

    def _document(self, file: str, header, line: int) -> Document | None:
        if not isinstance(header, LocatedDict):
            self.problems.add(file, line, "missing or malformed 'document' header", hint=FORMAT_HINT)
            return None
        self._unknown_keys(file, header, DOCUMENT_KEYS)
        doc_id = self._identifier(file, header)
        title = self._text(file, header, "title", required=True)
        klass = self._class(file, header, "kind", SKG.SourceDocument)
        if doc_id and Path(file).stem != doc_id:
            self.problems.add(file, header.lines["id"], f"document id '{doc_id}' differs from the file name",
                              hint=f"name the file {doc_id}.yaml")
        if "text" in header and "url" in header:
            self.problems.add(file, header.lines["url"], "a document has either 'text' (a verbatim text in "
                              "sources/texts/, quoted) or 'url' (a public record, cited), not both",
                              hint="keep 'text' if the verbatim text is in sources/texts/")
            return None
        if "text" not in header and "url" not in header:
            self.problems.add(file, header.line, "missing 'text' or 'url'",
                              hint="'text: NAME.txt' for a verbatim text in sources/texts/, 'url:' for a cited "
                                   "public record; " + FORMAT_HINT)
            return None
        cited = "url" in header
        text_name = None if cited else self._text(file, header, "text", required=True)
        url = self._url(file, header) if cited else None
        if None in (doc_id, title, klass) or (text_name is None and url is None):
            return None
        text_file = None
        if not cited:
            text_path = self.layout.texts / text_name
            if not text_path.is_file():
                self.problems.add(file, header.lines["text"], f"source text '{text_name}' not found in sources/texts/",
                                  hint="copy the document's verbatim text there, or fix the file name")
                return None
            try:
                self.texts[doc_id] = NormalizedText(text_path.read_text(encoding="utf-8"))
            except UnicodeDecodeError as error:
                self.problems.add(self.layout.relative(text_path), 0, f"not UTF-8 text (byte {error.start})",
                                  hint="convert the text to UTF-8 without changing its words")
                return None
            text_file = self.layout.relative(text_path)
        issued = self._date(file, header, "issued")
        accessed = self._date(file, header, "accessed")
        if cited and "accessed" not in header:
            self.problems.add(file, header.line, "missing 'accessed': the day the record was consulted",
                              hint="e.g. 'accessed: 2026-12-02'")
        authority = self._authority(file, header, required=cited)
        if cited:
            for key, example in (("publisher", "publisher: mofa"), ("issued", "issued: 2018-07-20")):
                if key not in header:
                    self.problems.add(file, header.line, f"missing '{key}' of the cited record",
                                      hint=f"a cited record is known by its address, title, publisher and "
                                           f"dates, e.g. '{example}'")
        language = self._text(file, header, "language") or "en"
        if not LANGUAGE_TAG.match(language):
            self.problems.add(file, header.lines["language"], f"malformed language tag '{language}'",
                              hint="a BCP 47 tag such as 'en' or 'ja'")
        mirror_of = self._text(file, header, "mirrorOf")
        publisher = self._references(header, "publisher", file)
        return Document(
            doc_id, DOC[doc_id], klass, title, text_file, Where(file, header.line),
            creators=[iri for iri, _ in self._references(header, "creator", file)],
            publisher=publisher[0][0] if publisher else None, issued=issued,
            about=[iri for iri, _ in self._references(header, "about", file)],
            note=self._text(file, header, "note"), url=url, accessed=accessed, authority=authority,
            language=language, mirror_of=mirror_of)

    def _url(self, file: str, header: LocatedDict) -> str | None:
        url = self._text(file, header, "url", required=True)
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
            self.problems.add(file, header.lines["url"], f"malformed url '{url}'",
                              hint="the address of the public record, starting with https://")
            return None
        return url

    def _date(self, file: str, header: LocatedDict, key: str):
        if key not in header:
            return None
        try:
            return parse_date(header[key])
        except ValueProblem as problem:
            self.problems.add(file, header.lines[key], f"{key}: {problem}", hint=problem.hint)
            return None

    def _authority(self, file: str, header: LocatedDict, required: bool):
        name = header.get("authority")
        if name is None:
            if required:
                self.problems.add(file, header.line, "missing 'authority' of the cited record",
                                  hint="official (the government's own page), mirror (a copy of an official "
                                       "text elsewhere) or independent (an article)")
            return None
        if name not in AUTHORITIES:
            self._unknown(file, header.lines["authority"], "authority", str(name), list(AUTHORITIES))
            return None
        return AUTHORITIES[name]

    def _statements(self, file: str, document: Document, items, line: int) -> list[Statement]:
        if not isinstance(items, LocatedList):
            self.problems.add(file, line, "'statements' must be a list", hint=FORMAT_HINT)
            return []
        statements, seen = [], {}
        for item, item_line in zip(items, items.lines):
            if not isinstance(item, LocatedDict):
                self.problems.add(file, item_line, "a statement must be a mapping with id, subject, quote and facts",
                                  hint=FORMAT_HINT)
                continue
            statement_id = self._identifier(file, item)
            if statement_id in seen:
                self.problems.add(file, item.line, f"duplicate statement id '{statement_id}'",
                                  hint=f"it is already used on line {seen[statement_id]}")
                continue
            seen[statement_id] = item.line
            subject = self._references(item, "subject", file, required=True)
            quote, paraphrase = self._evidence(file, item, document)
            rank = self._rank(file, item)
            note = self._text(file, item, "note")
            if not subject:
                continue
            iri, klass = subject[0]
            facts = self._facts(iri, klass, item, STATEMENT_KEYS, file)
            if statement_id is None or (quote is None and paraphrase is None) or rank is None:
                continue
            if not facts and not any(key not in STATEMENT_KEYS for key in item):
                self.problems.add(file, item.line, f"statement '{statement_id}' asserts no fact",
                                  hint="add at least one property, e.g. 'participant: jaxa'")
            statements.append(Statement(statement_id, document.id, iri, quote, rank,
                                        Where(file, item.line), facts, note, paraphrase))
        return statements

    def _evidence(self, file: str, item: LocatedDict, document: Document) -> tuple[Quote | None, str | None]:
        """A statement's quote (of a quoted document) or paraphrase (of a cited record)."""
        if document.cited:
            if "quote" in item:
                self.problems.add(file, item.lines["quote"], f"a quote of a cited record: {document.id} has no "
                                  "verbatim text in sources/texts/",
                                  hint="say what the record says in your own words under 'paraphrase' "
                                       "(never copy its sentences)")
                return None, None
            paraphrase = self._text(file, item, "paraphrase", required=True)
            if paraphrase is not None and len(paraphrase) > PARAPHRASE_LIMIT:
                self.problems.add(file, item.lines["paraphrase"],
                                  f"paraphrase of {len(paraphrase)} characters (at most {PARAPHRASE_LIMIT})",
                                  hint="a paraphrase is a short account in your own words; split the statement")
                return None, None
            return None, paraphrase
        if "paraphrase" in item:
            self.problems.add(file, item.lines["paraphrase"], f"a paraphrase in a quoted document: {document.id} "
                              f"has its verbatim text in {document.text_file}",
                              hint="quote the words of the text that support the facts under 'quote'")
            return None, None
        return self._quote(file, item, document), None

    def _quote(self, file: str, item: LocatedDict, document: Document) -> Quote | None:
        text = self._text(file, item, "quote", required=True)
        if text is None:
            return None
        normalized = self.texts[document.id]
        matches = normalized.find(text)
        line = item.lines["quote"]
        if not matches:
            self.problems.add(file, line, f"quote not found in {document.text_file}: '{_short(text)}'",
                              hint=normalized.closest(text))
            return None
        if len(matches) > 1:
            lines = ", ".join(sorted({str(normalized.text.count("\n", 0, m.start) + 1) for m in matches}, key=int))
            self.problems.add(file, line, f"quote occurs {len(matches)} times in {document.text_file} "
                              f"(lines {lines}): '{_short(text)}'",
                              hint="lengthen the quote with words around it so that it occurs once")
            return None
        match = matches[0]
        return Quote(text, match.start, match.end, match.exact, match.prefix, match.suffix)

    def _rank(self, file: str, item: LocatedDict):
        name = item.get("rank", "normal")
        if not isinstance(name, str) or name not in RANKS:
            self.problems.add(file, item.lines.get("rank", item.line), f"unknown rank '{name}'",
                              hint="use preferred, normal or deprecated")
            return None
        return RANKS[name]

    # -- facts ------------------------------------------------------------------------------------

    def _facts(self, subject: URIRef, subject_class: URIRef, mapping: LocatedDict,
               reserved: tuple[str, ...], file: str) -> list[Fact]:
        facts = []
        for key, value in mapping.items():
            if key in reserved:
                continue
            line = mapping.lines[key]
            prop = self.schema.properties.get(key)
            if prop is None:
                self._unknown(file, line, "property", key, list(self.schema.properties) + list(reserved))
                continue
            if not self.schema.is_a(subject_class, prop.domain):
                self.problems.add(file, line, f"'{key}' does not apply to {_iri_id(subject)}, {_article(subject_class)}",
                                  hint=f"'{key}' applies to {_names(prop.domain)}")
                continue
            values = value if isinstance(value, LocatedList) else [value]
            lines = value.lines if isinstance(value, LocatedList) else [line]
            if not values:
                self.problems.add(file, line, f"'{key}' has no value")
            for item, item_line in zip(values, lines):
                fact = self._fact(prop, item, Where(file, item_line))
                if fact is not None:
                    facts.append(fact)
        return facts

    def _fact(self, prop: PropertyInfo, value, where: Where) -> Fact | None:
        if prop.is_object:
            resolved = self._resolve(value, where)
            if resolved is None:
                return None
            iri, klass = resolved
            if not self.schema.is_a(klass, prop.range):
                self.problems.add(where.file, where.line,
                                  f"'{value}' is {_article(klass)}, but '{prop.name}' takes {_names(prop.range)}",
                                  hint="use another property (see docs/annotating.md) or another entity")
                return None
            return Fact(prop.iri, iri, f"{prop.name}-{value}", where)
        try:
            if prop.range & DATE_TYPES:
                literal = parse_date(value)
            elif XSD.positiveInteger in prop.range:
                literal = parse_positive_integer(value)
            else:
                literal = parse_text(value)
        except ValueProblem as problem:
            self.problems.add(where.file, where.line, f"{prop.name}: {problem}", hint=problem.hint)
            return None
        return Fact(prop.iri, literal, f"{prop.name}-{_slug(str(literal))}", where)

    def _resolve(self, value, where: Where) -> tuple[URIRef, URIRef] | None:
        """An entity id (or an ontology individual such as 'held') → (IRI, class)."""
        if isinstance(value, str):
            found = self.registry.get(value)
            if found is not None:
                return found
            if value.lower() in self.schema.individuals:
                return self.schema.individuals[value.lower()]
        by_label = self.registry.by_label(value) if isinstance(value, str) else None
        hint = f"did you mean '{by_label}'?" if by_label else None
        self._unknown(where.file, where.line, "entity", str(value), self.registry.ids(), hint)
        return None

    def _references(self, mapping: LocatedDict, key: str, file: str, required: bool = False):
        """The entity ids under ``key`` (one or a list), resolved; unknown ones are reported."""
        if key not in mapping:
            if required:
                self.problems.add(file, mapping.line, f"missing '{key}'", hint=FORMAT_HINT)
            return []
        value = mapping[key]
        values = value if isinstance(value, LocatedList) else [value]
        lines = value.lines if isinstance(value, LocatedList) else [mapping.lines[key]]
        resolved = [self._resolve(v, Where(file, line)) for v, line in zip(values, lines)]
        return [r for r in resolved if r is not None]

    # -- small readers ----------------------------------------------------------------------------

    def _identifier(self, file: str, mapping: LocatedDict) -> str | None:
        value = mapping.get("id")
        if value is None:
            self.problems.add(file, mapping.line, "missing 'id'", hint=FORMAT_HINT)
            return None
        if not isinstance(value, str) or not ID.match(value):
            self.problems.add(file, mapping.lines["id"], f"malformed id '{value}'",
                              hint="an id is lower case letters, digits and hyphens, e.g. 'cds-9'")
            return None
        return value

    def _class(self, file: str, mapping: LocatedDict, key: str, within: URIRef | None) -> URIRef | None:
        name = mapping.get(key)
        line = mapping.lines.get(key, mapping.line)
        klass = self.schema.class_named(name) if isinstance(name, str) else None
        if klass is None or (within is not None and not self.schema.is_a(klass, frozenset({within}))):
            candidates = [c for c in self.schema.class_names()
                          if within is None or self.schema.is_a(self.schema.class_named(c), frozenset({within}))]
            self._unknown(file, line, "class", str(name), candidates)
            return None
        return klass

    def _text(self, file: str, mapping: LocatedDict, key: str, required: bool = False) -> str | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.problems.add(file, mapping.line, f"missing '{key}'", hint=FORMAT_HINT)
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            self.problems.add(file, mapping.lines[key], f"'{key}' must be text")
            return None
        return str(value).strip()

    def _texts(self, file: str, mapping: LocatedDict, key: str) -> list[str]:
        value = mapping.get(key, [])
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int, float)) for v in values):
            self.problems.add(file, mapping.lines[key], f"'{key}' must be text or a list of texts")
            return []
        return [str(v).strip() for v in values]

    def _unknown_keys(self, file: str, mapping: LocatedDict, allowed: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                self._unknown(file, mapping.lines[key], "key", key, list(allowed))

    def _unknown(self, file: str, line: int, what: str, name: str, candidates,
                 hint: str | None = None) -> None:
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        if hint is None and close:
            hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        self.problems.add(file, line, f"unknown {what} '{name}'", hint=hint or FORMAT_HINT)


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _article(klass: URIRef) -> str:
    """'an Agency', 'a Person': a class name with its indefinite article, for messages."""
    name = _local(klass)
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def _iri_id(iri: URIRef) -> str:
    return str(iri)[len(str(KG)):] if str(iri).startswith(str(KG)) else _local(iri)


def _names(classes) -> str:
    return ", ".join(sorted(_local(c) for c in classes)) or "anything"


def _short(text: str, size: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60]
