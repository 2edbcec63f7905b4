"""The ontology's documentation as one HTML page, made by pyLODE from the ontology graph.

pyLODE works offline when handed a graph (it loads its background vocabularies from files in its
own package). pyLODE 3.4.1 reads its version number from a pyproject.toml that its wheel does not
ship, so importing it fails; :func:`_ontpub` supplies the version from the installed package's
metadata instead. Links in the page point at the IRIs of terms (for reading), never at resources
the page would load.

pyLODE's output also follows Python's set and dict order, which changes with the string-hash seed
of each run; :func:`ontology_html` therefore runs pyLODE in a child Python with a fixed
PYTHONHASHSEED, giving it the ontology as Turtle on stdin and reading the page from stdout.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import re
import subprocess
import sys
import types
from pathlib import Path

from rdflib import Graph

from ..errors import SpacekgError

# pyLODE 3.4.1 collects the members of owl:unionOf / owl:intersectionOf in a set of HTML elements,
# so their order changes from run to run; the page is made stable by sorting each such run.
_MEMBER = r'<span>\s*<a href="[^"]*">[^<]*</a>\s*(?:<sup [^>]*>[^<]*</sup>\s*)?</span>'
_JOIN = r'\s*<span class="cardinality">(?:or|and)</span>\s*'
_MEMBER_RUN = re.compile(rf"{_MEMBER}(?:{_JOIN}{_MEMBER})+")
REMOTE_RESOURCE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*(?:src|href)\s*=\s*["']?(?:https?:)?//""",
                             re.IGNORECASE)


def _ontpub():
    try:
        from pylode import OntPub
    except FileNotFoundError:
        for name in [n for n in sys.modules if n == "pylode" or n.startswith("pylode.")]:
            del sys.modules[name]
        version = types.ModuleType("pylode.version")
        version.__version__ = importlib.metadata.version("pylode")
        sys.modules["pylode.version"] = version
        from pylode import OntPub
    return OntPub


def ontology_html(ontology: Graph) -> str:
    """The documentation page for an ontology graph (pyLODE run in a child process, see above)."""
    from rdflib.namespace import RDF, SKOS

    documented = Graph()
    for prefix, namespace in ontology.namespaces():
        documented.bind(prefix, namespace, override=True, replace=True)
    for triple in ontology:
        # pyLODE takes any skos:ConceptScheme for the ontology itself and merges its metadata into
        # the page header; the topic scheme stays documented as an individual without that type.
        if triple[1] == RDF.type and triple[2] == SKOS.ConceptScheme:
            continue
        documented.add(triple)
    turtle = documented.serialize(format="turtle", encoding="utf-8")
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-m", __name__], input=turtle, capture_output=True, env=env)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpacekgError(f"pyLODE could not document the ontology: {detail[-1] if detail else 'no message'}")
    html = _MEMBER_RUN.sub(_sorted_members, done.stdout.decode("utf-8"))
    match = REMOTE_RESOURCE.search(html)
    if match:
        raise SpacekgError(f"the ontology documentation would load a remote resource: {match.group(0)[:120]}")
    return html


def _pylode_page(turtle: bytes) -> str:
    """Run pyLODE on an ontology given as Turtle (in this process)."""
    OntPub = _ontpub()
    graph = Graph()
    graph.parse(data=turtle, format="turtle")
    logging.disable(logging.INFO)  # pyLODE logs every step at INFO and DEBUG on the root logger
    return OntPub(ontology=graph).make_html()


def _sorted_members(match: re.Match) -> str:
    text = match.group(0)
    members = sorted(re.findall(_MEMBER, text), key=lambda m: (re.sub(r"<[^>]+>|\s+", " ", m).strip(), m))
    joins = re.findall(_JOIN, text)
    return members[0] + "".join(join + member for join, member in zip(joins, members[1:]))


def write_ontology_docs(ontology: Graph, path: Path) -> Path:
    path.write_text(ontology_html(ontology), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.buffer.write(_pylode_page(sys.stdin.buffer.read()).encode("utf-8"))
