"""The engagement schema (dbv/schemas/engagement.yaml) and the demo files dbv.synth writes to it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dbv.dataret.reader import DataReturn, read_return
from dbv.dataret.schema import Schema, load_schema
from dbv.fixtures import cached_return
from dbv.params import load_yaml
from dbv.synth.engagement import schema_path

TABLES = {
    "case_sample", "case_review", "case_review_reason", "case_consensus", "case_voice",
    "survey_response", "service_awareness", "likert_response", "readiness", "partnership_rating",
    "service_capacity",
}  # fmt: skip
READINESS_AREAS = {
    "practicalities", "capacity", "capability", "leadership", "internal_communications", "culture",
}  # fmt: skip


@pytest.fixture(scope="session")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the same folder test_synth uses, so the return is generated once per session
    return cached_return(tmp_path_factory.getbasetemp() / "synth")


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema(schema_path())


@pytest.fixture(scope="session")
def demo(clean_dir: Path, schema: Schema) -> DataReturn:
    return read_return(clean_dir / "engagement", schema)


def test_schema_loads_strictly() -> None:
    raw = load_yaml(schema_path())
    assert raw["description"].strip().endswith(".") and raw["references"]
    for name, table in raw["tables"].items():
        assert table["description"].strip().endswith("."), name
        for col, spec in table["columns"].items():
            assert spec.get("description"), f"{name}.{col}"


def test_schema_tables_and_code_lists(schema: Schema) -> None:
    assert set(schema.tables) == TABLES
    assert set(schema.code_list("readiness_area")) == READINESS_AREAS
    assert list(schema.code_list("awareness")) == [
        "not_aware", "aware", "can_access", "not_effective", "effective",
    ]  # fmt: skip
    assert list(schema.code_list("likert"))[-1] == "dont_know"
    assert len(schema.code_list("likert")) == 6
    assert {"sen_support", "state_special", "inmss"} <= set(schema.code_list("ideal_provision"))
    for table in schema.tables.values():
        for col in table.columns:
            if col.ref:
                ref_table, ref_col = col.ref.split(".")
                assert ref_col in schema.tables[ref_table].names, col.ref


def test_demo_files_match_the_schema(demo: DataReturn, schema: Schema) -> None:
    assert set(demo.tables) == TABLES and not demo.unknown_files
    for name, table in schema.tables.items():
        raw = demo.tables[name].frame
        assert raw.columns == table.names, name
        typed = demo.typed(name)
        assert typed.select(table.key).is_duplicated().sum() == 0, name
        for col in table.columns:
            where = f"{name}.{col.name}"
            assert typed[col.name].null_count() == raw[col.name].null_count(), f"{where} unparsed"
            if col.required:
                assert typed[col.name].null_count() == 0, f"{where} blank"
            if col.codes:
                assert set(typed[col.name].drop_nulls()) <= schema.all_codes(col.codes), where
            if col.min is not None:
                assert (typed[col.name].drop_nulls() >= col.min).all(), where
            if col.max is not None:
                assert (typed[col.name].drop_nulls() <= col.max).all(), where
            if col.ref:
                ref_table, ref_col = col.ref.split(".")
                known = set(demo.typed(ref_table)[ref_col])
                assert set(typed[col.name]) <= known, where


def test_people_exist_in_the_return(demo: DataReturn, clean_dir: Path) -> None:
    people = set(read_return(clean_dir).typed("person")["person_id"])
    for name in ("case_sample", "case_voice"):
        assert set(demo.typed(name)["person_id"]) <= people, name


def test_sample_log(demo: DataReturn) -> None:
    sample = demo.typed("case_sample")
    assert 35 <= sample.height <= 45
    picked = sample.filter(pl.col("hand_picked"))
    drawn = sample.filter(~pl.col("hand_picked"))
    assert picked.height > 0 and picked["selection_probability"].null_count() == picked.height
    counts = drawn.group_by("stratum").agg(pl.len().alias("n"), pl.col("stratum_size").first())
    check = drawn.join(counts, on="stratum")
    assert (
        check["selection_probability"] - check["n"] / check["stratum_size_right"]
    ).abs().max() < 1e-9
    assert sample["seed"].n_unique() == 1 and sample["person_id"].n_unique() == sample.height


def test_every_case_has_reviewers_and_a_family_view(demo: DataReturn) -> None:
    cases = set(demo.typed("case_sample")["case_id"])
    reviewers = demo.typed("case_review").group_by("case_id").len()
    assert set(reviewers["case_id"]) == cases and (reviewers["len"] >= 2).all()
    voice = demo.typed("case_voice")
    parent = voice.filter(pl.col("voice") == "parent_carer")
    assert set(parent["case_id"]) == cases
    given = pl.col("status") == "given"
    assert parent.filter(given & pl.col("ideal_outcome").is_null()).height == 0
    assert voice.filter(~given & pl.col("decline_reason").is_null()).height == 0
    assert set(demo.typed("case_consensus")["case_id"]) == cases


def test_review_answers_hang_together(demo: DataReturn) -> None:
    for name in ("case_review", "case_consensus"):
        frame = demo.typed(name)
        yes = frame.filter(pl.col("different_provision") == "yes")
        assert yes["ideal_provision"].null_count() == 0, name
        no = frame.filter(pl.col("different_provision") != "yes")
        assert no["ideal_provision"].null_count() == no.height, name
    reviews = demo.typed("case_review")
    reasons = demo.typed("case_review_reason")
    not_ideal = reviews.filter(pl.col("ideal_outcome") != "yes").select("case_id", "reviewer_id")
    primary = reasons.filter(pl.col("is_primary")).group_by("case_id", "reviewer_id").len()
    joined = not_ideal.join(primary, on=["case_id", "reviewer_id"], how="left")
    assert (joined["len"] == 1).all()  # exactly one primary reason for each non-ideal judgement
    assert reasons.filter((pl.col("reason") == "other") & pl.col("note").is_null()).height == 0


def test_surveys(demo: DataReturn) -> None:
    responses = demo.typed("survey_response")
    assert set(responses["survey"]) == {"service_awareness", "likert", "readiness", "partnership"}
    likert = demo.typed("likert_response").join(responses, on="response_id")
    assert {"parent_carer", "senco"} <= set(likert["respondent_group"])
    readiness = demo.typed("readiness").group_by("response_id").agg(pl.col("area").n_unique())
    assert (readiness["area"] == len(READINESS_AREAS)).all()
    awareness = demo.typed("service_awareness")
    assert awareness["awareness"].n_unique() == 5
    partners = demo.typed("partnership_rating").join(responses, on="response_id")
    assert (partners["partner"] != partners["organisation"]).all()
