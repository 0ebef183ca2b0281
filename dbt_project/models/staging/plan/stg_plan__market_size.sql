{#- The market each region sells into, per period (the latest file's version of each record);
    region `company` is the whole market. int_market_sizes_phased spreads it over months. -#}
with

source as (

    select * from {{ source('plan', 'market_size') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by region, period_type, period_start
            order by _load_id desc, _line_number desc
        ) as version_rank
    from source

),

latest_version as (

    select
        region,
        period_type,
        period_start,
        market_size,
        currency,
        _load_id as source_load_id,
        _file_path as source_file,
        _line_number as source_line
    from ranked
    where version_rank = 1

)

select * from latest_version
