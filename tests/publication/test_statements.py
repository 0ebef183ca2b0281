"""Statements from a small published copy: formula-safe text, layout, stable bytes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest

from publication.sheets import csv_safe, is_formula_like
from publication.statements import (
    period_label,
    safe_file_part,
    statement_workers,
    write_statements,
)

EVIL = '=HYPERLINK("http://x","y")'


def make_published(path: Path, document_id: str = EVIL) -> Path:
    con = duckdb.connect(str(path))
    con.execute(
        """
        create table dim_users as select * from (values
            ('R1', '@Rep One'), ('R/2', 'Rep Two')) as users(user_id, full_name);
        create table payouts as select
            user_id || '|P|2026-02-01|revenue' as payout_id, user_id, 'P' as plan_id,
            'month' as period_type, date '2026-02-01' as period_start,
            date '2026-02-28' as period_end, 'revenue' as metric, 'ended' as period_status,
            'CNY' as currency, 0.4::decimal(12, 6) as weight, 50000.00::decimal(18, 4) as target,
            60000.00::decimal(24, 6) as actual, 1.2::decimal(18, 6) as attainment,
            1.2::decimal(18, 6) as capped_attainment, 'on_curve' as payout_basis,
            1.4::decimal(18, 6) as payout_fraction, 10000.00::decimal(18, 2) as prorated_incentive,
            5600.00::decimal(18, 2) as earned_amount, 0.00::decimal(18, 2) as clawback_amount,
            5600.00::decimal(18, 2) as payout_amount, date '2026-03-10' as as_of_date
        from (values ('R1'), ('R/2')) as reps(user_id);
        create table reconciliation_monthly as select 'revenue' as metric,
            date '2026-02-01' as month_start, 0.00::decimal(18, 2) as difference;
        create table reconciliation_payouts as select payout_id, 0.00::decimal(18, 2) as difference
        from payouts;
        """
    )
    con.execute(
        """
        create table payout_lines as select
            payout_id || '|x' as line_id, payout_id, user_id, plan_id, period_start, metric,
            'transaction' as line_type, null::date as original_period_start, 'erp' as source_system,
            'invoice' as source_entity, ? as document_id, date '2026-02-03' as transaction_date,
            'CNY' as currency, 60000.00::decimal(18, 2) as amount_original,
            1::decimal(18, 8) as fx_rate, 60000.00::decimal(18, 2) as amount_base,
            5600.00::decimal(18, 2) as line_amount, '-erp/invoices.csv' as source_file,
            2 as source_line
        from payouts
        """,
        [document_id],
    )
    con.close()
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", True), ("+1", True), ("-2", True), ("@SUM(A1)", True), ("plain", False), ("", False)],
)
def test_formula_like(value, expected):
    assert is_formula_like(value) is expected


def test_csv_safe_prefixes_text_only():
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("-ACME") == "'-ACME"
    assert csv_safe(-5) == -5
    assert csv_safe("ACME") == "ACME"


def test_file_names_and_period_labels():
    assert safe_file_part("R/2 ../x") == "R_2____x"
    assert period_label("month", dt.date(2026, 2, 1)) == "2026-02"
    assert period_label("quarter", dt.date(2026, 1, 1)) == "2026-01_quarter"


def test_statements_never_hold_formulas(tmp_path):
    written = write_statements(make_published(tmp_path / "pub.duckdb"), tmp_path / "reports")
    assert written.statements == 2 and written.lines == 2
    path = written.folder / "2026-02" / "R1_P.xlsx"
    sheet = openpyxl.load_workbook(path).active
    texts = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    evil = [cell for cell in texts if cell.value == EVIL]
    assert evil and all(cell.data_type == "s" and cell.quotePrefix for cell in evil)
    assert not [cell for cell in texts if cell.data_type == "f"]
    rep = [cell for cell in texts if cell.value == "R1 @Rep One"]
    assert rep and rep[0].data_type == "s"
    with (written.folder / "2026-02" / "R1_P.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["document_id"] == "'" + EVIL
    assert rows[0]["source_file"] == "'-erp/invoices.csv"
    assert rows[0]["line_amount"] == "5600.00"
    # A user id with a slash becomes a safe file name inside the period folder.
    assert (written.folder / "2026-02" / "R_2_P.xlsx").exists()


def test_same_publication_same_bytes_and_stale_files_go(tmp_path):
    published = make_published(tmp_path / "pub.duckdb")
    first = write_statements(published, tmp_path / "reports")
    before = {p.name: p.read_bytes() for p in first.folder.rglob("*") if p.is_file()}
    stale = first.folder / "2025-12"
    stale.mkdir()
    (stale / "OLD.xlsx").write_bytes(b"old")
    second = write_statements(published, tmp_path / "reports")
    after = {p.name: p.read_bytes() for p in second.folder.rglob("*") if p.is_file()}
    assert before == after
    assert not stale.exists()
    assert not (tmp_path / "reports" / ".statements.tmp").exists()


def test_bytes_do_not_depend_on_the_clock(tmp_path, monkeypatch):
    """openpyxl writes the save time into the workbook; the export pins it to the as-of date."""
    import datetime as real_datetime

    published = make_published(tmp_path / "pub.duckdb")
    first = write_statements(published, tmp_path / "a")
    before = (first.folder / "2026-02" / "R1_P.xlsx").read_bytes()

    class Later(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime(2030, 1, 1, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr("openpyxl.writer.excel.datetime.datetime", Later)
    second = write_statements(published, tmp_path / "b")
    assert (second.folder / "2026-02" / "R1_P.xlsx").read_bytes() == before


def test_worker_count_for_small_and_large_sets():
    assert statement_workers(10, cpus=8) == 1
    assert statement_workers(399, cpus=8) == 1
    assert statement_workers(400, cpus=2) == 2
    assert statement_workers(400, cpus=1) == 1
    assert statement_workers(100_000, cpus=8) == 8


def test_statements_written_by_several_processes_are_the_same_bytes(tmp_path, monkeypatch):
    """The parallel writer (spawned processes, one chunk each) writes what one process writes."""
    published = make_published(tmp_path / "pub.duckdb")
    serial = write_statements(published, tmp_path / "serial")
    monkeypatch.setattr("publication.statements.PARALLEL_FROM", 2)
    monkeypatch.setattr("publication.statements.CHUNK", 1)
    parallel = write_statements(published, tmp_path / "parallel")
    files = _files(serial.folder)
    # Two statements (xlsx + csv), the finance workbook and the statements' digests.
    assert len(files) == 6
    assert files == _files(parallel.folder)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file's bytes but the stamps' (inodes and times: they differ between exports)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name != ".stamps.json"
    }


def test_an_unchanged_statement_is_linked_a_changed_one_written(tmp_path):
    """Only the statements whose rows changed are written again; the folder holds the same
    bytes as an export written from nothing."""
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    first = write_statements(published, reports)
    assert (first.statements, first.reused) == (2, 0)
    r2_before = (first.folder / "2026-02" / "R_2_P.xlsx").stat().st_ino
    with duckdb.connect(str(published)) as con:
        con.execute("update payout_lines set line_amount = 5599.99 where user_id = 'R1'")
    second = write_statements(published, reports)
    assert (second.statements, second.reused) == (2, 1)
    # R/2's files are the previous export's (linked), R1's were written with the new amount.
    assert (second.folder / "2026-02" / "R_2_P.xlsx").stat().st_ino == r2_before
    with (second.folder / "2026-02" / "R1_P.csv").open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["line_amount"] == "5599.99"
    fresh = write_statements(published, tmp_path / "fresh")
    assert fresh.reused == 0
    assert _files(second.folder) == _files(fresh.folder)
    # The same publication again: nothing to write.
    assert write_statements(published, reports).reused == 2


def test_the_finance_workbook_is_linked_while_its_sheets_are_unchanged(tmp_path):
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    first = write_statements(published, reports).finance_workbook.stat().st_ino
    with duckdb.connect(str(published)) as con:  # a statement line: not in the workbook
        con.execute("update payout_lines set line_amount = 5599.99 where user_id = 'R1'")
    assert write_statements(published, reports).finance_workbook.stat().st_ino == first
    with duckdb.connect(str(published)) as con:  # a payout: a row of the payout register
        con.execute("update payouts set payout_amount = 5599.99 where user_id = 'R1'")
    written = write_statements(published, reports)
    assert written.finance_workbook.stat().st_ino != first
    register = openpyxl.load_workbook(written.finance_workbook)["Payout register"]
    header = [cell.value for cell in register[1]]
    amounts = {
        row[header.index("Rep id")]: row[header.index("Payout")]
        for row in register.iter_rows(min_row=2, values_only=True)
    }
    assert amounts["R1"] == pytest.approx(5599.99)
    fresh = write_statements(published, tmp_path / "fresh")
    assert _files(written.folder) == _files(fresh.folder)
    # A column's type, though its values read the same: written again.
    again = written.finance_workbook.stat().st_ino
    assert write_statements(published, reports).finance_workbook.stat().st_ino == again
    with duckdb.connect(str(published)) as con:
        con.execute("alter table reconciliation_monthly alter difference type decimal(38, 2)")
    assert write_statements(published, reports).finance_workbook.stat().st_ino != again


@pytest.mark.parametrize(
    "damage", ["digests_missing", "digests_broken", "file_missing", "file_edited", "finance_edited"]
)
def test_without_a_trustworthy_previous_file_a_statement_is_written(tmp_path, damage):
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    first = write_statements(published, reports)
    expected = _files(first.folder)
    if damage == "digests_missing":
        (first.folder / ".digests.json").unlink()
    elif damage == "digests_broken":
        (first.folder / ".digests.json").write_text("{not json", encoding="utf-8")
    elif damage == "file_missing":
        (first.folder / "2026-02" / "R1_P.csv").unlink()
    elif damage == "file_edited":  # someone saved the file in place: not carried forward
        with (first.folder / "2026-02" / "R1_P.csv").open("a", encoding="utf-8") as handle:
            handle.write("R1,P,2026-02-01,revenue,bonus\n")
    else:
        (first.folder / "finance_workbook.xlsx").write_bytes(b"edited")
    second = write_statements(published, reports)
    # Statements reused: none without digests; the other one when one statement's file is gone
    # or edited; both when only the finance workbook was edited (it is written again).
    reused = {"digests_missing": 0, "digests_broken": 0, "finance_edited": 2}.get(damage, 1)
    assert second.reused == reused
    assert _files(second.folder) == expected


def test_a_change_of_the_as_of_date_or_the_code_rewrites_every_statement(tmp_path, monkeypatch):
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    write_statements(published, reports)
    monkeypatch.setattr("publication.statements._writer_version", lambda: "another version")
    assert write_statements(published, reports).reused == 0
    monkeypatch.undo()
    write_statements(published, reports)
    with duckdb.connect(str(published)) as con:
        con.execute("update payouts set as_of_date = date '2026-03-11'")
    assert write_statements(published, reports).reused == 0


def _add_rows(published: Path) -> None:
    """R1 gets a second metric and three more lines; R3 a payout with no line at all."""
    with duckdb.connect(str(published)) as con:
        con.execute(
            """
            insert into payouts
            select * replace (replace(payout_id, 'revenue', 'bookings') as payout_id,
                'bookings' as metric)
            from payouts where user_id = 'R1';
            insert into payouts select * replace ('R3|P|2026-02-01|revenue' as payout_id,
                'R3' as user_id) from payouts where user_id = 'R1' and metric = 'revenue';
            insert into payout_lines
            select lines.* replace (line_id || n as line_id, 'credit_' || n as document_id)
            from payout_lines as lines, range(3) as steps(n) where user_id = 'R1';
            """
        )


def test_statements_streamed_in_small_batches_are_the_same_bytes(tmp_path, monkeypatch):
    """Rows are read a batch at a time and the statements written as they come: one row per
    batch, several processes, gives the same files as reading everything at once."""
    published = make_published(tmp_path / "pub.duckdb")
    _add_rows(published)
    whole = write_statements(published, tmp_path / "whole")
    assert (whole.statements, whole.lines) == (3, 5)
    with (whole.folder / "2026-02" / "R1_P.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    with (whole.folder / "2026-02" / "R3_P.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == []
    monkeypatch.setattr("publication.statement_queries.BATCH_ROWS", 1)
    monkeypatch.setattr("publication.statements.PARALLEL_FROM", 2)
    monkeypatch.setattr("publication.statements.CHUNK", 1)
    asked: list[int] = []

    def workers(count: int, cpus: int | None = None) -> int:
        asked.append(count)
        return statement_workers(count, cpus)

    monkeypatch.setattr("publication.statements.statement_workers", workers)
    batched = write_statements(published, tmp_path / "batched")
    assert (batched.statements, batched.lines) == (3, 5)
    # Workers are sized for every statement of the export, not the two held when they start.
    assert asked == [3]
    assert _files(batched.folder) == _files(whole.folder)


def test_a_line_without_its_payout_stops_the_export(tmp_path):
    """Lines are matched to payouts in step; one that matches none is an error, not a line
    left out of every statement, and the last export stays as it was."""
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    before = _files(write_statements(published, reports).folder)
    with duckdb.connect(str(published)) as con:
        con.execute(
            "insert into payout_lines select * replace ('R9' as user_id, 'orphan' as line_id) "
            "from payout_lines where user_id = 'R1'"
        )
    with pytest.raises(RuntimeError, match="orphan"):
        write_statements(published, reports)
    assert _files(reports / "statements") == before


def test_two_ids_that_make_the_same_file_name_stop_the_export(tmp_path):
    """R/2 and R:2 both become R_2_P.xlsx: one statement must not overwrite the other."""
    published = make_published(tmp_path / "pub.duckdb")
    with duckdb.connect(str(published)) as con:
        con.execute(
            "insert into payouts select * replace ('R:2' as user_id, 'R:2|P' as payout_id) "
            "from payouts where user_id = 'R/2'"
        )
    with pytest.raises(RuntimeError, match="R_2_P"):
        write_statements(published, tmp_path / "reports")


def test_unchanged_statements_are_not_read_into_python(tmp_path, monkeypatch):
    """The statements' rows are digested in DuckDB: an export where nothing changed reads no
    payout line and no payout for a statement (only the finance workbook's sheets); one where a
    single line changed reads that statement's rows only."""
    import publication.statement_queries as queries

    published = make_published(tmp_path / "pub.duckdb")
    _add_rows(published)
    reports = tmp_path / "reports"
    write_statements(published, reports)
    read: list[tuple[str, dict[str, object]]] = []
    streamed = queries.streamed

    def recording(con, sql, parameters=()):
        for row in streamed(con, sql, parameters):
            read.append((sql, row))
            yield row

    monkeypatch.setattr(queries, "streamed", recording)
    assert write_statements(published, reports).reused == 3
    assert not [row for sql, row in read if sql in (queries.LINES_SQL, queries.PAYOUTS_SQL)]
    read.clear()
    with duckdb.connect(str(published)) as con:
        con.execute("update payout_lines set line_amount = 1.00 where line_id like 'R/2%'")
    assert write_statements(published, reports).reused == 2
    lines = [row for sql, row in read if sql == queries.LINES_SQL]
    payouts = [row for sql, row in read if sql == queries.PAYOUTS_SQL]
    assert [row["user_id"] for row in lines] == ["R/2"]
    assert [row["user_id"] for row in payouts] == ["R/2"]


def test_a_user_row_or_a_column_type_change_rewrites_what_it_shapes(tmp_path):
    """The digests cover the user's row (the statement's header) and the columns' types, which
    the rows' text can leave unchanged."""
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    write_statements(published, reports)
    with duckdb.connect(str(published)) as con:
        con.execute("update dim_users set full_name = 'Rep 2' where user_id = 'R/2'")
    renamed = write_statements(published, reports)
    assert renamed.reused == 1
    assert _files(renamed.folder) == _files(write_statements(published, tmp_path / "a").folder)
    with duckdb.connect(str(published)) as con:
        con.execute("alter table payout_lines alter source_line type decimal(38, 0)")
    retyped = write_statements(published, reports)
    assert retyped.reused == 0
    assert _files(retyped.folder) == _files(write_statements(published, tmp_path / "b").folder)


def test_a_file_as_it_was_written_is_not_read_again_one_touched_is(tmp_path, monkeypatch):
    """A file with the stamp it had when written (inode, size, modification time) is linked
    without reading it; a file with another stamp has its bytes compared: kept when they are
    the recorded ones, written again when not (an edit that kept the file's size)."""
    import os

    import publication.statement_reuse as statement_reuse

    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    first = write_statements(published, reports)
    expected = _files(first.folder)
    hashed: list[str] = []
    digest = statement_reuse.file_digest

    def recording(path: Path) -> str:
        hashed.append(path.relative_to(path.parent.parent).as_posix())
        return digest(path)

    monkeypatch.setattr(statement_reuse, "file_digest", recording)
    assert write_statements(published, reports).reused == 2
    assert hashed == []
    csv_file = reports / "statements" / "2026-02" / "R1_P.csv"
    os.utime(csv_file, ns=(1, 1))  # touched: same bytes, another stamp
    assert write_statements(published, reports).reused == 2
    assert hashed == ["2026-02/R1_P.csv"]
    hashed.clear()
    assert write_statements(published, reports).reused == 2  # stamped anew when linked
    assert hashed == []
    text = csv_file.read_bytes()
    csv_file.write_bytes(text.replace(b"5600.00", b"5600.01"))  # same size, new bytes
    again = write_statements(published, reports)
    assert again.reused == 1
    assert _files(again.folder) == expected
    (again.folder / ".stamps.json").write_text("{broken", encoding="utf-8")
    hashed.clear()
    assert write_statements(published, reports).reused == 2
    assert sorted(hashed) == [  # no stamps: every file's bytes are compared
        "2026-02/R1_P.csv",
        "2026-02/R1_P.xlsx",
        "2026-02/R_2_P.csv",
        "2026-02/R_2_P.xlsx",
        "statements/finance_workbook.xlsx",
    ]


def test_statements_and_the_finance_workbook_in_chinese_are_written_not_linked(tmp_path):
    """The language shapes the bytes: a Chinese export after an English one writes every file
    again, with the catalogue's labels; English again gives back the English bytes."""
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    english = write_statements(published, reports)
    english_bytes = (english.folder / "2026-02" / "R1_P.xlsx").read_bytes()
    chinese = write_statements(published, reports, "zh")
    assert chinese.reused == 0
    sheet = openpyxl.load_workbook(chinese.folder / "2026-02" / "R1_P.xlsx").active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for label in (
        "奖金结算单",
        "销售",
        "奖金方案",
        "合计",
        "指标",
        "实发奖金",
        "单据编号",
        "开票收入",
    ):
        assert label in cells, label
    assert sheet.title == "结算单"
    finance = openpyxl.load_workbook(chinese.finance_workbook)
    assert finance.sheetnames == ["奖金登记表", "对账", "结算单核对"]
    again = write_statements(published, reports, "en")
    assert (again.folder / "2026-02" / "R1_P.xlsx").read_bytes() == english_bytes
