from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dbv.web.core import services
from dbv.web.core.access import actor_of, org_view, organisation_of
from dbv.web.core.exports import all_tables, zip_bytes
from dbv.web.core.forms import ConfirmForm, LoginForm, MemberForm
from dbv.web.core.models import AuditLog, Membership
from dbv.web.core.ratelimit import address, blocked, record


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"], address(request)
        if blocked(username, ip):
            form.add_error(None, "Too many failed sign-in attempts. Wait 15 minutes and try again.")
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            record(username, ip, user is not None)
            if user is not None:
                login(request, user)
                return redirect(request.GET.get("next") or "home")
            form.add_error(None, "The username or password is not right.")
            status = 400
    return render(request, "core/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.select_related("organisation").filter(
        user_id=request.user.pk or 0
    )
    return render(request, "core/home.html", {"memberships": memberships})


@org_view("org.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"actor": actor_of(request)})


@org_view("org.manage_members")
def members(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.core.exceptions import ValidationError

        try:
            services.add_member(actor_of(request), **form.cleaned_data)
            return redirect("members", org=org.code)
        except ValidationError as exc:
            form.add_error("password", exc)
    rows = Membership.objects.select_related("user").filter(organisation=org)
    return render(request, "core/members.html", {"form": form, "rows": rows})


@org_view("audit.view")
def audit(request: HttpRequest) -> HttpResponse:
    rows = AuditLog.objects.filter(organisation=organisation_of(request))[:200]
    return render(request, "core/audit.html", {"rows": rows})


@org_view("org.export")
def export(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    tables = all_tables(org)
    services.record_export(actor_of(request), len(tables))
    response = HttpResponse(zip_bytes(tables), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="dbv-{org.code}-export.zip"'
    return response


@org_view("org.delete_data")
def delete_data(request: HttpRequest) -> HttpResponse:
    org = organisation_of(request)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"] != org.code:
            form.add_error("confirm", f"Type {org.code} exactly to confirm")
        else:
            removed = services.delete_council_data(actor_of(request))
            return render(request, "core/deleted.html", {"removed": removed})
    return render(request, "core/delete.html", {"form": form})
