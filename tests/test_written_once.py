"""WrittenOnce keeps each line once however its digests are split into runs: on the lines of the
corpus's N-Quads, in pieces, each line given twice, with runs far smaller than a build's."""

from __future__ import annotations

import random

from spacekg.exports.rdf import WrittenOnce


class Small(WrittenOnce):
    RECENT = 7
    RUN = 60


def test_each_line_is_new_once_whatever_the_runs(built, layout):
    lines = (layout.output / "spacekg.nq").read_bytes().splitlines(keepends=True)
    assert len(lines) > 1000
    given = lines + lines
    random.Random(16).shuffle(given)
    once, seen, fresh = Small(), set(), []
    for start in range(0, len(given), 13):
        piece = given[start:start + 13]
        expected = [line for line in dict.fromkeys(piece) if line not in seen]
        seen.update(piece)
        new = once.new(piece)
        assert new == expected
        fresh += new
    assert sorted(fresh) == sorted(set(lines))
    assert len(once._runs) > 3 and all(run.size <= Small.RUN for run in once._runs)
    assert all(len(set(run.tolist())) == run.size for run in once._runs)
