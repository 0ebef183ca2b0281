"""Deterministic, realistic sample exports for every entity of the contract.

The same seed and options write byte-identical files. Money is generated as integer cents and
formatted as text, so no float ever reaches an export. The data exercises what the pipeline must
handle: hires, a leaver and a mid-month team move; seasonality; leads, opportunities with stage
history and a delta file; activities; orders, invoices with lines, a credit note, a void invoice,
invoices with no rep (the crediting chain and unassigned revenue), partial payments; CNY and USD
with weekday-only rates; targets at company, region, team and rep level in several periods and
tiers, with a revision; comp plans, KPI weights and reviews. One file has Chinese headers, one is
GBK-encoded, one uses semicolons, one is JSON Lines.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sample_exports.crm import draw_activities, draw_crm, draw_organisation
from sample_exports.erp import draw_erp
from sample_exports.files import (
    CHINESE_HEADERS,
    opportunity_files,
    write_activities,
    write_export,
)
from sample_exports.planning import draw_plan
from sample_exports.shapes import SCALES, Export, SampleOptions, SampleState


def write_sample(landing: Path, options: SampleOptions | None = None) -> dict[str, int]:
    """Write every entity's export under ``landing/{crm,erp,plan}``; returns rows per file.

    One thread writes while this one builds the next frames: DuckDB formats and writes without
    holding the GIL, so the CRM files (most of the rows) are written while the ERP and plan
    frames are drawn, on the other core. A frame is handed to the writer only once nothing here
    reads it again, and every random draw stays on this thread, in the same order: the files do
    not depend on the timing."""
    options = options or SampleOptions()
    gen = SampleState(options)
    for source in ("crm", "erp", "plan"):
        (landing / source).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sample-writer") as writer:
        pending: list[Future[dict[str, int]]] = []

        def csv(source: str, name: str, frame: Export, **kw: object) -> None:
            path = landing / source / name
            pending.append(
                writer.submit(lambda: {f"{source}/{name}": write_export(path, frame, **kw)})
            )

        org = draw_organisation(gen)
        crm = draw_crm(gen, org["users"])
        for name in ("leads", "opportunity_stage_history", "opportunity_splits"):
            csv("crm", f"{name}.csv", crm[name])
        # Activities, split into monthly files as CRMs export them.
        activities = draw_activities(gen, org["users"])
        pending.append(writer.submit(write_activities, landing / "crm", activities))
        erp = draw_erp(gen, crm["accounts"], crm["opportunities"])
        csv("crm", "accounts.csv", crm["accounts"])
        pending.append(
            writer.submit(opportunity_files, landing, options.start, crm["opportunities"])
        )
        csv(
            "erp",
            "customers.csv",
            erp["customers"].rename(columns=CHINESE_HEADERS["customers"]),
            encoding="gb18030",
        )
        csv("erp", "products.csv", erp["products"], sep=";")
        for name in ("sales_orders", "invoices", "invoice_lines", "fx_rates"):
            csv("erp", f"{name}.csv", erp[name])
        payments = erp["payments"]
        headers = CHINESE_HEADERS["payments"]
        payments.columns = {headers[name]: sql for name, sql in payments.columns.items()}
        csv("erp", "payments.csv", payments, bom=True)
        plan = draw_plan(gen, org["users"], org["teams"])
        for name in ("teams", "users", "team_assignments"):
            csv("crm", f"{name}.csv", org[name])
        for name, frame in plan.items():
            csv("plan", f"{name}.csv", frame)
        # Rows per file, by file name (the order the files are written in is the writer's).
        written = {name: rows for future in pending for name, rows in future.result().items()}
    return dict(sorted(written.items()))


__all__ = ["SCALES", "SampleOptions", "write_sample"]
