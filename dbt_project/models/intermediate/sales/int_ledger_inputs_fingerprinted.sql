{#- What each month of the monthly models (tag `monthly`) is computed from, as one fingerprint per
    calendar month. A month whose fingerprint differs from the one it was built with
    (int_ledger_months_built) is stale: the next partition run rebuilds it, and the blocking test
    assert_monthly_models_match_their_inputs refuses to publish it.

    A month's fingerprint covers every row that can change that month's ledger rows (and so its
    KPIs), and nothing else, so that a new month landing leaves the closed months alone:
    - the rows of every ledger model the metric registry reads (int_<source>_ledgered, the same
      list as the credit ledger's: a metric added to the registry is covered with no edit here),
      in the month of their transaction date. Those rows carry what the ledger takes from them:
      the document, the user the credit chain names, the rate in force on the date and the
      amounts it gives (so a back-dated FX rate changes exactly the months it applies to);
    - for every user those rows name: the user's row and every team membership of theirs (who
      is unknown, which team on the date);
    - what every month shares: the dbt project's code and the metric registry (var
      project_fingerprint), the settings that change amounts, teams (regions) and dim_metrics;
    - the as-of date for the as-of month (fct_kpi_monthly cuts there) and a marker for the
      months after it (empty until the as-of date passes them).
    Every row enters as an order-independent sum of row hashes, so the same rows in another order
    give the same fingerprint. -#}
{%- set shared_inputs = [ref('stg_crm__teams'), ref('dim_metrics')] -%}
with

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),
{% for source in metric_sources() %}
    {{ source }}_ledger as (

        select * from {{ ref('int_' ~ source ~ '_ledgered') }}

    ),
{% endfor %}

dated_rows as (

    {% for source in metric_sources() %}
        select
            cast({{ dbt.date_trunc('month', 'transaction_date') }} as date) as month_start,
            chain_user_id as user_id,
            {{ row_hash(source ~ '_ledger') }} as row_hash
        from {{ source }}_ledger
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
            when months.month_start = {{ as_of_month() }} then '{{ run_var("as_of_date") }}'
            when months.month_start > {{ as_of_month() }} then 'after'
            else ''
        end as as_of_signature,
        {{ dbt.concat([
            "coalesce(cast(dated_by_month.row_count as " ~ dbt.type_string() ~ "), '0')",
            "':'",
            "coalesce(cast(dated_by_month.hash_sum as " ~ dbt.type_string() ~ "), '0')",
        ]) }} as rows_signature
    from months
    left join dated_by_month
        on months.month_start = dated_by_month.month_start

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
