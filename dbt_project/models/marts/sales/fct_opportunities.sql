{#- One row per opportunity (latest version): owner, the owner's team on the created date and, for
    closed deals, on the close date; amounts in original and base currency; cycle days. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

ledger as (

    select * from {{ ref('int_transactions_credited') }}

),

created_credit as (

    select
        document_id,
        credited_user_id,
        team_id,
        region,
        fx_rate,
        amount_base
    from ledger
    where metric = 'pipeline_created'

),

closed_credit as (

    select
        document_id,
        team_id,
        region
    from ledger
    where metric = 'win_rate'

),

won_credit as (

    select
        document_id,
        fx_rate,
        amount_base
    from ledger
    where metric = 'avg_deal_size'

),

detailed as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        created_credit.credited_user_id as owner_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.stage,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.product_line,
        opportunities.currency,
        opportunities.amount,
        cast(opportunities.created_at as date) as created_date,
        opportunities.close_date,
        created_credit.team_id as team_id_on_created,
        created_credit.region as region_on_created,
        closed_credit.team_id as team_id_on_close,
        closed_credit.region as region_on_close,
        created_credit.fx_rate as fx_rate_on_created,
        created_credit.amount_base as amount_base_on_created,
        won_credit.fx_rate as fx_rate_on_close,
        won_credit.amount_base as amount_base_won,
        cast(
            case
                when opportunities.is_won
                    then {{ dbt.datediff('cast(opportunities.created_at as date)', 'opportunities.close_date', 'day') }}
            end as bigint
        ) as cycle_days,
        opportunities.updated_at,
        opportunities.source_file,
        opportunities.source_line
    from opportunities
    inner join created_credit
        on opportunities.opportunity_id = created_credit.document_id
    left join closed_credit
        on opportunities.opportunity_id = closed_credit.document_id
    left join won_credit
        on opportunities.opportunity_id = won_credit.document_id

)

select * from detailed
