"""Competency queries: the library in queries/, and running SPARQL on the built graph.

A library query is a ``.rq`` file whose opening comment lines form its header::

    # title: Meetings of the Comprehensive Dialogue on Space
    # question: Which meetings … does the corpus know of, when and where?
    # columns: ordinal, start, end, city, country, status, document
    # param: ordinal — the meeting's ordinal, e.g. 7     (optional, repeatable: the query needs it)
    # values: ordinal — SELECT DISTINCT ?value WHERE { … } (optional: the values the parameter can take)
    # note: anything else a reader should know            (optional)

A value may go on over further comment lines indented by two spaces or more. ``run`` takes any
rdflib graph or dataset and asks it with ``graph.query()``, so the same code runs on rdflib's
own store and on Oxigraph. Results come back as human-readable strings: labels and literal
values as they are, dates in ISO 8601, other IRIs shortened with the project's prefixes.

Heavy imports (rdflib, pyoxigraph) happen inside the functions that need them, so that listing
the library stays instant.

When a parameter declared with ``# values:`` matches nothing, :func:`check_matches` says so and
names the closest of the values that query gives, instead of printing an empty table.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SpacekgError
from .paths import Layout

REQUIRED_KEYS = ("title", "question", "columns")
# queries/*-violation.rq are the build's checks (spacekg.checks.violations), not library queries:
# they must return no rows. `spacekg query NAME` still runs them, without a header.
CHECK_SUFFIX = "-violation.rq"
_HEADER_LINE = re.compile(r"^# (?P<key>[a-z]+):\s*(?P<value>.*)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_OXIGRAPH_SYNTAX = re.compile(r"error at (?P<line>\d+):(?P<column>\d+):\s*(?P<message>.*)", re.S)


class QueryError(SpacekgError):
    """A query could not be found, read or run."""

    exit_code = 2


class QuerySyntaxError(QueryError):
    """A query is not valid SPARQL; the message names the query, the line and the column."""

    exit_code = 1

    def __init__(self, source: str, line: int, column: int, message: str):
        super().__init__(f"{source}:{line}:{column}: SPARQL syntax error: {message}",
                         hint="see https://www.w3.org/TR/sparql11-query/ for the grammar")
        self.line = line
        self.column = column


@dataclass(frozen=True)
class LibraryQuery:
    """One query of the library, with its header."""

    name: str
    path: Path
    title: str
    question: str
    columns: list[str]
    text: str
    params: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # parameter → a query whose ?value are its values


@dataclass
class QueryResult:
    """A result table: column names and rows of human-readable strings ('' where unbound)."""

    columns: list[str]
    rows: list[list[str]]
    _terms: object = field(default_factory=list, repr=False)  # rows of RDF terms, or a function making them

    @property
    def terms(self) -> list[list[object]]:
        """The rdflib terms behind the rows (None where unbound), made when first asked for."""
        if callable(self._terms):
            self._terms = self._terms()
        return self._terms

    def column(self, name: str) -> list[str]:
        """The cells of one column."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def to_table(self, max_width: int | None = None) -> str:
        """An aligned plain-text table; cells longer than ``max_width`` are cut with '…'."""
        def cut(cell: str) -> str:
            cell = " ".join(cell.split())
            if not max_width or _width(cell) <= max_width:
                return cell
            kept, used = [], 0
            for ch in cell:
                used += _width(ch)
                if used > max_width - 1:
                    break
                kept.append(ch)
            return "".join(kept).rstrip() + "…"

        cells = [[cut(c) for c in self.columns]] + [[cut(c) for c in row] for row in self.rows]
        widths = [max(_width(row[i]) for row in cells) for i in range(len(self.columns))]

        def line(row: list[str]) -> str:
            return "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip()

        rule = "  ".join("-" * w for w in widths)
        count = len(self.rows)
        body = [line(cells[0]), rule] + [line(row) for row in cells[1:]]
        return "\n".join(body + [f"({count} row{'s' if count != 1 else ''})"]) + "\n"

    def to_csv(self) -> str:
        """RFC 4180 CSV (Python's csv module), the header exactly the column names."""
        return self._delimited(csv.excel)

    def to_tsv(self) -> str:
        """Tab-separated values (csv's excel-tab dialect), the header exactly the column names."""
        return self._delimited(csv.excel_tab)

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (rdflib's serializer); ``head.vars`` are the column names."""
        from rdflib.query import Result
        from rdflib.term import Variable

        variables = [Variable(name) for name in self.columns]
        result = Result("SELECT")
        result.vars = variables
        result.bindings = [
            {var: term for var, term in zip(variables, row) if term is not None} for row in self.terms
        ]
        return result.serialize(format="json").decode("utf-8") + "\n"

    def _delimited(self, dialect) -> str:
        out = io.StringIO()
        writer = csv.writer(out, dialect=dialect)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


def _width(text: str) -> int:
    """Display width on a terminal: East Asian wide characters take two columns."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- The library -----------------------------------------------------------------------------

def library(layout: Layout) -> list[LibraryQuery]:
    """Every query of the library in queries/, sorted by name (the build's checks excluded)."""
    return [read_query(path, layout) for path in _library_files(layout)]


def _library_files(layout: Layout) -> list[Path]:
    folder = layout.queries
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.glob("*.rq")) if not path.name.endswith(CHECK_SUFFIX)]


def read_query(path: Path, layout: Layout | None = None) -> LibraryQuery:
    """Read one .rq file and its header; a missing header key is reported as ``file:line``."""
    shown = layout.relative(path) if layout else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{shown}: cannot read the query: {error}") from None
    header: dict[str, list[str]] = {}
    last_key = None
    line_number = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        if match := _HEADER_LINE.match(line):
            last_key = match["key"]
            header.setdefault(last_key, []).append(match["value"].strip())
        elif (match := _CONTINUATION.match(line)) and last_key:
            header[last_key][-1] += " " + match["value"].strip()
        else:
            last_key = None
    for key in REQUIRED_KEYS:
        if not header.get(key) or not header[key][0]:
            raise QueryError(f"{shown}:{line_number}: the header has no '# {key}:' line",
                             hint="a library query opens with '# title:', '# question:' and '# columns:' lines")
    params = {}
    for entry in header.get("param", []):
        name, _, description = entry.partition(" ")
        params[name] = description.strip(" —-")
    values = {}
    for entry in header.get("values", []):
        name, _, select = entry.partition(" ")
        if name not in params:
            raise QueryError(f"{shown}: '# values: {name}' names no parameter",
                             hint=f"declare it with '# param: {name} — …' first")
        values[name] = select.strip(" —-")
    return LibraryQuery(
        name=path.stem,
        path=path,
        title=header["title"][0],
        question=header["question"][0],
        columns=[c.strip() for c in header["columns"][0].split(",") if c.strip()],
        text=text,
        params=params,
        notes=header.get("note", []),
        values=values,
    )


def find(layout: Layout, name: str) -> LibraryQuery:
    """The library query called ``name`` (with or without .rq); unknown names get a suggestion."""
    stem = name[:-3] if name.endswith(".rq") else name
    queries = {path.stem: path for path in _library_files(layout)}
    if stem in queries:
        return read_query(queries[stem], layout)
    check = layout.queries / f"{stem}.rq"
    if stem.endswith(CHECK_SUFFIX[:-3]) and check.is_file():
        return _check_query(check, layout)
    close = difflib.get_close_matches(stem, list(queries), n=3, cutoff=0.5)
    hint = (f"did you mean {', '.join(close)}?" if close else "") + " `spacekg query --list` lists the library"
    raise QueryError(f"no query called '{name}' in {layout.relative(layout.queries)}/", hint=hint.strip())


def _check_query(path: Path, layout: Layout) -> LibraryQuery:
    """A check query run by hand: no header, its columns are whatever it selects."""
    text = path.read_text(encoding="utf-8")
    return LibraryQuery(path.stem, path, path.stem, "", [], text)


# --- Running ---------------------------------------------------------------------------------

def open_graph(layout: Layout, inferred: bool = False, store: str = "oxigraph"):
    """The built graph to query: the asserted named graphs only, or with the inferred graph too.

    ``store``: "oxigraph" (output/store/, opened read-only; with ``inferred``, output/spacekg.trig
    and spacekg-inferred.trig loaded into memory) or "memory" (rdflib, parsing those files)."""
    from .store import open_dataset

    return open_dataset(layout, store=store, inferred=inferred)


def with_values(text: str, params: dict[str, object]) -> str:
    """The query with its parameters bound by a VALUES block at the start of its outer WHERE
    clause, where the clause's FILTERs see them (as a local engine's initial bindings are; a VALUES
    clause after the query would be joined only after them). For engines that take no bindings:
    the browser's, another store's endpoint. Comment lines are not searched."""
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


def typed_value(value):
    """A parameter value as an RDF term: integers, decimals, dates and IRIs typed, else a string."""
    from decimal import Decimal

    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD
    from rdflib.term import Node

    from .namespaces import PREFIXES

    if isinstance(value, Node):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Literal(value)
    text = str(value)
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(int(text))
    if re.fullmatch(r"[+-]?\d+\.\d+", text):
        return Literal(Decimal(text))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and re.fullmatch(r"[\w.-]*", local):
        return URIRef(str(PREFIXES[prefix]) + local)
    return Literal(text)


def run(graph, text: str, params: dict | None = None, source: str = "query") -> QueryResult:
    """Run a SELECT or ASK query on ``graph`` (any rdflib graph or dataset) and return its table.

    ``params`` bind variables before evaluation (rdflib's ``initBindings``); string values are
    typed by :func:`typed_value`. ``source`` names the query in error messages.
    """
    from rdflib.term import Variable

    _no_remote_loading()
    bindings = {Variable(name): typed_value(value) for name, value in (params or {}).items()}
    native = _native_store(graph)
    try:
        if native is not None:
            return _run_natively(native, text, bindings, source, graph)
        result = graph.query(text, initNs=_prefixes(), initBindings=bindings)
        if result.type == "ASK":
            return _table(["ask"], [[_literal_boolean(result.askAnswer)]], graph)
        if result.type != "SELECT":
            raise QueryError(f"{source}: a {result.type} query returns a graph, not a table",
                             hint="`spacekg query` runs SELECT and ASK queries")
        columns = [str(var) for var in result.vars]
        terms = [[row[var] if var in row else None for var in result.vars] for row in _solutions(result)]
    except QueryError:
        raise
    except Exception as error:  # the engines raise their own types; turn them into ours
        raise _query_error(error, text, source) from None
    return _table(columns, terms, graph)


def _native_store(graph):
    """The pyoxigraph store behind a dataset whose default graph is the union of its graphs, else None."""
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    if isinstance(graph, Dataset) and graph.default_union and isinstance(graph.store, OxigraphStore):
        return graph.store._inner  # oxrdflib's own handle on the store
    return None


def _run_natively(store, text: str, bindings: dict, source: str, graph) -> QueryResult:
    """Like rdflib's graph.query() through oxrdflib, without making an rdflib term of every value:
    the table is read from pyoxigraph's terms, and rdflib terms are made only if asked for."""
    import pyoxigraph as ox
    from oxrdflib._converter import from_ox

    from .oxigraph import to_oxigraph

    result = store.query(text, use_default_graph_as_union=True,
                         prefixes={prefix: str(ns) for prefix, ns in _prefixes().items()},
                         substitutions={ox.Variable(str(k)): to_oxigraph(v) for k, v in bindings.items()})
    if isinstance(result, ox.QueryBoolean):
        return _table(["ask"], [[_literal_boolean(bool(result))]], graph)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"{source}: a CONSTRUCT query returns a graph, not a table",
                         hint="`spacekg query` runs SELECT and ASK queries")
    columns = [variable.value for variable in result.variables]
    native = [list(solution) for solution in result]
    rows = [[_readable_native(term) for term in row] for row in native]
    return QueryResult(columns, rows, lambda: [[from_ox(term) for term in row] for row in native])


def _readable_native(term) -> str:
    """:func:`readable` for a pyoxigraph term."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return _shortened(term.value)
    return f"_:{term.value}"


def _solutions(result):
    """The solution mappings of a SELECT result, as dicts keyed by variable."""
    for row in result.bindings:
        yield row


def _literal_boolean(value: bool):
    from rdflib import Literal

    return Literal(bool(value))


def _table(columns: list[str], terms: list[list[object]], graph) -> QueryResult:
    return QueryResult(columns, [[readable(term, graph) for term in row] for row in terms], terms)


def readable(term, graph=None) -> str:
    """A term as a person reads it: the lexical form of a literal, a prefixed name for an IRI."""
    from rdflib import Literal, URIRef

    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        return _shortened(str(term))
    return term.n3()


def _shortened(iri: str) -> str:
    """An IRI as a prefixed name with the project's longest matching prefix, else as it is."""
    for prefix, namespace in _longest_prefixes_first():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@functools.cache
def _longest_prefixes_first() -> tuple[tuple[str, str], ...]:
    from .namespaces import PREFIXES

    return tuple(sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1])))


def _query_error(error: Exception, text: str, source: str) -> QueryError:
    """Our error for an engine's exception: syntax errors name the line and column."""
    message = " ".join(str(error).split())
    oxigraph = _OXIGRAPH_SYNTAX.search(str(error)) if isinstance(error, SyntaxError) else None
    if (oxigraph or type(error).__name__ in ("ParseException", "ParseSyntaxException")
            or message.startswith("Unknown namespace prefix")):
        located = _locate_syntax_error(text)
        if located is None and oxigraph:
            located = int(oxigraph["line"]), int(oxigraph["column"]), " ".join(oxigraph["message"].split())
        if located is not None:
            line, column, reason = located
            return QuerySyntaxError(source, line, column, reason + _excerpt(text, line, column))
    if match := re.search(r"does not contains? variable \?(\w+) in its SELECT projection", message):
        return QueryError(f"{source}: --param {match[1]} binds a variable that the query does not select",
                          hint=f"add ?{match[1]} to the SELECT clause (Oxigraph binds selected variables only)")
    return QueryError(f"{source}: the query failed: {type(error).__name__}: {message}")


def _locate_syntax_error(text: str) -> tuple[int, int, str] | None:
    """Where rdflib's SPARQL parser stops on ``text`` (line, column, reason); None if it parses.

    Oxigraph reports the furthest point its parser reached, often past the mistake; rdflib's
    parser points at the clause or token that fails, so its position is the one shown.
    """
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text, initNs=_prefixes())
    except Exception as error:  # pyparsing's ParseException, or rdflib's own for an unknown prefix
        lineno, column = getattr(error, "lineno", None), getattr(error, "col", None)
        reason = " ".join(str(getattr(error, "msg", error)).split())
        if lineno:
            return lineno, column or 1, reason
        if match := re.search(r"Unknown namespace prefix : (\S+)", str(error)):
            return _position_of(text, match[1] + ":") + (f"unknown prefix '{match[1]}:'",)
    return None


def _position_of(text: str, needle: str) -> tuple[int, int]:
    """Line and column (1-based) of the first occurrence of ``needle`` outside comments."""
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        found = re.search(r"(?<![\w:<])" + re.escape(needle), code)
        if found:
            return number, found.start() + 1
    return 1, 1


def _excerpt(text: str, line: int, column: int) -> str:
    """The offending line with a caret under the column."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    return f"\n    {lines[line - 1]}\n    {' ' * (column - 1)}^"


def _prefixes() -> dict:
    """The project's prefixes, predeclared for every query (a query may still declare its own)."""
    from rdflib import URIRef

    from .namespaces import PREFIXES

    return {prefix: URIRef(str(namespace)) for prefix, namespace in PREFIXES.items()}


def _no_remote_loading() -> None:
    """rdflib fetches FROM graphs over the network by default; the built graph is all we query."""
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def missing_params(query: LibraryQuery, params: dict) -> list[str]:
    """The parameters that a library query declares but were not given."""
    return [name for name in query.params if name not in params]


def unknown_params(query: LibraryQuery, params: dict) -> list[str]:
    """The given parameters that a library query does not declare."""
    return [name for name in params if name not in query.params]


class NoMatchError(QueryError):
    """A parameter's value matches nothing the query can answer about."""

    exit_code = 1


def check_matches(graph, query: LibraryQuery, params: dict, result: QueryResult, shown: int = 5) -> None:
    """Raise :class:`NoMatchError` when a query answered no rows and a parameter's value is none of
    the values its ``# values:`` query gives; the message names the closest of them."""
    if result.rows:
        return
    for name, value in params.items():
        if name not in query.values:
            continue
        answer = run(graph, query.values[name], source=f"{query.path.name} (values of {name})")
        if "value" not in answer.columns:
            raise QueryError(f"{query.path.name}: the '# values: {name}' query selects no ?value",
                             hint="it must be a SELECT whose ?value are the values the parameter can take")
        known = sorted({v for v in answer.column("value") if v}, key=_natural)
        if not known or _normalized(str(value)) in {_normalized(v) for v in known}:
            continue
        close = closest(str(value), known, shown)
        hints = [f"closest: {', '.join(close)}"] if close else []
        hints.append(f"it takes one of {', '.join(known)}" if len(known) <= 12 else
                     f"it takes any of {len(known)} values (the '# values: {name}' query of {query.path.name})")
        raise NoMatchError(f"query '{query.name}': --param {name}={value} matches nothing", hint="; ".join(hints))


def closest(value: str, known: list[str], count: int = 5) -> list[str]:
    """The known values nearest to ``value``: by distance for numbers, else by spelling (difflib)."""
    if _is_number(value) and known and all(_is_number(v) for v in known):
        distance = {v: abs(float(v) - float(value)) for v in known}
        nearest = min(distance.values())
        return [v for v in known if distance[v] <= nearest][:count]
    by_form: dict[str, str] = {}
    for item in known:
        by_form.setdefault(_normalized(item), item)
    wanted = _normalized(value)
    containing = sorted((form for form in by_form if wanted and wanted in form), key=lambda f: (len(f), f))
    similar = difflib.get_close_matches(wanted, list(by_form), n=count, cutoff=0.5)
    matches = list(dict.fromkeys(similar + containing))[:count]
    return [by_form[m] for m in matches]


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split())


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+(\.\d+)?", text.strip()) is not None


def _natural(text: str) -> tuple:
    """Numbers in numeric order, then words in alphabetical order (case-insensitive)."""
    return (0, float(text), "") if _is_number(text) else (1, 0.0, text.casefold())
