"""Annotation files checked one by one, without a build: against the registry, the ontology and
their texts by the build's own loader, then against the rest of the corpus (a meeting that one
document plans and another reports as held). Every problem is reported, each with a hint."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from ..errors import Problem, Problems, SourceError
from ..namespaces import SKG
from ..paths import Layout
from ..sources.load import load_corpus
from ..sources.quotes import normalize
from ..sources.yamlfile import LocatedDict, LocatedList, load_yaml
from .knowledge import local
from .project import read_schema, selection

PLANS_SECTION = 'README, "Planned and held meetings"'


def check_files(layout: Layout, files: list[Path]) -> list[Problem]:
    """Every problem of ``files`` (annotation files, wherever they are)."""
    schema = read_schema(layout)
    shown = {path.name: _shown(layout, path) for path in files}
    with selection(layout, files) as chosen:
        try:
            corpus = load_corpus(chosen, schema)
            problems = []
        except SourceError as error:
            corpus, problems = None, [_located(p, chosen, shown) for p in error.problems]
    entities = _registry_names(layout, schema)
    problems = [_with_hint(p, entities, layout, files) for p in problems]
    if corpus is not None:
        problems += _plans_and_held(layout, schema, files, shown)
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))


def _shown(layout: Layout, path: Path) -> str:
    return layout.relative(path) if path.resolve().is_relative_to(layout.root.resolve()) else str(path)


def _located(problem: Problem, chosen, shown: dict[str, str]) -> Problem:
    """A problem found in the temporary copy, put back on the file the user gave."""
    name = Path(problem.file).name
    if Path(problem.file).parent.resolve() == Path(chosen.annotations).resolve() and name in shown:
        return Problem(shown[name], problem.line, problem.message, problem.hint)
    return problem


def _registry_names(layout: Layout, schema) -> dict[str, str]:
    """Every name of the registry → its id (ids included), for hints."""
    with selection(layout, []) as empty:
        try:
            corpus = load_corpus(empty, schema)
        except SourceError:
            return {}
    names = {}
    for entity in corpus.entities.values():
        for name in [entity.id, entity.label, *entity.alt, *entity.abbr, *([entity.ja] if entity.ja else [])]:
            names.setdefault(name, entity.id)
    return names


def _with_hint(problem: Problem, names: dict[str, str], layout: Layout, files: list[Path]) -> Problem:
    unknown = re.match(r"unknown entity '(.*)'$", problem.message)
    if unknown and names:
        hint = closest_ids(unknown.group(1), names)
        if hint:
            return Problem(problem.file, problem.line, problem.message, hint + "; `spacekg lookup NAME` searches")
    missing = re.match(r"quote not found in (\S+):", problem.message)
    if missing:
        quote = _quote_at(problem, files)
        text_path = layout.root / missing.group(1)
        if quote and text_path.is_file():
            passage = closest_passage(quote, text_path.read_text(encoding="utf-8"))
            if passage:
                return Problem(problem.file, problem.line, problem.message,
                               f"{problem.hint}; the closest passage of the text is '{passage}'")
    return problem


def closest_ids(name: str, names: dict[str, str], count: int = 3) -> str | None:
    """'the closest ids: mic (Ministry of …), …' for a name that is no id."""
    found: dict[str, tuple[float, str]] = {}
    for match, score, _ in process.extract(name, list(names), scorer=fuzz.token_set_ratio,
                                           processor=utils.default_process, limit=count * 6):
        entity = names[match]
        if entity not in found or score > found[entity][0]:
            found[entity] = (score, match)
    best = sorted(found.items(), key=lambda item: -item[1][0])[:count]
    if not best:
        return None
    return "the closest ids: " + ", ".join(f"{e} ({m})" if m != e else e for e, (_, m) in best)


def closest_passage(quote: str, text: str) -> str | None:
    """The passage of ``text`` most like ``quote`` (normalized as quotes are matched)."""
    needle, haystack = normalize(quote), normalize(text)
    if not needle or not haystack:
        return None
    found = fuzz.partial_ratio_alignment(needle, haystack, processor=None)
    if found is None or found.score < 50:
        return None
    start, end = found.dest_start, found.dest_end
    while start > 0 and not haystack[start - 1].isspace():  # whole words
        start -= 1
    while end < len(haystack) and not haystack[end].isspace():
        end += 1
    return haystack[start:end]


def _quote_at(problem: Problem, files: list[Path]) -> str | None:
    """The full quote written at the problem's line of its file."""
    path = next((p for p in files if str(p).endswith(Path(problem.file).name)), None)
    if path is None:
        return None
    data = load_yaml(path.read_text(encoding="utf-8"), problem.file, Problems())
    statements = data.get("statements") if isinstance(data, LocatedDict) else None
    for item in statements if isinstance(statements, LocatedList) else []:
        if isinstance(item, LocatedDict) and item.lines.get("quote") == problem.line:
            return str(item.get("quote"))
    return None


def _plans_and_held(layout: Layout, schema, files: list[Path], shown: dict[str, str]) -> list[Problem]:
    """A meeting that one document records as planned and another as held: the plan must be its
    own entity, linked to the held meeting."""
    others = [p for p in sorted(layout.annotations.glob("*.yaml")) if p.name not in shown]
    places = {**{p.name: layout.relative(p) for p in others}, **shown}
    with selection(layout, others + files) as together:
        try:
            corpus = load_corpus(together, schema)
        except SourceError:
            return []  # the other files' own problems are theirs (`spacekg validate` lists them)
    statuses = defaultdict(list)
    for statement in corpus.statements:
        for fact in statement.facts:
            if fact.prop == SKG.eventStatus:
                statuses[local(statement.subject)].append((local(fact.value), statement))
    problems = []
    for meeting, claims in sorted(statuses.items()):
        kinds = {kind for kind, _ in claims}
        if not {"Held", "Planned"} <= kinds:
            continue
        held = [s for k, s in claims if k == "Held"]
        planned = [s for k, s in claims if k == "Planned"]
        for statement in held + planned:
            name = Path(statement.where.file).name
            if name not in shown:
                continue
            other = planned if statement in held else held
            where = ", ".join(f"{places.get(Path(s.where.file).name, s.where.file)}:{s.where.line}" for s in other)
            plan = f"{meeting}-plan"
            problems.append(Problem(
                shown[name], statement.where.line,
                f"{meeting} is recorded as {'held' if statement in held else 'planned'} here and as "
                f"{'planned' if statement in held else 'held'} at {where}",
                f"a plan that took place is not a conflict and is not ranked: make the announced meeting "
                f"its own entity {plan} (class DialogueMeeting, eventStatus planned, with what the "
                f"announcement says) and point the announcing meeting's nextMeeting at it; keep {meeting} "
                f"for the meeting as held; then add `realizedAs: {meeting}` on {plan} ({PLANS_SECTION})"))
    return problems
