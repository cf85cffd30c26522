"""Demo data built from the source articles about real districts."""
