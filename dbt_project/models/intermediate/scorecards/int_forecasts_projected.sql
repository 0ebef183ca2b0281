{#- What each open window (the as-of week, month, quarter-to-date and year-to-date) can still
    expect beyond its actual, for the metrics whose registry entry names a forecast method
    (docs/RULES.md, Forecasts):
    - pipeline: each opportunity open at the as-of date, its base amount times its stage's
      historical win rate, expected to close the stage's median days to close after it entered
      the stage (tomorrow if that date has passed); credited to its owner;
    - receivables: each invoice's unpaid balance at the as-of date (in its currency, at its
      rate), expected to be paid the customer's median days to pay after
      the invoice date (every customer's median where the customer has paid nothing yet;
      tomorrow if that date has passed); credited to the invoice's credited rep.
    An item counts in every open window whose last day is on or after its expected date. A rep's
    team and region are those of the as-of date; the company takes every item. -#}
{%- set expected_after = "cast(" ~ dbt.dateadd('day', '1', as_of_date()) ~ " as date)" -%}
with

windows as (

    select * from {{ ref('int_scorecard_periods_progressed') }}
    where is_open

),

metrics as (

    select * from {{ ref('dim_metrics') }}
    where forecast_method is not null

),

open_opportunities as (

    select * from {{ ref('int_open_opportunities_staged') }}
    where month_start = {{ as_of_month() }}

),

stage_rates as (

    select * from {{ ref('fct_stage_win_rates') }}

),

invoices as (

    select * from {{ ref('fct_invoices') }}

),

payments as (

    select * from {{ ref('fct_payments') }}
    where paid_date <= {{ as_of_date() }}

),

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

pipeline_items as (

    select
        'pipeline' as forecast_method,
        open_opportunities.owner_id as user_id,
        greatest(
            cast({{ dbt.dateadd('day', 'cast(ceil(stage_rates.median_days_to_close) as integer)',
                'open_opportunities.stage_entered_date') }} as date),
            {{ expected_after }}
        ) as expected_date,
        cast(round(open_opportunities.amount_base * stage_rates.win_rate, 2) as decimal(18, 2))
            as expected_amount
    from open_opportunities
    inner join stage_rates
        on open_opportunities.stage = stage_rates.stage
    where stage_rates.median_days_to_close is not null

),

paid_to_date as (

    -- In the invoice's currency, so that a fully paid invoice leaves nothing whatever the rates
    -- did between its date and its payments'; a payment in another currency counts at its base
    -- amount over the invoice's rate.
    select
        payments.invoice_id,
        sum(
            case
                when payments.currency = invoices.currency then payments.amount_original
                else cast(round(payments.amount_base / invoices.fx_rate, 2) as decimal(18, 2))
            end
        ) as paid_original
    from payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id
    group by payments.invoice_id

),

customer_days_to_pay as (

    select
        invoices.customer_id,
        {{ median(dbt.datediff('invoices.invoice_date', 'payments.paid_date', 'day')) }} as days_to_pay
    from payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id
    group by invoices.customer_id

),

company_days_to_pay as (

    select {{ median(dbt.datediff('invoices.invoice_date', 'payments.paid_date', 'day')) }} as days_to_pay
    from payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id

),

open_invoices as (

    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.credited_user_id,
        invoices.invoice_date,
        cast(
            (invoices.amount_original - coalesce(paid_to_date.paid_original, 0)) * invoices.fx_rate
            as decimal(18, 2)
        ) as unpaid_base,
        coalesce(customer_days_to_pay.days_to_pay, company_days_to_pay.days_to_pay) as days_to_pay
    from invoices
    cross join company_days_to_pay
    left join paid_to_date
        on invoices.invoice_id = paid_to_date.invoice_id
    left join customer_days_to_pay
        on invoices.customer_id = customer_days_to_pay.customer_id
    where
        invoices.is_revenue
        and invoices.document_type = 'invoice'
        and invoices.invoice_date <= {{ as_of_date() }}

),

receivable_items as (

    select
        'receivables' as forecast_method,
        open_invoices.credited_user_id as user_id,
        greatest(
            cast({{ dbt.dateadd('day', 'cast(ceil(days_to_pay) as integer)', 'open_invoices.invoice_date') }} as date),
            {{ expected_after }}
        ) as expected_date,
        cast(open_invoices.unpaid_base as decimal(18, 2)) as expected_amount
    from open_invoices
    where open_invoices.unpaid_base > 0
        and open_invoices.days_to_pay is not null

),

items as (

    select * from pipeline_items
    union all
    select * from receivable_items

),

items_placed as (

    select
        items.*,
        metrics.metric,
        memberships.team_id,
        memberships.region
    from items
    inner join metrics
        on items.forecast_method = metrics.forecast_method
    left join memberships
        on items.user_id = memberships.user_id
        and memberships.valid_from <= {{ as_of_date() }}
        and (memberships.valid_to_exclusive is null or memberships.valid_to_exclusive > {{ as_of_date() }})

),

scoped as (

    {%- set levels = [('rep', 'user_id'), ('team', 'team_id'), ('region', 'region'), ('company', "'company'")] %}
    {% for scope_type, scope_key in levels %}
        select
            '{{ scope_type }}' as scope_type,
            {{ scope_key }} as scope_id,
            metric,
            expected_date,
            expected_amount
        from items_placed
        where {{ scope_key }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

projected as (

    select
        windows.period_grain,
        windows.period_start,
        windows.period_month,
        scoped.scope_type,
        scoped.scope_id,
        scoped.metric,
        cast(sum(scoped.expected_amount) as decimal(38, 2)) as expected_amount,
        count(*) as expected_items
    from windows
    inner join scoped
        on windows.period_end >= scoped.expected_date
    group by
        windows.period_grain,
        windows.period_start,
        windows.period_month,
        scoped.scope_type,
        scoped.scope_id,
        scoped.metric

)

select * from projected
