"""Morph-KGC, an RML engine, on the same corpus as spacekg's build: the two measured side by side.

Preparation (timed apart, not charged to Morph-KGC): spacekg's loader reads and checks ROOT/sources
(the quotes' offsets are its work) and the records are written as JSON. Morph-KGC then maps them
with benchmarks/rml/spacekg.rml.ttl to N-Triples in its own process, so that its peak memory is
its own. Morph-KGC cannot share spacekg's environment (it pins pyoxigraph < 0.4 and rdflib < 7.3;
spacekg needs pyoxigraph 0.5): it runs with the Python of another virtual environment, made by
``make install-bench`` (.venv/morph-kgc, from benchmarks/rml/requirements.txt), or named by the
variable SPACEKG_MORPH_KGC_PYTHON. Linux only (peak memory from wait4, /proc for --processes).

    python benchmarks/morph_kgc.py ROOT                 # prepare, run Morph-KGC once, print JSON
    python benchmarks/morph_kgc.py ROOT --runs 3        # three runs, medians
    python benchmarks/morph_kgc.py ROOT --build         # and spacekg's build (measure.py) each run, ratios
    python benchmarks/morph_kgc.py ROOT --keep DIR --compare   # compare with ROOT/output/spacekg.nt
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from memory import TreeMemory  # noqa: E402
MAPPING = HERE / "rml" / "spacekg.rml.ttl"
OUTPUT = "spacekg-morph.nt"
# Morph-KGC drops a row whose value is one of these; its default ("" and "nan") would drop the empty
# suffix of a quote that ends its text (or prefix, at its start). No record holds this text.
NO_NULL = "spacekg-morph-kgc-has-no-null-value"
CONFIG = """[CONFIGURATION]
output_file = {output}
output_format = N-TRIPLES
number_of_processes = {processes}
na_values = {no_null}
logging_level = INFO

[spacekg]
mappings = {mapping}
"""


def morph_python() -> Path:
    """The Python of the environment that has Morph-KGC."""
    named = os.environ.get("SPACEKG_MORPH_KGC_PYTHON")
    return Path(named) if named else HERE.parent / ".venv" / "morph-kgc" / "bin" / "python"


# -- preparation: spacekg's loaded corpus as JSON records -------------------------------------------

def write_records(root: Path, folder: Path) -> dict[str, int]:
    """Load ROOT's sources with spacekg's loader and write the JSON records the mapping reads."""
    from spacekg.ontology import Schema, load_ontology
    from spacekg.paths import Layout
    from spacekg.sources.load import load_corpus

    layout = Layout(root)
    corpus = load_corpus(layout, Schema.from_graph(load_ontology(layout.ontology)))
    written = records(corpus)
    for name, rows in written.items():
        with open(folder / name, "w", encoding="utf-8") as file:
            json.dump(rows, file, ensure_ascii=False, separators=(",", ":"))
    return {name: len(rows) for name, rows in written.items()}


def records(corpus) -> dict[str, list[dict]]:
    """The corpus as the mapping's records, by file name; every value is a string or a list of strings."""
    from spacekg.namespaces import DOC, QUOTE, SKG

    out = {"entities.json": [], "entity-facts.json": [], "documents.json": [], "statements.json": [],
           "claims.json": []}
    for entity in corpus.entities.values():
        out["entities.json"].append(_present(
            id=entity.id, **{"class": str(entity.klass)}, label=entity.label, alt=entity.alt, abbr=entity.abbr,
            ja=entity.ja, description=entity.description, broader=[str(b) for b in entity.broader]))
        out["entity-facts.json"] += [_present(subject_iri=str(entity.iri), property_iri=str(f.prop), **_value(f.value))
                                     for f in entity.facts]
    for document in corpus.documents:
        issued = document.issued
        accessed = document.accessed
        out["documents.json"].append(_present(
            id=document.id, **{"class": str(document.klass)}, title=document.title, language=document.language,
            creators=[str(c) for c in document.creators], publisher=document.publisher and str(document.publisher),
            issued=issued and str(issued), issued_datatype=issued and str(issued.datatype),
            url=document.url, accessed=accessed and str(accessed), accessed_datatype=accessed and str(accessed.datatype),
            authority=document.authority and str(document.authority),
            mirror_of=document.mirror_of and str(DOC[document.mirror_of]),
            about=[str(a) for a in document.about], note=document.note))
    for s in corpus.statements:
        q = s.quote
        if q is not None:  # a quoted statement: its quote anchor (a cited one has a paraphrase instead)
            out["statements.json"].append(dict(document=s.document, statement=s.id, exact=q.exact,
                                               prefix=q.prefix, suffix=q.suffix, start=str(q.start), end=str(q.end)))
        evidence = (dict(evidence=str(SKG.CitedEvidence), paraphrase=s.paraphrase) if q is None
                    else dict(evidence=str(SKG.QuotedEvidence), anchor=f"{QUOTE}{s.document}/{s.id}"))
        out["claims.json"] += [_present(
            document=s.document, statement=s.id, slug=f.slug, subject_iri=str(s.subject), property_iri=str(f.prop),
            **_value(f.value), rank=str(s.rank), note=s.note, **evidence) for f in s.facts]
    return out


def _value(value) -> dict[str, str]:
    from rdflib import URIRef

    if isinstance(value, URIRef):
        return {"object_iri": str(value)}
    return {"value": str(value), "datatype": str(value.datatype)}


def _present(**fields) -> dict:
    """The fields that have a value: a key left out is a triple not made."""
    return {key: value for key, value in fields.items() if value not in (None, [])}


# -- Morph-KGC in its own process -----------------------------------------------------------------

def run_morph_kgc(folder: Path, processes: int = 1, python: Path | None = None) -> dict:
    """Run Morph-KGC on the records in ``folder``; wall time, peak memory, its own timing."""
    python = python or morph_python()
    if not python.exists():
        raise RuntimeError(f"{python}: no Python with Morph-KGC here; run `make install-bench` "
                           "or set SPACEKG_MORPH_KGC_PYTHON")
    shutil.copy(MAPPING, folder / MAPPING.name)
    (folder / "config.ini").write_text(CONFIG.format(output=OUTPUT, processes=processes, no_null=NO_NULL,
                                                     mapping=MAPPING.name), encoding="utf-8")
    with open(folder / "morph-kgc.log", "w", encoding="utf-8") as log:
        start = time.perf_counter()
        process = subprocess.Popen([str(python), "-m", "morph_kgc", "config.ini"], cwd=folder,
                                   stdout=log, stderr=subprocess.STDOUT)
        tree = TreeMemory(process.pid) if processes > 1 else None
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    text = (folder / "morph-kgc.log").read_text(encoding="utf-8")
    if process.returncode != 0:
        raise RuntimeError(f"Morph-KGC failed ({process.returncode}): {text.strip().splitlines()[-1:]}")
    own = re.search(r"Materialization finished in ([\d.]+) seconds", text)
    result = {"morph_kgc_s": seconds, "materialization_s": float(own.group(1)) if own else None,
              "morph_kgc_cpu_s": usage.ru_utime + usage.ru_stime,  # its processes', less sensitive to load
              "peak_rss_mb": usage.ru_maxrss / 1024}  # the largest of its processes (Linux: KiB)
    if tree is not None:
        result["tree_peak_rss_mb"], result["tree_peak_pss_mb"] = tree.stop()
    return result


def count_triples(path: Path) -> tuple[int, int]:
    """Lines written and distinct triples in an N-Triples file of one triple a line."""
    with open(path, encoding="utf-8") as file:
        lines = [line for line in file if line.strip()]
    return len(lines), len(set(lines))


def measure(root: Path, processes: int = 1, keep: Path | None = None) -> dict:
    """Prepare ROOT's records, run Morph-KGC on them once; times in seconds, memory in MB.

    The records and Morph-KGC's output go to a temporary folder, or to ``keep`` if given.
    """
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="spacekg-morph-") as folder:
            return measure(root, processes, Path(folder))
    keep.mkdir(parents=True, exist_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    counts = write_records(Path(root), keep)
    result = {"prepare_s": time.perf_counter() - start, "prepare_cpu_s": time.process_time() - cpu,
              **run_morph_kgc(keep, processes)}
    result["triples"], result["distinct_triples"] = count_triples(keep / OUTPUT)
    result.update(records=counts, processes=processes, morph_kgc=morph_kgc_version())
    return result


def morph_kgc_version(python: Path | None = None) -> str:
    done = subprocess.run([str(python or morph_python()), "-c",
                           "from importlib.metadata import version; print(version('morph-kgc'))"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


# -- comparison with spacekg's own output -----------------------------------------------------------

def compare(morph_nt: Path, spacekg_nt: Path, ontology: Path) -> dict:
    """Morph-KGC's triples against spacekg.nt without the ontology's triples, by RDF term equality."""
    import pyoxigraph as ox

    def triples(path: Path, format) -> set:
        with open(path, "rb") as file:
            return set(ox.parse(file, format))

    morph = triples(morph_nt, ox.RdfFormat.N_TRIPLES)
    spacekg = triples(spacekg_nt, ox.RdfFormat.N_TRIPLES)
    schema = {t for t in triples(ontology, ox.RdfFormat.TURTLE)
              if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}
    # the ontology's blank nodes are relabelled by the build; no data triple has a blank node
    in_ontology = {t for t in spacekg if t in schema or isinstance(t.subject, ox.BlankNode)
                   or isinstance(t.object, ox.BlankNode)}
    expected = spacekg - in_ontology
    only_morph, only_spacekg = morph - expected, expected - morph
    return {"spacekg_nt": len(spacekg), "ontology": len(in_ontology), "expected": len(expected),
            "morph_kgc": len(morph), "same": len(morph & expected),
            "only_morph_kgc": sorted(str(t) for t in only_morph)[:20], "only_morph_kgc_count": len(only_morph),
            "only_spacekg": sorted(str(t) for t in only_spacekg)[:20], "only_spacekg_count": len(only_spacekg)}


def build(root: Path) -> dict:
    """spacekg's build of ROOT (benchmarks/measure.py, its own process): the other side of the ratio."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, str(HERE / "measure.py"), "build", str(root)], stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"benchmarks/measure.py build {root} failed")
        out.seek(0)
        result = json.loads(out.read().strip().splitlines()[-1])
    return result | {"cpu_s": usage.ru_utime + usage.ru_stime}


def main() -> None:
    from spacekg.errors import SpacekgError

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a project tree (sources/, ontology/), e.g. from corpus.py")
    parser.add_argument("--runs", type=int, default=1, help="repeat and give medians (default 1)")
    parser.add_argument("--processes", type=int, default=1,
                        help="Morph-KGC's number_of_processes (default 1; Morph-KGC's own default is 2 × cores)")
    parser.add_argument("--build", action="store_true", help="also run spacekg's build after each run, and give ratios")
    parser.add_argument("--compare", action="store_true", help="compare the triples with ROOT/output/spacekg.nt")
    parser.add_argument("--keep", type=Path, help="write the records and Morph-KGC's output here, and keep them")
    args = parser.parse_args()
    if args.compare and not args.keep:
        parser.error("--compare needs --keep FOLDER (Morph-KGC's output is compared from there)")
    runs, builds = [], []
    try:
        for _ in range(args.runs):
            runs.append(measure(args.root, args.processes, args.keep))
            if args.build:
                builds.append(build(args.root))
    except (SpacekgError, RuntimeError) as error:
        raise SystemExit(f"error: {error}") from None
    result = _medians(runs)
    if builds:
        result["spacekg_build"] = _build_medians(builds)
        result["ratio_time_morph_kgc_to_build"] = result["morph_kgc_s"] / result["spacekg_build"]["total_s"]
        result["ratio_cpu_morph_kgc_to_build"] = result["morph_kgc_cpu_s"] / result["spacekg_build"]["cpu_s"]
        result["ratio_peak_morph_kgc_to_build"] = result["peak_rss_mb"] / result["spacekg_build"]["peak_rss_mb"]
    if args.compare:
        built = args.root / "output" / "spacekg.nt"
        if not built.is_file():
            raise SystemExit(f"{built}: not found; build ROOT first (--build, or benchmarks/measure.py build ROOT)")
        result["compare"] = compare(args.keep / OUTPUT, built, args.root / "ontology" / "spacekg.ttl")
    print(json.dumps(result, indent=1))


def _build_medians(builds: list[dict]) -> dict:
    median = statistics.median
    return {"total_s": median(b["total"] for b in builds), "cpu_s": median(b["cpu_s"] for b in builds),
            "peak_rss_mb": median(b["peak_rss_mb"] for b in builds),
            "times": {stage: median(b["times"][stage] for b in builds) for stage in builds[0]["times"]},
            "triples": builds[0]["triples"], "runs_total_s": [round(b["total"], 2) for b in builds],
            "runs_cpu_s": [round(b["cpu_s"], 2) for b in builds],
            "runs_peak_rss_mb": [round(b["peak_rss_mb"]) for b in builds]}


def _medians(runs: list[dict]) -> dict:
    result = dict(runs[-1])
    for key in ("prepare_s", "prepare_cpu_s", "morph_kgc_s", "morph_kgc_cpu_s", "materialization_s", "peak_rss_mb",
                "tree_peak_rss_mb"):
        values = [run[key] for run in runs if run.get(key) is not None]
        if values:
            result[key] = statistics.median(values)
            if len(runs) > 1:
                result[f"runs_{key}"] = [round(v, 2) for v in values]
    result["runs"] = len(runs)
    return result


if __name__ == "__main__":
    main()
