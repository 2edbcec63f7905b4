"""The spool of a build: entries read back by number are the entries added, in their order."""

from __future__ import annotations

import pickle

from spacekg.spool import NumberedSpool, Spool, read


def test_numbered_entries_come_back_by_number(tmp_path):
    """Each entry (one record or several, pickled back to back) is read back whole by its number,
    in any order, also when the spool file held records before."""
    path = tmp_path / "documents"
    earlier = Spool(path)
    earlier.add("written before")
    earlier.close()
    spool = NumberedSpool(path)
    entries = [["one"], ["two", {"a": 2}], [], [b"x" * 100_000]]
    for records in entries:
        spool.add_pickled(b"".join(pickle.dumps(record) for record in records))
    spool.close()
    assert len(spool) == len(entries)
    for number in reversed(range(len(entries))):
        assert list(read(spool.span(number))) == entries[number]
    assert list(read((str(path), 0, spool.span(0)[1]))) == ["written before"]
