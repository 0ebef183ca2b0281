with

source as (

    select * from {{ source('erp', 'invoices') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by invoice_id
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        invoice_id,
        invoice_date,
        customer_id,
        order_id,
        sales_rep_id,
        amount_net,
        tax_amount,
        currency,
        document_type,
        status,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
