"""Synthetic corpora shaped like the real one, N times its size, for the benchmarks.

Copy k of the corpus renames every entity (``jaxa`` → ``jaxa-k7``), every document
(``cds1-joint-statement-2013`` → ``cds1-joint-statement-2013-k7``, with its own copy of the verbatim
text for a quoted document; a cited record, known by its ``url:``, has none) and every reference
between them, so a corpus N times larger has N times the entities,
documents, statements, facts and triples, each quote still found in its own text. Copy 0 is the
real corpus unchanged. The ontology is shared.

    python benchmarks/corpus.py 100 /tmp/corpus-100
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

try:
    from yaml import CSafeDumper as Dumper, CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper, SafeLoader as Loader

ROOT = Path(__file__).resolve().parents[1]
# Keys whose values are never entity ids.
ENTITY_TEXT_KEYS = {"id", "class", "label", "alt", "abbr", "ja", "description"}
DOCUMENT_TEXT_KEYS = {"id", "text", "url", "title", "language", "kind", "issued", "accessed", "authority",
                      "mirrorOf", "note"}
STATEMENT_TEXT_KEYS = {"id", "quote", "paraphrase", "rank", "note"}


def generate(times: int, target: Path, source: Path = ROOT) -> Path:
    """Write a project tree with ``times`` copies of ``source``'s corpus into ``target``."""
    if target.exists():
        shutil.rmtree(target)
    for folder in ("texts", "registry", "annotations"):
        (target / "sources" / folder).mkdir(parents=True)
    shutil.copytree(source / "ontology", target / "ontology")
    if (source / "queries").is_dir():
        shutil.copytree(source / "queries", target / "queries")
    registry = {path.name: _load(path) for path in sorted((source / "sources" / "registry").glob("*.yaml"))}
    ids = {entry["id"] for entries in registry.values() for entry in entries}
    annotations = {path.name: _load(path) for path in sorted((source / "sources" / "annotations").glob("*.yaml"))}
    texts = {path.name: path.read_bytes() for path in sorted((source / "sources" / "texts").glob("*.txt"))}

    for name, entries in registry.items():
        copies = [_entity(entry, ids, k) for k in range(times) for entry in entries]
        _dump(copies, target / "sources" / "registry" / name)
    for name, data in annotations.items():
        header = data["document"]
        for k in range(times):
            doc_id = _renamed(header["id"], k)
            renamed = {"id": doc_id}
            if "text" in header:  # a quoted document: its own copy of the verbatim text
                renamed["text"] = f"{doc_id}.txt"
                (target / "sources" / "texts" / renamed["text"]).write_bytes(texts[header["text"]])
            if "mirrorOf" in header:  # a cited record that mirrors another: that record's copy k
                renamed["mirrorOf"] = _renamed(header["mirrorOf"], k)
            copy = {"document": _refs(header, ids, k, DOCUMENT_TEXT_KEYS) | renamed,
                    "statements": [_refs(item, ids, k, STATEMENT_TEXT_KEYS) for item in data["statements"]]}
            _dump(copy, target / "sources" / "annotations" / f"{doc_id}.yaml")
    return target


def _entity(entry: dict, ids: set[str], k: int) -> dict:
    copy = _refs(entry, ids, k, ENTITY_TEXT_KEYS)
    copy["id"] = _renamed(entry["id"], k)
    if k:
        copy["label"] = f"{entry['label']} (copy {k})"
    return copy


def _refs(mapping: dict, ids: set[str], k: int, text_keys: set[str]) -> dict:
    """The mapping with every entity id among its reference values renamed for copy k."""
    out = {}
    for key, value in mapping.items():
        if key in text_keys:
            out[key] = value
        elif isinstance(value, list):
            out[key] = [_renamed(v, k) if v in ids else v for v in value]
        else:
            out[key] = _renamed(value, k) if isinstance(value, str) and value in ids else value
    return out


def _renamed(name: str, k: int) -> str:
    return name if k == 0 else f"{name}-k{k}"


def _load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def _dump(data, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=4096),
                    encoding="utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
