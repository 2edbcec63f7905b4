"""benchmarks/run.py rewrites only the tables of its last run in results.md: the sections people
wrote around them (the analyses of earlier runs) stay as they are."""

from __future__ import annotations

import pytest

from .conftest import ROOT, benchmark_script

RESULTS = ROOT / "benchmarks" / "results.md"


@pytest.fixture(scope="module")
def run():
    return benchmark_script("run")


def test_a_run_keeps_every_line_people_wrote(run, tmp_path):
    out = tmp_path / "results.md"
    written = RESULTS.read_text(encoding="utf-8")
    out.write_text(written, encoding="utf-8")
    run.write_report(out, "## The last run of benchmarks/run.py\n\nfirst tables\n")
    run.write_report(out, "## The last run of benchmarks/run.py\n\nsecond tables\n")
    text = out.read_text(encoding="utf-8")
    assert text.count(run.BEGIN) == text.count(run.END) == 1
    assert "first tables" not in text and "second tables" in text
    before, _, rest = text.partition(run.BEGIN)
    after = rest.partition(run.END)[2]
    # whatever surrounded the tables is the file as people left it, byte for byte
    kept = written.partition(run.BEGIN)[0] + written.partition(run.END)[2].removeprefix("\n") \
        if run.BEGIN in written else written
    assert (before + after).rstrip("\n") == kept.rstrip("\n")
    assert not list(tmp_path.glob("*.partial"))


def test_a_first_run_makes_a_file_with_a_title(run, tmp_path):
    out = tmp_path / "results.md"
    run.write_report(out, "## The last run of benchmarks/run.py\n\ntables\n")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Scale benchmark\n")
    assert text.index(run.BEGIN) < text.index("tables") < text.index(run.END)


def test_the_load_test_replaces_its_section_and_keeps_its_notes(tmp_path):
    load = benchmark_script("load")
    out = tmp_path / "results.md"
    out.write_text(f"# Scale benchmark\n\nintro\n\n{load.SECTION}\n\nold table\n\n{load.KEPT}\nnotes by hand\n\n"
                   "## Later section\n\nlater text\n", encoding="utf-8")
    load.write_section(out, f"{load.SECTION}\n\nnew table\n")
    text = out.read_text(encoding="utf-8")
    assert "old table" not in text and "new table" in text
    assert text.startswith("# Scale benchmark\n\nintro\n")
    assert text.index("new table") < text.index("notes by hand") < text.index("## Later section\n\nlater text\n")
    assert text.count(load.SECTION) == 1 and not list(tmp_path.glob("*.partial"))


def test_the_store_made_alone_holds_every_built_quad(built, layout):
    """benchmarks/measure.py store: the build's N-Quads through the build's store writer give a
    store of as many quads as the build's own."""
    from spacekg.store import open_store

    made = benchmark_script("measure").store(layout)
    lines = (layout.output / "spacekg.nq").read_bytes().count(b"\n")
    assert made["quads"] == made["stored"] == lines == len(open_store(layout))
    assert 0 < made["compaction"] < made["total"]


def test_the_store_table_compares_the_store_with_the_build_and_morph_kgc(run):
    results = {1000: {"build": {"total": 200.0}, "morph-kgc": {"morph_kgc_s": 160.0},
                      "store": {"total": 100.0, "compaction": 20.0, "quads": 5_000_000, "stored": 5_000_000,
                                "cpu_s": 150.0, "tree_peak_rss_mb": 300, "tree_peak_pss_mb": 250}}}
    table = run._store_table(results)
    row = next(line for line in table if line.startswith("| 1000×"))
    assert row == "| 1000× | 5000000 | 100.0 | 20.0 | 150.0 | 50000 | 300 / 250 | 0.62 | 0.50 |"
    assert run._store_table({1: {"build": {"total": 1.0}}}) == []


def test_a_run_without_queries_has_no_query_table(run):
    assert run._query_table({100: {"build": {"total": 1.0}}}) == []
