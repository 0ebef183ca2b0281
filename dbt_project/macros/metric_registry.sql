{#- The metric registry (var metric_registry in dbt_project.yml), read once and checked.

    metric_registry() returns its entries in their order, each with every field (missing optional
    ones as none) and `aggregation`: ratio when the entry has a denominator, else sum. An entry
    with a missing or unknown field, or a value outside its list, stops the compilation with the
    metric's name, so that a mistyped entry never becomes a silently empty metric. -#}
{% macro metric_registry() %}
    {%- set required = ['metric', 'label_en', 'label_zh', 'description', 'unit', 'direction', 'kind',
        'source', 'rows', 'numerator'] -%}
    {%- set optional = ['where', 'denominator', 'aliases', 'forecast'] -%}
    {%- set allowed = {
        'unit': ['currency', 'count', 'ratio', 'days'],
        'direction': ['higher_is_better', 'lower_is_better'],
        'kind': ['result', 'process'],
        'forecast': ['pipeline', 'receivables'],
    } -%}
    {%- set entries = [] -%}
    {%- set seen = [] -%}
    {%- for entry in var('metric_registry') -%}
        {%- set name = entry.get('metric', 'entry ' ~ loop.index) -%}
        {%- for field in required if entry.get(field) is none -%}
            {{ exceptions.raise_compiler_error(
                "metric registry: " ~ name ~ " has no '" ~ field ~ "' (dbt_project.yml, vars.metric_registry)"
            ) }}
        {%- endfor -%}
        {%- for field in entry if field not in required + optional -%}
            {{ exceptions.raise_compiler_error(
                "metric registry: " ~ name ~ " has an unknown field '" ~ field ~ "'; the fields are "
                ~ (required + optional) | join(', ')
            ) }}
        {%- endfor -%}
        {%- for field, values in allowed.items()
            if (field in required or entry.get(field) is not none) and entry[field] not in values -%}
            {{ exceptions.raise_compiler_error(
                "metric registry: " ~ name ~ " has " ~ field ~ " '" ~ entry[field] ~ "'; expected one of "
                ~ values | join(', ')
            ) }}
        {%- endfor -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*$', name) or name in seen -%}
            {{ exceptions.raise_compiler_error(
                "metric registry: '" ~ name ~ "' must be a new lower-case name (letters, digits, _)"
            ) }}
        {%- endif -%}
        {%- do seen.append(name) -%}
        {%- set complete = {'aggregation': 'ratio' if entry.get('denominator') is not none else 'sum'} -%}
        {%- for field in required + optional -%}
            {%- do complete.update({field: entry.get(field)}) -%}
        {%- endfor -%}
        {%- do entries.append(complete) -%}
    {%- endfor -%}
    {{ return(entries) }}
{% endmacro %}


{#- The sources the registry's metrics come from, each once, in the registry's order: the ledger
    models int_<source>_ledgered that the credit ledger unions and the fingerprints hash. -#}
{% macro metric_sources() %}
    {%- set sources = [] -%}
    {%- for metric in metric_registry() if metric.source not in sources -%}
        {%- do sources.append(metric.source) -%}
    {%- endfor -%}
    {{ return(sources) }}
{% endmacro %}


{#- A text value as an SQL string literal (quotes escaped as the engine does), none as null. -#}
{% macro sql_string(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ dbt.escape_single_quotes(value | string) }}'
    {%- endif -%}
{%- endmacro %}


{#- The reason vocabulary (var reason_vocabulary in dbt_project.yml), checked: every entry has a
    new lower-case code, a kind (missing or warning) and both labels. -#}
{% macro reason_vocabulary(kind=none) %}
    {%- set entries = [] -%}
    {%- set seen = [] -%}
    {%- for entry in var('reason_vocabulary') -%}
        {%- set code = entry.get('code') -%}
        {%- if code is none or not modules.re.match('^[a-z][a-z0-9_]*$', code) or code in seen -%}
            {{ exceptions.raise_compiler_error(
                "reason vocabulary: '" ~ code ~ "' must be a new lower-case code (dbt_project.yml, vars.reason_vocabulary)"
            ) }}
        {%- endif -%}
        {%- if entry.get('kind') not in ['missing', 'warning'] or not entry.get('label_en') or not entry.get('label_zh') -%}
            {{ exceptions.raise_compiler_error(
                "reason vocabulary: " ~ code ~ " needs kind (missing or warning), label_en and label_zh"
            ) }}
        {%- endif -%}
        {%- do seen.append(code) -%}
        {%- if kind is none or entry.kind == kind -%}
            {%- do entries.append(entry) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(entries) }}
{% endmacro %}

{#- The codes of one kind, for accepted_values tests. -#}
{% macro reason_codes(kind=none) %}
    {{ return(reason_vocabulary(kind) | map(attribute='code') | list) }}
{% endmacro %}
