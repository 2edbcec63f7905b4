"""A draft → the text of an annotation file, in the layout of sources/annotations/, with the
drafter's doubts as comments (which the loader ignores)."""

from __future__ import annotations

import textwrap

import yaml

from .draft import Draft, Proposed

WIDTH = 100


def write(draft: Draft) -> str:
    lines = [f"# Drafted by `spacekg draft {draft.source}`: every statement below is a proposal.",
             "# Read each against the text, fix or delete it, resolve the `# unknown:` names, then run",
             f"# `spacekg validate {_annotation_path(draft)}`."]
    for check in draft.checks:
        lines += _comment(f"check: {check}", "")
    for unknown in draft.unknowns:
        lines += _comment(f"unknown: '{unknown.name}' is not in the registry. Add it to "
                          f"{unknown.registry_file}, or use `spacekg lookup` to find the id it has:", "")
        entry = yaml.safe_dump([unknown.entry], allow_unicode=True, sort_keys=False, width=WIDTH)
        lines += [f"#   {line}" for line in entry.rstrip("\n").splitlines()]
    lines += ["", "document:"]
    for key, value in draft.document.items():
        lines.append(f"  {key}: {_scalar(value)}")
    lines += ["", "statements:"]
    for statement in draft.statements:
        lines += _statement(statement)
    return "\n".join(lines) + "\n"


def _statement(statement: Proposed) -> list[str]:
    lines = [f"  - id: {statement.id}"]
    for check in statement.checks:
        lines += _comment(f"check: {check}", "    ")
    if statement.confidence:
        lines += _comment(f"confidence: {statement.confidence}", "    ")
    lines.append(f"    subject: {statement.subject}")
    lines += _quote(statement.quote)
    for prop, values in statement.facts.items():
        shown = values[0] if len(values) == 1 else values
        lines.append(f"    {prop}: {_scalar(shown)}")
    lines.append("")
    return lines


def _quote(text: str) -> list[str]:
    """A quote as a folded block (one paragraph, no leading spaces: read back unchanged)."""
    if len(text) <= WIDTH - 11 and _plain(text):
        return [f"    quote: {text}"]
    wrapped = textwrap.wrap(text, WIDTH - 6, break_long_words=False, break_on_hyphens=False)
    return ["    quote: >-"] + [f"      {line}" for line in wrapped]


def _scalar(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, int) or (isinstance(value, str) and _plain(value)):
        return str(value)
    return yaml.safe_dump(str(value), allow_unicode=True, default_style='"', width=10_000).strip()


def _plain(text: str) -> bool:
    """True when ``text`` reads back as the same string written without quotes."""
    try:
        return yaml.safe_load(f"key: {text}") == {"key": text} and ", " not in text and "[" not in text
    except yaml.YAMLError:
        return False


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, WIDTH - len(indent) - 2)]


def _annotation_path(draft: Draft) -> str:
    return f"sources/annotations/{draft.document['id']}.yaml"
