"""Errors that are the user's input, not textmine's bug.

The CLI prints an ``InputError`` as one line and exits with code 2; everything
that reads user files raises it with the file, row and column it is about.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: one clear line naming file, row and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        more: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.more = more  # further problems of the same run, counted not printed

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        line = ", ".join(where) + ": " + self.message if where else self.message
        if self.more:
            line += f" (and {self.more} more problem{'s' if self.more != 1 else ''})"
        # One line, always: multi-line cell values must not break the message.
        return " ".join(line.split())


def yaml_error(exc: Exception, file: str | Path) -> InputError:
    """A PyYAML parse error as one line naming the file and line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if getattr(exc, "limit", False):  # safeyaml.YamlLimitError: valid YAML, but refused
        return InputError(f"YAML refused: {problem}", file=file, row=mark.line + 1 if mark else None)
    return InputError(f"not valid YAML: {problem}", file=file, row=mark.line + 1 if mark else None)
