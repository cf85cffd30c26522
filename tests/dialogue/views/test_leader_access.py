"""A leader reads his own ward's conferences (list, ledger, minutes), changes nothing, sees no other's."""

from survey_app.extensions import db
from survey_app.models import Role
from tests.dialogue.helpers import signed_in
from tests.factories import make_comment, make_conference, make_user


def _ward_conference(org, host):
    conference = make_conference(org, host=host, title=f"Đối thoại {host.name}")
    make_comment(conference, org.users["official"], content="Bản sao chứng thực phải chờ lâu.")
    db.session.commit()
    return conference


def test_ward_leader_opens_his_wards_conferences_read_only(app, org):
    leader = make_user("chutich_buoi", Role.leader, org.ward)
    own = _ward_conference(org, org.ward)
    other = _ward_conference(org, org.ward2)
    client = signed_in(app, leader.username)

    assert 'id="dialogue-conferences-tile"' in client.get("/leader").get_data(as_text=True)
    listing = client.get("/dialogue/")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "Đối thoại Phường Bưởi" in text
    assert "Đối thoại Phường Thụy Khuê" not in text
    assert "/dialogue/new" not in text  # no planning for a reader

    page = client.get(f"/dialogue/{own.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bản sao chứng thực phải chờ lâu." in text
    assert 'id="state-button"' not in text and 'name="department_id"' not in text
    assert 'name="comment_ids"' not in text and "/live" not in text
    assert client.get(f"/dialogue/{own.id}/minutes").status_code == 200
    assert client.get(f"/dialogue/{own.id}/minutes.docx").status_code == 200

    assert client.get(f"/dialogue/{other.id}").status_code == 404
    assert client.get(f"/dialogue/{own.id}/edit").status_code == 403
    assert client.get(f"/dialogue/{own.id}/live").status_code == 403
