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


{#- Sources that are not a credit ledger: their metrics are computed from other figures, at the
    levels where they exist (market: credited revenue over plan/market_size, for regions and the
    company; int_market_shares_measured). -#}
{% macro derived_sources() %}
    {{ return(['market']) }}
{% endmacro %}


{#- The registry's metrics that credit ledger rows, in the registry's order. -#}
{% macro ledger_metrics() %}
    {{ return(metric_registry() | rejectattr('source', 'in', derived_sources()) | list) }}
{% endmacro %}


{#- The names of the registry's derived metrics (market share): measured where they exist, never
    split to reps or inherited by them. -#}
{% macro derived_metrics() %}
    {{ return(metric_registry() | selectattr('source', 'in', derived_sources()) | map(attribute='metric') | list) }}
{% endmacro %}


{#- The sources the ledger metrics come from, each once, in the registry's order: the ledger
    models int_<source>_ledgered that the credit ledger unions and the fingerprints hash. -#}
{% macro metric_sources() %}
    {%- set sources = [] -%}
    {%- for metric in ledger_metrics() if metric.source not in sources -%}
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


{#- The scope types of segments (docs/PLANNING.md, "Segment targets"): a product line or a key
    account, at the company or in a region; and the ledger sources whose rows know both (an
    opportunity its account and product line, an invoice line its product, an invoice its
    customer's account). A segment's target on a metric from another source has no actual. -#}
{% macro segment_scope_types() %}
    {{ return(['product_line', 'account']) }}
{% endmacro %}

{% macro segment_sources() %}
    {{ return(['opportunities', 'invoices']) }}
{% endmacro %}

{#- Whether a scorecard row is a segment's on a metric its segment cannot be measured on: such a
    row has neither numerator nor denominator (null, not zero), so its actual is null. -#}
{% macro is_unmeasured_segment(scope_type, metric_source) -%}
    ({{ scope_type }} in {{ sql_list(segment_scope_types()) }}
    and {{ metric_source }} not in {{ sql_list(segment_sources()) }})
{%- endmacro %}

{#- A scorecard row's `column` (numerator or denominator) from its `kpis` row: zero without one,
    null for a segment's metric no segment is measured on (is_unmeasured_segment). -#}
{% macro scorecard_kpi(column, scope_type='scorecard_keys.scope_type', source='metrics.source') -%}
    case
        when not {{ is_unmeasured_segment(scope_type, source) }}
            then coalesce(kpis.{{ column }}, 0)
    end
{%- endmacro %}

{#- A list of names as an SQL list of string literals: ('a', 'b'). -#}
{% macro sql_list(values) -%}
    ({%- for value in values -%}{{ sql_string(value) }}{{ ', ' if not loop.last }}{%- endfor -%})
{%- endmacro %}
