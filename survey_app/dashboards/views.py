"""HTML pages of the dashboards feature (leaders' dashboards, reports)."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
