"""Typed errors that carry their location.

Library code raises these; only the CLI and web boundaries translate them into
messages for people. Every error names what went wrong, where (file, row,
column where known) and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class DbvError(Exception):
    """Base class for every error dbv raises on purpose."""

    message: str
    file: Path | str | None = None
    row: int | None = None
    column: str | None = None
    fix: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"file {self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        where = self.where()
        if where:
            text = f"{text} ({where})"
        if self.fix:
            text = f"{text}. Fix: {self.fix}"
        return text

    def as_dict(self) -> dict[str, str | int | None]:
        """The one error shape used by JSON output and the web layer."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "file": None if self.file is None else str(self.file),
            "row": self.row,
            "column": self.column,
            "fix": self.fix,
        }


class DataFileError(DbvError):
    """A data file could not be read or does not have the expected shape."""


class DataDirError(DbvError):
    """The data directory is missing, empty or lacks a needed dataset."""


class UnknownLAError(DbvError):
    """A local authority name or code was not recognised."""


class ParameterError(DbvError):
    """A YAML parameter file is malformed."""


class DownloadError(DbvError):
    """An official file could not be downloaded."""


class UsageError(DbvError):
    """A command or function was called with arguments that cannot work."""
