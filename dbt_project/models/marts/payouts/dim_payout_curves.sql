{#- Each comp plan's payout curve, one row per segment: from attainment_from up to the next
    segment's start (the last is open-ended), the payout fraction is
    payout_at_from + slope x (attainment - attainment_from). What a statement shows so that a rep
    can find their segment and redo the fraction by hand. -#}
with

curve as (

    select * from {{ ref('stg_plan__payout_curve') }}

),

segmented as (

    select
        plan_id,
        attainment_from,
        lead(attainment_from) over (
            partition by plan_id
            order by attainment_from
        ) as attainment_to,
        payout_at_from,
        slope,
        cast(row_number() over (
            partition by plan_id
            order by attainment_from
        ) as {{ dbt.type_bigint() }}) as segment,
        source_file,
        source_line
    from curve

)

select * from segmented
