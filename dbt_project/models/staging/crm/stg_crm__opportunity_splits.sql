with

source as (

    select * from {{ source('crm', 'opportunity_splits') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by opportunity_id, user_id, split_type
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        opportunity_id,
        user_id,
        split_type,
        percent,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
