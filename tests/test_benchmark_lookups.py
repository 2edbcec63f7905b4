"""benchmarks/lookups.py measures what it says: each chain of patterns keeps one row per claim (each
pattern is one lookup of a single value), and its counted form counts the rows the selected form
returns."""

from __future__ import annotations

import pyoxigraph as ox

from .conftest import ROOT, benchmark_script


def test_each_chain_keeps_one_row_per_claim_and_counts_what_it_selects(built):
    lookups = benchmark_script("lookups")
    store = ox.Store.read_only(str(ROOT / "output" / "store" / "oxigraph"))
    _, claims = lookups.timed(store, lookups.chain(0), runs=1)
    assert claims > 0
    for k in range(len(lookups.PATTERNS) + 1):
        _, rows = lookups.timed(store, lookups.chain(k), runs=1)
        counted, = store.query(lookups.chain(k, counted=True), prefixes=lookups._PREFIXES,
                               use_default_graph_as_union=True)
        assert int(counted["rows"].value) == rows, lookups.PATTERNS[:k]
        assert rows == claims, f"{lookups.PATTERNS[k - 1]} does not give every claim exactly one value"
