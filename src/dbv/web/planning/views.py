"""Pages of the planning app (module 3 and the grant): the overview with every plan check, one
list and add/edit/delete form per plan table, the Gantt chart, the risk heat map, governance,
the End of Phase 1 checklist, the grant builder, CSV import and export, and the pack button.

Every figure comes from :mod:`dbv.module3` on this council's frames (:func:`data.frames`);
every write goes through :mod:`dbv.web.planning.actions`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import polars as pl
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dbv.module3.checklist import checklist, readiness
from dbv.module3.gantt import gantt
from dbv.module3.governance import check_governance, governance_table
from dbv.module3.grant import by_category, by_year, check_grant, grant_summary
from dbv.module3.load import plan_schema
from dbv.module3.risks import heat_map, risk_matrix, score_risks
from dbv.web.core.access import actor_of, org_view, organisation_of
from dbv.web.core.downloads import attachment
from dbv.web.core.exports import zip_bytes
from dbv.web.planning import actions
from dbv.web.planning.data import check_frames, frames, read_upload
from dbv.web.planning.exports import tables as export_tables
from dbv.web.planning.forms import ImportForm, form_class
from dbv.web.planning.models import MODELS, TITLES, Pack, PlanRow, columns, label
from dbv.web.planning.pack import FILES, pack_file

RAG_TAGS = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}


def _url(request: HttpRequest, name: str, *args: Any) -> str:
    return reverse(f"planning:{name}", args=[organisation_of(request).code, *args])


def _table_or_404(table: str) -> type[PlanRow]:
    model = MODELS.get(table)
    if model is None:
        raise Http404("No such plan table")
    return model


def _labels(code_list: str) -> dict[str, str]:
    return plan_schema().code_list(code_list)


def _role(code: str | None) -> str:
    return _labels("role").get(code or "", code or "")


def _money(x: float | None) -> str:
    return "" if x is None else f"£{x:,.0f}"


def _findings(results: list[Any]) -> list[dict[str, Any]]:
    return [
        {"severity": r.severity, "table": r.table, "title": TITLES.get(r.table or "", r.table),
         "message": r.message, "fix": r.action, "column": r.column}
        for r in results
    ]  # fmt: skip


@org_view("plan.view")
def plan_home(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    t = frames(org)
    results = check_frames(t)
    rd = readiness(checklist(t["phase1_criterion"]))
    summary = grant_summary(t["grant_line"])
    tables = [
        {"name": n, "title": TITLES[n], "rows": t[n].height, "url": _url(request, "table", n),
         "description": plan_schema().tables[n].description}
        for n in MODELS
    ]  # fmt: skip
    return render(request, "planning/home.html", {
        "tables": tables,
        "findings": _findings(results),
        "errors": sum(r.severity != "warning" for r in results),
        "warnings": sum(r.severity == "warning" for r in results),
        "readiness": rd,
        "grant": {k: _money(float(v)) for k, v in summary.items()
                  if k in ("total", "maximum", "headroom")},
        "can_edit": actor_of(request).can("plan.edit"),
        "can_pack": actor_of(request).can("pack.view"),
    })  # fmt: skip


def _display(row: PlanRow, column: str) -> str:
    value = getattr(row, column)
    getter = getattr(row, f"get_{column}_display", None)
    if getter is not None and value:
        return str(getter())
    if value is None:
        return ""
    if column == "reached" and isinstance(value, int) and 1 <= value <= 4:
        return "1 to 4 (withheld)"  # a count of people: never shown below 5
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


@org_view("plan.view")
def table_list(request: HttpRequest, table: str) -> HttpResponse:
    model = _table_or_404(table)
    org = organisation_of(request)
    names = columns(table)
    rows = [
        {"cells": [_display(r, c) for c in names], "key": r.key(),
         "edit": _url(request, "edit", table, r.pk), "delete": _url(request, "delete", table, r.pk)}
        for r in model.objects.filter(organisation=org).order_by("id")
    ]  # fmt: skip
    return render(request, "planning/table.html", {
        "table": table, "title": TITLES[table],
        "description": plan_schema().tables[table].description,
        "headers": [label(c) for c in names], "rows": rows,
        "add_url": _url(request, "add", table),
        "can_edit": actor_of(request).can("plan.edit"),
    })  # fmt: skip


@org_view("plan.edit")
def edit_row(request: HttpRequest, table: str, pk: int | None = None) -> HttpResponse:
    model = _table_or_404(table)
    org = organisation_of(request)
    instance = None
    if pk is not None:
        instance = model.objects.filter(organisation=org, pk=pk).first()
        if instance is None:
            raise Http404("No such record")
    form_cls = form_class(table)
    form = form_cls(request.POST or None, instance=instance, organisation=org)
    if request.method == "POST" and form.is_valid():
        values = {c: form.cleaned_data[c] for c in columns(table)}
        try:
            row = actions.save_row(actor_of(request), table, pk, values)
        except actions.GrantLimitExceeded as exc:
            form.add_error("amount", str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Saved {TITLES[table].lower()} record {row.key()}.")
            return redirect(_url(request, "table", table))
    status = 400 if request.method == "POST" else 200
    return render(request, "planning/edit.html", {
        "form": form, "table": table, "title": TITLES[table], "instance": instance,
        "back": _url(request, "table", table),
    }, status=status)  # fmt: skip


@org_view("plan.edit")
def delete_row(request: HttpRequest, table: str, pk: int) -> HttpResponse:
    model = _table_or_404(table)
    row = model.objects.filter(organisation=organisation_of(request), pk=pk).first()
    if row is None:
        raise Http404("No such record")
    if request.method == "POST":
        key = row.key()
        actions.delete_row(actor_of(request), row)
        messages.success(request, f"Deleted {TITLES[table].lower()} record {key}.")
        return redirect(_url(request, "table", table))
    return render(request, "planning/delete.html", {
        "row": row, "key": row.key(), "table": table, "title": TITLES[table],
        "back": _url(request, "table", table),
    })  # fmt: skip


@org_view("plan.view")
def gantt_view(request: HttpRequest) -> HttpResponse:
    from dbv.report.charts import gantt_chart
    from dbv.report.html_blocks import chart_svg

    t = frames(organisation_of(request))
    g = gantt(t["workstream"], t["activity"], t["milestone"])
    svg, alt = "", ""
    if g.height:
        chart = gantt_chart(g, "Implementation plan", "gantt")
        alt = chart.alt
        try:
            svg = chart_svg(chart)
        except Exception as exc:  # the table below shows the same rows
            svg = ""
            alt = f"The chart could not be drawn ({type(exc).__name__}); the table has every row."
    status = _labels("activity_status")
    rows = [
        {**r, "owner": _role(r["owner_role"]), "state": status.get(r["status"] or "", ""),
         "milestones": [{**m, "done": m["achieved_on"] is not None} for m in r["milestones"]]}
        for r in g.iter_rows(named=True)
    ]  # fmt: skip
    problems = _findings([r for r in check_frames(t) if r.table in ("activity", "milestone")])
    return render(request, "planning/gantt.html",
                  {"svg": svg, "alt": alt, "rows": rows, "findings": problems})  # fmt: skip


def heat_rows(risk: pl.DataFrame, which: str = "residual") -> list[dict[str, Any]]:
    """The 5 x 5 heat map as table rows: likelihood from 5 (top) down to 1, impact 1 to 5."""
    hm = heat_map(risk)
    cells = {(r["likelihood"], r["impact"]): r for r in hm.iter_rows(named=True)}
    scale = risk_matrix().scale
    out = []
    for li in range(scale, 0, -1):
        row = []
        for im in range(1, scale + 1):
            c = cells[(li, im)]
            row.append({"count": c[which], "score": c["score"], "rag": c["rag"],
                        "tag": RAG_TAGS.get(c["rag"] or "", "")})  # fmt: skip
        out.append({"likelihood": li, "label": LIKELIHOOD.get(li, str(li)), "cells": row})
    return out


@org_view("plan.view")
def risks_view(request: HttpRequest) -> HttpResponse:
    t = frames(organisation_of(request))
    scored = score_risks(t["risk"])
    cats = _labels("risk_category")
    rows = [
        {**r, "category_label": cats.get(r["category"] or "", r["category"]),
         "owner": _role(r["owner_role"]),
         "inherent_tag": RAG_TAGS.get(r["inherent_rag"] or "", ""),
         "residual_tag": RAG_TAGS.get(r["residual_rag"] or "", "")}
        for r in scored.iter_rows(named=True)
    ]  # fmt: skip
    scale = risk_matrix().scale
    return render(request, "planning/risks.html", {
        "rows": rows,
        "residual": heat_rows(t["risk"], "residual"),
        "inherent": heat_rows(t["risk"], "inherent"),
        "impacts": [IMPACT.get(i, str(i)) for i in range(1, scale + 1)],
        "findings": _findings([r for r in check_frames(t) if r.table == "risk"]),
    })  # fmt: skip


@org_view("plan.view")
def governance_view(request: HttpRequest) -> HttpResponse:
    t = frames(organisation_of(request))
    gt = governance_table(t["governance"], t["workstream"])
    cadence = _labels("cadence")
    rows = [
        {**r, "chair": _role(r["chair_role"]), "meets_label": cadence.get(r["meets"] or "", ""),
         "member_roles": [_role(m) for m in r["members"]],
         "indent": r["level"] if r["level"] is not None else 0}
        for r in gt.iter_rows(named=True)
    ]  # fmt: skip
    roles = set(_labels("role"))
    problems = check_governance(t["governance"], t["workstream"], roles)
    return render(request, "planning/governance.html",
                  {"rows": rows, "findings": _findings(problems)})  # fmt: skip


def safe_link(link: str | None) -> str | None:
    """``link`` if it may be shown as a link: a relative path or an https address."""
    if not link:
        return None
    text = link.strip()
    parsed = urlparse(text)
    if parsed.scheme == "https" and parsed.netloc:
        return text
    if not parsed.scheme and not parsed.netloc and not text.startswith(("/", "\\")):
        return text if ".." not in text.split("/") else None
    return None


@org_view("plan.view")
def checklist_view(request: HttpRequest) -> HttpResponse:
    t = frames(organisation_of(request))
    cl = checklist(t["phase1_criterion"])
    rd = readiness(cl)
    status = _labels("criterion_status")
    areas = {"partners": "Partners", "module1": "Module 1", "module2": "Module 2",
             "module3_conditions": "Module 3 (conditions)", "module3_plan": "Module 3 (plan)",
             "dbv": "dbv end-of-diagnostic"}  # fmt: skip
    rows = [
        {**r, "status_label": status.get(r["status"] or "", r["status"]),
         "area_label": areas.get(r["area"], r["area"]), "href": safe_link(r["evidence_link"]),
         "signed_off": _role(r["signed_off_by_role"])}
        for r in cl.iter_rows(named=True)
    ]  # fmt: skip
    return render(request, "planning/checklist.html", {"rows": rows, "readiness": rd})


@org_view("plan.view")
def grant_view(request: HttpRequest) -> HttpResponse:
    t = frames(organisation_of(request))
    lines = t["grant_line"]
    summary = grant_summary(lines)
    cats = _labels("grant_category")
    years = [
        {**r, "amount_text": _money(r["amount"])} for r in by_year(lines).iter_rows(named=True)
    ]
    categories = [
        {**r, "amount_text": _money(r["amount"])} for r in by_category(lines).iter_rows(named=True)
    ]
    rows = [
        {**r, "category_label": cats.get(r["category"] or "", r["category"]),
         "amount_text": _money(r["amount"])}
        for r in lines.iter_rows(named=True)
    ]  # fmt: skip
    over = float(summary["headroom"]) < 0
    return render(request, "planning/grant.html", {
        "rows": rows, "years": years, "categories": categories,
        "total": _money(float(summary["total"])), "maximum": _money(float(summary["maximum"])),
        "headroom": _money(abs(float(summary["headroom"]))), "over": over,
        "findings": _findings(check_grant(lines, t["workstream"])),
        "can_edit": actor_of(request).can("plan.edit"),
    })  # fmt: skip


@org_view("plan.edit")
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        files = {n: form.cleaned_data[n].read() for n in MODELS if form.cleaned_data.get(n)}
        records, problems = read_upload(files)
        if not problems:
            counts = actions.import_tables(actor_of(request), records)
            done = ", ".join(f"{TITLES[n].lower()} {k}" for n, k in counts.items())
            messages.success(request, f"Imported: {done}.")
            return redirect(_url(request, "home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "planning/import.html",
                  {"form": form, "problems": problems}, status=status)  # fmt: skip


@org_view("plan.view")
def export_view(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    body = zip_bytes(export_tables(org))
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{org.code}-plan.zip"'
    return response


@org_view("pack.view")
def pack_view(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    actor = actor_of(request)
    if request.method == "POST":
        pack = actions.build_pack(actor)
        if pack.status == Pack.BUILT:
            messages.success(request, "The diagnostic pack was built.")
        return redirect(_url(request, "pack"))
    packs = list(Pack.objects.filter(organisation=org)[:10])
    listed = [
        {"pack": p, "files": [{"kind": k, "name": n, "url": _url(request, "pack_file", p.pk, k)}
                              for k, n in FILES.items() if pack_file(p, k) is not None],
         "share": reverse("sharing:share", args=[org.code, p.pk])}
        for p in packs
    ]  # fmt: skip
    from dbv.web.planning.pack import latest_return

    return render(request, "planning/pack.html", {
        "packs": listed, "can_build": actor.can("pack.build"),
        "has_return": latest_return(org) is not None,
        "can_share": actor.can("share.create"), "can_see_shares": actor.can("share.view"),
    })  # fmt: skip


@org_view("pack.view")
def pack_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    pack = Pack.objects.filter(organisation=organisation_of(request), pk=pk).first()
    if pack is None:
        raise Http404("No such pack")
    path = pack_file(pack, kind)
    if path is None:
        raise Http404("No such file")
    return attachment(path)
