"""Finding a curated quote in a verbatim text that carries PDF-extraction artifacts.

Both sides are normalized the same way before matching: runs of whitespace become one space,
typographic quotes and apostrophes become ASCII ones, and a hyphen at a line break is joined to
the next word ("JP-" then "US OP3" lines later reads "JP-US OP3"). The text itself is never
edited: a match is mapped back to character offsets in the verbatim text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_SUBSTITUTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
# A run of whitespace other than one plain space (one space is already normal): line breaks,
# tabs, several spaces. Matching only these keeps the work per text small.
_BREAK = re.compile(r" \s+|[^\S ]\s*")
CONTEXT = 32  # characters of prefix and suffix kept with each quote


@dataclass(frozen=True)
class Match:
    """Where a quote was found: offsets into the verbatim text and the text around it."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class NormalizedText:
    """A verbatim text with its normalized form, and anchors that map positions back.

    Anchor i says that normalized position ``_normal[i]`` is verbatim position ``_verbatim[i]``,
    and that the characters after it, up to the next anchor, were copied one for one.
    """

    def __init__(self, text: str):
        self.text = text
        pieces: list[str] = []
        normal, verbatim = [0], [0]
        position = length = 0
        translated = text.translate(_SUBSTITUTES)
        for gap in _BREAK.finditer(translated):
            start, end = gap.span()
            pieces.append(translated[position:start])
            length += start - position
            if not _joins(gap, translated):
                pieces.append(" ")
                normal.append(length)
                verbatim.append(start)
                length += 1
            normal.append(length)
            verbatim.append(end)
            position = end
        pieces.append(translated[position:])
        self.normalized = "".join(pieces)
        self._normal, self._verbatim = normal, verbatim

    def _offset(self, at: int) -> int:
        """The verbatim position of normalized position ``at``."""
        i = bisect_right(self._normal, at) - 1
        return self._verbatim[i] + at - self._normal[i]

    def find(self, quote: str) -> list[Match]:
        """Every place where ``quote`` occurs, as offsets into the verbatim text."""
        needle = normalize(quote)
        if not needle:
            return []
        matches = []
        at = self.normalized.find(needle)
        while at != -1:
            start = self._offset(at)
            end = self._offset(at + len(needle) - 1) + 1
            matches.append(Match(start, end, self.text[start:end],
                                 self.text[max(0, start - CONTEXT):start], self.text[end:end + CONTEXT]))
            at = self.normalized.find(needle, at + 1)
        return matches

    def closest(self, quote: str) -> str:
        """A hint for a quote that is not found: how far it matches and what the text says there."""
        needle = normalize(quote)
        low, high = 0, len(needle)
        while low < high:  # the longest prefix of the quote that occurs in the text
            middle = (low + high + 1) // 2
            if needle[:middle] in self.normalized:
                low = middle
            else:
                high = middle - 1
        if low < 8:
            return "no part of its beginning occurs in the text; check that it is copied from this document"
        at = self.normalized.find(needle[:low])
        text_says = self.normalized[at + low:at + low + 30]
        return (f"the text matches up to '…{needle[max(0, low - 30):low]}', then reads "
                f"'{text_says}…' where the quote has '{needle[low:low + 30]}…'")


def normalize(text: str) -> str:
    """The matching form of a quote: see the module docstring."""
    translated = text.translate(_SUBSTITUTES)
    return _BREAK.sub(lambda gap: "" if _joins(gap, translated) else " ", translated).strip(" ")


def _joins(gap: re.Match, text: str) -> bool:
    return "\n" in gap.group() and gap.start() > 0 and text[gap.start() - 1] == "-"
