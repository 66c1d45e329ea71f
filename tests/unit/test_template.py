from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl

from dbv.dataret.reader import read_return
from dbv.dataret.schema import load_schema
from dbv.dataret.template import write_templates


def test_templates_cover_every_table_with_documented_columns(tmp_path: Path) -> None:
    schema = load_schema()
    written = {p.name for p in write_templates(tmp_path)}
    for table in schema.tables.values():
        assert f"{table.name}.csv" in written
        header = (tmp_path / f"{table.name}.csv").read_text().strip().split(",")
        assert header == table.names
    doc = (tmp_path / "DATA_DICTIONARY.md").read_text()
    for table in schema.tables.values():
        assert f"## {table.name}" in doc
        for c in table.columns:
            assert f"| {c.name} |" in doc
    assert "`DS` Down syndrome" in doc  # code lists keyed by collection year
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dbv-")]


def test_workbook_validates_codes_and_reads_back(tmp_path: Path) -> None:
    write_templates(tmp_path)
    path = tmp_path / "data_return_template.xlsx"
    wb = openpyxl.load_workbook(path)
    schema = load_schema()
    assert set(schema.tables) <= set(wb.sheetnames)
    rules = wb["placement"].data_validations.dataValidation
    assert any(r.type == "list" and "codes!" in (r.formula1 or "") for r in rules)
    ws = wb["person"]
    ws.append(["P1", "2015-10-01", "M", "WBRI"])
    ws.append(["P2", "2012-01-31", "F", None])
    wb.save(path)
    ret = read_return(path)
    people = ret.typed("person")
    assert people["person_id"].to_list() == ["P1", "P2"]
    assert people.schema["birth_date"] == pl.Date
    assert ret.tables["person"].sheet == "person"


def test_every_code_is_a_plain_token_with_a_label() -> None:
    """Guards against YAML flow mappings splitting a label at a comma into a fake code."""
    import re

    schema = load_schema()
    for name, versions in schema.codes.items():
        for year, codes in versions.items():
            for code, label in codes.items():
                assert re.fullmatch(r"[A-Za-z0-9_]+", code), (name, year, code)
                assert label and label != "None", (name, year, code)


def test_engagement_codes_are_plain_tokens() -> None:
    import re

    from dbv.synth.engagement import schema_path

    schema = load_schema(schema_path())
    for name, versions in schema.codes.items():
        for year, codes in versions.items():
            for code in codes:
                assert re.fullmatch(r"[A-Za-z0-9_]+", code), (name, year, code)
