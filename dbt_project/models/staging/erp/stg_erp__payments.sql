with

source as (

    select * from {{ source('erp', 'payments') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by payment_id
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        payment_id,
        invoice_id,
        paid_date,
        amount,
        currency,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
