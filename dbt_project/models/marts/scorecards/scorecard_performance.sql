{#- The performance scorecard: per rep and month, the weighted score of the components
    (scorecard_performance_components), rounded to two places; grade A (>= 100), B (>= 85),
    C (>= 70), else D; rank within the rep's team that month and within the company. A
    provisional month (still open) is scored on pace to date and said to be provisional. -#}
with

components as (

    select * from {{ ref('scorecard_performance_components') }}

),

rolled as (

    select
        user_id,
        month_start,
        role,
        team_id,
        region,
        is_provisional,
        cast(round(sum(weighted_points), 2) as decimal(18, 2)) as score,
        cast(sum(weight) as decimal(38, 6)) as weight_total,
        count(*) as component_count,
        count(missing_reason) as missing_component_count,
        {{ dbt.listagg(
            "case when missing_reason is not null then kpi || ':' || missing_reason end",
            "', '",
            "order by kpi"
        ) }} as missing_components
    from components
    group by user_id, month_start, role, team_id, region, is_provisional

),

graded as (

    select
        *,
        case
            when score >= 100 then 'A'
            when score >= 85 then 'B'
            when score >= 70 then 'C'
            else 'D'
        end as grade,
        cast(rank() over (partition by month_start, team_id order by score desc) as bigint) as rank_in_team,
        cast(rank() over (partition by month_start order by score desc) as bigint) as rank_in_company,
        {{ as_of_date() }} as as_of_date
    from rolled

)

select * from graded
