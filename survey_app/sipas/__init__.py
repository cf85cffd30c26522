"""sipas feature package."""
