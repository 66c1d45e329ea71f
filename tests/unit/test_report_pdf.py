"""The PDF pack: A4 pages, a title page, a contents page linking to each section."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from test_report_html import sample_pack

from dbv.report.html import render_html
from dbv.report.model import Table
from dbv.report.pdf import render_document, write_pdf

weasyprint = pytest.importorskip("weasyprint")


@pytest.fixture(scope="module")
def doc() -> Any:
    return render_document(sample_pack())


def _flatten(tree: list[Any]) -> list[str]:
    out: list[str] = []
    for label, _target, children, _state in tree:
        out.append(label)
        out.extend(_flatten(children))
    return out


def test_pages_a4_title_contents_sections(doc: Any) -> None:
    # title, contents, two sections, three appendices at least
    assert len(doc.pages) >= 7
    a4 = (210 / 25.4 * 96, 297 / 25.4 * 96)
    page = doc.pages[0]
    assert abs(page.width - a4[0]) < 1 and abs(page.height - a4[1]) < 1


def test_sections_are_bookmarks(doc: Any) -> None:
    labels = _flatten(doc.make_bookmark_tree())
    for title in ("Caseload & growth", "Finance", "Assumptions", "Data sources", "About this run"):
        assert title in labels


def test_contents_page_links_to_every_section(doc: Any) -> None:
    anchors = {a for p in doc.pages for a in p.anchors}
    links = {target for kind, target, *_ in doc.pages[1].links if kind == "internal"}
    wanted = {"caseload", "caseload-trend", "finance", "finance-detail"}
    wanted |= {"assumptions", "data-sources", "run"}
    assert wanted <= links
    assert wanted <= anchors
    # every top-level section starts a page of its own
    for s in ("caseload", "finance", "assumptions"):
        first = next(i for i, p in enumerate(doc.pages) if s in p.anchors)
        assert first >= 2


def test_pdf_html_has_paged_media_rules() -> None:
    html = render_html(sample_pack(), for_pdf=True)
    assert 'class="pdf"' in html
    for rule in ("counter(pages)", "target-counter(attr(href), page)", "leader(", "A4"):
        assert rule in html
    assert "counter(pages)" not in render_html(sample_pack())


def test_no_css_the_printer_ignores(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_document(sample_pack(long_rows=3))
    ignored = [r.getMessage() for r in caplog.records if "HarfBuzz" not in r.getMessage()]
    assert ignored == []


def test_too_wide_tables_print_their_section_landscape() -> None:
    pack = sample_pack(long_rows=3)
    frame = pl.DataFrame({f"spend_{y}": [123456789.0] for y in range(2014, 2026)})
    pack.sections[1].add(
        Table("wide", "Spend by year", frame, dict.fromkeys(frame.columns, "money"))
    )
    doc = render_document(pack)
    landscape = {a for p in doc.pages if p.width > p.height for a in p.anchors}
    assert "finance" in landscape and "caseload" not in landscape
    assert "assumptions" not in landscape


def test_write_pdf_is_atomic(tmp_path: Path) -> None:
    out = write_pdf(sample_pack(long_rows=5), tmp_path / "report.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
