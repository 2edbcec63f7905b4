"""The annotation tools: finding the project, `spacekg init`, `draft`, `lookup`, `validate FILE`,
and the README's walkthrough on a fixture text (a summary of a meeting, in our own words)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from spacekg.annotate.checking import closest_passage
from spacekg.annotate.dates import Dates
from spacekg.annotate.draft import Drafter
from spacekg.annotate.gazetteer import blank_pipeline
from spacekg.annotate.lookup import markdown_table, property_rows, search
from spacekg.annotate.ordinals import Ordinals
from spacekg.annotate.project import knowledge_of, read_corpus, read_schema, texts_of
from spacekg.cli import main
from spacekg.ontology import Schema, load_ontology
from spacekg.paths import Layout
from spacekg.sources.quotes import NormalizedText

from .conftest import ROOT, copy_project

FIXTURES = Path(__file__).parent / "fixtures" / "annotate"
SUMMARY = FIXTURES / "cds8-summary-2023.txt"


@pytest.fixture(scope="module")
def knowledge():
    return knowledge_of(Layout(ROOT))[0]


@pytest.fixture(scope="module")
def drafter(knowledge):
    return Drafter(knowledge)


# -- the project ------------------------------------------------------------------------------------


def test_commands_find_the_project_from_a_subfolder(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.texts)
    assert main(["query", "--list"]) == 0
    assert "meetings" in capsys.readouterr().out


def test_outside_a_project_the_message_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "no spacekg project" in err and "spacekg init" in err and "Traceback" not in err


def test_init_makes_a_project_that_builds(tmp_path, capsys):
    target = tmp_path / "new"
    assert main(["init", str(target)]) == 0
    assert (target / "ontology" / "spacekg.ttl").read_bytes() == (ROOT / "ontology" / "spacekg.ttl").read_bytes()
    assert sorted(p.name for p in (target / "queries").glob("*.rq")) == sorted(p.name for p in (ROOT / "queries").glob("*.rq"))
    assert main(["--root", str(target), "build", "--quiet"]) == 0
    assert main(["init", str(target)]) == 2  # never over an existing project
    assert "already holds" in capsys.readouterr().err


def test_a_plain_install_carries_what_init_needs(tmp_path):
    """A wheel (not an editable install) holds the ontology, shapes and queries for `init`."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("spacekg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for path in [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("queries/*.rq")]:
        assert f"spacekg/skeleton/{path.parent.name}/{path.name}" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    run = subprocess.run([sys.executable, "-m", "spacekg.cli", "init", str(tmp_path / "p")], cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert str(site) in subprocess.run([sys.executable, "-c", "import spacekg; print(spacekg.__file__)"],
                                       env={"PYTHONPATH": str(site)}, capture_output=True, text=True).stdout
    assert (tmp_path / "p" / "ontology" / "shapes.ttl").read_bytes() == (ROOT / "ontology" / "shapes.ttl").read_bytes()


# -- reading dates, ordinals and names ----------------------------------------------------------------


@pytest.mark.parametrize("text, start, end", [
    ("on March 24, 2023.", "2023-03-24", None), ("on 24 March 2023.", "2023-03-24", None),
    ("2023年3月24日に", "2023-03-24", None), ("held August 26–27, 2024", "2024-08-26", "2024-08-27"),
    ("from December 2 to 7, 2017, in Kyoto", "2017-12-02", "2017-12-07"), ("signed in July 2020", "2020-07", None),
])
def test_dates_are_read_at_the_precision_written(text, start, end):
    nlp = blank_pipeline()
    found = Dates(nlp).find(nlp(text))
    assert [(d.start_date, d.end_date) for d in found] == [(start, end)]


@pytest.mark.parametrize("text, value", [("the eighth meeting", 8), ("the 8th meeting", 8), ("第8回会合", 8),
                                         ("the Eleventh Plenary", 11), ("the inaugural meeting", 1)])
def test_ordinals_in_words_digits_and_japanese(text, value):
    nlp = blank_pipeline()
    assert [o.value for o in Ordinals(nlp).find(nlp(text))] == [value]


def test_names_are_found_whatever_the_case_punctuation_and_possessive(drafter, knowledge):
    """Every English label of the registry is found in a sentence, lower-cased (where it has no
    abbreviation with full stops), and with a possessive."""
    for entity in knowledge.entities.values():
        if not entity.label.isascii():
            continue
        lowered = entity.label if "." in entity.label else entity.label.lower()
        for text in (f"We met the {lowered} today.", f"{entity.label}'s view was heard.",
                     f"In short, {entity.label.replace(', ', ' ')} said so."):
            found = drafter.gazetteer.find(drafter.nlp(text))
            assert any(m.entity == entity.id or m.text.lower() == entity.label.lower() for m in found), (entity.id, text)


# -- draft ----------------------------------------------------------------------------------------------


def test_every_drafted_quote_verifies_on_every_text(drafter):
    layout = Layout(ROOT)
    corpus, _ = read_corpus(layout, read_schema(layout))
    for document, text in texts_of(layout, corpus).items():
        draft = drafter.draft(text, f"{document}.txt")
        normalized = NormalizedText(text)
        for statement in draft.statements:
            assert len(normalized.find(statement.quote)) == 1, (document, statement.id, statement.quote)


def test_draft_of_a_new_summary_has_what_a_person_reads_in_it(scratch, capsys):
    shutil.copy(SUMMARY, scratch.texts)
    assert main(["--root", str(scratch.root), "draft", str(scratch.texts / SUMMARY.name)]) == 0
    drafted = yaml.safe_load(capsys.readouterr().out)
    triples = {(s["subject"], prop, str(v)) for s in drafted["statements"] for prop, values in s.items()
               if prop not in ("id", "subject", "quote") for v in (values if isinstance(values, list) else [values])}
    expected = {(s, p, str(v)) for s, p, v in yaml.safe_load((FIXTURES / "cds8-summary-2023.expected.yaml").read_text())}
    assert expected <= triples, expected - triples


# -- validate FILE and the walkthrough ----------------------------------------------------------------


def test_walkthrough_draft_fix_validate_build(scratch, capsys):
    """The README's "Adding a document" on the fixture: draft, validate, fix what it reports the way
    its hints say (register the unknown names as proposed; make an announced meeting that took
    place its own plan), validate again, build."""
    shutil.copy(SUMMARY, scratch.texts)
    annotation = scratch.annotations / "cds8-summary-2023.yaml"
    assert main(["--root", str(scratch.root), "draft", str(scratch.texts / SUMMARY.name), "-o", str(annotation)]) == 0
    capsys.readouterr()
    drafted = annotation.read_text(encoding="utf-8")

    code = main(["--root", str(scratch.root), "validate", str(annotation)])
    err = capsys.readouterr().err
    assert not scratch.output.exists()
    problems = [line for line in err.splitlines() if line.startswith("sources/")]
    for problem in problems:  # only what the draft flagged
        assert "unknown entity" in problem or "is recorded as held here and as planned" in problem, problem
    assert code == (1 if problems else 0)

    for file, entry in unknown_entries(drafted):
        with open(scratch.root / file, "a", encoding="utf-8") as registry:
            registry.write("\n" + yaml.safe_dump([entry], allow_unicode=True, sort_keys=False))
    if "realizedAs" in err:
        plan_the_announced_meeting(scratch, "cds-8")
    assert main(["--root", str(scratch.root), "validate", str(annotation)]) == 0, capsys.readouterr().err
    assert main(["--root", str(scratch.root), "build", "--quiet"]) == 0, capsys.readouterr().err


def unknown_entries(draft: str) -> list[tuple[str, dict]]:
    """The registry entries that a draft's `# unknown:` comments propose, with their file."""
    entries, lines = [], draft.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# unknown:"):
            block = " ".join(l[2:] for l in lines[i:i + 3] if l.startswith("# ") and not l.startswith("#   "))
            file = next(word.rstrip(",") for word in block.split() if word.startswith("sources/registry/"))
            body = []
            for follow in lines[i + 1:]:
                if follow.startswith("#   "):
                    body.append(follow[4:])
                elif body:
                    break
            entries.append((file, yaml.safe_load("\n".join(body))[0]))
    return entries


def plan_the_announced_meeting(layout, meeting: str) -> None:
    """The fix for a planned meeting that took place, as the hint gives it (before the ontology has
    realizedAs, the plan and the held meeting are kept apart without the link)."""
    announcing = next(p for p in layout.annotations.glob("*.yaml") if f"subject: {meeting}\n" in p.read_text())
    announcing.write_text(announcing.read_text().replace(f"nextMeeting: {meeting}\n", f"nextMeeting: {meeting}-plan\n")
                          .replace(f"subject: {meeting}\n", f"subject: {meeting}-plan\n"))
    with open(layout.registry / "events.yaml", "a", encoding="utf-8") as registry:
        registry.write(f"- id: {meeting}-plan\n  class: DialogueMeeting\n  label: {meeting}, as announced\n"
                       "  inSeries: comprehensive-dialogue-on-space\n")


def test_validate_files_lists_every_problem_with_hints(scratch, capsys):
    source = scratch.annotations / "cds4-joint-statement-2017.yaml"
    broken = scratch.root / "elsewhere" / source.name
    broken.parent.mkdir()
    broken.write_text(source.read_text().replace("coChairedBy: [mofa, nsps]", "coChairedBy: [mofaa, nsps]")
                      .replace("Both sides concurred on holding the Fifth", "Both sides agreed on holding the Fifth"))
    assert main(["--root", str(scratch.root), "validate", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "unknown entity 'mofaa'" in err and "the closest ids: mofa" in err
    assert err.count("quote not found") == 2 and "closest passage of the text is 'Both sides concurred" in err
    assert "elsewhere/cds4-joint-statement-2017.yaml:" in err and "invalid: 3 problems" in err


def test_validate_without_files_still_checks_the_whole_graph(scratch):
    assert main(["--root", str(scratch.root), "validate", "--quiet"]) == 0


def test_closest_passage_is_made_of_whole_words():
    text = "Both sides concurred on holding the Fifth meeting of the Dialogue in Japan, in 2018."
    assert closest_passage("sides agreed on holding the Fifth meeting", text).startswith("sides concurred")


# -- lookup -----------------------------------------------------------------------------------------------


def test_lookup_finds_each_entity_by_its_label_and_abbreviations(knowledge):
    labels = {}
    for entity in knowledge.entities.values():
        labels.setdefault(entity.label.lower(), []).append(entity.id)
    for entity in knowledge.entities.values():
        if len(labels[entity.label.lower()]) == 1:
            assert search(knowledge, entity.label)[0].entity == entity.id
        for abbr in entity.abbr:
            assert entity.id in [hit.entity for hit in search(knowledge, abbr)], (entity.id, abbr)


def test_lookup_command_shows_class_parent_and_use(capsys):
    assert main(["--root", str(ROOT), "lookup", "internal", "affairs"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].startswith("mic ") and "subOrganizationOf government-of-japan" in out


def test_every_property_has_an_example_of_itself():
    ontology = load_ontology(ROOT / "ontology" / "spacekg.ttl")
    for row in property_rows(ontology, Schema.from_graph(ontology)):
        assert row.example.startswith(f"{row.name}: "), row.name


def test_readme_shows_the_generated_property_table():
    ontology = load_ontology(ROOT / "ontology" / "spacekg.ttl")
    table = markdown_table(property_rows(ontology, Schema.from_graph(ontology)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README.md's property table differs: paste `spacekg lookup --properties --markdown`"
