"""`flask --app wsgi sipas …` commands."""

from flask.cli import AppGroup

cli = AppGroup("sipas", help="sipas commands.")
