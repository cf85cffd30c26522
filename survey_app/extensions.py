"""Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from survey_app.core.errors import render_error_page
from survey_app.core.http import error_headers
from survey_app.models.base import Base


class JsonApi(Api):
    """flask-smorest Api whose JSON error bodies apply to the API only; pages keep HTML errors."""

    def handle_http_exception(self, error):
        """Answer API paths with JSON; leave other paths to the HTML error pages."""
        if request.path.startswith("/api/"):
            payload, code, headers = super().handle_http_exception(error)
            return payload, code, {**error_headers(error), **headers}  # keeps Allow on a 405, say
        return render_error_page(error)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
api = JsonApi()
