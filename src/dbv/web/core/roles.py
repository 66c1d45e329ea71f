"""Roles and what each may do. One table, read by every permission check.

A person has one role in each council they belong to. ``ACTIONS`` maps each write or read
action to the roles allowed it; anything not listed is refused.

Insight bodies (DfE, a regional team, a group of councils: ``Organisation.kind == "insight"``)
have their own role, ``insight_reader``, allowed only the ``insight.*`` actions: it reaches no
council page (council pages also refuse any organisation that is not a council), and a council
role means nothing in an insight body. What a council shares with a body is decided by the
council's administrator alone (``share.create``, ``share.withdraw``), as for a full export of
its data (``org.export``): sending anything outside the council is the data controller's
decision, not the analyst's who built the pack.
"""

from __future__ import annotations

COUNCIL_ADMIN = "council_admin"
ANALYST = "analyst"
FACILITATOR = "facilitator"
REVIEWER = "reviewer"
PARENT = "parent_carer"
YOUNG_PERSON = "young_person"
READ_ONLY = "read_only"
INSIGHT_READER = "insight_reader"

ROLES = {
    COUNCIL_ADMIN: "Council administrator",
    ANALYST: "Analyst",
    FACILITATOR: "Workshop facilitator",
    REVIEWER: "Reviewer (practitioner)",
    PARENT: "Parent or carer",
    YOUNG_PERSON: "Young person",
    READ_ONLY: "Read-only (council scrutiny)",
    INSIGHT_READER: "DfE or regional insight (read-only)",
}
INSIGHT_ROLES = {INSIGHT_READER}
COUNCIL_ROLES = set(ROLES) - INSIGHT_ROLES
ROLES_OF_KIND = {"council": COUNCIL_ROLES, "insight": INSIGHT_ROLES}
STAFF = {COUNCIL_ADMIN, ANALYST, FACILITATOR}
EVERYONE = COUNCIL_ROLES  # every role of a council; never an insight body's

ACTIONS: dict[str, set[str]] = {
    # council administration
    "org.view": EVERYONE,
    "org.manage_members": {COUNCIL_ADMIN},
    "org.export": {COUNCIL_ADMIN},
    "org.delete_data": {COUNCIL_ADMIN},
    "org.settings": {COUNCIL_ADMIN},
    "audit.view": {COUNCIL_ADMIN},
    # data return and the pack
    "return.upload": {COUNCIL_ADMIN, ANALYST},
    "pack.build": {COUNCIL_ADMIN, ANALYST},
    "pack.view": STAFF | {READ_ONLY},
    # case-review workshops
    "workshop.create": {COUNCIL_ADMIN, FACILITATOR},
    "workshop.sample": {COUNCIL_ADMIN, FACILITATOR},
    "workshop.view": STAFF | {REVIEWER, READ_ONLY},
    "case.review": {REVIEWER, FACILITATOR},
    "case.consensus": {FACILITATOR},
    "case.voice": {FACILITATOR, PARENT, YOUNG_PERSON},
    "case.close": {FACILITATOR},
    "case.share": {FACILITATOR},
    "results.view": STAFF | {REVIEWER, READ_ONLY},
    # surveys
    "survey.manage": {COUNCIL_ADMIN, FACILITATOR, ANALYST},
    "survey.results": STAFF | {READ_ONLY},
    # module 3 and grant
    "plan.edit": {COUNCIL_ADMIN, ANALYST, FACILITATOR},
    "plan.view": STAFF | {READ_ONLY, REVIEWER},
    # sharing the pack's insight export with an insight body (see the module docstring)
    "share.view": STAFF | {READ_ONLY},
    "share.create": {COUNCIL_ADMIN},
    "share.withdraw": {COUNCIL_ADMIN},
    # an insight body's own pages: the exports shared with it, and the insight pack
    "insight.view": {INSIGHT_READER},
    "insight.build": {INSIGHT_READER},
}


def allowed(role: str | None, action: str) -> bool:
    return role is not None and role in ACTIONS.get(action, set())
