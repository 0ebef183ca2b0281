{#- The columns every ledger model (intermediate/sales/int_<source>_ledgered) gives first, in this
    order: which of its row sets a row belongs to, the document (system, entity, id), the
    transaction date, the user the credit chain names and on what basis, and the money (currency,
    original amount, rate, base amount). Each model then adds the attributes its metrics' filters
    and numerators read (is_won, activity_type, ...) and ends with source_file and source_line.
    A row set without money takes the defaults: no currency, one unit, rate 1. -#}
{% macro ledger_row(
    row_set,
    source_system,
    source_entity,
    document_id,
    transaction_date,
    chain_user_id,
    credit_basis,
    currency=none,
    amount_original=none,
    fx_rate=none,
    amount_base=none
) -%}
    {%- set one_unit = 'cast(1 as decimal(18, 2))' -%}
    '{{ row_set }}' as row_set,
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
        as amount_base
{%- endmacro %}


{#- The document and credit columns of a ledger row, in ledger_row's order. -#}
{% macro ledger_document_columns() -%}
    {{ return([
        'source_system', 'source_entity', 'document_id', 'transaction_date', 'chain_user_id',
        'credit_basis',
    ]) }}
{%- endmacro %}


{#- A registry metric's credit-ledger columns over its ledger model's rows (int_transactions_
    credited): the metric, the document and credit, and the amounts its numerator and denominator
    say (macros/metric_registry.sql). `amount` keeps the row's money; `one` counts the row; an
    expression is a number without currency, at rate 1. -#}
{% macro ledger_metric_columns(metric) -%}
    {%- set one_unit = 'cast(1 as decimal(18, 2))' -%}
    {%- set value = one_unit if metric.numerator == 'one' else 'cast(' ~ metric.numerator ~ ' as decimal(18, 2))' -%}
    {%- set denominator = {none: 'cast(null as decimal(18, 2))', 'one': one_unit}.get(
        metric.denominator, 'cast(' ~ metric.denominator ~ ' as decimal(18, 2))'
    ) -%}
    '{{ metric.metric }}' as metric,
    {% for column in ledger_document_columns() -%}
        {{ column }},
    {% endfor -%}
    {% if metric.numerator == 'amount' -%}
        currency,
        amount_original,
        fx_rate,
        amount_base,
    {%- else -%}
        cast(null as {{ dbt.type_string() }}) as currency,
        {{ value }} as amount_original,
        cast(1 as decimal(18, 8)) as fx_rate,
        {{ value }} as amount_base,
    {%- endif %}
    {{ denominator }} as denominator,
    source_file,
    source_line
{%- endmacro %}

{#- The credit ledger summed at each level, per `period_column`: the credited user, the team and
    region on the transaction date, and the company (which keeps unknown and unassigned members).
    Ratio metrics keep numerator and denominator apart, so every roll-up divides sums. -#}
{% macro ledger_summed_by_scope(ledger, period_column) -%}
    {%- set levels = [
        ('rep', 'credited_user_id'),
        ('team', 'team_id'),
        ('region', 'region'),
        ('company', "'company'"),
    ] %}
    {% for scope_type, scope_key in levels %}
        select
            '{{ scope_type }}' as scope_type,
            {{ scope_key }} as scope_id,
            {{ period_column }},
            metric,
            sum(amount_base) as numerator,
            sum(denominator) as denominator,
            count(*) as transaction_count
        from {{ ledger }}
        group by {{ scope_key }}, {{ period_column }}, metric
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}
