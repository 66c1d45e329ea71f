"""`dbv insight`: pool many councils' insight exports into one pack (and `--demo`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbv.cli.common import DataDir, app, boundary, console, emit_json, err_console


@app.command("insight")
def insight_cmd(
    exports: Annotated[
        list[Path] | None,
        typer.Option("--exports", help="Folder of councils' insight-export*.json (or files)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the insight pack.")] = Path(
        "dbv-insight"
    ),
    public: Annotated[
        bool, typer.Option("--public", help="Add every LA's public caseload forecast.")
    ] = False,
    data_dir: DataDir = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Generate synthetic councils, diagnose and pool them.")
    ] = False,
    councils: Annotated[int, typer.Option(help="How many synthetic councils (--demo).")] = 8,
    sims: Annotated[int, typer.Option(help="Simulations per forecast (demo and --public).")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed (demo and --public).")] = 2025,
    allow_mixed_years: Annotated[
        bool,
        typer.Option("--allow-mixed-years", help="Pool diagnostics from different years."),
    ] = False,
    outputs: Annotated[
        str, typer.Option(help="Which files: any of html,xlsx,pdf, comma-separated.")
    ] = "html,xlsx,pdf",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the pooled figures as JSON.")
    ] = False,
) -> None:
    """Pool councils' diagnostics (their insight-export.json files: counts only, no child's
    record) into insight.html, insight.xlsx, insight.pdf and run.json, with intervals that
    treat councils as clusters beside the naive ones."""
    from dbv.cli.common import stage_bar
    from dbv.errors import UsageError
    from dbv.insight.pipeline import run_insight, summary
    from dbv.insight.read import check_set, load_exports, read_export

    with boundary(as_json):
        chosen = tuple(o.strip() for o in outputs.split(",") if o.strip())
        bad = [o for o in chosen if o not in ("html", "xlsx", "pdf")]
        if bad:
            raise UsageError(f"unknown output(s) {bad}", fix="use any of html,xlsx,pdf")
        if demo == bool(exports):
            raise UsageError(
                "give either --exports DIR or --demo",
                fix="e.g. 'dbv insight --demo' or 'dbv insight --exports exports/'",
            )
        show = err_console.is_terminal and not as_json
        if demo:
            from dbv.insight.demo import run_councils

            with stage_bar(show, "synthetic councils") as bar:
                found = run_councils(out / "councils", councils, seed, sims, bar)
            check_set(found, allow_mixed_years)
        else:
            paths = exports or []
            if len(paths) == 1:
                found = load_exports(paths[0], allow_mixed_years)
            else:
                found = [read_export(p) for p in paths]
                check_set(found, allow_mixed_years)
        opts = None
        if public:
            from dbv.insight.public import PublicOptions
            from dbv.store import default_data_dir

            opts = PublicOptions(data_dir or default_data_dir(), sims=sims, seed=seed)
        with stage_bar(show, "insight") as bar:
            result = run_insight(found, out, public=opts, outputs=chosen, progress=bar)
    if as_json:
        emit_json({"files": [str(f) for f in result.files], **summary(found)})
        return
    console.print(f"Pooled {len(found)} councils' exports. The insight pack is ready:")
    for f in result.files:
        console.print(f"  {f.resolve()}")
