"""Models of the dialogue feature."""
