"""Statistics: pure functions over counts, and the aggregating SQL queries that feed them."""
