{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        tags=['monthly'],
        pre_hook="{{ delete_partition('month_start') }}",
    )
}}
{#- Actuals per scope, month and metric, summed from the credit ledger up to the as-of date.
    Team and region figures use the team of the credited user on each transaction's date;
    the company figure includes unknown and unassigned members. Ratio metrics keep their
    numerator and denominator so that any roll-up divides sums, never averages ratios. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where
        transaction_date <= {{ as_of_date() }}
        and {{ in_partition('month_start') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

unioned as (

    {#- The same sums at each level: the credited user, the team and region on the transaction
        date, and the company (which keeps unknown and unassigned members). -#}
    {%- set levels = [
        ('rep', 'credited_user_id'),
        ('team', 'team_id'),
        ('region', 'region'),
        ('company', "'company'"),
    ] %}
    {% for scope_type, scope_key in levels %}
        select
            '{{ scope_type }}' as scope_type,
            {{ scope_key }} as scope_id,
            month_start,
            metric,
            sum(amount_base) as numerator,
            sum(denominator) as denominator,
            count(*) as transaction_count
        from ledger
        group by {{ scope_key }}, month_start, metric
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
