{#- The columns of a credit-ledger row, in the ledger's order (intermediate/sales/int_*_ledgered).

    Every ledger model selects its rows through this macro, so that the union in
    int_transactions_credited lines up by position and every source fills the same columns:
    which metric, which document (system, entity, id, file and line), the transaction date, the
    user the credit chain names and on what basis, and the amounts. A count metric takes the
    defaults: no currency, one unit, rate 1; a ratio metric gives its denominator share.
    `prefix` qualifies the source file and line (`won.`). -#}
{% macro ledger_columns(
    metric,
    source_system,
    source_entity,
    document_id,
    transaction_date,
    chain_user_id,
    credit_basis,
    currency=none,
    amount_original=none,
    fx_rate=none,
    amount_base=none,
    denominator=none,
    prefix=''
) -%}
    {%- set one_unit = 'cast(1 as decimal(18, 2))' -%}
    {{ metric }} as metric,
    '{{ source_system }}' as source_system,
    {{ source_entity }} as source_entity,
    {{ document_id }} as document_id,
    {{ transaction_date }} as transaction_date,
    {{ chain_user_id }} as chain_user_id,
    {{ credit_basis }} as credit_basis,
    {{ currency if currency is not none else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as currency,
    {{ amount_original if amount_original is not none else one_unit }} as amount_original,
    {{ fx_rate if fx_rate is not none else 'cast(1 as decimal(18, 8))' }} as fx_rate,
    {{ amount_base if amount_base is not none else (amount_original if amount_original is not none else one_unit) }}
        as amount_base,
    {{ denominator if denominator is not none else 'cast(null as decimal(18, 2))' }} as denominator,
    {{ prefix }}source_file,
    {{ prefix }}source_line
{%- endmacro %}
