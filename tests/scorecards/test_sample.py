import hashlib
from pathlib import Path

import duckdb
import pytest

from ingest.contract import ENTITIES, entity_for_file
from ingest.loader import load_landing
from scorecards.sample import SampleOptions, money, write_sample

SMALL = SampleOptions(seed=3, reps=12, months=4, start="2026-01")


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("sample") / "landing"
    write_sample(landing, SMALL)
    return landing


def test_money_is_exact_text():
    assert money([123456, -5, 0]).tolist() == ["1234.56", "-0.05", "0.00"]


def test_same_seed_same_bytes_other_seed_other_bytes(sample, tmp_path):
    again = tmp_path / "again"
    write_sample(again, SMALL)
    assert digest(again) == digest(sample)
    other = tmp_path / "other"
    write_sample(other, SampleOptions(seed=4, reps=12, months=4))
    assert digest(other) != digest(sample)


def test_every_entity_has_a_file(sample):
    found = {
        entity_for_file(p.parent.name, p.name).qualified for p in sample.rglob("*") if p.is_file()
    }
    assert found == {entity.qualified for entity in ENTITIES}


def test_awkward_files_are_included(sample):
    customers = (sample / "erp" / "customers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        customers.decode("utf-8")
    assert customers.decode("gb18030").startswith("客户编码,")
    assert (sample / "erp" / "payments.csv").read_bytes().startswith(b"\xef\xbb\xbf\xe5\x9b\x9e")
    assert ";" in (sample / "erp" / "products.csv").read_text().splitlines()[0]
    assert (sample / "crm" / "opportunities_delta_01.jsonl").exists()


def test_sample_loads_cleanly_and_covers_the_cases(sample):
    with duckdb.connect() as con:
        summary = load_landing(con, sample)
        assert not summary.rejected
        assert con.execute("select count(*) from audit.quarantine").fetchone()[0] == 0
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        assert q("select count(distinct currency) from raw.erp_invoices") == 2
        assert q("select count(*) from raw.erp_invoices where document_type = 'credit_note'") == 1
        assert q("select count(*) from raw.erp_invoices where status = 'void'") == 1
        assert q("select count(*) from raw.erp_invoices where sales_rep_id is null") > 0
        assert q("select count(*) from raw.crm_team_assignments") == 2
        assert q("select count(*) from raw.crm_users where termination_date is not null") == 1
        assert (
            q(
                "select count(distinct effective_date) from raw.plan_targets "
                "where scope_type = 'company' and metric = 'bookings'"
            )
            == 2
        )
        assert q("select count(distinct scope_type) from raw.plan_targets") == 4
        assert q("select count(distinct tier) from raw.plan_targets") == 3
        assert (
            q(
                "select count(*) from (select invoice_id from raw.erp_payments "
                "group by 1 having count(*) > 1)"
            )
            > 0
        )  # partial payments
