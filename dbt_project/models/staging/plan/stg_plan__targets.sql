with

source as (

    select * from {{ source('plan', 'targets') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by scope_type, scope_id, metric, period_type, period_start, tier, effective_date
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        scope_type,
        scope_id,
        metric,
        period_type,
        period_start,
        tier,
        value,
        effective_date,
        note,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
