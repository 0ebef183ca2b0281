{#- What differs between the engines the project builds on (docs/ENGINES.md). DuckDB reads the
    raw tables ingest loads into build.duckdb; Spark reads the Parquet folders ingest writes beside
    them (ingest/parquet.py), registered here as external tables before anything runs. -#}

{% macro register_sources() -%}
    {{ return(adapter.dispatch('register_sources', 'scorecards')()) }}
{%- endmacro %}

{% macro default__register_sources() -%}
{%- endmacro %}

{#- One external Parquet table per source, in a database named like DuckDB's schema (raw,
    history). Dropped and created again each time (an external table's files stay): the
    metastore keeps absolute paths, and a home may have been moved since. A new Spark session
    lists the folder afresh, so load files written or removed since the last step are seen. -#}
{% macro spark__register_sources() -%}
    {%- if execute -%}
        {%- set roots = {
            'raw': env_var('SCORECARDS_RAW_PARQUET', ''),
            'history': env_var('SCORECARDS_HISTORY_PARQUET', ''),
        } -%}
        {%- set databases = [] -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
            {#- The paid history exists only once a period is paid (macros/paid_history.sql). -#}
            {%- if node.schema == 'history' and not run_var('paid_history') -%}{%- continue -%}{%- endif -%}
            {#- The publisher's own tables are documented as a source, never read by a model. -#}
            {%- if node.source_name == 'published' -%}{%- continue -%}{%- endif -%}
            {%- set root = roots.get(node.schema, '') -%}
            {%- if not root -%}
                {{ exceptions.raise_compiler_error(
                    'no Parquet folder for source schema ' ~ node.schema
                    ~ ': set SCORECARDS_RAW_PARQUET and SCORECARDS_HISTORY_PARQUET'
                ) }}
            {%- endif -%}
            {%- if node.schema not in databases -%}
                {%- do run_query('create database if not exists ' ~ node.schema) -%}
                {%- do databases.append(node.schema) -%}
            {%- endif -%}
            {%- set relation = node.schema ~ '.' ~ node.identifier -%}
            {%- set location = (root ~ '/' ~ node.identifier) | replace("'", "\\'") -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ " using parquet location '" ~ location ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- An integer type wide enough for exact money arithmetic (macros/money.sql): products of cents,
    millionths and weights reach 10^29. DuckDB's HUGEINT; elsewhere DECIMAL(38, 0). -#}
{% macro exact_int_type() -%}
    {{ return(adapter.dispatch('exact_int_type', 'scorecards')()) }}
{%- endmacro %}

{% macro default__exact_int_type() -%}
    decimal(38, 0)
{%- endmacro %}

{% macro duckdb__exact_int_type() -%}
    hugeint
{%- endmacro %}

{#- dbt-spark's listagg ignores the order (collect_list): Spark 4 has the standard form. Found
    before dbt's own through the project's dispatch search order (dbt_project.yml). -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with a limit is not implemented on Spark') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }}) within group ({{ order_by_clause }})
{%- endmacro %}
