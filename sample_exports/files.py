"""How the sample's exports are written: CSV by pandas or DuckDB (the same bytes), Chinese
headers, GB18030 and a BOM, monthly activity files, the opportunity delta file."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core.sql import quote_ident
from sample_exports.shapes import ACTIVITY_TYPES, OUTCOMES, SECONDS, Deferred, Export, deferred_text

CHINESE_HEADERS = {
    "payments": {
        "payment_id": "回款编号",
        "invoice_id": "发票号",
        "paid_date": "回款日期",
        "amount": "回款金额",
        "currency": "币种",
    },
    "customers": {
        "customer_id": "客户编码",
        "customer_name": "客户名称",
        "crm_account_id": "CRM客户编号",
        "tax_id": "税号",
        "country": "国家",
    },
}


# Frames this long are written by DuckDB's CSV writer (parallel, several times faster than
# pandas); smaller ones, and those with another encoding or separator, by pandas. Both write the
# same CSV: minimal quoting, "\n" line ends, an empty field for an empty value.
LARGE_FRAME_ROWS = 200_000


def write_deferred(path: Path, deferred: Deferred, bom: bool = False) -> None:
    """Write a Deferred export: DuckDB computes the text and writes the CSV (an empty text is
    an empty field, as pandas writes it); with ``bom``, UTF-8 with a byte-order mark, as Excel
    saves it (DuckDB writes none, so the file is copied behind one)."""
    columns = ", ".join(
        f"nullif({expression}, '') as {quote_ident(name)}"
        for name, expression in deferred.columns.items()
    )
    with duckdb.connect() as con:
        con.register("frame", deferred.frame)
        target = str(path).replace("'", "''")
        con.execute(
            f"copy (select {columns} from frame) to '{target}' "
            "(format csv, header true, delimiter ',', quote '\"', new_line '\n')",
            deferred.params,
        )
    if deferred.tail is not None:
        deferred.tail.to_csv(path, mode="a", header=False, index=False, lineterminator="\n")
    if bom:
        plain = path.with_name(path.name + ".plain")
        path.replace(plain)
        with plain.open("rb") as source, path.open("wb") as target_file:
            target_file.write(codecs.BOM_UTF8)
            shutil.copyfileobj(source, target_file, 1 << 20)
        plain.unlink()


def write_csv_with_duckdb(path: Path, frame: pd.DataFrame) -> None:
    columns = ", ".join(
        f"nullif(cast({quote_ident(column)} as varchar), '') as {quote_ident(column)}"
        for column in frame.columns
    )
    with duckdb.connect() as con:
        con.register("frame", frame)
        # COPY takes no parameter for its target; the path is ours (landing/<source>/<name>).
        target = str(path).replace("'", "''")
        con.execute(
            f"copy (select {columns} from frame) to '{target}' "
            "(format csv, header true, delimiter ',', quote '\"', new_line '\n')"
        )


ACTIVITIES_SQL = """
    select
        case when length(cast(number as varchar)) < 7
            then lpad(cast(number as varchar), 7, '0') else cast(number as varchar) end as number,
        owner,
        activity_type,
        occurred_at,
        duration_minutes,
        outcome
    from activities
"""


def write_activities(folder: Path, activities: pd.DataFrame) -> dict[str, int]:
    """Activities in monthly files, as CRMs export them; codes become text in DuckDB (the same
    text pandas would write: ids zero-padded to 7 digits, minutes without seconds)."""
    owners = activities.attrs["owners"]
    months = np.unique(activities.occurred_at.to_numpy().astype("datetime64[M]"))
    written: dict[str, int] = {}
    with duckdb.connect() as con:
        con.register("activities", activities)
        for month in months:
            label = str(month)
            target = str(folder / f"activities_{label}.csv").replace("'", "''")
            copied = con.execute(
                f"""
                copy (
                    select
                        'AC' || coded.number as activity_id,
                        list_extract($owners, coded.owner + 1) as owner_id,
                        list_extract($types, coded.activity_type + 1) as activity_type,
                        strftime(coded.occurred_at, '%Y-%m-%d %H:%M') as occurred_at,
                        null as account_id,
                        null as opportunity_id,
                        cast(coded.duration_minutes as varchar) as duration_minutes,
                        list_extract($outcomes, coded.outcome + 1) as outcome
                    from ({ACTIVITIES_SQL}) as coded
                    where coded.occurred_at >= $start and coded.occurred_at < $end
                ) to '{target}' (format csv, header true, delimiter ',', quote '"', new_line '\n')
                """,
                {
                    "owners": owners,
                    "types": list(ACTIVITY_TYPES),
                    "outcomes": list(OUTCOMES),
                    "start": month.astype("datetime64[us]").item(),
                    "end": (month + 1).astype("datetime64[us]").item(),
                },
            )
            written[f"crm/activities_{label}.csv"] = copied.fetchall()[0][0]  # rows copied
    return written


def write_export(path: Path, frame: Export, **kw: object) -> int:
    """Write one CSV export (by DuckDB when it is Deferred or large); returns its rows. A
    Deferred export takes ``bom``; a frame takes pandas' to_csv options."""
    if isinstance(frame, Deferred):
        write_deferred(path, frame, **kw)
    elif len(frame) >= LARGE_FRAME_ROWS and not kw:
        write_csv_with_duckdb(path, frame)
    else:
        frame.to_csv(path, index=False, lineterminator="\n", **kw)
    return len(frame)


def opportunity_files(landing: Path, start: str, opportunities: Deferred) -> dict[str, int]:
    """A full export for all but the newest changes, plus a JSON Lines delta in which later
    versions (by updated_at) of the last 25 closed opportunities win: in the full export they
    are still in negotiation, ten days earlier."""
    frame = opportunities.frame
    revised = np.zeros(len(frame), dtype=bool)
    revised[np.flatnonzero(frame.closed.to_numpy())[-25:]] = True
    earlier = Deferred(
        frame.assign(revised=revised),
        {
            **opportunities.columns,
            "stage": f"case when revised then 'negotiation' else {opportunities.columns['stage']} "
            "end",
            "is_closed": "case when closed and not revised then 'true' else 'false' end",
            "is_won": "case when won and not revised then 'true' else 'false' end",
            "updated_at": "case when revised then "
            f"strftime(close + interval 18 hour - interval 10 day, {SECONDS}) "
            f"else {opportunities.columns['updated_at']} end",
        },
        opportunities.params,
    )
    name = f"crm/opportunities_{start}.csv"
    write_deferred(landing / name, earlier)
    delta = deferred_text(opportunities, np.flatnonzero(revised))
    delta.to_json(
        landing / "crm" / "opportunities_delta_01.jsonl",
        orient="records",
        lines=True,
        force_ascii=False,
    )
    return {name: len(frame), "crm/opportunities_delta_01.jsonl": len(delta)}
