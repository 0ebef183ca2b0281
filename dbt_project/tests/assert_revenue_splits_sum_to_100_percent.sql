-- Revenue splits of an opportunity must sum to 100%, or bookings would be over- or under-credited.
with

splits as (

    select * from {{ ref('stg_crm__opportunity_splits') }}
    where split_type = 'revenue'

),

totals as (

    select
        opportunity_id,
        sum(percent) as total_percent,
        {{ source_rows() }} as source_rows
    from splits
    group by opportunity_id
    having sum(percent) <> 100

)

select * from totals
