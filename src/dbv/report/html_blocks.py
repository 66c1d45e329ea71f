"""HTML for the blocks of a pack section: text, notes, tables and charts.

Every piece of text is escaped here; a chart that cannot be drawn becomes a visible note rather
than an error, so one bad chart never stops the pack.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from html import escape
from typing import Any

import vl_convert

from dbv.report.model import Block, Chart, Note, Table, Text

NUMERIC = frozenset({"int", "count", "num", "pct", "money"})
LONG_TABLE = 40  # rows; longer tables scroll on screen (never in print)
SAMPLE_ROWS = 200  # rows measured to judge whether a table needs a landscape page
PORTRAIT_PT = 490  # A4 portrait text width (pt) against ~5 pt a character and 8 pt a column
WIDE_TABLE = 7  # columns; wider tables print smaller and scroll sideways on screen
MINUS = "\u2212"
DASH = "\u2013"
MISSING = (
    f'<span aria-hidden="true">{DASH}</span>'
    '<span class="visually-hidden">withheld or not available</span>'
)


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float | Decimal):
        f = float(v)
        return f if math.isfinite(f) else None
    return None


def format_value(v: Any, fmt: str | None) -> str | None:
    """The printed text of one value (not escaped), or None where nothing can be shown."""
    if v is None:
        return None
    if hasattr(v, "to_list") and not isinstance(v, str | bytes):  # a polars Series in a list
        v = v.to_list()
    if isinstance(v, list | tuple | set | frozenset):
        parts = [format_value(x, fmt) for x in v]
        return "; ".join(p if p is not None else DASH for p in parts)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    x = _number(v)
    if fmt in NUMERIC and x is not None:
        if fmt in ("int", "count"):
            return f"{round(x):,}"
        if fmt == "num":
            return f"{x:,.1f}"
        if fmt == "pct":
            return f"{100 * x:,.0f}%"
        whole = round(x)
        return f"{MINUS if whole < 0 else ''}£{abs(whole):,}"
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, Mapping):
        return json.dumps(v, default=str, ensure_ascii=False)
    return str(v)


def cell_html(v: Any, fmt: str | None) -> str:
    text = format_value(v, fmt)
    return MISSING if text is None else escape(text)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def needs_landscape(table: Table) -> bool:
    """Whether the table is too wide for an A4 portrait page (judged from its first rows)."""
    fmts = [table.formats.get(c) for c in table.frame.columns]
    chars = [max(map(len, table.header(c).split()), default=1) for c in table.frame.columns]
    caps = [20 if f in NUMERIC else 12 for f in fmts]  # text wraps; numbers do not
    for row in table.frame.head(SAMPLE_ROWS).iter_rows():
        seen = zip(chars, row, fmts, caps, strict=True)
        chars = [max(n, min(len(format_value(v, f) or ""), cap)) for n, v, f, cap in seen]
    return sum(5 * n + 8 for n in chars) > PORTRAIT_PT


def table_html(table: Table, *, for_pdf: bool = False) -> str:
    cols = list(table.frame.columns)
    fmts = [table.formats.get(c) for c in cols]
    classes = [' class="num"' if f in NUMERIC else "" for f in fmts]
    head = "".join(
        f'<th scope="col"{k}>{escape(table.header(c))}</th>'
        for c, k in zip(cols, classes, strict=True)
    )
    body = []
    for row in table.frame.iter_rows():
        cells = (
            f"<td{k}>{cell_html(v, f)}</td>" for v, f, k in zip(row, fmts, classes, strict=True)
        )
        body.append(f"<tr>{''.join(cells)}</tr>")
    wide = len(cols) > WIDE_TABLE
    cls = ' class="wide"' if wide else ""
    out = (
        f'<table id="table-{escape(_slug(table.key))}"{cls}>'
        f"<caption>{escape(table.title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    long = table.frame.height > LONG_TABLE
    if (long or wide) and not for_pdf:
        kind = "scroll" if long else "scroll-x"
        label = escape(f"{table.title} (scrollable)")
        out = f'<div class="{kind}" tabindex="0" role="region" aria-label="{label}">{out}</div>'
    if table.note:
        out += f'<p class="table-note">{escape(table.note)}</p>'
    return out


def note_html(note: Note) -> str:
    text = escape(note.text)
    if note.level == "warning":
        return (
            '<div class="warning"><span class="icon" aria-hidden="true">!</span>'
            f'<strong><span class="visually-hidden">Warning: </span>{text}</strong></div>'
        )
    if note.level == "missing":
        fix = f"<p>How to add it: {escape(note.fix)}</p>" if note.fix else ""
        return f'<div class="missing"><h4>Not available yet</h4><p>{text}</p>{fix}</div>'
    return f'<div class="inset"><p>{text}</p></div>'


def text_html(text: Text) -> str:
    if text.kind == "h3":
        return f"<h4>{escape(text.text)}</h4>"
    if text.kind == "lead":
        return f'<p class="lead">{escape(text.text)}</p>'
    return f"<p>{escape(text.text)}</p>"


def _own_ids(svg: str, prefix: str) -> str:
    """Prefix the SVG's ids (clip paths, gradients) so charts on one page cannot collide."""
    ids = set(re.findall(r'\sid="([^"]+)"', svg))
    if not ids:
        return svg

    def swap(m: re.Match[str]) -> str:
        name = m.group(2)
        return f"{m.group(1)}{prefix}{name}{m.group(3)}" if name in ids else m.group(0)

    return re.sub(r'(\sid="|url\(#|href="#)([^")]+)([")])', swap, svg)


def chart_svg(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` (Vega-Lite via vl-convert), labelled with its alt text.

    Raises whatever vl-convert raises; :func:`chart_html` turns that into a visible note."""
    svg = str(vl_convert.vegalite_to_svg(chart.spec))
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("the chart renderer returned no SVG")
    svg = _own_ids(svg[start:], f"c-{_slug(chart.key)}-")
    alt = escape(chart.alt)
    return svg.replace("<svg", f'<svg role="img" aria-label="{alt}"', 1)


def chart_html(chart: Chart, *, for_pdf: bool = False) -> str:
    try:
        drawing = chart_svg(chart)
    except Exception as exc:  # any failure becomes a visible note, never a crash
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        drawing = f'<p class="chart-error">Chart could not be drawn: {escape(reason[:300])}</p>'
    alt = escape(chart.alt)
    desc = f'<p class="chart-desc">Chart description: {alt}</p>'
    if not for_pdf:  # on screen a disclosure; printed from a browser, the plain paragraph
        desc = desc.replace('"chart-desc"', '"chart-desc print-only"')
        desc = f"<details><summary>Chart description</summary><p>{alt}</p></details>{desc}"
    # a chart that draws its own title keeps the caption for screen readers only
    hidden = ' class="visually-hidden"' if chart.spec.get("title") and "<svg" in drawing else ""
    return (
        f'<figure id="chart-{escape(_slug(chart.key))}">'
        f"<figcaption{hidden}>{escape(chart.title)}</figcaption>{drawing}{desc}</figure>"
    )


def block_html(block: Block, *, for_pdf: bool = False) -> str:
    if isinstance(block, Table):
        return table_html(block, for_pdf=for_pdf) if block.web else ""
    if isinstance(block, Chart):
        return chart_html(block, for_pdf=for_pdf)
    if isinstance(block, Note):
        return note_html(block)
    return text_html(block)
