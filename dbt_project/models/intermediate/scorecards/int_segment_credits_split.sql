{#- The credit ledger's rows that each segment with a target earns (int_segment_scopes_listed),
    up to the as-of date: the rows of the metrics from opportunities and invoices, credited as
    the rep's, team's and region's are, so a region-level segment takes what the region's reps
    were credited with on the transaction date.

    Each document's account and product lines come from int_credit_documents_segmented: an
    invoice's or credit note's revenue is split over its lines' product lines in proportion to
    their net amounts, to the cent, so the product lines of a month add up to the company's
    revenue exactly; an account takes the whole document. -#}
with

credits as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= {{ as_of_date() }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}
    where source in {{ sql_list(segment_sources()) }}

),

segments as (

    select * from {{ ref('int_segment_scopes_listed') }}

),

document_segments as (

    select * from {{ ref('int_credit_documents_segmented') }}

),

attributed as (

    select
        credits.credit_id,
        credits.metric,
        credits.transaction_date,
        credits.month_start,
        credits.region,
        document_segments.account_id,
        document_segments.product_line,
        {{ allocate_piece(
            'credits.amount_base',
            'document_segments.cum_weight',
            'document_segments.prev_weight',
            'document_segments.total_weight',
        ) }} as line_amount_base,
        credits.amount_base,
        document_segments.prev_weight,
        credits.denominator,
        credits.source_file,
        credits.source_line
    from credits
    inner join metrics
        on credits.metric = metrics.metric
    inner join document_segments
        on credits.source_entity = document_segments.source_entity
        and credits.document_id = document_segments.document_id

),

segment_keyed as (

    -- A product line takes its piece of a document; an account the whole (its first piece's row).
    select
        attributed.*,
        'product_line' as segment_type,
        attributed.product_line as segment_id,
        attributed.line_amount_base as segment_amount_base
    from attributed
    where attributed.product_line is not null
    union all
    select
        attributed.*,
        'account' as segment_type,
        attributed.account_id as segment_id,
        attributed.amount_base as segment_amount_base
    from attributed
    where attributed.account_id is not null and attributed.prev_weight = 0

),

split as (

    select
        segments.scope_type,
        segments.scope_id,
        segment_keyed.month_start,
        cast({{ dbt.date_trunc('week', 'segment_keyed.transaction_date') }} as date) as week_start,
        segment_keyed.metric,
        segment_keyed.credit_id,
        segment_keyed.segment_amount_base as amount_base,
        segment_keyed.denominator,
        segment_keyed.source_file,
        segment_keyed.source_line
    from segment_keyed
    inner join segments
        on segment_keyed.segment_type = segments.scope_type
        and segment_keyed.segment_id = segments.segment_id
        and (segments.region is null or segment_keyed.region = segments.region)

)

select * from split
