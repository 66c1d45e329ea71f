"""The insight pack's sections, from the pooled rows of :mod:`dbv.insight.analysis`.

Every pooled share is printed three ways side by side: the random-effects estimate with its
clustered 90% interval, the naive pooled "k of n" with its Wilson interval (what DBV's own
insight report would have printed, without the interval), and the spread between councils.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import polars as pl

from dbv.insight import analysis as an
from dbv.insight import money
from dbv.insight.pooling import (
    LEVEL,
    Result,
    clustered_text,
    council_interval,
    naive_text,
    range_text,
    spread_text,
)
from dbv.insight.read import CouncilExport
from dbv.report.charts_base import label
from dbv.report.charts_insight import forest_chart
from dbv.report.charts_module2 import proportions_chart
from dbv.report.model import Chart, Format, Note, Pack, Section, Table, Text

LVL = f"{round(100 * LEVEL)}%"
WORDS_IN_PRINT = 60  # more free-text entries than this: examples in print, all in Excel
EXAMPLES = 3


@cache
def _plan_labels() -> dict[str, str]:
    from dbv.module3.load import plan_schema

    return dict(plan_schema().code_list("grant_category"))


def _short(lo_hi: tuple[int, int], t: int) -> str:
    """A council's count as exported: the number, or where it lies when withheld."""
    lo, hi = lo_hi
    if lo == hi:
        return f"{lo:,}"
    if lo >= 1 and hi <= t - 1:
        return f"fewer than {t}"
    return f"{lo:,} to {hi:,}"


def _range(lo_hi: tuple[int, int]) -> str:
    lo, hi = lo_hi
    return f"{lo:,}" if lo == hi else f"{lo:,} to {hi:,} (some counts withheld)"


def _left_out(excluded: dict[str, str], names_up_to: int = 5) -> str:
    """Councils not in a pooled share, by reason: named when few, counted when many."""
    by: dict[str, list[str]] = {}
    for council, why in excluded.items():
        by.setdefault(why, []).append(council)
    return "; ".join(
        f"{why}: {', '.join(cs)}" if len(cs) <= names_up_to else f"{why}: {len(cs)} councils"
        for why, cs in by.items()
    )


def _pooled_row(r: Result) -> dict[str, Any]:
    m = r.main
    return {
        "clustered": clustered_text(m),
        "naive": naive_text(m, r),
        "spread": spread_text(m),
        "with_withheld": range_text(r),
        "left_out": _left_out(r.excluded),
    }


POOL_LABELS = {
    "clustered": f"Pooled, councils as clusters ({LVL} CI)",
    "naive": f"Naive pooled k of n ({LVL} CI)",
    "spread": f"Between councils (I²; {LVL} prediction for a new council)",
    "with_withheld": "Range over withheld counts",
    "left_out": "Not pooled",
}


def _pool_table(
    key: str, title: str, rows: list[dict[str, Any]], lead: dict[str, str], note: str = ""
) -> Table:
    frame = pl.DataFrame(rows, infer_schema_length=None)
    for c in ("with_withheld", "left_out"):  # only when some row has something to say
        if c in frame.columns and not any(frame[c].to_list()):
            frame = frame.drop(c)
    labels = {**lead, **POOL_LABELS}
    return Table(
        key,
        title,
        frame,
        formats=dict.fromkeys(frame.columns, "text"),
        labels=labels,
        note=note,
    )


def forest(key: str, title: str, r: Result) -> Chart:
    """Each council's share (Wilson interval) with both pooled estimates below them."""
    rows: list[dict[str, Any]] = []
    for s in sorted(r.shares, key=lambda s: s.council):
        p, lo, hi = council_interval(s)
        name = f"{s.council} ({s.k_low} of {s.n})" if s.exact else f"{s.council} (withheld count)"
        rows.append({"label": name, "p": p, "low": lo, "high": hi, "kind": "council"})
    m = r.main
    if m is not None:
        rows.append(
            {
                "label": "Pooled, councils as clusters",
                "p": m.mean,
                "low": m.low,
                "high": m.high,
                "kind": "pooled, councils as clusters",
            }
        )
        rows.append(
            {
                "label": f"Naive pooled ({m.k} of {m.n})"
                if not r.bounded
                else f"Naive pooled (n = {m.n})",
                "p": m.naive_p,
                "low": m.naive_low,
                "high": m.naive_high,
                "kind": "pooled, naive",
            }
        )
    return forest_chart(rows, title, key)


def about(pack: Pack, exports: Sequence[CouncilExport], el: an.Eligibility) -> None:
    s = pack.section("about", "About this insight report")
    dates = sorted(e.diagnostic_date for e in exports)
    s.add(
        Text(
            f"This report pools the diagnostics of {len(exports)} councils, dated "
            f"{dates[0]:%d %B %Y} to {dates[-1]:%d %B %Y}, from the counts each council "
            "chose to share (its insight export). No child's record left any council.",
            "lead",
        ),
        Text(
            f"Every pooled share is shown with a {LVL} interval that treats councils as "
            "clusters (a random-effects meta-analysis: DerSimonian-Laird with the "
            "Hartung-Knapp interval, estimating the typical council's rate), and beside it the "
            "naive pooled 'k of n' that treats every case as independent. When councils "
            "differ, the naive interval is too narrow: the gap between the two shows how "
            "much."
        ),
        Text(
            "Case-review shares count the panel consensus on randomly drawn cases only, "
            "with 'can't say' kept in n. Hand-picked cases are never pooled. A council with "
            f"fewer randomly drawn cases than {an.min_random_cases()} is left out of the "
            f"pooled case figures. Counts from 1 to {max(e.threshold for e in exports) - 1} "
            "were withheld by each council before "
            "sharing; where a council's count is only known to lie within bounds, the pooled "
            "estimate takes the middle and a range shows the estimate with every such count "
            "at its lowest and at its highest."
        ),
    )
    if el.excluded:
        s.add(
            Note(
                "Councils left out of the pooled case-review figures: "
                + "; ".join(f"{c} ({why})" for c, why in el.excluded.items())
                + ".",
                "warning",
            )
        )
    if el.hand_picked:
        s.add(
            Note(
                "Hand-picked cases reviewed but excluded from every pooled figure: "
                + "; ".join(f"{c}: {k}" for c, k in el.hand_picked.items())
                + ".",
                "info",
            )
        )


def people(pack: Pack, exports: Sequence[CouncilExport]) -> None:
    s = pack.section("people", "Who took part")
    rows = an.contributions(exports)
    t = max(e.threshold for e in exports)
    h = an.headline(rows, t)
    head = [
        ("Councils", h["councils"]),
        ("Cases reviewed (drawn at random)", h["cases"]),
        ("Hand-picked cases (not pooled)", h["hand_picked"]),
        ("Practitioner reviewers", h["reviewers"]),
        ("Parent and carer views of reviewed cases", h["parent_views"]),
        ("Young people's views of reviewed cases", h["young_person_views"]),
        ("Parent and carer survey responses", h["parent_responses"]),
        ("Young people's survey responses", h["young_person_responses"]),
        ("Partner and staff survey responses", h["partner_responses"]),
    ]
    s.add(
        Table(
            "headline",
            "Headline counts",
            pl.DataFrame({"what": [a for a, _ in head], "total": [_range(b) for _, b in head]}),
            formats={"what": "text", "total": "text"},
            labels={"what": "", "total": "Total"},
            note="A survey response is one completed survey; a person answering two surveys "
            "counts twice.",
        )
    )
    frame = pl.DataFrame(
        [
            {
                **{
                    k: r[k]
                    for k in (
                        "council",
                        "la_code",
                        "diagnostic_date",
                        "cases",
                        "hand_picked",
                        "reviewers",
                    )
                },
                "parent_views": _short(r["parent_views"], t),
                "young_person_views": _short(r["young_person_views"], t),
                "parent_responses": _short(r["parent_responses"], t),
                "partner_responses": _short(r["partner_responses"], t),
            }
            for r in rows
        ],
        infer_schema_length=None,
    )
    s.add(
        Table(
            "contributions",
            "What each council contributed",
            frame,
            formats={
                "council": "text",
                "la_code": "text",
                "diagnostic_date": "date",
                "cases": "count",
                "hand_picked": "count",
                "reviewers": "count",
                "parent_views": "text",
                "young_person_views": "text",
                "parent_responses": "text",
                "partner_responses": "text",
            },
            labels={
                "la_code": "LA code",
                "cases": "Cases (random)",
                "hand_picked": "Hand-picked",
                "parent_views": "Parent views",
                "young_person_views": "Young people's views",
                "parent_responses": "Parent survey responses",
                "partner_responses": "Partner survey responses",
            },
            note=f"Blank cells and ranges were withheld by the council (counts from 1 to {t - 1} "
            "and the cells that would give them away).",
        )
    )


def cases(pack: Pack, el: an.Eligibility) -> None:
    s = pack.section("cases", "Case reviews: pooled findings")
    if not el.pooled:
        s.add(
            Note(
                "No council's case reviews can be pooled.",
                "missing",
                fix="councils need at least the minimum number of randomly drawn cases",
            )
        )
        return
    found = an.case_questions(el)
    main = [f for f in found if f["question"] != "ideal_provision"]
    s.add(
        _pool_table(
            "case_questions",
            "Case-review findings across councils",
            [{"finding": f["label"], **_pooled_row(f["result"])} for f in main],
            {"finding": "Finding"},
        )
    )
    for f in main:
        r = f["result"]
        if r.main is not None:
            s.add(forest(f"forest_{f['question']}", f"{f['label']}: each council and pooled", r))
    named = [f for f in found if f["question"] == "ideal_provision"]
    if named:
        s.add(
            _pool_table(
                "provision_named",
                "Where the panel said needs would be better met",
                [
                    {"provision": label("ideal_provision", f["answer"]), **_pooled_row(f["result"])}
                    for f in named
                ],
                {"provision": "Provision"},
                note="Share of cases judged better met elsewhere, by the provision named.",
            )
        )
    fam = an.family_views(el)
    f2 = pack.section("families", "Practitioners, parents and young people")
    f2.add(
        Text(
            "Parents' and young people's own judgement of the same cases beside the "
            "panel's. The shares are pooled separately and are not paired case by case, so "
            "read the agreement rows for how often families and panels agreed."
        )
    )
    f2.add(
        _pool_table(
            "family_views",
            "Panel and family judgement, pooled",
            [{"who": f["who"], "measure": f["measure"], **_pooled_row(f["result"])} for f in fam],
            {"who": "Who", "measure": "Measure"},
        )
    )
    rs = an.reasons(el)
    r3 = pack.section("reasons", "Reasons for outcomes that were not ideal")
    r3.add(
        _pool_table(
            "reasons",
            "Primary reasons, ranked by the pooled estimate",
            [{"reason": label("reason", r["reason"]), **_pooled_row(r["result"])} for r in rs],
            {"reason": "Reason"},
            note="Share of cases with a non-ideal outcome for which this was the "
            "panel's primary reason.",
        )
    )
    chart_rows = [
        {
            "reason": label("reason", r["reason"]),
            "p": r["result"].main.mean,
            "low": r["result"].main.low,
            "high": r["result"].main.high,
            "n": r["result"].main.n,
        }
        for r in rs
        if r["result"].main is not None
    ]
    if chart_rows:
        r3.add(
            proportions_chart(
                pl.DataFrame(chart_rows),
                "reason",
                f"Primary reasons, pooled ({LVL} clustered intervals)",
                "reasons_chart",
            )
        )


def surveys(pack: Pack, exports: Sequence[CouncilExport]) -> None:
    s = pack.section("surveys", "Surveys: pooled per item")
    items = an.surveys(exports)
    if not items:
        s.add(Note("No survey tallies in the exports.", "missing"))
        return
    codes = {"likert": "statement", "service_awareness": "service", "partnership": "organisation"}
    tables = (
        ("likert", "agree or strongly agree", "Statements: share who agree or strongly agree"),
        (
            "service_awareness",
            "can access the service",
            "Services: share of partners who can access each service",
        ),
        (
            "service_awareness",
            "find it effective",
            "Services: share of partners who can access it and find it effective",
        ),
        ("partnership", "rated 4 or 5 of 5", "Partnership working: share rating 4 or 5 of 5"),
    )
    for n, (survey, measure, title) in enumerate(tables):
        rows = [
            {
                "item": f"{label(codes[survey], i['item'])} ({i['who'].lower()})",
                **_pooled_row(i["result"]),
            }
            for i in items
            if i["survey"] == survey and i["measure"] == measure
        ]
        if rows:
            s.add(
                _pool_table(
                    f"survey_{n + 1}_{survey}",
                    title,
                    rows,
                    {"item": "Item (respondents)"},
                    note="'Don't know' is kept in n.",
                )
            )
    lik = [i for i in items if i["survey"] == "likert" and i["result"].main is not None]
    if lik:
        frame = pl.DataFrame(
            [
                {
                    "statement": label("statement", i["item"]),
                    "who": i["who"],
                    "p": i["result"].main.mean,
                    "low": i["result"].main.low,
                    "high": i["result"].main.high,
                    "n": i["result"].main.n,
                }
                for i in lik
            ]
        )
        s.add(
            proportions_chart(
                frame,
                "statement",
                "Share who agree, pooled, by respondents",
                "likert_chart",
                group="who",
            )
        )
    ready = an.readiness(exports)
    r = pack.section("readiness", "Readiness for change: the six areas")
    if not ready:
        r.add(Note("No readiness survey tallies in the exports.", "missing"))
        return
    r.add(
        _pool_table(
            "readiness",
            "Share rating each area 4 or 5 of 5",
            [
                {
                    "area": label("readiness_area", x["area"]),
                    "verdict": x["verdict"],
                    **_pooled_row(x["result"]),
                }
                for x in ready
            ],
            {"area": "Area", "verdict": "Verdict"},
            note="A strength when the whole clustered interval is above 50%, a barrier "
            "when it is below, otherwise mixed.",
        )
    )


def grant(pack: Pack, exports: Sequence[CouncilExport]) -> None:
    s = pack.section("grant", "Implementation grants by initiative category")
    rows = an.grant(exports)
    if not rows:
        s.add(Note("No grant lines in the exports.", "missing"))
        return
    names = _plan_labels()
    frame = pl.DataFrame(
        [{**r, "category": names.get(r["category"], r["category"])} for r in rows]
    ).select("category", "amount", "share", "councils", "lines")
    with_grant = sum(1 for e in exports if e.tallies("grant_by_category"))
    s.add(
        Table(
            "grant",
            "Where the grant money goes",
            frame,
            formats={
                "category": "text",
                "amount": "money",
                "share": "pct",
                "councils": "int",
                "lines": "int",
            },
            labels={
                "amount": "£ (all councils)",
                "share": "Share of the £",
                "councils": f"Councils (of {with_grant} with a grant plan)",
                "lines": "Grant lines",
            },
        )
    )


def money_section(pack: Pack, exports: Sequence[CouncilExport]) -> None:
    s = pack.section("money", "The money picture across councils")
    rows = money.national(exports)
    left = money.years_left_out(exports)
    if left:
        s.add(
            Note(
                f"Financial years only some councils forecast are left out of the totals: "
                f"{', '.join(left)}.",
                "info",
            )
        )
    if not rows:
        s.add(
            Note(
                "No scenario results in the exports.",
                "missing",
                fix="councils run 'dbv diagnose' with at least one scenario",
            )
        )
        return
    s.add(
        Text(
            "Each council's first scenario, added up by financial year. Exports hold each "
            "council's P10, P50 and P90, not its simulations, so the total is approximate: "
            "the middle is the sum of the P50s, and the 80% band is shown twice: as if "
            "councils' uncertainties were independent, and as if they moved together (the "
            "cautious one to plan with)."
        )
    )
    frame = pl.DataFrame(rows).select(
        "label",
        "financial_year",
        "councils",
        "p50",
        "indep_p10",
        "indep_p90",
        "together_p10",
        "together_p90",
    )
    money_fmt: dict[str, Format] = dict.fromkeys(
        ("p50", "indep_p10", "indep_p90", "together_p10", "together_p90"), "money"
    )
    s.add(
        Table(
            "money",
            "Unmitigated and mitigated in-year deficits and net benefit, all councils",
            frame,
            formats={"label": "text", "financial_year": "text", "councils": "int", **money_fmt},
            labels={
                "label": "Measure",
                "p50": "Sum of P50s",
                "indep_p10": "P10 (independent)",
                "indep_p90": "P90 (independent)",
                "together_p10": "P10 (moving together)",
                "together_p90": "P90 (moving together)",
            },
        )
    )
    per = money.by_council(exports)
    if per:
        cols = [
            "unmitigated_p10",
            "unmitigated_p50",
            "unmitigated_p90",
            "mitigated_p10",
            "mitigated_p50",
            "mitigated_p90",
            "net_benefit_p10",
            "net_benefit_p50",
            "net_benefit_p90",
        ]
        s.add(
            Table(
                "money_councils",
                "Each council's last forecast year",
                pl.DataFrame(per),
                formats={
                    "council": "text",
                    "scenario": "text",
                    "financial_year": "text",
                    "n_sims": "int",
                    **dict.fromkeys(cols, "money"),
                },
                labels={
                    "n_sims": "Simulations",
                    **{c: c.replace("_", " ").capitalize() for c in cols},
                },
            )
        )


def free_text(pack: Pack, exports: Sequence[CouncilExport]) -> None:
    rows = [
        {
            "council": e.council,
            "kind": "Grant initiative" if f["kind"] == "grant_initiative" else "Workstream",
            "category": _plan_labels().get(f["category"], f["category"]),
            "title": f["title"],
            "text": f["text"],
        }
        for e in exports
        for f in e.tallies("free_text")
    ]
    if not rows:
        return
    who = len({r["council"] for r in rows})
    s = pack.section("words", "In councils' own words")
    s.add(
        Text(
            f"{who} of {len(exports)} councils chose to share their programme's own text: "
            "what each grant initiative buys and what each workstream aims to change. "
            "Never case notes or survey comments."
        )
    )
    labels = {
        "kind": "What",
        "category": "Category or lever",
        "title": "Name",
        "text": "In their words",
    }
    frame = pl.DataFrame(rows)
    big = frame.height > WORDS_IN_PRINT
    s.add(
        Table(
            "free_text",
            "Grant initiatives and workstreams, as councils wrote them",
            frame,
            formats=dict.fromkeys(rows[0], "text"),
            labels=labels,
            web=not big,
        )
    )
    if big:  # print a few per category; every one is in the Excel workbook
        few = frame.group_by("kind", "category", maintain_order=True).head(EXAMPLES)
        s.add(
            Table(
                "free_text_examples",
                f"Examples: up to {EXAMPLES} per category (all "
                f"{frame.height:,} are in the Excel workbook)",
                few,
                formats=dict.fromkeys(rows[0], "text"),
                labels=labels,
                excel=False,
            )
        )


def build(pack: Pack, exports: Sequence[CouncilExport]) -> Section:
    el = an.eligibility(exports)
    about(pack, exports, el)
    people(pack, exports)
    cases(pack, el)
    surveys(pack, exports)
    grant(pack, exports)
    free_text(pack, exports)
    money_section(pack, exports)
    return pack.sections[0]
