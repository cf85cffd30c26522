"""Routes of the dossiers feature (issue 18)."""

from survey_app.analytics.dossier_scoring import quarter_name
from survey_app.core import clock
from survey_app.dossiers.services import apply_rows, vocabulary
from survey_app.dossiers.transfer import check_row
from tests.routes import Route


def prepare(org) -> None:
    """One returned dossier of the test ward, for the dossier page."""
    values = {
        "dossier_code": "HS-MATRIX-1",
        "unit_code": org.ward.code,
        "procedure_code": "P-1",
        "procedure_name": "Đăng ký khai sinh",
        "field_code": org.field.code,
        "received_at": "2026-01-05",
        "due_at": "2026-01-10",
        "returned_at": "2026-01-09",
        "channel": "in_person",
        "supplement_requests": 0,
        "agencies_contacted": 0,
        "complaint": "none",
    }
    row, problems = check_row(values.get, vocabulary())
    assert not problems, problems
    apply_rows([row])


def _quarter() -> str:
    return quarter_name(clock.today())


ROUTES = [
    Route("dossiers.index", lambda o: "/dossiers/", "read_results|enter_data"),
    Route(
        "dossiers.unit_quarter",
        lambda o: f"/dossiers/unit/{o.district.code}/{_quarter()}",
        "read_results|enter_data",
        scoped=True,
    ),
    Route("dossiers.dossier", lambda o: "/dossiers/d/HS-MATRIX-1", "read_results|enter_data", scoped=True),
    Route(
        "dossiers.self_assessment",
        lambda o: f"/dossiers/unit/{o.district.code}/{_quarter()}/self",
        "manage_people",
        scoped=True,
    ),
    Route(
        "dossiers.verification",
        lambda o: f"/dossiers/unit/{o.ward.code}/{_quarter()}/verify",
        "enter_data",
        scoped=True,
    ),
    Route("dossiers_api.push", lambda o: "/api/v1/dossiers", "token:enter_data", method="POST", ok=422),
    Route(
        "dossiers_api.stats",
        lambda o: f"/api/v1/stats/dossiers?unit={o.ward.code}&quarter={_quarter()}",
        "token:read_results",
        scoped=True,
    ),
]
