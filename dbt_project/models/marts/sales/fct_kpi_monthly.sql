{#- Actuals per scope, month and metric, summed from the credit ledger up to the as-of date.
    Team and region figures use the team of the credited user on each transaction's date;
    the company figure includes unknown and unassigned members. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= cast('{{ var("as_of_date") }}' as date)

),

rep_level as (

    select
        'rep' as scope_type,
        credited_user_id as scope_id,
        month_start,
        metric,
        sum(amount_base) as actual,
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
        sum(amount_base) as actual,
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
        sum(amount_base) as actual,
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
        sum(amount_base) as actual,
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

typed as (

    select
        scope_type,
        scope_id,
        month_start,
        metric,
        cast(actual as decimal(20, 2)) as actual,
        transaction_count
    from unioned

)

select * from typed
