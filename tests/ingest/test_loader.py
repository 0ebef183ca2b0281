"""Ingest on real files in tmp_path: formats, typing, quarantine, rejection, idempotency, safety."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from ingest.audit import entity_counts
from ingest.contract import ENTITIES, date_window
from ingest.loader import load_landing
from tests.conftest import write

PAYMENTS_HEADER = "payment_id,invoice_id,paid_date,amount,currency\n"
PAYMENT = {"invoice_id": "I1", "paid_date": "2026-02-10", "currency": "CNY"}


def load(con: duckdb.DuckDBPyConnection, landing: Path):
    summary = load_landing(con, landing)
    return {result.file_path: result for result in summary.files}


def quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return con.execute(
        "select line_number, reason from audit.quarantine order by line_number"
    ).fetchall()


def test_clean_csv_is_loaded_with_exact_decimals(con, landing):
    write(
        landing,
        "erp/payments.csv",
        PAYMENTS_HEADER
        + "P1,I1,2026-02-10,0.10,CNY\nP2,I1,2026-02-11,0.20,CNY\nP3,I2,2026-02-12,0.30,usd\n",
    )
    result = load(con, landing)["erp/payments.csv"]
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_quarantined) == (
        "loaded",
        3,
        3,
        0,
    )
    total, type_, currencies = con.execute(
        "select sum(amount), typeof(sum(amount)), list(distinct currency order by currency) "
        "from raw.erp_payments"
    ).fetchone()
    assert total == decimal.Decimal("0.60")  # a float sum would give 0.6000000000000001
    assert type_.startswith("DECIMAL")
    assert currencies == ["CNY", "USD"]


def test_gbk_csv_with_chinese_headers(con, landing):
    text = "客户编码,客户名称,CRM客户编号,税号,国家\nC1,艾克美有限公司,A1,,CN\n"
    write(landing, "erp/customers_gbk.csv", text, encoding="gbk")
    result = load(con, landing)["erp/customers_gbk.csv"]
    assert result.status == "loaded" and result.rows_accepted == 1
    assert con.execute(
        "select customer_name, crm_account_id from raw.erp_customers"
    ).fetchone() == (
        "艾克美有限公司",
        "A1",
    )


def test_bom_semicolon_and_crlf(con, landing):
    write(
        landing,
        "erp/products.csv",
        "\ufeffsku;product_name;product_line;unit_cost;currency\r\nS1;One;platform;1.5000;CNY\r\n",
    )
    result = load(con, landing)["erp/products.csv"]
    assert result.status == "loaded" and result.rows_accepted == 1
    assert con.execute("select sku, unit_cost from raw.erp_products").fetchone() == (
        "S1",
        decimal.Decimal("1.5000"),
    )


def test_tab_delimited_and_quoted_newlines(con, landing):
    write(
        landing,
        "crm/teams.tsv",
        'team_id\tteam_name\tparent_team_id\tregion\nT1\t"North\nOne"\t\tnorth\nT2\tTwo\t\teast\n',
    )
    result = load(con, landing)["crm/teams.tsv"]
    assert result.status == "loaded" and result.rows_accepted == 2
    assert con.execute("select team_name from raw.crm_teams order by team_id").fetchall() == [
        ("North\nOne",),
        ("Two",),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"1,234.50"', "1234.50"),
        ("¥1234.50", "1234.50"),
        ('"$1,000"', "1000.00"),
        ("(100.00)", "-100.00"),
        ("RMB 88", "88.00"),
        ("-5.5", "-5.50"),
    ],
)
def test_amount_formats(con, landing, raw, expected):
    write(landing, "erp/payments.csv", PAYMENTS_HEADER + f"P1,I1,2026-02-10,{raw},CNY\n")
    load(con, landing)
    assert con.execute("select amount from raw.erp_payments").fetchone()[0] == decimal.Decimal(
        expected
    )


@pytest.mark.parametrize(
    "raw", ["2026/02/10", "2026-02-10", "2026-02-10 14:00", "2026年02月10日", "2026.02.10"]
)
def test_date_formats(con, landing, raw):
    write(landing, "erp/payments.csv", PAYMENTS_HEADER + f"P1,I1,{raw},1,CNY\n")
    load(con, landing)
    assert str(con.execute("select paid_date from raw.erp_payments").fetchone()[0]) == "2026-02-10"


def test_bad_rows_are_quarantined_with_line_and_reason(con, landing):
    write(
        landing,
        "erp/payments.csv",
        PAYMENTS_HEADER
        + "P1,I1,2026-02-10,10.00,CNY\n"  # line 2: fine
        + "P2,I1,2026-02-31,10.00,CNY\n"  # line 3: no such date
        + "P3,I1,2026-02-10,ten,CNY\n"  # line 4: not an amount
        + ",I1,2026-02-10,10.00,CNY\n"  # line 5: missing key
        + "P5,I1,2026-02-10,10.001,CNY\n"  # line 6: more decimals than money keeps
        + "P6,I1,2026-02-10,10.00,EURO\n"  # line 7: not a currency code
        + "P7,I1,2026-02-10,1.00,CNY\n"  # line 8: duplicate key ...
        + "P7,I1,2026-02-11,2.00,CNY\n",  # line 9: ... both copies quarantined
    )
    result = load(con, landing)["erp/payments.csv"]
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (8, 1, 7)
    reasons = dict(quarantine(con))
    assert reasons[3] == "unparseable date in paid_date: 2026-02-31"
    assert reasons[4] == "unparseable money in amount: ten"
    assert reasons[5] == "missing required payment_id"
    assert reasons[6].startswith("amount has more decimal places than DECIMAL(18,2) keeps")
    assert reasons[7] == "invalid currency code in currency: EURO"
    assert reasons[8] == reasons[9] == "duplicate key within file: P7"
    raw_record = con.execute(
        "select raw_record from audit.quarantine where line_number = 4"
    ).fetchone()
    assert '"ten"' in raw_record[0]


def test_enum_values_and_aliases(con, landing):
    write(
        landing,
        "crm/activities.csv",
        "activity_id,owner_id,activity_type,occurred_at\n"
        "A1,R1,电话,2026-02-02 09:00\n"
        "A2,R1,Phone Call,2026-02-02 09:00\n"
        "A3,R1,telepathy,2026-02-02 09:00\n",
    )
    load(con, landing)
    assert con.execute("select activity_type from raw.crm_activities order by 1").fetchall() == [
        ("call",),
        ("call",),
    ]
    assert quarantine(con) == [(4, "unparseable enum in activity_type: telepathy")]


def test_booleans(con, landing):
    header = (
        "opportunity_id,account_id,owner_id,type,stage,amount,currency,created_at,close_date,"
        "is_closed,is_won,updated_at\n"
    )
    rows = "".join(
        f"O{i},A1,R1,new,won,1,CNY,2026-01-01,2026-01-02,{closed},{won},2026-01-02\n"
        for i, (closed, won) in enumerate([("是", "否"), ("Y", "N"), ("TRUE", "false"), ("x", "1")])
    )
    write(landing, "crm/opportunities.csv", header + rows)
    load(con, landing)
    assert con.execute(
        "select opportunity_id, is_closed, is_won from raw.crm_opportunities order by 1"
    ).fetchall() == [("O0", True, False), ("O1", True, False), ("O2", True, False)]
    assert quarantine(con) == [(5, "unparseable bool in is_closed: x")]


def test_optional_defaults(con, landing):
    write(
        landing,
        "plan/targets.csv",
        "scope_type,scope_id,metric,period_type,period_start,value\n"
        "rep,R1,revenue,month,2026-02-01,1000\n",
    )
    load(con, landing)
    assert con.execute(
        "select tier, cast(effective_date as varchar) from raw.plan_targets"
    ).fetchone() == (
        "target",
        "2026-02-01",
    )


def test_a_default_fills_an_empty_cell_and_nothing_else(con, landing):
    """Every column with a default (tier; effective_date from period_start): an empty cell takes
    the default, the ABC practice's tier words map, and a value that means nothing is
    quarantined with its reason instead of silently becoming the default."""
    header = "scope_type,scope_id,metric,period_type,period_start,tier,value,effective_date\n"
    rows = [
        "rep,R1,revenue,month,2026-10-01,理想,1000,",  # line 2
        "rep,R1,revenue,month,2026-10-01,冲刺,1200,",  # 3
        "rep,R1,revenue,month,2026-10-01,保底,800,",  # 4
        "rep,R2,revenue,month,2026-10-01,C,900,",  # 5
        "rep,R3,revenue,month,2026-10-01,,700,",  # 6: empty → target
        "rep,R4,revenue,month,2026-10-01,gold,700,",  # 7: unknown word
        "rep,R5,revenue,month,2026-10-01,target,700,someday",  # 8: unparseable date
    ]
    write(landing, "plan/targets.csv", header + "\n".join(rows) + "\n")
    load(con, landing)
    assert con.execute(
        "select scope_id, tier, cast(effective_date as varchar) from raw.plan_targets "
        "order by _line_number"
    ).fetchall() == [
        ("R1", "target", "2026-10-01"),
        ("R1", "stretch", "2026-10-01"),
        ("R1", "floor", "2026-10-01"),
        ("R2", "stretch", "2026-10-01"),
        ("R3", "target", "2026-10-01"),
    ]
    assert quarantine(con) == [
        (7, "unparseable enum in tier: gold"),
        (8, "unparseable date in effective_date: someday"),
    ]
    columns_with_defaults = [
        (entity.qualified, column.name)
        for entity in ENTITIES
        for column in entity.columns
        if column.default is not None or column.default_from is not None
    ]
    assert columns_with_defaults == [
        ("plan/targets", "tier"),
        ("plan/targets", "effective_date"),
    ], "a new column with a default needs its case in this test"


def test_a_metric_is_read_under_its_labels_and_aliases_in_every_sheet_naming_one(con, landing):
    """Targets, comp plans, phasing and KPI weights name a metric by the registry's name, its
    English or Chinese label or an alias (dbt_project.yml, metric_registry); each is folded to the
    registry's name. A name the registry does not know (a manager-review criterion) is kept."""
    write(
        landing,
        "plan/targets.csv",
        "范围类型,范围编号,指标,周期类型,周期开始,目标值\n"
        "rep,R1,销售额,month,2026-10-01,1000\n"
        "rep,R1,回款,month,2026-10-01,900\n"
        "rep,R1,拜访次数,month,2026-10-01,40\n"
        "rep,R1,New customers,month,2026-10-01,2\n"
        "rep,R1,赢单率,month,2026-10-01,0.3\n"
        "rep,R1,calls,month,2026-10-01,80\n",
    )
    write(
        landing,
        "plan/comp_plans.csv",
        "plan_id,metric,weight,period_type,threshold,cap\n"
        "AE,签约额,0.6,month,0.5,2\nAE,开票收入,0.4,month,0.5,2\n",
    )
    write(landing, "plan/phasing.csv", "metric,month_of_year,weight\n签约金额,1,0.8\n")
    write(
        landing,
        "plan/kpi_weights.csv",
        "role,kpi,weight,direction\nrep,Revenue,0.5,higher\nrep,teamwork,0.5,higher\n",
    )
    load(con, landing)

    def names(table: str, column: str = "metric") -> list[str]:
        query = f"select {column} from raw.{table} order by _line_number"
        return [row[0] for row in con.execute(query).fetchall()]

    assert names("plan_targets") == [
        "revenue",
        "collections",
        "visits",
        "new_customers",
        "win_rate",
        "calls",
    ]
    assert names("plan_comp_plans") == ["bookings", "revenue"]
    assert names("plan_phasing") == ["bookings"]
    assert names("plan_kpi_weights", "kpi") == ["revenue", "teamwork"]
    assert quarantine(con) == []


@pytest.mark.parametrize(
    ("rel", "text", "message"),
    [
        ("erp/payments.csv", "", "empty file"),
        (
            "erp/payments.csv",
            "payment_id,invoice_id,paid_date\nP1,I1,2026-01-01\n",
            "missing required column(s): amount, currency",
        ),
        (
            "erp/payments.csv",
            PAYMENTS_HEADER + "P1,I1,2026-01-01,1,CNY,extra\n",
            "broken CSV structure",
        ),
        ("erp/payments.csv", PAYMENTS_HEADER + 'P1,I1,2026-01-01,"1,CNY\n', "broken CSV structure"),
        ("erp/notes.csv", "a,b\n1,2\n", "unknown entity: no erp entity matches the file name"),
        ("erp/payments.pdf", "%PDF-1.4", "unsupported file format .pdf"),
        ("crm/teams.csv", "team_id,Team ID,team_name,region\n", "ambiguous headers"),
        ("crm/teams.csv", "team_id,team_name,team_name,region\n", "duplicate header 'team_name'"),
        ("erp/payments.csv", 'payment_id,"x""); drop\nP1\n', "broken CSV structure"),
        ("erp/payments.csv", "\n\n", "empty file: no header line"),
    ],
)
def test_unreadable_files_are_rejected_whole(con, landing, rel, text, message):
    write(landing, rel, text)
    result = load(con, landing)[rel]
    assert result.status == "rejected"
    assert message in result.message
    logged = con.execute(
        "select status, message, rows_accepted from audit.load_log where file_path = ?", [rel]
    ).fetchone()
    assert logged[0] == "rejected" and message in logged[1] and logged[2] == 0


def test_undecodable_bytes_are_rejected_with_their_line(con, landing):
    (landing / "erp" / "payments.csv").write_bytes(
        PAYMENTS_HEADER.encode() + b"P0,I1,2026-02-10,1,CNY\nP1,\xff\xfe\xfa,x\n"
    )
    result = load(con, landing)["erp/payments.csv"]
    assert result.status == "rejected"
    assert result.message.startswith("unreadable encoding (first byte that is not UTF-8 on line 3)")


def test_header_only_is_loaded_with_zero_rows(con, landing):
    write(landing, "erp/payments.csv", PAYMENTS_HEADER)
    result = load(con, landing)["erp/payments.csv"]
    assert (result.status, result.rows_read, result.message) == (
        "loaded",
        0,
        "header only: no data rows",
    )


def test_jsonl_with_a_broken_line(con, landing):
    write(
        landing,
        "erp/payments_delta.jsonl",
        json.dumps({**PAYMENT, "payment_id": "P1", "amount": 5})
        + "\n"
        + '{"payment_id": "P2", "invoice_id": \n'
        + json.dumps({**PAYMENT, "payment_id": "P3", "amount": "6.5"})
        + "\n",
    )
    result = load(con, landing)["erp/payments_delta.jsonl"]
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (3, 2, 1)
    [(line, reason)] = quarantine(con)
    assert line == 2 and reason.startswith("broken JSON")


def test_xlsx_first_sheet_with_title_row(con, landing):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Payments export, February"])
    sheet.append(["回款编号", "发票号", "回款日期", "回款金额", "币种"])
    sheet.append(["P1", "I1", "2026-02-10", 1234.5, "CNY"])
    sheet.append(["P2", "I1", "2026-02-11", 10, "CNY"])
    other = workbook.create_sheet("notes")
    other.append(["payment_id", "invoice_id", "paid_date", "amount", "currency"])
    other.append(["P9", "I9", "2026-02-10", 1, "CNY"])
    workbook.save(landing / "erp" / "payments.xlsx")
    result = load(con, landing)["erp/payments.xlsx"]
    assert (result.status, result.rows_accepted) == ("loaded", 2)
    assert con.execute(
        "select payment_id, amount, _line_number from raw.erp_payments order by 1"
    ).fetchall() == [
        ("P1", decimal.Decimal("1234.50"), 3),
        ("P2", decimal.Decimal("10.00"), 4),
    ]


def test_parquet(con, landing):
    table = pa.table(
        {
            "payment_id": ["P1", "P2"],
            "invoice_id": ["I1", "I1"],
            "paid_date": ["2026-02-10", "2026-02-11"],
            "amount": pa.array(
                [decimal.Decimal("1.10"), decimal.Decimal("2.20")], pa.decimal128(10, 2)
            ),
            "currency": ["CNY", "CNY"],
        }
    )
    pq.write_table(table, landing / "erp" / "payments.parquet")
    result = load(con, landing)["erp/payments.parquet"]
    assert (result.status, result.rows_accepted) == ("loaded", 2)
    assert con.execute("select sum(amount) from raw.erp_payments").fetchone()[0] == decimal.Decimal(
        "3.30"
    )


def test_loading_twice_changes_nothing(con, landing):
    write(landing, "erp/payments.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\n")
    load(con, landing)
    before = con.execute("select count(*) from audit.load_log").fetchone()[0]
    again = load(con, landing)["erp/payments.csv"]
    assert again.status == "skipped"
    assert con.execute("select count(*) from audit.load_log").fetchone()[0] == before
    assert con.execute("select count(*) from raw.erp_payments").fetchone()[0] == 1


def test_a_new_version_of_a_file_replaces_the_old(con, landing):
    path = write(
        landing,
        "erp/payments.csv",
        PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\nP2,I1,2026-02-10,2,CNY\n",
    )
    load(con, landing)
    path.write_text(PAYMENTS_HEADER + "P1,I1,2026-02-10,5,CNY\n")
    load(con, landing)
    assert con.execute("select payment_id, amount from raw.erp_payments").fetchall() == [
        ("P1", decimal.Decimal("5.00"))
    ]
    assert con.execute(
        "select retired_reason from audit.load_log where retired_at is not null"
    ).fetchall() == [("replaced by a new version",)]


def test_a_removed_file_is_withdrawn(con, landing):
    path = write(landing, "erp/payments.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\n")
    write(landing, "erp/payments_2.csv", PAYMENTS_HEADER + "P2,I1,2026-02-10,2,CNY\n")
    load(con, landing)
    path.unlink()
    load(con, landing)
    assert con.execute("select payment_id from raw.erp_payments").fetchall() == [("P2",)]
    assert con.execute(
        "select file_path, retired_reason from audit.load_log where retired_at is not null"
    ).fetchall() == [("erp/payments.csv", "file removed from landing")]


def test_a_symlink_escaping_landing_is_never_read(con, landing, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text(PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\n")
    os.symlink(secret, landing / "erp" / "payments_link.csv")
    os.symlink(tmp_path, landing / "erp" / "escape_dir")
    results = load(con, landing)
    assert results["erp/payments_link.csv"].status == "rejected"
    assert results["erp/payments_link.csv"].message == "path escapes the landing folder"
    assert con.execute("select count(*) from raw.erp_payments").fetchone()[0] == 0
    again = load(con, landing)
    assert again["erp/payments_link.csv"].status == "skipped"  # logged once, not every run


def test_hostile_headers_and_cells_never_become_sql(con, landing):
    write(
        landing,
        "erp/payments.csv",
        'payment_id,invoice_id,paid_date,amount,currency,"x""); drop table audit.load_log; --"\n'
        "\"'); drop table raw.erp_payments; --\",=cmd|' /C calc'!A0,2026-02-10,1,CNY,y\n",
    )
    result = load(con, landing)["erp/payments.csv"]
    assert result.status == "loaded" and result.rows_accepted == 1
    assert "unknown columns kept in _extra_columns" in result.message
    extra = con.execute("select _extra_columns from raw.erp_payments").fetchone()[0]
    assert json.loads(extra) == {'x"); drop table audit.load_log; --': "y"}
    assert con.execute("select payment_id, invoice_id from raw.erp_payments").fetchone() == (
        "'); drop table raw.erp_payments; --",
        "=cmd|' /C calc'!A0",
    )
    assert con.execute("select count(*) from audit.load_log").fetchone()[0] == 1


def test_progress_reports_files_and_rows(con, landing):
    write(landing, "erp/payments.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\n")
    write(landing, "erp/payments_2.csv", PAYMENTS_HEADER + "P2,I1,2026-02-10,1,CNY\n")
    lines: list[str] = []
    load_landing(con, landing, progress=lines.append)
    assert lines[0].startswith("[1/2] erp/payments.csv: loaded read=1")
    assert lines[1].endswith("(total rows 2)")


def test_formats_mixed_in_one_run(con, landing):
    write(landing, "erp/payments_a.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\n")
    write(landing, "erp/payments_b.jsonl", json.dumps({**PAYMENT, "payment_id": "P2", "amount": 2}))
    workbook = Workbook()
    workbook.active.append(["payment_id", "invoice_id", "paid_date", "amount", "currency"])
    workbook.active.append(["P3", "I1", "2026-02-10", 3, "CNY"])
    workbook.save(landing / "erp" / "payments_c.xlsx")
    write(landing, "erp/payments_d.csv", PAYMENTS_HEADER + "P4,I1,2026-02-10,4,CNY\n")
    results = load(con, landing)
    assert {r.status for r in results.values()} == {"loaded"}
    assert con.execute("select sum(amount) from raw.erp_payments").fetchone()[0] == 10
    leftovers = con.execute(
        "select table_name from duckdb_tables() where temporary union all "
        "select view_name from duckdb_views() where temporary and not internal"
    ).fetchall()
    assert [name for (name,) in leftovers if name.startswith("__stage")] == []


def test_entity_counts_describe_the_files_in_force(con, landing):
    write(landing, "erp/payments.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,1,CNY\nP2,I1,x,1,CNY\n")
    write(landing, "erp/payments_2.csv", PAYMENTS_HEADER + "P3,I1,2026-02-10,1,CNY\n")
    load(con, landing)
    load(con, landing)  # a rerun loads nothing new but the counts still describe the data
    counts = entity_counts(con)
    assert counts["erp/payments"] == {
        "files": 2,
        "rows_read": 3,
        "rows_accepted": 2,
        "rows_quarantined": 1,
    }
    assert counts["crm/teams"]["files"] == 0


INVOICES_HEADER = "invoice_id,invoice_date,customer_id,amount_net,currency,document_type,status\n"


def test_implausible_dates_are_quarantined_with_file_line_and_column(con, landing):
    """A date outside the plausible window (2000-01-01 to the end of the as-of year + 2) is a bad
    value like any other: 9999-12-31 once reached the calendar and blocked the publication
    without naming its source."""
    write(
        landing,
        "erp/invoices.csv",
        INVOICES_HEADER
        + "I1,2026-10-03,C1,100,CNY,invoice,posted\n"
        + "I2,9999-12-31,C1,100,CNY,invoice,posted\n"
        + "I3,1999-12-31,C1,100,CNY,invoice,posted\n"
        + "I4,2028-12-31,C1,100,CNY,invoice,posted\n",
    )
    window = (dt.date(2000, 1, 1), dt.date(2028, 12, 31))
    summary = load_landing(con, landing, window=window)
    assert [r.rows_accepted for r in summary.files] == [2]
    assert quarantine(con) == [
        (3, "invoice_date outside the plausible dates (2000-01-01 to 2028-12-31): 9999-12-31"),
        (4, "invoice_date outside the plausible dates (2000-01-01 to 2028-12-31): 1999-12-31"),
    ]
    # The same window again: nothing is loaded twice.
    again = load_landing(con, landing, window=window)
    assert [r.status for r in again.files] == ["skipped"]
    # A year later the window moves: the file is checked again, and I2 still fails.
    later = load_landing(con, landing, window=(dt.date(2000, 1, 1), dt.date(2029, 12, 31)))
    assert [(r.status, r.rows_accepted) for r in later.files] == [("loaded", 2)]
    assert con.execute(
        "select count(*) from audit.load_log where retired_reason like 'dates checked against%'"
    ).fetchone() == (1,)
    assert con.execute("select count(*) from raw.erp_invoices").fetchone() == (2,)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SCORECARDS_DATE_MIN": "yesterday"}, "SCORECARDS_DATE_MIN must be a date"),
        ({"SCORECARDS_DATE_YEARS_AHEAD": "-1"}, "must be 1 to 50 years"),
        ({"SCORECARDS_DATE_MIN": "2030-01-01"}, "must be before the as-of date"),
    ],
)
def test_the_date_window_settings_are_validated(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        date_window(dt.date(2026, 12, 4))


def test_the_default_date_window():
    assert date_window(dt.date(2026, 12, 4)) == (dt.date(2000, 1, 1), dt.date(2028, 12, 31))
