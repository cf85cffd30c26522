"""`flask --app wsgi dashboards …` commands."""

from flask.cli import AppGroup

cli = AppGroup("dashboards", help="dashboards commands.")
