"""Roles and what each may do. One table, read by every permission check.

A person has one role in each council they belong to. ``ACTIONS`` maps each write or read
action to the roles allowed it; anything not listed is refused.
"""

from __future__ import annotations

COUNCIL_ADMIN = "council_admin"
ANALYST = "analyst"
FACILITATOR = "facilitator"
REVIEWER = "reviewer"
PARENT = "parent_carer"
YOUNG_PERSON = "young_person"
READ_ONLY = "read_only"

ROLES = {
    COUNCIL_ADMIN: "Council administrator",
    ANALYST: "Analyst",
    FACILITATOR: "Workshop facilitator",
    REVIEWER: "Reviewer (practitioner)",
    PARENT: "Parent or carer",
    YOUNG_PERSON: "Young person",
    READ_ONLY: "Read-only (scrutiny or DfE)",
}
STAFF = {COUNCIL_ADMIN, ANALYST, FACILITATOR}
EVERYONE = set(ROLES)

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
}


def allowed(role: str | None, action: str) -> bool:
    return role is not None and role in ACTIONS.get(action, set())
