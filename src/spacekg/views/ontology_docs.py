"""The ontology's documentation as one HTML page, made by pyLODE from the ontology graph.

pyLODE works offline when handed a graph (it loads its background vocabularies from files in its
own package). pyLODE 3.4.1 reads its version number from a pyproject.toml that its wheel does not
ship, so importing it fails; :func:`_ontpub` supplies the version from the installed package's
metadata instead. Links in the page point at the IRIs of terms (for reading), never at resources
the page would load.

What pyLODE is given (:func:`pylode_input`) is the ontology's own terms: the external terms that
ontology/spacekg.ttl declares for OWL 2 DL parsers (org:Organization, schema:eventStatus …) are not
declared again, or pyLODE would list them beside the terms of the same name; a functional property
says so in a scope note instead of its owl:FunctionalProperty type, which pyLODE lists in a second
section; the ontology names its namespace and prefix (vann), and only the project's prefixes are
bound, so that no made-up prefix (ns1:) appears.

pyLODE's output also follows Python's set and dict order, which changes with the string-hash seed
of each run; :class:`OntologyDocs` therefore runs pyLODE in a child Python with a fixed
PYTHONHASHSEED, giving it the ontology as sorted N-Triples on stdin and reading the page from stdout. The
child starts at once and runs while the caller does other work (it takes a few seconds whatever
the size of the graph). The page ends with a comment holding a digest of its input (the Turtle,
pyLODE's version and this module); when the previous build's page has the same digest, it is
reused as it is, without running pyLODE.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import re
import subprocess
import sys
import tempfile
import types
from pathlib import Path

from rdflib import Graph, URIRef

from ..errors import SpacekgError

# pyLODE 3.4.1 collects the members of owl:unionOf / owl:intersectionOf in a set of HTML elements,
# so their order changes from run to run; the page is made stable by sorting each such run.
_MEMBER = r'<span>\s*<a href="[^"]*">[^<]*</a>\s*(?:<sup [^>]*>[^<]*</sup>\s*)?</span>'
_JOIN = r'\s*<span class="cardinality">(?:or|and)</span>\s*'
_MEMBER_RUN = re.compile(rf"{_MEMBER}(?:{_JOIN}{_MEMBER})+")
DIGEST_MARK = "<!-- spacekg ontology documentation, input sha256 {} -->\n"
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


class OntologyDocs:
    """The documentation page of an ontology graph, made by pyLODE in a child process started at
    once (see above), or the ``previous`` page if it was made from the same input; :meth:`html`
    waits for the child. Use as a context manager, or call :meth:`close`."""

    def __init__(self, ontology: Graph, previous: Path | None = None):
        triples = pylode_input(ontology)
        self._mark = DIGEST_MARK.format(_digest(triples))
        self._reused = _reusable(previous, self._mark)
        self._child = None
        if self._reused is not None:
            return
        self._input = tempfile.TemporaryFile()
        self._output = tempfile.TemporaryFile()
        self._errors = tempfile.TemporaryFile()
        self._input.write(triples)
        self._input.seek(0)
        env = dict(os.environ, PYTHONHASHSEED="0")
        self._child = subprocess.Popen([sys.executable, "-m", __name__], stdin=self._input, stdout=self._output,
                                       stderr=self._errors, env=env)

    def html(self) -> str:
        if self._reused is not None:
            return self._reused
        if self._child.wait() != 0:
            self._errors.seek(0)
            detail = self._errors.read().decode("utf-8", "replace").strip().splitlines()
            raise SpacekgError(f"pyLODE could not document the ontology: {detail[-1] if detail else 'no message'}")
        self._output.seek(0)
        html = _MEMBER_RUN.sub(_sorted_members, self._output.read().decode("utf-8"))
        match = REMOTE_RESOURCE.search(html)
        if match:
            raise SpacekgError(f"the ontology documentation would load a remote resource: {match.group(0)[:120]}")
        return html.rstrip("\n") + "\n" + self._mark

    def write(self, path: Path) -> Path:
        path.write_text(self.html(), encoding="utf-8")
        return path

    def close(self) -> None:
        if self._child is None:
            return
        if self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        for file in (self._input, self._output, self._errors):
            file.close()

    def __enter__(self) -> OntologyDocs:
        return self

    def __exit__(self, *_) -> None:
        self.close()


def _digest(triples: bytes) -> str:
    digest = hashlib.sha256(triples)
    digest.update(importlib.metadata.version("pylode").encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _reusable(previous: Path | None, mark: str) -> str | None:
    """The previous page if it ends with ``mark`` (made from the same input), else None."""
    try:
        text = previous.read_text(encoding="utf-8") if previous is not None else ""
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.endswith(mark) else None


VANN = "http://purl.org/vocab/vann/"
FUNCTIONAL_NOTE = ("Functional: a subject has at most one value. Where sources disagree, every claim is kept "
                   "and ranked, and the best-ranked one is the direct fact.")
_DECLARATIONS = ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")


def pylode_input(ontology: Graph) -> bytes:
    """What pyLODE documents (see the module docstring), as N-Triples in sorted order: the same
    bytes for the same triples (a store hands out new blank node labels on every load, so they
    are replaced by canonical ones)."""
    from rdflib import Literal
    from rdflib.namespace import OWL, RDF, SKOS

    from ..namespaces import ONTOLOGY_IRI, SKG, make_graph
    from ..oxigraph import canonical_triples

    own = str(SKG._NS)
    declarations = {OWL[name] for name in _DECLARATIONS}
    documented = make_graph()
    for s_, p_, o in ontology:
        if p_ == RDF.type and o in declarations and not str(s_).startswith(own):
            continue  # an external term, declared for OWL parsers only
        if p_ == RDF.type and o == SKOS.ConceptScheme:
            continue  # pyLODE would take the topic scheme for the ontology and merge its header into the page's
        if p_ == RDF.type and o == OWL.FunctionalProperty:
            documented.add((s_, SKOS.scopeNote, Literal(FUNCTIONAL_NOTE, lang="en")))
            continue
        documented.add((s_, p_, o))
    documented.add((ONTOLOGY_IRI, URIRef(VANN + "preferredNamespaceUri"), Literal(own)))
    documented.add((ONTOLOGY_IRI, URIRef(VANN + "preferredNamespacePrefix"), Literal("skg")))
    canonical = make_graph()
    for triple in canonical_triples(documented):
        canonical.add(triple)
    lines = canonical.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(line for line in lines if line.strip()))


def _pylode_page(triples: bytes) -> str:
    """Run pyLODE on an ontology given as N-Triples (in this process), with the project's prefixes."""
    from ..namespaces import make_graph

    OntPub = _ontpub()
    graph = make_graph()
    graph.parse(data=triples.decode("utf-8"), format="nt")
    logging.disable(logging.INFO)  # pyLODE logs every step at INFO and DEBUG on the root logger
    return OntPub(ontology=graph).make_html()


def _sorted_members(match: re.Match) -> str:
    text = match.group(0)
    members = sorted(re.findall(_MEMBER, text), key=lambda m: (re.sub(r"<[^>]+>|\s+", " ", m).strip(), m))
    joins = re.findall(_JOIN, text)
    return members[0] + "".join(join + member for join, member in zip(joins, members[1:]))


if __name__ == "__main__":
    sys.stdout.buffer.write(_pylode_page(sys.stdin.buffer.read()).encode("utf-8"))
