{#- What each month of the monthly models (tag `monthly`) is computed from, as one fingerprint per
    calendar month. A month whose fingerprint differs from the one it was built with
    (int_ledger_months_built) is stale: the next partition run rebuilds it, and the blocking test
    assert_monthly_models_match_their_inputs refuses to publish it.

    A month's fingerprint covers every row that can change that month's ledger rows (and so its
    KPIs), and nothing else, so that a new month landing leaves the closed months alone:
    - the dated rows of the month: activities (occurred), leads (created), opportunities (created
      month for pipeline; close month, once closed, for bookings, win rate, deal size, cycle)
      with the revenue splits of won ones, the first won opportunity of each account (new
      customers), invoices as credited (int_invoices_credited: the whole crediting chain's
      outcome, rate and base amount), invoice lines with their product, payments with the
      invoice they pay;
    - for every user credited in the month: the user's row and every team membership of theirs
      (who is unknown, which team on the date);
    - the FX rates in force during the month (rates dated in it and the last one before it),
      for a month with any dated row (an empty month stays empty whatever the rates);
    - what every month shares: the dbt project's code (var project_fingerprint), the settings
      that change amounts, teams (regions) and the metric definitions;
    - the as-of date for the as-of month (fct_kpi_monthly cuts there) and a marker for the
      months after it (empty until the as-of date passes them).
    Every row enters as an order-independent sum of row hashes, so the same rows in another order
    or another file split give the same fingerprint. -#}
{%- set as_of_date = "cast('" ~ run_var('as_of_date') ~ "' as date)" -%}
{%- set as_of_month = "cast(" ~ dbt.date_trunc('month', as_of_date) ~ " as date)" -%}
{%- set shared_inputs = [ref('stg_crm__teams'), ref('metrics')] -%}
with

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

splits as (

    select * from {{ ref('stg_crm__opportunity_splits') }}

),

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

first_wins as (

    select
        account_id,
        opportunity_id,
        owner_id,
        close_date,
        row_number() over (partition by account_id order by close_date, opportunity_id) as win_order
    from opportunities
    where is_won

),

dated_rows as (

    select
        cast({{ dbt.date_trunc('month', 'activities.occurred_at') }} as date) as month_start,
        activities.owner_id as user_id,
        {{ row_hash('activities') }} as row_hash
    from activities
    union all
    select
        cast({{ dbt.date_trunc('month', 'leads.created_at') }} as date),
        leads.owner_id,
        {{ row_hash('leads') }}
    from leads
    union all
    select
        cast({{ dbt.date_trunc('month', 'opportunities.created_at') }} as date),
        opportunities.owner_id,
        {{ row_hash('opportunities') }}
    from opportunities
    union all
    select
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date),
        opportunities.owner_id,
        {{ row_hash('opportunities') }}
    from opportunities
    where opportunities.is_closed
    union all
    select
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date),
        splits.user_id,
        {{ row_hash('splits') }}
    from splits
    inner join opportunities
        on splits.opportunity_id = opportunities.opportunity_id
    where opportunities.is_won
    union all
    select
        cast({{ dbt.date_trunc('month', 'first_wins.close_date') }} as date),
        first_wins.owner_id,
        {{ row_hash('first_wins') }}
    from first_wins
    where first_wins.win_order = 1
    union all
    select
        cast({{ dbt.date_trunc('month', 'invoices.invoice_date') }} as date),
        invoices.credited_user_id,
        {{ row_hash('invoices') }}
    from invoices
    union all
    select
        cast({{ dbt.date_trunc('month', 'invoices.invoice_date') }} as date),
        invoices.credited_user_id,
        {{ row_hash('invoice_lines') }} + coalesce({{ row_hash('products') }}, 0)
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    left join products
        on invoice_lines.sku = products.sku
    union all
    select
        cast({{ dbt.date_trunc('month', 'payments.paid_date') }} as date),
        invoices.credited_user_id,
        {{ row_hash('payments') }} + coalesce({{ row_hash('invoices') }}, 0)
    from payments
    left join invoices
        on payments.invoice_id = invoices.invoice_id

),

dated_by_user as (

    select
        month_start,
        user_id,
        count(*) as row_count,
        sum(row_hash) as hash_sum
    from dated_rows
    group by month_start, user_id

),

membership_hashes as (

    select
        user_id,
        sum({{ row_hash('memberships') }}) as hash_sum
    from memberships
    group by user_id

),

user_hashes as (

    select
        users.user_id,
        {{ row_hash('users') }} + coalesce(membership_hashes.hash_sum, 0) as user_hash
    from users
    left join membership_hashes
        on users.user_id = membership_hashes.user_id

),

dated_by_month as (

    select
        dated_by_user.month_start,
        sum(dated_by_user.row_count) as row_count,
        sum(dated_by_user.hash_sum + coalesce(user_hashes.user_hash, 0)) as hash_sum
    from dated_by_user
    left join user_hashes
        on dated_by_user.user_id = user_hashes.user_id
    group by dated_by_user.month_start

),

fx_by_month as (

    {#- A rate serves the dates from its own to the next rate's; hashing the rate without its end
        keeps a month unchanged when later rates are appended. -#}
    select
        months.month_start,
        count(*) as rate_count,
        sum({{ columns_hash(['fx_rates.currency', 'fx_rates.valid_from', 'fx_rates.rate_to_base']) }}) as hash_sum
    from months
    inner join fx_rates
        on months.next_month_start > fx_rates.valid_from
        and (fx_rates.valid_to_exclusive is null or months.month_start < fx_rates.valid_to_exclusive)
    group by months.month_start

),

shared_measured as (

    {% for relation in shared_inputs %}
        {{ rows_fingerprint(relation) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

shared_listed as (

    select
        {{ dbt.listagg(
            dbt.concat(["relation_name", "':'", "cast(row_count as " ~ dbt.type_string() ~ ")", "':'", "row_hash_sum"]),
            "';'",
            "order by relation_name"
        ) }} as inputs_signature
    from shared_measured

),

settings_listed as (

    select
        {{ dbt.concat([
            "'project='", "'" ~ run_var('project_fingerprint', 'unknown') ~ "'",
            "';currency='", "'" ~ run_var('base_currency') ~ "'",
            "';fiscal_year_start_month='", "'" ~ run_var('fiscal_year_start_month') ~ "'",
            "';calendar='", "'" ~ run_var('calendar_start') ~ ":" ~ run_var('calendar_end') ~ "'",
        ]) }} as settings_signature

),

months_signed as (

    select
        months.month_start,
        case
            when months.month_start = {{ as_of_month }} then '{{ run_var("as_of_date") }}'
            when months.month_start > {{ as_of_month }} then 'after'
            else ''
        end as as_of_signature,
        {{ dbt.concat([
            "coalesce(cast(dated_by_month.row_count as " ~ dbt.type_string() ~ "), '0')",
            "':'",
            "coalesce(cast(dated_by_month.hash_sum as " ~ dbt.type_string() ~ "), '0')",
            "';fx='",
            "case when dated_by_month.row_count > 0 then "
            ~ dbt.concat([
                "coalesce(cast(fx_by_month.rate_count as " ~ dbt.type_string() ~ "), '0')",
                "':'",
                "coalesce(cast(fx_by_month.hash_sum as " ~ dbt.type_string() ~ "), '0')",
            ]) ~ " else '' end",
        ]) }} as rows_signature
    from months
    left join dated_by_month
        on months.month_start = dated_by_month.month_start
    left join fx_by_month
        on months.month_start = fx_by_month.month_start

),

fingerprinted as (

    select
        months_signed.month_start,
        md5(
            {{ dbt.concat([
                "settings_listed.settings_signature",
                "'|'",
                "shared_listed.inputs_signature",
                "'|rows='",
                "months_signed.rows_signature",
                "'|as_of='",
                "months_signed.as_of_signature",
            ]) }}
        ) as input_fingerprint
    from months_signed
    cross join shared_listed
    cross join settings_listed

)

select * from fingerprinted
