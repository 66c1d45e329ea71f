"""Login rate limiting, kept in the database so it holds across processes and servers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from dbv.web.core.models import LoginAttempt


def address(request: HttpRequest) -> str:
    """The client address (the proxy's X-Forwarded-For only when running behind HTTPS proxy)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.HTTPS and forwarded:
        return str(forwarded).split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def blocked(username: str, ip: str) -> bool:
    limit, seconds = settings.LOGIN_RATE_LIMIT
    since = timezone.now() - timedelta(seconds=seconds)
    failed = LoginAttempt.objects.filter(success=False, at__gte=since)
    return (
        failed.filter(username=username.lower()).count() >= limit
        or failed.filter(address=ip).count() >= limit * 4
    )


def record(username: str, ip: str, success: bool) -> None:
    LoginAttempt.objects.create(username=username.lower()[:150], address=ip, success=success)
