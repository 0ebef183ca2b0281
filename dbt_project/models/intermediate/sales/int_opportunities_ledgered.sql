{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from opportunities and their revenue splits, as row sets the metric
    registry picks from (dbt_project.yml, vars.metric_registry; macros/ledger.sql):
    - created: every opportunity, on its created date, at that date's rate (owner credit);
    - closed: every closed opportunity, on its close date, at that date's rate (owner credit),
      with is_won and cycle_days (created to close);
    - won_credit: every won opportunity credited by its revenue splits, or to its owner when it
      has none, each piece allocated to the cent;
    - first_win: the first won opportunity of each account (document: the account).
    int_transactions_credited turns them into metrics and resolves them to members. -#}
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

owner_at_close as (

    {#- Credited to the owner at the close date's rate: every closed opportunity, and the won
        credit of a won opportunity without revenue splits (the whole amount is the owner's). -#}
    {%- set conditions = {
        'closed': 'is_closed',
        'won_credit': 'is_won and opportunity_id not in '
            ~ '(select revenue_split_weights.opportunity_id from revenue_split_weights)',
    } %}
    {% for row_set, condition in conditions.items() %}
        select
            {{ ledger_row(
                row_set, 'crm', "'opportunity'", 'opportunity_id', 'close_date', 'owner_id',
                "'opportunity_owner'", currency='currency', amount_original='amount',
                fx_rate='close_fx_rate', amount_base=to_base('amount', 'close_fx_rate'),
            ) }},
            is_won,
            cycle_days,
            source_file,
            source_line
        from opportunities_converted
        where {{ condition }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

won_split as (

    select
        {{ ledger_row(
            'won_credit', 'crm', "'opportunity'", 'won.opportunity_id', 'won.close_date',
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
        ) }},
        won.is_won,
        won.cycle_days,
        won.source_file,
        won.source_line
    from opportunities_converted as won
    inner join revenue_split_weights as weights
        on won.opportunity_id = weights.opportunity_id
    where won.is_won

),

created as (

    select
        {{ ledger_row(
            'created', 'crm', "'opportunity'", 'opportunity_id', 'cast(created_at as date)',
            'owner_id', "'opportunity_owner'", currency='currency', amount_original='amount',
            fx_rate='created_fx_rate', amount_base=to_base('amount', 'created_fx_rate'),
        ) }},
        is_won,
        cycle_days,
        source_file,
        source_line
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

first_win as (

    select
        {{ ledger_row(
            'first_win', 'crm', "'account'", 'account_id', 'close_date', 'owner_id',
            "'first_won_opportunity_owner'",
        ) }},
        is_won,
        cycle_days,
        source_file,
        source_line
    from first_wins
    where win_order = 1

),

ledgered as (

    {% for row_set in ['owner_at_close', 'won_split', 'created', 'first_win'] %}
        select * from {{ row_set }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from ledgered
