with

days as (

    select * from {{ ref('int_calendar_days_spined') }}

)

select * from days
