{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from opportunities (and their revenue splits): bookings, pipeline
    created, new customers, win rate, average deal size and sales-cycle days, in the ledger's
    columns (macros/ledger.sql); int_transactions_credited resolves them to members. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

splits as (

    select * from {{ ref('stg_crm__opportunity_splits') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

opportunities_converted as (

    select
        opportunities.*,
        {{ fx_rate('close_fx', 'opportunities.currency') }} as close_fx_rate,
        {{ fx_rate('created_fx', 'opportunities.currency') }} as created_fx_rate,
        cast(
            {{ dbt.datediff('cast(opportunities.created_at as date)', 'opportunities.close_date', 'day') }}
            as decimal(18, 2)
        ) as cycle_days
    from opportunities
    left join fx_rates as close_fx
        on {{ fx_join_condition('close_fx', 'opportunities.currency', 'opportunities.close_date') }}
    left join fx_rates as created_fx
        on {{ fx_join_condition(
            'created_fx', 'opportunities.currency', 'cast(opportunities.created_at as date)'
        ) }}

),

revenue_split_weights as (

    select
        opportunity_id,
        user_id,
        {{ integer_weight('percent') }} as weight,
        sum({{ integer_weight('percent') }}) over (
            partition by opportunity_id order by user_id rows between unbounded preceding and current row
        ) as cum_weight,
        sum({{ integer_weight('percent') }}) over (partition by opportunity_id) as total_weight
    from splits
    where split_type = 'revenue'

),

bookings_unsplit as (

    select
        {{ ledger_columns(
            "'bookings'", 'crm', "'opportunity'", 'opportunity_id', 'close_date', 'owner_id',
            "'opportunity_owner'", currency='currency', amount_original='amount',
            fx_rate='close_fx_rate', amount_base=to_base('amount', 'close_fx_rate'),
        ) }}
    from opportunities_converted
    where
        is_won
        and opportunity_id not in (select revenue_split_weights.opportunity_id from revenue_split_weights)

),

bookings_split as (

    select
        {{ ledger_columns(
            "'bookings'", 'crm', "'opportunity'", 'won.opportunity_id', 'won.close_date',
            'weights.user_id', "'revenue_split'", currency='won.currency',
            amount_original=allocate_piece(
                'won.amount', 'weights.cum_weight', 'weights.cum_weight - weights.weight',
                'weights.total_weight',
            ),
            fx_rate='won.close_fx_rate',
            amount_base=allocate_piece(
                to_base('won.amount', 'won.close_fx_rate'),
                'weights.cum_weight',
                'weights.cum_weight - weights.weight',
                'weights.total_weight',
            ),
            prefix='won.',
        ) }}
    from opportunities_converted as won
    inner join revenue_split_weights as weights
        on won.opportunity_id = weights.opportunity_id
    where won.is_won

),

pipeline_created as (

    select
        {{ ledger_columns(
            "'pipeline_created'", 'crm', "'opportunity'", 'opportunity_id', 'cast(created_at as date)',
            'owner_id', "'opportunity_owner'", currency='currency', amount_original='amount',
            fx_rate='created_fx_rate', amount_base=to_base('amount', 'created_fx_rate'),
        ) }}
    from opportunities_converted

),

first_wins as (

    select
        opportunities_converted.*,
        row_number() over (
            partition by opportunities_converted.account_id
            order by opportunities_converted.close_date, opportunities_converted.opportunity_id
        ) as win_order
    from opportunities_converted
    where opportunities_converted.is_won

),

new_customers as (

    select
        {{ ledger_columns(
            "'new_customers'", 'crm', "'account'", 'account_id', 'close_date', 'owner_id',
            "'first_won_opportunity_owner'",
        ) }}
    from first_wins
    where win_order = 1

),

win_rate as (

    select
        {{ ledger_columns(
            "'win_rate'", 'crm', "'opportunity'", 'opportunity_id', 'close_date', 'owner_id',
            "'opportunity_owner'",
            amount_original='cast(case when is_won then 1 else 0 end as decimal(18, 2))',
            denominator='cast(1 as decimal(18, 2))',
        ) }}
    from opportunities_converted
    where is_closed

),

avg_deal_size as (

    select
        {{ ledger_columns(
            "'avg_deal_size'", 'crm', "'opportunity'", 'opportunity_id', 'close_date', 'owner_id',
            "'opportunity_owner'", currency='currency', amount_original='amount',
            fx_rate='close_fx_rate', amount_base=to_base('amount', 'close_fx_rate'),
            denominator='cast(1 as decimal(18, 2))',
        ) }}
    from opportunities_converted
    where is_won

),

sales_cycle_days as (

    select
        {{ ledger_columns(
            "'sales_cycle_days'", 'crm', "'opportunity'", 'opportunity_id', 'close_date', 'owner_id',
            "'opportunity_owner'", amount_original='cycle_days',
            denominator='cast(1 as decimal(18, 2))',
        ) }}
    from opportunities_converted
    where is_won

),

ledgered as (

    {% for piece in [
        'bookings_unsplit', 'bookings_split', 'pipeline_created', 'new_customers', 'win_rate',
        'avg_deal_size', 'sales_cycle_days',
    ] %}
        select * from {{ piece }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from ledgered
