from ingest.loader import load_landing
from quality.landing_checks import quarantine_counts, rejected_files_check
from tests.conftest import write

HEADER = "payment_id,invoice_id,paid_date,amount,currency\n"


def test_rejected_file_blocks_until_fixed(con, landing):
    path = write(landing, "erp/payments.csv", "payment_id\nP1\n")
    load_landing(con, landing)
    outcome = rejected_files_check(con)
    assert not outcome.passed
    assert outcome.offending_rows == [
        {
            "file_path": "erp/payments.csv",
            "message": "missing required column(s): invoice_id, paid_date, amount, currency "
            "(header line)",
        }
    ]
    path.write_text(HEADER + "P1,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    assert rejected_files_check(con).passed


def test_removing_a_rejected_file_clears_the_check(con, landing):
    path = write(landing, "erp/unknown_thing.csv", "a\n1\n")
    load_landing(con, landing)
    assert not rejected_files_check(con).passed
    path.unlink()
    load_landing(con, landing)
    assert rejected_files_check(con).passed


def test_quarantine_counts_only_current_files(con, landing):
    path = write(landing, "erp/payments.csv", HEADER + "P1,I1,bad,1,CNY\nP2,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    assert quarantine_counts(con) == {"erp/payments": 1}
    path.write_text(HEADER + "P2,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    assert quarantine_counts(con) == {}
