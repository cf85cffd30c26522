"""Models of the sipas feature."""
