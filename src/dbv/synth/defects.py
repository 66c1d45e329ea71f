"""Realistic data-quality defects injected into a generated return, each recorded exactly.

``row`` is the line of the CSV file with the header as row 1 (as dbv's reader and checks count).
Rows are only changed in place or appended, after the one deletion, so recorded rows stay true.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl

from dbv.dataret.census import census_date

Tables = dict[str, pl.DataFrame]


@dataclass(frozen=True)
class Defect:
    """One injected defect: where it is and what kind it is."""

    table: str
    row: int
    column: str
    code: str
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _row(frame: pl.DataFrame, column: str, value: object) -> int:
    """The file row of the first row whose ``column`` equals ``value``."""
    idx = frame.with_row_index().filter(pl.col(column) == value)["index"][0]
    return int(idx) + 2


def _pick(
    rng: np.random.Generator, frame: pl.DataFrame, column: str, taken: set[str] | None = None
) -> object:
    """A random value of ``column``; its row's person joins ``taken`` (one defect per person)."""
    values = frame[column].unique().sort()
    value = values[int(rng.integers(0, len(values)))]
    if taken is not None and "person_id" in frame.columns:
        taken.update(frame.filter(pl.col(column) == value)["person_id"].cast(pl.String).to_list())
    return value


def _set(frame: pl.DataFrame, row: int, column: str, value: object) -> pl.DataFrame:
    idx = pl.int_range(pl.len()) == row - 2
    return frame.with_columns(
        pl.when(idx)
        .then(pl.lit(value, frame.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
    )


def inject(rng: np.random.Generator, t: Tables, year: int, avoid: set[str]) -> list[Defect]:
    """Inject the defects into ``t`` (in place) and return what was injected. People in
    ``avoid`` (e.g. the case-review sample) are left alone; each defect hits a different person."""
    on = census_date(year)
    taken = set(avoid)
    plans = t["named_plan"]
    # 1. a plan with no need: its sen_need rows are removed (the only deletion, so first)
    active = _free(plans.filter(pl.col("cease_date").is_null()), taken)
    plan_id = _pick(rng, active, "plan_id", taken)
    t["sen_need"] = t["sen_need"].filter(pl.col("plan_id") != plan_id)
    out = [
        Defect("named_plan", _row(plans, "plan_id", plan_id), "plan_id", "plan_without_need",
               f"plan {plan_id} has no sen_need rows")
    ]  # fmt: skip
    steps: list[Callable[[np.random.Generator, Tables, dt.date, set[str]], Defect]] = [
        _age_over_25, _placement_ends_before_start, _unknown_code, _cease_reason_missing,
        _outcome_before_received, _unknown_reference, _negative_amount, _duplicate_person,
        _overlapping_placement,
    ]  # fmt: skip
    out.extend(step(rng, t, on, taken) for step in steps)
    return out


def _free(frame: pl.DataFrame, avoid: set[str]) -> pl.DataFrame:
    return frame.filter(~pl.col("person_id").is_in(sorted(avoid)))


def _age_over_25(rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]) -> Defect:
    active = _free(t["named_plan"].filter(pl.col("cease_date").is_null()), avoid)
    pid = _pick(rng, active, "person_id", avoid)
    row = _row(t["person"], "person_id", pid)
    t["person"] = _set(t["person"], row, "birth_date", dt.date(on.year - 27, 3, 14))
    return Defect("person", row, "birth_date", "age_over_25", f"{pid} is 27 at the census")


def _placement_ends_before_start(
    rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]
) -> Defect:
    ended = _free(t["placement"].filter(pl.col("leaving_date").is_not_null()), avoid)
    pid = _pick(rng, ended, "placement_id", avoid)
    row = _row(t["placement"], "placement_id", pid)
    entry = t["placement"]["entry_date"][row - 2]
    t["placement"] = _set(t["placement"], row, "leaving_date", entry - dt.timedelta(days=21))
    return Defect(
        "placement",
        row,
        "leaving_date",
        "placement_ends_before_start",
        f"{pid} leaves 21 days before entry",
    )


def _unknown_code(rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]) -> Defect:
    needs = _free(t["sen_need"].filter(pl.col("need_type") == "ASD"), avoid)
    plan = _pick(rng, needs, "plan_id", avoid)
    row = _row(t["sen_need"], "plan_id", plan)
    t["sen_need"] = _set(t["sen_need"], row, "need_type", "AUT")
    return Defect("sen_need", row, "need_type", "unknown_code", f"need type 'AUT' for plan {plan}")


def _cease_reason_missing(
    rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]
) -> Defect:
    ceased = _free(t["named_plan"].filter(pl.col("cease_date").is_not_null()), avoid)
    plan = _pick(rng, ceased, "plan_id", avoid)
    row = _row(t["named_plan"], "plan_id", plan)
    t["named_plan"] = _set(t["named_plan"], row, "cease_reason", None)
    return Defect(
        "named_plan",
        row,
        "cease_reason",
        "cease_reason_missing",
        f"plan {plan} ceased without a reason",
    )


def _outcome_before_received(
    rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]
) -> Defect:
    decided = _free(t["request"].filter(pl.col("request_outcome") == "Y"), avoid)
    rid = _pick(rng, decided, "request_id", avoid)
    row = _row(t["request"], "request_id", rid)
    received = t["request"]["received_date"][row - 2]
    t["request"] = _set(t["request"], row, "request_outcome_date", received - dt.timedelta(days=14))
    return Defect(
        "request",
        row,
        "request_outcome_date",
        "outcome_before_received",
        f"{rid} decided before it was received",
    )


def _unknown_reference(rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]) -> Defect:
    rid = _pick(rng, _free(t["annual_review"], avoid), "review_id", avoid)
    row = _row(t["annual_review"], "review_id", rid)
    t["annual_review"] = _set(t["annual_review"], row, "plan_id", "EHCP999999")
    return Defect(
        "annual_review",
        row,
        "plan_id",
        "unknown_reference",
        f"{rid} names plan EHCP999999, not in named_plan",
    )


def _negative_amount(rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]) -> Defect:
    spend = t["finance"].with_row_index().filter(pl.col("line") == "therapies")
    idx = int(spend["index"][int(rng.integers(0, spend.height))])
    amount = float(t["finance"]["amount"][idx])
    t["finance"] = _set(t["finance"], idx + 2, "amount", -amount)
    return Defect(
        "finance",
        idx + 2,
        "amount",
        "negative_amount",
        "therapies spend entered as a negative amount",
    )


def _duplicate_person(rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]) -> Defect:
    pid = _pick(rng, _free(t["person"], avoid), "person_id", avoid)
    copy = (
        t["person"]
        .filter(pl.col("person_id") == pid)
        .with_columns((pl.col("birth_date") + pl.duration(days=1)).alias("birth_date"))
    )
    t["person"] = pl.concat([t["person"], copy])
    return Defect(
        "person", t["person"].height + 1, "person_id", "duplicate_person_id", f"{pid} appears twice"
    )


def _overlapping_placement(
    rng: np.random.Generator, t: Tables, on: dt.date, avoid: set[str]
) -> Defect:
    place = t["placement"]
    current = _free(
        place.filter(
            (pl.col("placement_rank") == 1)
            & pl.col("leaving_date").is_null()
            & (pl.col("entry_date") < on - dt.timedelta(days=200))
        ),
        avoid,
    )
    pid = _pick(rng, current, "placement_id", avoid)
    base = place.filter(pl.col("placement_id") == pid)
    special = place.filter(pl.col("setting_type") == "MSS")["urn"].drop_nulls().sort()[0]
    extra = base.with_columns(
        pl.lit(f"PL{place.height + 1:07d}").alias("placement_id"),
        pl.lit("MSS").alias("setting_type"),
        pl.lit(special).alias("urn"),
        pl.lit(None, pl.Boolean).alias("resourced_provision"),
        pl.lit(None, pl.Boolean).alias("sen_unit"),
        pl.lit(False).alias("out_of_area"),
        pl.lit(on - dt.timedelta(days=100)).alias("entry_date"),
    )
    t["placement"] = pl.concat([place, extra])
    detail = f"second current rank-1 placement for {base['person_id'][0]} overlaps {pid}"
    row = t["placement"].height + 1
    return Defect("placement", row, "entry_date", "overlapping_rank1_placement", detail)
