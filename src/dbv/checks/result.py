"""The uniform result row every check returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["blocking", "error", "warning"]
Stage = Literal["precheck", "check"]

SEVERITIES: tuple[Severity, ...] = ("blocking", "error", "warning")
STAGES: tuple[Stage, ...] = ("precheck", "check")


def as_severity(text: str) -> Severity:
    """``text`` as a :data:`Severity` (a ``ValueError`` names it if it is not one)."""
    for severity in SEVERITIES:
        if text == severity:
            return severity
    raise ValueError(f"unknown severity {text!r}; use one of {SEVERITIES}")


@dataclass(frozen=True)
class CheckResult:
    """One finding: what is wrong, where (file, sheet, spreadsheet row, column) and the fix.

    ``row`` counts the header as row 1. ``count`` is how many findings the row stands for: 1,
    or the number left out when a check hits its cap (then ``row`` is None).
    """

    code: str
    stage: Stage
    severity: Severity
    table: str | None
    file: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    action: str
    sheet: str | None = None
    count: int = 1

    def where(self) -> str:
        """Where the finding is, for people: ``person.csv row 4, column 'birth_date'``."""
        parts: list[str] = []
        if self.file is not None:
            name = self.file.replace("\\", "/").rsplit("/", 1)[-1]
            parts.append(name + (f" [{self.sheet}]" if self.sheet else ""))
        elif self.table is not None:
            parts.append(self.table)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, str | int | None]:
        return asdict(self)
