"""The files the pages load: the site's own style and scripts, and the browser libraries from npm.

YASGUI (@zazuko/yasgui) and Oxigraph's WebAssembly build (oxigraph) are installed by `make`
(`npm ci` from the committed package.json and package-lock.json) into node_modules/ of the
project, and used as the packages ship them. The static site copies YASGUI's script and style and
embeds Oxigraph for pages opened from file://, where a page may neither fetch a file nor import a
JavaScript module: the WebAssembly binary becomes a base64 string in a classic script, and
Oxigraph's JavaScript module is inlined into the editor page as a module script.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from ..errors import SpacekgError
from ..paths import ROOT

OWN = Path(__file__).parent / "assets"  # site.css, site.js, editor.js
NODE_MODULES = ROOT / "node_modules"
YASGUI = NODE_MODULES / "@zazuko" / "yasgui" / "build"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
OXIGRAPH = NODE_MODULES / "oxigraph"
OXIGRAPH_MODULE = OXIGRAPH / "web.js"
OXIGRAPH_WASM = OXIGRAPH / "web_bg.wasm"


class MissingLibraries(SpacekgError):
    """The browser libraries of the query editor are not installed."""

    def __init__(self, missing: list[Path]):
        names = ", ".join(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path) for path in missing)
        super().__init__(f"the query editor's browser libraries are missing: {names}",
                         hint="run `make install` (npm ci) in the project folder")


def missing() -> list[Path]:
    """The library files that are not installed (none when `make install` has run)."""
    wanted = [YASGUI / name for name in YASGUI_FILES] + [OXIGRAPH_MODULE, OXIGRAPH_WASM]
    return [path for path in wanted if not path.is_file()]


def served_file(name: str) -> Path | None:
    """The file behind ``assets/NAME`` of the served site, or None."""
    if name.startswith("yasgui/") and name[len("yasgui/"):] in YASGUI_FILES:
        return YASGUI / name[len("yasgui/"):]
    path = OWN / name
    return path if "/" not in name and path.is_file() else None


def wasm_script() -> str:
    """A classic script that holds Oxigraph's WebAssembly binary as a base64 string."""
    encoded = base64.b64encode(OXIGRAPH_WASM.read_bytes()).decode("ascii")
    return f'window.spacekgOxigraphWasm = "{encoded}";\n'


def graph_script(trig: str) -> str:
    """A classic script that holds the graph (TriG) as a string."""
    return f"window.spacekgGraph = {json.dumps(trig, ensure_ascii=True)};\n"


def oxigraph_module() -> str:
    """Oxigraph's JavaScript module, to be inlined in a module script (it holds no ``</script``)."""
    text = OXIGRAPH_MODULE.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise SpacekgError(f"{OXIGRAPH_MODULE} cannot be inlined in a page: it contains '</script'")
    return text
