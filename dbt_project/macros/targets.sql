{#- Target allocation and roll-up, each written once for every level it applies to. -#}

{#- Split each parent target (a phased team or region target) among the reps who were members of
    it in the month, in proportion to member-days, to the cent. Emits two CTEs:
    <name>_weighted and <name>_pieces (the pieces have the columns of int_rep_targets_allocated).
    `member_key` is the member-days column that matches the parent's scope_id. -#}
{% macro split_by_member_days(name, parents, members, member_key, source_scope_type) -%}
{{ name }}_weighted as (

    select
        {{ parents }}.*,
        {{ members }}.user_id,
        {{ members }}.team_id,
        {{ members }}.region,
        {{ members }}.member_days as weight,
        sum({{ members }}.member_days) over (
            partition by {{ parents }}.scope_id, {{ parents }}.metric, {{ parents }}.tier, {{ parents }}.month_start
            order by {{ members }}.user_id, {{ members }}.team_id
            rows between unbounded preceding and current row
        ) as cum_weight,
        sum({{ members }}.member_days) over (
            partition by {{ parents }}.scope_id, {{ parents }}.metric, {{ parents }}.tier, {{ parents }}.month_start
        ) as total_weight
    from {{ parents }}
    inner join {{ members }}
        on {{ parents }}.scope_id = {{ members }}.{{ member_key }}
        and {{ parents }}.month_start = {{ members }}.month_start

),

{{ name }}_pieces as (

    select
        user_id,
        team_id,
        region,
        month_start,
        metric,
        tier,
        aggregation,
        {{ piece_unless_ratio('target_value') }} as target_value,
        {{ piece_unless_ratio('original_value') }} as original_value,
        '{{ source_scope_type }}' as source_scope_type,
        scope_id as source_scope_id,
        source_period_type,
        case when aggregation = 'ratio' then 'inherited_ratio' else 'split_by_member_days' end
            as allocation_method
    from {{ name }}_weighted

)
{%- endmacro %}

{#- Sum the children's monthly targets into their parent where the parent has no explicit target
    of its own (same month, metric and tier). Ratio metrics are not summed: a parent without its
    own ratio target has none. Emits <name>_rolled and <name>_complete (floor and
    stretch kept only where every child with a target has them). `parent_id` is an expression over
    the children (and `join`, an optional join clause that brings in what it needs). -#}
{% macro roll_up_targets(name, children, parent_type, parent_id, explicit, target_source, join='') -%}
{{ name }}_rolled as (

    select
        '{{ parent_type }}' as scope_type,
        {{ parent_id }} as scope_id,
        {{ children }}.month_start,
        {{ children }}.metric,
        {{ children }}.tier,
        sum({{ children }}.target_value) as target_value,
        sum({{ children }}.original_value) as original_value,
        '{{ target_source }}' as target_source,
        'sum' as aggregation,
        count(*) as child_count
    from {{ children }}
    {{ join }}
    left join {{ explicit }}
        on {{ parent_id }} = {{ explicit }}.scope_id
        and {{ children }}.month_start = {{ explicit }}.month_start
        and {{ children }}.metric = {{ explicit }}.metric
        and {{ children }}.tier = {{ explicit }}.tier
    where {{ explicit }}.scope_id is null
        and {{ children }}.aggregation = 'sum'
    group by {{ parent_id }}, {{ children }}.month_start, {{ children }}.metric, {{ children }}.tier

),

{{ name }}_complete as (

    {{ keep_complete_tiers(name ~ '_rolled') }}

)
{%- endmacro %}

{#- Rolled-up floor and stretch tiers are kept only when every child with a target also has that
    tier: summing the floors of some children against the targets of all would be misleading.
    `relation` has scope_type, scope_id, month_start, metric, tier and child_count. -#}
{% macro keep_complete_tiers(relation) -%}
    select rolled.*
    from {{ relation }} as rolled
    left join {{ relation }} as target_tier
        on rolled.scope_id = target_tier.scope_id
        and rolled.month_start = target_tier.month_start
        and rolled.metric = target_tier.metric
        and target_tier.tier = 'target'
    where rolled.tier = 'target' or rolled.child_count = target_tier.child_count
{%- endmacro %}

{#- A member-day piece of a target, or the target itself for a ratio metric (never split).
    Expects cum_weight, weight, total_weight and aggregation in scope. -#}
{% macro piece_unless_ratio(value) -%}
    cast(
        case
            when aggregation = 'ratio' then {{ value }}
            else {{ allocate_piece(value, 'cum_weight', 'cum_weight - weight', 'total_weight') }}
        end as decimal(18, 4)
    )
{%- endmacro %}

{#- A target over a period window: the sum of the months' for additive metrics, the mean for
    ratio metrics (a 45% win-rate target per month is a 45% target for the quarter). -#}
{% macro window_target(column) -%}
    case when max(monthly.aggregation) = 'ratio' then cast(avg({{ column }}) as decimal(18, 4)) else sum({{ column }}) end
{%- endmacro %}

{#- Target tiers side by side: one row per scope, period and metric from the one-row-per-tier
    `relation` (target_value, original_value, target_source per tier). -#}
{% macro tiers_pivoted(relation, period_column) -%}
    select
        scope_type,
        scope_id,
        {{ period_column }},
        metric,
        max(case when tier = 'floor' then target_value end) as target_floor,
        max(case when tier = 'target' then target_value end) as target,
        max(case when tier = 'stretch' then target_value end) as target_stretch,
        max(case when tier = 'target' then original_value end) as target_original,
        max(case when tier = 'target' then target_source end) as target_source
    from {{ relation }}
    group by scope_type, scope_id, {{ period_column }}, metric
{%- endmacro %}

{#- A tier's rank, lowest first: none 0, floor 1, target 2, stretch 3. -#}
{% macro tier_rank(tier) -%}
    case {{ tier }} when 'stretch' then 3 when 'target' then 2 when 'floor' then 1 else 0 end
{%- endmacro %}

{#- A month target's piece for one week (int_scorecard_weeks_joined): the week's working days in
    the month by cumulative rounding to the cent; a ratio target whole, in the month holding the
    week's Thursday only. Expects scope_targets and week_months_cumulated in scope. -#}
{% macro week_piece(value) -%}
    case
        when scope_targets.aggregation = 'ratio' and week_months_cumulated.holds_thursday = 1
            then {{ value }}
        when scope_targets.aggregation = 'ratio' then null
        else {{ allocate_piece(
            value,
            'week_months_cumulated.cum_working_days',
            'week_months_cumulated.cum_working_days - week_months_cumulated.part_working_days',
            'week_months_cumulated.working_days_in_month',
        ) }}
    end
{%- endmacro %}


{#- A CTE `name` of the phased targets (`phased`) set explicitly for the given scope types, in
    the columns of every level of int_scope_targets_rolled (`scope_id`: an expression; the
    company's is 'company' whatever its row says). -#}
{% macro explicit_targets(name, scope_types, scope_id='scope_id') -%}
{{ name }} as (

    select
        scope_type,
        {{ scope_id }} as scope_id,
        month_start,
        metric,
        tier,
        target_value,
        original_value,
        'explicit' as target_source,
        aggregation,
        cast(null as bigint) as child_count
    from phased
    where scope_type in {{ sql_list(scope_types) }}

)
{%- endmacro %}
