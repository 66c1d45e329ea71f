"""Reading councils' exports: what is refused, with the file and the problem named; and the
bounds a withheld count must lie within."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbv.errors import DataFileError, UsageError
from dbv.insight.read import check_set, load_exports, parse_export, read_export
from dbv.insight.suppression import binary, categorical
from dbv.insight.tallies import share


def minimal(council: str = "Testshire", date: str = "2025-03-01", **extra: Any) -> dict[str, Any]:
    """The smallest valid export: one question over 40 cases."""
    rows = [
        {
            "question": "ideal_outcome",
            "answer": a,
            "count": c,
            "n": 40,
            "withheld": False,
            "small": False,
        }
        for a, c in (("yes", 16), ("partly", 14), ("no", 10))
    ]
    out: dict[str, Any] = {
        "schema_version": "1.1",
        "council": council,
        "la_code": None,
        "diagnostic_date": date,
        "suppression_threshold": 5,
        "free_text_included": False,
        "case_reviews": {
            "sampling": {
                "cases_drawn_at_random": 40,
                "hand_picked": 0,
                "strata": 4,
                "stratified": True,
            },
            "reviewers": 12,
            "consensus": rows,
            "reasons": [],
        },
        "scenarios": [],
        "grant_by_category": [{"category": "early_intervention", "lines": 2, "amount": 90000}],
    }
    out.update(extra)
    return out


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


def test_a_valid_export_reads(tmp_path: Path) -> None:
    e = read_export(write(tmp_path, "insight-export.json", minimal()))
    assert e.council == "Testshire" and e.diagnostic_date == dt.date(2025, 3, 1)
    assert e.academic_year == "2024/25" and e.threshold == 5


def _bad(mutate: Any) -> dict[str, Any]:
    data = minimal()
    mutate(data)
    return data


BAD = [
    (lambda d: d.update(schema_version="9.0"), "schema version 9.0", "schema_version"),
    (lambda d: d.pop("schema_version"), "not a dbv insight export", None),
    (lambda d: d.update(council=""), "council's name is missing", "council"),
    (
        lambda d: d["case_reviews"]["consensus"][0].update(count=3),
        "below the suppression",
        "case_reviews.consensus[0].count",
    ),
    (
        lambda d: d["case_reviews"]["consensus"][0].update(count=41),
        "larger than its total",
        "case_reviews.consensus[0].count",
    ),
    (
        lambda d: d["case_reviews"]["consensus"][0].update(count=None),
        "'withheld' must be true",
        "case_reviews.consensus[0]",
    ),
    (
        lambda d: d["case_reviews"]["consensus"][0].update(person_id="P1"),
        "person-level",
        "case_reviews.consensus[0].person_id",
    ),
    (lambda d: d.update(suppression_threshold=3), "below the threshold 5", "suppression_threshold"),
    (
        lambda d: d.update(diagnostic_date="March 2025"),
        "diagnostic_date must be a date",
        "diagnostic_date",
    ),
    (lambda d: d.update(free_text_included=True), "free_text must be a list", "free_text"),
    (lambda d: d.update(free_text=[]), "holds free text but says it does not", "free_text"),
    (
        lambda d: d.update(
            free_text_included=True,
            free_text=[
                {
                    "kind": "workstream",
                    "category": "x",
                    "title": "Outreach",
                    "text": "Contact jo.bloggs@example.org",
                }
            ],
        ),
        "seems to hold an e-mail",
        "free_text[0]",
    ),
    (
        lambda d: d["grant_by_category"][0].update(amount=-5),
        "grant category",
        "grant_by_category[0]",
    ),
    (lambda d: d.update(surveys={"mood": []}), "unknown survey table", "surveys.mood"),
    (
        lambda d: d.update(scenarios=[{"scenario": "x", "net_benefit": []}]),
        "needs 'unmitigated_in_year_deficit'",
        "scenarios[0].unmitigated_in_year_deficit",
    ),
]


@pytest.mark.parametrize(("mutate", "message", "where"), BAD)
def test_bad_exports_name_the_file_and_the_problem(
    tmp_path: Path, mutate: Any, message: str, where: str | None
) -> None:
    path = write(tmp_path, "insight-export-bad.json", _bad(mutate))
    with pytest.raises(DataFileError) as err:
        read_export(path)
    assert message in err.value.message
    assert str(err.value.file) == str(path) and err.value.column == where
    assert err.value.fix


def test_truncated_json_names_the_file_and_line(tmp_path: Path) -> None:
    text = json.dumps(minimal(), indent=2)
    path = write(tmp_path, "insight-export.json", text[: len(text) // 2])
    with pytest.raises(DataFileError) as err:
        read_export(path)
    assert "truncated" in err.value.message and err.value.row and err.value.row > 1
    assert str(err.value.file) == str(path)


def test_a_council_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "insight-export-a.json", minimal())
    write(tmp_path, "insight-export-b.json", minimal())
    with pytest.raises(DataFileError) as err:
        load_exports(tmp_path)
    assert "Testshire appears twice" in err.value.message
    assert "insight-export-a.json" in err.value.message
    assert str(err.value.file).endswith("insight-export-b.json")


def test_mixed_years_are_refused_unless_allowed(tmp_path: Path) -> None:
    write(tmp_path, "insight-export-a.json", minimal("A", "2024-03-01"))
    write(tmp_path, "insight-export-b.json", minimal("B", "2025-03-01"))
    with pytest.raises(DataFileError) as err:
        load_exports(tmp_path)
    assert "mix academic years" in err.value.message and "2023/24" in err.value.message
    assert err.value.column == "diagnostic_date" and "--allow-mixed-years" in (err.value.fix or "")
    assert len(load_exports(tmp_path, allow_mixed_years=True)) == 2


def test_no_exports_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no insight-export"):
        load_exports(tmp_path)
    with pytest.raises(UsageError):
        check_set([])


def test_version_1_0_is_still_read() -> None:
    data = minimal(schema_version="1.0")
    for r in data["case_reviews"]["consensus"]:
        r.pop("small")
    assert parse_export(copy.deepcopy(data), "old.json").council == "Testshire"


# --- withheld counts: the bounds always hold the truth, and none can be worked out ---------


def _rows(kind: str, counts: list[int]) -> tuple[list[str], list[dict[str, Any]]]:
    answers = [f"a{i}" for i in range(len(counts))]
    values = [a for a, c in zip(answers, counts, strict=True) for _ in range(c)]
    frame = pl.DataFrame(
        {"q": ["q"] * len(values), "v": values}, schema={"q": pl.String, "v": pl.String}
    )
    rows = binary(frame, ["q"], "v", "a0") if kind == "binary" else categorical(frame, ["q"], "v")
    return answers, rows


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=2, max_size=5),
    wanted=st.integers(0, 4),
    kind=st.sampled_from(["binary", "categorical"]),
)
def test_bounds_hold_the_true_count(counts: list[int], wanted: int, kind: str) -> None:
    answers, rows = _rows(kind, counts)
    if kind == "binary":
        counts = [counts[0], sum(counts[1:])]
        answers = ["a0", "other"]
    want = answers[: wanted % len(answers) + 1]
    s = share("X", rows, want)
    if s is None:
        return
    truth = sum(c for a, c in zip(answers, counts, strict=True) if a in want)
    assert s.k_low <= truth <= s.k_high, (counts, want, rows, s)
    assert s.n == sum(counts)
    if all(r["count"] is not None for r in rows):
        assert s.exact


def _reader_sees(counts: list[int]) -> tuple[tuple[int | None, ...], int | None]:
    """What categorical() publishes for one group, as the reader sees it."""
    _, rows = _rows("categorical", counts)
    present = [c for c in counts if c > 0]
    got = tuple(r["count"] for r in rows)
    assert len(got) == len(present)
    return got, rows[0]["n"] if rows else None


def test_no_withheld_count_can_be_worked_out_by_a_reader_who_knows_the_rule() -> None:
    """Every table of 3 answers with counts 0 to 12: for each withheld cell, some other table
    with the same answers that publishes exactly the same could hold a different value there.
    The reader is assumed to know the suppression rule and n (when published)."""
    import itertools

    seen: dict[tuple[object, ...], list[tuple[int, ...]]] = {}
    for counts in itertools.product(range(13), repeat=3):
        if not any(counts):
            continue
        present = tuple(c > 0 for c in counts)
        shown, n = _reader_sees(list(counts))
        seen.setdefault((present, shown, n), []).append(counts)
    checked = 0
    for (_present, shown, n), tables in seen.items():
        if n is None:
            continue  # nothing is derivable without the total (and the total is not elsewhere)
        positive = [c for c in tables[0] if c > 0]
        for j, value in enumerate(shown):
            if value is None:
                options = {tuple(c for c in t if c > 0)[j] for t in tables}
                assert len(options) > 1, (positive, shown, n, options)
                checked += 1
    assert checked > 100


def test_binary_never_gives_a_small_count_away() -> None:
    for k in range(0, 30):
        for rest in range(0, 30):
            _, rows = _rows("binary", [k, rest])
            if not rows:
                continue
            s = share("X", rows, ["a0"])
            if s is not None and (0 < k < 5 or 0 < rest < 5):
                assert not s.exact and s.k_high - s.k_low >= 3


def test_free_text_only_when_chosen_and_never_an_identifier() -> None:
    from dbv.insight.freetext import programme_text

    grant = pl.DataFrame(
        {
            "line_id": ["G1", "G2"],
            "initiative": ["Outreach", "Outreach"],
            "category": ["early_intervention"] * 2,
            "financial_year": ["2025-26", "2026-27"],
            "amount": [1.0, 2.0],
            "opportunity": ["WS1"] * 2,
            "description": ["Specialist teachers visit schools"] * 2,
        }
    )
    entries = programme_text({"grant_line": grant})
    assert entries == [
        {
            "kind": "grant_initiative",
            "category": "early_intervention",
            "title": "Outreach",
            "text": "Specialist teachers visit schools",
        }
    ]
    data = minimal(free_text_included=True, free_text=entries)
    assert parse_export(data, "x.json").data["free_text"] == entries
    bad = grant.with_columns(pl.lit("Call 01632 960123 to book").alias("description"))
    with pytest.raises(DataFileError, match="phone number") as err:
        programme_text({"grant_line": bad})
    assert "grant_line.csv row 2" in str(err.value.file)
