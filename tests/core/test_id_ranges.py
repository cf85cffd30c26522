"""Out-of-range integer ids in any URL are 404 — HTML on pages, JSON on the API — never a 500."""

from __future__ import annotations

import re

import pytest

from survey_app.auth.services import issue_token
from survey_app.core.routing import MAX_ID
from survey_app.extensions import db
from tests.conftest import login

HUGE_IDS = [2**31, 2**63, 10**20]
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")


def _path_with(rule, huge: int, org) -> str:
    """The rule's path with every int argument set to `huge` and other arguments to a real value."""

    def fill(match: re.Match) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if converter == "int":
            return str(huge)
        return org.ward.code if "code" in name or converter == "default" else "x"

    return ARGUMENT.sub(fill, rule.rule)


def test_the_ids_of_every_model_fit_the_bound(app):
    """The bound is the range of the id columns (32-bit INTEGER): a bigger id names no row."""
    from sqlalchemy import BigInteger

    for table in db.metadata.tables.values():
        for column in table.primary_key.columns:
            assert not isinstance(column.type, BigInteger), f"{table.name}.{column.name} is 64-bit"
    assert MAX_ID == 2**31 - 1


@pytest.mark.parametrize(
    "url",
    [
        "/dialogue/public/3000000000",
        "/api/v1/dialogue/conferences/2147483648",
        "/org/staff/99999999999999999999/photo",
        "/api/v1/dialogue/comments/9223372036854775808",
    ],
)
def test_the_reported_urls_are_404(client, org, url):
    headers = {}
    if url.startswith("/api/"):
        _token, plain = issue_token(org.users["admin"], "probe")
        db.session.commit()
        headers = {"Authorization": f"Bearer {plain}"}
    response = client.get(url, headers=headers)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.is_json and response.json["code"] == 404
    else:
        assert "text/html" in response.content_type


def test_the_largest_id_still_reaches_the_view(client, org):
    """2**31 - 1 is a valid id: the view answers (404: no such staff), not the router."""
    response = client.get(f"/org/staff/{MAX_ID}/photo")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "leader", "admin"])
def test_no_rule_with_an_int_argument_answers_500_to_huge_ids(app, org, who):
    client = app.test_client()
    headers = {}
    if who != "anonymous":
        login(client, org.users[who].username)
        _token, plain = issue_token(org.users[who], "probe")
        db.session.commit()
        headers = {"Authorization": f"Bearer {plain}"}
    rules = [rule for rule in app.url_map.iter_rules() if "<int" in rule.rule]
    assert len(rules) > 30  # every feature's pages and API
    answers = {}
    for rule in rules:
        for huge in HUGE_IDS:
            path = _path_with(rule, huge, org)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                status = client.open(path, method=method, headers=headers).status_code
                answers[(method, path)] = status
    assert {key: status for key, status in answers.items() if status >= 500} == {}
    # Nothing reached a view with an id no row can have: the router answered 404 everywhere.
    assert {key: status for key, status in answers.items() if status != 404} == {}
