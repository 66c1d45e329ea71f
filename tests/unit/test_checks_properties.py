"""Property-based robustness: malformed bytes as the CSV files of a return, and random frames
of strings as its tables, never make a reader or a check fail with anything but a located
ValidationReport or a DbvError with a message."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dbv.checks import REGISTRY, SEVERITIES, ValidationReport, codes, make_context, validate
from dbv.dataret.reader import DataReturn, RawTable, read_return, typed
from dbv.dataret.schema import Column, load_schema
from dbv.errors import DbvError

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "return" / "pass" / "minimal"
SCHEMA = load_schema()
TABLES = sorted(SCHEMA.tables)
# Modest by default (the file runs in about 10 s); DBV_HYPOTHESIS_EXAMPLES=1000 for a long run.
SETTINGS = settings(
    max_examples=int(os.environ.get("DBV_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ODD_DATES = [
    "2024-02-30",
    "31/02/2024",
    "2024-13-01",
    "0000-00-00",
    "9999-12-31",
    "1900-01-01",
    "2024-1-1",
    "20240101",
    "2024-01-01T00:00:00",
    "  2024-01-01 ",
    "-2024-01-01",
    "2024-02-29",
    "2023-02-29",
    "45292",
    "today",
    "",
]
ODD_NUMBERS = [
    "1e308",
    "1e309",
    "-1e309",
    "nan",
    "NaN",
    "inf",
    "-0",
    "1,000,000",
    "£5",
    "0x1F",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1.5",
    " 7 ",
    "1_000",
    "٣",
]
IDS = ["P001", "P002", "PL001", "PL002", "R001", "A001", "PM001", "100001", "x", ""]


def _cell(column: Column) -> st.SearchStrategy[str | None]:
    """Cells for a column: mostly plausible values, with junk mixed in."""
    junk = st.text(max_size=12)
    if column.type == "date":
        good = st.dates().map(lambda d: d.isoformat())
        values = st.one_of(good, st.sampled_from(ODD_DATES), junk)
    elif column.type in ("int", "decimal"):
        values = st.one_of(
            st.integers(-(10**30), 10**30).map(str),
            st.floats(allow_nan=True, allow_infinity=True).map(str),
            st.sampled_from(ODD_NUMBERS),
            st.integers(0, 30).map(str),
            junk,
        )
    elif column.type == "bool":
        values = st.one_of(st.sampled_from(["0", "1", "true", "N", "Y", "maybe"]), junk)
    elif column.type == "code" and column.codes:
        values = st.one_of(st.sampled_from(sorted(SCHEMA.all_codes(column.codes))), junk)
    else:
        values = st.one_of(st.sampled_from(IDS), junk)
    return st.one_of(st.none(), values)


@st.composite
def frames(draw: st.DrawFn) -> dict[str, pl.DataFrame]:
    """Some tables, each with some of its columns (and maybe a stranger), of random text."""
    out: dict[str, pl.DataFrame] = {}
    for name in draw(st.sets(st.sampled_from(TABLES), min_size=1, max_size=len(TABLES))):
        table = SCHEMA.tables[name]
        columns = [c for c in table.columns if draw(st.integers(0, 9)) > 0]
        height = draw(st.integers(0, 6))
        data = {c.name: draw(st.lists(_cell(c), min_size=height, max_size=height)) for c in columns}
        if draw(st.booleans()):
            extra = draw(
                st.text(min_size=1, max_size=8).filter(lambda s, names=table.names: s not in names)
            )
            data[extra] = draw(
                st.lists(
                    st.one_of(st.none(), st.text(max_size=5)), min_size=height, max_size=height
                )
            )
        out[name] = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String))
    return out


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


@st.composite
def damaged_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(table, new bytes for its CSV): random, truncated, non-UTF-8, wrong delimiter, or with
    odd values in some cells."""
    name = draw(st.sampled_from(TABLES))
    good = (MINIMAL / f"{name}.csv").read_bytes()
    kind = draw(st.sampled_from(["random", "truncated", "latin1", "delimiter", "cells", "nul"]))
    if kind == "random":
        return name, draw(st.binary(max_size=600))
    if kind == "truncated":
        return name, good[: draw(st.integers(0, len(good)))]
    if kind == "latin1":
        at = draw(st.integers(0, len(good)))
        return name, good[:at] + bytes([draw(st.integers(0x80, 0xFF))]) + good[at:]
    if kind == "nul":
        at = draw(st.integers(0, len(good)))
        return name, good[:at] + b"\x00" + good[at:]
    if kind == "delimiter":
        return name, good.replace(b",", draw(st.sampled_from([b";", b"\t", b"|", b", "])))
    rows = list(csv.reader(io.StringIO(good.decode("utf-8"))))
    header = rows[0]
    odd = st.one_of(
        st.sampled_from(ODD_DATES + ODD_NUMBERS),
        st.text(max_size=20),
        st.just('"quoted, with comma"'),
        st.just("two\nlines"),
    )
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, len(header) - 1))
        rows[r][c] = draw(odd)
    return name, _csv_bytes(rows)


def _assert_located(report: ValidationReport) -> None:
    known = set(codes())
    for r in report.results:
        assert r.code in known
        assert r.severity in SEVERITIES
        assert r.message and r.action
        if r.row is not None:
            assert r.file is not None and r.row >= 1


@SETTINGS
@given(damaged_file())
def test_damaged_files_give_a_report_or_a_dbv_error(damage: tuple[str, bytes]) -> None:
    name, data = damage
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ret"
        shutil.copytree(MINIMAL, folder)
        (folder / f"{name}.csv").write_bytes(data)
        try:
            read_return(folder)
        except DbvError as exc:
            assert exc.message
        report = validate(folder)
        assert isinstance(report, ValidationReport)
        _assert_located(report)
        assert report.exit_code in (0, 1, 2)


@SETTINGS
@given(frames())
def test_random_frames_give_located_results(tables: dict[str, pl.DataFrame]) -> None:
    root = Path("random")
    ret = DataReturn(
        root,
        {n: RawTable(n, root / f"{n}.csv", f) for n, f in tables.items()},
        SCHEMA,
    )
    for name, frame in tables.items():
        assert typed(frame, SCHEMA.tables[name]).columns == SCHEMA.tables[name].names
    try:
        ctx = make_context(ret)
    except DbvError as exc:
        assert exc.message
        return
    for check in REGISTRY:
        for r in check.run(ret, ctx):
            assert r.code == check.code and r.severity in check.severities
            if r.row is not None and r.count == 1:
                frame = tables[r.table or ""]
                assert 1 <= r.row <= frame.height + 1
                assert r.file == str(root / f"{r.table}.csv")
            if r.column is not None and r.table is not None:
                assert (
                    r.column in SCHEMA.tables[r.table].names or r.column in tables[r.table].columns
                )
    from dbv.checks import run_checks

    _assert_located(run_checks(ret, ctx.census_year))
