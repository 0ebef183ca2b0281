{#- Days each user belonged to each team in each month: the weights for allocating team and
    region targets, for prorating rep targets, and for attributing a rep's target to the teams
    of a month in which the rep moved. -#}
with

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

membership_month_overlaps as (

    select
        memberships.user_id,
        memberships.team_id,
        memberships.region,
        memberships.role,
        months.month_start,
        months.days_in_month,
        greatest(memberships.valid_from, months.month_start) as overlap_start,
        case
            when memberships.valid_to_exclusive is null then months.next_month_start
            else least(memberships.valid_to_exclusive, months.next_month_start)
        end as overlap_end_exclusive
    from memberships
    inner join months
        on months.month_start < coalesce(memberships.valid_to_exclusive, cast('9999-12-31' as date))
        and memberships.valid_from < months.next_month_start

),

member_days as (

    select
        user_id,
        team_id,
        region,
        role,
        month_start,
        days_in_month,
        sum({{ dbt.datediff('overlap_start', 'overlap_end_exclusive', 'day') }}) as member_days,
        max(overlap_end_exclusive) as member_until_exclusive
    from membership_month_overlaps
    group by user_id, team_id, region, role, month_start, days_in_month

)

select * from member_days
