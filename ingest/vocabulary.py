"""One vocabulary of field names: a field is recognised under the same headers in every entity
that carries it (an employee number, a customer number, an invoice number, a currency ...), so
an alias added here reaches every export at once. ingest/entities.py adds only what is peculiar
to one entity (a lead's "lead status", an order's "order status"); ingest/columns.py joins the
two. English variants as CRMs and ERPs spell them, and the Chinese labels of 简道云, 纷享销客,
金蝶 and 用友 exports.

A bare noun ("team", "account", "customer", "opportunity") is not here: in its own entity's file
it names the record (team_name), elsewhere the reference (team_id), so each entity says which."""

from __future__ import annotations

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    # People and organisation.
    "user_id": ("user", "user id", "employee id", "employee no", "员工编号", "用户编号", "工号"),
    "owner_id": ("owner", "owner id", "负责人", "负责人编号"),
    "team_id": ("team id", "team code", "团队编号", "团队id"),
    "region": ("sales region", "区域", "大区"),
    "role": ("title", "角色", "职位"),
    # Customers and documents.
    "account_id": ("account id", "客户编号", "客户id"),
    "customer_id": ("customer id", "customer code", "customer no", "客户编码"),
    "opportunity_id": ("opportunity id", "opp id", "商机编号", "商机id"),
    "order_id": ("order", "order number", "order no", "订单编号", "订单号", "销售订单号"),
    "invoice_id": ("invoice", "invoice number", "invoice no", "发票号", "发票编号", "发票号码"),
    "sku": ("item", "item code", "物料编码", "产品编码"),
    # Money and periods.
    "currency": ("currency code", "币种", "货币"),
    "valid_from": ("from", "start", "生效日期"),
    "valid_to": ("to", "end", "失效日期"),
    "period_start": ("period start", "周期开始"),
}


def aliases_of(name: str, own: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The vocabulary's aliases of a field, then the entity's own, each once."""
    return tuple(dict.fromkeys((*FIELD_ALIASES.get(name, ()), *own)))
