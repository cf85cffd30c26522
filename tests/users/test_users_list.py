"""The users list: search by name, username or unit (accents ignored), in scope, a page at a time."""

from __future__ import annotations

import re

from survey_app.extensions import db
from survey_app.models import Role
from tests.conftest import login
from tests.factories import make_user


def usernames(html: str) -> list[str]:
    return re.findall(r'<td><a href="/users/\d+/edit">([^<]+)</a>', html)


def test_search_by_full_name_username_or_unit_ignores_accents(app, org, client):
    officer = make_user("nguyen.van.an", Role.official, org.ward)
    officer.full_name = "Nguyễn Văn An"
    db.session.commit()
    login(client, "admin1")
    by_name = client.get("/users/?q=nguyen+van").get_data(as_text=True)
    assert usernames(by_name) == ["nguyen.van.an"]
    assert "1 người dùng khớp với “nguyen van”." in by_name
    by_unit = client.get("/users/?q=phuong+buoi").get_data(as_text=True)
    assert usernames(by_unit) == ["nguyen.van.an"]
    by_username = client.get("/users/?q=SIBLING").get_data(as_text=True)
    assert usernames(by_username) == ["sibling_admin"]


def test_search_stays_in_the_users_subtree(app, org, client):
    login(client, "unit_admin1")
    html = client.get("/users/?q=admin").get_data(as_text=True)
    assert "sibling_admin" not in usernames(html)
    assert "unit_admin1" in usernames(html)


def test_a_long_list_is_paged(app, org, client):
    for n in range(60):
        make_user(f"can.bo{n:02d}", Role.official, org.ward)
    db.session.commit()
    login(client, "admin1")
    first = client.get("/users/").get_data(as_text=True)
    assert len(usernames(first)) == 50 and "Trang 1/2" in first
    second = client.get("/users/?page=2").get_data(as_text=True)
    total = len(org.users) + 60
    assert len(usernames(second)) == total - 50
    assert not set(usernames(first)) & set(usernames(second))
    searched = client.get("/users/?q=can+bo&page=2").get_data(as_text=True)
    assert len(usernames(searched)) == 10 and "q=can+bo" in searched.replace("&amp;", "&")
    assert client.get("/users/?page=99").status_code == 200  # past the end: the last page
