"""How good are `spacekg draft`'s proposals? Leave-one-out over the corpus.

Each annotated (quoted) document is drafted by a drafter that learned from every other document
only: its own statements are withheld from the cue words and conventions the drafter learns, and,
in the strict setting, so are the registry entries that no other document uses (the names the
document itself introduced). The draft's (subject, property, value) triples are scored against
the curated annotation: precision, recall and F1 per property, per group and overall; and the
share of the draft's quotes that the build's quote matching accepts as they are.

    python benchmarks/drafting.py [ROOT] [--write benchmarks/drafting.md]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from rdflib import URIRef

from spacekg.annotate.draft import Drafter
from spacekg.annotate.knowledge import Knowledge, local
from spacekg.annotate.project import read_corpus, read_schema, texts_of
from spacekg.paths import Layout, find_root
from spacekg.sources.quotes import NormalizedText

GROUPS = {
    "co-chairs and participants": ("coChairedBy", "participant"),
    "dates": ("startDate", "endDate"),
    "cities and places": ("heldIn",),
    "ordinals": ("ordinal",),
    "topics (exact property)": ("discussed", "reaffirmed", "welcomed", "agreed", "mentionsAgreement"),
}
TOPICAL = GROUPS["topics (exact property)"]


def triples_of_corpus(statements) -> set[tuple[str, str, str]]:
    return {(local(s.subject), local(f.prop), _value(f.value)) for s in statements for f in s.facts}


def triples_of_draft(draft) -> set[tuple[str, str, str]]:
    return {(s.subject, prop, str(v).lower() if prop == "eventStatus" else str(v))
            for s in draft.statements for prop, values in s.facts.items() for v in values}


def _value(value) -> str:
    return local(value).lower() if local(value) in ("Held", "Planned") else (
        local(value) if isinstance(value, URIRef) else str(value))


def score(drafted: set, curated: set, props) -> dict:
    d = {t for t in drafted if t[1] in props}
    c = {t for t in curated if t[1] in props}
    return {"tp": len(d & c), "fp": len(d - c), "fn": len(c - d)}


def topics_any_verb(drafted: set, curated: set) -> dict:
    """Topics scored by (subject, value) whatever the verb (discussed, reaffirmed …)."""
    d = {(s, v) for s, p, v in drafted if p in TOPICAL}
    c = {(s, v) for s, p, v in curated if p in TOPICAL}
    return {"tp": len(d & c), "fp": len(d - c), "fn": len(c - d)}


def prf(counts: dict) -> tuple[float, float, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(layout: Layout, strict: bool) -> dict:
    schema = read_schema(layout)
    corpus, _ = read_corpus(layout, schema)
    texts = texts_of(layout, corpus)
    totals: dict[str, Counter] = {}
    per_document, quotes, seconds, missed = {}, Counter(), [], Counter()
    for document in corpus.documents:
        if document.id not in texts:
            continue  # a cited record: nothing to draft from
        knowledge = Knowledge.of(corpus, schema, texts, without=document.id, strict=strict)
        start = time.perf_counter()
        drafter = Drafter(knowledge, seeds=False)
        draft = drafter.draft(texts[document.id], Path(document.text_file).name)
        seconds.append(time.perf_counter() - start)
        curated = triples_of_corpus([s for s in corpus.statements if s.document == document.id])
        drafted = triples_of_draft(draft)
        props = sorted({t[1] for t in curated | drafted})
        for prop in props:
            totals.setdefault(prop, Counter()).update(score(drafted, curated, (prop,)))
        totals.setdefault("topics (any verb)", Counter()).update(topics_any_verb(drafted, curated))
        totals.setdefault("overall", Counter()).update(score(drafted, curated, set(props)))
        if any(st.id == "meeting-held" for st in draft.statements):  # a report of a numbered meeting
            for group, group_props in GROUPS.items():
                totals.setdefault(f"{group}, meeting reports", Counter()).update(score(drafted, curated, group_props))
        per_document[document.id] = prf(score(drafted, curated, set(props)))
        text = NormalizedText(texts[document.id])
        for statement in draft.statements:
            quotes["drafted"] += 1
            quotes["verified"] += len(text.find(statement.quote)) == 1
        for triple in sorted(curated - drafted):
            missed[triple[1]] += 1
    for group, props in GROUPS.items():
        totals[group] = sum((totals.get(p, Counter()) for p in props), Counter())
    return {"totals": totals, "documents": per_document, "quotes": quotes, "seconds": seconds, "missed": missed}


def table(result: dict, rows: list[str]) -> list[str]:
    lines = ["| | precision | recall | F1 | drafted right | drafted wrong | missed |", "|---|---|---|---|---|---|---|"]
    for name in rows:
        counts = result["totals"].get(name)
        if not counts:
            continue
        p, r, f = prf(counts)
        lines.append(f"| {name} | {p:.2f} | {r:.2f} | {f:.2f} | {counts['tp']} | {counts['fp']} | {counts['fn']} |")
    return lines


def report(root: Path) -> str:
    layout = Layout(root)
    results = {"registry as it is": run(layout, strict=False),
               "strict (names only the document uses withheld)": run(layout, strict=True)}
    first = next(iter(results.values()))
    groups = list(GROUPS) + ["topics (any verb)", "overall"] + [f"{g}, meeting reports" for g in GROUPS]
    props = sorted(p for p in first["totals"] if p not in groups and "," not in p)
    out = ["# Drafting benchmark: leave-one-out over the corpus", "",
           f"Command: `python benchmarks/drafting.py --write benchmarks/drafting.md` "
           f"({len(first['documents'])} documents with a text).", ""]
    for name, result in results.items():
        quotes = result["quotes"]
        out += [f"## {name}", "",
                f"Quotes that the build accepts unchanged: {quotes['verified']} of {quotes['drafted']} "
                f"({quotes['verified'] / max(1, quotes['drafted']):.0%}). Drafting one document takes "
                f"{statistics.median(result['seconds']):.1f} s (median, learning included).", "",
                "By group:", ""] + table(result, groups) + ["", "By property:", ""] + table(result, props)
        out += ["", "Per document (precision, recall, F1 over all triples):", ""]
        out += [f"- {doc}: {p:.2f}, {r:.2f}, {f:.2f}" for doc, (p, r, f) in result["documents"].items()]
        out.append("")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, help="the project (default: found from the current folder)")
    parser.add_argument("--write", type=Path, help="also write the report to this Markdown file")
    args = parser.parse_args(argv)
    text = report(args.root or find_root())
    sys.stdout.write(text)
    if args.write:
        notes = _kept_notes(args.write)
        args.write.write_text(text + notes, encoding="utf-8")
    return 0


def _kept_notes(path: Path) -> str:
    """The hand-written part of an earlier report (from '## What the drafter misses'), kept."""
    if not path.is_file():
        return ""
    earlier = path.read_text(encoding="utf-8")
    at = earlier.find("## What the drafter misses")
    return "\n" + earlier[at:] if at >= 0 else ""


if __name__ == "__main__":
    sys.exit(main())
