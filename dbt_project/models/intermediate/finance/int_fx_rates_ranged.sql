{#- Each rate with the range of dates it serves: a transaction uses the latest rate on or before
    its date, i.e. the row with valid_from <= date < valid_to_exclusive. -#}
with

rates as (

    select * from {{ ref('stg_erp__fx_rates') }}

),

ranged as (

    select
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_to_exclusive,
        rate_to_base
    from rates

)

select * from ranged
