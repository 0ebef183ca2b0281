with

source as (

    select * from {{ source('crm', 'opportunity_stage_history') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by opportunity_id, stage, entered_at
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        opportunity_id,
        stage,
        entered_at,
        amount,
        currency,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
