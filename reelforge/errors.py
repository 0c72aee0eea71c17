"""Errors the user sees: one readable line each, `file:line:col: where: what`.

Only the CLI turns these into exit codes (2 for bad input, 1 for a failed render or check).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    where: str
    what: str
    rule: str = ""          # the lint rule that found it, if any

    def __str__(self) -> str:
        labels = "".join(f"{label}: " for label in (self.where, self.rule) if label)
        return f"{self.file}:{self.line}:{self.col}: {labels}{self.what}"


class ReelforgeError(click.ClickException):
    """Invalid input: every problem found, reported together (exit code 2)."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file=None) -> None:  # no "Error: " prefix: each line is already complete
        click.echo(self.format_message(), err=True)


class RenderError(ReelforgeError):
    """Valid input, but the work failed (exit code 1)."""

    exit_code = 1


def display(path: Path | str) -> str:
    """A path as the user should read it: relative to the working directory when below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def did_you_mean(word: str, known) -> str:
    known = sorted(str(k) for k in known)
    close = difflib.get_close_matches(str(word), known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known: " + ", ".join(known) if known else "none is defined"
