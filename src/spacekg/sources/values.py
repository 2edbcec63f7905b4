"""Literal values written in the sources: dates at the precision given, integers, text."""

from __future__ import annotations

import datetime as dt
import re

from rdflib import Literal
from rdflib.namespace import XSD

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class ValueProblem(ValueError):
    """A literal that cannot be read; the message says why, the hint how to write it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def parse_date(value) -> Literal:
    """``2013-03-11`` → xsd:date, ``2020-07`` → xsd:gYearMonth, ``2018`` → xsd:gYear."""
    text = str(value).strip()
    match = _DATE.match(text)
    hint = "write a date as YYYY-MM-DD, YYYY-MM or YYYY, at the precision the text gives"
    if not match or isinstance(value, bool):
        raise ValueProblem(f"malformed date '{value}'", hint)
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        raise ValueProblem(f"impossible date '{text}': there is no month {month}", hint)
    if day:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueProblem(f"impossible date '{text}': {year}-{month} has no day {day}", hint) from None
        return Literal(text, datatype=XSD.date)
    return Literal(text, datatype=XSD.gYearMonth if month else XSD.gYear)


def parse_positive_integer(value) -> Literal:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueProblem(f"'{value}' is not a positive whole number", "an ordinal is written as 1, 2, 3 …")
    return Literal(value, datatype=XSD.positiveInteger)


def parse_text(value) -> Literal:
    if not isinstance(value, str) or not value.strip():
        raise ValueProblem(f"'{value}' is not text", "write the value as a string")
    return Literal(value.strip(), datatype=XSD.string)
