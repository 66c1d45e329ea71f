"""Insight bodies (DfE, a regional team, a group of councils) and what councils share with them.

A council's administrator shares a built pack's ``insight-export.json`` with a named insight
body and withdraws it; the body's readers see only the exports currently shared with their own
body (council, diagnostic date, when), build the insight pack from them and download its files;
they reach no council page, and no council member reaches theirs.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dbv.insight.export import FORBIDDEN_KEYS
from dbv.insight.read import CouncilExport, parse_export
from dbv.web.core import services
from dbv.web.core.actions import Actor
from dbv.web.core.forms import MemberForm
from dbv.web.core.models import AuditLog, Membership, Organisation
from dbv.web.core.retention import purge_expired
from dbv.web.core.roles import ACTIONS, COUNCIL_ROLES, INSIGHT_READER, ROLES
from dbv.web.planning.models import Pack
from dbv.web.sharing import actions, build
from dbv.web.sharing.models import InsightPack, SharedExport
from web.test_tenancy import council_urls, fill, records
from web_helpers import PASSWORD

pytestmark = pytest.mark.django_db


def export_dict(council: str, date: str = "2025-03-31", yes: int = 14) -> dict[str, Any]:
    """A small valid export (docs/insight-export.md): one consensus question, one grant line."""
    n = 40
    consensus = [
        {"question": "ideal_outcome", "answer": a, "count": c, "n": n, "withheld": False}
        for a, c in (("yes", yes), ("partly", 10), ("no", n - yes - 10))
    ]
    return {
        "schema_version": "1.1",
        "council": council,
        "la_code": None,
        "diagnostic_date": date,
        "suppression_threshold": 5,
        "free_text_included": False,
        "case_reviews": {
            "sampling": {"cases_drawn_at_random": n, "hand_picked": 0},
            "consensus": consensus,
            "reasons": [],
        },
        "family_views": [],
        "survey_respondents": [],
        "surveys": {},
        "scenarios": [],
        "grant_by_category": [{"category": "programme_management", "lines": 2, "amount": 100000.0}],
    }


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Pack]:
    """A built pack of ``org`` whose folder holds ``export`` as insight-export.json."""
    made = [0]

    def make(org: Organisation, export: dict[str, Any] | None = None) -> Pack:
        made[0] += 1
        folder = tmp_path / f"{org.code}-{made[0]}"
        folder.mkdir()
        data = export if export is not None else export_dict(org.name)
        (folder / "insight-export.json").write_text(json.dumps(data, indent=2), "utf-8")
        (folder / "report.html").write_text("<p>case-level pack</p>", "utf-8")
        return Pack.objects.create(
            organisation=org,
            built_at=timezone.now(),
            built_by="x",
            folder=str(folder),
            status=Pack.BUILT,
        )

    return make


def body(code: str, name: str) -> Organisation:
    return services.create_insight_body(code, name)


@pytest.fixture
def dfe(db: None) -> Organisation:
    return body("dfe", "Department for Education")


@pytest.fixture
def region(db: None) -> Organisation:
    return body("east-midlands", "East Midlands regional team")


def reader(org: Organisation, username: str | None = None) -> Client:
    services.add_insight_reader(org, username or f"reader-{org.code}", PASSWORD)
    c = Client()
    c.force_login(User.objects.get(username=username or f"reader-{org.code}"))
    return c


def admin_actor(org: Organisation) -> Actor:
    m = Membership.objects.filter(organisation=org, role="council_admin").first()
    if m is None:
        user = User.objects.create_user(f"admin-{org.code}", password=PASSWORD)
        m = Membership.objects.create(user=user, organisation=org, role="council_admin")
    return Actor(org, m)


def share(org: Organisation, pack: Pack, to: Organisation) -> SharedExport:
    s: SharedExport = actions.share_export(admin_actor(org), pack, to)
    return s


def fake_run_insight(exports: list[CouncilExport], out: Path) -> None:
    """Stands in for dbv.insight.pipeline.run_insight: the four files, naming the councils."""
    out.mkdir(parents=True)
    names = ", ".join(e.council for e in exports)
    for name in ("insight.html", "insight.xlsx", "insight.pdf"):
        (out / name).write_text(f"pooled: {names}", "utf-8")
    (out / "run.json").write_text(json.dumps({"councils": names}), "utf-8")


# roles


def test_the_insight_role_is_allowed_insight_actions_only() -> None:
    for action, roles in ACTIONS.items():
        if action.startswith("insight."):
            assert roles == {INSIGHT_READER}, action
        else:
            assert INSIGHT_READER not in roles, action
    assert ACTIONS["share.create"] == ACTIONS["share.withdraw"] == {"council_admin"}
    assert INSIGHT_READER in ROLES and INSIGHT_READER not in COUNCIL_ROLES


def test_insight_roles_and_council_roles_never_cross(
    council: Organisation, dfe: Organisation, actor_as: Callable[..., Actor]
) -> None:
    admin = actor_as(council, "council_admin")
    with pytest.raises(ValidationError):
        services.add_member(admin, username="dfe-person", role=INSIGHT_READER, password=PASSWORD)
    assert not MemberForm({"username": "x", "role": INSIGHT_READER}).is_valid()
    with pytest.raises(ValidationError):  # createadmin on an insight body's code
        services.create_organisation("dfe", "DfE", "someone", PASSWORD)
    assert not Membership.objects.filter(organisation=dfe, role="council_admin").exists()
    with pytest.raises(ValidationError):
        services.create_insight_body(council.code, "Not a council")
    with pytest.raises(ValidationError):
        services.add_insight_reader(council, "x", PASSWORD)


# what an insight reader sees


def test_a_reader_sees_only_current_exports_shared_with_its_own_body(
    council: Organisation,
    other_council: Organisation,
    dfe: Organisation,
    region: Organisation,
    make_pack: Callable[..., Pack],
) -> None:
    third = Organisation.objects.create(code="thirdham", name="Thirdham Council")
    share(council, make_pack(council), dfe)
    share(other_council, make_pack(other_council), region)  # another body's
    withdrawn = share(third, make_pack(third), dfe)
    actions.withdraw_share(admin_actor(third), withdrawn)
    page = reader(dfe).get("/i/dfe/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anyshire Council" in text
    assert "Otherton Council" not in text and "Thirdham Council" not in text
    assert "ideal_outcome" not in text and "programme_management" not in text  # no content
    other_page = reader(region).get("/i/east-midlands/").content.decode()
    assert "Otherton Council" in other_page and "Anyshire Council" not in other_page
    assert [s.organisation for s in build.shared_with(dfe)] == [council]


def test_a_reader_gets_404_on_every_council_page(
    council: Organisation, dfe: Organisation, make_pack: Callable[..., Pack]
) -> None:
    keys = records(council)
    pack = make_pack(council)
    share(council, pack, dfe)
    c = reader(dfe)
    checked = 0
    for route, name, _view in council_urls():
        for code in (council.code, dfe.code):  # a council's pages, and "council pages" of dfe
            path = fill(route, name, code, keys)
            assert c.get(path).status_code in (404, 405), (name, code)  # 405: POST-only page
            assert c.post(path, {}).status_code == 404, (name, code)
            checked += 1
    assert checked >= 80
    for path in (
        f"/o/{council.code}/plan/pack/{pack.pk}/html/",
        f"/o/{council.code}/plan/pack/{pack.pk}/export/",
        f"/o/{council.code}/workshops/",
        f"/o/{council.code}/surveys/",
        f"/o/{council.code}/plan/",
        f"/o/{council.code}/shares/",
    ):
        assert c.get(path).status_code == 404, path
    home = c.get("/").content.decode()
    assert "/i/dfe/" in home and f"/o/{council.code}/" not in home


def test_council_members_and_other_bodies_cannot_see_an_insight_bodys_pages(
    council: Organisation,
    dfe: Organisation,
    region: Organisation,
    client_as: Callable[..., Client],
    monkeypatch: pytest.MonkeyPatch,
    make_pack: Callable[..., Pack],
) -> None:
    monkeypatch.setattr(build, "run_insight", fake_run_insight)
    share(council, make_pack(council), dfe)
    assert reader(dfe).post("/i/dfe/build/").status_code == 302
    pack = InsightPack.objects.get(organisation=dfe)
    paths = ["/i/dfe/", "/i/dfe/build/", "/i/dfe/audit/", f"/i/dfe/pack/{pack.pk}/html/"]
    outsiders = [client_as(council, role) for role in sorted(COUNCIL_ROLES)] + [reader(region)]
    for c in outsiders:
        for path in paths:
            assert c.get(path).status_code in (404, 405), path  # 405: the POST-only build
            assert c.post(path, {}).status_code == 404, path
        # a council's code under /i/ is no insight body, even for its own members
        assert c.get(f"/i/{council.code}/").status_code == 404
    # the region's reader, under its own address, reaches only its own body's packs
    assert reader(region, "r2").get(f"/i/east-midlands/pack/{pack.pk}/html/").status_code == 404


# sharing


def test_sharing_needs_the_council_administrator(
    council: Organisation,
    dfe: Organisation,
    client_as: Callable[..., Client],
    make_pack: Callable[..., Pack],
) -> None:
    pack = make_pack(council)
    url = f"/o/{council.code}/shares/pack/{pack.pk}/"
    for role in sorted(COUNCIL_ROLES - {"council_admin"}):
        c = client_as(council, role)
        assert c.get(url).status_code == 403, role
        assert c.post(url, {"recipient": dfe.pk}).status_code == 403, role
    analyst = Membership.objects.get(organisation=council, role="analyst")
    with pytest.raises(PermissionDenied):
        actions.share_export(Actor(council, analyst), pack, dfe)
    assert not SharedExport.objects.exists()
    admin = client_as(council, "council_admin")
    page = admin.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Exactly what leaves the council" in text and "Schema version" in text
    assert "1.1" in text and "2024/25" in text and "Department for Education" in text
    r = admin.post(url, {"recipient": dfe.pk})
    assert r.status_code == 302
    s = SharedExport.objects.get()
    assert s.recipient == dfe and s.organisation == council and s.pack == pack and s.current
    # a council is not a recipient: refused by the form and by the action
    other = Organisation.objects.create(code="otherton", name="Otherton Council")
    assert admin.post(url, {"recipient": other.pk}).status_code == 400
    with pytest.raises(PermissionDenied):
        actions.share_export(admin_actor(council), pack, other)
    # another council's pack through this council's address
    theirs = make_pack(other)
    assert admin.get(f"/o/{council.code}/shares/pack/{theirs.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.share_export(admin_actor(council), theirs, dfe)


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_the_shared_content_is_the_file_exactly_and_passes_the_checks(
    council: Organisation, dfe: Organisation, make_pack: Callable[..., Pack]
) -> None:
    pack = make_pack(council)
    s = share(council, pack, dfe)
    written = json.loads((Path(pack.folder) / "insight-export.json").read_text("utf-8"))
    s.refresh_from_db()
    assert s.content == written
    parsed = parse_export(s.content, source="test")
    assert parsed.council == "Anyshire Council" and s.diagnostic_date == dt.date(2025, 3, 31)
    assert not {k.lower() for k in _keys(s.content)} & FORBIDDEN_KEYS


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda d: d["case_reviews"].update(person_id="P1"), "person-level"),
        (lambda d: d["case_reviews"]["consensus"][0].update(count=3), "suppression threshold"),
        (lambda d: d.update(schema_version="9.0"), "schema version"),
    ],
)
def test_an_export_that_fails_the_checks_is_not_shared(
    council: Organisation,
    dfe: Organisation,
    client_as: Callable[..., Client],
    make_pack: Callable[..., Pack],
    spoil: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    data = export_dict(council.name)
    spoil(data)
    pack = make_pack(council, data)
    admin = client_as(council, "council_admin")
    url = f"/o/{council.code}/shares/pack/{pack.pk}/"
    page = admin.get(url).content.decode()
    assert "This export cannot be shared" in page and message in page
    r = admin.post(url, {"recipient": dfe.pk})
    assert r.status_code == 400
    assert not SharedExport.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="share.").exists()


def test_a_pack_without_an_export_cannot_be_shared(
    council: Organisation, dfe: Organisation, client_as: Callable[..., Client]
) -> None:
    pack = Pack.objects.create(
        organisation=council, built_at=timezone.now(), folder="/nonexistent", status=Pack.BUILT
    )
    admin = client_as(council, "council_admin")
    url = f"/o/{council.code}/shares/pack/{pack.pk}/"
    assert "has no insight export" in admin.get(url).content.decode()
    assert admin.post(url, {"recipient": dfe.pk}).status_code == 400
    assert not SharedExport.objects.exists()


def test_sharing_again_replaces_and_withdrawing_hides(
    council: Organisation,
    dfe: Organisation,
    region: Organisation,
    client_as: Callable[..., Client],
    make_pack: Callable[..., Pack],
) -> None:
    first = share(council, make_pack(council, export_dict(council.name, "2025-03-31")), dfe)
    share(council, make_pack(council), region)
    second = share(council, make_pack(council, export_dict(council.name, "2025-06-30")), dfe)
    first.refresh_from_db()
    assert not first.current and first.withdrawn_why == "replaced by a newer export"
    assert [s.pk for s in build.shared_with(dfe)] == [second.pk]
    admin = client_as(council, "council_admin")
    listing = admin.get(f"/o/{council.code}/shares/").content.decode()
    assert "Withdrawn" in listing and "East Midlands regional team" in listing
    # withdrawal: admin only, POST only, this council's shares only
    url = f"/o/{council.code}/shares/{second.pk}/withdraw/"
    assert client_as(council, "analyst").post(url).status_code == 403
    assert admin.get(url).status_code == 405
    assert admin.post(url).status_code == 302
    second.refresh_from_db()
    assert not second.current and build.shared_with(dfe) == []
    assert "No council shares" in reader(dfe).get("/i/dfe/").content.decode()
    other = Organisation.objects.create(code="otherton", name="Otherton Council")
    theirs = share(other, make_pack(other), dfe)
    assert admin.post(f"/o/{council.code}/shares/{theirs.pk}/withdraw/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.current


def test_sharing_and_withdrawing_are_audited_in_both_logs(
    council: Organisation, dfe: Organisation, make_pack: Callable[..., Pack]
) -> None:
    s = share(council, make_pack(council), dfe)
    actions.withdraw_share(admin_actor(council), s)
    mine = list(AuditLog.objects.filter(organisation=council).values_list("action", flat=True))
    theirs = list(AuditLog.objects.filter(organisation=dfe).values_list("action", flat=True))
    assert {"share.create", "share.withdraw"} <= set(mine)
    assert {"share.received", "share.withdrawn"} <= set(theirs)
    for entry in AuditLog.objects.filter(action__startswith="share."):
        text = json.dumps([entry.before, entry.after])
        assert "ideal_outcome" not in text and "consensus" not in text  # never the content
    received = AuditLog.objects.get(organisation=dfe, action="share.received")
    assert received.user is None and received.actor == "Anyshire Council"


# the insight pack


def test_the_insight_pack_is_built_and_downloaded_by_the_body_only(
    council: Organisation,
    other_council: Organisation,
    dfe: Organisation,
    region: Organisation,
    client_as: Callable[..., Client],
    monkeypatch: pytest.MonkeyPatch,
    make_pack: Callable[..., Pack],
) -> None:
    monkeypatch.setattr(build, "run_insight", fake_run_insight)
    share(council, make_pack(council), dfe)
    gone = share(other_council, make_pack(other_council), dfe)
    actions.withdraw_share(admin_actor(other_council), gone)
    c = reader(dfe)
    page = c.get("/i/dfe/").content.decode()
    assert "Build the insight pack" in page and 'for="id_allow_mixed_years"' in page
    assert c.get("/i/dfe/build/").status_code == 405
    r = c.post("/i/dfe/build/")
    assert r.status_code == 302
    pack = InsightPack.objects.get(organisation=dfe)
    assert pack.status == InsightPack.BUILT, pack.error
    assert [s["council"] for s in pack.sources] == ["Anyshire Council"]  # not the withdrawn one
    assert Path(pack.folder).is_relative_to(Path(build.settings.DATA_DIR) / "insight" / "dfe")
    page = c.get("/i/dfe/").content.decode()
    for kind, name in build.FILES.items():
        assert f"/i/dfe/pack/{pack.pk}/{kind}/" in page
        r = c.get(f"/i/dfe/pack/{pack.pk}/{kind}/")
        assert r.status_code == 200 and name in r["Content-Disposition"]
    assert b"Otherton" not in c.get(f"/i/dfe/pack/{pack.pk}/html/").content
    assert c.get(f"/i/dfe/pack/{pack.pk}/report/").status_code == 404
    assert reader(region).get(f"/i/east-midlands/pack/{pack.pk}/html/").status_code == 404
    admin = client_as(council, "council_admin")
    assert admin.get(f"/i/dfe/pack/{pack.pk}/html/").status_code == 404
    entry = AuditLog.objects.get(organisation=dfe, action="insight.build")
    assert entry.after is not None and entry.after["councils"] == ["Anyshire Council"]
    audit = c.get("/i/dfe/audit/").content.decode()
    assert "insight.build" in audit and "share.received" in audit


def test_mixed_academic_years_need_the_checkbox(
    council: Organisation,
    other_council: Organisation,
    dfe: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    make_pack: Callable[..., Pack],
) -> None:
    monkeypatch.setattr(build, "run_insight", fake_run_insight)
    share(council, make_pack(council, export_dict(council.name, "2025-03-31")), dfe)
    share(
        other_council, make_pack(other_council, export_dict(other_council.name, "2025-10-01")), dfe
    )
    c = reader(dfe)
    r = c.post("/i/dfe/build/")
    assert r.status_code == 400
    assert "mix academic years" in r.content.decode()
    assert not InsightPack.objects.exists()
    assert c.post("/i/dfe/build/", {"allow_mixed_years": "on"}).status_code == 302
    pack = InsightPack.objects.get()
    assert pack.status == InsightPack.BUILT and pack.allow_mixed_years


def test_the_same_council_twice_is_refused(
    council: Organisation,
    dfe: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    make_pack: Callable[..., Pack],
) -> None:
    """Two councils whose exports name the same council (one current share per council and body
    already prevents it for one council): check_set's message is shown, nothing is built."""
    monkeypatch.setattr(build, "run_insight", fake_run_insight)
    twin = Organisation.objects.create(code="twin", name="Twin")
    share(council, make_pack(council), dfe)
    share(twin, make_pack(twin, export_dict(council.name)), dfe)
    r = reader(dfe).post("/i/dfe/build/")
    assert r.status_code == 400 and "appears twice" in r.content.decode()
    assert not InsightPack.objects.exists()


def test_a_failed_insight_build_is_recorded_and_shown(
    council: Organisation,
    dfe: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    make_pack: Callable[..., Pack],
) -> None:
    def broken(exports: list[CouncilExport], out: Path) -> None:
        raise RuntimeError("the renderer is missing")

    monkeypatch.setattr(build, "run_insight", broken)
    share(council, make_pack(council), dfe)
    c = reader(dfe)
    assert c.post("/i/dfe/build/").status_code == 302
    pack = InsightPack.objects.get()
    assert pack.status == InsightPack.FAILED and "the renderer is missing" in pack.error
    assert "the renderer is missing" in c.get("/i/dfe/").content.decode()
    assert c.get(f"/i/dfe/pack/{pack.pk}/html/").status_code == 404


def test_the_real_insight_pipeline_builds_the_pack(
    council: Organisation,
    other_council: Organisation,
    dfe: Organisation,
    make_pack: Callable[..., Pack],
) -> None:
    pytest.importorskip("dbv.insight.pipeline")
    share(council, make_pack(council, export_dict(council.name, yes=12)), dfe)
    share(other_council, make_pack(other_council, export_dict(other_council.name, yes=20)), dfe)
    c = reader(dfe)
    assert c.post("/i/dfe/build/").status_code == 302
    pack = InsightPack.objects.get()
    assert pack.status == InsightPack.BUILT, pack.error
    for kind in ("html", "xlsx", "pdf", "run"):
        r = c.get(f"/i/dfe/pack/{pack.pk}/{kind}/")
        assert r.status_code == 200 and len(r.content) > 100, kind
    html = c.get(f"/i/dfe/pack/{pack.pk}/html/").content.decode()
    assert "Anyshire Council" in html and "Otherton Council" in html


# the council's data out, gone, and past retention


def test_a_councils_shares_are_in_its_export_and_go_with_its_data(
    council: Organisation,
    dfe: Organisation,
    client_as: Callable[..., Client],
    make_pack: Callable[..., Pack],
) -> None:
    pack = make_pack(council)
    share(council, pack, dfe)
    admin = client_as(council, "council_admin")
    r = admin.get(f"/o/{council.code}/export/")
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        text = z.read("sharing/shared_export.csv").decode()
    assert "dfe" in text and "Department for Education" in text and "ideal_outcome" in text
    services.delete_council_data(admin_actor(council))
    assert not SharedExport.objects.exists()
    assert build.shared_with(dfe) == []
    assert AuditLog.objects.filter(organisation=dfe, action="share.withdrawn").exists()
    empty = admin.get(f"/o/{council.code}/export/")
    with zipfile.ZipFile(io.BytesIO(empty.content)) as z:
        header = z.read("sharing/shared_export.csv").decode().splitlines()[0]
    assert header.startswith("recipient_code,")


def test_shares_and_insight_packs_past_retention_are_purged(
    council: Organisation,
    dfe: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    make_pack: Callable[..., Pack],
) -> None:
    monkeypatch.setattr(build, "run_insight", fake_run_insight)
    s = share(council, make_pack(council), dfe)
    reader(dfe).post("/i/dfe/build/")
    ipack = InsightPack.objects.get()
    old = timezone.now() - dt.timedelta(days=council.retention_days + 1)
    SharedExport.objects.filter(pk=s.pk).update(shared_at=old)
    InsightPack.objects.filter(pk=ipack.pk).update(built_at=old)
    assert purge_expired(council) >= 1
    assert not SharedExport.objects.exists()
    assert purge_expired(dfe) >= 1
    assert not InsightPack.objects.exists() and not Path(ipack.folder).exists()


# set-up


def test_the_insightbody_command_creates_a_body_and_its_readers(
    council: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBV_ADMIN_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command(
        "insightbody",
        "dfe",
        "--name",
        "Department for Education",
        "--member",
        "alice",
        "--member",
        "bob",
        stdout=out,
    )
    dfe = Organisation.objects.get(code="dfe")
    assert dfe.kind == Organisation.INSIGHT
    roles = set(Membership.objects.filter(organisation=dfe).values_list("role", flat=True))
    assert roles == {INSIGHT_READER}
    assert Membership.objects.filter(organisation=dfe).count() == 2
    call_command("insightbody", "dfe", "--member", "carol", stdout=out)  # existing body
    assert Membership.objects.filter(organisation=dfe).count() == 3
    with pytest.raises(CommandError):
        call_command("insightbody", council.code, "--name", "x", stdout=out)
    with pytest.raises(CommandError):
        call_command("insightbody", "new-body", stdout=out)  # no name


def _plan(org: Organisation, description: str) -> None:
    from dbv.web.planning.models import GrantLine, Workstream

    Workstream.objects.create(
        organisation=org,
        workstream_id="WS1",
        name="Inclusive schools",
        lead_role="send_lead",
        opportunity="sen_support_first",
        objective="More needs met at SEN support",
        reports_to="Board",
    )
    for fy in ("2025-26", "2026-27"):
        GrantLine.objects.create(
            organisation=org,
            line_id=f"G-{fy}",
            initiative="Outreach",
            category="delivering_support_to_schools",
            financial_year=fy,
            amount=50000,
            opportunity="WS1",
            description=description,
        )


def test_free_text_leaves_only_when_the_box_is_ticked(
    council: Organisation,
    dfe: Organisation,
    region: Organisation,
    client_as: Callable[..., Client],
    make_pack: Callable[..., Pack],
) -> None:
    _plan(council, "Specialist teachers visit schools each term")
    pack = make_pack(council)
    admin = client_as(council, "council_admin")
    url = f"/o/{council.code}/shares/pack/{pack.pk}/"
    page = admin.get(url).content.decode()
    assert "Specialist teachers visit schools each term" in page  # shown before it leaves
    assert admin.post(url, {"recipient": dfe.pk}).status_code == 302
    plain = SharedExport.objects.get(recipient=dfe)
    assert plain.content["free_text_included"] is False and "free_text" not in plain.content
    assert admin.post(url, {"recipient": region.pk, "include_free_text": "on"}).status_code == 302
    words = SharedExport.objects.get(recipient=region).content
    assert words["free_text_included"] is True
    assert {(w["kind"], w["title"]) for w in words["free_text"]} == {
        ("grant_initiative", "Outreach"),
        ("workstream", "Inclusive schools"),
    }
    assert parse_export(words, "test").data["free_text"] == words["free_text"]
    written = json.loads((Path(pack.folder) / "insight-export.json").read_text("utf-8"))
    assert "free_text" not in written  # the pack's own file is unchanged


def test_free_text_with_an_identifier_is_refused(
    council: Organisation,
    dfe: Organisation,
    client_as: Callable[..., Client],
    make_pack: Callable[..., Pack],
) -> None:
    _plan(council, "Ask jo.bloggs@anyshire.gov.uk for a place")
    pack = make_pack(council)
    admin = client_as(council, "council_admin")
    url = f"/o/{council.code}/shares/pack/{pack.pk}/"
    assert "e-mail address" in admin.get(url).content.decode()
    r = admin.post(url, {"recipient": dfe.pk, "include_free_text": "on"})
    assert r.status_code == 400 and not SharedExport.objects.exists()
    assert admin.post(url, {"recipient": dfe.pk}).status_code == 302  # counts alone still can
