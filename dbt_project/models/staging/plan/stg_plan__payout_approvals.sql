{#- Every dated decision on a rep's payouts of a pay period (the latest file's version of each);
    payout_approvals keeps the one in force at the as-of date. -#}
with

source as (

    select * from {{ source('plan', 'payout_approvals') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id, period_start, decided_at
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        user_id,
        period_start,
        status,
        note,
        approver_id,
        decided_at,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
