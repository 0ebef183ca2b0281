-- Warning: a rep who was a member for the whole of a closed month and logged no activity in it
-- (only from the first month the activity exports cover).
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_activities'}}}) }}

with

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

first_activity_month as (

    select cast({{ dbt.date_trunc('month', 'min(activity_date)') }} as date) as month_start
    from activities

),

full_months as (

    select
        member_days.user_id,
        member_days.month_start
    from member_days
    inner join first_activity_month
        on member_days.month_start >= first_activity_month.month_start
    where
        member_days.role = 'rep'
        and member_days.member_days = member_days.days_in_month
        and {{ dbt.dateadd('month', '1', 'member_days.month_start') }} <= cast('{{ run_var("as_of_date") }}' as date)

),

active_months as (

    select distinct
        user_id,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start
    from activities

),

silent as (

    select
        full_months.user_id,
        full_months.month_start
    from full_months
    left join active_months
        on full_months.user_id = active_months.user_id
        and full_months.month_start = active_months.month_start
    where active_months.user_id is null

)

select * from silent
