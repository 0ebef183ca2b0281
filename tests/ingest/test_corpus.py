"""One test case per file of the ingest corpus (tests/fixtures/ingest, see build_corpus.py).

Each file is landed alone under its source folder; the case states what must happen to it: its
status, rows read / accepted / quarantined, and the rejection message or the quarantine reasons
by line. Values that show the file was read right are checked afterwards.
"""

from __future__ import annotations

import decimal
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from ingest.loader import load_landing

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
D = decimal.Decimal


@dataclass(frozen=True)
class Case:
    file: str
    status: str
    counts: tuple[int, int, int] = (0, 0, 0)  # read, accepted, quarantined
    message: str = ""
    reasons: dict[int, str] = field(default_factory=dict)


CASES = [
    # encodings
    Case("erp/payments_utf8.csv", "loaded", (2, 2, 0)),
    Case("erp/payments_bom.csv", "loaded", (1, 1, 0)),
    Case("erp/customers_gbk.csv", "loaded", (2, 2, 0)),
    Case("erp/customers_gb18030_four_byte.csv", "loaded", (1, 1, 0)),
    Case("crm/accounts_cp1252.csv", "rejected", message="unreadable encoding"),
    Case("erp/customers_big5.csv", "rejected", message="unreadable encoding"),
    Case("erp/payments_utf16_unicode_text.txt", "loaded", (1, 1, 0)),
    # delimiters and line endings
    Case("erp/payments_semicolon.csv", "loaded", (1, 1, 0)),
    Case("erp/payments_tab.tsv", "loaded", (1, 1, 0)),
    Case("erp/payments_pipe.csv", "loaded", (1, 1, 0)),
    Case(
        "erp/payments_excel_sep_hint.csv",
        "loaded",
        (2, 1, 1),
        reasons={4: "unparseable date in paid_date: bad"},
    ),
    Case("erp/payments_crlf.csv", "loaded", (1, 1, 0)),
    Case(
        "erp/payments_mixed_line_endings.csv",
        "loaded",
        (3, 2, 1),
        reasons={4: "unparseable date in paid_date: 2026-02-31"},
    ),
    Case(
        "crm/teams_quoted_newlines.csv",
        "loaded",
        (3, 2, 1),
        reasons={7: "missing required team_id"},
    ),
    Case(
        "erp/payments_blank_lines.csv",
        "loaded",
        (3, 2, 1),
        reasons={7: "unparseable date in paid_date: soon"},
    ),
    # empty and broken structure
    Case("erp/payments_header_only.csv", "loaded", message="header only: no data rows"),
    Case("erp/payments_empty.csv", "rejected", message="empty file"),
    Case("erp/payments_blank.csv", "rejected", message="empty file: no header line"),
    Case("erp/payments_truncated.csv", "rejected", message="broken CSV structure"),
    Case("erp/payments_unterminated_quote.csv", "rejected", message="broken CSV structure"),
    Case("erp/payments_wrong_delimiter.csv", "rejected", message="broken CSV structure"),
    Case(
        "erp/payments_missing_column.csv",
        "rejected",
        message="missing required column(s): amount, currency",
    ),
    Case("crm/teams_duplicate_header.csv", "rejected", message="duplicate header 'team_name'"),
    Case(
        "crm/teams_ambiguous_headers.csv",
        "rejected",
        message="ambiguous headers: 'team_id' and 'Team ID' both mean team_id",
    ),
    Case(
        "erp/receipts_2026.csv",
        "rejected",
        message="unknown entity: no erp entity matches the file name",
    ),
    Case("erp/payments_scan.pdf", "rejected", message="unsupported file format .pdf"),
    # XLSX
    Case(
        "erp/payments_title_row.xlsx",
        "loaded",
        (3, 2, 1),
        reasons={6: "unparseable date in paid_date: never"},
    ),
    Case("erp/payments_extra_sheet.xlsx", "loaded", (1, 1, 0)),
    Case(
        "erp/payments_no_header.xlsx",
        "rejected",
        message="no header row found in the first 20 rows of the first sheet",
    ),
    Case("erp/payments_not_a_workbook.xlsx", "rejected", message="unreadable XLSX workbook"),
    # JSON Lines
    Case(
        "erp/payments_delta_broken_line.jsonl",
        "loaded",
        (3, 2, 1),
        reasons={2: "broken JSON: Expecting value: line 2 column 1 (char 36)"},
    ),
    Case(
        "erp/payments_delta_not_objects.jsonl",
        "loaded",
        (2, 1, 1),
        reasons={2: "broken JSON: not a JSON object"},
    ),
    # Parquet
    Case("erp/payments_typed.parquet", "loaded", (2, 2, 0)),
    Case("erp/payments_corrupt.parquet", "rejected", message="unreadable Parquet file"),
    # bad rows
    Case(
        "erp/payments_duplicate_keys.csv",
        "loaded",
        (3, 1, 2),
        reasons={2: "duplicate key within file: P1", 4: "duplicate key within file: P1"},
    ),
    Case(
        "erp/payments_dates.csv",
        "loaded",
        (7, 4, 3),
        reasons={
            6: "unparseable date in paid_date: 10/02/2026",
            7: "unparseable date in paid_date: 2026-02-30",
            8: "unparseable date in paid_date: 45931",
        },
    ),
    Case(
        "erp/payments_amounts.csv",
        "loaded",
        (9, 5, 4),
        reasons={
            7: "unparseable money in amount: 1.234,50",
            8: "unparseable money in amount: 1234,5",
            9: "unparseable money in amount: ten",
            10: "amount has more decimal places than DECIMAL(18,2) keeps: 1.001",
        },
    ),
    Case(
        "erp/invoice_lines_negative_quantities.csv",
        "loaded",
        (2, 1, 1),
        reasons={3: "line_no out of range (at least 1): 0"},
    ),
    Case(
        "crm/activities_unknown_enum.csv",
        "loaded",
        (4, 2, 2),
        reasons={
            4: "unparseable enum in activity_type: telepathy",
            5: "missing required activity_type",
        },
    ),
    Case("crm/accounts_formula_cells.csv", "loaded", (4, 4, 0)),
    Case(
        "erp/payments_formula_amount.csv",
        "loaded",
        (2, 1, 1),
        reasons={2: "unparseable money in amount: =1+2"},
    ),
    Case(
        "plan/manager_reviews_out_of_range.csv",
        "loaded",
        (4, 1, 3),
        reasons={
            3: "score out of range (at most 5): 7",
            4: "score out of range (at least 1): 0",
            5: "unparseable int in score: 4.5",
        },
    ),
    Case(
        "erp/payments_repeated_header.csv",
        "loaded",
        (3, 2, 1),
        reasons={3: "repeated header line"},
    ),
    Case("crm/opportunities_chinese_values.csv", "loaded", (3, 3, 0)),
    Case(
        "erp/payments_extra_columns.csv",
        "loaded",
        (1, 1, 0),
        message="unknown columns kept in _extra_columns: bank_ref, 备注",
    ),
    Case("plan/targets_defaults.csv", "loaded", (2, 2, 0)),
    Case("plan/plan_assignments_vocabulary_headers.csv", "loaded", (1, 1, 0)),
    Case("erp/payments_vocabulary_headers.csv", "loaded", (1, 1, 0)),
    Case("plan/targets_abc_tiers.csv", "loaded", (4, 4, 0)),
]


def land(case_file: str, tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, object]:
    landing = tmp_path / "landing"
    target = landing / case_file
    target.parent.mkdir(parents=True)
    shutil.copyfile(CORPUS / case_file, target)
    con = duckdb.connect()
    [result] = load_landing(con, landing).files
    return con, result


def test_the_corpus_is_complete_and_large_enough():
    on_disk = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    }
    assert on_disk == {case.file for case in CASES}
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_corpus_case(case: Case, tmp_path: Path):
    con, result = land(case.file, tmp_path)
    assert result.status == case.status, result.message
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == case.counts
    assert case.message in result.message
    reasons = dict(
        con.execute("select line_number, reason from audit.quarantine order by 1").fetchall()
    )
    assert reasons == case.reasons
    logged = con.execute(
        "select status, rows_read, rows_accepted, rows_quarantined from audit.load_log"
    ).fetchone()
    assert logged == (case.status, *case.counts)


def values(case_file: str, tmp_path: Path, sql: str) -> list[tuple]:
    con, _ = land(case_file, tmp_path)
    return con.execute(sql).fetchall()


def test_gbk_and_four_byte_gb18030_text_is_decoded(tmp_path):
    assert values(
        "erp/customers_gbk.csv", tmp_path / "a", "select customer_name from raw.erp_customers"
    ) == [("艾克美有限公司",), ("贝塔零售",)]
    assert values(
        "erp/customers_gb18030_four_byte.csv",
        tmp_path / "b",
        "select customer_name from raw.erp_customers",
    ) == [("𠀀记商行",)]


def test_utf16_and_xlsx_values(tmp_path):
    assert values(
        "erp/payments_utf16_unicode_text.txt",
        tmp_path / "a",
        "select payment_id, amount from raw.erp_payments",
    ) == [("P1", D("10.00"))]
    assert values(
        "erp/payments_title_row.xlsx",
        tmp_path / "b",
        "select payment_id, cast(paid_date as varchar), amount from raw.erp_payments order by 1",
    ) == [("P1", "2026-02-10", D("1234.50")), ("P2", "2026-02-11", D("2000.00"))]


def test_amount_forms_that_are_accepted(tmp_path):
    assert values(
        "erp/payments_amounts.csv",
        tmp_path,
        "select payment_id, amount from raw.erp_payments order by 1",
    ) == [
        ("P1", D("1234.50")),
        ("P2", D("-100.00")),
        ("P3", D("-1234.50")),
        ("P4", D("88.00")),
        ("P5", D("1500.00")),
    ]


def test_negative_quantities_are_kept_for_credit_notes(tmp_path):
    assert values(
        "erp/invoice_lines_negative_quantities.csv",
        tmp_path,
        "select invoice_id, quantity, amount_net from raw.erp_invoice_lines",
    ) == [("CN1", D("-3.0000"), D("-300.00"))]


def test_formula_like_text_is_stored_as_text(tmp_path):
    assert values(
        "crm/accounts_formula_cells.csv",
        tmp_path,
        "select account_name from raw.crm_accounts order by account_id",
    ) == [('=HYPERLINK("http://x")',), ("+86 21 5555",), ("-minus co",), ("@SUM(A1)",)]


def test_chinese_values_map_onto_the_contract(tmp_path):
    assert values(
        "crm/opportunities_chinese_values.csv",
        tmp_path,
        "select opportunity_id, type, stage, amount, currency, is_closed, is_won "
        "from raw.crm_opportunities order by 1",
    ) == [
        ("O1", "new_business", "closed_won", D("50000.00"), "CNY", True, True),
        ("O2", "renewal", "closed_lost", D("100.00"), "USD", True, False),
        ("O3", "expansion", "negotiation", D("100.00"), "CNY", False, False),
    ]


def test_defaults_and_chinese_enum_labels_in_targets(tmp_path):
    assert values(
        "plan/targets_defaults.csv",
        tmp_path,
        "select scope_type, period_type, tier, value, cast(effective_date as varchar) "
        "from raw.plan_targets order by scope_type",
    ) == [
        ("rep", "month", "target", D("1000.0000"), "2026-02-01"),
        ("team", "quarter", "target", D("3000.0000"), "2026-01-01"),
    ]


def test_unknown_columns_are_kept(tmp_path):
    [(extra,)] = values(
        "erp/payments_extra_columns.csv", tmp_path, "select _extra_columns from raw.erp_payments"
    )
    assert json.loads(extra) == {"bank_ref": "BR-7", "备注": "首付"}


def test_a_broken_json_line_keeps_its_text(tmp_path):
    [(raw_record,)] = values(
        "erp/payments_delta_broken_line.jsonl",
        tmp_path,
        "select raw_record from audit.quarantine",
    )
    assert raw_record == '{"payment_id": "P2", "invoice_id": '


def test_quarantined_csv_rows_keep_every_column(tmp_path):
    [(raw_record,)] = values(
        "erp/payments_repeated_header.csv", tmp_path, "select raw_record from audit.quarantine"
    )
    assert json.loads(raw_record) == {
        "payment_id": "payment_id",
        "invoice_id": "invoice_id",
        "paid_date": "paid_date",
        "amount": "amount",
        "currency": "currency",
    }


def test_vocabulary_headers_abc_tiers_and_chinese_metric_names(tmp_path):
    assert values(
        "plan/plan_assignments_vocabulary_headers.csv",
        tmp_path / "a",
        "select user_id, plan_id, on_target_incentive, currency from raw.plan_plan_assignments",
    ) == [("R1", "AE", D("12000.00"), "CNY")]
    assert values(
        "erp/payments_vocabulary_headers.csv",
        tmp_path / "b",
        "select payment_id, invoice_id, amount, currency from raw.erp_payments",
    ) == [("P1", "I1", D("500.00"), "USD")]
    assert values(
        "plan/targets_abc_tiers.csv",
        tmp_path / "c",
        "select scope_type, metric, tier, value from raw.plan_targets order by value",
    ) == [
        ("rep", "visits", "floor", D("8")),
        ("rep", "bookings", "stretch", D("900")),
        ("rep", "collections", "target", D("1000")),
        ("rep", "collections", "stretch", D("1200")),
    ]
