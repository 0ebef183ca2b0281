"""Assets in the order the data walks: ingest → dbt (staging … scorecards) → publish."""
