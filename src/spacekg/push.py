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
from pathlib import Path

import httpx

from .errors import NotBuiltError, SpacekgError
from .exports.files import exported, reader
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


# -- bulk loads: the N-Quads export handed to a store's own bulk loader --------------------------------

BULK_EXPORT = "spacekg.nq"
BULK_STORES = ("virtuoso", "oxigraph")


def oxigraph_command() -> str | None:
    """Oxigraph's server command: beside this Python (a virtual environment's bin/, which need
    not be on PATH), else on PATH."""
    import shutil
    import sys

    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


@dataclass
class Loaded:
    store: str
    quads: int
    seconds: float


def bulk_load(layout: Layout, store: str, location: str | None = None, port: int = 1111,
              user: str = "dba", password: str = "dba", isql: str = "isql-vt") -> Loaded:
    """Load output/spacekg.nq (every asserted named graph) with ``store``'s bulk loader.

    ``virtuoso``: the server's own loader, through its SQL client (``ld_dir`` then
    ``rdf_loader_run``, then a checkpoint); the server must be allowed to read the output
    folder (DirsAllowed in virtuoso.ini). ``oxigraph``: ``oxigraph load`` into the database folder
    ``location`` that an Oxigraph server then serves (`oxigraph serve --location …`); the server
    must not be running on it meanwhile."""
    import shutil
    import subprocess
    import time

    path = exported(layout.output, BULK_EXPORT)  # spacekg.nq.gz from a compressed build: both loaders read it
    if not path.is_file():
        raise NotBuiltError(layout.relative(path))
    path = path.resolve()  # the current build's file: a build published meanwhile does not change it
    quads = _count_lines(path)
    started = time.perf_counter()
    if store == "virtuoso":
        client = shutil.which(isql)
        if client is None:
            raise PushError(f"'{isql}' not found", hint="install Virtuoso's client (Debian: virtuoso-opensource)")
        script = (f"ld_dir('{path.parent}', '{path.name}', '{DEFAULT_GRAPH}');\n"
                  "rdf_loader_run();\ncheckpoint;\n"
                  f"SELECT 'load error: ' || ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '%{path.name}' "
                  "AND ll_error IS NOT NULL;\n")
        done = subprocess.run([client, str(port), user, password], input=script, capture_output=True, text=True)
        output = done.stdout + done.stderr
        errors = [line.strip() for line in output.splitlines() if "*** Error" in line or line.startswith("load error: ")]
        if done.returncode != 0 or errors:
            detail = (errors or output.strip().splitlines() or ["failed"])[-1]
            raise PushError(f"Virtuoso's bulk load failed: {detail[:300]}",
                            hint="is the server running on that port, and the output folder in its DirsAllowed?")
    elif store == "oxigraph":
        client = oxigraph_command()
        if client is None:
            raise PushError("the 'oxigraph' command was not found", hint="pip install oxigraph (Oxigraph's server)")
        if not location:
            raise PushError("--bulk oxigraph needs --location, the server's database folder")
        done = subprocess.run([client, "load", "--location", location, "--file", str(path), "--lenient"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise PushError(f"oxigraph load failed: {(done.stderr.strip().splitlines() or ['failed'])[-1][:300]}",
                            hint="is an Oxigraph server running on that folder? stop it while loading")
    else:
        raise PushError(f"no bulk loader for '{store}'", hint=f"use one of {', '.join(BULK_STORES)}")
    return Loaded(store, quads, time.perf_counter() - started)


def _count_lines(path: Path) -> int:
    with reader(path) as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))
