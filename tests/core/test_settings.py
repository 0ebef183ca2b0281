import datetime as dt
from pathlib import Path

import pytest

from core.settings import (
    DEFAULT_MEMORY_LIMIT,
    Home,
    base_currency,
    duckdb_memory_limit,
    first_month,
    fiscal_year_start_month,
    parse_as_of,
)


def test_home_layout(tmp_path):
    home = Home.resolve(tmp_path / "h")
    home.ensure()
    assert home.build_db == tmp_path / "h" / "warehouse" / "build.duckdb"
    assert home.published_db == tmp_path / "h" / "warehouse" / "published.duckdb"
    assert all((home.landing / s).is_dir() for s in ("crm", "erp", "plan"))
    assert home.reports.is_dir()


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARDS_HOME", str(tmp_path / "env-home"))
    assert Home.resolve().root == tmp_path / "env-home"


def test_as_of(monkeypatch):
    assert parse_as_of("2026-03-10") == dt.date(2026, 3, 10)
    monkeypatch.setenv("SCORECARDS_AS_OF", "2026-01-31")
    assert parse_as_of(None) == dt.date(2026, 1, 31)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_as_of("10/03/2026")


def test_settings_defaults_and_environment(monkeypatch):
    monkeypatch.delenv("SCORECARDS_BASE_CURRENCY", raising=False)
    monkeypatch.delenv("SCORECARDS_FISCAL_YEAR_START_MONTH", raising=False)
    assert (base_currency(), fiscal_year_start_month()) == ("CNY", 1)
    monkeypatch.setenv("SCORECARDS_BASE_CURRENCY", "usd")
    monkeypatch.setenv("SCORECARDS_FISCAL_YEAR_START_MONTH", "4")
    assert (base_currency(), fiscal_year_start_month()) == ("USD", 4)
    assert (base_currency("eur"), fiscal_year_start_month(7)) == ("EUR", 7)


def test_gate_settings_from_the_environment_and_bad_values(monkeypatch):
    from core.settings import max_file_age_days, max_unassigned_share

    monkeypatch.delenv("SCORECARDS_MAX_UNASSIGNED_SHARE", raising=False)
    monkeypatch.delenv("SCORECARDS_MAX_FILE_AGE_DAYS", raising=False)
    assert max_unassigned_share() == "0.10"
    assert max_file_age_days() == 45
    monkeypatch.setenv("SCORECARDS_MAX_UNASSIGNED_SHARE", "0.25")
    monkeypatch.setenv("SCORECARDS_MAX_FILE_AGE_DAYS", "10")
    assert max_unassigned_share() == "0.25"
    assert max_file_age_days() == 10
    for bad in ("1.5", "-0.1", "ten percent"):
        with pytest.raises(ValueError, match="max unassigned share"):
            max_unassigned_share(bad)
    for bad in ("0", "-3", "a week"):
        monkeypatch.setenv("SCORECARDS_MAX_FILE_AGE_DAYS", bad)
        with pytest.raises(ValueError, match="max file age"):
            max_file_age_days()


def test_first_partition_month(monkeypatch):
    monkeypatch.delenv("SCORECARDS_FIRST_MONTH", raising=False)
    assert first_month() == dt.date(2020, 1, 1)
    monkeypatch.setenv("SCORECARDS_FIRST_MONTH", "2023-04")
    assert first_month() == dt.date(2023, 4, 1)
    assert first_month("2019-12") == dt.date(2019, 12, 1)
    for bad in ("2023-13", "2023", "April 2023", "2023-04-01"):
        with pytest.raises(ValueError, match="first month must be YYYY-MM"):
            first_month(bad)


def test_duckdb_memory_limit_default_environment_and_bad_values(monkeypatch):
    monkeypatch.delenv("SCORECARDS_DUCKDB_MEMORY_LIMIT", raising=False)
    assert duckdb_memory_limit() == DEFAULT_MEMORY_LIMIT
    monkeypatch.setenv("SCORECARDS_DUCKDB_MEMORY_LIMIT", "512MB")
    assert duckdb_memory_limit() == "512MB"
    assert duckdb_memory_limit("2.5GiB") == "2.5GiB"
    for bad in ("lots", "4", "-1GB", "4 GB; drop table x"):
        with pytest.raises(ValueError, match="memory limit"):
            duckdb_memory_limit(bad)


def test_dbt_profile_uses_the_same_memory_limit_and_default():
    """dbt cannot import the setting, so its profile repeats the variable and the default."""
    profile = (Path(__file__).parents[2] / "dbt_project" / "profiles.yml").read_text()
    expected = f"env_var('SCORECARDS_DUCKDB_MEMORY_LIMIT', '{DEFAULT_MEMORY_LIMIT}')"
    assert f'memory_limit: "{{{{ {expected} }}}}"' in profile
