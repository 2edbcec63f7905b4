"""YAML with line numbers: every mapping and list remembers where its items were written.

Parsing is PyYAML's, with its libyaml-based parser where available. The documents are built
straight from the parser's events, so that no node tree is made and walked again: on registries
of many megabytes that tree is most of the time spent (and Python's garbage collector, scanning
it, makes the cost grow faster than the file). Plain scalars are resolved and constructed by
PyYAML's own resolver and constructor. Timestamps stay strings, so that dates are validated in
one place (sources.values) with a clear message.
"""

from __future__ import annotations

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from ..errors import Problems

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is part of the PyYAML wheels
    from yaml import SafeLoader as _Loader

_KEPT_AS_TEXT = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}


class LocatedDict(dict):
    """A mapping with ``line`` (where it starts) and ``lines[key]`` (where each key is)."""

    line: int = 0
    lines: dict


class LocatedList(list):
    """A list with ``line`` (where it starts) and ``lines[i]`` (where each item is)."""

    line: int = 0
    lines: list


class _Invalid(Exception):
    """A problem that ends the reading of the file: (line, message, hint)."""


def load_yaml(text: str, file: str, problems: Problems):
    """Parse one YAML document; syntax errors and duplicate keys go to ``problems``.

    Returns the located document, or None when it could not be read.
    """
    loader = _Loader(text)
    try:
        loader.get_event()  # the start of the stream
        if loader.check_event(StreamEndEvent):
            problems.add(file, 1, "the file is empty", hint="see docs/annotating.md for the format")
            return None
        loader.get_event()  # the start of the document
        document = _Builder(loader, file, problems).value(loader.get_event())
        if not isinstance(loader.get_event(), DocumentEndEvent) or not loader.check_event(StreamEndEvent):
            start = loader.peek_event().start_mark
            raise _Invalid(start.line + 1, "a second document in the file (after '---')",
                           "keep one document per file")
        return document
    except yaml.MarkedYAMLError as error:
        _report_marked(error, file, problems)
        return None
    except yaml.YAMLError as error:
        problems.add(file, 0, f"malformed YAML: {error}")
        return None
    except _Invalid as invalid:
        line, message, hint = invalid.args
        problems.add(file, line, f"malformed YAML: {message}", hint=hint)
        return None
    finally:
        loader.dispose()


def load_items(text: str, file: str, problems: Problems, not_a_list: str):
    """The items of a document that is one top-level list, one at a time, as (item, line).

    Memory holds one item at a time, however long the file. A document that is not a list is
    the problem ``not_a_list``. Syntax errors and duplicate keys go to ``problems``, as
    :func:`load_yaml` reports them; the items before an error are still given.
    """
    loader = _Loader(text)
    try:
        loader.get_event()  # the start of the stream
        if loader.check_event(StreamEndEvent):
            problems.add(file, 1, "the file is empty", hint="see docs/annotating.md for the format")
            return
        loader.get_event()  # the start of the document
        builder = _Builder(loader, file, problems)
        start = loader.get_event()
        if type(start) is not SequenceStartEvent:
            builder.value(start)  # read to the end, so that a syntax error is the problem reported
            problems.add(file, start.start_mark.line + 1, not_a_list, hint="see docs/annotating.md for the format")
            return
        while type(item := loader.get_event()) is not SequenceEndEvent:
            yield builder.value(item), item.start_mark.line + 1
        if not isinstance(loader.get_event(), DocumentEndEvent) or not loader.check_event(StreamEndEvent):
            start = loader.peek_event().start_mark
            raise _Invalid(start.line + 1, "a second document in the file (after '---')",
                           "keep one document per file")
    except yaml.MarkedYAMLError as error:
        _report_marked(error, file, problems)
    except yaml.YAMLError as error:
        problems.add(file, 0, f"malformed YAML: {error}")
    except _Invalid as invalid:
        line, message, hint = invalid.args
        problems.add(file, line, f"malformed YAML: {message}", hint=hint)
    finally:
        loader.dispose()


def _report_marked(error: yaml.MarkedYAMLError, file: str, problems: Problems) -> None:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 0
    message = f"malformed YAML: {error.problem or error.context}"
    if error.problem and error.context and error.context_mark:
        message += f" ({error.context} that starts on line {error.context_mark.line + 1})"
    problems.add(file, line, message,
                 hint="check the indentation and quote values that contain ': ' or start with a special character")


class _Builder:
    """Values made from the parser's events, one node at a time, as PyYAML's composer and safe
    constructor would make them (but timestamps, kept as text), with their lines."""

    def __init__(self, loader, file: str, problems: Problems):
        self.loader = loader
        self.file = file
        self.problems = problems
        self.anchors: dict[str, object] = {}

    def value(self, event):
        kind = type(event)
        if kind is ScalarEvent:
            result = self._scalar(event)
        elif kind is MappingStartEvent:
            result = self._mapping(event)
        elif kind is SequenceStartEvent:
            result = self._sequence(event)
        elif kind is AliasEvent:
            if event.anchor not in self.anchors:
                raise _Invalid(event.start_mark.line + 1, f"'*{event.anchor}' refers to no anchor",
                               f"define '&{event.anchor}' before it is used")
            return self.anchors[event.anchor]
        else:  # pragma: no cover - the parser gives nothing else where a value stands
            raise _Invalid(event.start_mark.line + 1, f"unexpected {kind.__name__}", None)
        if event.anchor is not None:
            self.anchors[event.anchor] = result
        return result

    def _scalar(self, event):
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag in _KEPT_AS_TEXT:
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, event) -> LocatedDict:
        result = LocatedDict()
        result.line, result.lines = event.start_mark.line + 1, {}
        next_event = self.loader.get_event
        while type(key_event := next_event()) is not MappingEndEvent:
            key_line = key_event.start_mark.line + 1
            key = self.value(key_event)
            value = self.value(next_event())
            if not isinstance(key, (str, int, float, bool)) or key is None:
                self.problems.add(self.file, key_line, "a key must be a plain word")
                continue
            key = str(key)
            if key in result:
                self.problems.add(self.file, key_line, f"duplicate key '{key}'",
                                  hint=f"it was first given on line {result.lines[key]}")
                continue
            result[key] = value
            result.lines[key] = key_line
        return result

    def _sequence(self, event) -> LocatedList:
        result = LocatedList()
        result.line, result.lines = event.start_mark.line + 1, []
        next_event = self.loader.get_event
        while type(item := next_event()) is not SequenceEndEvent:
            result.lines.append(item.start_mark.line + 1)
            result.append(self.value(item))
        return result
