"""The HTML pack: one self-contained page, every block type, escaping and number formats."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dbv.report.html import render_html, write_html
from dbv.report.html_blocks import _own_ids, chart_html, format_value
from dbv.report.model import Assumption, Chart, Note, Pack, Section, Table, Text

SPEC: dict[str, Any] = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {
        "values": [{"year": "2023", "n": 10}, {"year": "2024", "n": 14}, {"year": "2025", "n": 9}]
    },
    "mark": "bar",
    "encoding": {
        "x": {"field": "year", "type": "ordinal"},
        "y": {"field": "n", "type": "quantitative", "title": "Plans"},
    },
}


def sample_pack(long_rows: int = 45) -> Pack:
    """Two sections with a child each, every block type, every format, awkward values."""
    pack = Pack("SEND diagnostic <draft>", "Exampleshire", "Delivering Better Value in SEND")
    frame = pl.DataFrame(
        {
            "name": ["Special <b>schools</b>", "Mainstream & units", "Other"],
            "plans": [1234, 56789, None],
            "children": [120, None, 7],
            "rate": [1.25, 3.0, None],
            "share": [0.123, 0.5, None],
            "cost": [1234.4, -5.2, None],
            "as_at": [dt.date(2025, 1, 16), None, dt.date(2024, 1, 18)],
            "reasons": [["late", "missing"], ["none"], None],
        }
    )
    table = Table(
        "settings",
        "Plans by setting <2025>",
        frame,
        formats={
            "name": "text",
            "plans": "int",
            "children": "count",
            "rate": "num",
            "share": "pct",
            "cost": "money",
            "as_at": "date",
        },
        labels={"as_at": "As at"},
        note="Counts from 1 to 4 are withheld <always>.",
    )
    long = Table("long", "A long table", pl.DataFrame({"i": list(range(long_rows))}), {"i": "int"})
    one = pack.section("caseload", "Caseload & growth")
    one.add(
        Text("What the caseload looks like.", "lead"),
        Text("Plans rose <fast>."),
        Text("By setting", "h3"),
        table,
        Note("Figures are provisional.", "info"),
        Note("Sample is small <n = 12>.", "warning"),
        Note("Finance outturn is missing.", "missing", fix="Put the S251 outturn file in data/"),
    )
    one.sub("caseload-trend", "Trend").add(
        Chart("plans", "Plans by year", SPEC, "Bar chart: 10 plans in 2023, 14 in 2024, 9 in 2025.")
    )
    two = pack.section("finance", "Finance")
    two.add(Text("The high needs block."))
    two.sub("finance-detail", "Detail").add(long, Note("Deficit forecast uncertain.", "warning"))
    pack.assumptions = [
        Assumption("Finance", "Inflation", "3%", "OBR <March 2025>"),
        Assumption("Demand", "Growth", "5% a year", "Local trend"),
    ]
    pack.sources = [
        {
            "file": "sen2.csv",
            "sha256": "a" * 64,
            "url": "https://explore-education-statistics.service.gov.uk/x",
        },
        {"file": "s251.xlsx", "sha256": "b" * 64},
    ]
    pack.run = {"date": "2025-11-25", "seed": 42, "versions": {"dbv": "0.1.0", "polars": "1.2"}}
    return pack


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_pack())


def test_structure_ids_nav_and_headings(page: str) -> None:
    tags = _tags(page)
    assert [t for t, _ in tags].count("h1") == 1
    assert ("html", {"lang": "en-GB"}) in tags
    ids = {a["id"] for _, a in tags if a.get("id")}
    wanted = {"caseload", "caseload-trend", "finance", "finance-detail"}
    wanted |= {"assumptions", "data-sources", "run", "main"}
    assert wanted <= ids
    sections = {a["id"] for t, a in tags if t == "section"}
    assert {"caseload", "finance", "assumptions", "data-sources", "run"} <= sections
    nav = page[page.index("<nav") :]
    assert 'aria-label="Contents"' in nav[: nav.index(">")]
    nav = nav[: nav.index("</nav>")]
    for i in wanted - {"main"}:
        assert f'href="#{i}"' in nav
    assert 'href="#main"' in page  # skip link
    assert re.search(r'<h3 id="caseload-trend">Trend</h3>', page)
    assert "<h4>By setting</h4>" in page
    assert '<p class="lead">What the caseload looks like.</p>' in page
    th = [a for t, a in tags if t == "th"]
    assert th and all(a.get("scope") == "col" for a in th)


def test_self_contained(page: str) -> None:
    assert 'src="http' not in page
    assert "<link" not in page
    assert "<script" not in page
    assert "@import" not in page and "url(http" not in page
    assert "<style>" in page and "font-family: Arial" in page


def test_chart_is_inline_svg(page: str) -> None:
    fig = page[page.index('<figure id="chart-plans"') :]
    fig = fig[: fig.index("</figure>")]
    assert '<svg role="img" aria-label="Bar chart: 10 plans in 2023' in fig
    assert "<figcaption>Plans by year</figcaption>" in fig
    assert "<details><summary>Chart description</summary>" in fig


def test_chart_with_own_title_keeps_caption_for_screen_readers() -> None:
    out = chart_html(Chart("t", "Plans", {**SPEC, "title": "Plans"}, "alt"))
    assert '<figcaption class="visually-hidden">Plans</figcaption>' in out


def test_chart_ids_are_made_unique() -> None:
    svg = '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"><use href="#clip1"/></g></svg>'
    out = _own_ids(svg, "c-k-")
    assert 'id="c-k-clip1"' in out and "url(#c-k-clip1)" in out and 'href="#c-k-clip1"' in out


def test_bad_chart_is_a_visible_note() -> None:
    bad = Chart("bad", "Broken", {"mark": "nonsense-mark", "data": {"values": []}}, "nothing")
    out = chart_html(bad)
    assert "Chart could not be drawn:" in out and "<svg" not in out


def test_escaping(page: str) -> None:
    assert "<b>schools</b>" not in page
    assert "Special &lt;b&gt;schools&lt;/b&gt;" in page
    assert "Mainstream &amp; units" in page
    assert "Plans by setting &lt;2025&gt;" in page
    assert "Sample is small &lt;n = 12&gt;." in page
    assert "SEND diagnostic &lt;draft&gt;" in page
    assert "OBR &lt;March 2025&gt;" in page
    assert "Caseload &amp; growth" in page


def test_formats(page: str) -> None:
    assert ">1,234<" in page and ">56,789<" in page
    assert ">120<" in page and ">1.2<" in page and ">3.0<" in page
    assert ">12%<" in page and ">50%<" in page
    assert ">£1,234<" in page and ">\u2212£5<" in page
    assert ">2025-01-16<" in page
    assert ">late; missing<" in page
    assert '<span aria-hidden="true">\u2013</span>' in page
    assert "withheld or not available" in page
    assert '<td class="num">' in page and "tabular-nums" in page
    assert '<p class="table-note">Counts from 1 to 4 are withheld &lt;always&gt;.</p>' in page


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (1234567, "int", "1,234,567"),
        (4.6, "count", "5"),
        (2.25, "num", "2.2"),
        (0.123, "pct", "12%"),
        (-1234.4, "money", "\u2212£1,234"),
        (-0.4, "money", "£0"),
        (dt.date(2025, 3, 1), "date", "2025-03-01"),
        (None, "int", None),
        (float("nan"), "num", None),
        ([1, None, 3], "int", "1; \u2013; 3"),
        (True, None, "Yes"),
        ("abc", "money", "abc"),
    ],
)
def test_format_value(value: Any, fmt: str | None, text: str | None) -> None:
    assert format_value(value, fmt) == text


def test_notes(page: str) -> None:
    assert '<div class="inset"><p>Figures are provisional.</p></div>' in page
    assert '<div class="warning"><span class="icon" aria-hidden="true">!</span>' in page
    assert "Not available yet" in page
    assert "How to add it: Put the S251 outturn file in data/" in page


def test_long_tables_scroll_on_screen_only() -> None:
    pack = sample_pack()
    assert page_count(render_html(pack), '<div class="scroll"') == 1
    assert page_count(render_html(pack, for_pdf=True), '<div class="scroll"') == 0


def test_wide_tables_scroll_sideways_on_screen() -> None:
    frame = pl.DataFrame({f"c{i}": [i] for i in range(9)})
    out = render_html(Pack("T", "LA", "S", [Section("s", "S", [Table("w", "Wide", frame)])]))
    assert '<div class="scroll-x"' in out and '<table id="table-w" class="wide">' in out


def page_count(text: str, needle: str) -> int:
    return text.count(needle)


def test_appendices_and_footer(page: str) -> None:
    appendix = page[page.index('id="data-sources"') :]
    assert f'<span class="mono">{"a" * 64}</span>' in appendix
    assert '<a href="https://explore-education-statistics' in appendix
    assert '<th scope="col">Sha256</th>' in appendix
    run = page[page.index('<section id="run"') :]
    assert "<dt>seed</dt><dd>42</dd>" in run
    assert "&quot;polars&quot;: &quot;1.2&quot;" in run
    assert re.search(r"Produced by dbv \S+ \u00b7 every percentage from a sample shows its n", page)


def test_write_html_is_atomic(tmp_path: Path) -> None:
    out = write_html(sample_pack(), tmp_path / "pack" / "report.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
