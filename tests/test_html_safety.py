"""No input can inject script into a generated HTML page: labels and quotes holding markup are
escaped wherever they appear in output/**/*.html. (Passes trivially while no HTML is generated.)"""

from __future__ import annotations

from spacekg.cli import main

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


def test_markup_in_sources_is_never_written_unescaped(scratch):
    (scratch.registry / "zz-markup.yaml").write_text(
        f"- id: markup-agency\n  class: Agency\n  label: '{SCRIPT} \"Agency\" {IMAGE}'\n  country: japan\n",
        encoding="utf-8")
    (scratch.texts / "markup-doc.txt").write_text(
        f"The agency said: {SCRIPT} and {IMAGE} and \"quoted\" words 'here'. It took part.\n", encoding="utf-8")
    (scratch.annotations / "markup-doc.yaml").write_text(
        "document:\n  id: markup-doc\n  text: markup-doc.txt\n  title: 'Markup <script>alert(1)</script>'\n"
        "  kind: WebPage\nstatements:\n  - id: s\n    subject: cds-1\n"
        f"    quote: '{SCRIPT} and {IMAGE} and \"quoted\" words ''here'''\n    participant: markup-agency\n",
        encoding="utf-8")
    assert main(["--root", str(scratch.root), "build", "--quiet"]) == 0
    assert SCRIPT in (scratch.output / "spacekg.nt").read_text(encoding="utf-8")  # the data did get in
    for page in sorted(scratch.output.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html, page
