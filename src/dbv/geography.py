"""Local authorities: who they are now, what they were, and finding one from what a user types."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from dbv import params
from dbv.errors import UnknownLAError


@dataclass(frozen=True)
class LA:
    code: str  # 3-digit DfE LA number
    e_code: str  # ONS code as most recently published
    name: str
    region_code: str
    region_name: str
    first_year: int
    last_year: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.e_code,
            "old_code": self.code,
            "name": self.name,
            "region": self.region_name,
            "region_code": self.region_code,
        }


@dataclass(frozen=True)
class Reorganisation:
    name: str
    date: str
    first_census: int
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    exact: bool
    note: str


def reorganisations() -> list[Reorganisation]:
    data = params.load("la_reorganisations")
    return [
        Reorganisation(
            name=e["name"],
            date=str(e["date"]),
            first_census=int(e["first_census"]),
            predecessors=tuple(e["predecessors"]),
            successors=tuple(e["successors"]),
            exact=bool(e["exact"]),
            note=" ".join(str(e["note"]).split()),
        )
        for e in data["events"]
    ]


def _norm(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"\b(city of|county of|council|borough|the)\b", " ", text)
    return " ".join(text.split())


class Geography:
    """Every LA that appears in the data, with current ones (in the latest census) flagged."""

    def __init__(self, areas: pl.DataFrame) -> None:
        if areas.is_empty():
            raise UnknownLAError(
                "no local authorities found in the data",
                fix="add the official EHC plans files to the data directory ('dbv data status')",
            )
        self.latest_year = int(areas["year"].max())  # type: ignore[arg-type]
        english_regions = areas.filter(pl.col("region_code").str.starts_with("E12"))
        spans = areas.group_by("la_code").agg(
            pl.col("year").min().alias("first_year"), pl.col("year").max().alias("last_year")
        )
        latest = (
            english_regions.sort("year")
            .group_by("la_code")
            .last()
            .join(spans, on="la_code")
            .sort("la_code")
        )
        self.las: dict[str, LA] = {
            r["la_code"]: LA(
                code=r["la_code"],
                e_code=r["e_code"],
                name=r["la_name"],
                region_code=r["region_code"],
                region_name=r["region_name"],
                first_year=r["first_year"],
                last_year=r["last_year"],
            )
            for r in latest.iter_rows(named=True)
        }
        self.regions = {la.region_code: la.region_name for la in self.las.values()}
        self._by_e: dict[str, str] = {
            e: c for c, e in areas.select("la_code", "e_code").unique().iter_rows()
        }
        for change in params.load("la_reorganisations")["code_changes"]:
            for key in ("from", "to"):
                self._by_e[str(change[key])] = str(change["la_code"])
        self._by_name = {_norm(la.name): la.code for la in self.las.values()}
        self.events = reorganisations()

    def current(self) -> list[LA]:
        return [la for la in self.las.values() if la.last_year == self.latest_year]

    def in_region(self, region_code: str) -> list[LA]:
        return [la for la in self.current() if la.region_code == region_code]

    def resolve(self, query: str) -> LA:
        """An LA from a name (any case, close matches suggested), a 3-digit code or an E-code."""
        q = query.strip()
        code: str | None = None
        if re.fullmatch(r"\d{1,3}", q):
            code = q.zfill(3)
        elif re.fullmatch(r"[Ee]\d{8}", q):
            code = self._by_e.get(q.upper())
        else:
            code = self._by_name.get(_norm(q))
            if code is None:
                starts = [c for n, c in self._by_name.items() if n.startswith(_norm(q))]
                code = starts[0] if len(starts) == 1 else None
        if code is not None and code in self.las:
            return self.las[code]
        raise UnknownLAError(
            f"no local authority matches '{query}'",
            fix=self._suggest(q),
        )

    def _suggest(self, q: str) -> str:
        names = {_norm(la.name): la.name for la in self.las.values()}
        close = difflib.get_close_matches(_norm(q), list(names), n=5, cutoff=0.5)
        if not close:
            close = [n for n in names if _norm(q)[:3] and n.startswith(_norm(q)[:3])][:5]
        if close:
            return "did you mean: " + ", ".join(names[c] for c in close) + "?"
        return "use an LA name, a 3-digit DfE code (e.g. 831) or an E-code; 'dbv las' lists them"

    def history(self, code: str) -> list[Reorganisation]:
        """Reorganisations this LA came out of (as a successor) or went into (predecessor)."""
        return [e for e in self.events if code in e.successors or code in e.predecessors]
