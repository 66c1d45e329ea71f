"""`dbv diagnose --config diag.yaml`: the whole diagnostic as one pack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbv.cli.common import app, boundary, console, err_console, stage_bar


@app.command("diagnose")
def diagnose_cmd(
    config: Annotated[Path, typer.Option("--config", help="The diagnose config (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the pack.")] = Path("dbv-pack"),
) -> None:
    """Run the whole diagnostic (Set-up, Module 1, 2 and 3, grant) on a council's data return
    and/or the public data, and write report.html, report.xlsx, report.pdf and run.json."""
    from dbv.diagnose.config import load_config
    from dbv.diagnose.pipeline import diagnose

    with boundary():
        cfg = load_config(config)
        with stage_bar(err_console.is_terminal, "diagnostic") as bar:
            result = diagnose(cfg, out, bar)
    report_done(result.files, result.inputs.missing)


def report_done(files: list[Path], missing: dict[str, str]) -> None:
    for part, how in sorted(missing.items()):
        console.print(f"[yellow]Not in this pack ({part}):[/] {how}")
    console.print("The diagnostic pack is ready:")
    for f in files:
        console.print(f"  {f.resolve()}")


@app.command("levers")
def levers_cmd(
    engagement: Annotated[
        Path, typer.Option("--engagement", help="Folder of case-review files (or a return).")
    ],
    out: Annotated[Path | None, typer.Option("--out", help="Write a scenario YAML here.")] = None,
    name: Annotated[str, typer.Option(help="Scenario name.")] = "case-review-findings",
    start_year: Annotated[int | None, typer.Option(help="First year the levers act.")] = None,
) -> None:
    """Turn case-review findings into scenario levers (sizes are Beta distributions of k of n
    from randomly drawn cases, so forecasts carry the reviews' uncertainty)."""
    import yaml

    from dbv.module2.engagement import load_engagement
    from dbv.module2.levers import levers_from_findings
    from dbv.report.publish import mask_text
    from dbv.scenarios.spec import parse

    with boundary():
        found = levers_from_findings(load_engagement(engagement), start_year=start_year)
        scenario = {
            "name": name,
            "version": "1.0",
            "description": "Levers sized from the case-review panel consensus on randomly drawn "
            "cases; edit 'requires' to say what provision exists locally before using it.",
            "levers": found,
        }
        parse(scenario, out)  # the same checks as any scenario file
        if out is not None:
            text = yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True, width=96)
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text(text, "utf-8")
            tmp.replace(out)
    for lever in found:
        console.print(f"[bold]{lever['id']}[/] ({lever['kind']}): {mask_text(lever['evidence'])}")
    if out is not None:
        console.print(f"Wrote {out.resolve()} (the file holds the counts: keep it inside the "
                      "council)")  # fmt: skip
