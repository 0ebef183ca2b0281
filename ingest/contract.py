"""The export contract (DOMAIN.md, "Inputs"), declared once.

Every entity names its source folder, its columns with a logical type, which columns are required,
its key, the column that orders versions of a record, and the header aliases (English variants and
the Chinese labels that Chinese CRMs and ERPs export). Ingest, the sample generator, the dbt sources
and the tests all read this table, so a column is added in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

DATE_MIN_ENV = "SCORECARDS_DATE_MIN"
DATE_YEARS_AHEAD_ENV = "SCORECARDS_DATE_YEARS_AHEAD"
DEFAULT_DATE_MIN = "2000-01-01"
DEFAULT_DATE_YEARS_AHEAD = 2

# Logical types and the DuckDB type each is stored as. Money is DECIMAL, never float: amounts keep
# cents, prices and costs four places, FX rates eight.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "money": "DECIMAL(18,2)",
    "price": "DECIMAL(18,4)",
    "rate": "DECIMAL(18,8)",
    "ratio": "DECIMAL(12,6)",
    "int": "BIGINT",
    "bool": "BOOLEAN",
    "enum": "VARCHAR",
    "currency": "VARCHAR",
}

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
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False
    enum: str | None = None
    aliases: tuple[str, ...] = ()
    default: str | None = None  # a literal default for an optional column left empty
    default_from: str | None = None  # another column's value when this one is left empty
    percent_units: bool = False  # 60 means 60% (a trailing % is just stripped), not 0.6
    min_value: str | None = None  # inclusive bounds, as SQL literals; outside → quarantined
    max_value: str | None = None

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    version_by: str | None = None  # column that orders versions of a record; else newest file
    optional: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        return f"{self.source}/{self.name}"

    @property
    def raw_table(self) -> str:
        return f"{self.source}_{self.name}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def c(name: str, type_: str = "text", *aliases: str, req: bool = False, **kw: object) -> Column:
    """Shorthand for a column declaration; keeps the table below readable."""
    return Column(name, type_, req, aliases=aliases, **kw)  # type: ignore[arg-type]


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "crm",
        "teams",
        (
            c("team_id", "text", "team id", "team code", "团队编号", "团队id", req=True),
            c("team_name", "text", "team", "name", "团队名称", req=True),
            c("parent_team_id", "text", "parent team", "上级团队", "上级团队编号"),
            c("region", "text", "sales region", "区域", "大区", req=True),
        ),
        key=("team_id",),
    ),
    Entity(
        "crm",
        "users",
        (
            c("user_id", "text", "user id", "employee id", "员工编号", "用户编号", req=True),
            c("full_name", "text", "name", "user name", "姓名", req=True),
            c("email", "text", "e-mail", "邮箱"),
            c("role", "enum", "title", "角色", "职位", req=True, enum="role"),
            c("manager_id", "text", "manager", "上级", "直属上级"),
            c("team_id", "text", "team", "所属团队", "团队编号", req=True),
            c("hire_date", "date", "start date", "入职日期", req=True),
            c("termination_date", "date", "end date", "leave date", "离职日期"),
            c("snapshot_date", "date", "as of", "快照日期"),
        ),
        key=("user_id",),
        version_by="snapshot_date",
    ),
    Entity(
        "crm",
        "team_assignments",
        (
            c("user_id", "text", "user", "员工编号", req=True),
            c("team_id", "text", "team", "团队编号", req=True),
            c("valid_from", "date", "from", "start", "生效日期", req=True),
            c("valid_to", "date", "to", "end", "失效日期"),
        ),
        key=("user_id", "valid_from"),
        optional=True,
    ),
    Entity(
        "crm",
        "accounts",
        (
            c("account_id", "text", "account id", "客户编号", "客户id", req=True),
            c("account_name", "text", "account", "name", "客户名称", req=True),
            c("industry", "text", "行业"),
            c("region", "text", "区域"),
            c("owner_id", "text", "owner", "account owner", "负责人", "负责人编号"),
            c("created_at", "timestamp", "created", "created date", "创建时间", req=True),
        ),
        key=("account_id",),
    ),
    Entity(
        "crm",
        "leads",
        (
            c("lead_id", "text", "lead id", "线索编号", req=True),
            c("created_at", "timestamp", "created", "created date", "创建时间", req=True),
            c("owner_id", "text", "owner", "lead owner", "负责人", req=True),
            c("source", "text", "lead source", "来源", "线索来源"),
            c("status", "enum", "lead status", "状态", "线索状态", req=True, enum="lead_status"),
            c("qualified_at", "timestamp", "qualified date", "确认时间"),
            c("converted_at", "timestamp", "converted date", "转化时间"),
            c("opportunity_id", "text", "opportunity", "商机编号"),
            c("account_id", "text", "account", "客户编号"),
        ),
        key=("lead_id",),
    ),
    Entity(
        "crm",
        "opportunities",
        (
            c("opportunity_id", "text", "opportunity id", "opp id", "商机编号", "商机id", req=True),
            c("account_id", "text", "account", "客户编号", req=True),
            c("owner_id", "text", "owner", "opportunity owner", "负责人", "负责人编号", req=True),
            c("opportunity_name", "text", "name", "opportunity", "商机名称"),
            c("type", "enum", "opportunity type", "商机类型", req=True, enum="opportunity_type"),
            c("stage", "enum", "sales stage", "阶段", "销售阶段", req=True, enum="stage"),
            c("amount", "money", "opportunity amount", "金额", "商机金额", req=True, min_value="0"),
            c("currency", "currency", "currency code", "币种", "货币", req=True),
            c("created_at", "timestamp", "created", "created date", "创建时间", req=True),
            c("close_date", "date", "expected close date", "结单日期", "预计成交日期", req=True),
            c("is_closed", "bool", "closed", "是否关闭", req=True),
            c("is_won", "bool", "won", "是否赢单", req=True),
            c("product_line", "text", "product family", "产品线"),
            c("updated_at", "timestamp", "last modified", "modified", "更新时间", req=True),
        ),
        key=("opportunity_id",),
        version_by="updated_at",
    ),
    Entity(
        "crm",
        "opportunity_stage_history",
        (
            c("opportunity_id", "text", "opportunity", "商机编号", req=True),
            c("stage", "enum", "to stage", "阶段", req=True, enum="stage"),
            c("entered_at", "timestamp", "changed at", "进入时间", "变更时间", req=True),
            c("amount", "money", "金额"),
            c("currency", "currency", "币种"),
        ),
        key=("opportunity_id", "stage", "entered_at"),
    ),
    Entity(
        "crm",
        "opportunity_splits",
        (
            c("opportunity_id", "text", "opportunity", "商机编号", req=True),
            c("user_id", "text", "user", "员工编号", req=True),
            c("split_type", "enum", "type", "分成类型", req=True, enum="split_type"),
            c(
                "percent",
                "ratio",
                "split percent",
                "percentage",
                "分成比例",
                req=True,
                percent_units=True,
                min_value="0",
                max_value="100",
            ),
        ),
        key=("opportunity_id", "user_id", "split_type"),
        optional=True,
    ),
    Entity(
        "crm",
        "activities",
        (
            c("activity_id", "text", "activity id", "活动编号", "跟进记录编号", req=True),
            c("owner_id", "text", "owner", "assigned to", "负责人", req=True),
            c("activity_type", "enum", "type", "活动类型", req=True, enum="activity_type"),
            c("occurred_at", "timestamp", "date", "activity date", "发生时间", req=True),
            c("account_id", "text", "account", "客户编号"),
            c("opportunity_id", "text", "opportunity", "商机编号"),
            c("duration_minutes", "int", "duration", "时长", "时长(分钟)", min_value="0"),
            c("outcome", "text", "result", "结果"),
        ),
        key=("activity_id",),
    ),
    Entity(
        "erp",
        "customers",
        (
            c("customer_id", "text", "customer id", "customer code", "客户编码", req=True),
            c("customer_name", "text", "customer", "name", "客户名称", req=True),
            c("crm_account_id", "text", "crm account", "crm客户编号"),
            c("tax_id", "text", "tax number", "税号"),
            c("country", "text", "国家"),
        ),
        key=("customer_id",),
    ),
    Entity(
        "erp",
        "products",
        (
            c("sku", "text", "item", "item code", "物料编码", "产品编码", req=True),
            c("product_name", "text", "item name", "name", "产品名称", req=True),
            c("product_line", "text", "product family", "产品线", req=True),
            c("unit_cost", "price", "cost", "standard cost", "单位成本", req=True, min_value="0"),
            c("currency", "currency", "币种", req=True),
        ),
        key=("sku",),
    ),
    Entity(
        "erp",
        "sales_orders",
        (
            c("order_id", "text", "order", "order number", "订单编号", "销售订单号", req=True),
            c("order_date", "date", "date", "订单日期", req=True),
            c("customer_id", "text", "customer", "客户编码", req=True),
            c("crm_opportunity_id", "text", "opportunity", "商机编号"),
            c("sales_rep_id", "text", "sales rep", "业务员", "销售员编号"),
            c("currency", "currency", "币种", req=True),
            c("status", "enum", "order status", "状态", req=True, enum="order_status"),
        ),
        key=("order_id",),
    ),
    Entity(
        "erp",
        "invoices",
        (
            c("invoice_id", "text", "invoice", "invoice number", "发票号", "发票编号", req=True),
            c("invoice_date", "date", "date", "开票日期", req=True),
            c("customer_id", "text", "customer", "客户编码", req=True),
            c("order_id", "text", "order", "订单编号"),
            c("sales_rep_id", "text", "sales rep", "业务员", "销售员编号"),
            c("amount_net", "money", "net amount", "amount", "不含税金额", "金额", req=True),
            c("tax_amount", "money", "tax", "税额"),
            c("currency", "currency", "币种", req=True),
            c("document_type", "enum", "type", "单据类型", req=True, enum="document_type"),
            c("status", "enum", "posting status", "状态", req=True, enum="invoice_status"),
        ),
        key=("invoice_id",),
    ),
    Entity(
        "erp",
        "invoice_lines",
        (
            c("invoice_id", "text", "invoice", "发票号", req=True),
            c("line_no", "int", "line", "line number", "行号", req=True, min_value="1"),
            c("sku", "text", "item", "物料编码", req=True),
            c("quantity", "price", "qty", "数量", req=True),
            c("unit_price", "price", "price", "单价", req=True),
            c("amount_net", "money", "amount", "net amount", "金额", req=True),
        ),
        key=("invoice_id", "line_no"),
    ),
    Entity(
        "erp",
        "payments",
        (
            c("payment_id", "text", "payment", "receipt number", "回款编号", "收款单号", req=True),
            c("invoice_id", "text", "invoice", "发票号", req=True),
            c("paid_date", "date", "payment date", "date", "回款日期", req=True),
            c("amount", "money", "paid amount", "回款金额", req=True),
            c("currency", "currency", "币种", req=True),
        ),
        key=("payment_id",),
    ),
    Entity(
        "erp",
        "fx_rates",
        (
            c("rate_date", "date", "date", "日期", "汇率日期", req=True),
            c("currency", "currency", "currency code", "币种", req=True),
            c(
                "rate_to_base",
                "rate",
                "rate",
                "exchange rate",
                "汇率",
                req=True,
                min_value="0.00000001",
            ),
        ),
        key=("rate_date", "currency"),
    ),
    Entity(
        "plan",
        "targets",
        (
            c("scope_type", "enum", "scope", "范围类型", req=True, enum="scope_type"),
            c("scope_id", "text", "scope id", "范围编号", req=True),
            c("metric", "text", "kpi", "指标", req=True),
            c("period_type", "enum", "period", "周期类型", req=True, enum="period_type"),
            c("period_start", "date", "period start", "周期开始", req=True),
            c("tier", "enum", "level", "档位", enum="tier", default="target"),
            c("value", "price", "target", "target value", "目标值", req=True, min_value="0"),
            c("effective_date", "date", "effective", "生效日期", default_from="period_start"),
            c("note", "text", "comment", "备注"),
        ),
        key=(
            "scope_type",
            "scope_id",
            "metric",
            "period_type",
            "period_start",
            "tier",
            "effective_date",
        ),
    ),
    Entity(
        "plan",
        "phasing",
        (
            c("metric", "text", "kpi", "指标", req=True),
            c("month_of_year", "int", "month", "月份", req=True, min_value="1", max_value="12"),
            c("weight", "ratio", "权重", req=True, min_value="0"),
        ),
        key=("metric", "month_of_year"),
        optional=True,
    ),
    Entity(
        "plan",
        "comp_plans",
        (
            c("plan_id", "text", "plan", "方案编号", req=True),
            c("metric", "text", "kpi", "指标", req=True),
            c("weight", "ratio", "权重", req=True, min_value="0", max_value="1"),
            c("period_type", "enum", "period", "周期类型", req=True, enum="period_type"),
            c("threshold", "ratio", "门槛", req=True, min_value="0"),
            c("cap", "ratio", "封顶", req=True, min_value="0"),
        ),
        key=("plan_id", "metric"),
    ),
    Entity(
        "plan",
        "payout_curve",
        (
            c("plan_id", "text", "plan", "方案编号", req=True),
            c("attainment_from", "ratio", "from", "达成率起点", req=True),
            c("payout_at_from", "ratio", "payout", "起点支付比例", req=True),
            c("slope", "ratio", "斜率", req=True),
        ),
        key=("plan_id", "attainment_from"),
    ),
    Entity(
        "plan",
        "plan_assignments",
        (
            c("user_id", "text", "user", "员工编号", req=True),
            c("plan_id", "text", "plan", "方案编号", req=True),
            c("valid_from", "date", "from", "生效日期", req=True),
            c("valid_to", "date", "to", "失效日期"),
            c(
                "on_target_incentive",
                "money",
                "oti",
                "target incentive",
                "目标奖金",
                req=True,
                min_value="0",
            ),
            c("currency", "currency", "币种", req=True),
        ),
        key=("user_id", "plan_id", "valid_from"),
    ),
    Entity(
        "plan",
        "kpi_weights",
        (
            c("role", "enum", "角色", req=True, enum="role"),
            c("kpi", "text", "metric", "指标", req=True),
            c("weight", "ratio", "权重", req=True, min_value="0", max_value="1"),
            c("direction", "enum", "方向", req=True, enum="direction"),
        ),
        key=("role", "kpi"),
    ),
    Entity(
        "plan",
        "manager_reviews",
        (
            c("user_id", "text", "user", "员工编号", req=True),
            c("period_start", "date", "period", "周期开始", req=True),
            c("criterion", "text", "评估项", req=True),
            c("score", "int", "评分", req=True, min_value="1", max_value="5"),
            c("reviewer_id", "text", "reviewer", "评估人"),
        ),
        key=("user_id", "period_start", "criterion"),
    ),
)

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
