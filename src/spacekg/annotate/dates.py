"""Dates and date ranges in a text, at the precision the text gives them.

Candidates are found with spaCy token patterns (a month name with a day and/or a year, a day
range such as "26-27" or "2 to 7", a bare year after "in", the Japanese 2023年3月24日); each
candidate is read by dateparser. A day without a year takes the year of the text (and is
flagged); "next year" is read relative to a date the caller gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import dateparser
from spacy.matcher import Matcher
from spacy.tokens import Doc

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_DAY = {"TEXT": {"REGEX": r"^\d{1,2}$"}}
_DAY_RANGE = {"TEXT": {"REGEX": r"^\d{1,2}[-–]\d{1,2}$"}}
_YEAR = {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}
_MONTH = {"LOWER": {"IN": _MONTHS}}
_COMMA = {"TEXT": ",", "OP": "?"}
_DASH = {"TEXT": {"IN": ["-", "–", "to", "through"]}}
_JAPANESE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")

PATTERNS = {
    "MONTH_DAY_YEAR": [[_MONTH, _DAY, _COMMA, _YEAR], [_MONTH, _DAY_RANGE, _COMMA, _YEAR],
                       [_MONTH, _DAY, _DASH, _DAY, _COMMA, _YEAR]],
    "DAY_MONTH_YEAR": [[_DAY, _MONTH, _COMMA, _YEAR], [_DAY_RANGE, _MONTH, _COMMA, _YEAR],
                       [_DAY, _DASH, _DAY, _MONTH, _COMMA, _YEAR]],
    "MONTH_DAY": [[_MONTH, _DAY], [_MONTH, _DAY_RANGE], [_MONTH, _DAY, _DASH, _DAY]],
    "MONTH_YEAR": [[_MONTH, _COMMA, _YEAR]],
    "YEAR": [[{"LOWER": {"IN": ["in", "of", "since", "until", "by"]}}, _YEAR]],
    "NEXT_YEAR": [[{"LOWER": {"IN": ["next", "following"]}}, {"LOWER": "year"}]],
    "JAPANESE": [[{"TEXT": {"REGEX": _JAPANESE.pattern}}]],
}


@dataclass(frozen=True)
class DateMention:
    """A date or date range found in the text; ``start_date``/``end_date`` as written in the
    sources (YYYY-MM-DD, YYYY-MM or YYYY)."""

    start: int
    end: int
    text: str
    start_date: str
    end_date: str | None
    year_assumed: bool = False  # the text gave no year; it was taken from elsewhere
    relative: bool = False  # read relative to another date ("next year")


class Dates:
    def __init__(self, nlp):
        self.matcher = Matcher(nlp.vocab)
        for name, patterns in PATTERNS.items():
            self.matcher.add(name, patterns)

    def find(self, doc: Doc, default_year: int | None = None, base: date | None = None) -> list[DateMention]:
        """Every date in ``doc``; the longest reading where candidates overlap."""
        spans = sorted(((start, end, doc.vocab.strings[key]) for key, start, end in self.matcher(doc)),
                       key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: set[int] = set()
        found = []
        for start, end, kind in spans:
            if taken & set(range(start, end)):
                continue
            mention = self._read(doc[start:end], kind, default_year, base)
            if mention is not None:
                taken.update(range(start, end))
                found.append(mention)
        return sorted(found, key=lambda m: m.start)

    def _read(self, span, kind: str, default_year, base) -> DateMention | None:
        words = [t.text for t in span if t.text not in (",",)]
        if kind == "JAPANESE":
            return _japanese(span)
        if kind == "YEAR":
            span = span[1:]
            return DateMention(span.start_char, span.end_char, span.text, span.text, None)
        if kind == "NEXT_YEAR":
            if base is None:
                return None
            parsed = dateparser.parse(span.text, settings={"RELATIVE_BASE": _datetime(base)})
            return parsed and DateMention(span.start_char, span.end_char, span.text, str(parsed.year), None,
                                          relative=True)
        if kind == "MONTH_YEAR":
            parsed = _parse(" ".join(words))
            return parsed and DateMention(span.start_char, span.end_char, span.text, parsed.strftime("%Y-%m"), None)
        day_words = [w for w in words if re.match(r"^\d{1,2}([-–]\d{1,2})?$", w)]
        days = re.split(r"[-–]", "-".join(day_words))
        month = next(w for w in words if w.lower() in _MONTHS)
        year = next((w for w in words if re.match(r"^(19|20)\d\d$", w)), None)
        assumed = year is None
        if assumed:
            if default_year is None:
                return None
            year = str(default_year)
        first = _parse(f"{month} {days[0]}, {year}")
        last = _parse(f"{month} {days[-1]}, {year}") if len(days) > 1 else None
        if first is None:
            return None
        return DateMention(span.start_char, span.end_char, span.text, first.isoformat(),
                           last.isoformat() if last else None, year_assumed=assumed)


def _parse(text: str) -> date | None:
    parsed = dateparser.parse(text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first",
                                                                 "STRICT_PARSING": False})
    return parsed.date() if parsed else None


def _datetime(day: date):
    from datetime import datetime
    return datetime(day.year, day.month, day.day)


def _japanese(span) -> DateMention | None:
    token = span[0]
    match = _JAPANESE.search(token.text)
    if not match:
        return None
    parsed = dateparser.parse(match.group(), languages=["ja"])
    if parsed is None:
        return None
    value = parsed.date().isoformat() if match.group(3) else parsed.strftime("%Y-%m")
    return DateMention(token.idx + match.start(), token.idx + match.end(), match.group(), value, None)
