"""The prefixes the Turtle-family exports declare: only those whose local names never need a
backslash escape.

Turtle 1.1 lets a prefixed name escape characters such as ``/`` (``graph:doc\\/cds1-…``), but
loaders differ on undoing the escape (Virtuoso 7 keeps the backslash in the IRI). So the exports
abbreviate an IRI only where what follows the namespace is a plain local name: the ids of
entities and documents are (the loader allows letters, digits, ``-`` and inner ``.``), and a
document's graph gets a namespace of its own (``docgraph:``). Statement and quote IRIs have ``/``
in their paths and are written in full. pyoxigraph abbreviates with the longest namespace that
matches, and escapes what a local name cannot hold; :func:`needs_escape` tells which IRIs would be.
"""

from __future__ import annotations

import re

from ..namespaces import DOC_GRAPH, PREFIXES, QUOTE, STMT

# Namespaces whose IRIs go on with a path of several segments.
_WRITTEN_IN_FULL = (STMT, QUOTE)

EXPORT_PREFIXES: dict[str, str] = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items() if namespace not in _WRITTEN_IN_FULL},
    "docgraph": str(DOC_GRAPH),
}

# A local name (Turtle 1.1, PN_LOCAL) made of characters that need no escape: it starts with a
# letter, digit, '_' or ':', goes on with those, '-', '.' and the other name characters, and does
# not end with '.'. Percent escapes (%20) are allowed unescaped too.
_START = "A-Za-z0-9_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D" \
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_INNER = _START + "\\-.\u00B7\u0300-\u036F\u203F-\u2040"
_PERCENT = "%[0-9A-Fa-f]{2}"
_PLAIN_LOCAL = re.compile(f"(?:[{_START}]|{_PERCENT})(?:(?:[{_INNER}]|{_PERCENT})*(?:[{_INNER.replace('.', '')}]|{_PERCENT}))?")


def prefixed(iri: str) -> tuple[str, str] | None:
    """(prefix, local name) of the longest export namespace ``iri`` starts with, or None."""
    best = None
    for prefix, namespace in EXPORT_PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(EXPORT_PREFIXES[best])):
            best = prefix
    return None if best is None else (best, iri[len(EXPORT_PREFIXES[best]):])


def needs_escape(iri: str) -> bool:
    """Whether the exports would write ``iri`` as a prefixed name with a backslash escape."""
    found = prefixed(iri)
    return found is not None and found[1] != "" and not _PLAIN_LOCAL.fullmatch(found[1])
