"""Where a run's monthly partitions start (scorecards/runner.py: partitions_start)."""

from __future__ import annotations

import datetime as dt

from core.settings import FIRST_MONTH_ENV, Home
from scorecards.runner import partitions_start


def test_a_new_home_starts_in_january_of_the_year_before_the_as_of(tmp_path, monkeypatch):
    monkeypatch.delenv(FIRST_MONTH_ENV, raising=False)
    home = Home.resolve(tmp_path)
    assert partitions_start(home, dt.date(2026, 3, 10)) == "2025-01"


def test_the_data_s_recorded_first_month_wins_over_the_guess(tmp_path, monkeypatch):
    monkeypatch.delenv(FIRST_MONTH_ENV, raising=False)
    home = Home.resolve(tmp_path)
    home.warehouse.mkdir(parents=True)
    home.first_month_file.write_text("2019-07\n", encoding="utf-8")
    assert partitions_start(home, dt.date(2026, 3, 10)) == "2019-07"
    home.first_month_file.write_text("not a month\n", encoding="utf-8")
    assert partitions_start(home, dt.date(2026, 3, 10)) == "2025-01"


def test_the_setting_wins_over_everything(tmp_path, monkeypatch):
    home = Home.resolve(tmp_path)
    home.warehouse.mkdir(parents=True)
    home.first_month_file.write_text("2019-07\n", encoding="utf-8")
    monkeypatch.setenv(FIRST_MONTH_ENV, "2018-02")
    assert partitions_start(home, dt.date(2026, 3, 10)) == "2018-02"
