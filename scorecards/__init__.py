"""Sales-scorecard warehouse: CLI, settings, sample exports and publication."""
