"""Writes the pass/fail corpus of tiny synthetic files (run: python tests/data/make_corpus.py).

Every number here is invented. Each fail file has exactly one defect, described with the
error it must produce in fail/expected.yaml.
"""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).parent
GEO = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "breakdown_topic",
    "breakdown",
]
PLACEMENTS = list(
    yaml.safe_load((HERE.parents[1] / "src/dbv/parameters/setting_groups.yaml").read_text())[
        "ees2025_columns"
    ]
)
TOTALS = ["mainstream_total", "special_total"]


def caseload_rows() -> tuple[list[str], list[list[str]]]:
    header = [*GEO, "ehcplans", *PLACEMENTS, *TOTALS]
    rows = []
    areas = [
        ("National", "", "", "", "", ""),
        ("Regional", "E12000004", "East Midlands", "", "", ""),
        ("Local authority", "E12000004", "East Midlands", "E06000015", "831", "Derby"),
        ("Local authority", "E12000004", "East Midlands", "E06000016", "856", "Leicester"),
    ]
    for year, scale in (("202324", 1), ("202425", 2)):
        for level, rc, rn, ecode, code, name in areas:
            mult = {"National": 4, "Regional": 2}.get(level, 1) * scale
            leaves = [str((i % 5) * mult) for i in range(len(PLACEMENTS))]
            total = sum(int(v) for v in leaves)
            rows.append(
                [
                    year,
                    "Academic year",
                    level,
                    "E92000001",
                    "England",
                    rc,
                    rn,
                    ecode,
                    code,
                    name,
                    "All EHC plans",
                    "All EHC plans",
                    str(total),
                    *leaves,
                    "x",
                    "x",
                ]
            )
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> str:
    text = ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    (HERE / "pass").mkdir(exist_ok=True)
    (HERE / "fail").mkdir(exist_ok=True)
    header, rows = caseload_rows()
    text = write_csv(HERE / "pass/caseload_minimal.csv", header, rows)
    # the same with a byte-order mark, as DfE publishes it
    (HERE / "pass/caseload_bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    # suppressed cells are symbols, never zero
    supp = [r[:] for r in rows]
    supp[2][13] = "c"
    supp[3][14] = "low"
    write_csv(HERE / "pass/caseload_suppressed.csv", header, supp)

    cut = text[: len(text) - 40]
    (HERE / "fail/truncated.csv").write_text(cut, encoding="utf-8")
    wrong = [("ehcplans_total" if h == "ehcplans" else h) for h in header]
    write_csv(HERE / "fail/wrong_column.csv", wrong, rows)
    latin = text.replace("Leicester", "Leic\u00e9ster").encode("latin-1")
    (HERE / "fail/non_utf8.csv").write_bytes(latin)
    bad_year = [r[:] for r in rows]
    bad_year[5][0] = "Jan-25"
    write_csv(HERE / "fail/bad_period.csv", header, bad_year)
    (HERE / "fail/empty.csv").write_text("", encoding="utf-8")
    ragged = [r[:] for r in rows]
    ragged[3] = ragged[3] + ["extra"]
    write_csv(HERE / "fail/extra_field.csv", header, ragged)


if __name__ == "__main__":
    main()
