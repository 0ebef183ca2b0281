{#- The payouts already paid: rows of `payouts` and `payout_lines` for plan periods whose months
    are all closed (`scorecards close --month`). The pipeline copies them from the published copy
    into the `history` schema of the build before dbt runs and sets the var `paid_history`;
    without any the relations are empty with the same columns. These
    rows are republished as they were: a paid period is never rewritten, later changes become
    clawback lines in the period where they are posted. -#}
{% macro payout_columns() -%}
    {{ return([
        ('payout_id', 'varchar'), ('user_id', 'varchar'), ('plan_id', 'varchar'),
        ('period_type', 'varchar'), ('period_start', 'date'), ('period_end', 'date'),
        ('metric', 'varchar'), ('period_status', 'varchar'), ('currency', 'varchar'),
        ('weight', 'decimal(12, 6)'), ('threshold', 'decimal(12, 6)'), ('cap', 'decimal(12, 6)'),
        ('on_target_incentive', 'decimal(18, 2)'), ('period_days', 'bigint'), ('covered_days', 'bigint'),
        ('prorated_incentive', 'decimal(18, 2)'), ('attainment_month', 'date'),
        ('actual', 'decimal(24, 6)'), ('target', 'decimal(18, 4)'), ('attainment', 'decimal(18, 6)'),
        ('attainment_null_reason', 'varchar'), ('capped_attainment', 'decimal(18, 6)'),
        ('segment_attainment_from', 'decimal(12, 6)'), ('segment_payout_at_from', 'decimal(12, 6)'),
        ('segment_slope', 'decimal(12, 6)'), ('payout_basis', 'varchar'),
        ('payout_fraction', 'decimal(18, 6)'), ('earned_amount', 'decimal(18, 2)'),
        ('clawback_amount', 'decimal(18, 2)'), ('payout_amount', 'decimal(18, 2)'),
        ('paid_as_of_date', 'date'),
    ]) }}
{%- endmacro %}

{% macro payout_line_columns() -%}
    {{ return([
        ('line_id', 'varchar'), ('payout_id', 'varchar'), ('user_id', 'varchar'),
        ('plan_id', 'varchar'), ('period_start', 'date'), ('metric', 'varchar'),
        ('line_type', 'varchar'), ('original_period_start', 'date'), ('credit_id', 'varchar'),
        ('source_system', 'varchar'), ('source_entity', 'varchar'), ('document_id', 'varchar'),
        ('transaction_date', 'date'), ('currency', 'varchar'), ('amount_original', 'decimal(18, 2)'),
        ('fx_rate', 'decimal(18, 8)'), ('amount_base', 'decimal(18, 2)'),
        ('line_amount', 'decimal(18, 2)'), ('source_file', 'varchar'), ('source_line', 'bigint'),
    ]) }}
{%- endmacro %}

{#- Select `columns` (name, type pairs) cast to their types from `relation`, or no rows at all.
    'varchar' is the engine's string type (Spark knows no varchar without a length). -#}
{% macro select_typed(columns, relation=none) -%}
    select
    {%- for name, type in columns %}
        cast({{ name if relation is not none else 'null' }} as {{ dbt.type_string() if type == 'varchar' else type }}) as {{ name }}
        {{- "," if not loop.last }}
    {%- endfor %}
    {% if relation is not none -%}
        from {{ relation }}
    {%- else -%}
        where 1 = 0
    {%- endif %}
{%- endmacro %}

{#- The columns of history.published_tiers (publication/history.py). -#}
{% macro published_tier_columns() -%}
    {{ return([
        ('period_grain', 'varchar'), ('period_start', 'date'), ('period_month', 'date'),
        ('scope_type', 'varchar'), ('scope_id', 'varchar'), ('metric', 'varchar'),
        ('tier_reached', 'varchar'), ('actual', 'decimal(24, 6)'), ('published_version', 'integer'),
        ('published_as_of_date', 'date'),
    ]) }}
{%- endmacro %}
