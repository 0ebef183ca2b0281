{#- The metric registry as a table (dbt_project.yml, vars.metric_registry; macros/
    metric_registry.sql): one row per metric in the registry's order, with its labels in English
    and Chinese, unit, direction, kind, how it rolls up, and which ledger rows it credits, so that
    a BI tool or the report names and orders metrics as the warehouse does. -#}
{%- set text_fields = [
    'metric', 'label_en', 'label_zh', 'description', 'unit', 'direction', 'kind', 'aggregation',
    'source', 'rows', 'where', 'numerator', 'denominator', 'forecast',
] -%}
{%- set column_of = {'rows': 'ledger_rows', 'where': 'ledger_filter', 'forecast': 'forecast_method'} -%}
with

registered as (

    {% for metric in metric_registry() %}
        select
            {% for field in text_fields %}
                cast({{ sql_string(metric[field]) }} as {{ dbt.type_string() }}) as {{ column_of.get(field, field) }},
            {% endfor %}
            {{ loop.index }} as display_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from registered
