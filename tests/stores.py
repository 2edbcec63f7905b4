"""Triple stores the tests start and ask: Virtuoso (Debian's virtuoso-opensource) and Oxigraph's
server (the `oxigraph` command of PyPI's oxigraph), each in a scratch folder on free loopback
ports, stopped when the block ends; and the comparable form of their SPARQL answers.

Answers are compared as multisets of rows of RDF terms, normalized where stores legitimately
differ in form only: a plain literal equals its ``xsd:string`` form, numbers compare by value
(Oxigraph and Virtuoso store ``xsd:positiveInteger`` as ``xsd:integer``), and the values that one
cell joins (with " ‖ ", " | " or "; ") compare in any order: GROUP_CONCAT's order is left open by
SPARQL, and Oxigraph keeps the order of the query's subquery where Virtuoso and rdflib may not.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator

import httpx
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from spacekg.namespaces import PREFIXES
from spacekg.query import typed_value

from .conftest import free_port, wait_until_answers

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
QUERY_LIMIT = 30  # seconds one query may take on one store

NUMERIC = {str(XSD[name]) for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""
ADMIN = ("dba", "dba")  # a fresh Virtuoso database's administrator


@dataclass
class Virtuoso:
    folder: Path
    sql_port: int
    base: str

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def crud(self) -> str:
        """The Graph Store Protocol endpoint that asks for digest authentication."""
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, statements: str) -> str:
        """Run SQL statements with Virtuoso's own client; returns its output."""
        run = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", *ADMIN, f"exec={statements}"],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0 and "*** Error" not in run.stdout + run.stderr, run.stdout + run.stderr
        return run.stdout

    def bulk_load(self, path: Path, graph: str) -> None:
        """Load a file with Virtuoso's bulk loader (ld_dir, rdf_loader_run), as its manual says;
        ``graph`` is where triples outside any named graph go."""
        copy = self.folder / "load" / path.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        self.isql(f"ld_dir('{copy.parent}', '{copy.name}', '{graph}'); rdf_loader_run(); checkpoint;")
        errors = self.isql(f"SELECT ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = '{copy}' AND ll_error IS NOT NULL;")
        assert "0 Rows." in errors, f"Virtuoso's loader reported an error for {path.name}:\n{errors}"


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Virtuoso]:
    """A fresh Virtuoso server in ``folder`` (which it may read files from)."""
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, sql=sql_port, http=http_port))
    server = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                              cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answers(f"{base}/sparql?query=ASK%7B%7D", server, attempts=120, delay=1, name="virtuoso-t")
        yield Virtuoso(folder, sql_port, base)
    finally:
        _stop(server)


def oxigraph_load(location: Path, path: Path) -> None:
    """Load a file into an Oxigraph database with the `oxigraph load` command."""
    run = subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(path)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr


@contextmanager
def oxigraph_server(location: Path, read_only: bool = True, union: bool = True) -> Iterator[str]:
    """Oxigraph's server on a database folder; yields its base URL (/query, /store …)."""
    port = free_port()
    command = [OXIGRAPH, "serve-read-only" if read_only else "serve", "--location", str(location),
               "--bind", f"127.0.0.1:{port}"] + (["--union-default-graph"] if union else [])
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/query?query=ASK%7B%7D", server, attempts=60, delay=0.5, name="oxigraph")
        yield base
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# -- asking and comparing ------------------------------------------------------------------------


def with_prefixes(text: str) -> str:
    """The query with the project's prefixes declared (the library may rely on them)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + text


def with_values(text: str, params: dict) -> str:
    """The query with its parameters bound by a VALUES block opening its WHERE clause (for remote stores).

    Inside the outermost group the block is joined before the group's FILTERs are evaluated, as a
    local engine's initial bindings are; a VALUES clause after the query would be joined only after
    them, leaving a parameter that a FILTER compares unbound there.
    """
    if not params:
        return text
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(typed_value(value).n3() for value in params.values())
    offset = 0
    for line in text.splitlines(keepends=True):
        opening = None if line.lstrip().startswith("#") else re.search(r"\bWHERE\s*\{", line, re.I)
        if opening:
            at = offset + opening.end()
            return f"{text[:at]}\n  VALUES ({names}) {{ ({values}) }}{text[at:]}"
        offset += len(line)
    raise ValueError("the query has no 'WHERE {' line to bind its parameters in")


def sparql_rows(url: str, text: str, graphs=()) -> tuple[list[str], Counter]:
    """Columns and rows (a multiset) of a query sent by the SPARQL 1.1 Protocol, with ``graphs`` as
    the default graph and named graphs when given."""
    fields = {"query": text, "default-graph-uri": list(graphs), "named-graph-uri": list(graphs)}
    response = httpx.post(url, data=fields, headers={"Accept": "application/sparql-results+json"},
                          timeout=QUERY_LIMIT)
    response.raise_for_status()
    answer = response.json()
    if "boolean" in answer:
        return ["ask"], Counter({(("number", Decimal(int(answer["boolean"]))),): 1})
    columns = answer["head"]["vars"]
    return columns, Counter(tuple(normalized(b.get(c)) for c in columns) for b in answer["results"]["bindings"])


def normalized(term):
    """A comparable form of an RDF term (rdflib, or a SPARQL JSON binding as a dict)."""
    if term is None:
        return None
    if isinstance(term, dict):
        kind = term["type"]
        if kind == "uri":
            return ("iri", term["value"])
        if kind == "bnode":
            return ("bnode",)
        return _literal(term["value"], term.get("xml:lang"), term.get("datatype"))
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        return _literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    raise TypeError(term)


def _literal(value: str, language, datatype):
    if language:
        return ("text", value, language.lower())
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            pass
    if datatype in (None, str(XSD.string)):
        return ("text", unordered(value), None)
    return ("typed", value, datatype)


QUOTES = " ‖ "  # how a library query joins the quotes of one cell
JOINS = re.compile(r" ‖ | \| |; ")  # every separator of the library's GROUP_CONCATs


def unordered(cell: str) -> str:
    """A cell of joined values in a form that does not depend on the order of the join."""
    return "\n".join(sorted(JOINS.split(cell)))
