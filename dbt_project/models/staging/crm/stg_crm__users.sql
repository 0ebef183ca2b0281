with

source as (

    select * from {{ source('crm', 'users') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by snapshot_date desc nulls last, _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        user_id,
        full_name,
        email,
        role,
        manager_id,
        team_id,
        hire_date,
        termination_date,
        snapshot_date,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
