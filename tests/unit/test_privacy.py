from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbv.errors import DbvError
from dbv.privacy import leaks, load_salt, pseudonymise, suppress, threshold

SALT = b"0123456789abcdef-test-salt"


def test_pseudonymise_is_stable_keyed_and_not_the_id() -> None:
    ids = pl.Series("upn", ["A123456789012", "a123456789012 ", None, "B9"])
    one = pseudonymise(ids, SALT)
    assert one.to_list() == pseudonymise(ids, SALT).to_list()
    assert one[0] == one[1]  # case and spaces do not matter
    assert one[2] is None
    assert not any("A1234" in (v or "") for v in one.to_list())
    assert one.to_list() != pseudonymise(ids, b"another-salt-of-16+chars").to_list()


def test_salt_must_be_long_and_outside_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBV_PSEUDONYM_SALT", raising=False)
    with pytest.raises(DbvError, match="salt"):
        load_salt()
    short = tmp_path / "salt.txt"
    short.write_text("abc")
    with pytest.raises(DbvError, match="shorter"):
        load_salt(short)
    good = tmp_path / "good.txt"
    good.write_text("x" * 40 + "\n")
    assert load_salt(good) == b"x" * 40


def test_default_threshold_is_five() -> None:
    assert threshold() == 5


def test_rate_follows_its_count() -> None:
    df = pl.DataFrame({"n": [3, 50], "pct": [1.5, 25.0], "other": [100, 60]})
    out = suppress(df, ["n", "other"], rates={"pct": "n"})
    assert out["n"].to_list() == [None, 50]
    assert out["pct"].to_list() == [None, 25.0]
    assert out["suppressed"].to_list() == ["n,other", ""]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    )
)
def test_no_count_below_threshold_survives_and_none_is_recoverable(rows: list[list[int]]) -> None:
    df = pl.DataFrame(rows, schema=["a", "b", "c"], orient="row")
    out = suppress(df, ["a", "b", "c"])
    assert leaks(out, ["a", "b", "c"]).is_empty()
    for before, after in zip(df.iter_rows(), out.select("a", "b", "c").iter_rows(), strict=True):
        withheld = [i for i, v in enumerate(after) if v is None]
        small = [i for i, v in enumerate(before) if 0 < v < 5]
        assert set(small) <= set(withheld)
        others = [v for i, v in enumerate(before) if v > 0 and i not in small]
        if len(small) == 1 and others:
            assert len(withheld) >= 2  # the total cannot give the small cell back
        for v0, v1 in zip(before, after, strict=True):
            assert v1 is None or v1 == v0
