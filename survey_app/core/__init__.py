"""Pages every role shares: home, language, health, errors, formatting."""
