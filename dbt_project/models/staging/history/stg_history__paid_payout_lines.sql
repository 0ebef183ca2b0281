{#- Statement lines of periods already paid (see macros/paid_history.sql); empty on a first run. -#}
{% if run_var('paid_history') %}
    {{ select_typed(payout_line_columns(), source('history', 'paid_payout_lines')) }}
{% else %}
    {{ select_typed(payout_line_columns()) }}
{% endif %}
