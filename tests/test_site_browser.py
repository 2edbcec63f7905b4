"""The site in a real browser (Debian's chromium, driven by Playwright): served by `spacekg serve` and
opened as files from a copy of output/site/, with every request that leaves the server or the
folder blocked. The click path: start page → a meeting → a participant → the words of the source
that say so → a query about it, answered in the editor."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from spacekg import query
from spacekg.site import editor
from spacekg.site.urls import page_file, path_of
from spacekg.views.source import open_source

from .browser import browser, needs_chromium  # noqa: F401 (the fixture)
from .conftest import serving

ROWS = ".yasr:visible table.dataTable tbody tr"
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(built, layout):
    with serving(layout.root) as base:
        yield f"{base}/"


@pytest.fixture(scope="module")
def copied_site(built, layout, tmp_path_factory) -> Path:
    """output/site/ copied elsewhere, as a user would copy it to a stick."""
    target = tmp_path_factory.mktemp("copied") / "spacekg-site"
    shutil.copytree(layout.output / "site", target)
    return target


@pytest.fixture(params=["served", "static"])
def start(request, server, copied_site) -> str:
    """The start page's URL: on the server, or in the copied folder."""
    return server if request.param == "served" else (copied_site / "index.html").as_uri()


class Visit:
    """A browser page that may only load from ``allowed`` (the server or the folder), errors recorded."""

    def __init__(self, browser, allowed: str):
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.allowed = allowed
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.allowed) or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def rows(self, timeout: float = 60_000) -> int:
        """The rows of the result table of the open tab, once there are any."""
        self.page.wait_for_selector(ROWS, timeout=timeout)
        return self.page.locator(ROWS).count()

    def run_button(self, title: str):
        """The Run button of the tab named ``title``, once that tab is the open one. (A button
        found as ``:visible`` may be the previous tab's, hidden a moment later.)"""
        tab = self.page.locator(".tabsList .tab.active a[role=tab]", has_text=title)
        tab.wait_for()
        return self.page.locator(f"[id='{tab.get_attribute('aria-controls')}'] .yasqe_queryButton")

    def close(self):
        self.page.close()


def _allowed(start: str) -> str:
    return start if start.startswith("http") else start.rsplit("/", 1)[0] + "/"


def _shot(page, layout, name: str) -> None:
    page.screenshot(path=str(layout.output / f"screenshot-site-{name}.png"), full_page=True)


def test_click_path_from_the_start_page_to_the_words_of_the_source_and_a_query(browser, start, layout, request):
    kind = request.node.callspec.params["start"]
    visit = Visit(browser, _allowed(start))
    page = visit.page
    page.goto(start)
    assert page.locator("td.count").count() >= 10
    if kind == "served":
        _shot(page, layout, "start")
    # a held meeting of the Dialogue
    meeting = page.locator("table.meetings tr.status-held a").first
    meeting_name = meeting.inner_text()
    meeting.click()
    assert page.locator("h1").inner_text() == meeting_name
    # one of its participants
    participant = page.locator("tr.fact", has=page.locator("td.property", has_text="participant")).locator("td.value a").first
    participant_name = participant.inner_text()
    participant.click()
    assert page.locator("h1").inner_text() == participant_name
    participant_page = page.url.rsplit("/", 2)[-2:]
    # the words of the source that say it took part in that meeting
    entry = page.locator("ol.timeline li", has=page.get_by_role("link", name=meeting_name, exact=True)).first
    quote = entry.locator("a.quote").first
    words = quote.inner_text()
    quote.click()
    page.wait_for_selector("mark.current")
    marked = "".join(page.locator("mark.current").all_inner_texts())
    assert " ".join(marked.split()) == " ".join(words.split())
    assert page.locator("ol.passages li.current blockquote").inner_text().strip("“”") == words
    if kind == "served":
        _shot(page, layout, "reader")
    # a query about the participant, which runs in the editor
    page.go_back()
    page.locator("a.editor-link").first.click()
    assert visit.rows() > 0
    links = page.locator(".yasr:visible a.iri").evaluate_all("els => els.map(e => e.href)")
    assert participant_page in [link.rsplit("/", 2)[-2:] for link in links]  # the table links to its page
    _shot(page, layout, f"editor-{kind}")
    assert visit.blocked == [] and visit.errors == []
    visit.close()


def test_entity_page_shows_both_labels_and_links_each_quote_to_the_reader(browser, server, built, layout):
    named = {s.subject for s in built.corpus.statements} | {f.value for s in built.corpus.statements for f in s.facts}
    entity = next(e for _, e in sorted(built.corpus.entities.items()) if e.ja and e.iri in named)
    visit = Visit(browser, server)
    page = visit.page
    page.goto(server + f"id/{entity.id}")  # the IRI's path: 303 to the page
    assert page.url.endswith(f"/id/{entity.id}.html")
    assert page.locator("h1").inner_text() == entity.label
    assert page.locator("p.ja-label").inner_text() == entity.ja
    assert page.locator("p.ja-label").get_attribute("lang") == "ja"
    _shot(page, layout, "entity")
    link = page.locator("a.quote").first
    href = link.get_attribute("href")
    assert "/doc/" in href and "#q-" in href
    link.click()
    page.wait_for_selector("mark.current")
    assert page.url.endswith(href.split("/")[-1])
    assert visit.blocked == [] and visit.errors == []
    visit.close()


def test_editor_runs_a_library_query_and_shows_its_rows(browser, server, built, layout):
    store = open_source(built.dataset).store
    examples = {e.name: e for e in editor.library_examples(layout)}
    example = examples["meetings"]
    expected = len(list(store.query(example.text, use_default_graph_as_union=True)))
    visit = Visit(browser, server)
    page = visit.page
    page.goto(server + "query")
    page.locator("#example-participants").click()
    visit.run_button(examples["participants"].title).wait_for()  # the participants tab drawn, as a reader would see it
    page.locator("#example-meetings").click()
    visit.run_button(example.title).click()
    assert visit.rows() == expected
    header = page.locator(".yasr:visible table.dataTable thead th").all_inner_texts()
    assert [h.strip() for h in header if h.strip()] == query.find(layout, "meetings").columns  # the query's header
    assert visit.blocked == [] and visit.errors == []
    visit.close()


def test_static_editor_answers_from_a_copied_folder_with_everything_outside_it_blocked(browser, copied_site, built,
                                                                                         layout):
    store = open_source(built.dataset).store
    example = next(e for e in editor.library_examples(layout) if e.name == "attendance")
    solutions = store.query(example.text, use_default_graph_as_union=True)
    variables = [v.value for v in solutions.variables]
    expected = len(list(solutions))
    folder = copied_site.as_uri() + "/"
    visit = Visit(browser, folder)
    page = visit.page
    page.goto(folder + "query.html#attendance")
    # a selector, not a JavaScript predicate: the page's content security policy forbids evaluating strings
    page.wait_for_selector("body[data-engine='ready']", state="attached", timeout=60_000)
    page.locator(".yasqe_queryButton:visible").click()
    assert visit.rows() == min(expected, 50)  # the table's first page
    assert page.locator(".yasr:visible .yasr_response_chip").inner_text().startswith(f"{expected} results")
    _shot(page, layout, "editor-static")
    # the answer downloads as CSV (the table) and as SPARQL JSON (the response)
    with page.expect_download() as download:
        page.locator(".yasr:visible .yasr_downloadIcon").click()
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert table[0] == variables and len(table) == expected + 1
    page.locator(".yasr:visible .select_response").click()
    with page.expect_download() as download:
        page.locator(".yasr:visible .yasr_downloadIcon").click()
    answer = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert answer["head"]["vars"] == variables and len(answer["results"]["bindings"]) == expected
    assert visit.blocked == [] and visit.errors == []
    visit.close()


def test_every_kind_of_page_opens_offline_without_errors(browser, copied_site, built, layout):
    statement = next(s for s in built.corpus.statements if not s.cited)  # a cited statement has no quote
    claim = f"statement/{statement.document}/{statement.id}/{statement.facts[0].slug}.html"
    kinds = {"start": "index.html", "list": "list/organizations.html", "entity": page_file(path_of(str(statement.subject))),
             "reader": f"doc/{statement.document}.html", "claim": claim, "graph": "graph/registry.html",
             "not-found": "404.html", "quote": f"quote/{statement.document}/{statement.id}.html"}
    record = next((d for d in built.corpus.documents if d.cited), None)
    if record is not None:
        kinds["record"] = f"doc/{record.id}.html"
    folder = copied_site.as_uri() + "/"
    for kind, path in kinds.items():
        visit = Visit(browser, folder)
        visit.page.goto(folder + path)
        if kind == "quote":  # sent on to the quote in its reader
            visit.page.wait_for_url(f"**/doc/{statement.document}.html#q-{statement.quote.start}-{statement.quote.end}")
            visit.page.wait_for_selector("mark.current")
        visit.page.wait_for_load_state("load")
        assert visit.page.locator("header.top a.brand").is_visible(), path
        _shot(visit.page, layout, f"static-{kind}")
        assert visit.blocked == [] and visit.errors == [], path
        visit.close()
