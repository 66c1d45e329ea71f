"""Commands for the council's own data return: template, validate, derive, synth, pseudonymise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbv.cli.common import app, boundary, console, emit_json, err_console

OutDir = Annotated[Path, typer.Option("--out", help="Folder to write to (created if needed).")]


@app.command("template")
def template_cmd(out: OutDir) -> None:
    """Write blank, documented templates of the data return (CSV files, an XLSX workbook with
    code-list validation, and a data dictionary)."""
    from dbv.dataret.template import write_templates

    with boundary():
        written = write_templates(out)
    for p in written:
        console.print(f"  {p}")
    console.print(f"Wrote {len(written)} files to {out}. Start with DATA_DICTIONARY.md.")


@app.command("validate")
def validate_cmd(
    source: Annotated[Path, typer.Argument(help="Data-return folder or XLSX workbook.")],
    census_year: Annotated[
        int | None, typer.Option(help="January census to check against (default: latest).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check a data return. Exit code 0: clean (or warnings only); 1: errors; 2: unusable."""
    from rich.table import Table

    from dbv.checks import validate

    with boundary(as_json):
        report = validate(source, census_year)
    if as_json:
        emit_json(
            {
                "source": str(source),
                "census_year": report.census_year,
                "counts": report.counts,
                "exit_code": report.exit_code,
                "stopped_early": report.stopped_early,
                "results": report.to_dicts(),
            }
        )
        raise typer.Exit(report.exit_code)
    colour = {"blocking": "bold red", "error": "red", "warning": "yellow"}
    table = Table(title=f"Validation of {source} (census {report.census_year})")
    for col in ("severity", "check", "where", "message", "fix"):
        table.add_column(col, overflow="fold")
    for r in report.results:
        where = ", ".join(
            x
            for x in (
                Path(r.file).name if r.file else None,
                f"sheet {r.sheet}" if r.sheet else None,
                f"row {r.row}" if r.row else None,
                f"column {r.column}" if r.column else None,
            )
            if x
        )
        table.add_row(
            f"[{colour.get(r.severity, '')}]{r.severity}[/]", r.code, where, r.message, r.action
        )
    if report.results:
        console.print(table)
    console.print(report.summary().splitlines()[0] if report.summary() else "")
    raise typer.Exit(report.exit_code)


@app.command("derive")
def derive_cmd(
    source: Annotated[Path, typer.Argument(help="Data-return folder or XLSX workbook.")],
    out: OutDir,
    first_year: Annotated[int | None, typer.Option(help="First January census.")] = None,
    last_year: Annotated[int | None, typer.Option(help="Last January census.")] = None,
) -> None:
    """Derive January snapshots, yearly transitions and the request-to-plan funnel.

    The snapshot and transition files are person-level (pseudonymous): keep them inside the
    council. The funnel is aggregate and small-number suppressed.
    """
    from dbv.dataret.derive import funnel, snapshots, transitions
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years
    from dbv.privacy import suppress

    with boundary():
        ret = read_return(source)
        years = census_years(ret, first_year, last_year)
        snaps = snapshots(ret, years)
        trans = transitions(snaps, ret)
        fun = funnel(ret)
        counts = [c for c in fun.columns if c != "year" and not c.endswith("_pct")]
        published = suppress(fun, counts, group_total=False)
        out.mkdir(parents=True, exist_ok=True)
        snaps.write_csv(out / "snapshots.csv")
        trans.write_csv(out / "transitions.csv")
        published.write_csv(out / "funnel.csv")
    by_year = snaps.group_by("year").len().sort("year")
    console.print(
        "Active plans at each January: " + ", ".join(f"{y}: {n:,}" for y, n in by_year.iter_rows())
    )
    console.print(f"Wrote snapshots.csv, transitions.csv and funnel.csv to {out}")


@app.command("pseudonymise")
def pseudonymise_cmd(
    source: Annotated[Path, typer.Argument(help="A CSV file holding identifiers.")],
    columns: Annotated[list[str], typer.Option("--column", help="Column to replace (repeatable).")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    salt_file: Annotated[
        Path | None, typer.Option("--salt-file", help="Secret salt (default $DBV_PSEUDONYM_SALT).")
    ] = None,
) -> None:
    """Replace identifiers (UPN, ULN, case numbers) with keyed-hash pseudonyms."""
    from dbv.errors import DataFileError
    from dbv.io.files import read_csv_strings
    from dbv.privacy import load_salt, pseudonymise

    with boundary():
        salt = load_salt(salt_file)
        frame = read_csv_strings(source)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataFileError(
                f"no column {missing[0]!r}",
                file=source,
                row=1,
                column=missing[0],
                fix=f"choose from {frame.columns}",
            )
        frame = frame.with_columns(pseudonymise(frame[c], salt) for c in columns)
        frame.write_csv(out)
    err_console.print(f"Wrote {out} ({frame.height:,} rows; replaced {', '.join(columns)})")
