{#- Finance's decision in force at the as-of date on each rep's payouts of a pay period
    (landing/plan/payout_approvals*): approved, disputed or on hold, with who decided and when.
    A decision dated after the as-of date is not yet known, so a run as of an earlier date sees
    what finance had decided then; the latest decision wins (an undated one ranks below every
    dated one, then the newest file). A payout without a decision is pending. Only approved
    payouts reach the payroll file (publication/payroll.py); a decision for a payout that does
    not exist stops publication (assert_approvals_name_a_payout). -#}
with

decisions as (

    select * from {{ ref('stg_plan__payout_approvals') }}

),

known_by_as_of as (

    select
        *,
        row_number() over (
            partition by user_id, period_start
            order by decided_at desc nulls last, source_load_id desc, source_line desc
        ) as decision_rank
    from decisions
    where decided_at is null or decided_at <= {{ as_of_date() }}

),

in_force as (

    select
        user_id,
        period_start,
        status,
        note,
        approver_id,
        decided_at,
        source_file,
        source_line
    from known_by_as_of
    where decision_rank = 1

)

select * from in_force
