"""Upload the build to a triple store with the SPARQL 1.1 Graph Store Protocol (`spacekg push`).

One HTTP PUT of output/spacekg.nt (N-Triples, which every Turtle parser reads) to
``ENDPOINT?graph=IRI`` replaces that named graph in Virtuoso, Fuseki, GraphDB or an Oxigraph
server. HTTP is httpx's, and so is authentication: digest or basic, whichever the store asks for.

A store that asks for authentication answers a PUT without it with 401 — often before reading
the body, closing the connection while a large upload is still being sent. So a HEAD request
of the same URL comes first: its challenge tells the scheme, and httpx's DigestAuth, having
answered it, keeps it and signs the PUT before sending it. Where reading is open and writing is
not, the PUT's own 401 tells the scheme and the PUT is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .errors import NotBuiltError, SpacekgError
from .namespaces import GRAPH
from .paths import Layout

EXPORT = "spacekg.nt"
DEFAULT_GRAPH = GRAPH["spacekg"]  # the graph a push replaces unless told otherwise
CONTENT_TYPE = "text/turtle; charset=utf-8"  # N-Triples is Turtle; stores that know only Turtle read it
PROBE = {"Accept": "text/turtle"}


class PushError(SpacekgError):
    exit_code = 2


@dataclass
class Pushed:
    graph: str
    triples: int
    status: int


def push(layout: Layout, endpoint: str, graph: str | None = None, user: str | None = None,
         password: str | None = None, timeout: float = 600) -> Pushed:
    """PUT the N-Triples export as the named graph ``graph`` of the store at ``endpoint``."""
    path = layout.output / EXPORT
    if not path.is_file():
        raise NotBuiltError(layout.relative(path))
    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise PushError(f"not an HTTP URL: '{endpoint}'",
                        hint="give the store's Graph Store Protocol URL, e.g. http://localhost:8890/sparql-graph-crud-auth")
    graph = graph or str(DEFAULT_GRAPH)
    body = path.read_bytes()
    target = url.copy_merge_params({"graph": graph})
    try:
        with httpx.Client(timeout=timeout) as client:
            headers = {"Content-Type": CONTENT_TYPE}
            auth = _authentication(client.head(target, headers=PROBE), user, password) if user is not None else None
            if isinstance(auth, httpx.DigestAuth):
                client.head(target, headers=PROBE, auth=auth)  # answers the challenge, which auth keeps
            response = client.put(target, content=body, headers=headers, auth=auth)
            if auth is None and response.status_code == 401:  # reading was open, writing is not
                auth = _authentication(response, user, password)
                if auth is not None:
                    response = client.put(target, content=body, headers=headers, auth=auth)
    except httpx.TransportError as error:
        if user is not None and isinstance(error, (httpx.WriteError, httpx.RemoteProtocolError)):
            raise PushError(f"{endpoint} refused the upload before reading it (authentication failed?)",
                            hint="check --user and --password") from None
        raise PushError(f"cannot reach {endpoint}: {error}", hint="is the store running and the URL right?") from None
    if response.is_error:
        detail = response.text[:300].strip()
        hint = ("check --user and --password" if response.status_code in (401, 403)
                else "check that the URL is the store's Graph Store Protocol endpoint")
        raise PushError(f"the store answered HTTP {response.status_code} {response.reason_phrase}: {detail}",
                        hint=hint)
    return Pushed(graph, body.count(b"\n"), response.status_code)


def _authentication(answer: httpx.Response, user: str | None, password: str | None) -> httpx.Auth | None:
    """The authentication that ``answer`` (a 401) asks for, or None (no user, or no challenge)."""
    scheme = answer.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
    if user is None or answer.status_code != 401:
        return None
    if scheme == "digest":
        return httpx.DigestAuth(user, password or "")
    if scheme == "basic":
        return httpx.BasicAuth(user, password or "")
    return None
