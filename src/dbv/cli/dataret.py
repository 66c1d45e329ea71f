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
    import polars as pl

    from dbv.checks import validate
    from dbv.dataret.derive import funnel, snapshots, transitions
    from dbv.dataret.publish import publish_funnel
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years
    from dbv.errors import DataFileError
    from dbv.runinfo import output_dir

    with boundary():
        report = validate(source)
        blocking = [r for r in report.results if r.severity == "blocking"]
        if blocking:
            b = blocking[0]
            raise DataFileError(
                f"the return cannot be used yet: {b.message}",
                file=b.file,
                row=b.row,
                column=b.column,
                fix=f"{b.action} ('dbv validate {source}' lists every problem)",
            )
        ret = read_return(source)
        years = census_years(ret, first_year, last_year)
        snaps = snapshots(ret, years)
        trans = transitions(snaps, ret)
        fun = funnel(ret)
        # calendar years after the last census are partial: not published
        published = publish_funnel(fun.filter(pl.col("year") < years[-1]))
        output_dir(out)
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


@app.command("synth")
def synth_cmd(
    out: OutDir,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 2025,
    size: Annotated[float, typer.Option(help="1.0 is about 3,500 plans; 10 is ten times.")] = 1.0,
    defects: Annotated[
        bool, typer.Option("--defects/--no-defects", help="Inject a few data-quality defects.")
    ] = True,
) -> None:
    """Generate the synthetic LA ("Anyshire", code 999): a complete data return, demo case
    reviews and surveys. No real child's data is involved."""
    from dbv.synth import generate

    with boundary():
        summary = generate(out, seed=seed, size=size, defects=defects)
    latest = max(summary.active_plans)
    console.print(
        f"Anyshire (seed {seed}, size {size}): {summary.active_plans[latest]:,} active plans in "
        f"January {latest}; {len(summary.defects)} defects injected (listed in _defects.json)."
    )
    console.print(f"Wrote {len(summary.files)} files to {out}")


@app.command("demo")
def demo_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for everything the demo writes.")
    ] = Path("dbv-demo"),
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic LA.")] = 2025,
    size: Annotated[
        float, typer.Option(help="Size of the synthetic LA (1.0 ≈ 3,500 plans).")
    ] = 1.0,
    defects: Annotated[
        bool, typer.Option("--defects/--no-defects", help="Show validation finding defects.")
    ] = False,
    sims: Annotated[int, typer.Option(help="Monte Carlo simulations of the forecast.")] = 1000,
) -> None:
    """Run the whole diagnostic on the synthetic LA: generate its data return and engagement
    evidence, validate and derive them, forecast with the demo scenario, and write the pack
    (report.html, report.xlsx, report.pdf, run.json)."""
    from rich.table import Table

    from dbv.cli.common import progress_bar, stage_bar
    from dbv.cli.diagnose import report_done
    from dbv.demo import demo_config, run_demo
    from dbv.diagnose.config import load_config
    from dbv.diagnose.pipeline import diagnose

    with boundary(), progress_bar(err_console.is_terminal) as bar:
        result = run_demo(out, seed=seed, size=size, defects=defects, progress=bar)
    with boundary(), stage_bar(err_console.is_terminal, "diagnostic") as bar2:
        pack = diagnose(load_config(demo_config(out, seed, sims)), out, bar2)
    v = result.validation
    console.print(
        f"Validation: {v.counts['blocking']} blocking, {v.counts['error']} errors, "
        f"{v.counts['warning']} warnings (details in {out / 'validation.json'})."
    )
    t = Table(title="Anyshire: EHC plans at each January by setting (counts of 1-4 withheld)")
    shown = result.caseload.drop("suppressed")
    for c in shown.columns:
        t.add_column(c.replace("_", " "), justify="right")
    for row in shown.iter_rows():
        t.add_row(*("c" if v is None else str(v) for v in row))
    console.print(t)
    f = Table(title="Requests, assessments and plans by calendar year")
    cols = [
        "year",
        "requests",
        "requests_assessed",
        "requests_refused",
        "plans_started",
        "timeliness_pct",
        "plans_ceased",
    ]
    for c in cols:
        f.add_column(c, justify="right")
    for row in result.funnel.select(cols).iter_rows():
        f.add_row(
            *("c" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v)) for v in row)
        )
    console.print(f)
    report_done(pack.files, pack.inputs.missing)
    console.print(
        f"Everything is in {out.resolve()}; edit {out / 'diag.yaml'} and run "
        f"'dbv diagnose --config {out / 'diag.yaml'} --out {out}' to change it."
    )
