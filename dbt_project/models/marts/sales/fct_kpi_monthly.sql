{#- Actuals per scope, month and metric, summed from the credit ledger up to the as-of date.
    Team and region figures use the team of the credited user on each transaction's date;
    the company figure includes unknown and unassigned members. Ratio metrics keep their
    numerator and denominator so that any roll-up divides sums, never averages ratios. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= cast('{{ var("as_of_date") }}' as date)

),

metrics as (

    select * from {{ ref('metrics') }}

),

rep_level as (

    select
        'rep' as scope_type,
        credited_user_id as scope_id,
        month_start,
        metric,
        sum(amount_base) as numerator,
        sum(denominator) as denominator,
        count(*) as transaction_count
    from ledger
    group by credited_user_id, month_start, metric

),

team_level as (

    select
        'team' as scope_type,
        team_id as scope_id,
        month_start,
        metric,
        sum(amount_base) as numerator,
        sum(denominator) as denominator,
        count(*) as transaction_count
    from ledger
    group by team_id, month_start, metric

),

region_level as (

    select
        'region' as scope_type,
        region as scope_id,
        month_start,
        metric,
        sum(amount_base) as numerator,
        sum(denominator) as denominator,
        count(*) as transaction_count
    from ledger
    group by region, month_start, metric

),

company_level as (

    select
        'company' as scope_type,
        'company' as scope_id,
        month_start,
        metric,
        sum(amount_base) as numerator,
        sum(denominator) as denominator,
        count(*) as transaction_count
    from ledger
    group by month_start, metric

),

unioned as (

    select * from rep_level
    union all
    select * from team_level
    union all
    select * from region_level
    union all
    select * from company_level

),

measured as (

    select
        unioned.scope_type,
        unioned.scope_id,
        unioned.month_start,
        unioned.metric,
        cast(unioned.numerator as decimal(24, 2)) as numerator,
        cast(unioned.denominator as decimal(24, 2)) as denominator,
        case
            when metrics.aggregation = 'ratio'
                then cast({{ safe_ratio('unioned.numerator', 'unioned.denominator') }} as decimal(24, 6))
            else cast(unioned.numerator as decimal(24, 6))
        end as actual,
        unioned.transaction_count
    from unioned
    inner join metrics
        on unioned.metric = metrics.metric

)

select * from measured
