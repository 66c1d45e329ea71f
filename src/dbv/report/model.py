"""The diagnostic pack as data: sections of blocks (text, tables, charts, notes), the
assumptions and the data sources. HTML, PDF and Excel are renderers of this one structure, so a
figure is computed once and printed the same everywhere.

Honesty is built into the types: a :class:`Table` says which columns are counts (suppressed
before it is built), which are proportions and what their n and interval columns are; a
:class:`Saving` cannot exist without its assumptions and the unmitigated, mitigated and gap
figures it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

Format = Literal["text", "int", "count", "num", "pct", "money", "date"]
# "count": a count of children, families or staff; never 1 to threshold - 1 (tests check)


@dataclass(frozen=True)
class Text:
    text: str
    kind: Literal["p", "h3", "lead"] = "p"


@dataclass(frozen=True)
class Note:
    """A warning, a caveat or a statement of what is missing and how to add it."""

    text: str
    level: Literal["info", "warning", "missing"] = "info"
    fix: str = ""


@dataclass(frozen=True)
class Table:
    """A table already safe to publish (small counts suppressed by :mod:`dbv.report.publish`).

    ``formats`` maps column to how it prints; proportions are shown as their ``text`` column
    (``Estimate.text``-style, with k, n and the interval) wherever the table has one."""

    key: str  # sheet name in Excel, id in HTML
    title: str
    frame: pl.DataFrame
    formats: dict[str, Format] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # column -> header
    note: str = ""
    excel: bool = True  # also a sheet in report.xlsx
    web: bool = True  # also in report.html and report.pdf (False: too detailed, Excel only)

    def header(self, col: str) -> str:
        return self.labels.get(col, col.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    spec: dict[str, Any]  # Vega-Lite
    alt: str  # text alternative: what the chart shows


Block = Text | Note | Table | Chart


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def sub(self, id: str, title: str) -> Section:
        child = Section(id, title)
        self.children.append(child)
        return child

    def walk(self) -> list[Section]:
        return [self, *[s for c in self.children for s in c.walk()]]


@dataclass(frozen=True)
class Assumption:
    area: str
    name: str
    value: str
    source: str


@dataclass
class Pack:
    title: str
    la: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)  # file / dataset, sha256
    run: dict[str, Any] = field(default_factory=dict)
    finance_sheet: Any = None  # dbv.report.finance_tables.FinanceSheet, for Excel formulas

    def section(self, id: str, title: str) -> Section:
        s = Section(id, title)
        self.sections.append(s)
        return s

    def tables(self) -> list[Table]:
        return [
            b for s in self.sections for x in s.walk() for b in x.blocks if isinstance(b, Table)
        ]

    def all_sections(self) -> list[Section]:
        return [x for s in self.sections for x in s.walk()]
