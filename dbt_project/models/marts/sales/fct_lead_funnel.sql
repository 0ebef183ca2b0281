{#- Leads by owner and cohort month (the month the lead was created): created, qualified and
    converted, with the rates. The owner's team is the team on the lead's creation date. -#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

lead_credit as (

    select * from {{ ref('int_transactions_credited') }}
    where metric = 'lead_conversion_rate'

),

flagged as (

    select
        lead_credit.credited_user_id as owner_id,
        lead_credit.team_id,
        lead_credit.region,
        lead_credit.month_start as cohort_month,
        case
            when leads.qualified_at is not null or leads.status in ('qualified', 'converted') then 1
            else 0
        end as is_qualified,
        case when leads.converted_at is not null or leads.status = 'converted' then 1 else 0 end
            as is_converted
    from leads
    inner join lead_credit
        on leads.lead_id = lead_credit.document_id

),

cohorts as (

    select
        owner_id,
        team_id,
        region,
        cohort_month,
        count(*) as leads_created,
        cast(sum(is_qualified) as bigint) as leads_qualified,
        cast(sum(is_converted) as bigint) as leads_converted
    from flagged
    group by owner_id, team_id, region, cohort_month

),

rated as (

    select
        *,
        {{ safe_ratio('leads_qualified', 'leads_created') }} as qualification_rate,
        {{ safe_ratio('leads_converted', 'leads_created') }} as conversion_rate
    from cohorts

)

select * from rated
