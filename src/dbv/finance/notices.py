"""Warnings the finance model gives when it falls back on a default (they never stop a run)."""

from __future__ import annotations

import warnings


class FinanceDefaultWarning(UserWarning):
    """A figure the council did not give was taken from a default or an assumption."""


class FinanceParameterWarning(UserWarning):
    """A finance parameter file has a key the loader does not know (probably a typo)."""


def note(message: str, notes: list[str], *, warn: bool = False) -> None:
    """Record ``message`` in ``notes`` and, if ``warn``, also warn."""
    notes.append(message)
    if warn:
        warnings.warn(message, FinanceDefaultWarning, stacklevel=3)
