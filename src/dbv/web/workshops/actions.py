"""Every write of the workshops app: one audited action each (see dbv.web.core.actions).

A refusal that the person can fix (a rule of the review, not a permission) raises
:class:`django.core.exceptions.ValidationError`; the transaction rolls back and no audit entry is
written. A refusal by role raises :class:`PermissionDenied`.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dbv.errors import DbvError
from dbv.web.core.actions import Actor, Change, action
from dbv.web.core.models import Membership, snapshot
from dbv.web.core.roles import FACILITATOR, PARENT, YOUNG_PERSON
from dbv.web.workshops import returns
from dbv.web.workshops.models import (
    Case,
    Consensus,
    ReturnUpload,
    Review,
    ReviewReason,
    Voice,
    Workshop,
)

NOT_IDEAL = ("partly", "no")
ROLE_VOICE = {PARENT: "parent_carer", YOUNG_PERSON: "young_person"}


@cache
def _codes(name: str) -> tuple[tuple[str, str], ...]:
    from dbv.module2.engagement import schema

    return tuple(schema().code_list(name).items())


def codes(name: str) -> dict[str, str]:
    """Code to label for one of the engagement schema's code lists."""
    return dict(_codes(name))


def reviewer_id(user_id: int | None) -> str:
    """The pseudonymous ID of a reviewer in the export (never the username)."""
    return f"R{int(user_id or 0):05d}"


def _check_code(value: str, code_list: str, label: str, blank: bool = False) -> None:
    if (value or "") == "" and blank:
        return
    if value not in codes(code_list):
        raise ValidationError(f"Select {label}")


def _ours(actor: Actor, record: Case | Workshop) -> None:
    """Defence in depth: the views already look records up within the actor's council."""
    if record.organisation_id != actor.organisation.pk:
        raise PermissionDenied("Not a record of this council")


def _open(case: Case) -> None:
    if case.closed_at is not None:
        raise ValidationError("This case is closed: its records can no longer be changed")


# ---------------------------------------------------------------------------- the data return


@action("return.upload")
def upload_return(actor: Actor, name: str, size: int, stream: IO[bytes]) -> Change:
    """Check, store and validate an upload (the caller has already run ``check_upload``)."""
    kind = returns.check_upload(name, size, stream)
    up = ReturnUpload.objects.create(
        organisation=actor.organisation,
        file_name=name[:200],
        kind=kind,
        size_bytes=size,
        sha256=returns.sha256(stream),
    )
    try:
        target, folder = returns.store_upload(actor.organisation, up.pk, name, kind, stream)
        summary = returns.validation_summary(target)
        summary["ignored"] = returns.ignored(stream) if kind == "zip" else []
    except DbvError as exc:
        returns.remove_files(actor.organisation, [up.pk])
        raise ValidationError(f"The data return could not be checked: {exc.message}") from exc
    except Exception:
        returns.remove_files(actor.organisation, [up.pk])
        raise
    base = returns.upload_dir(actor.organisation, up.pk)
    up.return_path = str(folder.relative_to(base)) if folder is not None else ""
    up.validation = summary
    up.exit_code = int(summary["exit_code"])
    up.census_year = summary["census_year"]
    up.save()
    after = snapshot(up, ["file_name", "kind", "size_bytes", "sha256", "exit_code", "census_year"])
    assert after is not None
    after["counts"] = summary["counts"]
    return Change(f"data return upload {up.pk}", None, after, up)


# ---------------------------------------------------------------------------- workshops


@action("workshop.create")
def create_workshop(actor: Actor, name: str, date: dt.date) -> Change:
    w = Workshop.objects.create(organisation=actor.organisation, name=name, date=date)
    return Change(f"workshop {w.pk}", None, snapshot(w, ["name", "date"]), w)


@action("workshop.sample")
def draw_sample(
    actor: Actor,
    workshop: Workshop,
    upload: ReturnUpload,
    n: int,
    seed: int,
    strata: tuple[str, ...],
    min_per_stratum: int = 1,
    census_year: int | None = None,
) -> Change:
    """Draw the stratified random sample from an upload and store the sampling log."""
    from dbv.module2.draw import draw_sample as draw

    if workshop.organisation_id != actor.organisation.pk or (
        upload.organisation_id != actor.organisation.pk
    ):
        raise PermissionDenied
    if workshop.sampled_at is not None:
        raise ValidationError(
            "The sample for this workshop has already been drawn (drawing again with another "
            "seed would bias it); create a new workshop for a new sample"
        )
    if not upload.usable:
        raise ValidationError("The data return has blocking problems: upload a corrected one")
    year = census_year or upload.census_year
    if year is None:
        raise ValidationError("The data return has no census year")
    folder = returns.return_folder(actor.organisation, upload.pk, upload.return_path)
    today = timezone.localdate()
    try:
        snaps = returns.snapshots_for(folder, year)
        frame = draw(
            snaps, year, n, seed, strata, min_per_stratum, today, case_prefix=f"W{workshop.pk}-"
        )
        summaries = returns.case_summaries(folder, snaps, year, frame["person_id"].to_list())
    except DbvError as exc:
        raise ValidationError(
            exc.message + (f". {exc.fix[0].upper()}{exc.fix[1:]}" if exc.fix else "")
        ) from exc
    cases = [_case(actor, workshop, row, summaries) for row in frame.iter_rows(named=True)]
    Case.objects.bulk_create(cases)
    before = snapshot(workshop, ["sample_size", "seed", "strata", "census_year"])
    workshop.upload = upload
    workshop.census_year = year
    workshop.sample_size = n
    workshop.seed = seed
    workshop.strata = ",".join(strata)
    workshop.min_per_stratum = min_per_stratum
    workshop.sampled_at = timezone.now()
    workshop.save()
    after = snapshot(workshop, ["sample_size", "seed", "strata", "census_year", "upload_id"])
    assert after is not None
    after["cases"] = len(cases)
    return Change(f"workshop {workshop.pk} sample", before, after, cases)


def _case(
    actor: Actor, workshop: Workshop, row: dict[str, Any], summaries: dict[str, dict[str, Any]]
) -> Case:
    return Case(
        organisation=actor.organisation,
        workshop=workshop,
        case_id=row["case_id"],
        person_id=row["person_id"],
        census_year=row["census_year"],
        setting_group=row["setting_group"],
        primary_need=row["primary_need"] or "",
        age_band=row["age_band"] or "",
        tenure=row["tenure"],
        stratum=row["stratum"],
        stratum_size=row["stratum_size"],
        selection_probability=row["selection_probability"],
        hand_picked=row["hand_picked"],
        seed=row["seed"],
        selected_on=row["selected_on"],
        summary=summaries.get(row["person_id"], {}),
    )


@action("workshop.sample")
def add_hand_picked(actor: Actor, workshop: Workshop, person_id: str) -> Change:
    """Add a case chosen by officers: flagged hand-picked, excluded from extrapolation."""
    _ours(actor, workshop)
    from dbv.module2.draw import hand_picked

    if workshop.sampled_at is None or workshop.upload is None:
        raise ValidationError("Draw the random sample first, then add hand-picked cases")
    person_id = person_id.strip()
    if workshop.cases.filter(person_id=person_id).exists():
        raise ValidationError("This child is already in the sample")
    upload = workshop.upload
    year = int(workshop.census_year or 0)
    folder = returns.return_folder(actor.organisation, upload.pk, upload.return_path)
    first = workshop.cases.filter(hand_picked=True).count() + 1
    try:
        snaps = returns.snapshots_for(folder, year)
        frame = hand_picked(
            snaps,
            year,
            [person_id],
            int(workshop.seed or 0),
            tuple(workshop.strata.split(",")),
            timezone.localdate(),
            case_prefix=f"W{workshop.pk}-H",
            first=first,
        )
        summaries = returns.case_summaries(folder, snaps, year, [person_id])
    except DbvError as exc:
        raise ValidationError(
            f"No child with a plan at the January {year} census has that pseudonymous ID"
        ) from exc
    case = _case(actor, workshop, frame.row(0, named=True), summaries)
    case.save()
    return Change(
        f"case {case.case_id}", None, snapshot(case, ["case_id", "person_id", "hand_picked"]), case
    )


# ---------------------------------------------------------------------------- reviews


REVIEW_FIELDS = [
    "reviewer_role",
    "ideal_outcome",
    "needs_met_effectively",
    "met_without_ehcp",
    "different_provision",
    "ideal_provision",
    "decision_point",
    "smart_goals",
    "confidence",
]


@action("case.review")
def record_review(
    actor: Actor,
    case: Case,
    answers: dict[str, Any],
    reasons: list[str],
    primary_reason: str = "",
    note: str = "",
) -> Change:
    """A reviewer's own judgement; once submitted it is kept as given (the panel's discussion
    goes into the consensus and the dissent count)."""
    _ours(actor, case)
    _open(case)
    membership = actor.membership
    if membership is None:
        raise PermissionDenied
    rid = reviewer_id(membership.user_id)
    if case.reviews.filter(reviewer_id=rid).exists():
        raise ValidationError("You have already submitted your review of this case")
    check_answers(answers, reasons, primary_reason, note, reviewer=True)
    if len(reasons) == 1:
        primary_reason = reasons[0]
    review = Review.objects.create(
        case=case,
        user=membership.user,
        reviewer_id=rid,
        review_date=case.workshop.date,
        **_values(answers, REVIEW_FIELDS),
    )
    for reason in reasons:
        ReviewReason.objects.create(
            review=review,
            reason=reason,
            is_primary=reason == primary_reason,
            note=note if reason == "other" else "",
        )
    after = snapshot(review, ["reviewer_id", *REVIEW_FIELDS])
    assert after is not None
    after["reasons"] = reasons
    after["primary_reason"] = primary_reason
    return Change(f"case {case.case_id} review", None, after, review)


OPTIONAL = ("ideal_provision", "decision_point", "primary_reason")


def _values(answers: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The answers to store: optional codes blank ("") when not given."""
    return {k: (answers.get(k) or "") if k in OPTIONAL else answers[k] for k in fields}


def check_answers(
    answers: dict[str, Any], reasons: list[str], primary: str, note: str, reviewer: bool
) -> None:
    """The rules of the review form (also enforced here, whatever the caller)."""
    if reviewer:
        _check_code(answers.get("reviewer_role", ""), "reviewer_role", "your role")
    _check_code(answers.get("ideal_outcome", ""), "judgement", "an answer on the ideal outcome")
    _check_code(
        answers.get("needs_met_effectively", ""), "judgement", "an answer on needs being met"
    )
    _check_code(
        answers.get("met_without_ehcp", ""), "yes_no", "an answer on meeting needs without a plan"
    )
    _check_code(
        answers.get("different_provision", ""), "yes_no", "an answer on a different provision"
    )
    _check_code(
        answers.get("ideal_provision", ""), "ideal_provision", "the ideal provision", blank=True
    )
    _check_code(answers.get("decision_point", ""), "decision_point", "a decision point", blank=True)
    if answers.get("different_provision") == "yes" and not answers.get("ideal_provision"):
        raise ValidationError(
            "Select the ideal provision, as a different provision would be better"
        )
    if not isinstance(answers.get("smart_goals"), bool):
        raise ValidationError("Select whether the plan's outcomes are SMART")
    confidence = answers.get("confidence")
    if not isinstance(confidence, int) or not 1 <= confidence <= 5:
        raise ValidationError("Confidence must be from 1 to 5")
    for r in [*reasons, *([primary] if primary else [])]:
        _check_code(r, "reason", "reasons from the list")
    if not reviewer:
        return
    if answers.get("ideal_outcome") in NOT_IDEAL and not reasons:
        raise ValidationError("Select at least one reason, as the outcome is not ideal")
    if answers.get("ideal_outcome") == "yes" and reasons:
        raise ValidationError("Leave the reasons blank, as the outcome is ideal")
    if len(reasons) > 1 and primary not in reasons:
        raise ValidationError("Select the main reason from the reasons you ticked")
    if "other" in reasons and not note.strip():
        raise ValidationError("Describe the other reason")


# ---------------------------------------------------------------------------- consensus


CONSENSUS_FIELDS = [
    "ideal_outcome",
    "needs_met_effectively",
    "met_without_ehcp",
    "different_provision",
    "ideal_provision",
    "primary_reason",
    "decision_point",
    "smart_goals",
    "confidence",
]


@action("case.consensus")
def record_consensus(
    actor: Actor, case: Case, answers: dict[str, Any], dissenting: list[str]
) -> Change:
    """The panel's agreed answers; ``dissenting`` lists reviewer IDs who disagree."""
    _ours(actor, case)
    _open(case)
    reviews = list(case.reviews.all())
    if not reviews:
        raise ValidationError("Record the panel's consensus after at least one review")
    ids = {r.reviewer_id for r in reviews}
    if not set(dissenting) <= ids:
        raise ValidationError("Select dissenting reviewers from those who reviewed the case")
    primary = answers.get("primary_reason") or ""
    check_answers(answers, [], primary, "", reviewer=False)
    if answers.get("ideal_outcome") in NOT_IDEAL and not primary:
        raise ValidationError("Select the agreed main reason, as the outcome is not ideal")
    existing = Consensus.objects.filter(case=case).first()
    before = snapshot(existing, ["reviewers", "dissenting", *CONSENSUS_FIELDS])
    values = _values(answers, CONSENSUS_FIELDS)
    values.update(
        agreed_on=timezone.localdate(), reviewers=len(reviews), dissenting=len(set(dissenting))
    )
    consensus, _ = Consensus.objects.update_or_create(case=case, defaults=values)
    for r in reviews:
        flag = r.reviewer_id in dissenting
        if r.dissent != flag:
            r.dissent = flag
            r.save(update_fields=["dissent"])
    after = snapshot(consensus, ["reviewers", "dissenting", *CONSENSUS_FIELDS])
    return Change(f"case {case.case_id} consensus", before, after, consensus)


# ---------------------------------------------------------------------------- voice


def may_record_voice(actor: Actor, case: Case, voice: str) -> bool:
    """A facilitator records either view; a parent/carer or young person only their own, on a
    case the facilitator has shared with them."""
    if actor.role == FACILITATOR:
        return True
    own = ROLE_VOICE.get(actor.role or "")
    return (
        own == voice
        and actor.membership is not None
        and case.shared_with.filter(pk=actor.membership.pk).exists()
    )


@action("case.voice")
def record_voice(
    actor: Actor,
    case: Case,
    voice: str,
    status: str,
    decline_reason: str = "",
    ideal_outcome: str = "",
    agrees_with_panel: str = "",
) -> Change:
    _ours(actor, case)
    _check_code(voice, "voice", "whose view this is")
    if not may_record_voice(actor, case, voice):
        raise PermissionDenied("You cannot record this view for this case")
    _open(case)
    _check_code(status, "voice_status", "whether a view was given")
    if status == "given":
        _check_code(ideal_outcome, "judgement", "their view of the ideal outcome")
        _check_code(agrees_with_panel, "agreement", "how far they agree with the panel", blank=True)
        decline_reason = ""
    else:
        _check_code(decline_reason, "decline_reason", "why no view was recorded")
        ideal_outcome = agrees_with_panel = ""
    existing = Voice.objects.filter(case=case, voice=voice).first()
    fields = ["voice", "status", "decline_reason", "ideal_outcome", "agrees_with_panel"]
    before = snapshot(existing, fields)
    v, _ = Voice.objects.update_or_create(
        case=case,
        voice=voice,
        defaults={
            "status": status,
            "decline_reason": decline_reason,
            "ideal_outcome": ideal_outcome,
            "agrees_with_panel": agrees_with_panel,
            "recorded_on": timezone.localdate(),
        },
    )
    return Change(f"case {case.case_id} {voice} view", before, snapshot(v, fields), v)


@action("case.share")
def share_case(actor: Actor, case: Case, membership: Membership) -> Change:
    """Let a parent/carer or young person of this council record their own view of a case."""
    _ours(actor, case)
    if membership.organisation_id != actor.organisation.pk or membership.role not in ROLE_VOICE:
        raise ValidationError("Share the case with a parent/carer or young person member")
    case.shared_with.add(membership)
    return Change(f"case {case.case_id} shared", None, {"membership": membership.pk}, case)


# ---------------------------------------------------------------------------- closing


def close_problems(case: Case) -> list[str]:
    out = []
    if not Consensus.objects.filter(case=case).exists():
        out.append("Record the panel's consensus before closing the case")
    parent = Voice.objects.filter(case=case, voice="parent_carer").first()
    if parent is None or not (
        parent.status == "given" or (parent.status == "declined" and parent.decline_reason)
    ):
        out.append(
            "Record the parent or carer's view (or that they declined, and why) before closing "
            "the case"
        )
    return out


@action("case.close")
def close_case(actor: Actor, case: Case) -> Change:
    _ours(actor, case)
    _open(case)
    problems = close_problems(case)
    if problems:
        raise ValidationError(problems)
    case.closed_at = timezone.now()
    case.save(update_fields=["closed_at"])
    return Change(
        f"case {case.case_id}", {"closed_at": None}, {"closed_at": case.closed_at.isoformat()}, case
    )
