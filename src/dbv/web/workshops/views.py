"""Pages of the case-review workshops: the data return, workshops and their sample, each case
(summary, independent reviews, consensus, family voice, closing) and the live results."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dbv.web.core.access import actor_of, org_view, organisation_of
from dbv.web.core.models import Membership
from dbv.web.core.roles import FACILITATOR
from dbv.web.workshops import actions, forms, results
from dbv.web.workshops.models import Case, ReturnUpload, Workshop


def _workshop(request: HttpRequest, pk: int) -> Workshop:
    return get_object_or_404(Workshop, pk=pk, organisation=organisation_of(request))


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.select_related("workshop"), pk=pk, organisation=organisation_of(request)
    )


def _fail(form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _labels(code_list: str) -> dict[str, str]:
    return actions.codes(code_list)


# ---------------------------------------------------------------------------- lists and returns


@org_view("workshop.view")
def workshop_list(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    actor = actor_of(request)
    return render(
        request,
        "workshops/list.html",
        {
            "workshops": Workshop.objects.filter(organisation=org),
            "latest": ReturnUpload.objects.filter(organisation=org).first(),
            "can_upload": actor.can("return.upload"),
            "can_create": actor.can("workshop.create"),
        },
    )


@org_view("return.upload")
def upload(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                up = actions.upload_return(actor_of(request), f.name, int(f.size), f)
                return redirect("workshops:upload_detail", org=org.code, pk=up.pk)
            except ValidationError as exc:
                form.add_error("file", exc)
        status = 400
    uploads = ReturnUpload.objects.filter(organisation=org)[:20]
    return render(
        request, "workshops/upload.html", {"form": form, "uploads": uploads}, status=status
    )


@org_view("return.upload")
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    up = get_object_or_404(ReturnUpload, pk=pk, organisation=organisation_of(request))
    return render(request, "workshops/upload_detail.html", {"up": up, "v": up.validation})


# ---------------------------------------------------------------------------- workshops


@org_view("workshop.create")
def workshop_new(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    form = forms.WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        w = actions.create_workshop(actor_of(request), **form.cleaned_data)
        return redirect("workshops:detail", org=org.code, pk=w.pk)
    return render(request, "workshops/new.html", {"form": form}, status=400 if form.errors else 200)


@org_view("workshop.view")
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    w = _workshop(request, pk)
    actor = actor_of(request)
    cases = w.cases.select_related("consensus").prefetch_related("reviews", "voices")
    return render(
        request,
        "workshops/detail.html",
        {
            "w": w,
            "cases": cases,
            "can_sample": actor.can("workshop.sample"),
            "sample_form": forms.SampleForm(),
            "pick_form": forms.HandPickForm(),
            "labels": _labels("setting_group"),
        },
    )


@org_view("workshop.sample")
def workshop_sample(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    w = _workshop(request, pk)
    form = forms.SampleForm(request.POST or None)
    latest = (
        ReturnUpload.objects.filter(organisation=org, exit_code__lt=2)
        .exclude(return_path="")
        .first()
    )
    if request.method == "POST" and form.is_valid():
        if latest is None:
            form.add_error(None, "Upload the council's data return first")
        else:
            d = form.cleaned_data
            try:
                actions.draw_sample(
                    actor_of(request),
                    w,
                    latest,
                    d["n"],
                    d["seed"],
                    tuple(d["strata"]),
                    d["min_per_stratum"],
                )
                return redirect("workshops:detail", org=org.code, pk=w.pk)
            except ValidationError as exc:
                _fail(form, exc)
    return render(
        request,
        "workshops/sample.html",
        {"w": w, "form": form, "latest": latest},
        status=400 if form.errors else 200,
    )


@org_view("workshop.sample")
def workshop_hand_pick(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    w = _workshop(request, pk)
    form = forms.HandPickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_hand_picked(actor_of(request), w, form.cleaned_data["person_id"])
            return redirect("workshops:detail", org=org.code, pk=w.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "workshops/hand_pick.html",
        {"w": w, "form": form},
        status=400 if form.errors else 200,
    )


@org_view("results.view")
def workshop_results(request: HttpRequest, pk: int) -> HttpResponse:
    w = _workshop(request, pk)
    return render(request, "workshops/results.html", {"w": w, **results.build(w.cases.all())})


# ---------------------------------------------------------------------------- cases


def _sees_all(request: HttpRequest) -> bool:
    return actor_of(request).role == FACILITATOR


@org_view("workshop.view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    actor = actor_of(request)
    mine = None
    if actor.membership is not None:
        mine = case.reviews.filter(
            reviewer_id=actions.reviewer_id(actor.membership.user_id)
        ).first()
    reviews = list(case.reviews.prefetch_related("reasons"))
    visible = _sees_all(request) or mine is not None
    consensus = getattr(case, "consensus", None) if hasattr(case, "consensus") else None
    return render(
        request,
        "workshops/case.html",
        {
            "case": case,
            "s": case.summary,
            "mine": mine,
            "reviews": reviews if visible else [],
            "hidden": 0 if visible else len(reviews),
            "consensus": consensus,
            "voices": case.voices.all(),
            "problems": actions.close_problems(case),
            "can_review": actor.can("case.review") and mine is None and not case.closed_at,
            "can_consensus": actor.can("case.consensus"),
            "can_close": actor.can("case.close"),
            "can_voice": actor.can("case.voice"),
            "can_share": actor.can("case.share"),
            "labels": {
                n: _labels(n)
                for n in (
                    "setting_group",
                    "need_type",
                    "judgement",
                    "yes_no",
                    "ideal_provision",
                    "decision_point",
                    "reason",
                    "reviewer_role",
                    "voice",
                    "voice_status",
                    "decline_reason",
                    "agreement",
                    "age_band",
                    "tenure",
                )
            },
        },
    )


@org_view("case.review")
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    case = _case(request, pk)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_review(
                actor_of(request),
                case,
                form.answers(),
                list(d["reasons"]),
                d.get("primary_reason") or "",
                d.get("note") or "",
            )
            return redirect("workshops:case", org=org.code, pk=case.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "workshops/review.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@org_view("case.consensus")
def case_consensus(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    case = _case(request, pk)
    ids = list(case.reviews.values_list("reviewer_id", flat=True))
    initial: dict[str, Any] = {}
    existing = getattr(case, "consensus", None)  # RelatedObjectDoesNotExist is an AttributeError
    if existing is not None:
        initial = {f: getattr(existing, f) for f in actions.CONSENSUS_FIELDS}
        initial["smart_goals"] = "yes" if existing.smart_goals else "no"
        initial["dissenting"] = list(
            case.reviews.filter(dissent=True).values_list("reviewer_id", flat=True)
        )
    form = forms.ConsensusForm(request.POST or None, initial=initial, reviewers=ids)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_consensus(
                actor_of(request), case, form.answers(), list(form.cleaned_data["dissenting"])
            )
            return redirect("workshops:case", org=org.code, pk=case.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "workshops/consensus.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@org_view("case.voice")
def case_voice(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    case = _case(request, pk)
    actor = actor_of(request)
    allowed = [v for v in actions.codes("voice") if actions.may_record_voice(actor, case, v)]
    if not allowed:
        from django.http import Http404

        raise Http404("No such case")
    form = forms.VoiceForm(request.POST or None, voices=allowed)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_voice(
                actor,
                case,
                d["voice"],
                d["status"],
                d.get("decline_reason") or "",
                d.get("ideal_outcome") or "",
                d.get("agrees_with_panel") or "",
            )
            if actor.role == FACILITATOR:
                return redirect("workshops:case", org=org.code, pk=case.pk)
            return redirect("workshops:my_cases", org=org.code)
        except ValidationError as exc:
            _fail(form, exc)
    consensus = getattr(case, "consensus", None) if hasattr(case, "consensus") else None
    return render(
        request,
        "workshops/voice.html",
        {
            "case": case,
            "form": form,
            "consensus": consensus,
            "labels": _labels("judgement"),
            "facilitator": actor.role == FACILITATOR,
        },
        status=400 if form.errors else 200,
    )


@org_view("case.share")
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    case = _case(request, pk)
    people = Membership.objects.select_related("user").filter(
        organisation=org, role__in=list(actions.ROLE_VOICE)
    )
    choices = [(str(m.pk), f"{m.user.get_username()} ({m.get_role_display()})") for m in people]
    form = forms.ShareForm(request.POST or None, people=choices)
    if request.method == "POST" and form.is_valid():
        m = people.get(pk=int(form.cleaned_data["membership"]))
        try:
            actions.share_case(actor_of(request), case, m)
            return redirect("workshops:case", org=org.code, pk=case.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "workshops/share.html",
        {
            "case": case,
            "form": form,
            "shared": case.shared_with.select_related("user"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@org_view("case.close")
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    case = _case(request, pk)
    try:
        actions.close_case(actor_of(request), case)
    except ValidationError as exc:
        return render(
            request,
            "workshops/close_refused.html",
            {"case": case, "errors": exc.messages},
            status=400,
        )
    return redirect("workshops:case", org=org.code, pk=case.pk)


@org_view("case.voice")
def my_cases(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    org = organisation_of(request)
    if actor.role == FACILITATOR:
        return redirect("workshops:list", org=org.code)
    cases = Case.objects.filter(organisation=org, shared_with=actor.membership)
    return render(request, "workshops/my_cases.html", {"cases": cases})
