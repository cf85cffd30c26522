"""`flask --app wsgi dialogue …` commands."""

from flask.cli import AppGroup

cli = AppGroup("dialogue", help="dialogue commands.")
