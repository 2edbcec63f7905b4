"""`spacekg validate`: exit 0 when valid, 1 with file:line problems, 2 when it cannot run;
it never writes output/."""

from __future__ import annotations

from spacekg.cli import main


def test_valid_sources(scratch, capsys):
    assert main(["--root", str(scratch.root), "validate"]) == 0
    out = capsys.readouterr().out
    assert "SHACL shapes        ok" in out and out.strip().endswith("valid")
    assert not scratch.output.exists()


def test_violation_query_problem_exits_1(scratch, capsys):
    (scratch.registry / "zz-cycle.yaml").write_text(
        "- id: office-a\n  class: Office\n  label: Office A\n  country: japan\n  subOrganizationOf: office-b\n"
        "- id: office-b\n  class: Office\n  label: Office B\n  country: japan\n  subOrganizationOf: office-a\n",
        encoding="utf-8")
    assert main(["--root", str(scratch.root), "validate", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "sources/registry/zz-cycle.yaml:1: kg:office-a: is its own ancestor through skg:subOrganizationOf" in err
    assert "sources/registry/zz-cycle.yaml:6: kg:office-b" in err
    assert "Traceback" not in err and not scratch.output.exists()


def test_shape_problem_exits_1(scratch, capsys):
    (scratch.registry / "zz-org.yaml").write_text("- id: stateless-agency\n  class: Agency\n  label: An agency\n",
                                                  encoding="utf-8")
    assert main(["--root", str(scratch.root), "validate", "--quiet"]) == 1
    assert ("sources/registry/zz-org.yaml:1: kg:stateless-agency: an organization that is not an "
            "international body needs a country") in capsys.readouterr().err


def test_missing_shapes_exits_2(scratch, capsys):
    scratch.shapes.unlink()
    assert main(["--root", str(scratch.root), "validate"]) == 2
    err = capsys.readouterr().err
    assert "the SHACL shapes file is missing" in err and "Traceback" not in err
