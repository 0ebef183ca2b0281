"""Assets in the order the data walks: ingest → dbt (staging … scorecards) → publish."""

# Who answers for every asset of the warehouse, as Dagster shows it (a team, not a person).
OWNERS = ["team:scorecards"]
