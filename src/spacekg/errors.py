"""The project's error types: every problem a user can cause is one of these."""

from __future__ import annotations

from dataclasses import dataclass


class SpacekgError(Exception):
    """Base class; the CLI turns it into a message and an exit code, never a traceback."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class Problem:
    """One problem in one input file, reported as ``file:line: message``."""

    file: str
    line: int
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


class SourceError(SpacekgError):
    """The sources (registry, annotations, texts) have one or more problems; all are listed."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
        count = len(self.problems)
        summary = f"{count} problem{'s' if count != 1 else ''} in the sources"
        super().__init__("\n".join(str(p) for p in self.problems) + f"\n{summary}")

    def __str__(self) -> str:
        return self.message


class NotBuiltError(SpacekgError):
    """An output that a command needs has not been built yet."""

    def __init__(self, what: str):
        super().__init__(f"{what} does not exist", hint="run `spacekg build` first")


class Problems:
    """Collects problems so that a run reports every one of them at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.items.append(Problem(str(file), line, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise SourceError(self.items)
