"""Leadership dashboards, the public scoreboard and reports."""
