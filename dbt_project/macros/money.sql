{#- Exact money arithmetic in integers. Amounts become cents, rates and fractions millionths;
    products are taken in HUGEINT (DECIMAL(38, 0) on Spark: macros/engines.sql) and divided once, rounded half up, so an amount can be recomputed
    by hand from the figures shown next to it. -#}
{% macro to_cents(amount) -%}
    cast(round(cast({{ amount }} as decimal(38, 2)) * 100, 0) as {{ exact_int_type() }})
{%- endmacro %}

{% macro to_millionths(ratio) -%}
    cast(round(cast({{ ratio }} as decimal(38, 6)) * 1000000, 0) as {{ exact_int_type() }})
{%- endmacro %}

{#- numerator / denominator rounded half up to an integer; the denominator must be positive. -#}
{% macro round_div(numerator, denominator) -%}
    {{ int_div("2 * (" ~ numerator ~ ") + (" ~ denominator ~ ")", "2 * (" ~ denominator ~ ")") }}
{%- endmacro %}

{% macro from_cents(cents) -%}
    cast(cast({{ cents }} as decimal(38, 0)) * 0.01 as decimal(18, 2))
{%- endmacro %}

{% macro from_millionths(millionths) -%}
    cast(cast({{ millionths }} as decimal(38, 0)) * 0.000001 as decimal(18, 6))
{%- endmacro %}
