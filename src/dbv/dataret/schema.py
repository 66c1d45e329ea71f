"""The data-return schema (``dbv/schemas/data_return.yaml``) as typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from dbv.errors import ParameterError
from dbv.params import load_yaml

TYPES = {"str", "int", "decimal", "date", "bool", "code"}
COLUMN_KEYS = {"type", "required", "codes", "unique", "min", "max", "ref", "pattern", "description"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    codes: str | None = None
    unique: bool = False
    min: float | None = None
    max: float | None = None
    ref: str | None = None  # "table.column"
    pattern: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = False  # the diagnostic cannot run without it

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Schema:
    version: str
    tables: dict[str, Table]
    codes: dict[str, dict[int, dict[str, str]]]
    setting_groups: dict[str, str]
    income_lines: tuple[str, ...]
    path: Path

    def code_list(self, name: str, year: int | None = None) -> dict[str, str]:
        """The codes of a list in force for a collection year (latest if year is None)."""
        versions = self.codes[name]
        usable = [y for y in versions if year is None or y <= year] or [min(versions)]
        return versions[max(usable)]

    @property
    def required_tables(self) -> list[str]:
        return [t.name for t in self.tables.values() if t.required]

    def all_codes(self, name: str) -> set[str]:
        """Every code the list has ever had (for reading returns that span years)."""
        return {code for version in self.codes[name].values() for code in version}


def schema_path() -> Path:
    return Path(str(resources.files("dbv") / "schemas" / "data_return.yaml"))


@cache
def load_schema(path: Path | None = None) -> Schema:
    p = path or schema_path()
    raw = load_yaml(p)
    tables: dict[str, Table] = {}
    for tname, t in raw["tables"].items():
        cols = []
        for cname, spec in t["columns"].items():
            unknown = set(spec) - COLUMN_KEYS
            if unknown:
                raise ParameterError(
                    f"unknown keys {sorted(unknown)} for column {tname}.{cname}",
                    file=p,
                    fix=f"use only {sorted(COLUMN_KEYS)}",
                )
            if spec["type"] not in TYPES:
                raise ParameterError(f"unknown type '{spec['type']}' for {tname}.{cname}", file=p)
            if spec["type"] == "code" and spec.get("codes") not in raw["codes"]:
                raise ParameterError(f"{tname}.{cname} names an unknown code list", file=p)
            cols.append(
                Column(
                    name=cname,
                    type=spec["type"],
                    required=bool(spec.get("required", False)),
                    description=spec.get("description", ""),
                    codes=spec.get("codes"),
                    unique=bool(spec.get("unique", False)),
                    min=spec.get("min"),
                    max=spec.get("max"),
                    ref=spec.get("ref"),
                    pattern=spec.get("pattern"),
                )
            )
        tables[tname] = Table(
            tname, t["description"], tuple(t["key"]), tuple(cols), bool(t.get("required", False))
        )
    codes: dict[str, dict[int, dict[str, str]]] = {
        name: {int(y): {str(k): str(v) for k, v in lst.items()} for y, lst in versions.items()}
        for name, versions in raw["codes"].items()
    }
    return Schema(
        version=str(raw["version"]),
        tables=tables,
        codes=codes,
        setting_groups=dict(raw["setting_groups"]),
        income_lines=tuple(raw["income_lines"]),
        path=p,
    )


def describe(schema: Schema) -> dict[str, Any]:
    """The schema as plain data (for templates and docs)."""
    return {
        t.name: {
            "description": t.description,
            "columns": {
                c.name: {"type": c.type, "required": c.required, "description": c.description}
                for c in t.columns
            },
        }
        for t in schema.tables.values()
    }
