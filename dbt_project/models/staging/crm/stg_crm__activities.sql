with

source as (

    select * from {{ source('crm', 'activities') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by activity_id
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        activity_id,
        owner_id,
        activity_type,
        occurred_at,
        account_id,
        opportunity_id,
        duration_minutes,
        outcome,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
