"""Chinese-labelled exports publish the same figures as the canonical ones.

The fixture's exports are rewritten as a Chinese CRM, ERP and planning sheet would write them:
every header under a Chinese alias of the contract (ingest/vocabulary.py and ingest/entities.py),
every enum value under a Chinese label (tiers as 保底 / 理想 / 冲刺, or A / B / C), metric names
as the registry's Chinese labels, CNY as 人民币. One run of each must publish byte-identical
tables: the publication log's table hashes are equal, table by table.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from ingest.columns import Entity
from ingest.contract import (
    CURRENCY_ALIASES,
    ENUMS,
    alias_map,
    entity_for_file,
    enum_map,
    normalise_header,
)
from ingest.text_files import profile_text
from tests.conftest import FIXTURE_LANDING
from tests.e2e.test_fixture_pipeline import AS_OF, published, run

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
# The ABC practice's words for the tiers, and its letters.
TIER_WORDS = {"floor": "保底", "target": "理想", "stretch": "冲刺"}
TIER_LETTERS = {"floor": "A", "target": "B", "stretch": "C"}


def chinese_header(entity: Entity, header: str) -> str:
    """The first Chinese alias that the contract reads back as the same column."""
    mapping = alias_map(entity)
    column = entity.column(mapping[normalise_header(header)])
    for alias in column.aliases:
        if CJK.search(alias) and mapping[normalise_header(alias)] == column.name:
            return alias
    raise AssertionError(f"{entity.qualified}.{column.name} has no Chinese alias")


def chinese_value(entity: Entity, header: str, value: str, row_number: int) -> str:
    column = entity.column(alias_map(entity)[normalise_header(header)])
    if not value:
        return value
    if column.type == "currency":
        chinese = [alias for alias, code in CURRENCY_ALIASES.items() if code == value]
        return next((alias for alias in chinese if CJK.search(alias)), value)
    if column.enum is None:
        return value
    canonical = enum_map(column.enum).get(value.lower(), value)
    if column.enum == "tier":  # every other row as the ABC letters
        return (TIER_LETTERS if row_number % 2 else TIER_WORDS)[canonical]
    names = ENUMS[column.enum].get(canonical, ())
    return next((name for name in names if CJK.search(name)), value)


def write_chinese_landing(source: Path, target: Path) -> int:
    """The fixture's exports relabelled; returns how many values were rewritten."""
    changed = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        entity = entity_for_file(path.parent.name, path.name)
        assert entity is not None, path
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".jsonl":
            records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            rewritten = []
            for number, record in enumerate(records):
                new = {
                    chinese_header(entity, key): chinese_value(entity, key, str(value), number)
                    for key, value in record.items()
                }
                changed += sum(a != b for a, b in zip(record.values(), new.values(), strict=True))
                rewritten.append(json.dumps(new, ensure_ascii=False))
            out.write_text("\n".join(rewritten) + "\n", encoding="utf-8")
            continue
        # The fixture's files come in GB18030 and with a BOM too: decoded as ingest decodes them.
        text = path.read_text(encoding=profile_text(path).encoding)
        first = text.splitlines()[0]
        delimiter = max((",", ";", "\t", "|"), key=first.count)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        header, body = rows[0], rows[1:]
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([chinese_header(entity, name) for name in header])
            for number, row in enumerate(body):
                new = [
                    chinese_value(entity, name, value, number)
                    for name, value in zip(header, row, strict=True)
                ]
                changed += sum(a != b for a, b in zip(row, new, strict=True))
                writer.writerow(new)
    return changed


def test_chinese_labelled_exports_publish_the_same_tables(tmp_path, fixture_build):
    landing = tmp_path / "home" / "landing"
    changed = write_chinese_landing(FIXTURE_LANDING, landing)
    assert changed > 100  # values, besides every header
    targets = (landing / "plan" / "targets.csv").read_text(encoding="utf-8")
    assert "指标" in targets.splitlines()[0], targets[:80]
    for word in ("签约额", "理想", "B"):
        assert word in targets, word

    result = run(tmp_path / "home", "run", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr[-3000:]
    chinese = json.loads(
        published(tmp_path / "home", "select table_hashes from publication_log")[0][0]
    )
    canonical = json.loads(
        published(fixture_build / "home", "select table_hashes from publication_log")[0][0]
    )
    assert chinese.keys() == canonical.keys()
    differing = sorted(name for name in canonical if chinese[name] != canonical[name])
    assert differing == [], differing
