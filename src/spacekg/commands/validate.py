"""`spacekg validate`."""

from __future__ import annotations

import sys
from pathlib import Path

from . import progress


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate", help="check sources and graph: SHACL shapes, OWL consistency, violation queries",
        description="Read ontology/ and sources/ and build the graph in memory, without writing output/; "
                    "then check it against ontology/shapes.ttl (SHACL), reason over it with HermiT (OWL) "
                    "and run queries/*-violation.rq. Exit codes: 0 valid, 1 problems in the input "
                    "(each listed as file:line: message), 2 could not run.")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="check only these annotation files, quickly, against the registry, the ontology "
                             "and their texts (and the rest of the corpus for planned and held meetings); "
                             "nothing is built")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the verdict")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    if args.files:
        return _files(args, layout)
    from ..build import check_in_scratch
    from ..checks.stages import validate_all

    say = progress(args.quiet)
    _, report = check_in_scratch(layout, say, lambda result: validate_all(result, layout, say))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if not args.quiet:
        for check, count in report.counts.items():
            print(f"  {check:<20}{'ok' if count == 0 else f'{count} problem' + ('s' if count != 1 else '')}")
    if report.problems:
        count = len(report.problems)
        print(f"invalid: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    print("valid")
    return 0


def _files(args, layout) -> int:
    from ..annotate.checking import check_files
    from ..errors import SpacekgError

    paths = [Path(name) for name in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SpacekgError(f"no such file: {', '.join(missing)}")
    problems = check_files(layout, paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        count = len(problems)
        print(f"invalid: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    print(f"valid: {', '.join(args.files)}")
    return 0
