{#- The landed rows behind a group, for a blocking test's offending row: 'file line N; ...', so the
    gate report names the file and line to fix. `prefix` qualifies the columns (`comp_plans.`). -#}
{% macro source_rows(prefix='') -%}
    {{ dbt.listagg(
        dbt.concat([prefix ~ "source_file", "' line '", "cast(" ~ prefix ~ "source_line as " ~ dbt.type_string() ~ ")"]),
        "'; '",
        "order by " ~ prefix ~ "source_file, " ~ prefix ~ "source_line"
    ) }}
{%- endmacro %}
