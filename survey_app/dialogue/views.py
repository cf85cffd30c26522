"""HTML pages of the dialogue feature."""

from flask import Blueprint

bp = Blueprint("dialogue", __name__, url_prefix="/dialogue")
