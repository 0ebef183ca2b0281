{#- The rows that break a key: keys that repeat, and with `gaps`, keys with a column not filled. -#}
{% macro key_violations(model, key, gaps) %}
    select
        {{ key | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ key | join(', ') }}
    having count(*) > 1
        {%- if gaps %}{% for column in key %} or {{ column }} is null{% endfor %}{% endif %}
{% endmacro %}

{#- Primary-key test: every key column filled and no two rows with the same key, in one scan (one
    test node instead of a `unique` and a `not_null` one: each dbt node costs a run about 60 ms
    of dbt's Python, docs/BENCHMARKS.md). On a column (`- primary_key`) the key is that column;
    on a model, the `columns` given. A failing row is a key that repeats or has a gap. -#}
{% test primary_key(model, column_name=none, columns=none) %}
    {{ key_violations(model, columns if columns else [column_name], gaps=true) }}
{% endtest %}

{#- Composite-key uniqueness, for a key whose columns may be null (a test of some rows only). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {{ key_violations(model, combination_of_columns, gaps=false) }}
{% endtest %}

{#- Composite-key not-null: every key column is filled. -#}
{% test not_null_combination(model, combination_of_columns) %}
    select *
    from {{ model }}
    where {% for column in combination_of_columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
