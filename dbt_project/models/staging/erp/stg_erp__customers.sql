with

source as (

    select * from {{ source('erp', 'customers') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        customer_id,
        customer_name,
        crm_account_id,
        tax_id,
        country,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
