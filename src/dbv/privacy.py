"""Privacy helpers: pseudonymous IDs and small-number suppression.

Every aggregate of person-level data that dbv publishes passes through :func:`suppress`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import polars as pl

from dbv import params
from dbv.errors import DbvError

SUPPRESSED = "c"  # the DfE symbol for a confidential (suppressed) cell
MIN_SALT = 16


def load_salt(salt_file: Path | None = None) -> bytes:
    """The local secret salt: from ``salt_file`` or ``$DBV_PSEUDONYM_SALT``. It must live outside
    the data (anyone with the salt and a UPN can re-identify a child)."""
    if salt_file is not None:
        try:
            salt = salt_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise DbvError(f"cannot read the salt file: {exc}", file=salt_file) from None
    else:
        salt = os.environ.get("DBV_PSEUDONYM_SALT", "")
    if len(salt) < MIN_SALT:
        raise DbvError(
            f"the pseudonymisation salt is missing or shorter than {MIN_SALT} characters",
            file=salt_file,
            fix="put a long random secret in a file kept apart from the data (e.g. "
            "'python -c \"import secrets; print(secrets.token_hex(32))\" > salt.txt') and pass "
            "--salt-file, or set DBV_PSEUDONYM_SALT",
        )
    return salt.encode("utf-8")


def pseudonymise(values: pl.Series, salt: bytes, prefix: str = "P") -> pl.Series:
    """Keyed hash (HMAC-SHA256) of each identifier: stable for one salt, not reversible without
    it. Blank identifiers stay blank."""
    if len(salt) < MIN_SALT:
        raise DbvError("the pseudonymisation salt is too short", fix=f"use {MIN_SALT}+ characters")

    def one(v: str | None) -> str | None:
        if v is None or not str(v).strip():
            return None
        digest = hmac.new(salt, str(v).strip().upper().encode(), hashlib.sha256).hexdigest()
        return prefix + digest[:16]

    return values.cast(pl.String).map_elements(one, return_dtype=pl.String).alias(values.name)


def threshold() -> int:
    values = params.load("suppression")["values"]
    return int(values[max(values)]["threshold"])


def suppress(
    df: pl.DataFrame,
    counts: list[str],
    *,
    rates: dict[str, str] | None = None,
    group_total: bool = True,
    total: str | None = None,
    at: int | None = None,
) -> pl.DataFrame:
    """Withhold small counts in ``counts`` columns (1 to threshold-1 become null).

    ``rates`` maps a rate or percentage column to the count column it is computed from; the
    rate is withheld wherever that count is. With ``group_total`` (the counts of a row add up
    to a published total), a row with exactly one withheld cell also loses its next-smallest
    cell, so the withheld value cannot be recovered by subtraction; if no second cell can be
    withheld (the small cell is the only one), the ``total`` column is withheld instead. A
    ``suppressed`` column lists what was withheld in each row.
    """
    t = threshold() if at is None else at
    small = {c: (pl.col(c) > 0) & (pl.col(c) < t) for c in counts}
    out = df.with_columns(pl.concat_list([small[c] for c in counts]).alias("_small"))
    if group_total and len(counts) > 1:
        n_small = pl.col("_small").list.sum()
        values = pl.concat_list(
            [pl.when(small[c]).then(None).otherwise(pl.col(c)).cast(pl.Float64) for c in counts]
        )
        # index of the smallest remaining positive cell, withheld too when only one is small
        masked = values.list.eval(pl.when(pl.element() > 0).then(pl.element()))
        second = pl.when(n_small == 1).then(masked.list.arg_min())
        out = out.with_columns(second.alias("_second"))
        out = out.with_columns(
            pl.concat_list(
                [small[c] | (pl.col("_second") == i).fill_null(False) for i, c in enumerate(counts)]
            ).alias("_small")
        )
    withheld = [pl.col("_small").list.get(i) for i in range(len(counts))]
    out = out.with_columns(
        [
            pl.when(w).then(None).otherwise(pl.col(c)).alias(c)
            for w, c in zip(withheld, counts, strict=True)
        ]
    )
    if total is not None:
        lone = pl.sum_horizontal([w.cast(pl.Int32) for w in withheld]) == 1
        out = out.with_columns(pl.when(lone).then(None).otherwise(pl.col(total)).alias(total))
    for rate, count in (rates or {}).items():
        i = counts.index(count)
        out = out.with_columns(pl.when(withheld[i]).then(None).otherwise(pl.col(rate)).alias(rate))
    names = pl.concat_list(
        [pl.when(w).then(pl.lit(c)) for w, c in zip(withheld, counts, strict=True)]
    ).list.drop_nulls()
    out = out.with_columns(names.list.join(",").alias("suppressed"))
    return out.drop([c for c in ("_small", "_second") if c in out.columns])


def leaks(df: pl.DataFrame, counts: list[str], at: int | None = None) -> pl.DataFrame:
    """Rows holding a published count from 1 to threshold-1 (should always be empty)."""
    t = threshold() if at is None else at
    cond = pl.any_horizontal([(pl.col(c) > 0) & (pl.col(c) < t) for c in counts])
    return df.filter(cond)


def suppress_pair(df: pl.DataFrame, part: str, whole: str, rate: str | None = None) -> pl.DataFrame:
    """Withhold ``part`` (and its ``rate``) where it or the rest of ``whole`` (whole - part) is
    from 1 to threshold-1: with the whole published, either would give the other back."""
    t = threshold()
    rest = pl.col(whole) - pl.col(part)
    small = ((pl.col(part) > 0) & (pl.col(part) < t)) | ((rest > 0) & (rest < t))
    hide = small.fill_null(False) | pl.col(part).is_null() | pl.col(whole).is_null()
    out = df.with_columns(pl.when(hide).then(None).otherwise(pl.col(part)).alias(part))
    if rate is not None:
        out = out.with_columns(pl.when(hide).then(None).otherwise(pl.col(rate)).alias(rate))
    return out
