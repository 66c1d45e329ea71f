"""The web app under a workshop's load: 50 reviewers sign in at once and work through pages.

Run: python benchmarks/bench_web_reviewers.py [--clients 50] [--seconds 60] [--workers 3]
                                             [--database-url postgres://dbv:dbv@localhost/dbv]

Set-up (Django ORM, DJANGO_SETTINGS_MODULE=dbv.web.settings or --settings, DBV_WEB_DATA in a
temp folder): migrate, then a council "bench" with N reviewer accounts (one password hash,
copied) and a workshop with one case per round. Then gunicorn (``gunicorn dbv.web.wsgi -w 3``,
as in docs/deploy.md) serves the app on a free port and N client threads (stdlib http.client;
each keeps its own session and CSRF cookies) all sign in at the same moment, then each makes
--rounds rounds of requests: the councils page, the council dashboard, the workshop list, and
GET and POST of the case-review form (``workshops:review``) for that round's case, with answers
checked first against the workshops app's ReviewForm (without a usable form the benchmark says
so and loads the pages only). Reported: sign-in
latency, then for the pages the requests per second, median and p95 latency, and errors (any
exception or unexpected status), and lost writes: reviews the server confirmed (302) minus
reviews in the database afterwards (must be 0). Rounds run for --seconds (default 60). The
default database is a fresh SQLite file; with
--database-url the council and accounts are removed again afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

PASSWORD = "bench-password-long-enough-1"
ORG = "bench"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup_django(clients: int, rounds: int) -> dict[str, str]:
    """Migrate, create the council and its reviewers; return the paths the clients load."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.urls import reverse

    from dbv.web.core.models import Membership, Organisation

    call_command("migrate", interactive=False, verbosity=0)
    org, _ = Organisation.objects.get_or_create(code=ORG, defaults={"name": "Bench Council"})
    template = User(username="bench-template")
    template.set_password(PASSWORD)  # hash once (PBKDF2 is slow on purpose), copy to all
    for i in range(clients):
        user, _ = User.objects.update_or_create(
            username=f"bench-reviewer-{i:03d}", defaults={"password": template.password}
        )
        Membership.objects.update_or_create(
            user=user, organisation=org, defaults={"role": "reviewer"}
        )
    paths = {
        "home": reverse("home"),
        "dashboard": reverse("dashboard", kwargs={"org": ORG}),
        "workshops": reverse("workshops:list", kwargs={"org": ORG}),
    }
    paths.update(review_cases(org, rounds))
    return paths


def review_cases(org: Any, rounds: int) -> dict[str, str]:
    """One workshop with one case per round (every reviewer reviews case r in round r), and the
    form answers to post, checked against the workshops app's own ReviewForm. Empty if the
    workshops app has no review form (yet), so the benchmark still runs on pages alone."""
    import datetime

    from django.db import DatabaseError
    from django.urls import NoReverseMatch, reverse

    try:
        from dbv.web.workshops.forms import ReviewForm
        from dbv.web.workshops.models import Case, Workshop

        form = ReviewForm()
        choices: dict[str, list[str]] = {
            name: [str(v) for v, _ in getattr(f, "choices", []) if v != ""]
            for name, f in form.fields.items()
        }
        answers = {"reviewer_role": choices["reviewer_role"][0], "smart_goals": "yes",
                   "confidence": "4", "different_provision": "no"}  # fmt: skip
        for name in ("ideal_outcome", "needs_met_effectively", "met_without_ehcp"):
            answers[name] = "yes" if "yes" in choices[name] else choices[name][0]
        check = ReviewForm(answers)
        if not check.is_valid():
            print(f"no reviews posted: the answers do not fit ReviewForm: {check.errors}")
            return {}
        today = datetime.date.today()
        Workshop.objects.filter(organisation=org).delete()
        workshop = Workshop.objects.create(organisation=org, name="Bench workshop", date=today)
        out = {"review_form": urlencode(answers)}
        for r in range(rounds):
            case = Case.objects.create(
                organisation=org, workshop=workshop, case_id=f"BENCH{r:04d}",
                person_id=f"P{r:06d}", census_year=today.year, setting_group="mainstream",
                age_band="5-10", tenure="1-2 years", stratum="all", stratum_size=rounds,
                seed=1, selected_on=today,
            )  # fmt: skip
            case.shared_with.set(org.memberships.all())
            out[f"review_{r}"] = reverse("workshops:review", kwargs={"org": ORG, "pk": case.pk})
        return out
    except (ImportError, NoReverseMatch, AttributeError, KeyError, IndexError, TypeError,
            DatabaseError) as exc:  # fmt: skip
        print(f"no reviews posted (the workshops app has no usable review form): {exc!r}")
        return {}


def teardown_django() -> None:
    from django.contrib.auth.models import User

    from dbv.web.core.models import Organisation

    User.objects.filter(username__startswith="bench-reviewer-").delete()
    Organisation.objects.filter(code=ORG).delete()


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timings: list[float] = field(default_factory=list)
    sign_in_timings: list[float] = field(default_factory=list)
    sign_in_errors: int = 0
    errors: list[str] = field(default_factory=list)
    reviews_ok: int = 0

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, expect: int = 200
    ) -> str:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            conn.close()
        except OSError as exc:
            self.errors.append(f"{method} {path}: {exc}")
            return ""
        self.timings.append(time.perf_counter() - t0)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status != expect:
            self.errors.append(f"{method} {path}: {response.status}")
        return text

    def sign_in(self, username: str) -> None:
        page = self.request("GET", "/sign-in/")
        token = CSRF.search(page)
        form = {"username": username, "password": PASSWORD}
        form["csrfmiddlewaretoken"] = token.group(1) if token else ""
        self.request("POST", "/sign-in/", form, expect=302)

    def review(self, path: str, answers: str) -> None:
        """GET a case's review form, then POST the answers with the form's CSRF token."""
        token = CSRF.search(self.request("GET", path))
        form = dict(parse_qsl(answers))
        form["csrfmiddlewaretoken"] = token.group(1) if token else ""
        before = len(self.errors)
        self.request("POST", path, form, expect=302)
        if len(self.errors) == before:
            self.reviews_ok += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(timings: list[float], seconds: float, errors: int) -> dict[str, Any]:
    return {
        "requests": len(timings),
        "errors": errors,
        "seconds": round(seconds, 2),
        "requests_per_s": round(len(timings) / seconds, 1) if seconds else 0.0,
        "median_ms": round(1000 * statistics.median(timings), 1) if timings else None,
        "p95_ms": round(1000 * percentile(timings, 0.95), 1) if timings else None,
        "max_ms": round(1000 * max(timings), 1) if timings else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=400, help="most rounds per client (cases)")
    ap.add_argument("--seconds", type=float, default=60, help="stop starting rounds after this")
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    ap.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    ap.add_argument("--settings", default="dbv.web.settings", help="Django settings module")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    data = Path(tempfile.mkdtemp(prefix="dbv-web-bench-"))
    env = dict(os.environ, DBV_WEB_DATA=str(data), DJANGO_SETTINGS_MODULE=args.settings)
    env["DBV_SECRET_KEY"] = "bench-only-not-secret-" + "x" * 40
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    if not args.database_url:
        os.environ.pop("DATABASE_URL", None)
    paths = setup_django(args.clients, args.rounds)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dbv.web.wsgi", "-w", str(args.workers),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        Client(port).request("GET", "/sign-in/")  # warm every import before the clock starts

        clients = [Client(port) for _ in range(args.clients)]
        start = threading.Barrier(args.clients + 1)
        signed_in = threading.Barrier(args.clients + 1)
        pages = [paths["home"], paths["dashboard"], paths["workshops"]]

        def run(i: int, c: Client) -> None:
            start.wait()
            c.sign_in(f"bench-reviewer-{i:03d}")
            c.sign_in_timings, c.timings = c.timings, []  # page timings only from here on
            c.sign_in_errors = len(c.errors)
            signed_in.wait()
            stop = time.perf_counter() + args.seconds
            for r in range(args.rounds):
                if time.perf_counter() > stop:
                    break
                for p in pages:
                    c.request("GET", p)
                if "review_form" in paths:
                    c.review(paths[f"review_{r}"], paths["review_form"])

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        signed_in.wait()
        t1 = time.perf_counter()
        for t in threads:
            t.join()
        t2 = time.perf_counter()
    finally:
        server.terminate()
        server.wait(timeout=30)

    sign_in_timings = [t for c in clients for t in c.sign_in_timings]
    sign_in_errors = sum(c.sign_in_errors for c in clients)
    page_timings = [t for c in clients for t in c.timings]
    errors = [e for c in clients for e in c.errors]
    from django.conf import settings

    from dbv.web.workshops.models import Review

    submitted = sum(c.reviews_ok for c in clients)
    stored = Review.objects.filter(case__organisation__code=ORG).count()
    result = {
        "clients": args.clients,
        "rounds": args.rounds,
        "gunicorn_workers": args.workers,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "pages": [
            *sorted(k for k in paths if k in ("home", "dashboard", "workshops")),
            *(["review (GET + POST)"] if "review_form" in paths else []),
        ],
        "sign_in": summary(sign_in_timings, t1 - t0, sign_in_errors),
        "pages_load": summary(page_timings, t2 - t1, len(errors) - sign_in_errors),
        "first_errors": errors[:5],
        "reviews_confirmed": submitted,
        "reviews_in_database": stored,
        "lost_writes": submitted - stored,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    if args.database_url:
        teardown_django()


def report(result: dict[str, Any]) -> None:
    print(
        f"{result['clients']} reviewers, gunicorn -w {result['gunicorn_workers']}, "
        f"{result['database']}; "
        f"pages: {', '.join(result['pages'])}"
    )
    for name in ("sign_in", "pages_load"):
        s = result[name]
        print(
            f"  {name:10s} {s['requests']:5d} requests in {s['seconds']:6.2f} s = "
            f"{s['requests_per_s']:6.1f}/s; median {s['median_ms']} ms, p95 {s['p95_ms']} ms, "
            f"max {s['max_ms']} ms; errors {s['errors']}"
        )
    print(
        f"  reviews confirmed to clients {result['reviews_confirmed']}, in the database "
        f"{result['reviews_in_database']}: lost writes {result['lost_writes']}"
    )
    for e in result["first_errors"]:
        print("  error:", e)


if __name__ == "__main__":
    main()
