-- The floor: rep-month KPIs and revenue attainment in one hand-written DuckDB query, straight
-- from the landed sample files (benchmarks/scale.py binds the $parameters).
--
-- It implements the same rules as the warehouse (DOMAIN.md, docs/RULES.md) for what it computes,
-- and nothing else: no quarantine, no history, no checks, no publication. It knows the sample's
-- file layout (one file per entity, ISO dates, opportunities in a CSV plus a JSON Lines delta,
-- customers in GBK with Chinese headers: their id columns are ASCII, so they are read by
-- position as latin-1). Money is DECIMAL throughout; divisions are exact integer arithmetic.
--
-- Metrics: bookings (revenue splits to the cent), pipeline_created, revenue (the crediting
-- chain invoice rep, order rep, opportunity owner, account owner; credit notes negative; void
-- excluded), collections (credited like their invoice), calls, emails, meetings, visits, demos;
-- per credited user ('unknown' for ids not in users, 'unassigned' for none) and month, up to the
-- as-of date. Attainment: revenue against the rep's monthly revenue target in force at the
-- as-of date, prorated by the days the rep was a member of a team in the month.
with

users as (
    select
        user_id,
        team_id,
        cast(hire_date as date) as hire_date,
        cast(termination_date as date) as termination_date,
    from read_csv($users, header = true, all_varchar = true)
),

assignments as (
    select
        user_id,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) + 1 as valid_to_exclusive,
    from read_csv($team_assignments, header = true, all_varchar = true)
),

fx as (
    select
        cast(rate_date as date) as rate_date,
        currency,
        cast(rate_to_base as decimal(18, 8)) as rate_to_base,
    from read_csv($fx_rates, header = true, all_varchar = true)
),

opportunity_versions as (
    select
        opportunity_id, account_id, owner_id, amount, currency, created_at, close_date, is_won,
        updated_at, filename,
    from read_csv($opportunities_csv, header = true, all_varchar = true, filename = true)
    union all by name
    select
        opportunity_id, account_id, owner_id, amount, currency, created_at, close_date, is_won,
        updated_at, filename,
    from read_json($opportunities_jsonl, format = 'newline_delimited', filename = true, columns = {
        'opportunity_id': 'varchar', 'account_id': 'varchar', 'owner_id': 'varchar',
        'amount': 'varchar', 'currency': 'varchar', 'created_at': 'varchar',
        'close_date': 'varchar', 'is_won': 'varchar', 'updated_at': 'varchar'
    })
),

opportunities as (
    select
        opportunity_id,
        owner_id,
        cast(amount as decimal(18, 2)) as amount,
        currency,
        cast(cast(created_at as timestamp) as date) as created_date,
        cast(close_date as date) as close_date,
        is_won = 'true' as is_won,
    from opportunity_versions
    qualify row_number() over (
        partition by opportunity_id order by cast(updated_at as timestamp) desc, filename desc
    ) = 1
),

splits as (
    select
        opportunity_id,
        user_id,
        cast(round(cast(percent as decimal(18, 6)) * 1000000) as hugeint) as weight,
    from read_csv($opportunity_splits, header = true, all_varchar = true)
    where split_type = 'revenue'
),

split_weights as (
    select
        *,
        sum(weight) over (
            partition by opportunity_id order by user_id rows unbounded preceding
        ) as cum_weight,
        sum(weight) over (partition by opportunity_id) as total_weight,
    from splits
),

accounts as (
    select account_id, owner_id from read_csv($accounts, header = true, all_varchar = true)
),

customers as (
    select column0 as customer_id, column2 as crm_account_id,
    from read_csv(
        $customers, header = false, skip = 1, all_varchar = true, encoding = 'latin-1'
    )
),

orders as (
    select order_id, crm_opportunity_id, sales_rep_id,
    from read_csv($sales_orders, header = true, all_varchar = true)
),

invoices as (
    select
        invoice_id,
        cast(invoice_date as date) as invoice_date,
        customer_id,
        order_id,
        sales_rep_id,
        cast(amount_net as decimal(18, 2)) as amount_net,
        currency,
        document_type,
        status,
    from read_csv($invoices, header = true, all_varchar = true)
),

payments as (
    select
        column1 as invoice_id,
        cast(column2 as date) as paid_date,
        cast(column3 as decimal(18, 2)) as amount,
        column4 as currency,
    from read_csv($payments, header = false, skip = 1, all_varchar = true)
),

activities as (
    select owner_id, activity_type, occurred_at,
    from read_csv(
        $activities,
        header = true,
        columns = {
            'activity_id': 'varchar', 'owner_id': 'varchar', 'activity_type': 'varchar',
            'occurred_at': 'timestamp', 'account_id': 'varchar', 'opportunity_id': 'varchar',
            'duration_minutes': 'integer', 'outcome': 'varchar'
        },
        timestampformat = '%Y-%m-%d %H:%M'
    )
),

targets as (
    select
        scope_id as user_id,
        cast(period_start as date) as month_start,
        cast(value as decimal(18, 2)) as target,
    from read_csv($targets, header = true, all_varchar = true)
    where
        scope_type = 'rep' and metric = 'revenue' and period_type = 'month'
        and coalesce(tier, 'target') = 'target'
        and coalesce(cast(effective_date as date), cast(period_start as date)) <= $as_of
    qualify row_number() over (
        partition by scope_id, period_start
        order by coalesce(cast(effective_date as date), cast(period_start as date)) desc
    ) = 1
),

-- FX: the latest rate on or before the document's date; the base currency converts at 1.
rated_opportunities as (
    select
        opportunities.*,
        case when opportunities.currency = $base then 1 else close_fx.rate_to_base end
            as close_rate,
        case when opportunities.currency = $base then 1 else created_fx.rate_to_base end
            as created_rate,
    from opportunities
    asof left join fx as close_fx
        on opportunities.currency = close_fx.currency
        and opportunities.close_date >= close_fx.rate_date
    asof left join fx as created_fx
        on opportunities.currency = created_fx.currency
        and opportunities.created_date >= created_fx.rate_date
),

won as (
    select
        opportunity_id,
        owner_id,
        close_date,
        cast(round(cast(amount as decimal(38, 10)) * close_rate, 2) as decimal(18, 2))
            as amount_base,
    from rated_opportunities
    where is_won
),

bookings as (
    select
        coalesce(split_weights.user_id, won.owner_id) as chain_user_id,
        won.close_date as transaction_date,
        'bookings' as metric,
        case
            when split_weights.user_id is null then won.amount_base
            else cast(
                (
                    floor_div(cast(round(won.amount_base * 100) as hugeint) * split_weights.cum_weight * 2
                        + split_weights.total_weight, 2 * split_weights.total_weight)
                    - floor_div(
                        cast(round(won.amount_base * 100) as hugeint)
                        * (split_weights.cum_weight - split_weights.weight) * 2
                        + split_weights.total_weight,
                        2 * split_weights.total_weight
                    )
                ) * 0.01 as decimal(18, 2)
            )
        end as amount,
    from won
    left join split_weights
        on won.opportunity_id = split_weights.opportunity_id
),

pipeline_created as (
    select
        owner_id as chain_user_id,
        created_date as transaction_date,
        'pipeline_created' as metric,
        cast(round(cast(amount as decimal(38, 10)) * created_rate, 2) as decimal(18, 2)) as amount,
    from rated_opportunities
),

-- Crediting chain: invoice rep, else order rep, else opportunity owner, else account owner.
invoices_credited as (
    select
        invoices.*,
        coalesce(
            invoices.sales_rep_id, orders.sales_rep_id, opportunities.owner_id, accounts.owner_id
        ) as chain_user_id,
        case when invoices.document_type = 'credit_note' then -abs(invoices.amount_net)
            else invoices.amount_net end as signed_amount,
        case when invoices.currency = $base then 1 else fx.rate_to_base end as rate,
    from invoices
    left join orders on invoices.order_id = orders.order_id
    left join opportunities on orders.crm_opportunity_id = opportunities.opportunity_id
    left join customers on invoices.customer_id = customers.customer_id
    left join accounts on customers.crm_account_id = accounts.account_id
    asof left join fx
        on invoices.currency = fx.currency and invoices.invoice_date >= fx.rate_date
),

revenue as (
    select
        chain_user_id,
        invoice_date as transaction_date,
        'revenue' as metric,
        cast(round(cast(signed_amount as decimal(38, 10)) * rate, 2) as decimal(18, 2)) as amount,
    from invoices_credited
    where status = 'posted'
),

collections as (
    select
        case
            when invoices_credited.invoice_id is null then 'unknown'
            else coalesce(invoices_credited.chain_user_id, 'unassigned')
        end as chain_user_id,
        payments.paid_date as transaction_date,
        'collections' as metric,
        cast(
            round(
                cast(payments.amount as decimal(38, 10))
                * case when payments.currency = $base then 1 else fx.rate_to_base end,
                2
            ) as decimal(18, 2)
        ) as amount,
    from payments
    left join invoices_credited on payments.invoice_id = invoices_credited.invoice_id
    asof left join fx
        on payments.currency = fx.currency and payments.paid_date >= fx.rate_date
),

activity_counts as (
    select
        owner_id as chain_user_id,
        cast(occurred_at as date) as transaction_date,
        activity_type || 's' as metric,
        cast(1 as decimal(18, 2)) as amount,
    from activities
),

ledger as (
    select * from bookings
    union all
    select * from pipeline_created
    union all
    select * from revenue
    union all
    select * from collections
    union all
    select * from activity_counts
),

kpis as (
    select
        case
            when ledger.chain_user_id in ('unknown', 'unassigned') then ledger.chain_user_id
            when ledger.chain_user_id is null then 'unassigned'
            when users.user_id is null then 'unknown'
            else users.user_id
        end as user_id,
        cast(date_trunc('month', ledger.transaction_date) as date) as month_start,
        ledger.metric,
        sum(ledger.amount) as actual,
    from ledger
    left join users on ledger.chain_user_id = users.user_id
    where ledger.transaction_date <= $as_of
    group by all
),

-- Team membership spans: from team_assignments where a user has any, else hire to termination;
-- clipped to employment. A rep's target is prorated by the days covered in the month.
spans as (
    select
        assignments.user_id,
        greatest(assignments.valid_from, users.hire_date) as valid_from,
        least(
            coalesce(assignments.valid_to_exclusive, users.termination_date + 1),
            coalesce(users.termination_date + 1, assignments.valid_to_exclusive)
        ) as valid_to_exclusive,
    from assignments
    inner join users on assignments.user_id = users.user_id
    union all
    select user_id, hire_date, termination_date + 1,
    from users
    where user_id not in (select assignments.user_id from assignments)
),

member_days as (
    select
        targets.user_id,
        targets.month_start,
        targets.target,
        sum(greatest(
            0,
            least(
                coalesce(spans.valid_to_exclusive, date '9999-12-31'),
                cast(targets.month_start + interval 1 month as date)
            ) - greatest(spans.valid_from, targets.month_start)
        )) as days,
        day(last_day(targets.month_start)) as days_in_month,
    from targets
    inner join spans on targets.user_id = spans.user_id
    group by all
    having days > 0
),

prorated as (
    select
        user_id,
        month_start,
        cast(
            cast(
                floor_div(
                    cast(round(target * 100) as hugeint) * days * 2 + days_in_month,
                    2 * days_in_month
                ) as decimal(38, 0)
            ) * 0.01 as decimal(18, 2)
        ) as target,
    from member_days
),

attainment as (
    select
        prorated.user_id,
        prorated.month_start,
        prorated.target,
        cast(
            cast(
                floor_div(
                    cast(round(coalesce(kpis.actual, 0) * 100) as hugeint) * 2000000
                    + cast(round(prorated.target * 100) as hugeint),
                    2 * cast(round(prorated.target * 100) as hugeint)
                ) as decimal(38, 0)
            ) * 0.000001 as decimal(18, 6)
        ) as attainment,
    from prorated
    left join kpis
        on prorated.user_id = kpis.user_id
        and prorated.month_start = kpis.month_start
        and kpis.metric = 'revenue'
    where prorated.month_start <= $as_of and prorated.target > 0
),

-- One long result: every figure as DECIMAL(38, 6) text, so that the three versions compare
-- exactly.
-- (Each branch casts first: a union of DECIMAL(38, 2) and DECIMAL(18, 6) would keep 2 places.)
figures as (
    select user_id, month_start, metric as figure, cast(actual as decimal(38, 6)) as amount,
    from kpis
    union all
    select user_id, month_start, 'revenue_target', cast(target as decimal(38, 6)),
    from attainment
    union all
    select user_id, month_start, 'revenue_attainment', cast(attainment as decimal(38, 6)),
    from attainment
)

select
    user_id,
    month_start,
    figure,
    cast(amount as varchar) as amount,
from figures
order by all
