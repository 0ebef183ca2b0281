"""The export contract (DOMAIN.md, "Inputs"), declared once.

Every entity names its source folder, its columns with a logical type, which columns are required,
its key, the column that orders versions of a record, and the header aliases (English variants and
the Chinese labels that Chinese CRMs and ERPs export). Ingest, the sample generator, the dbt sources
and the tests all read its table (ingest/entities.py), so a column is added in exactly one place.
This module answers the questions asked of it: which entity a file is, what a header or an enum
value means, which dates are plausible.
"""

from __future__ import annotations

import datetime as dt
import os

from core.metric_registry import metric_names, read_registry
from ingest.columns import SQL_TYPES as SQL_TYPES
from ingest.columns import Column as Column
from ingest.columns import Entity
from ingest.entities import ENTITIES

DATE_MIN_ENV = "SCORECARDS_DATE_MIN"
DATE_YEARS_AHEAD_ENV = "SCORECARDS_DATE_YEARS_AHEAD"
DEFAULT_DATE_MIN = "2000-01-01"
DEFAULT_DATE_YEARS_AHEAD = 2

# Currency spellings seen in exports, folded to ISO codes.
CURRENCY_ALIASES: dict[str, str] = {
    "rmb": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "欧元": "EUR",
}

# Enum values with their accepted aliases (lower-cased English variants and Chinese labels).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "role": {
        "rep": ("sales rep", "sales", "ae", "account executive", "销售", "销售代表"),
        "manager": ("sales manager", "经理", "销售经理"),
        "director": ("总监", "销售总监"),
        "ops": ("sales ops", "operations", "运营", "销售运营"),
    },
    "lead_status": {
        "new": ("open", "新建"),
        "working": ("in progress", "contacted", "跟进中"),
        "qualified": ("mql", "sql", "已确认", "合格"),
        "disqualified": ("unqualified", "无效"),
        "converted": ("已转化", "转化"),
    },
    "opportunity_type": {
        "new_business": ("new", "new business", "新业务", "新客户"),
        "expansion": ("upsell", "cross-sell", "增购", "扩展"),
        "renewal": ("续约", "续费"),
    },
    "stage": {
        "prospecting": ("prospect", "初步接洽", "验证客户"),
        "qualification": ("qualify", "需求确认", "资格审查"),
        "proposal": ("proposal/price quote", "方案报价", "方案"),
        "negotiation": ("negotiation/review", "商务谈判", "谈判", "谈判中"),
        "closed_won": ("won", "closed won", "赢单", "成交"),
        "closed_lost": ("lost", "closed lost", "输单", "丢单"),
    },
    "split_type": {"revenue": ("收入",), "overlay": ("叠加",)},
    "approval_status": {
        "approved": ("approve", "ok", "已批准", "批准", "通过", "已审批"),
        "disputed": ("dispute", "contested", "有争议", "争议", "申诉"),
        "on_hold": ("on hold", "hold", "held", "暂缓", "挂起", "待定"),
    },
    "activity_type": {
        "call": ("phone", "phone call", "电话"),
        "visit": ("onsite", "site visit", "拜访", "上门拜访"),
        "email": ("e-mail", "mail", "邮件"),
        "meeting": ("会议",),
        "demo": ("presentation", "演示"),
    },
    "order_status": {
        "open": ("pending", "待处理", "进行中"),
        "fulfilled": ("complete", "completed", "shipped", "已完成", "已发货"),
        "cancelled": ("canceled", "已取消"),
    },
    "document_type": {
        "invoice": ("inv", "发票", "销售发票"),
        "credit_note": ("credit", "credit memo", "cn", "红字发票", "贷项通知单"),
    },
    "invoice_status": {"posted": ("已过账", "已记账"), "void": ("voided", "作废", "已作废")},
    "scope_type": {
        "company": ("公司",),
        "region": ("区域", "大区"),
        "team": ("团队",),
        "rep": ("user", "销售", "个人"),
        # Segments (docs/PLANNING.md, "Segment targets"): a product line or a key account, at the
        # company (scope_id = the line or account) or in a region (scope_id = region/line).
        "product_line": ("product line", "产品线"),
        "account": ("key account", "customer", "客户", "重点客户", "大客户"),
    },
    "period_type": {
        "year": ("annual", "yearly", "年", "年度"),
        "quarter": ("quarterly", "季度"),
        "month": ("monthly", "月", "月度"),
    },
    # The ABC practice (DOMAIN.md, "Tier words"): A = 保底 floor, B = 理想 target, C = 冲刺 stretch.
    "tier": {
        "floor": ("minimum", "保底", "保底目标", "a"),
        "target": ("plan", "目标", "理想", "理想目标", "b"),
        "stretch": ("挑战", "冲刺", "冲刺目标", "挑战目标", "c"),
    },
    "direction": {
        "higher_is_better": ("higher", "越高越好"),
        "lower_is_better": ("lower", "越低越好"),
    },
    # Metric names from the metric registry (labels in English and Chinese, and its aliases).
    # A metric column is text, not an enum: a name the registry does not know is kept as written
    # (a KPI weight may name a manager-review criterion), a known one is folded to the registry's.
    "metric": metric_names(read_registry()),
}


ENTITY_BY_NAME: dict[str, Entity] = {entity.qualified: entity for entity in ENTITIES}


def entities_for_source(source: str) -> list[Entity]:
    return [entity for entity in ENTITIES if entity.source == source]


def normalise_header(header: str) -> str:
    """Fold a header for comparison: trimmed, lower-case, spaces and dashes as underscores."""
    text = header.replace("\ufeff", "").strip().lower()
    for char in (" ", "-", "."):
        text = text.replace(char, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


def alias_map(entity: Entity) -> dict[str, str]:
    """Normalised header → canonical column for one entity (canonical names map to themselves)."""
    mapping: dict[str, str] = {}
    for col in entity.columns:
        for name in (col.name, *col.aliases):
            mapping.setdefault(normalise_header(name), col.name)
    return mapping


def enum_map(enum: str) -> dict[str, str]:
    """Lower-cased value or alias → canonical enum value."""
    mapping: dict[str, str] = {}
    for value, aliases in ENUMS[enum].items():
        for alias in (value, *aliases):
            mapping[alias.lower()] = value
    return mapping


def entity_for_file(source: str, filename: str) -> Entity | None:
    """The entity a landed file belongs to, by its name's longest matching prefix.

    ``opportunity_stage_history_07.csv`` must not be taken for ``opportunities``; a prefix only
    matches at a word boundary (end of stem, ``_``, ``-`` or ``.``).
    """
    stem = filename.lower()
    best: Entity | None = None
    for entity in entities_for_source(source):
        name = entity.name
        if stem.startswith(name) and (len(stem) == len(name) or stem[len(name)] in "_-."):
            if best is None or len(name) > len(best.name):
                best = entity
    return best


def date_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The plausible dates of landed data: a date or timestamp outside is quarantined at ingest
    with its file, line and column (a typo such as 9999-12-31 would otherwise reach the calendar
    and block the whole publication without naming its source).

    From ``SCORECARDS_DATE_MIN`` (default 2000-01-01) to 31 December of the as-of year plus
    ``SCORECARDS_DATE_YEARS_AHEAD`` (default 2), so at least two years after the as-of date. The
    upper end moves once a year, not daily: a load is redone when the window it was checked
    against changes (ingest/loader.py), and a daily move would reload every file every day."""
    raw_min = (os.environ.get(DATE_MIN_ENV) or DEFAULT_DATE_MIN).strip()
    try:
        earliest = dt.date.fromisoformat(raw_min)
    except ValueError as exc:
        raise ValueError(f"{DATE_MIN_ENV} must be a date as YYYY-MM-DD, got {raw_min!r}") from exc
    raw_ahead = (os.environ.get(DATE_YEARS_AHEAD_ENV) or str(DEFAULT_DATE_YEARS_AHEAD)).strip()
    if not raw_ahead.isdigit() or not 1 <= int(raw_ahead) <= 50:
        raise ValueError(f"{DATE_YEARS_AHEAD_ENV} must be 1 to 50 years, got {raw_ahead!r}")
    latest = dt.date(as_of.year + int(raw_ahead), 12, 31)
    if earliest >= as_of:
        raise ValueError(f"{DATE_MIN_ENV} ({earliest}) must be before the as-of date ({as_of})")
    return earliest, latest
