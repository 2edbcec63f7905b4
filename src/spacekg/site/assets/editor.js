// The query editor of the spacekg site: YASGUI with the library's queries as examples.
// Served, queries go to the server's /sparql endpoint. In the static site, they are answered in the
// browser: Oxigraph's WebAssembly build (loaded from a script, since a page opened from file:// may
// not fetch files) holds the graph, and requests to a pseudo-endpoint are answered from it.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const status = document.getElementById("engine-status");
  const inBrowser = !config.served;
  const endpoint = inBrowser ? new URL("in-browser-sparql", location.href).href
                             : new URL("sparql", new URL("./", location.href)).href;
  const Yasgui = window.Yasgui;

  // Links in result tables lead to the site's own page for every IRI of the project.
  const Table = Yasgui.Yasr.plugins.table;
  const home = new URL(document.querySelector("a.brand").getAttribute("href"), location.href);
  class LinkedTable extends Table {
    draw(settings) {  // plain values (no datatypes, no row numbers) unless the reader asks for them
      return super.draw({ compact: true, ...settings });
    }
    getUriLinkFromBinding(binding, prefixes) {
      const html = super.getUriLinkFromBinding(binding, prefixes);
      const page = pageOf(binding.value);
      if (!page) return html;
      const box = document.createElement("template");
      box.innerHTML = html;
      const link = box.content.querySelector("a");
      if (link) link.setAttribute("href", page);
      return box.innerHTML;
    }
  }
  Yasgui.Yasr.registerPlugin("table", LinkedTable);

  function pageOf(iri) {
    if (!iri.startsWith(config.base)) return null;
    const path = iri.slice(config.base.length).split("#")[0];
    if (!/^(id|doc|statement|quote|graph)\//.test(path) && path !== "ontology") return null;
    return new URL(path.split("/").map(encodeURIComponent).join("/") + ".html", home).href;
  }

  if (inBrowser) {
    let provide;
    const engine = new Promise((resolve) => { provide = resolve; });
    window.spacekgOxigraphLoaded = async (oxigraph) => {
      try {
        const started = performance.now();
        const text = atob(window.spacekgOxigraphWasm);
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
        await oxigraph.init({ module_or_path: bytes });
        const store = new oxigraph.Store();
        store.load(window.spacekgGraph, { format: "application/trig", no_transaction: true });  // a fresh store: no transaction needed
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        status.textContent = `Ready: ${store.size.toLocaleString("en")} quads loaded into this browser in ${seconds} s; queries run here, with no server.`;
        document.body.dataset.engine = "ready";
        provide(store);
      } catch (error) {
        status.textContent = "The graph could not be loaded in this browser: " + error;
        document.body.dataset.engine = "failed";
      }
    };
    const nativeFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (!request.url.startsWith(endpoint)) return nativeFetch(input, init);
      const fields = request.method === "POST" ? new URLSearchParams(await request.text())
                                               : new URL(request.url).searchParams;
      const store = await engine;
      return answer(store, fields.get("query") || "");
    };
    document.body.classList.add("in-browser");
  } else {
    document.body.dataset.engine = "ready";
  }

  function answer(store, query) {
    for (const [format, type] of [["application/sparql-results+json", "application/sparql-results+json"],
                                  ["text/turtle", "text/turtle"]]) {
      try {
        const body = store.query(query, { use_default_graph_as_union: true, results_format: format });
        return new Response(body, { status: 200, headers: { "Content-Type": type } });
      } catch (error) {
        if (format === "text/turtle" || !/format|graph|triples|construct/i.test(String(error))) {
          return new Response(String(error), { status: 400, headers: { "Content-Type": "text/plain" } });
        }
      }
    }
  }

  // The first tab holds the example the address names (query.html#meetings), or the first one;
  // a query in the address (query.html?query=…) opens in a tab of its own and runs at once.
  const wanted = decodeURIComponent(location.hash.slice(1));
  const first = config.examples.find((e) => e.name === wanted) || config.examples.find((e) => e.name === config.start)
                || config.examples[0];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    tabName: first ? first.title : "Query",
    yasqe: { value: first ? first.query : "", collapsePrefixesOnLoad: true },
    yasr: { prefixes: config.prefixes, defaultPlugin: "table" },
  });
  window.spacekgEditor = yasgui;
  if (first) mark(first.name);

  function open(name) {
    const example = config.examples.find((e) => e.name === name);
    if (!example) return;
    const tab = yasgui.addTab(true, { name: example.title, yasqe: { value: example.query },
                                      requestConfig: { endpoint: endpoint } }, { avoidDuplicateTabs: true });
    mark(name);
    return tab;
  }
  function mark(name) {
    for (const link of document.querySelectorAll("a.example")) {
      link.classList.toggle("current", link.id === "example-" + name);
    }
  }
  window.addEventListener("hashchange", () => open(decodeURIComponent(location.hash.slice(1))));
})();
