{#- FX lookup: join int_fx_rates_ranged as `fx_alias` for the rate in force on `date_expr`
    (the latest rate on or before it). The base currency converts at 1; a foreign amount with no
    rate keeps a null rate, which a blocking test reports (never a silently null amount). -#}
{% macro fx_join_condition(fx_alias, currency_expr, date_expr) -%}
    {{ fx_alias }}.currency = {{ currency_expr }}
    and {{ fx_alias }}.valid_from <= {{ date_expr }}
    and ({{ fx_alias }}.valid_to_exclusive is null or {{ date_expr }} < {{ fx_alias }}.valid_to_exclusive)
{%- endmacro %}

{% macro fx_rate(fx_alias, currency_expr) -%}
    case
        when {{ currency_expr }} = '{{ run_var("base_currency") }}' then cast(1 as decimal(18, 8))
        else {{ fx_alias }}.rate_to_base
    end
{%- endmacro %}

{#- Money in the base currency, rounded to the cent per transaction. The amount is widened
    first: DuckDB multiplies two DECIMAL(18, x) in 64-bit integers, which overflows from about
    130 million at an 8-place rate. -#}
{% macro to_base(amount_expr, rate_expr) -%}
    cast(round(cast({{ amount_expr }} as decimal(38, 10)) * {{ rate_expr }}, 2) as decimal(18, 2))
{%- endmacro %}
