"""Managing the people who sign in."""
