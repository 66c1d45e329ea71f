"""precheck_optional_tables: say which optional tables are absent and what the diagnostic will
lack without them (a warning: the rest still runs)."""

from __future__ import annotations

from dbv.checks.context import CheckContext
from dbv.checks.frames import result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

# What goes missing from the diagnostic without each optional table.
CONSEQUENCES = {
    "annual_review": "annual-review timeliness cannot be measured",
    "school_census": "the variation between schools cannot be shown",
    "population": "rates per 10,000 residents aged 0-25 cannot be worked out",
    "finance": "the high needs income and spend pages will be empty",
    "unit_costs": "costs per placement cannot be shown or projected",
}


def precheck_optional_tables(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    return [
        result(
            "precheck_optional_tables",
            "precheck",
            "warning",
            table=name,
            file=str(ret.root),
            message=f"no {name} table: {CONSEQUENCES.get(name, 'it will be left out')}",
            action=f"add the {name} table if you have the data ('dbv template' shows its layout)",
        )
        for name in ret.schema.tables
        if not ret.schema.tables[name].required and name not in ret.tables
    ]
