with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by opportunity_id
            order by updated_at desc nulls last, _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        opportunity_id,
        account_id,
        owner_id,
        opportunity_name,
        type as opportunity_type,
        stage,
        amount,
        currency,
        created_at,
        close_date,
        is_closed,
        is_won,
        product_line,
        updated_at,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
