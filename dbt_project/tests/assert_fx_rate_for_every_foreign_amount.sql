-- Every foreign-currency amount needs a rate on or before its date; a missing rate is a failing
-- check, never a null amount.
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}

),

missing_rates as (

    select
        metric,
        document_id,
        transaction_date,
        currency,
        source_file,
        source_line
    from ledger
    where fx_rate is null or amount_base is null

)

select * from missing_rates
