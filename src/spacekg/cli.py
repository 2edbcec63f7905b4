"""The `spacekg` command: parses arguments, calls one function per command, turns errors into exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import SpacekgError
from .paths import Layout


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    layout = Layout(Path(args.root).resolve()) if args.root else Layout()
    try:
        return args.run(args, layout) or 0
    except SpacekgError as error:
        print(f"error: {error}" if not str(error).startswith(("sources", "ontology", "queries", "output"))
              else str(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spacekg", description="Knowledge graph of U.S.–Japan space cooperation.")
    parser.add_argument("--root", help="project folder holding ontology/, sources/, queries/, output/ (default: this project)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build output/ from ontology/ and sources/")
    build.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    build.set_defaults(run=_build)
    return parser


def _build(args, layout: Layout) -> int:
    from .build import build

    say = (lambda _: None) if args.quiet else (lambda line: print(f"• {line}", flush=True))
    result = build(layout, say)
    print("\n".join(result.summary()))
    for path in result.files:
        print(f"wrote {layout.relative(layout.output / path.name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
