"""Upload the build to a triple store with the SPARQL 1.1 Graph Store Protocol (`spacekg push`).

One HTTP PUT of output/spacekg.nt (N-Triples, which every Turtle parser reads) to
``ENDPOINT?graph=IRI`` replaces that named graph in Virtuoso, Fuseki or GraphDB. Digest and basic
authentication are both offered; the server picks.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .errors import NotBuiltError, SpacekgError
from .namespaces import GRAPH
from .paths import Layout

EXPORT = "spacekg.nt"
DEFAULT_GRAPH = GRAPH["spacekg"]  # the graph a push replaces unless told otherwise


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
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise PushError(f"not an HTTP URL: '{endpoint}'",
                        hint="give the store's Graph Store Protocol URL, e.g. http://localhost:8890/sparql-graph-crud-auth")
    graph = graph or str(DEFAULT_GRAPH)
    body = path.read_bytes()
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    url = f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "text/turtle; charset=utf-8"})
    try:
        if user is not None:
            _authorize_ahead(request, endpoint, user, password or "", timeout)
        status = _put(_opener(endpoint, user, password), request, timeout)
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", errors="replace").strip()
        hint = ("check --user and --password" if error.code in (401, 403)
                else "check that the URL is the store's Graph Store Protocol endpoint")
        raise PushError(f"the store answered HTTP {error.code} {error.reason}: {detail}", hint=hint) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if user is not None and isinstance(reason, (BrokenPipeError, ConnectionResetError)):
            raise PushError(f"{endpoint} refused the upload before reading it (authentication failed?)",
                            hint="check --user and --password") from None
        raise PushError(f"cannot reach {endpoint}: {getattr(error, 'reason', error)}",
                        hint="is the store running and the URL right?") from None
    return Pushed(graph, body.count(b"\n"), status)


def _authorize_ahead(request, endpoint: str, user: str, password: str, timeout: float) -> None:
    """Answer a digest challenge before sending the body: a store that challenges a large PUT may
    close the connection while the body is still being sent. The challenge comes from a bodyless
    request; the response to it is computed by urllib's own digest handler."""
    probe = urllib.request.Request(request.full_url, method="GET", headers={"Accept": "text/turtle"})
    try:
        urllib.request.urlopen(probe, timeout=timeout).close()
        return  # no authentication asked for reading: let the PUT find out
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "")
        error.close()
        if error.code != 401 or not challenge.lower().startswith("digest "):
            return
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, endpoint, user, password)
    digest = urllib.request.HTTPDigestAuthHandler(passwords)
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[len("digest "):]))
    authorization = digest.get_authorization(request, fields)
    if authorization:
        request.add_unredirected_header("Authorization", f"Digest {authorization}")


def _put(opener, request, timeout: float, attempts: int = 3) -> int:
    """Send the PUT; a server that challenges for authentication may close the connection while
    the body is still being sent (a broken pipe before its 401 is read): then try again."""
    for attempt in range(attempts):
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status
        except urllib.error.URLError as error:
            if not isinstance(error.reason, (BrokenPipeError, ConnectionResetError)) or attempt == attempts - 1:
                raise
        except (BrokenPipeError, ConnectionResetError):
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _opener(endpoint: str, user: str | None, password: str | None):
    if user is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, endpoint, user, password or "")
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))


# -- bulk loads: the N-Quads export handed to a store's own bulk loader --------------------------------

BULK_EXPORT = "spacekg.nq"
BULK_STORES = ("virtuoso", "oxigraph")


@dataclass
class Loaded:
    store: str
    quads: int
    seconds: float


def bulk_load(layout: Layout, store: str, location: str | None = None, port: int = 1111,
              user: str = "dba", password: str = "dba", isql: str = "isql-vt") -> Loaded:
    """Load output/spacekg.nq (every named graph, graph:inferred included) with ``store``'s bulk loader.

    ``virtuoso``: the server's own loader, through its SQL client (``ld_dir`` then
    ``rdf_loader_run``, then a checkpoint); the server must be allowed to read the output
    folder (DirsAllowed in virtuoso.ini). ``oxigraph``: ``oxigraph load`` into the database folder
    ``location`` that an Oxigraph server then serves (`oxigraph serve --location …`); the server
    must not be running on it meanwhile."""
    import shutil
    import subprocess
    import time

    path = layout.output / BULK_EXPORT
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
        client = shutil.which("oxigraph")
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


def _count_lines(path) -> int:
    with open(path, "rb") as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))
