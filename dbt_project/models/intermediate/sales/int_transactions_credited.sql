{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        tags=['monthly'],
        pre_hook="{{ delete_partition('month_start') }}",
    )
}}
{#- The credit ledger: one row per credited piece of every transaction, for every metric.

    Each row says which metric it feeds, which document it came from (file and line), who is
    credited and on what basis, the amount in original and base currency with the rate used, and
    the team and region the credited user belonged to ON THE TRANSACTION DATE. Rep, team, region
    and company figures are sums over this ledger, so a rep who moved team mid-month splits that
    month, and company totals include unknown and unassigned members. For ratio metrics (win
    rate, average deal size, sales-cycle days, lead conversion) amount_base is the row's share of
    the numerator and denominator its share of the denominator; sums of both roll up, and the
    ratio is taken last.

    Every metric of the registry (dbt_project.yml, vars.metric_registry) takes the rows it
    names from its source's ledger model (int_<source>_ledgered): the row set, the condition, and
    the numerator and denominator (macros/ledger.sql). This model keeps the months of the run
    and resolves every credit to a member. -#}
with

users as (

    select * from {{ ref('stg_crm__users') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

{% for source in metric_sources() %}
    {{ source }}_ledger as (

        select * from {{ ref('int_' ~ source ~ '_ledgered') }}

    ),
{% endfor %}

unioned as (

    {% for metric in ledger_metrics() %}
        select {{ ledger_metric_columns(metric) }}
        from {{ metric.source }}_ledger
        where
            row_set = '{{ metric.rows }}'
            {% if metric.where is not none %}and ({{ metric.where }}){% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

in_partition as (

    {#- The months of this run only (every month in a full build), before the ledger is resolved
        to members: members_resolved is read twice, and the filter is not pushed into it from
        the end (one month at the large scale took 34 s filtered at the end, 19 s here). -#}
    select * from unioned
    where {{ in_partition('transaction_date') }}

),

members_resolved as (

    select
        in_partition.*,
        case
            when in_partition.chain_user_id in ('unassigned', 'unknown') then in_partition.chain_user_id
            when in_partition.chain_user_id is null then 'unassigned'
            when users.user_id is null then 'unknown'
            else users.user_id
        end as credited_user_id,
        users.team_id as current_team_id
    from in_partition
    left join users
        on in_partition.chain_user_id = users.user_id

),

credit_days as (

    select distinct
        credited_user_id,
        transaction_date
    from members_resolved

),

membership_on_date as (

    {#- The team of a rep on a day: the membership covering the day with the latest start
        (memberships from team_assignments may overlap). Chosen once per rep and day, not per
        credit: a window over every credit (20M activities at the large scale) needed more than
        DuckDB's memory limit. -#}

    select
        credit_days.credited_user_id,
        credit_days.transaction_date,
        memberships.team_id as membership_team_id,
        memberships.region as membership_region,
        row_number() over (
            partition by credit_days.credited_user_id, credit_days.transaction_date
            order by memberships.valid_from desc
        ) as membership_rank
    from credit_days
    inner join memberships
        on credit_days.credited_user_id = memberships.user_id
        and credit_days.transaction_date >= memberships.valid_from
        and (
            memberships.valid_to_exclusive is null
            or credit_days.transaction_date < memberships.valid_to_exclusive
        )

),

team_on_date as (

    select
        members_resolved.*,
        membership_on_date.membership_team_id,
        membership_on_date.membership_region
    from members_resolved
    left join membership_on_date
        on members_resolved.credited_user_id = membership_on_date.credited_user_id
        and members_resolved.transaction_date = membership_on_date.transaction_date
        and membership_on_date.membership_rank = 1

),

ledger as (

    select
        {{ dbt.concat([
            "team_on_date.metric", "':'", "team_on_date.document_id", "':'", "team_on_date.credited_user_id",
        ]) }} as credit_id,
        team_on_date.metric,
        team_on_date.source_system,
        team_on_date.source_entity,
        team_on_date.document_id,
        team_on_date.transaction_date,
        cast({{ dbt.date_trunc('month', 'team_on_date.transaction_date') }} as date) as month_start,
        team_on_date.credited_user_id,
        team_on_date.credit_basis,
        coalesce(
            team_on_date.membership_team_id,
            case
                when team_on_date.credited_user_id not in ('unknown', 'unassigned')
                    then team_on_date.current_team_id
            end,
            'unknown'
        ) as team_id,
        case
            when team_on_date.membership_team_id is not null then 'membership_on_date'
            when team_on_date.credited_user_id in ('unknown', 'unassigned') then team_on_date.credited_user_id
            else 'current_team'
        end as team_basis,
        team_on_date.currency,
        team_on_date.amount_original,
        team_on_date.fx_rate,
        team_on_date.amount_base,
        team_on_date.denominator,
        team_on_date.source_file,
        team_on_date.source_line
    from team_on_date

),

with_region as (

    select
        ledger.*,
        coalesce(teams.region, 'unknown') as region
    from ledger
    left join teams
        on ledger.team_id = teams.team_id

)

select * from with_region
