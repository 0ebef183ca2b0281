"""Target setting from the published history: proposals a planner reviews and lands (issue 26)."""
