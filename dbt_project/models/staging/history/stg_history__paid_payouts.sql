{#- Payouts of periods already paid (see macros/paid_history.sql); empty on a first run. -#}
{% if run_var('paid_history') %}
    {{ select_typed(payout_columns(), source('history', 'paid_payouts')) }}
{% else %}
    {{ select_typed(payout_columns()) }}
{% endif %}
