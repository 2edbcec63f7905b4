"""`spacekg build`."""

from __future__ import annotations

from . import progress


def register(subparsers) -> None:
    parser = subparsers.add_parser("build", help="build output/ from ontology/ and sources/",
                                   description="Read ontology/ and sources/, check them, and write output/. "
                                               "A failed build leaves the previous output untouched.")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    parser.add_argument("--compress", action="store_true",
                        help="write the RDF exports gzip-compressed (spacekg.nq.gz …): for large graphs, "
                             "a twelfth of the disk space or less, for some more time")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..build import build

    say = progress(args.quiet)
    result = build(layout, say, compress=args.compress)
    print("\n".join(result.summary()))
    for path in result.files:  # output/NAME, the link readers use (not the build folder it points into)
        print(f"wrote {layout.relative(layout.output / path.name)}")
    return 0
