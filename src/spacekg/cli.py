"""The `spacekg` command: parses arguments, runs one command, turns the project's errors into exit codes.

Exit codes: 0 success, 1 the input or the graph has problems (listed), 2 the command could not run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from .commands import NAMES
from .errors import SourceError, SpacekgError
from .parallel import map_large_blocks
from .paths import Layout, private_temporary_folder, project_at


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args, _project(args)) or 0
    except SpacekgError as error:
        print(error if isinstance(error, SourceError) else f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as error:  # the machine's, not the sources': a full disk, a folder it may not write
        where = f": {error.filename}" if error.filename else ""
        print(f"error: {error.strerror or error}{where}\n"
              "hint: make room or fix the folder's permissions, then run the command again", file=sys.stderr)
        return 2


def command() -> int:
    """The `spacekg` program: :func:`main`, its temporary files (and its children's) in a folder
    of its own, so that a killed command leaves nothing behind that the next one does not remove;
    large blocks of memory given back as soon as they are freed (see parallel.map_large_blocks)."""
    map_large_blocks()
    try:
        private_temporary_folder()
    except OSError as error:  # no temporary folder of its own: the files go to the usual one
        print(f"warning: {error}", file=sys.stderr)
    return main()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="spacekg", description="Knowledge graph of U.S.–Japan space cooperation.")
    top.add_argument("--root", help="project folder holding ontology/, sources/, queries/ and output/ "
                                    "(default: the current folder or the nearest parent holding "
                                    "ontology/ and sources/)")
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in NAMES:
        importlib.import_module(f"{__package__}.commands.{name}").register(subparsers)
    return top


def _project(args) -> Layout | None:
    """The project a command works on: --root, else found from the current folder; commands that
    make a project (``needs_project=False``) get None."""
    if not getattr(args, "needs_project", True):
        return None
    return project_at(Path(args.root)) if args.root else Layout()


if __name__ == "__main__":
    sys.exit(command())
