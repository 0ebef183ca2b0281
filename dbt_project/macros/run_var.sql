{#- A run setting (as_of_date, base_currency, partition_months, ...).

    The orchestrator passes the run's settings in the environment variable SCORECARDS_DBT_VARS
    (JSON), not with --vars: dbt re-parses the whole project whenever --vars differ from the
    parse it saved, 9-15 s per dbt invocation on the 2-core machines. The setting is
    read only when the SQL is executed; while parsing (`execute` is false) the project default
    from dbt_project.yml is used, so parsing never depends on the run and is reused. A var given
    with --vars (a hand-run `dbt build`) or overridden by a unit test is used when the
    environment does not set it, and unit tests always use their own vars. -#}
{% macro run_var(name, default=none) -%}
    {%- if execute and model is mapping and model.get('resource_type') != 'unit_test' -%}
        {%- set run_vars = fromjson(env_var('SCORECARDS_DBT_VARS', '{}')) -%}
        {%- if name in run_vars -%}
            {{- return(run_vars[name]) -}}
        {%- endif -%}
    {%- endif -%}
    {{- return(var(name) if default is none else var(name, default)) -}}
{%- endmacro %}


{#- The run's as-of date, and the first day of its month, as SQL dates. -#}
{% macro as_of_date() -%}
    cast('{{ run_var("as_of_date") }}' as date)
{%- endmacro %}


{% macro as_of_month() -%}
    cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
{%- endmacro %}
