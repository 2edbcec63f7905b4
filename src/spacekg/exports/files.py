"""The export files as the build wrote them: plain, or gzip-compressed with ``spacekg build
--compress`` (NAME.gz, for graphs whose files would not fit the disk otherwise).

Compressed files are written at zlib's fastest level with no time in their header, so the same
sources still give byte-identical files; the exports compress twelve- to nineteenfold.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import BinaryIO

GZIP = ".gz"
LEVEL = 1  # zlib's fastest: the build writes gigabytes at large sizes


def exported(folder: Path, name: str) -> Path:
    """The export ``name`` in ``folder``: NAME, or NAME.gz if only that one is there."""
    path = folder / name
    compressed = folder / (name + GZIP)
    return compressed if not path.exists() and compressed.exists() else path


def is_compressed(path: Path) -> bool:
    return path.name.endswith(GZIP)


def reader(path: Path) -> BinaryIO:
    """``path`` opened for reading its bytes, decompressed if it is a .gz file."""
    return gzip.open(path, "rb") if is_compressed(path) else path.open("rb")


def writer(path: Path) -> BinaryIO:
    """``path`` opened for writing bytes, compressed if it is a .gz file."""
    if is_compressed(path):
        return gzip.GzipFile(path, "wb", compresslevel=LEVEL, mtime=0)
    return path.open("wb")


def named(name: str, compress: bool) -> str:
    """The file name of the export ``name`` in a build that compresses its exports or not."""
    return name + GZIP if compress else name
