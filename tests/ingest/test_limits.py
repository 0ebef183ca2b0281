"""Bounded memory for any input: XLSX not trusted for its declared size, limits on rows, columns,
cells, workbook size and line length, each a rejection naming the file and the limit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest import readers
from ingest.loader import load_landing

PAYMENTS = ["payment_id", "invoice_id", "paid_date", "amount", "currency"]
ROOT = Path(__file__).parents[2]


def payments_workbook(path: Path, rows: int = 3000, extra: dict[str, object] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PAYMENTS)
    for number in range(rows):
        sheet.append([f"P{number}", "I1", "2026-02-10", f"{number}.50", "CNY"])
    for cell, value in (extra or {}).items():
        sheet[cell] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def declare_dimension(path: Path, ref: str) -> None:
    """Rewrite the first sheet's declared dimension, as a hostile or broken exporter would."""
    staged = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data
                )
                assert count == 1
            out.writestr(member, data)
    staged.replace(path)


MEASURE = """
import json, resource, sys
from pathlib import Path
import duckdb
from ingest.loader import load_landing
con = duckdb.connect()
summary = load_landing(con, Path(sys.argv[1]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"peak": peak, "files": [(f.status, f.rows_accepted) for f in summary.files]}))
"""


def test_a_small_xlsx_declaring_a_full_sheet_loads_in_bounded_memory(tmp_path):
    """A ~100 KB workbook declaring A1:XFD1048576 took a run to 3 GB; it loads its real rows
    now, in a process whose peak stays under 1 GB."""
    landing = tmp_path / "landing"
    path = payments_workbook(landing / "erp" / "payments.xlsx")
    declare_dimension(path, "A1:XFD1048576")
    assert 50_000 < path.stat().st_size < 200_000
    # The rows in the file, not the 1,048,576 the dimension declares.
    assert sum(1 for _ in readers._xlsx_rows(path)) == 3001
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, str(landing)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=False,
    )
    assert measured.returncode == 0, measured.stderr[-2000:]
    result = json.loads(measured.stdout)
    assert result["files"] == [["loaded", 3000]]
    assert result["peak"] < 1 << 30, f"peak {result['peak'] / 2**30:.2f} GiB"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"AMK2": "x"}, "row 2 has cells beyond column 1,024 (1,025)"),
        ({"B5": "y" * 101}, "row 5, column 2: a cell of 101 characters (at most 100)"),
    ],
)
def test_an_xlsx_past_a_limit_is_rejected_naming_it(con, tmp_path, monkeypatch, extra, message):
    """Excel itself keeps at most 32,767 characters in a cell (tried at 100 here)."""
    monkeypatch.setattr(readers, "MAX_CELL_CHARS", 100)
    landing = tmp_path / "landing"
    payments_workbook(landing / "erp" / "payments.xlsx", rows=5, extra=extra)
    [result] = load_landing(con, landing).files
    assert (result.file_path, result.status) == ("erp/payments.xlsx", "rejected")
    assert result.message == message


def test_too_many_rows_and_an_inflating_workbook_are_rejected(con, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    payments_workbook(landing / "erp" / "payments.xlsx", rows=20)
    monkeypatch.setattr(readers, "MAX_XLSX_ROWS", 10)
    [result] = load_landing(con, landing).files
    assert result.message == "more than 10 rows in the first sheet"
    (landing / "erp" / "payments.xlsx").unlink()
    payments_workbook(landing / "erp" / "payments_b.xlsx", rows=20)
    monkeypatch.setattr(readers, "MAX_XLSX_UNCOMPRESSED", 1000)
    [result] = load_landing(con, landing).files
    assert result.status == "rejected"
    assert re.fullmatch(
        r"XLSX workbook too large: [0-9,]+ bytes uncompressed \(at most 1,000\)", result.message
    )


def test_an_overlong_json_line_is_rejected_naming_the_line(con, tmp_path):
    landing = tmp_path / "landing"
    (landing / "erp").mkdir(parents=True)
    good = json.dumps(dict(zip(PAYMENTS, ["P1", "I1", "2026-02-10", "1", "CNY"], strict=True)))
    huge = json.dumps({"payment_id": "P2", "note": "z" * (readers.MAX_LINE_BYTES + 10)})
    (landing / "erp" / "payments.jsonl").write_text(f"{good}\n{huge}\n", encoding="utf-8")
    [result] = load_landing(con, landing).files
    assert result.status == "rejected"
    assert result.message == "line 2 is longer than 1,048,576 characters"


def test_an_overlong_csv_line_is_rejected(con, tmp_path):
    landing = tmp_path / "landing"
    (landing / "erp").mkdir(parents=True)
    text = ",".join(PAYMENTS) + "\nP1,I1,2026-02-10,1,CNY\nP2,I1,2026-02-10,1," + "Y" * 3_000_000
    (landing / "erp" / "payments.csv").write_text(text + "\n", encoding="utf-8")
    [result] = load_landing(con, landing).files
    assert result.status == "rejected"
    assert result.message.startswith("broken CSV structure")
