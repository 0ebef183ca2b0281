with

source as (

    select * from {{ source('plan', 'plan_assignments') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id, plan_id, valid_from
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        user_id,
        plan_id,
        valid_from,
        valid_to,
        on_target_incentive,
        currency,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
