"""16-byte BLAKE2 digests standing for strings, kept sorted in NumPy arrays: a set of millions of
strings at 16 bytes each, where Python's own objects would take a hundred or more. Two strings
share a digest with a chance of about 10⁻²⁶ among millions."""

from __future__ import annotations

from hashlib import blake2b

import numpy as np

DTYPE = "S16"  # all digests have 16 bytes, so NumPy's dropping of trailing zero bytes changes no comparison


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


def as_array(digests: list[bytes]) -> np.ndarray:
    return np.array(digests, dtype=DTYPE)


def find(sorted_digests: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``keys`` (an array of digests), its position in ``sorted_digests`` and whether
    it is there."""
    if not sorted_digests.size:
        return np.zeros(keys.size, dtype=np.intp), np.zeros(keys.size, dtype=bool)
    at = np.searchsorted(sorted_digests, keys).clip(max=sorted_digests.size - 1)
    return at, sorted_digests[at] == keys


def find_one(sorted_digests: np.ndarray, key: bytes) -> int | None:
    """The position of the digest ``key`` in ``sorted_digests``, or None (one key at a time,
    without making arrays: a registry lookup). An element read back has lost its trailing zero
    bytes, so it is compared with the key without them."""
    at = int(sorted_digests.searchsorted(key))
    return at if at < sorted_digests.size and sorted_digests[at] == key.rstrip(b"\0") else None
