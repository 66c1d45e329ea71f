"""The diagnostic pack as one self-contained HTML page (and the HTML the PDF is printed from).

One file, readable offline: the CSS is inline, charts are inline SVG, there are no scripts and
nothing is fetched; the only links are to cited sources. The look follows the GOV.UK Design
System without its fonts or assets. The page is written to a temporary file in the target
folder and renamed, so a failure leaves no partial page.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from dbv import __version__
from dbv.report.html_blocks import block_html, cell_html, needs_landscape
from dbv.report.model import Pack, Section, Table

STATEMENT = (
    "every percentage from a sample shows its n and an interval; counts from 1 to 4 are withheld"
)
PDF_MARKER = "/* @pdf"
APPENDICES = (
    ("assumptions", "Assumptions"),
    ("data-sources", "Data sources"),
    ("run", "About this run"),
)


@cache
def _css() -> tuple[str, str]:
    """(rules for every page, rules only for the PDF)."""
    text = files("dbv.report").joinpath("style.css").read_text(encoding="utf-8")
    screen, _, pdf = text.partition(PDF_MARKER)
    return screen, PDF_MARKER + pdf if pdf else ""


def _nav(pack: Pack) -> str:
    def item(s: Section) -> str:
        kids = "".join(item(c) for c in s.children)
        sub = f"<ol>{kids}</ol>" if kids else ""
        return f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a>{sub}</li>'

    items = "".join(item(s) for s in pack.sections)
    items += "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in APPENDICES)
    return (
        '<nav class="contents" aria-label="Contents"><h2 class="toc">Contents</h2>'
        f"<ol>{items}</ol></nav>"
    )


def _section(s: Section, depth: int, for_pdf: bool) -> str:
    tag = f"h{min(depth, 4)}"
    blocks = "".join(block_html(b, for_pdf=for_pdf) for b in s.blocks)
    kids = "".join(_section(c, depth + 1, for_pdf) for c in s.children)
    if depth == 2:
        tables = (b for x in s.walk() for b in x.blocks if isinstance(b, Table) and b.web)
        wide = for_pdf and any(needs_landscape(t) for t in tables)
        cls = ' class="landscape"' if wide else ""
        return (
            f'<section id="{escape(s.id)}"{cls} '
            f'aria-labelledby="{escape(s.id)}-h">'
            f'<h2 id="{escape(s.id)}-h">{escape(s.title)}</h2>{blocks}{kids}</section>'
        )
    return (
        f'<div class="sub"><{tag} id="{escape(s.id)}">{escape(s.title)}</{tag}>{blocks}{kids}</div>'
    )


def _grid(headers: list[str], rows: list[list[str]], caption: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    cap = f'<caption class="visually-hidden">{escape(caption)}</caption>'
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _source_cell(key: str, v: Any) -> str:
    text = cell_html(v, None)
    if v is not None and key.lower() in ("sha256", "sha", "hash", "checksum"):
        return f'<span class="mono">{text}</span>'
    if isinstance(v, str) and v.startswith(("https://", "http://")):
        return f'<a href="{escape(v)}" class="mono">{text}</a>'
    return text


def _appendices(pack: Pack) -> str:
    parts = ['<section id="assumptions" class="appendix"><h2>Assumptions</h2>']
    if pack.assumptions:
        rows = [
            [escape(a.area), escape(a.name), escape(a.value), escape(a.source)]
            for a in pack.assumptions
        ]
        parts.append(_grid(["Area", "Name", "Value", "Source"], rows, "Assumptions"))
    else:
        parts.append("<p>This pack rests on no stated assumptions.</p>")
    parts.append('</section><section id="data-sources" class="appendix"><h2>Data sources</h2>')
    keys: list[str] = []
    for src in pack.sources:
        keys.extend(k for k in src if k not in keys)
    if pack.sources:
        rows = [[_source_cell(k, src.get(k)) for k in keys] for src in pack.sources]
        headers = [k.replace("_", " ").capitalize() for k in keys]
        parts.append(_grid(headers, rows, "Data sources"))
    else:
        parts.append("<p>No data files were recorded for this run.</p>")
    parts.append('</section><section id="run" class="appendix"><h2>About this run</h2>')
    parts.append(_run(pack.run))
    parts.append("</section>")
    return "".join(parts)


def _run(run: Mapping[str, Any]) -> str:
    if not run:
        return "<p>No run details were recorded.</p>"
    items = []
    for k, v in run.items():
        if isinstance(v, Mapping | list | tuple):
            text = json.dumps(v, indent=2, default=str, ensure_ascii=False)
            value = f"<pre>{escape(text)}</pre>"
        else:
            value = cell_html(v, None)
        items.append(f"<dt>{escape(str(k))}</dt><dd>{value}</dd>")
    return f'<dl class="run">{"".join(items)}</dl>'


def render_html(pack: Pack, *, for_pdf: bool = False) -> str:
    """The whole pack as one HTML document; ``for_pdf`` adds the title and contents pages and
    the paged-media rules WeasyPrint prints from."""
    screen, pdf = _css()
    css = screen + (pdf if for_pdf else "")
    date = pack.run.get("date")
    date_html = f'<p class="date">{escape(str(date))}</p>' if date else ""
    sections = "".join(_section(s, 2, for_pdf) for s in pack.sections)
    title = escape(pack.title)
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="author" content="{escape(pack.la)}">'
        f'<meta name="description" content="{escape(pack.subtitle)}">'
        f'<meta name="generator" content="dbv {escape(__version__)}">'
        f"<title>{title} \u2013 {escape(pack.la)}</title><style>{css}</style></head>"
        f'<body class="{"pdf" if for_pdf else "screen"}">'
        '<a href="#main" class="skip-link">Skip to main content</a>'
        '<header class="masthead"><div class="wrap"><div class="bar"></div>'
        f'<p class="la la-name">{escape(pack.la)}</p><h1>{title}</h1>'
        f'<p class="subtitle">{escape(pack.subtitle)}</p>{date_html}</div></header>'
        f'<div class="wrap">{_nav(pack)}<main id="main">{sections}</main>{_appendices(pack)}'
        f"<footer><p>Produced by dbv {escape(__version__)} \u00b7 {STATEMENT}</p></footer>"
        "</div></body></html>\n"
    )


def write_text_atomic(text: str | bytes, path: Path, suffix: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_html(pack: Pack, path: Path) -> Path:
    """Write the pack as one self-contained HTML file at ``path`` (atomically)."""
    return write_text_atomic(render_html(pack), path, ".html.tmp")
