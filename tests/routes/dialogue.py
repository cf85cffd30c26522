"""Routes of the dialogue feature: conferences, live logging, follow-up ledger, documents, public page."""

from datetime import UTC, datetime

from survey_app.dialogue.comments import CommentInput, add_comment
from survey_app.dialogue.conferences import ConferenceData, change_state, create_conference
from tests.routes import Route


def prepare(org) -> None:
    """A conference of the test district with one comment assigned to a ward, and a published one."""
    held_at = datetime(2018, 6, 1, 1, 0, tzinfo=UTC)
    org.conference = create_conference(
        ConferenceData(title="Hội nghị đối thoại", held_at=held_at), org.district, None
    )
    org.comment = add_comment(
        org.conference,
        CommentInput(
            content="Ý kiến", category="procedure_questions", outcome="written", department_id=org.ward.id
        ),
        None,
    )
    org.published_conference = create_conference(
        ConferenceData(title="Hội nghị đã công bố", held_at=held_at), org.district, None
    )
    for action in ("start", "close", "publish"):
        change_state(org.published_conference, action, None)


def _c(path: str):
    return lambda o: f"/dialogue/{o.conference.id}{path}"


def _api(path: str):
    return lambda o: "/api/v1" + path.format(o.conference.id)


ROUTES = [
    Route("dialogue.index", lambda o: "/dialogue/", "enter_data|read_results"),
    Route("dialogue.new", lambda o: "/dialogue/new", "enter_data"),
    Route("dialogue.inbox", lambda o: "/dialogue/inbox", "enter_data"),
    Route("dialogue.conference", _c(""), "enter_data|read_results", scoped=True),
    Route("dialogue.edit", _c("/edit"), "enter_data", scoped=True),
    Route("dialogue.change_state", _c("/state"), "enter_data", method="POST", scoped=True, ok=302),
    Route("dialogue.bulk_assign", _c("/assign"), "enter_data", method="POST", scoped=True, ok=302),
    Route("dialogue.invitation", _c("/invitation"), "enter_data|read_results", scoped=True),
    Route("dialogue.live", _c("/live"), "enter_data", scoped=True),
    Route("dialogue.add_comment", _c("/comments"), "enter_data", method="POST", scoped=True),
    Route("dialogue.document", _c("/minutes"), "enter_data|read_results", scoped=True),
    Route("dialogue.document_docx", _c("/minutes.docx"), "enter_data|read_results", scoped=True),
    Route("dialogue.document_pdf", _c("/conclusion.pdf"), "enter_data|read_results", scoped=True),
    Route("dialogue.ledger_csv", _c("/comments.csv"), "enter_data|read_results", scoped=True),
    Route("dialogue.comment", lambda o: f"/dialogue/comments/{o.comment.id}", "enter_data", scoped=True),
    Route("dialogue.public", lambda o: f"/dialogue/public/{o.published_conference.id}", "public"),
    # Each API resource answers GET to any token of the scope; its POST (token with enter_data) is checked
    # with real tokens in tests/dialogue/api/, as the matrix probes token routes with GET.
    Route("dialogue_api.Conferences", lambda o: "/api/v1/dialogue/conferences", "token"),
    Route("dialogue_api.Conference", _api("/dialogue/conferences/{}"), "token", scoped=True),
    Route("dialogue_api.ConferenceState", _api("/dialogue/conferences/{}/state"), "token", scoped=True),
    Route("dialogue_api.Comments", _api("/dialogue/conferences/{}/comments"), "token", scoped=True),
    Route(
        "dialogue_api.Comment", lambda o: f"/api/v1/dialogue/comments/{o.comment.id}", "token", scoped=True
    ),
    Route(
        "dialogue_api.CommentStatus",
        lambda o: f"/api/v1/dialogue/comments/{o.comment.id}/status",
        "token",
        scoped=True,
    ),
    Route(
        "dialogue_api.CommentClassification",
        lambda o: f"/api/v1/dialogue/comments/{o.comment.id}/classification",
        "token",
        scoped=True,
    ),
    Route(
        "dialogue_api.CommentNotice",
        lambda o: f"/api/v1/dialogue/comments/{o.comment.id}/notice",
        "token",
        scoped=True,
    ),
    Route(
        "dialogue_api.stats",
        lambda o: f"/api/v1/stats/dialogue?unit={o.district.code}&from=2018-01-01&to=2018-12-31",
        "token:read_results",
        scoped=True,
    ),
]
