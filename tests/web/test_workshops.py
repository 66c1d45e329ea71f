"""Case-review workshops: the data return upload, the sample, reviews, consensus, family voice,
closing, live results, tenancy, roles, the audit log and the export in the import format."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings

from dbv.fixtures import cached_return
from dbv.module2.cases import proportions
from dbv.module2.engagement import load_engagement, schema
from dbv.web.core.actions import Actor
from dbv.web.core.exports import zip_bytes
from dbv.web.core.models import AuditLog, Membership, Organisation
from dbv.web.workshops import actions, exports
from dbv.web.workshops.models import Case, ReturnUpload, Workshop
from dbv.web.workshops.returns import latest_return_dir
from web_helpers import PASSWORD

pytestmark = pytest.mark.django_db
STRATA = ("setting_group",)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth", size=0.3)


@pytest.fixture(scope="session")
def return_zip(synth: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(synth.glob("*.csv")):
            z.write(p, f"anyshire/{p.name}")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def uploads_in_tmp(tmp_path: Path) -> Iterator[Path]:
    with override_settings(UPLOAD_DIR=tmp_path / "uploads"):
        yield tmp_path / "uploads"


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _person(org: Organisation, role: str, name: str) -> tuple[Client, Actor]:
    user = User.objects.create_user(name, password=PASSWORD)
    m = Membership.objects.create(user=user, organisation=org, role=role)
    c = Client()
    c.force_login(user)
    return c, Actor(org, m)


@pytest.fixture
def uploaded(
    council: Organisation, actor_as: Callable[..., Actor], return_zip: bytes
) -> ReturnUpload:
    up = actions.upload_return(
        actor_as(council, "analyst"), "return.zip", len(return_zip), io.BytesIO(return_zip)
    )
    assert isinstance(up, ReturnUpload)
    return up


@pytest.fixture
def facilitator(council: Organisation) -> tuple[Client, Actor]:
    return _person(council, "facilitator", "fac")


def _workshop(actor: Actor, up: ReturnUpload, n: int = 12, seed: int = 7) -> Workshop:
    w = actions.create_workshop(actor, name="March panel", date=dt.date(2025, 3, 14))
    actions.draw_sample(actor, w, up, n, seed, STRATA, 1)
    w.refresh_from_db()
    return w


ANSWERS = {
    "ideal_outcome": "partly",
    "needs_met_effectively": "yes",
    "met_without_ehcp": "no",
    "different_provision": "yes",
    "ideal_provision": "mainstream",
    "decision_point": "",
    "smart_goals": "yes",
    "confidence": "4",
}


def _review(c: Client, case: Case, **changes: Any) -> Any:
    data: dict[str, Any] = {
        **ANSWERS,
        "reviewer_role": "educational_psychologist",
        "reasons": ["sufficiency_capacity"],
        "primary_reason": "",
        "note": "",
    }
    data.update(changes)
    return c.post(f"/o/{case.organisation.code}/workshops/case/{case.pk}/review/", data)


# ---------------------------------------------------------------------------- upload


def test_upload_refuses_the_wrong_type(
    council: Organisation, client_as: Callable[..., Client]
) -> None:
    c = client_as(council, "analyst")
    url = f"/o/{council.code}/workshops/return/"
    r = c.post(url, {"file": _file("return.csv", b"person_id\nP1\n")})
    assert r.status_code == 400 and b"govuk-error-summary" in r.content
    assert b"must be a .zip of CSV files or an .xlsx workbook" in r.content
    r = c.post(url, {"file": _file("return.zip", b"%PDF-1.4 not a zip")})
    assert r.status_code == 400 and b"not a real .zip or .xlsx file" in r.content
    r = c.post(url, {"file": _file("book.xlsx", _zip({"person.csv": b"x"}))})
    assert r.status_code == 400 and b"not an .xlsx workbook" in r.content
    r = c.post(url, {"file": _file("r.zip", _zip({"notes.txt": b"hello"}))})
    assert r.status_code == 400 and b"must contain the return&#x27;s CSV files" in r.content
    assert not ReturnUpload.objects.exists()
    # other files are ignored, never unpacked; a return missing its tables cannot be used
    r = c.post(url, {"file": _file("r.zip", _zip({"person.csv": b"a", "run.exe": b"MZ"}))})
    assert r.status_code == 302
    up = ReturnUpload.objects.get()
    assert up.validation["ignored"] == ["run.exe"] and up.exit_code == 2 and not up.usable
    assert not list(Path(settings.UPLOAD_DIR).rglob("run.exe"))
    page = c.get(r["Location"]).content
    assert b"cannot be used" in page and b"run.exe" in page
    assert latest_return_dir(council) is None


def test_upload_refuses_a_file_too_big(
    council: Organisation, client_as: Callable[..., Client], return_zip: bytes
) -> None:
    c = client_as(council, "analyst")
    with override_settings(MAX_UPLOAD_BYTES=1000):
        r = c.post(
            f"/o/{council.code}/workshops/return/", {"file": _file("return.zip", return_zip)}
        )
    assert r.status_code == 400 and b"The file must be smaller than 1,000 bytes" in r.content
    with override_settings(MAX_EXTRACT_BYTES=2000):
        big = _zip({"person.csv": b"person_id\n" + b"P0000001\n" * 1000})
        r = c.post(f"/o/{council.code}/workshops/return/", {"file": _file("r.zip", big)})
    assert r.status_code == 400 and b"unpacked files would be larger" in r.content
    assert not ReturnUpload.objects.exists()


@pytest.mark.parametrize(
    "name", ["../evil.csv", "a/../../evil.csv", "/etc/evil.csv", "C:/evil.csv"]
)
def test_upload_refuses_unsafe_paths(
    council: Organisation, client_as: Callable[..., Client], uploads_in_tmp: Path, name: str
) -> None:
    c = client_as(council, "analyst")
    data = _zip({"person.csv": b"person_id\nP1\n", name: b"x"})
    r = c.post(f"/o/{council.code}/workshops/return/", {"file": _file("r.zip", data)})
    assert r.status_code == 400 and b"unsafe path" in r.content
    assert not ReturnUpload.objects.exists()
    assert not list(uploads_in_tmp.parent.rglob("evil.csv"))


def test_a_valid_return_is_stored_and_validated(
    council: Organisation,
    client_as: Callable[..., Client],
    return_zip: bytes,
    uploads_in_tmp: Path,
) -> None:
    assert latest_return_dir(council) is None
    c = client_as(council, "analyst")
    r = c.post(f"/o/{council.code}/workshops/return/", {"file": _file("anyshire.zip", return_zip)})
    assert r.status_code == 302
    up = ReturnUpload.objects.get(organisation=council)
    assert up.exit_code == 0 and up.census_year == 2025 and len(up.sha256) == 64
    assert up.validation["counts"]["blocking"] == 0 and up.validation["checks_run"] > 1
    folder = latest_return_dir(council)
    assert folder is not None and (folder / "person.csv").is_file()
    assert folder.is_relative_to(uploads_in_tmp / council.code / str(up.pk))
    page = c.get(r["Location"])
    assert (
        page.status_code == 200
        and b"No errors" in page.content
        and up.sha256.encode() in (page.content)
    )
    assert b"(born (date withheld))" in page.content  # a finding quoting a birth date
    assert not re.search(rb"born \d{4}-\d\d", page.content)
    assert "born 19" not in str(up.validation)
    entry = AuditLog.objects.get(organisation=council, action="return.upload")
    assert entry.after is not None and entry.after["sha256"] == up.sha256
    # roles: a reviewer may not upload
    reviewer = client_as(council, "reviewer")
    assert reviewer.get(f"/o/{council.code}/workshops/return/").status_code == 403


def test_a_workbook_is_accepted(
    council: Organisation, actor_as: Callable[..., Actor], synth: Path, tmp_path: Path
) -> None:
    from dbv.io import excel

    book = tmp_path / "return.xlsx"
    sheets = {p.stem: pl.read_csv(p, infer_schema=False) for p in sorted(synth.glob("*.csv"))}
    write = getattr(excel, "write_sheets", None)
    if write is None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(book))
        for name, frame in sheets.items():
            frame.write_excel(wb, worksheet=name)
        wb.close()
    else:
        write(book, sheets)
    data = book.read_bytes()
    up = actions.upload_return(
        actor_as(council, "analyst"), "return.xlsx", len(data), io.BytesIO(data)
    )
    assert up.kind == "xlsx" and up.exit_code < 2, up.validation["results"][:3]
    folder = latest_return_dir(council)
    assert folder is not None and (folder / "named_plan.csv").is_file()


# ---------------------------------------------------------------------------- sampling


def test_sampling_is_reproducible_and_refused_to_reviewers(
    council: Organisation,
    uploaded: ReturnUpload,
    facilitator: tuple[Client, Actor],
    client_as: Callable[..., Client],
) -> None:
    c, actor = facilitator
    r = c.post(f"/o/{council.code}/workshops/new/", {"name": "Spring", "date": "2025-03-14"})
    assert r.status_code == 302
    w = Workshop.objects.get(organisation=council, name="Spring")
    assert c.get(f"/o/{council.code}/workshops/{w.pk}/results/").status_code == 200  # empty
    reviewer = client_as(council, "reviewer")
    data = {"n": 12, "seed": 99, "strata": ["setting_group"], "min_per_stratum": 1}
    assert reviewer.post(f"/o/{council.code}/workshops/{w.pk}/sample/", data).status_code == 403
    assert not Case.objects.exists()
    r = c.post(f"/o/{council.code}/workshops/{w.pk}/sample/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    first = list(w.cases.values_list("person_id", flat=True))
    r = c.get(f"/o/{council.code}/workshops/{w.pk}/results/")  # drawn, nothing reviewed yet
    assert r.status_code == 200 and b"no cases (n = 0)" in r.content
    assert len(first) == 12 and not w.cases.filter(hand_picked=True).exists()
    entry = AuditLog.objects.get(organisation=council, action="workshop.sample")
    assert entry.after is not None and entry.after["seed"] == 99 and entry.after["cases"] == 12
    again = _workshop(actor, uploaded, n=12, seed=99)
    assert list(again.cases.values_list("person_id", flat=True)) == first
    other = _workshop(actor, uploaded, n=12, seed=100)
    assert set(other.cases.values_list("person_id", flat=True)) != set(first)
    for case in w.cases.all():
        assert case.selection_probability == pytest.approx(
            w.cases.filter(stratum=case.stratum).count() / case.stratum_size
        )
    # drawing again would allow seed shopping
    r = c.post(f"/o/{council.code}/workshops/{w.pk}/sample/", {**data, "seed": 1})
    assert r.status_code == 400 and b"already been drawn" in r.content
    # too many strata for the sample: a GOV.UK error, nothing drawn
    w2 = actions.create_workshop(actor, name="Too small", date=dt.date(2025, 3, 1))
    r = c.post(
        f"/o/{council.code}/workshops/{w2.pk}/sample/",
        {**data, "n": 3, "strata": ["setting_group", "need", "age_band"]},
    )
    assert r.status_code == 400 and b"stratify by fewer" in r.content
    assert not w2.cases.exists()


def test_hand_picked_cases_are_flagged(
    council: Organisation, uploaded: ReturnUpload, facilitator: tuple[Client, Actor]
) -> None:
    c, actor = facilitator
    w = _workshop(actor, uploaded)
    folder = latest_return_dir(council)
    assert folder is not None
    drawn = set(w.cases.values_list("person_id", flat=True))
    plans = pl.read_csv(folder / "named_plan.csv", infer_schema=False)
    open_plans = plans.filter(pl.col("cease_date").is_null())["person_id"].to_list()
    pid = next(p for p in open_plans if p not in drawn)
    r = c.post(f"/o/{council.code}/workshops/{w.pk}/hand-pick/", {"person_id": pid})
    assert r.status_code == 302
    case = w.cases.get(person_id=pid)
    assert case.hand_picked and case.selection_probability is None
    page = c.get(f"/o/{council.code}/workshops/case/{case.pk}/")
    assert b"excluded from extrapolation" in page.content
    r = c.post(f"/o/{council.code}/workshops/{w.pk}/hand-pick/", {"person_id": "NOBODY"})
    assert r.status_code == 400 and b"pseudonymous ID" in r.content


# ---------------------------------------------------------------------------- the case page


def test_case_page_is_pseudonymised(
    council: Organisation, uploaded: ReturnUpload, facilitator: tuple[Client, Actor], synth: Path
) -> None:
    c, actor = facilitator
    w = _workshop(actor, uploaded)
    case = w.cases.first()
    assert case is not None
    r = c.get(f"/o/{council.code}/workshops/case/{case.pk}/")
    assert r.status_code == 200
    text = r.content.decode()
    assert case.person_id in text and "Primary need" in text and "EHC plan issued" in text
    assert "Setting each January" in text and f"{case.summary['age']} (on 31 August" in text
    birth = pl.read_csv(synth / "person.csv", infer_schema=False).filter(
        pl.col("person_id") == case.person_id
    )["birth_date"][0]
    assert birth not in text  # never the date of birth


# ---------------------------------------------------------------------------- reviews


def test_reviewers_judge_independently(
    council: Organisation, uploaded: ReturnUpload, facilitator: tuple[Client, Actor]
) -> None:
    fc, actor = facilitator
    w = _workshop(actor, uploaded)
    case = w.cases.first()
    assert case is not None
    a, _ = _person(council, "reviewer", "rev-a")
    b, _ = _person(council, "reviewer", "rev-b")
    url = f"/o/{council.code}/workshops/case/{case.pk}/"
    # the form's rules
    r = _review(a, case, ideal_provision="")
    assert r.status_code == 400 and b"Select the ideal provision" in r.content
    r = _review(a, case, reasons=["other"])
    assert r.status_code == 400 and b"Describe the other reason" in r.content
    r = _review(a, case, reasons=[])
    assert r.status_code == 400 and b"Select at least one reason" in r.content
    r = _review(a, case, reasons=["other", "timing_delay"], primary_reason="", note="x")
    assert r.status_code == 400 and b"Select the main reason" in r.content
    r = _review(a, case, reviewer_role="headteacher")
    assert r.status_code == 400
    assert (
        _review(
            a,
            case,
            reasons=["other", "timing_delay"],
            primary_reason="timing_delay",
            note="waited for CAMHS",
        ).status_code
        == 302
    )
    # b has not reviewed: a's judgement is hidden
    page = b.get(url).content.decode()
    assert "hidden until you submit" in page and "waited for CAMHS" not in page
    assert "Sufficiency" not in page and "Reviewer R" not in page
    assert _review(b, case, ideal_outcome="yes", reasons=[]).status_code == 302
    page = b.get(url).content.decode()
    assert "waited for CAMHS" in page and page.count("Reviewer R") == 2
    # once submitted, a review is kept as given
    r = _review(a, case, ideal_outcome="yes", reasons=[])
    assert r.status_code == 400 and b"already submitted" in r.content
    # the facilitator sees every review; a read-only member sees none until... never reviews
    assert "waited for CAMHS" in fc.get(url).content.decode()
    ro, _ = _person(council, "read_only", "scrutiny")
    assert "waited for CAMHS" not in ro.get(url).content.decode()
    assert ro.get(f"{url}review/").status_code == 403
    assert AuditLog.objects.filter(organisation=council, action="case.review").count() == 2
    review = case.reviews.get(reasons__note="waited for CAMHS")
    reasons = {x.reason: x.is_primary for x in review.reasons.all()}
    assert reasons == {"other": False, "timing_delay": True}
    assert review.reviewer_id.startswith("R") and "rev-a" not in review.reviewer_id


# ---------------------------------------------------------------------------- consensus, voice


def test_consensus_voice_and_closing_rules(
    council: Organisation, uploaded: ReturnUpload, facilitator: tuple[Client, Actor]
) -> None:
    fc, actor = facilitator
    w = _workshop(actor, uploaded)
    case = w.cases.first()
    assert case is not None
    base = f"/o/{council.code}/workshops/case/{case.pk}/"
    consensus = {**ANSWERS, "primary_reason": "sufficiency_capacity"}
    r = fc.post(f"{base}consensus/", consensus)
    assert r.status_code == 400 and b"after at least one review" in r.content
    r = fc.post(f"{base}close/")
    assert r.status_code == 400 and b"govuk-error-summary" in r.content
    assert b"Record the panel&#x27;s consensus before closing" in r.content
    rc, _ = _person(council, "reviewer", "rev-c")
    assert _review(rc, case).status_code == 302
    assert rc.post(f"{base}consensus/", consensus).status_code == 403  # reviewers cannot
    r = fc.post(f"{base}consensus/", {**consensus, "primary_reason": ""})
    assert r.status_code == 400 and b"agreed main reason" in r.content
    rid = case.reviews.get().reviewer_id
    r = fc.post(f"{base}consensus/", {**consensus, "dissenting": [rid]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.consensus.dissenting == 1 and case.reviews.get().dissent
    r = fc.post(f"{base}close/")
    assert r.status_code == 400 and b"parent or carer" in r.content
    # a decline needs its reason; not sought does not let the case close
    r = fc.post(f"{base}voice/", {"voice": "parent_carer", "status": "declined"})
    assert r.status_code == 400 and b"Select why no view was recorded" in r.content
    r = fc.post(
        f"{base}voice/",
        {"voice": "parent_carer", "status": "not_sought", "decline_reason": "not_contactable"},
    )
    assert r.status_code == 302
    assert fc.post(f"{base}close/").status_code == 400
    r = fc.post(
        f"{base}voice/",
        {"voice": "parent_carer", "status": "declined", "decline_reason": "chose_not_to"},
    )
    assert r.status_code == 302
    assert fc.post(f"{base}close/").status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None
    # a closed case is locked
    r = fc.post(
        f"{base}voice/", {"voice": "young_person", "status": "given", "ideal_outcome": "yes"}
    )
    assert r.status_code == 400 and b"This case is closed" in r.content
    actions_logged = set(
        AuditLog.objects.filter(organisation=council).values_list("action", flat=True)
    )
    assert {"case.consensus", "case.voice", "case.close"} <= actions_logged
    voice = AuditLog.objects.filter(action="case.voice").first()
    assert voice is not None and voice.before is not None and voice.after is not None
    assert voice.before["status"] == "not_sought" and voice.after["status"] == "declined"


def test_a_parent_records_their_own_view_once_shared(
    council: Organisation, uploaded: ReturnUpload, facilitator: tuple[Client, Actor]
) -> None:
    fc, actor = facilitator
    w = _workshop(actor, uploaded)
    case = w.cases.first()
    assert case is not None
    pc, parent = _person(council, "parent_carer", "mum")
    base = f"/o/{council.code}/workshops/case/{case.pk}/"
    assert pc.get(base).status_code == 403  # not the practitioners' page
    assert pc.get(f"{base}voice/").status_code == 404  # not shared yet
    with pytest.raises(PermissionDenied):
        actions.record_voice(parent, case, "parent_carer", "given", ideal_outcome="no")
    assert parent.membership is not None
    r = fc.post(f"{base}share/", {"membership": str(parent.membership.pk)})
    assert r.status_code == 302
    assert (
        b"Case " + case.case_id.encode() in pc.get(f"/o/{council.code}/workshops/my-cases/").content
    )
    r = pc.post(
        f"{base}voice/", {"voice": "young_person", "status": "given", "ideal_outcome": "no"}
    )
    assert r.status_code == 400  # only their own voice
    r = pc.post(
        f"{base}voice/",
        {
            "voice": "parent_carer",
            "status": "given",
            "ideal_outcome": "no",
            "agrees_with_panel": "disagree",
        },
    )
    assert r.status_code == 302
    v = case.voices.get()
    assert (v.voice, v.status, v.ideal_outcome) == ("parent_carer", "given", "no")
    assert AuditLog.objects.filter(action="case.share").exists()


# ---------------------------------------------------------------------------- tenancy, roles


def test_another_councils_workshops_are_invisible(
    council: Organisation,
    other_council: Organisation,
    uploaded: ReturnUpload,
    facilitator: tuple[Client, Actor],
) -> None:
    _, actor = facilitator
    w = _workshop(actor, uploaded)
    case = w.cases.first()
    assert case is not None
    stranger, outsider = _person(other_council, "facilitator", "fac-other")
    admin, _ = _person(other_council, "council_admin", "admin-other")
    for path in (
        f"{w.pk}/",
        f"{w.pk}/results/",
        f"case/{case.pk}/",
        f"return/{uploaded.pk}/",
        f"case/{case.pk}/consensus/",
    ):
        assert stranger.get(f"/o/{council.code}/workshops/{path}").status_code == 404, path
        # through their own council's address, our records do not exist either
        if not path.startswith("return/"):  # (a facilitator may not see uploads at all)
            assert stranger.get(f"/o/{other_council.code}/workshops/{path}").status_code == 404
    assert admin.get(f"/o/{other_council.code}/workshops/return/{uploaded.pk}/").status_code == 404
    r = stranger.post(f"/o/{other_council.code}/workshops/case/{case.pk}/close/")
    assert r.status_code == 404
    assert latest_return_dir(other_council) is None
    # the actions refuse another council's records even if called directly
    with pytest.raises(PermissionDenied):
        actions.close_case(outsider, case)
    with pytest.raises(PermissionDenied):
        actions.add_hand_picked(outsider, w, "P1")
    assert exports.tables(other_council)["engagement/case_sample"] == []


def test_roles_are_refused(
    council: Organisation,
    uploaded: ReturnUpload,
    actor_as: Callable[..., Actor],
    client_as: Callable[..., Client],
) -> None:
    reviewer = actor_as(council, "reviewer")
    with pytest.raises(PermissionDenied):
        actions.create_workshop(reviewer, name="x", date=dt.date(2025, 1, 1))
    _, analyst = _person(council, "analyst", "analyst-2")
    with pytest.raises(PermissionDenied):
        actions.create_workshop(analyst, name="x", date=dt.date(2025, 1, 1))
    parent = client_as(council, "parent_carer")
    assert parent.get(f"/o/{council.code}/workshops/").status_code == 403
    assert not Workshop.objects.exists()
    assert not AuditLog.objects.filter(action="workshop.create").exists()


# ---------------------------------------------------------------------------- results, export


def _panel(council: Organisation, actor: Actor, up: ReturnUpload, cases: int = 20) -> Workshop:
    """A workshop with two reviews, a consensus and a parent view on most cases."""
    w = _workshop(actor, up, n=cases, seed=5)
    _, r1 = _person(council, "reviewer", "r1")
    _, r2 = _person(council, "reviewer", "r2")
    outcomes = ["partly", "no", "yes", "partly", "cant_say", "no", "partly", "yes"]
    for i, case in enumerate(w.cases.all()):
        outcome = outcomes[i % len(outcomes)]
        for j, who in enumerate((r1, r2)):
            mine = outcome if j == 0 or i % 3 else "yes"
            answers = {
                **ANSWERS,
                "ideal_outcome": mine,
                "confidence": 3,
                "smart_goals": i % 2 == 0,
                "reviewer_role": "send_casework",
                "different_provision": "no",
                "ideal_provision": "",
            }
            reasons = ["timing_delay"] if mine in ("partly", "no") else []
            actions.record_review(who, case, answers, reasons, "")
        if i == cases - 1:
            continue  # one case not yet agreed
        agreed = {
            **ANSWERS,
            "ideal_outcome": outcome,
            "confidence": 3,
            "smart_goals": True,
            "primary_reason": "timing_delay" if outcome in ("partly", "no") else "",
        }
        actions.record_consensus(actor, case, agreed, [])
        if i % 4:
            actions.record_voice(
                actor,
                case,
                "parent_carer",
                "given",
                ideal_outcome=outcome,
                agrees_with_panel="agree",
            )
        else:
            actions.record_voice(
                actor, case, "parent_carer", "declined", decline_reason="chose_not_to"
            )
    return w


def test_results_page_shows_n_and_withholds_small_counts(
    council: Organisation,
    uploaded: ReturnUpload,
    facilitator: tuple[Client, Actor],
    client_as: Callable[..., Client],
) -> None:
    fc, actor = facilitator
    w = _panel(council, actor, uploaded)
    r = client_as(council, "read_only").get(f"/o/{council.code}/workshops/{w.pk}/results/")
    assert r.status_code == 200
    text = re.sub(r"\s+", " ", r.content.decode())
    assert " of 19)" in text and "95% CI" in text
    assert "fewer than 5" in text  # some answers are rare: withheld, not shown
    small = re.findall(r"(?<![\d.])([1-4]) of (\d+)", text)
    assert not small, small
    assert "Fleiss" in text and "Same answer as the panel" in text
    assert (
        client_as(council, "parent_carer")
        .get(f"/o/{council.code}/workshops/{w.pk}/results/")
        .status_code
        == 403
    )


def test_export_round_trip_gives_the_same_proportions(
    council: Organisation,
    uploaded: ReturnUpload,
    facilitator: tuple[Client, Actor],
    tmp_path: Path,
) -> None:
    _, actor = facilitator
    w = _panel(council, actor, uploaded)
    tables = exports.tables(council)
    sch = schema()
    for name, rows in tables.items():
        table = name.removeprefix("engagement/")
        assert rows and list(rows[0]) == sch.tables[table].names, name
    folder = tmp_path / "export"
    with zipfile.ZipFile(io.BytesIO(zip_bytes(tables))) as z:
        z.extractall(folder)
    read = load_engagement(folder)
    live = exports.engagement(w.cases.all())
    cols = ["question", "answer", "base", "k", "n", "p_weighted"]
    assert proportions(read).select(cols).equals(proportions(live).select(cols))
    assert read.table("case_review").height == 2 * 20


def test_delete_and_purge_remove_records_and_files(
    council: Organisation,
    uploaded: ReturnUpload,
    facilitator: tuple[Client, Actor],
    uploads_in_tmp: Path,
    return_zip: bytes,
) -> None:
    _, actor = facilitator
    _workshop(actor, uploaded)
    folder = uploads_in_tmp / council.code / str(uploaded.pk)
    assert folder.is_dir()
    from django.utils import timezone

    assert exports.purge(council, timezone.now() - dt.timedelta(days=1)) == 0
    assert folder.is_dir()
    removed = exports.purge(council, timezone.now() + dt.timedelta(seconds=1))
    assert removed > 12 and not folder.exists()
    assert not Case.objects.filter(organisation=council).exists()
    _, admin = _person(council, "council_admin", "boss")
    up = actions.upload_return(admin, "r.zip", len(return_zip), io.BytesIO(return_zip))
    assert latest_return_dir(council) is not None
    assert exports.delete(council) >= 1
    assert latest_return_dir(council) is None and not ReturnUpload.objects.filter(pk=up.pk)
    assert not (uploads_in_tmp / council.code).exists()


def test_validation_errors_are_not_audited(
    council: Organisation, actor_as: Callable[..., Actor]
) -> None:
    fac = actor_as(council, "facilitator")
    w = actions.create_workshop(fac, name="x", date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        actions.add_hand_picked(fac, w, "P1")
    assert not AuditLog.objects.filter(action="workshop.sample").exists()
