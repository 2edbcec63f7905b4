"""`spacekg draft FILE.txt`: a proposed annotation file for a new text, on stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import SpacekgError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "draft", help="propose an annotation file for a new text (printed; you correct it)",
        description="Read a plain-text source and print a draft annotation file for it: the meeting, its "
                    "date, place and ordinal, co-chairs, participants, topics and instruments, each "
                    "statement with a verbatim quote. Names come from the registry, cue words from the "
                    "curated annotations. Names missing from the registry are listed at the top as "
                    "`# unknown:` comments with a proposed entry; doubts are `# check:` comments.")
    parser.add_argument("text", metavar="FILE.txt", help="the text, best already in sources/texts/")
    parser.add_argument("-o", "--output", metavar="FILE.yaml", help="write the draft here instead of stdout")
    parser.set_defaults(run=run)


def run(args, layout) -> int:
    from ..annotate.project import drafter_for
    from ..annotate.writer import write

    path = Path(args.text)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpacekgError(f"{args.text}: no such file",
                           hint="copy the document's verbatim text to sources/texts/NAME.txt first") from None
    except UnicodeDecodeError as error:
        raise SpacekgError(f"{args.text}: not UTF-8 text (byte {error.start})",
                           hint="convert the text to UTF-8 without changing its words") from None
    if path.resolve().parent != layout.texts.resolve():
        print(f"note: {args.text} is not in {layout.relative(layout.texts)}/; copy it there before `spacekg build`",
              file=sys.stderr)
    drafter, notes = drafter_for(layout)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    draft = drafter.draft(text, path.name, shown=layout.relative(path))
    out = write(draft)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
        print(f"wrote {args.output}: {len(draft.statements)} statements, {len(draft.unknowns)} unknown names",
              file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0
