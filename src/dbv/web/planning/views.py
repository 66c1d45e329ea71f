from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dbv.web.core.access import org_view


@org_view("plan.view")
def plan_home(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/home.html", {})
