{#- The stage an opportunity was in at a snapshot: the stage it last entered by then (history),
    else its current stage while still open, else 'unknown' (it closed since, path not known). -#}
{% macro stage_then(relation) -%}
    coalesce(
        {{ relation }}.history_stage,
        case
            when {{ relation }}.current_stage in ('closed_won', 'closed_lost') then 'unknown'
            else {{ relation }}.current_stage
        end
    )
{%- endmacro %}
