{#- CRM accounts with their ERP customers (the CRM-ERP bridge), plus ERP customers that have no
    CRM account, plus the explicit unknown member. One row per account and customer pair; an
    account may have several ERP customers and a customer at most one account. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

bridged as (

    select
        {{ dbt.concat(["coalesce(accounts.account_id, '-')", "'|'", "coalesce(customers.customer_id, '-')"]) }}
            as account_key,
        accounts.account_id,
        accounts.account_name,
        accounts.industry,
        accounts.region,
        accounts.owner_id,
        accounts.created_at,
        customers.customer_id,
        customers.customer_name,
        customers.tax_id,
        customers.country,
        case
            when accounts.account_id is null then 'erp_only'
            when customers.customer_id is null then 'crm_only'
            else 'matched'
        end as bridge_status,
        false as is_unknown_member
    from accounts
    full outer join customers
        on accounts.account_id = customers.crm_account_id

),

unknown_member as (

    select
        'unknown|unknown' as account_key,
        'unknown' as account_id,
        'Unknown account' as account_name,
        cast(null as {{ dbt.type_string() }}) as industry,
        'unknown' as region,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as timestamp) as created_at,
        'unknown' as customer_id,
        'Unknown customer' as customer_name,
        cast(null as {{ dbt.type_string() }}) as tax_id,
        cast(null as {{ dbt.type_string() }}) as country,
        'unknown' as bridge_status,
        true as is_unknown_member

),

unioned as (

    select * from bridged
    union all
    select * from unknown_member

)

select * from unioned
