{#- Primary-key test for composite keys: no two rows share the same combination of columns. -#}
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
