"""Sorted digest arrays find what they hold and nothing else, digests that end in zero bytes
(which NumPy drops when it reads an element back) included: on the lines of the corpus's N-Quads."""

from __future__ import annotations

import numpy as np

from spacekg.digests import as_array, digest, find, find_one


def test_every_digest_is_found_and_no_other(built, layout):
    lines = set((layout.output / "spacekg.nq").read_bytes().splitlines())
    held = sorted(digest(line) for line in lines)
    absent = [digest(line + b" absent") for line in lines]
    assert any(key.endswith(b"\0") for key in held) and any(key.endswith(b"\0") for key in absent)
    array = np.sort(as_array(held))
    for position, key in enumerate(held):
        assert find_one(array, key) == position
    assert all(find_one(array, key) is None for key in absent)
    at, found = find(array, as_array(held + absent))
    assert found.tolist() == [True] * len(held) + [False] * len(absent)
    assert at[:len(held)].tolist() == list(range(len(held)))
    assert find_one(as_array([]), held[0]) is None and not find(as_array([]), as_array(held))[1].any()
