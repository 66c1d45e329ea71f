from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dbv.web.core.access import org_view


@org_view("workshop.view")
def workshop_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workshops/list.html", {})
