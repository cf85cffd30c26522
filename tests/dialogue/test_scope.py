"""Who sees which conference and comment: the host's subtree, and a department its own comments."""

from survey_app.dialogue.scope import can_see_comment, can_see_conference, inbox_query, open_in_inbox
from survey_app.extensions import db
from tests.factories import add_departments, make_comment, make_conference


def test_department_inbox_shows_only_its_comments(org):
    add_departments(org)
    conference = make_conference(org)
    mine = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    make_comment(conference, outcome="written", department_id=org.dept_qldt.id)
    db.session.commit()
    assert db.session.scalars(inbox_query(org.users["dept"])).all() == [mine]
    assert len(db.session.scalars(inbox_query(org.users["official"])).all()) == 2
    assert db.session.scalars(inbox_query(org.users["sibling"])).all() == []
    assert (open_in_inbox(org.users["dept"]), open_in_inbox(org.users["official"])) == (1, 2)
    assert can_see_comment(org.users["dept"], mine)
    assert not can_see_conference(org.users["dept"], conference)
