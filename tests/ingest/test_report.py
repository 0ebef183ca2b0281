from ingest.loader import load_landing
from ingest.report import write_ingest_report
from tests.conftest import write

HEADER = "payment_id,invoice_id,paid_date,amount,currency\n"


def test_report_shows_this_run_files_in_force_and_retired(con, landing, tmp_path):
    first = write(landing, "erp/payments.csv", HEADER + "P1,I1,2026-02-10,1,CNY\n")
    write_ingest_report(con, tmp_path / "reports", load_landing(con, landing))
    first.write_text(HEADER + "P1,I1,bad,1,CNY\nP2,I1,bad,1,CNY\nP3,I1,2026-02-10,1,CNY\n")
    write(landing, "erp/notes.csv", "a\n1\n")
    report = write_ingest_report(con, tmp_path / "reports", load_landing(con, landing))
    text = report.read_text()
    this_run = text.split("## Files in force")[0]
    assert "2 new or changed file(s): 1 loaded, 1 rejected; 0 already loaded" in this_run
    assert "| erp/notes.csv | - | rejected | 0 | 0 | 0 | unknown entity" in this_run
    in_force = text.split("## Files in force")[1].split("## Retired")[0]
    assert "| erp/payments.csv | erp/payments | loaded | 3 | 1 | 2 " in in_force
    assert "unparseable date in paid_date: bad (2)" in in_force
    assert "replaced by a new version" in text.split("## Retired")[1]
