"""dialogue feature package."""
