{#-
    Exact allocation of a money total by integer weights, to the cent.

    DuckDB divides decimals into DOUBLE, which is not good enough for money. This works in integer
    cents instead: the piece for a row is round_half_up(total * cum_weight / total_weight) minus the
    same for the previous cumulative weight, so the pieces of one total always sum to it exactly
    (the telescoping sum) and each piece is within a cent of its exact share.
-#}
{% macro cumulative_cents(total, cum_weight, total_weight) -%}
    ({{ int_div(
        "cast(round(" ~ total ~ " * 100, 0) as " ~ exact_int_type() ~ ") * (" ~ cum_weight ~ ") * 2 + (" ~ total_weight ~ ")",
        "2 * (" ~ total_weight ~ ")"
    ) }})
{%- endmacro %}

{% macro allocate_piece(total, cum_weight, prev_cum_weight, total_weight) -%}
    cast(
        cast(
            {{ cumulative_cents(total, cum_weight, total_weight) }}
            - {{ cumulative_cents(total, prev_cum_weight, total_weight) }}
            as decimal(38, 0)
        ) * 0.01 as decimal(18, 2)
    )
{%- endmacro %}

{#- Integer weights from decimal ones (phasing weights, split percents) without losing digits. -#}
{% macro integer_weight(weight) -%}
    cast(round({{ weight }} * 1000000, 0) as bigint)
{%- endmacro %}

{% macro int_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('int_div', 'scorecards')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__int_div(numerator, denominator) -%}
    floor(({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}

{#- Spark divides DECIMAL(38, 0) into DECIMAL(38, 6) rounded half up, so floor(n / d) could round
    a quotient just below an integer up to it. Take the remainder away first (pmod is exact and
    never negative for a positive denominator, which every caller passes): the division is then
    exact. -#}
{% macro spark__int_div(numerator, denominator) -%}
    cast(
        (({{ numerator }}) - pmod({{ numerator }}, {{ denominator }})) / ({{ denominator }})
        as decimal(38, 0)
    )
{%- endmacro %}

{#- Floor division in exact integers. DuckDB's // truncates toward zero (-7 // 2 = -3), which
    would round negative amounts (credit notes, clawbacks) the other way; floor gives -4. -#}
{% macro duckdb__int_div(numerator, denominator) -%}
    (
        ({{ numerator }}) // ({{ denominator }})
        - case
            when ({{ numerator }}) % ({{ denominator }}) <> 0
                and (({{ numerator }}) < 0) <> (({{ denominator }}) < 0)
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- ISO day of week, Monday = 1 ... Sunday = 7. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'scorecards')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    extract(isodow from {{ date_expr }})
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    extract(dayofweek_iso from {{ date_expr }})
{%- endmacro %}

{#- numerator / denominator as DECIMAL(18, scale), rounded half up, null when the denominator is
    null or zero. Exact: both sides are taken in millionths (money has two decimals, ratios and
    means six) and divided as integers, because attainment decides pay and DOUBLE division does
    not. HUGEINT holds 10^16 x 10^6 x 2 x 10^6 with room to spare. -#}
{% macro safe_ratio(numerator, denominator, scale=6) -%}
    {%- set num = "cast(round(cast(" ~ numerator ~ " as decimal(38, 6)) * 1000000, 0) as " ~ exact_int_type() ~ ")" -%}
    {%- set den = "cast(round(cast(" ~ denominator ~ " as decimal(38, 6)) * 1000000, 0) as " ~ exact_int_type() ~ ")" -%}
    cast(
        case
            when {{ denominator }} is null or {{ den }} = 0 then null
            else cast(
                {{ int_div(
                    num ~ " * (case when " ~ den ~ " < 0 then -1 else 1 end) * " ~ (2 * 10 ** scale) ~ " + abs(" ~ den ~ ")",
                    "2 * abs(" ~ den ~ ")"
                ) }} as decimal(38, 0)
            ) * {{ "0." ~ "0" * (scale - 1) ~ "1" }}
        end as decimal(18, {{ scale }})
    )
{%- endmacro %}

{#- Median, portably (DuckDB has median; the default is the SQL standard ordered-set form). -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'scorecards')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{#- DuckDB's median aggregate keeps a sorted state per group: over 9.7M stage-history rows in
    430,000 groups (fct_stage_conversion at the large scale) it took 42 s, the median of each
    group's list 6.8 s, with the same values (nulls left out, the mean of the two middle values
    of an even count). -#}
{% macro duckdb__median(expr) -%}
    list_median(list({{ expr }}))
{%- endmacro %}
