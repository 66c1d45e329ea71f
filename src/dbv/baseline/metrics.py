"""The metrics a baseline reports and benchmarks, with labels and units for people."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "count", "%", "£"
    benchmark: bool = True


METRICS: tuple[Metric, ...] = (
    Metric("caseload", "EHC plans at January", "count"),
    Metric("growth_1y_pct", "Caseload growth over 1 year", "%"),
    Metric("growth_5y_pct", "Caseload growth over 5 years", "%"),
    Metric("share_mainstream", "Share of plans in mainstream (excl. RP / SEN units)", "%"),
    Metric("share_resourced_provision", "Share in resourced provision", "%"),
    Metric("share_sen_unit", "Share in SEN units", "%"),
    Metric("share_state_special", "Share in state special schools", "%"),
    Metric("share_inmss", "Share in independent / non-maintained special", "%"),
    Metric("share_ap_pru", "Share in AP / PRU / hospital", "%"),
    Metric("share_post16", "Share in post-16 / FE", "%"),
    Metric("share_other", "Share other / not in education / unknown", "%"),
    Metric("needshare_ASD", "Primary need: autism (ASD)", "%"),
    Metric("needshare_SEMH", "Primary need: social, emotional and mental health", "%"),
    Metric("needshare_SLCN", "Primary need: speech, language and communication", "%"),
    Metric("needshare_MLD", "Primary need: moderate learning difficulty", "%"),
    Metric("ageshare_under_5", "Aged under 5", "%"),
    Metric("ageshare_age_16_19", "Aged 16 to 19", "%"),
    Metric("ageshare_age_20_25", "Aged 20 to 25", "%"),
    Metric("new_plans", "New plans in the calendar year", "count"),
    Metric("new_plans_rate_pct", "New plans per 100 plans held in January", "%"),
    Metric("requests", "Requests for assessment in the calendar year", "count"),
    Metric("refusal_rate_pct", "Requests refused an assessment", "%"),
    Metric("timeliness_pct", "Plans issued within 20 weeks (incl. exceptions)", "%"),
    Metric("ceased", "Plans ceased in the calendar year", "count"),
    Metric("ceased_rate_pct", "Plans ceased per 100 plans held in January", "%"),
    Metric("pct_pupils_ehcp", "Pupils with an EHC plan (school census)", "%"),
    Metric("pct_pupils_sen_support", "Pupils on SEN support (school census)", "%"),
    Metric("dsg_hnb_allocation", "DSG high needs block allocation", "£"),
    Metric("hnb_per_plan", "High needs block allocation per EHC plan", "£/plan"),
)
BY_KEY = {m.key: m for m in METRICS}
