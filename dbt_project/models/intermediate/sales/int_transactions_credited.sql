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
    ratio is taken last. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

splits as (

    select * from {{ ref('stg_crm__opportunity_splits') }}

),

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

opportunities_converted as (

    select
        opportunities.*,
        {{ fx_rate('close_fx', 'opportunities.currency') }} as close_fx_rate,
        {{ fx_rate('created_fx', 'opportunities.currency') }} as created_fx_rate,
        cast(
            {{ dbt.datediff('cast(opportunities.created_at as date)', 'opportunities.close_date', 'day') }}
            as decimal(18, 2)
        ) as cycle_days
    from opportunities
    left join fx_rates as close_fx
        on {{ fx_join_condition('close_fx', 'opportunities.currency', 'opportunities.close_date') }}
    left join fx_rates as created_fx
        on {{ fx_join_condition(
            'created_fx', 'opportunities.currency', 'cast(opportunities.created_at as date)'
        ) }}

),

revenue_split_weights as (

    select
        opportunity_id,
        user_id,
        {{ integer_weight('percent') }} as weight,
        sum({{ integer_weight('percent') }}) over (
            partition by opportunity_id order by user_id rows between unbounded preceding and current row
        ) as cum_weight,
        sum({{ integer_weight('percent') }}) over (partition by opportunity_id) as total_weight
    from splits
    where split_type = 'revenue'

),

bookings_unsplit as (

    select
        'bookings' as metric,
        'crm' as source_system,
        'opportunity' as source_entity,
        opportunity_id as document_id,
        close_date as transaction_date,
        owner_id as chain_user_id,
        'opportunity_owner' as credit_basis,
        currency,
        amount as amount_original,
        close_fx_rate as fx_rate,
        {{ to_base('amount', 'close_fx_rate') }} as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from opportunities_converted
    where
        is_won
        and opportunity_id not in (select revenue_split_weights.opportunity_id from revenue_split_weights)

),

bookings_split as (

    select
        'bookings' as metric,
        'crm' as source_system,
        'opportunity' as source_entity,
        won.opportunity_id as document_id,
        won.close_date as transaction_date,
        weights.user_id as chain_user_id,
        'revenue_split' as credit_basis,
        won.currency,
        {{ allocate_piece(
            'won.amount', 'weights.cum_weight', 'weights.cum_weight - weights.weight', 'weights.total_weight'
        ) }} as amount_original,
        won.close_fx_rate as fx_rate,
        {{ allocate_piece(
            to_base('won.amount', 'won.close_fx_rate'),
            'weights.cum_weight',
            'weights.cum_weight - weights.weight',
            'weights.total_weight',
        ) }} as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        won.source_file,
        won.source_line
    from opportunities_converted as won
    inner join revenue_split_weights as weights
        on won.opportunity_id = weights.opportunity_id
    where won.is_won

),

pipeline_created as (

    select
        'pipeline_created' as metric,
        'crm' as source_system,
        'opportunity' as source_entity,
        opportunity_id as document_id,
        cast(created_at as date) as transaction_date,
        owner_id as chain_user_id,
        'opportunity_owner' as credit_basis,
        currency,
        amount as amount_original,
        created_fx_rate as fx_rate,
        {{ to_base('amount', 'created_fx_rate') }} as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from opportunities_converted

),

revenue as (

    select
        'revenue' as metric,
        'erp' as source_system,
        invoices.document_type as source_entity,
        invoices.invoice_id as document_id,
        invoices.invoice_date as transaction_date,
        invoices.credited_user_id as chain_user_id,
        invoices.credit_basis,
        invoices.currency,
        invoices.signed_amount_net as amount_original,
        invoices.fx_rate,
        invoices.amount_base,
        cast(null as decimal(18, 2)) as denominator,
        invoices.source_file,
        invoices.source_line
    from invoices
    where invoices.is_revenue

),

collections as (

    select
        'collections' as metric,
        'erp' as source_system,
        'payment' as source_entity,
        payments.payment_id as document_id,
        payments.paid_date as transaction_date,
        coalesce(invoices.credited_user_id, 'unknown') as chain_user_id,
        case when invoices.invoice_id is null then 'unknown_invoice' else 'invoice_credit' end
            as credit_basis,
        payments.currency,
        payments.amount as amount_original,
        {{ fx_rate('fx_rates', 'payments.currency') }} as fx_rate,
        {{ to_base('payments.amount', fx_rate('fx_rates', 'payments.currency')) }} as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        payments.source_file,
        payments.source_line
    from payments
    left join invoices
        on payments.invoice_id = invoices.invoice_id
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'payments.currency', 'payments.paid_date') }}

),

activity_counts as (

    select
        activity_type || 's' as metric,
        'crm' as source_system,
        'activity' as source_entity,
        activity_id as document_id,
        cast(occurred_at as date) as transaction_date,
        owner_id as chain_user_id,
        'activity_owner' as credit_basis,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(1 as decimal(18, 2)) as amount_original,
        cast(1 as decimal(18, 8)) as fx_rate,
        cast(1 as decimal(18, 2)) as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from activities

),

gross_margin as (

    select
        'gross_margin' as metric,
        'erp' as source_system,
        'invoice_line' as source_entity,
        {{ dbt.concat([
            "invoice_lines.invoice_id", "'#'", "cast(invoice_lines.line_no as " ~ dbt.type_string() ~ ")",
        ]) }} as document_id,
        invoices.invoice_date as transaction_date,
        invoices.credited_user_id as chain_user_id,
        invoices.credit_basis,
        invoices.currency,
        -- A credit note's lines lower margin whatever sign they show, like its amount.
        cast(
            round(
                case when invoices.document_type = 'credit_note' then -1 else 1 end
                * (
                    abs(invoice_lines.amount_net)
                    - cast(abs(invoice_lines.quantity) as decimal(38, 10))
                    * coalesce(products.unit_cost, 0)
                ),
                2
            ) as decimal(18, 2)
        ) as amount_original,
        invoices.fx_rate,
        cast(
            case when invoices.document_type = 'credit_note' then -1 else 1 end
            * (
                {{ to_base('abs(invoice_lines.amount_net)', 'invoices.fx_rate') }}
                - {{ to_base(
                    'cast(abs(invoice_lines.quantity) as decimal(38, 10)) * coalesce(products.unit_cost, 0)',
                    fx_rate('cost_fx', 'coalesce(products.currency, invoices.currency)'),
                ) }}
            ) as decimal(18, 2)
        ) as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        invoice_lines.source_file,
        invoice_lines.source_line
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    left join products
        on invoice_lines.sku = products.sku
    left join fx_rates as cost_fx
        on {{ fx_join_condition(
            'cost_fx', 'coalesce(products.currency, invoices.currency)', 'invoices.invoice_date'
        ) }}
    where invoices.is_revenue

),

first_wins as (

    select
        opportunities_converted.*,
        row_number() over (
            partition by opportunities_converted.account_id
            order by opportunities_converted.close_date, opportunities_converted.opportunity_id
        ) as win_order
    from opportunities_converted
    where opportunities_converted.is_won

),

new_customers as (

    select
        'new_customers' as metric,
        'crm' as source_system,
        'account' as source_entity,
        account_id as document_id,
        close_date as transaction_date,
        owner_id as chain_user_id,
        'first_won_opportunity_owner' as credit_basis,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(1 as decimal(18, 2)) as amount_original,
        cast(1 as decimal(18, 8)) as fx_rate,
        cast(1 as decimal(18, 2)) as amount_base,
        cast(null as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from first_wins
    where win_order = 1

),

win_rate as (

    select
        'win_rate' as metric,
        'crm' as source_system,
        'opportunity' as source_entity,
        opportunity_id as document_id,
        close_date as transaction_date,
        owner_id as chain_user_id,
        'opportunity_owner' as credit_basis,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(case when is_won then 1 else 0 end as decimal(18, 2)) as amount_original,
        cast(1 as decimal(18, 8)) as fx_rate,
        cast(case when is_won then 1 else 0 end as decimal(18, 2)) as amount_base,
        cast(1 as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from opportunities_converted
    where is_closed

),

avg_deal_size as (

    select
        'avg_deal_size' as metric,
        'crm' as source_system,
        'opportunity' as source_entity,
        opportunity_id as document_id,
        close_date as transaction_date,
        owner_id as chain_user_id,
        'opportunity_owner' as credit_basis,
        currency,
        amount as amount_original,
        close_fx_rate as fx_rate,
        {{ to_base('amount', 'close_fx_rate') }} as amount_base,
        cast(1 as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from opportunities_converted
    where is_won

),

sales_cycle_days as (

    select
        'sales_cycle_days' as metric,
        'crm' as source_system,
        'opportunity' as source_entity,
        opportunity_id as document_id,
        close_date as transaction_date,
        owner_id as chain_user_id,
        'opportunity_owner' as credit_basis,
        cast(null as {{ dbt.type_string() }}) as currency,
        cycle_days as amount_original,
        cast(1 as decimal(18, 8)) as fx_rate,
        cycle_days as amount_base,
        cast(1 as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from opportunities_converted
    where is_won

),

lead_conversion_rate as (

    select
        'lead_conversion_rate' as metric,
        'crm' as source_system,
        'lead' as source_entity,
        lead_id as document_id,
        cast(created_at as date) as transaction_date,
        owner_id as chain_user_id,
        'lead_owner' as credit_basis,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(case when status = 'converted' or converted_at is not null then 1 else 0 end as decimal(18, 2))
            as amount_original,
        cast(1 as decimal(18, 8)) as fx_rate,
        cast(case when status = 'converted' or converted_at is not null then 1 else 0 end as decimal(18, 2))
            as amount_base,
        cast(1 as decimal(18, 2)) as denominator,
        source_file,
        source_line
    from leads

),

unioned as (

    select * from bookings_unsplit
    union all
    select * from bookings_split
    union all
    select * from pipeline_created
    union all
    select * from revenue
    union all
    select * from collections
    union all
    select * from activity_counts
    union all
    select * from gross_margin
    union all
    select * from new_customers
    union all
    select * from win_rate
    union all
    select * from avg_deal_size
    union all
    select * from sales_cycle_days
    union all
    select * from lead_conversion_rate

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
