with

source as (

    select * from {{ source('erp', 'sales_orders') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by order_id
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        order_id,
        order_date,
        customer_id,
        crm_opportunity_id,
        sales_rep_id,
        currency,
        status,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
