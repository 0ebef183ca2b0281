with

source as (

    select * from {{ source('crm', 'leads') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by lead_id
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        lead_id,
        created_at,
        owner_id,
        source,
        status,
        qualified_at,
        converted_at,
        opportunity_id,
        account_id,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
