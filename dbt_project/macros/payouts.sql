{#- The payout rules, written once: int_payouts_earned applies them to the scorecard's attainment
    and sim_payouts_earned (models/simulation, `scorecards plan --simulate`) to simulated
    attainment, so a plan's simulated cost is what the same rules would pay.

    payout_curve_steps emits the CTEs segment_candidates, segmented and fractions over
    `with_attainment` (one row per `keys`, with plan_id, attainment, threshold, cap and
    capped_attainment = least(attainment, cap)) and the payout curve `curve`: below the threshold
    the fraction is 0; otherwise the curve segment is the one with the greatest attainment_from at
    or below the capped attainment, and payout_fraction = payout_at_from + slope x
    (capped_attainment - attainment_from), rounded half up to six places (in millionths). -#}
{% macro payout_curve_steps(with_attainment, curve, keys) -%}
segment_candidates as (

    select
        {%- for key in keys %}
            {{ with_attainment }}.{{ key }},
        {%- endfor %}
        curve.attainment_from,
        curve.payout_at_from,
        curve.slope,
        row_number() over (
            partition by
                {%- for key in keys %}
                    {{ with_attainment }}.{{ key }}{{ ',' if not loop.last }}
                {%- endfor %}
            order by curve.attainment_from desc
        ) as segment_rank
    from {{ with_attainment }}
    inner join {{ curve }} as curve
        on {{ with_attainment }}.plan_id = curve.plan_id
        and {{ with_attainment }}.capped_attainment >= curve.attainment_from

),

segmented as (

    select
        {{ with_attainment }}.*,
        segment_candidates.attainment_from as segment_attainment_from,
        segment_candidates.payout_at_from as segment_payout_at_from,
        segment_candidates.slope as segment_slope,
        case
            when {{ with_attainment }}.attainment is null then 'no_target'
            when {{ with_attainment }}.attainment < {{ with_attainment }}.threshold then 'below_threshold'
            when segment_candidates.attainment_from is null then 'below_curve'
            when {{ with_attainment }}.attainment > {{ with_attainment }}.cap then 'capped'
            else 'on_curve'
        end as payout_basis
    from {{ with_attainment }}
    left join segment_candidates
        on segment_candidates.segment_rank = 1
        {%- for key in keys %}
            and {{ with_attainment }}.{{ key }} = segment_candidates.{{ key }}
        {%- endfor %}

),

fractions as (

    select
        *,
        case
            when payout_basis in ('on_curve', 'capped')
                then {{ round_div(
                    to_millionths('segment_payout_at_from') ~ " * 1000000 + "
                    ~ to_millionths('segment_slope') ~ " * ("
                    ~ to_millionths('capped_attainment') ~ " - " ~ to_millionths('segment_attainment_from') ~ ")",
                    "1000000"
                ) }}
            else 0
        end as payout_fraction_millionths
    from segmented

)
{%- endmacro %}


{#- What a payout fraction (in millionths) earns of a prorated incentive at a weight: rounded half
    up to the cent. -#}
{% macro earned_amount(prorated_incentive, weight, fraction_millionths) -%}
    {{ from_cents(round_div(
        to_cents(prorated_incentive) ~ " * " ~ to_millionths(weight) ~ " * " ~ fraction_millionths,
        "1000000000000"
    )) }}
{%- endmacro %}
