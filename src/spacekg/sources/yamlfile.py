"""YAML with line numbers: every mapping and list remembers where its items were written.

Parsing is PyYAML's (its libyaml-based loader where available); this module only walks the
composed node tree so that a later check can say ``file:line``. Timestamps stay strings, so that
dates are validated in one place (sources.values) with a clear message.
"""

from __future__ import annotations

import yaml

from ..errors import Problems

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is part of the PyYAML wheels
    from yaml import SafeLoader as _Loader

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STRING = "tag:yaml.org,2002:str"


class LocatedDict(dict):
    """A mapping with ``line`` (where it starts) and ``lines[key]`` (where each key is)."""

    line: int = 0
    lines: dict


class LocatedList(list):
    """A list with ``line`` (where it starts) and ``lines[i]`` (where each item is)."""

    line: int = 0
    lines: list


def load_yaml(text: str, file: str, problems: Problems):
    """Parse one YAML document; syntax errors and duplicate keys go to ``problems``.

    Returns the located document, or None when it could not be read.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.add(file, 1, "the file is empty", hint="see docs/annotating.md for the format")
            return None
        return _convert(node, loader, file, problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        message = f"malformed YAML: {error.problem or error.context}"
        if error.problem and error.context and error.context_mark:
            message += f" ({error.context} that starts on line {error.context_mark.line + 1})"
        problems.add(file, line, message,
                     hint="check the indentation and quote values that contain ': ' or start with a special character")
        return None
    except yaml.YAMLError as error:
        problems.add(file, 0, f"malformed YAML: {error}")
        return None
    finally:
        loader.dispose()


def _convert(node, loader, file: str, problems: Problems):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.line, result.lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, file, problems)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                problems.add(file, key_node.start_mark.line + 1, "a key must be a plain word")
                continue
            key = str(key)
            if key in result:
                problems.add(file, key_node.start_mark.line + 1, f"duplicate key '{key}'",
                             hint=f"it was first given on line {result.lines[key]}")
                continue
            result[key] = _convert(value_node, loader, file, problems)
            result.lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_convert(item, loader, file, problems) for item in node.value)
        result.line = line
        result.lines = [item.start_mark.line + 1 for item in node.value]
        return result
    if node.tag == _STRING or node.tag == _TIMESTAMP:  # the common case, without the constructor's overhead
        return node.value
    return loader.construct_object(node, deep=True)
