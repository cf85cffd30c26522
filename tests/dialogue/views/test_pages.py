"""Every dialogue page: hostile text shown escaped, and the pages in English."""

import io
import zipfile

from docx import Document

from survey_app.dialogue.comments import add_comment, forward
from survey_app.dialogue.conferences import change_state
from survey_app.extensions import db
from tests.dialogue.helpers import pdf_text, signed_in
from tests.factories import add_departments, comment_input, make_conference

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_is_escaped_everywhere(app, org):
    add_departments(org)
    conference = make_conference(org, title=HOSTILE, venue=HOSTILE, scope=HOSTILE, conclusion=HOSTILE)
    conference.chair = HOSTILE
    add_comment(
        conference,
        comment_input(
            content=HOSTILE + "\x01",
            speaker_name=HOSTILE,
            speaker_organisation=HOSTILE,
            name_consent=True,
            outcome="on_spot",
            answered_by=HOSTILE,
            answer=HOSTILE,
        ),
        None,
    )
    written = add_comment(
        conference, comment_input(content=HOSTILE, outcome="written", department_id=org.dept_tp.id), None
    )
    forward(written, HOSTILE, None, HOSTILE)
    for action in ("start", "close", "publish"):
        change_state(conference, action, None)
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    pages = [f"/dialogue/{conference.id}{p}" for p in ("", "/live", "/invitation", "/minutes", "/conclusion")]
    pages += ["/dialogue/", f"/dialogue/comments/{written.id}", f"/dialogue/public/{conference.id}"]
    for url in pages:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url
    inbox = signed_in(app, "tuphap1").get("/dialogue/inbox").get_data(as_text=True)
    assert "<script>alert" not in inbox and "&lt;script&gt;" in inbox
    for kind in ("minutes", "conclusion"):
        data = client.get(f"/dialogue/{conference.id}/{kind}.docx").data
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "<script>" not in xml and "&lt;script&gt;" in xml
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        assert HOSTILE in text  # shown literally, as typed
        assert HOSTILE in pdf_text(client.get(f"/dialogue/{conference.id}/{kind}.pdf").data)


def test_pages_render_in_english_too(app, org):
    add_departments(org)
    conference = make_conference(org)
    comment = add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_tp.id), org.users["official"]
    )
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    client.get("/lang/en")
    expected = {
        "/dialogue/": "Plan a conference",
        f"/dialogue/{conference.id}": "Comments and follow-up",
        f"/dialogue/{conference.id}/live": "Ctrl+Enter records the comment",
        f"/dialogue/{conference.id}/minutes": "MINUTES",
        f"/dialogue/{conference.id}/invitation": "INVITATION",
        f"/dialogue/comments/{comment.id}": "Status history",
        "/dialogue/inbox": "Comments to answer",
    }
    for url, text in expected.items():
        page = client.get(url).get_data(as_text=True)
        assert text in page, url
    assert "Questions about procedures" in client.get(f"/dialogue/{conference.id}").get_data(as_text=True)
