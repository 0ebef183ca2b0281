{#- ERP products with their unit cost, plus the explicit unknown member (an invoice line whose SKU
    is not in the product list: its margin is taken at zero cost and counted by a test). -#}
with

products as (

    select * from {{ ref('stg_erp__products') }}

),

known_products as (

    select
        sku,
        product_name,
        product_line,
        unit_cost,
        currency,
        false as is_unknown_member
    from products

),

unknown_member as (

    select
        'unknown' as sku,
        'Unknown product' as product_name,
        'unknown' as product_line,
        cast(null as decimal(18, 4)) as unit_cost,
        cast(null as {{ dbt.type_string() }}) as currency,
        true as is_unknown_member

),

unioned as (

    select * from known_products
    union all
    select * from unknown_member

)

select * from unioned
