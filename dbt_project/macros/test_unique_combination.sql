{#- Primary-key test: every key column filled and no two rows with the same key, in one scan (one
    test node instead of a `unique` and a `not_null` one: each dbt node costs a run about 60 ms
    of dbt's Python, docs/BENCHMARKS.md). On a column (`- primary_key`) the key is that column;
    on a model, the `columns` given. A failing row is a key that repeats or has a gap. -#}
{% test primary_key(model, column_name=none, columns=none) %}
    {%- set key = columns if columns else [column_name] -%}
    select
        {{ key | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ key | join(', ') }}
    having count(*) > 1
        {%- for column in key %} or {{ column }} is null{% endfor %}
{% endtest %}

{#- Composite-key uniqueness, for a key whose columns may be null (a test of some rows only). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Composite-key not-null: every key column is filled. -#}
{% test not_null_combination(model, combination_of_columns) %}
    select *
    from {{ model }}
    where {% for column in combination_of_columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
