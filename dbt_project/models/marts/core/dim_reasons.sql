{#- The reason vocabulary as a table (dbt_project.yml, vars.reason_vocabulary): every code a reason
    column of the scorecards can hold, with its kind and its labels in English and Chinese. -#}
with

reasons as (

    {% for reason in reason_vocabulary() %}
        select
            cast({{ sql_string(reason.code) }} as {{ dbt.type_string() }}) as reason_code,
            cast({{ sql_string(reason.kind) }} as {{ dbt.type_string() }}) as reason_kind,
            cast({{ sql_string(reason.label_en) }} as {{ dbt.type_string() }}) as label_en,
            cast({{ sql_string(reason.label_zh) }} as {{ dbt.type_string() }}) as label_zh,
            {{ loop.index }} as display_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from reasons
