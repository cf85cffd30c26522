"""Routes of the SIPAS feature: campaigns, results, import/export, QR, paper batches, public form."""

from datetime import UTC, date, datetime

from survey_app.models.sipas import Channel
from survey_app.sipas.batches import open_batch
from survey_app.sipas.responses import record_response
from tests.factories import make_sipas_campaign
from tests.routes import Route


def prepare(org) -> None:
    """An open campaign run by the test district, with a paper batch holding one typed form."""
    campaign = make_sipas_campaign(
        org.district,
        {org.ward: 10, org.ward2: 10},
        code="MX-2026",
        name="Ma trận",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
        state="open",
    )
    batch = open_batch(
        campaign, org.ward, place="Một cửa", collected_on=date(2026, 3, 2), forms_in_hand=2, user_id=None
    )
    response = record_response(
        campaign,
        org.ward,
        channel=Channel.paper,
        answers={"S01": 4},
        submitted_at=datetime(2026, 3, 2, 5, tzinfo=UTC),
        batch=batch,
    )
    org.sipas_code, org.sipas_batch_id, org.sipas_response_id = campaign.code, batch.id, response.id


def _c(o) -> str:
    return f"/sipas/campaigns/{o.sipas_code}"


ROUTES = [
    Route("sipas.campaigns", lambda o: "/sipas/campaigns", "login"),
    Route("sipas.new_campaign", lambda o: "/sipas/campaigns/new", "manage_people"),
    Route("sipas.campaign", lambda o: _c(o), "login", scoped=True),
    Route("sipas.add_unit", lambda o: f"{_c(o)}/units", "manage_people", method="POST", scoped=True, ok=302),
    Route(
        "sipas.results",
        lambda o: f"{_c(o)}/results?unit={o.ward.code}",
        "read_results|enter_data",
        scoped=True,
    ),
    Route("sipas.print_report", lambda o: f"{_c(o)}/report", "read_results|enter_data", scoped=True),
    Route(
        "sipas.ward_report",
        lambda o: f"{_c(o)}/ward-report?unit={o.ward.code}",
        "read_results|enter_data",
        scoped=True,
    ),
    Route(
        "sipas.ward_report_docx",
        lambda o: f"{_c(o)}/ward-report.docx?unit={o.ward.code}",
        "read_results|enter_data",
        scoped=True,
    ),
    Route(
        "sipas.ward_report_pdf",
        lambda o: f"{_c(o)}/ward-report.pdf?unit={o.ward.code}",
        "read_results|enter_data",
        scoped=True,
    ),
    Route("sipas.import_responses", lambda o: f"{_c(o)}/import", "enter_data", scoped=True),
    Route("sipas.export", lambda o: f"{_c(o)}/export.csv", "read_results", scoped=True),
    Route("sipas.qr_code", lambda o: f"{_c(o)}/qr/{o.ward.code}.svg", "login", scoped=True),
    Route("sipas.poster", lambda o: f"{_c(o)}/poster/{o.ward.code}", "login", scoped=True),
    Route("sipas.batches", lambda o: f"{_c(o)}/batches", "enter_data", scoped=True),
    Route("sipas.batch", lambda o: f"/sipas/batches/{o.sipas_batch_id}", "enter_data", scoped=True),
    Route(
        "sipas.close_batch",
        lambda o: f"/sipas/batches/{o.sipas_batch_id}/close",
        "enter_data",
        method="POST",
        scoped=True,
        ok=302,
    ),
    Route(
        "sipas.edit_response",
        lambda o: f"/sipas/responses/{o.sipas_response_id}/edit",
        "enter_data",
        scoped=True,
    ),
    Route("sipas.public_form", lambda o: f"/sipas/s/{o.sipas_code}/{o.ward.code}", "public"),
    Route("sipas.public_thanks", lambda o: f"/sipas/s/{o.sipas_code}/{o.ward.code}/thanks", "public"),
    Route(
        "sipas.toggle_excluded",
        lambda o: f"/sipas/responses/{o.sipas_response_id}/exclude",
        "enter_data",
        method="POST",
        scoped=True,
        ok=302,
    ),
    Route(
        "sipas.change_state",
        lambda o: f"{_c(o)}/state/close",
        "manage_people",
        method="POST",
        scoped=True,
        ok=302,
    ),
    Route(
        "sipas.remove_unit",
        lambda o: f"{_c(o)}/units/{o.ward2.id}/remove",
        "manage_people",
        method="POST",
        scoped=True,
        ok=302,
    ),
    Route("sipas_api.campaigns", lambda o: "/api/v1/sipas/campaigns", "token:read_results"),
    Route(
        "sipas_api.stats",
        lambda o: f"/api/v1/stats/sipas?campaign={o.sipas_code}&unit={o.ward.code}",
        "token:read_results",
        scoped=True,
    ),
]
