"""The warehouse's payout rules applied to simulated attainment, by dbt itself.

A plan's simulated cost must be what the warehouse would pay, so the rules are not copied here:
the draws and the payout curves go into a scratch DuckDB file and dbt builds the one model
``sim_payouts_earned`` (dbt_project/models/simulation), which applies the same macros as
``int_payouts_earned`` (macros/payouts.sql). The model is disabled unless the var ``simulate`` is
set, so no run ever builds it; the scratch file and dbt's target folder are thrown away after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from core.settings import DBT_PROJECT_DIR

DRAW_COLUMNS = {
    "draw": "integer",
    "user_id": "varchar",
    "plan_id": "varchar",
    "period_start": "date",
    "metric": "varchar",
    "weight": "decimal(12, 6)",
    "threshold": "decimal(12, 6)",
    "cap": "decimal(12, 6)",
    "prorated_incentive": "decimal(18, 2)",
    "attainment": "decimal(18, 6)",
}
CURVE_COLUMNS = {
    "plan_id": "varchar",
    "attainment_from": "decimal(12, 6)",
    "payout_at_from": "decimal(12, 6)",
    "slope": "decimal(12, 6)",
}


EARNED_COLUMNS = [
    "draw",
    "user_id",
    "plan_id",
    "period_start",
    "metric",
    "attainment",
    "payout_basis",
    "payout_fraction",
    "earned_amount",
]


class PayoutRulesError(RuntimeError):
    """dbt could not apply the payout rules; the message carries dbt's own words."""


def _load(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: dict) -> None:
    """``frame`` into simulation.<table> with the contract's types: decimals come as text and
    are cast, so money never passes through a float."""
    casts = ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in columns.items())
    con.register("frame", frame[list(columns)])
    con.execute(f'create table simulation."{table}" as select {casts} from frame')
    con.unregister("frame")


def apply_payout_rules(draws: pd.DataFrame, curves: pd.DataFrame) -> pd.DataFrame:
    """What the payout rules earn for each draw row (``DRAW_COLUMNS``; decimals as text) under
    ``curves`` (``CURVE_COLUMNS``): the rows of sim_payouts_earned, amounts as Decimal."""
    with tempfile.TemporaryDirectory(prefix="plan-cost-") as folder:
        scratch = Path(folder) / "scratch.duckdb"
        with duckdb.connect(str(scratch)) as con:
            con.execute("create schema simulation")
            _load(con, "attainment_draws", draws, DRAW_COLUMNS)
            _load(con, "payout_curves", curves, CURVE_COLUMNS)
        completed = subprocess.run(
            [
                str(Path(sys.executable).with_name("dbt")),
                "run",
                "--select",
                "sim_payouts_earned",
                "--vars",
                json.dumps({"simulate": True}),
                "--target-path",
                str(Path(folder) / "target"),
                "--log-path",
                str(Path(folder) / "logs"),
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--quiet",
            ],
            cwd=DBT_PROJECT_DIR,
            env={**os.environ, "SCORECARDS_BUILD_DB": str(scratch)},
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise PayoutRulesError(
                "dbt could not apply the payout rules:\n"
                + (completed.stdout + completed.stderr).strip()[-3000:]
            )
        with duckdb.connect(str(scratch), read_only=True) as con:
            # fetchall, not .df(): pandas would turn the decimals into floats.
            result = con.execute(
                f"select {', '.join(EARNED_COLUMNS)} from simulation.sim_payouts_earned "
                "order by draw, user_id, plan_id, period_start, metric"
            )
            return pd.DataFrame(result.fetchall(), columns=EARNED_COLUMNS)
