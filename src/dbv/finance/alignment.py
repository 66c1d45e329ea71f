"""From January census counts to financial-year average caseload (domain spec 2.6).

Financial year t runs from April t to March t+1. Its average caseload is the weighted mean of the
January t and January t+1 censuses, with the weights of ``time_alignment.yaml`` (3/12 and 9/12:
the year's mid-point, 1 October t, lies about nine months after January t).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dbv.errors import UsageError
from dbv.finance.dated import FloatArray
from dbv.finance.families import time_weights
from dbv.finance.loader import family_path
from dbv.finance.years import fy_label


def financial_year_caseload(
    january_counts: ArrayLike, weights: tuple[float, float] | None = None
) -> FloatArray:
    """Financial-year average caseload from January counts.

    ``january_counts`` has the Januaries on its last axis, e.g. ``(n_sims, n_groups,
    n_januaries)`` for January y0, y0+1, ...; the result has one fewer entry on that axis, entry
    i being financial year y0+i (April y0+i to March y0+i+1). ``weights`` are (January t,
    January t+1); by default those of ``time_alignment.yaml``.
    """
    counts = np.asarray(january_counts, dtype=np.float64)
    if counts.ndim == 0 or counts.shape[-1] < 2:
        raise UsageError(
            "need at least two January censuses on the last axis",
            fix="financial year t averages January t and January t+1; give both",
        )
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise UsageError("January counts must be finite and not negative")
    w_start, w_end = time_weights(family_path("time_alignment")) if weights is None else weights
    if w_start < 0 or w_end < 0 or abs(w_start + w_end - 1.0) > 1e-9:
        raise UsageError(f"weights {weights} must be two non-negative numbers adding up to 1")
    out: FloatArray = w_start * counts[..., :-1] + w_end * counts[..., 1:]
    return out


def financial_years(first_january: int, n_januaries: int) -> list[str]:
    """Labels of the financial years :func:`financial_year_caseload` returns."""
    return [fy_label(first_january + i) for i in range(n_januaries - 1)]
