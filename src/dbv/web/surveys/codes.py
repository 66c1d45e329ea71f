"""The engagement schema's code lists, so that answers match the import format exactly."""

from __future__ import annotations

from functools import cache

from dbv.module2.engagement import schema

# the item table of each kind of survey (engagement.yaml)
ITEM_TABLE = {
    "service_awareness": "service_awareness",
    "likert": "likert_response",
    "readiness": "readiness",
    "partnership": "partnership_rating",
}
TABLES = (
    "survey_response",
    "service_awareness",
    "likert_response",
    "readiness",
    "partnership_rating",
)


@cache
def codes(name: str) -> dict[str, str]:
    """Code to label, in the schema's order (ordered scales lowest first)."""
    return dict(schema().code_list(name))


def choices(name: str) -> list[tuple[str, str]]:
    return list(codes(name).items())


def label(name: str, code: str | None) -> str:
    if not code:
        return ""
    return codes(name).get(code, code)


def columns(table: str) -> list[str]:
    """The table's columns, exactly as engagement.yaml lists them."""
    return list(schema().tables[table].names)
