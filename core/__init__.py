"""The shared core: settings, faults, child processes, the run lock, SQL identifiers."""
