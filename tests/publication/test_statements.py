"""Statements from a small published copy: formula-safe text, layout, stable bytes."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import duckdb
import openpyxl
import pytest

from publication.sheets import csv_safe, is_formula_like
from publication.statements import (
    period_label,
    safe_file_part,
    safe_name_part,
    slices,
    statement_stem,
    statement_workers,
    write_statements,
)

EVIL = '=HYPERLINK("http://x","y")'


def make_published(path: Path, document_id: str = EVIL) -> Path:
    """Two reps on plan P in February 2026: revenue at 120% of target on the curve's second
    segment (1.0 + 2 x 0.2 = 1.4), weight 0.4, 10,000.00 prorated: 5,600.00 each."""
    con = duckdb.connect(str(path))
    con.execute(
        """
        create table dim_users as select * from (values
            ('R1', '@Rep One'), ('R/2', 'Rep Two')) as users(user_id, full_name);
        create table dim_teams as select * from (values
            ('T1', 'Team One', 'north')) as teams(team_id, team_name, region);
        create table dim_rep_memberships as select user_id, 'T1' as team_id, 'north' as region,
            date '2025-01-01' as valid_from, null::date as valid_to_exclusive
        from dim_users;
        create table dim_date as select cast(day as date) as date_day,
            date '2026-01-01' as fiscal_year_start
        from range(date '2026-01-01', date '2027-01-01', interval 1 day) as days(day);
        create table dim_payout_curves as select * from (values
            ('P', 0.5::decimal(18, 6), 1.0::decimal(18, 6), 0.25::decimal(18, 6),
                1.5::decimal(18, 6), 1::bigint),
            ('P', 1.0::decimal(18, 6), null::decimal(18, 6), 1.0::decimal(18, 6),
                2.0::decimal(18, 6), 2::bigint))
            as curve(plan_id, attainment_from, attainment_to, payout_at_from, slope, segment);
        create table payouts as select
            user_id || '|P|2026-02-01|revenue' as payout_id, user_id, 'P' as plan_id,
            'month' as period_type, date '2026-02-01' as period_start,
            date '2026-02-28' as period_end, 'revenue' as metric, 'ended' as period_status,
            'CNY' as currency, 0.4::decimal(12, 6) as weight, 0.5::decimal(12, 6) as threshold,
            1.5::decimal(12, 6) as cap, 10000.00::decimal(18, 2) as on_target_incentive,
            28 as period_days, 28 as covered_days, 50000.00::decimal(18, 4) as target,
            60000.00::decimal(24, 6) as actual, 1.2::decimal(18, 6) as attainment,
            1.2::decimal(18, 6) as capped_attainment,
            1.0::decimal(18, 6) as segment_attainment_from,
            1.0::decimal(18, 6) as segment_payout_at_from, 2.0::decimal(18, 6) as segment_slope,
            'on_curve' as payout_basis,
            1.4::decimal(18, 6) as payout_fraction, 10000.00::decimal(18, 2) as prorated_incentive,
            5600.00::decimal(18, 2) as earned_amount, 0.00::decimal(18, 2) as clawback_amount,
            5600.00::decimal(18, 2) as payout_amount, date '2026-03-10' as as_of_date
        from (values ('R1'), ('R/2')) as reps(user_id);
        create table payout_approvals (user_id varchar, period_start date, status varchar,
            note varchar, approver_id varchar, decided_at date, source_file varchar,
            source_line integer);
        create table restatements (version integer, month_start date, period_grain varchar,
            period_start date, scope_type varchar, scope_id varchar, metric varchar,
            column_name varchar, old_value varchar, new_value varchar);
        create table publication_log as select 1 as version;
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
    assert safe_name_part("张伟 (East)/..") == "张伟_East"
    assert safe_name_part("Zoë O'Neil") == "Zoë_O_Neil"
    assert safe_name_part("  ") == ""
    assert safe_name_part("x" * 60) == "x" * 40
    assert statement_stem("2026-02", "R/2", "张伟", "AE") == "2026-02/R_2_张伟_AE"
    assert statement_stem("2026-02", "R3", None, "AE") == "2026-02/R3_AE"
    assert period_label("month", dt.date(2026, 2, 1)) == "2026-02"
    assert period_label("quarter", dt.date(2026, 1, 1)) == "2026-01_quarter"


def test_statements_never_hold_formulas(tmp_path):
    written = write_statements(make_published(tmp_path / "pub.duckdb"), tmp_path / "reports")
    assert written.statements == 2 and written.lines == 2
    path = written.folder / "2026-02" / "R1_Rep_One_P.xlsx"
    sheet = openpyxl.load_workbook(path).active
    texts = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in texts if cell.data_type == "f"]
    rep = [cell for cell in texts if cell.value == "@Rep One"]
    assert rep and rep[0].data_type == "s" and rep[0].quotePrefix
    lines = openpyxl.load_workbook(path)["Lines"]
    lines_texts = [cell for row in lines.iter_rows() for cell in row if cell.value is not None]
    evil = [cell for cell in lines_texts if cell.value == EVIL]
    assert evil and all(cell.data_type == "s" and cell.quotePrefix for cell in evil)
    assert not [cell for cell in lines_texts if cell.data_type == "f"]
    twin = written.folder / "2026-02" / "R1_Rep_One_P.csv"
    # UTF-8 with a byte-order mark: Excel on a Chinese-locale Windows reads it as UTF-8.
    assert twin.read_bytes().startswith(b"\xef\xbb\xbfuser_id,")
    with twin.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["document_id"] == "'" + EVIL
    assert rows[0]["source_file"] == "'-erp/invoices.csv"
    assert rows[0]["line_amount"] == "5600.00"
    # A user id with a slash becomes a safe file name inside the period folder.
    assert (written.folder / "2026-02" / "R_2_Rep_Two_P.xlsx").exists()


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
    """XlsxWriter writes the save time into the workbook; the export pins it to the as-of date."""
    import datetime as real_datetime

    published = make_published(tmp_path / "pub.duckdb")
    first = write_statements(published, tmp_path / "a")
    before = (first.folder / "2026-02" / "R1_Rep_One_P.xlsx").read_bytes()

    class Clock(type):
        # XlsxWriter checks that the creation date is a datetime: ours still is one.
        def __instancecheck__(cls, instance):
            return isinstance(instance, real_datetime.datetime)

    class Later(real_datetime.datetime, metaclass=Clock):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime(2030, 1, 1, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr("xlsxwriter.core.datetime", Later)
    second = write_statements(published, tmp_path / "b")
    assert (second.folder / "2026-02" / "R1_Rep_One_P.xlsx").read_bytes() == before


def test_worker_count_for_small_and_large_sets():
    assert statement_workers(10, cpus=8) == 1
    assert statement_workers(399, cpus=8) == 1
    assert statement_workers(400, cpus=2) == 2
    assert statement_workers(400, cpus=1) == 1
    assert statement_workers(100_000, cpus=8) == 8


@pytest.mark.parametrize(
    ("count", "workers", "sizes"),
    [
        (0, 2, []),
        (150, 2, [150]),  # fewer than one slice's worth: one slice
        (1_000, 2, [200] * 5),  # at least SLICE statements a slice
        (71_964, 2, [8_996] * 7 + [8_992]),  # four slices a worker
        (9, 1, [9]),
    ],
)
def test_statements_are_cut_into_slices_in_order(count, workers, sizes):
    """Each statement in exactly one slice, in key order, the slices about equal."""
    items = list(range(count))
    parts = slices(items, workers)
    assert [len(part) for part in parts] == sizes
    assert [item for part in parts for item in part] == items


def test_statements_written_by_several_processes_are_the_same_bytes(tmp_path, monkeypatch):
    """The parallel writer (spawned processes, one chunk each) writes what one process writes."""
    published = make_published(tmp_path / "pub.duckdb")
    serial = write_statements(published, tmp_path / "serial")
    monkeypatch.setattr("publication.statements.PARALLEL_FROM", 2)
    monkeypatch.setattr("publication.statements.SLICE", 1)
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
    r2_before = (first.folder / "2026-02" / "R_2_Rep_Two_P.xlsx").stat().st_ino
    with duckdb.connect(str(published)) as con:
        con.execute("update payout_lines set line_amount = 5599.99 where user_id = 'R1'")
    second = write_statements(published, reports)
    assert (second.statements, second.reused) == (2, 1)
    # R/2's files are the previous export's (linked), R1's were written with the new amount.
    assert (second.folder / "2026-02" / "R_2_Rep_Two_P.xlsx").stat().st_ino == r2_before
    with (second.folder / "2026-02" / "R1_Rep_One_P.csv").open(encoding="utf-8-sig") as handle:
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
        (first.folder / "2026-02" / "R1_Rep_One_P.csv").unlink()
    elif damage == "file_edited":  # someone saved the file in place: not carried forward
        with (first.folder / "2026-02" / "R1_Rep_One_P.csv").open("a", encoding="utf-8") as handle:
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
    with (whole.folder / "2026-02" / "R1_Rep_One_P.csv").open(encoding="utf-8-sig") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    with (whole.folder / "2026-02" / "R3_P.csv").open(encoding="utf-8-sig") as handle:
        assert list(csv.DictReader(handle)) == []
    monkeypatch.setattr("publication.statement_queries.BATCH_ROWS", 1)
    monkeypatch.setattr("publication.statements.PARALLEL_FROM", 2)
    monkeypatch.setattr("publication.statements.SLICE", 1)
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
    """R/2 and R:2 (both Rep Two) become R_2_Rep_Two_P.xlsx: one must not overwrite the other."""
    published = make_published(tmp_path / "pub.duckdb")
    with duckdb.connect(str(published)) as con:
        con.execute(
            "insert into payouts select * replace ('R:2' as user_id, 'R:2|P' as payout_id) "
            "from payouts where user_id = 'R/2'"
        )
        con.execute("insert into dim_users values ('R:2', 'Rep Two')")
    with pytest.raises(RuntimeError, match="R_2_Rep_Two_P"):
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
    csv_file = reports / "statements" / "2026-02" / "R1_Rep_One_P.csv"
    os.utime(csv_file, ns=(1, 1))  # touched: same bytes, another stamp
    assert write_statements(published, reports).reused == 2
    assert hashed == ["2026-02/R1_Rep_One_P.csv"]
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
        "2026-02/R1_Rep_One_P.csv",
        "2026-02/R1_Rep_One_P.xlsx",
        "2026-02/R_2_Rep_Two_P.csv",
        "2026-02/R_2_Rep_Two_P.xlsx",
        "statements/finance_workbook.xlsx",
    ]


def test_statements_and_the_finance_workbook_in_chinese_are_written_not_linked(tmp_path):
    """The language shapes the bytes: a Chinese export after an English one writes every file
    again, with the catalogue's labels; English again gives back the English bytes."""
    published = make_published(tmp_path / "pub.duckdb")
    reports = tmp_path / "reports"
    english = write_statements(published, reports)
    english_bytes = (english.folder / "2026-02" / "R1_Rep_One_P.xlsx").read_bytes()
    chinese = write_statements(published, reports, "zh")
    assert chinese.reused == 0
    book = openpyxl.load_workbook(chinese.folder / "2026-02" / "R1_Rep_One_P.xlsx")
    cells = [
        c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    ]
    for label in (
        "奖金结算单：期间已结束（月份尚未关账）",
        "销售",
        "奖金方案",
        "合计",
        "指标",
        "实发奖金",
        "单据编号",
        "开票收入",
        "按曲线",
        "交易",
        "方案条款",
        "奖金曲线",
    ):
        assert label in cells, label
    assert book.sheetnames == ["结算单", "明细"]
    finance = openpyxl.load_workbook(chinese.finance_workbook)
    assert finance.sheetnames == [
        "奖金登记表",
        "按成本中心计提",
        "对账",
        "结算单核对",
        "重述",
        "追回",
    ]
    again = write_statements(published, reports, "en")
    assert (again.folder / "2026-02" / "R1_Rep_One_P.xlsx").read_bytes() == english_bytes


def test_a_statement_can_be_redone_by_hand_from_its_cells(tmp_path):
    """The plan's terms, its curve and each step are on the statement: the payout redone from
    the cells alone is the published one; dates are date cells, ratios percentages, every list
    an Excel table with filters, and the year to date is there."""
    from tests.publication.statement_cells import facts, is_date_cell, recompute, table_rows

    written = write_statements(make_published(tmp_path / "pub.duckdb"), tmp_path / "reports")
    path = written.folder / "2026-02" / "R1_Rep_One_P.xlsx"
    assert recompute(path) == {"Revenue": D("5600.00")}
    book = openpyxl.load_workbook(path)
    ws = book["Statement"]
    shown = facts(ws)
    assert shown["Team"] == "Team One (T1)" and shown["Region"] == "north"
    assert shown["Period start"] == dt.datetime(2026, 2, 1)
    assert (
        shown["Payouts year to date"] == 5600 and shown["On-target incentive year to date"] == 10000
    )
    assert shown["Payouts / on-target incentive"] == pytest.approx(0.56)
    _, formats = table_rows(ws, "Computation")
    assert formats[3] == "0.0000%" and formats[1] == "#,##0.00;-#,##0.00"
    assert sorted(name.split("_")[0] for name in ws.tables) == ["Computation", "Curve", "Terms"]
    lines = book["Lines"]
    assert list(lines.tables) == ["Lines_4"]
    date_cells = [row[6] for row in lines.iter_rows(min_row=2)]
    assert date_cells and all(is_date_cell(cell) for cell in date_cells)
    register = openpyxl.load_workbook(written.finance_workbook)["Payout register"]
    header = [cell.value for cell in register[1]]
    start = register.cell(row=2, column=header.index("Period start") + 1)
    assert is_date_cell(start) and start.value == dt.datetime(2026, 2, 1)
    attainment = register.cell(row=2, column=header.index("Attainment") + 1)
    assert attainment.number_format == "0.00%" and attainment.value == pytest.approx(1.2)
    assert register.auto_filter.ref or register.tables


def _decide(published: Path, *decisions: tuple[str, str]) -> None:
    with duckdb.connect(str(published)) as con:
        for user_id, status in decisions:
            con.execute(
                "insert into payout_approvals values (?, date '2026-02-01', ?, 'note', 'F1', "
                "date '2026-03-12', 'plan/payout_approvals.csv', 2)",
                [user_id, status],
            )


def test_payroll_holds_approved_payouts_of_ended_periods_only(tmp_path):
    """R1 approved, R/2 disputed: the payroll file has R1 only, with its cost centre, amount
    and the publication's version; the register shows each payout's decision."""
    published = make_published(tmp_path / "pub.duckdb")
    _decide(published, ("R1", "approved"), ("R/2", "disputed"))
    written = write_statements(published, tmp_path / "reports")
    assert [path.name for path in written.payroll] == ["2026-02.csv"]
    payroll = written.payroll[0]
    assert payroll.read_bytes().startswith(b"\xef\xbb\xbfemployee_id,full_name,cost_centre,")
    with payroll.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["employee_id"], r["full_name"], r["cost_centre"], r["amount"]) for r in rows] == [
        ("R1", "'@Rep One", "T1", "5600.00")
    ]
    assert (rows[0]["currency"], rows[0]["period_start"], rows[0]["publication_version"]) == (
        "CNY",
        "2026-02-01",
        "1",
    )
    register = openpyxl.load_workbook(written.finance_workbook)["Payout register"]
    header = [cell.value for cell in register[1]]
    status = {
        row[header.index("Rep id")]: row[header.index("Approval")]
        for row in register.iter_rows(min_row=2, values_only=True)
    }
    assert status == {"R1": "Approved", "R/2": "Disputed"}
    accrual = openpyxl.load_workbook(written.finance_workbook)["Accrual by cost centre"]
    header = [cell.value for cell in accrual[1]]
    (row,) = accrual.iter_rows(min_row=2, values_only=True)
    figures = {name: row[header.index(name)] for name in ("Payout", "Approved", "Reps")}
    assert figures == {"Payout": 11200, "Approved": 5600, "Reps": 2}


def test_payroll_leaves_out_open_periods_and_undecided_payouts(tmp_path):
    published = make_published(tmp_path / "pub.duckdb")
    _decide(published, ("R1", "approved"))
    with duckdb.connect(str(published)) as con:
        con.execute("update payouts set period_status = 'open'")
    assert write_statements(published, tmp_path / "a").payroll == ()
    with duckdb.connect(str(published)) as con:
        con.execute("update payouts set period_status = 'ended'")
        con.execute("update payout_approvals set status = 'on_hold'")
    reports = tmp_path / "b"
    assert write_statements(published, reports).payroll == ()
    assert list((reports / "payroll").iterdir()) == []
