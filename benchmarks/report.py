"""Writing benchmarks/results.md: a reader, or a run killed half-way, never sees half a file."""

from __future__ import annotations

from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """``text`` written next to ``path`` first, then renamed over it."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
