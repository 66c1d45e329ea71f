"""Financial years: labels ("2024-25") and the integer year they start in (2024)."""

from __future__ import annotations

import datetime as dt
import re

from dbv.errors import UsageError

FY_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def fy_start(fy: str | int) -> int:
    """The calendar year a financial year starts in: ``"2024-25"`` (or ``2024``) gives 2024."""
    if isinstance(fy, int):
        return fy
    match = FY_PATTERN.match(fy.strip())
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise UsageError(
            f"'{fy}' is not a financial year", fix="write it as 2024-25 (April 2024 to March 2025)"
        )
    return int(match.group(1))


def fy_label(start: int) -> str:
    """``2024`` gives ``"2024-25"``."""
    return f"{start}-{(start + 1) % 100:02d}"


def fy_first_day(start: int) -> dt.date:
    """1 April of the financial year starting in ``start``."""
    return dt.date(start, 4, 1)


def is_fy_label(text: str | None) -> bool:
    if text is None:
        return False
    match = FY_PATTERN.match(text)
    return match is not None and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def fy_of_date(date: dt.date) -> int:
    """The financial year a date falls in (1 April to 31 March)."""
    return date.year if date.month >= 4 else date.year - 1
