{#- Actuals per scope, ISO week and metric, summed from the credit ledger up to the as-of date:
    fct_kpi_monthly's figures by week (the same levels and the same roll-up rules). -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= {{ as_of_date() }}

),

ledger_weeks as (

    select
        *,
        cast({{ dbt.date_trunc('week', 'transaction_date') }} as date) as week_start
    from ledger

),

summed as (

    {{ ledger_summed_by_scope('ledger_weeks', 'week_start') }}

)

select * from summed
