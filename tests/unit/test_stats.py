"""Proportions with n and an interval (dbv.stats)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbv.errors import UsageError
from dbv.stats import beta_cdf, beta_posterior, beta_ppf, wilson


def test_wilson_known_value() -> None:
    # Newcombe (1998) table I: 15 of 148 -> 0.0624 to 0.1605 (95%)
    e = wilson(15, 148)
    assert e.low == pytest.approx(0.0624, abs=5e-4) and e.high == pytest.approx(0.1605, abs=5e-4)
    assert e.text() == "10% (95% CI 6% to 16%; 15 of 148)"


def test_zero_n_says_so() -> None:
    assert wilson(0, 0).text() == "no cases (n = 0)"
    assert wilson(0, 0).p is None


def test_rejects_impossible_counts() -> None:
    with pytest.raises(UsageError):
        wilson(5, 3)
    with pytest.raises(UsageError):
        beta_posterior(1, 2, level=1.5)


def test_beta_matches_sampling() -> None:
    draws = np.random.default_rng(7).beta(11.5, 27.5, 200_000)
    e = beta_posterior(11, 38)
    lo, hi = np.quantile(draws, [0.025, 0.975])
    assert e.low == pytest.approx(lo, abs=3e-3) and e.high == pytest.approx(hi, abs=3e-3)


@given(st.floats(0.5, 500), st.floats(0.5, 500), st.floats(0.001, 0.999))  # posteriors: a, b >= 1/2
def test_beta_ppf_inverts_cdf(a: float, b: float, q: float) -> None:
    assert beta_cdf(beta_ppf(q, a, b), a, b) == pytest.approx(q, abs=1e-6)


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_intervals_contain_the_estimate_and_narrow_with_level(kn: tuple[int, int]) -> None:
    k, n = kn
    for method in (wilson, beta_posterior):
        e95, e80 = method(k, n), method(k, n, level=0.8)
        if n == 0:
            assert e95.low is None
            continue
        assert e95.low is not None and e95.high is not None and e95.p is not None
        assert e80.low is not None and e80.high is not None
        assert 0 <= e95.low <= e80.low + 1e-9 and e80.high <= e95.high + 1e-9 <= 1 + 1e-9
        if method is wilson:
            assert e95.low <= e95.p <= e95.high
