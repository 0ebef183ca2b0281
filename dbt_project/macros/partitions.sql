{#- Monthly partitions (orchestration/partitions.py). The models tagged `monthly` are incremental
    by month: a partition run passes the months to rebuild in the var `partition_months` (a list of
    'YYYY-MM-01' dates), deletes those months and inserts them again in one transaction. A run
    without the var, or with --full-refresh, rebuilds every month. The orchestrator adds every
    month whose inputs changed since it was built (int_ledger_months_built), and a blocking test
    (assert_monthly_models_match_their_inputs) refuses a publication with a stale month. -#}

{#- A range per month (first day inclusive, the next month's first day exclusive), not
    date_trunc(column) in (...): a range on the column itself reaches the table scans, which skip
    the row groups outside it. The credit ledger of one month at the large scale took 37.3 s with
    date_trunc and 11.4 s with ranges, the same rows (docs/BENCHMARKS.md). -#}
{% macro in_partition(date_column) -%}
    {%- set months = run_var('partition_months', []) -%}
    {%- if is_incremental() and months -%}
        (
            {%- for month in months -%}
                {%- set first = modules.datetime.date.fromisoformat(month) -%}
                {%- set next = (first.replace(day=28) + modules.datetime.timedelta(days=4)).replace(day=1) %}
            {% if not loop.first %}or {% endif -%}
            ({{ date_column }} >= cast('{{ first.isoformat() }}' as date) and {{ date_column }} < cast('{{ next.isoformat() }}' as date))
            {%- endfor %}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro delete_partition(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_partition(date_column) }}
    {%- endif -%}
{%- endmacro %}

{#- An order-independent fingerprint of a relation's rows: the row count and the sum of the row
    hashes (a sum, not an xor, so that duplicate rows do not cancel out). -#}
{% macro rows_fingerprint(relation) -%}
    {{ return(adapter.dispatch('rows_fingerprint', 'scorecards')(relation)) }}
{%- endmacro %}

{% macro default__rows_fingerprint(relation) -%}
    select
        '{{ relation.identifier }}' as relation_name,
        count(*) as row_count,
        cast(coalesce(sum(cast(hash(fingerprinted.*) as decimal(38, 0))), 0) as {{ dbt.type_string() }}) as row_hash_sum
    from {{ relation }} as fingerprinted
{%- endmacro %}

{% macro duckdb__rows_fingerprint(relation) -%}
    select
        '{{ relation.identifier }}' as relation_name,
        count(*) as row_count,
        cast(coalesce(sum(cast(hash(fingerprinted) as hugeint)), 0) as varchar) as row_hash_sum
    from {{ relation }} as fingerprinted
{%- endmacro %}

{#- A hash of one row of a relation (all its columns), as an exact integer so that sums of many
    rows do not overflow. -#}
{% macro row_hash(alias) -%}
    {{ return(adapter.dispatch('row_hash', 'scorecards')(alias)) }}
{%- endmacro %}

{% macro default__row_hash(alias) -%}
    cast(hash({{ alias }}.*) as decimal(38, 0))
{%- endmacro %}

{% macro duckdb__row_hash(alias) -%}
    cast(hash({{ alias }}) as hugeint)
{%- endmacro %}

{#- A hash of the given columns of one row, like row_hash. -#}
{% macro columns_hash(columns) -%}
    {{ return(adapter.dispatch('columns_hash', 'scorecards')(columns)) }}
{%- endmacro %}

{% macro default__columns_hash(columns) -%}
    cast(hash({{ columns | join(', ') }}) as decimal(38, 0))
{%- endmacro %}

{% macro duckdb__columns_hash(columns) -%}
    cast(hash({{ columns | join(', ') }}) as hugeint)
{%- endmacro %}
