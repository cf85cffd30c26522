"""`flask --app wsgi kiosk …` commands."""

from flask.cli import AppGroup

cli = AppGroup("kiosk", help="kiosk commands.")
