"""HTML pages of the sipas feature."""

from flask import Blueprint

bp = Blueprint("sipas", __name__, url_prefix="/sipas")
