"""Pages of the sharing app.

Council side (``/o/<org>/shares/``): the council's shares, the page that shows a pack's insight
export (what leaves, as counts of what is in it) with the form to share it, and withdrawal.
Insight body side (``/i/<body>/``): the exports currently shared with the body (council,
diagnostic date, when shared: nothing else of any council), the insight pack button, the
packs built and their files, and the body's audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dbv.errors import DataFileError, DbvError
from dbv.web.core.access import actor_of, insight_view, org_view, organisation_of
from dbv.web.core.downloads import attachment
from dbv.web.core.models import AuditLog
from dbv.web.planning.models import Pack
from dbv.web.sharing import actions
from dbv.web.sharing.build import FILES, pack_file, shared_with
from dbv.web.sharing.content import free_text_of, read_pack_export, summary
from dbv.web.sharing.forms import BuildForm, ShareForm
from dbv.web.sharing.models import InsightPack, SharedExport

# council side


@org_view("share.view")
def share_list(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    shares = SharedExport.objects.select_related("recipient").filter(organisation=org)[:100]
    return render(request, "sharing/list.html", {
        "shares": shares, "can_withdraw": actor_of(request).can("share.withdraw"),
    })  # fmt: skip


@org_view("share.create")
def share_pack(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    pack = Pack.objects.filter(organisation=org, pk=pk).first()
    if pack is None:
        raise Http404("No such pack")
    form = ShareForm(request.POST or None)
    problem = ""
    rows: list[tuple[str, str]] = []
    try:
        rows = summary(read_pack_export(pack)[1])
    except DbvError as exc:
        problem = str(exc)
    words: list[dict[str, str]] = []
    words_problem = ""
    try:
        words = free_text_of(org)
    except DbvError as exc:
        words_problem = str(exc)
    if request.method == "POST" and form.is_valid() and not problem:
        recipient = form.cleaned_data["recipient"]
        try:
            if form.cleaned_data["include_free_text"] and words_problem:
                raise DataFileError(words_problem)
            chosen = words if form.cleaned_data["include_free_text"] else None
            actions.share_export(actor_of(request), pack, recipient, chosen)
        except DbvError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The insight export was shared with {recipient.name}.")
            return redirect(reverse("sharing:list", args=[org.code]))
    current = SharedExport.objects.select_related("recipient").filter(
        organisation=org, withdrawn_at__isnull=True
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "sharing/share.html", {
        "pack": pack, "form": form, "rows": rows, "problem": problem, "current": current,
        "words": words, "words_problem": words_problem,
        "download": reverse("planning:pack_file", args=[org.code, pack.pk, "export"]),
    }, status=status)  # fmt: skip


@org_view("share.withdraw")
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_of(request)
    share = SharedExport.objects.select_related("recipient").filter(organisation=org, pk=pk).first()
    if share is None:
        raise Http404("No such share")
    if share.withdrawn_at is None:
        actions.withdraw_share(actor_of(request), share)
        messages.success(request, f"The export is no longer shared with {share.recipient.name}.")
    return redirect(reverse("sharing:list", args=[org.code]))


# insight body side


def _body_url(request: HttpRequest, name: str, *args: object) -> str:
    return reverse(f"insight:{name}", args=[organisation_of(request).code, *args])


def _body_page(request: HttpRequest, form: BuildForm, problem: str = "",
               status: int = 200) -> HttpResponse:  # fmt: skip
    body = organisation_of(request)
    packs = list(InsightPack.objects.filter(organisation=body)[:10])
    listed = [
        {"pack": p, "files": [{"kind": k, "name": n, "url": _body_url(request, "file", p.pk, k)}
                              for k, n in FILES.items() if pack_file(p, k) is not None]}
        for p in packs
    ]  # fmt: skip
    return render(request, "sharing/body.html", {
        "shares": shared_with(body), "packs": listed, "form": form, "problem": problem,
        "can_build": actor_of(request).can("insight.build"),
    }, status=status)  # fmt: skip


@insight_view("insight.view")
def body_home(request: HttpRequest) -> HttpResponse:
    return _body_page(request, BuildForm())


@insight_view("insight.build")
@require_POST
def body_build(request: HttpRequest) -> HttpResponse:
    form = BuildForm(request.POST)
    allow_mixed = bool(form.is_valid() and form.cleaned_data["allow_mixed_years"])
    try:
        pack = actions.build_insight_pack(actor_of(request), allow_mixed)
    except DbvError as exc:
        return _body_page(request, form, str(exc), status=400)
    if pack.status == InsightPack.BUILT:
        messages.success(request, "The insight pack was built.")
    return redirect(_body_url(request, "home"))


@insight_view("insight.view")
def body_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    pack = InsightPack.objects.filter(organisation=organisation_of(request), pk=pk).first()
    if pack is None:
        raise Http404("No such insight pack")
    path = pack_file(pack, kind)
    if path is None:
        raise Http404("No such file")
    return attachment(path)


@insight_view("insight.view")
def body_audit(request: HttpRequest) -> HttpResponse:
    rows = AuditLog.objects.filter(organisation=organisation_of(request))[:200]
    return render(request, "core/audit.html", {"rows": rows})
