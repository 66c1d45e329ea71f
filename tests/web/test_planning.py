"""The planning app: plan tables with audited edits, roles and tenancy, the risk heat map, the
grant limit, the End of Phase 1 checklist, CSV import and export, and the pack button."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from dbv.module3 import check_plan, load_plan, plan_tables
from dbv.web.core.actions import Actor
from dbv.web.core.models import AuditLog, Organisation
from dbv.web.planning import actions, exports
from dbv.web.planning.data import frames, read_upload
from dbv.web.planning.models import MODELS, GrantLine, Pack, Risk, Workstream
from dbv.web.planning.views import heat_rows, safe_link

pytestmark = pytest.mark.django_db

WORKSTREAM = {
    "workstream_id": "WS1", "name": "SEN support first", "lead_role": "head_of_inclusion",
    "opportunity": "sen_support_first", "objective": "Needs met at SEN support",
    "reports_to": "SEND Partnership Board",
}  # fmt: skip


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dbv.fixtures import cached_return

    return cached_return(tmp_path_factory.getbasetemp() / "synth", size=0.3)


def seed(actor: Actor, plan: Path) -> dict[str, int]:
    """The synthetic LA's plan CSVs imported through the import action."""
    records, problems = read_upload({p.stem: p.read_bytes() for p in sorted(plan.glob("*.csv"))})
    assert problems == []
    result: dict[str, int] = actions.import_tables(actor, records)
    return result


def risk(actor: Actor, rid: str, li: int, im: int, rli: int, rim: int, status: str = "open") -> Any:
    return actions.save_row(actor, "risk", None, {
        "risk_id": rid, "title": "Delays, so placements continue", "category": "sufficiency",
        "workstream_id": "", "likelihood": li, "impact": im, "owner_role": "sufficiency_lead",
        "mitigation": "Phase openings", "residual_likelihood": rli, "residual_impact": rim,
        "status": status, "review_on": None,
    })  # fmt: skip


def test_crud_through_pages_leaves_audit_entries(
    council: Organisation, client_as: Callable[..., Client]
) -> None:
    c = client_as(council, "analyst")
    base = f"/o/{council.code}/plan/t/workstream/"
    r = c.get(base + "add/")
    assert r.status_code == 200 and b'for="id_lead_role"' in r.content
    assert b"Role of the workstream lead" in r.content  # the schema's description as the hint
    r = c.post(base + "add/", WORKSTREAM)
    assert r.status_code == 302 and r["Location"].endswith(base)
    ws = Workstream.objects.get(organisation=council, workstream_id="WS1")
    assert ws.lead_role == "head_of_inclusion"
    assert b"Head of inclusion and outreach" in c.get(base).content  # code label shown
    r = c.post(base + "add/", WORKSTREAM)  # the same ID again
    assert r.status_code == 400 and b"already a record with this workstream id" in r.content
    r = c.post(f"{base}{ws.pk}/edit/", {**WORKSTREAM, "name": "Inclusion first"})
    assert r.status_code == 302
    r = c.post(base + "add/", {**WORKSTREAM, "workstream_id": "WS2", "lead_role": "mayor"})
    assert r.status_code == 400 and b"govuk-error-summary" in r.content
    assert c.post(f"{base}{ws.pk}/delete/").status_code == 302
    assert not Workstream.objects.filter(organisation=council).exists()
    log = list(AuditLog.objects.filter(organisation=council, action="plan.edit").order_by("id"))
    assert [(e.before is None, e.after is None) for e in log] == [
        (True, False), (False, False), (False, True)
    ]  # fmt: skip
    assert log[1].before is not None and log[1].before["name"] == "SEN support first"
    assert log[1].after is not None and log[1].after["name"] == "Inclusion first"
    assert set(log[0].after or {}) == set(WORKSTREAM)  # exactly the schema's columns
    assert log[2].target == "workstream WS1"


def test_roles(council: Organisation, client_as: Callable[..., Client],
               actor_as: Callable[..., Actor]) -> None:  # fmt: skip
    reviewer = client_as(council, "reviewer")
    base = f"/o/{council.code}/plan/"
    assert reviewer.get(base).status_code == 200
    assert reviewer.get(base + "t/workstream/add/").status_code == 403
    assert reviewer.post(base + "t/workstream/add/", WORKSTREAM).status_code == 403
    assert reviewer.get(base + "import/").status_code == 403
    assert reviewer.get(base + "pack/").status_code == 403  # pack.view is for staff
    read_only = client_as(council, "read_only")
    for page in ("", "gantt/", "risks/", "governance/", "checklist/", "grant/", "export/",
                 "pack/", "t/risk/"):  # fmt: skip
        assert read_only.get(base + page).status_code == 200, page
    assert read_only.post(base + "pack/").status_code == 403  # may view packs, not build
    assert b"Add a record" not in read_only.get(base + "t/risk/").content
    assert client_as(council, "parent_carer").get(base).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.save_row(actor_as(council, "young_person"), "workstream", None, WORKSTREAM)
    assert not Workstream.objects.exists() and not AuditLog.objects.exists()


def test_other_councils_plans_are_invisible(
    council: Organisation, other_council: Organisation, client_as: Callable[..., Client],
    actor_as: Callable[..., Actor],
) -> None:  # fmt: skip
    theirs = actions.save_row(actor_as(other_council, "analyst"), "workstream", None, WORKSTREAM)
    mine = client_as(council, "council_admin")
    for page in ("", "gantt/", "risks/", "grant/", "t/workstream/", "import/", "pack/"):
        assert mine.get(f"/o/{other_council.code}/plan/{page}").status_code == 404, page
    # their record through my council's URL: not found, and untouched
    base = f"/o/{council.code}/plan/t/workstream/{theirs.pk}/"
    assert mine.get(base + "edit/").status_code == 404
    assert mine.post(base + "edit/", {**WORKSTREAM, "name": "x"}).status_code == 404
    assert mine.post(base + "delete/").status_code == 404
    assert Workstream.objects.get(pk=theirs.pk).name == "SEN support first"
    assert b"SEN support first" not in mine.get(f"/o/{council.code}/plan/t/workstream/").content
    with pytest.raises(PermissionDenied):
        actions.save_row(actor_as(council, "analyst"), "workstream", theirs.pk, WORKSTREAM)
    assert exports.tables(council)["plan/workstream"] == []
    assert len(exports.tables(other_council)["plan/workstream"]) == 1
    assert mine.get(f"/o/{council.code}/plan/t/nonsense/").status_code == 404


def test_heat_map_counts(council: Organisation, actor_as: Callable[..., Actor],
                         client_as: Callable[..., Client]) -> None:  # fmt: skip
    a = actor_as(council, "facilitator")
    risk(a, "R1", 5, 4, 3, 2)
    risk(a, "R2", 5, 4, 3, 2)
    risk(a, "R3", 2, 2, 1, 1)
    risk(a, "R4", 5, 5, 5, 5, status="closed")  # closed risks are not counted
    frame = frames(council)["risk"]
    assert frame.schema["likelihood"] == pl.Int64
    inherent = heat_rows(frame, "inherent")
    assert [r["likelihood"] for r in inherent] == [5, 4, 3, 2, 1]  # most likely on top
    cell = inherent[0]["cells"][3]  # likelihood 5, impact 4
    assert (cell["count"], cell["score"], cell["rag"]) == (2, 20, "red")
    assert inherent[3]["cells"][1]["count"] == 1 and inherent[3]["cells"][1]["rag"] == "green"
    assert inherent[0]["cells"][4]["count"] == 0  # the closed one
    residual = heat_rows(frame, "residual")
    assert residual[2]["cells"][1]["count"] == 2 and residual[2]["cells"][1]["rag"] == "green"
    assert sum(c["count"] for r in residual for c in r["cells"]) == 3
    page = client_as(council, "read_only").get(f"/o/{council.code}/plan/risks/").content
    assert page.count(b'<tr class="govuk-table__row"><th scope="row"') >= 10  # two 5 x 5
    assert b'2<span class="govuk-visually-hidden"> risks, score 20, red' in page


def test_grant_over_the_limit_is_refused(
    council: Organisation, client_as: Callable[..., Client]
) -> None:
    c = client_as(council, "analyst")
    url = f"/o/{council.code}/plan/t/grant_line/add/"
    line = {"line_id": "G1", "initiative": "Outreach team", "category": "workforce_development",
            "financial_year": "2025-26", "amount": "600000", "opportunity": "WS1",
            "description": "Four posts, then the high needs budget"}  # fmt: skip
    assert c.post(url, line).status_code == 302
    r = c.post(url, {**line, "line_id": "G2", "amount": "450000"})
    assert r.status_code == 400
    assert "over the £1,000,000 limit. The most it can be is £400,000" in r.content.decode()
    assert b"govuk-error-summary" in r.content and b'href="#id_amount"' in r.content
    assert GrantLine.objects.filter(organisation=council).count() == 1
    assert AuditLog.objects.filter(action="plan.edit").count() == 1  # the refused one: none
    assert c.post(url, {**line, "line_id": "G2", "amount": "400000"}).status_code == 302
    g1 = GrantLine.objects.get(line_id="G1")  # editing a line counts the others only
    edit = f"/o/{council.code}/plan/t/grant_line/{g1.pk}/edit/"
    assert c.post(edit, {**line, "amount": "600000.50"}).status_code == 400
    assert c.post(edit, {**line, "amount": "550000"}).status_code == 302
    r = c.post(url, {**line, "line_id": "G3", "financial_year": "2025/26", "amount": "1"})
    assert r.status_code == 400 and b"2025-26" in r.content
    page = c.get(f"/o/{council.code}/plan/grant/").content.decode()
    assert "£950,000" in page and "£50,000" in page and "Headroom" in page


def test_checklist_flags_met_without_evidence(
    council: Organisation, actor_as: Callable[..., Actor], client_as: Callable[..., Client]
) -> None:
    a = actor_as(council, "council_admin")
    base = {"status": "met", "evidence_link": "", "signed_off_by_role": "assistant_director_send"}
    actions.save_row(a, "phase1_criterion", None, {
        **base, "criterion_id": "C01", "criterion": "governance_agreed", "evidence": "",
    })  # fmt: skip
    actions.save_row(a, "phase1_criterion", None, {
        **base, "criterion_id": "C02", "criterion": "risk_analysis",
        "evidence": "Risk register agreed", "evidence_link": "evidence/risks.pdf"})  # fmt: skip
    actions.save_row(a, "phase1_criterion", None, {
        **base, "criterion_id": "C03", "criterion": "activity_plan", "evidence": "Plan",
        "evidence_link": "javascript:alert(1)"})  # fmt: skip
    c = client_as(council, "read_only")
    page = c.get(f"/o/{council.code}/plan/checklist/").content.decode()
    assert "Marked met with no evidence" in page
    assert "2 of 21 End of Phase 1 criteria met" in page
    assert 'href="evidence/risks.pdf"' in page
    assert 'href="javascript' not in page and "(javascript:alert(1))" in page
    home = c.get(f"/o/{council.code}/plan/").content.decode()
    assert "criterion governance_agreed is marked met but gives no evidence" in home


def test_safe_link() -> None:
    assert safe_link("evidence/a.pdf") == "evidence/a.pdf"
    assert safe_link("https://example.org/x") == "https://example.org/x"
    for bad in ("http://example.org", "javascript:alert(1)", "/etc/passwd", "//evil.example",
                "../../secret", "file:///c:/x", "", None, "data:text/html,x"):  # fmt: skip
        assert safe_link(bad) is None, bad


def test_import_errors_are_located(council: Organisation, client_as: Callable[..., Client],
                                   actor_as: Callable[..., Actor]) -> None:  # fmt: skip
    actions.save_row(actor_as(council, "council_admin"), "workstream", None, WORKSTREAM)
    c = client_as(council, "analyst")
    risks = (
        "risk_id,title,category,workstream_id,likelihood,impact,owner_role,mitigation,"
        "residual_likelihood,residual_impact,status,review_on\n"
        "R1,A risk,sufficiency,,3,3,sufficiency_lead,Act,2,2,open,2026-01-01\n"
        "R2,A risk,weather,,7,3,sufficiency_lead,Act,2,two,open,01/02/2026\n"
        "R1,A risk,legal,,3,3,sufficiency_lead,Act,2,2,open,\n"
    )
    files = {"risk": io.BytesIO(risks.encode()), "workstream": io.BytesIO(b"name\nx\n")}
    r = c.post(f"/o/{council.code}/plan/import/", files)
    assert r.status_code == 400
    page = r.content.decode()
    for where in ("risk.csv, row 3, column &#x27;category&#x27;",
                  "risk.csv, row 3, column &#x27;likelihood&#x27;",
                  "risk.csv, row 3, column &#x27;residual_impact&#x27;",
                  "risk.csv, row 3, column &#x27;review_on&#x27;",
                  "risk.csv, row 4, column &#x27;risk_id&#x27;",
                  "workstream.csv, row 1, column &#x27;workstream_id&#x27;"):  # fmt: skip
        assert where in page, where
    assert "is not a code of the risk_category list" in page and "is above 5" in page
    assert not Risk.objects.exists()  # nothing imported
    assert Workstream.objects.filter(organisation=council).count() == 1
    assert c.post(f"/o/{council.code}/plan/import/", {}).status_code == 400


def test_export_round_trip_of_the_demo_plan(
    council: Organisation, actor_as: Callable[..., Actor], client_as: Callable[..., Client],
    synth: Path, tmp_path: Path,
) -> None:  # fmt: skip
    counts = seed(actor_as(council, "analyst"), synth / "plan")
    assert set(counts) == set(MODELS) and all(n > 0 for n in counts.values())
    entry = AuditLog.objects.get(action="plan.edit", organisation=council)
    assert entry.after == counts and entry.before == dict.fromkeys(MODELS, 0)
    r = client_as(council, "read_only").get(f"/o/{council.code}/plan/export/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == sorted(f"plan/{n}.csv" for n in MODELS)
        z.extractall(tmp_path)
    ret = load_plan(tmp_path / "plan")
    assert check_plan(ret) == []
    ours, theirs = plan_tables(ret), plan_tables(load_plan(synth / "plan"))
    for name in MODELS:
        assert ours[name].columns == theirs[name].columns, name  # exactly the schema's columns
        assert ours[name].equals(theirs[name]), name
    mine = frames(council)
    for name in MODELS:
        assert mine[name].equals(ours[name].drop("__dbv_row")), name
    assert not (ret.tables.keys() - set(MODELS))
    # every page draws the demo plan; the Gantt chart is a static SVG with no inline style
    c = client_as(council, "facilitator")
    gantt = c.get(f"/o/{council.code}/plan/gantt/").content.decode()
    assert "<svg" in gantt and "style=" not in gantt and "<script>" not in gantt
    assert "WS1-A1" in gantt
    for page in ("", "risks/", "governance/", "checklist/", "grant/", "t/engagement_event/"):
        assert c.get(f"/o/{council.code}/plan/{page}").status_code == 200, page
    small = mine["engagement_event"].filter(pl.col("reached").is_between(1, 4)).height
    events = c.get(f"/o/{council.code}/plan/t/engagement_event/").content.decode()
    assert events.count("1 to 4 (withheld)") == small
    home = c.get(f"/o/{council.code}/plan/").content.decode()
    assert "No problems found by the plan checks" in home


def test_delete_and_purge(council: Organisation, actor_as: Callable[..., Actor]) -> None:
    a = actor_as(council, "analyst")
    actions.save_row(a, "workstream", None, WORKSTREAM)
    risk(a, "R1", 3, 3, 2, 2)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert exports.purge(council, future - dt.timedelta(days=2)) == 0
    assert exports.purge(council, future) == 2
    actions.save_row(a, "workstream", None, WORKSTREAM)
    assert exports.delete(council) == 1
    assert not any(m.objects.filter(organisation=council).exists() for m in MODELS.values())


def test_decimal_and_blank_values_are_typed(council: Organisation,
                                            actor_as: Callable[..., Actor]) -> None:  # fmt: skip
    a = actor_as(council, "analyst")
    actions.save_row(a, "grant_line", None, {
        "line_id": "G1", "initiative": "x", "category": "other", "financial_year": "2025-26",
        "amount": Decimal("1234.50"), "opportunity": "WS1", "description": "y"})  # fmt: skip
    actions.save_row(a, "governance", None, {
        "body": "Board", "role_in_programme": "Owns it",
        "chair_role": "director_childrens_services", "meets": "monthly", "reports_to": "",
        "members": "lead_member",
    })  # fmt: skip
    t = frames(council)
    assert t["grant_line"]["amount"].to_list() == [1234.5]
    assert t["governance"]["reports_to"].to_list() == [None]  # blank is null: a top body
    assert exports.tables(council)["plan/governance"][0]["reports_to"] == ""


def test_small_counts_of_people_are_withheld(
    council: Organisation, actor_as: Callable[..., Actor], client_as: Callable[..., Client]
) -> None:
    a = actor_as(council, "analyst")
    for eid, reached in (("E1", 3), ("E2", 12)):
        actions.save_row(a, "engagement_event", None, {
            "event_id": eid, "stakeholder_id": "S01", "activity": "Workshop",
            "purpose": "Views", "date": dt.date(2025, 2, 1), "status": "held",
            "reached": reached,
        })  # fmt: skip
    page = client_as(council, "read_only").get(f"/o/{council.code}/plan/t/engagement_event/")
    text = page.content.decode()
    assert "1 to 4 (withheld)" in text and ">12<" in text and ">3<" not in text


@pytest.mark.slow
def test_pack_button_end_to_end(
    council: Organisation, other_council: Organisation, actor_as: Callable[..., Actor],
    client_as: Callable[..., Client], synth: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from dbv.web.planning import pack as pack_module

    seed(actor_as(council, "analyst"), synth / "plan")
    monkeypatch.setattr(pack_module, "latest_return",
                        lambda org: synth if org.pk == council.pk else None)  # fmt: skip
    c = client_as(council, "council_admin")
    assert (
        client_as(council, "facilitator").post(f"/o/{council.code}/plan/pack/").status_code == 403
    )
    r = c.post(f"/o/{council.code}/plan/pack/")
    assert r.status_code == 302
    pack = Pack.objects.get(organisation=council)
    assert pack.status == Pack.BUILT, pack.error
    assert pack.with_return
    assert AuditLog.objects.filter(action="pack.build", organisation=council).count() == 1
    page = c.get(f"/o/{council.code}/plan/pack/").content.decode()
    for name in ("report.html", "report.xlsx", "report.pdf", "run.json"):
        assert name in page
    r = c.get(f"/o/{council.code}/plan/pack/{pack.pk}/html/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    html = r.content.decode()
    assert council.name in html and "WS1" in html
    assert c.get(f"/o/{council.code}/plan/pack/{pack.pk}/secrets/").status_code == 404
    # another council: neither through its own URL nor through ours
    other = client_as(other_council, "council_admin")
    assert other.get(f"/o/{other_council.code}/plan/pack/{pack.pk}/html/").status_code == 404
    assert other.get(f"/o/{council.code}/plan/pack/{pack.pk}/html/").status_code == 404
    # without a data return the pack is still built, from the plan alone
    r = other.post(f"/o/{other_council.code}/plan/pack/")
    theirs = Pack.objects.get(organisation=other_council)
    assert theirs.status == Pack.BUILT and not theirs.with_return, theirs.error
    assert b"No data return" in other.get(f"/o/{other_council.code}/plan/pack/").content
    exports.delete(council)
    assert not Path(pack.folder).exists()


def test_text_from_the_plan_is_escaped(
    council: Organisation, actor_as: Callable[..., Actor], client_as: Callable[..., Client]
) -> None:
    a = actor_as(council, "analyst")
    actions.save_row(a, "workstream", None, {**WORKSTREAM, "name": "<script>alert(1)</script>"})
    actions.save_row(a, "activity", None, {
        "activity_id": "A1", "workstream_id": "WS1", "name": '<img src=x onerror="alert(2)">',
        "owner_role": "head_of_inclusion", "start": dt.date(2025, 1, 6),
        "end": dt.date(2025, 3, 31), "status": "on_track", "depends_on": "",
    })  # fmt: skip
    c = client_as(council, "read_only")
    for page in ("gantt/", "t/workstream/", "t/activity/", "governance/"):
        body = c.get(f"/o/{council.code}/plan/{page}").content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, page
    assert "<svg" in c.get(f"/o/{council.code}/plan/gantt/").content.decode()


def test_a_failed_pack_build_is_recorded_and_shown(
    council: Organisation, client_as: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dbv.diagnose.pipeline
    from dbv.web.planning import pack as pack_module

    def broken(cfg: Any, out: Path) -> None:
        assert cfg.return_dir is None and cfg.scenarios == ()
        raise ValueError("the renderer is missing")

    monkeypatch.setattr(pack_module, "latest_return", lambda org: None)
    monkeypatch.setattr(dbv.diagnose.pipeline, "diagnose", broken)
    c = client_as(council, "analyst")
    page = c.get(f"/o/{council.code}/plan/pack/").content.decode()
    assert "No data return has been uploaded yet" in page and "30 to 60 seconds" in page
    assert c.post(f"/o/{council.code}/plan/pack/").status_code == 302
    pack = Pack.objects.get(organisation=council)
    assert pack.status == Pack.FAILED and "the renderer is missing" in pack.error
    entry = AuditLog.objects.get(action="pack.build", organisation=council)
    assert entry.after is not None and entry.after["status"] == "failed"
    assert "the renderer is missing" in c.get(f"/o/{council.code}/plan/pack/").content.decode()
    assert c.get(f"/o/{council.code}/plan/pack/{pack.pk}/html/").status_code == 404
