{#- The latest publication's tiers of its latest month (publication/history.py); empty before the
    first publication. scorecard_warnings compares them with this run's (tier_lost). -#}
{% if run_var('published_tiers') %}
    {{ select_typed(published_tier_columns(), source('history', 'published_tiers')) }}
{% else %}
    {{ select_typed(published_tier_columns()) }}
{% endif %}
