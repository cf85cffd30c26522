"""Text no database can store (NUL, lone surrogates) is refused everywhere: a clear error, nothing changed.

The form walk signs in as the province administrator, opens every page of the route matrix, and posts
every form it finds (and every POST route of the matrix) with a NUL in each text field in turn; the
API walk sends NUL and a lone surrogate in every JSON body the OpenAPI document describes.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.core.text import is_unstorable, unstorable_paths
from survey_app.extensions import db
from survey_app.models.base import Base
from survey_app.models.dialogue import DialogueComment
from survey_app.models.kiosk import KioskDevice
from survey_app.org.reorganisation import reorganise_csv
from tests.conftest import csrf_token, login, post_form
from tests.dialogue.helpers import live_form
from tests.factories import add_departments, make_comment, make_conference
from tests.foundation import test_route_matrix as route_matrix
from tests.foundation.test_route_matrix import all_routes

matrix_org = route_matrix.matrix_org  # the organisation with one record of each kind the routes point at

NUL = "abc\x00def"
SURROGATE = "\ud800"
PAGE_MESSAGE = "Không có gì được lưu"  # the start of the Vietnamese refusal on the error page
API_MESSAGE = "Có ký tự không thể lưu trữ."
# downloads have no forms; the language switch would make the pages English
SKIPPED = ("/lang/", ".pdf", ".docx", ".csv", ".xlsx", "/report", "/export", "/photo", "/download")
TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password", None}


def test_unstorable_text_is_found_wherever_it_sits():
    assert is_unstorable("a\x00b") and is_unstorable("\udfff") and not is_unstorable("Phường Bưởi \ufffd")
    body = {"ok": "x", "a": [{"b": NUL}, "fine"], "k\x00": 1, "skip": ["\ud800"]}
    assert unstorable_paths(body, skip=("skip",)) == ["a.0.b", "k\x00"]
    deep: list = ["\ud800"]
    for _ in range(5000):  # nested deeper than recursion could follow
        deep = [deep]
    assert len(unstorable_paths({"d": deep})) == 1


class _Forms(HTMLParser):
    """The POST and GET forms of a page: action, method, text field names and what the browser would send."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page_url
            self.forms.append(
                {"action": action, "method": (a.get("method") or "get").lower(), "data": {}, "text": []}
            )
            return
        if not self.forms or not a.get("name"):
            return
        form = self.forms[-1]
        name = a["name"]
        if tag == "input":
            kind = a.get("type")
            if kind in TEXT_INPUTS and name != "csrf_token":
                form["text"].append(name)
                form["data"].setdefault(name, a.get("value") or "")
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["data"].setdefault(name, a.get("value", "y"))
            elif kind in ("hidden", "number", "date") and name != "csrf_token":
                form["data"].setdefault(name, a.get("value") or "")
        elif tag == "textarea":
            form["text"].append(name)
            form["data"].setdefault(name, "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and (self._select not in form["data"] or "selected" in a):
            form["data"][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _snapshot() -> dict[str, list]:
    """Every row of every table, to prove a refused request changed nothing."""
    db.session.expire_all()
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in Base.metadata.sorted_tables
    }


def _changed(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ (an API token's last use is noted on every request, refused or not)."""
    return [name for name in before if before[name] != after[name] and name != "api_token"]


def _forms_of_the_site(client, org, visitor: str) -> dict[tuple[str, str], dict]:
    """Every form on every page the visitor can open, by (method, action path)."""
    found: dict[tuple[str, str], dict] = {}
    routes = [r for r in all_routes() if visitor == "admin" or r.access == "public"]
    for route in routes:
        if route.method != "GET" or route.access.startswith("token"):
            continue
        url = route.url(org)
        if any(part in url for part in SKIPPED):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Forms(url)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            path = urlsplit(form["action"]).path or url
            key = (form["method"], path)
            if key not in found or len(form["text"]) > len(found[key]["text"]):
                found[key] = form
    for route in routes:  # POST routes no page shows a form for (buttons of other roles, say)
        url = route.url(org)
        if route.method == "POST" and not url.startswith("/api/"):
            found.setdefault(("post", url), {"data": {}, "text": []})
    for form in found.values():
        form["text"] = form["text"] or ["comment"]  # a form of buttons: any field the request carries
    found.pop(("post", "/auth/logout"), None)
    return found


@pytest.mark.parametrize("visitor", ["anonymous", "admin"])
def test_every_form_refuses_a_nul_in_each_text_field(app, matrix_org, visitor):
    org = matrix_org
    client = app.test_client()
    if visitor == "admin":
        assert login(client, org.users["admin"].username).status_code == 302
        token, _plain = issue_token(org.users["admin"], "target")
        db.session.commit()
        org.token_id = token.id
    forms = _forms_of_the_site(client, org, visitor)
    assert len(forms) > (30 if visitor == "admin" else 3), "the walk should find the site's forms"
    if visitor == "anonymous":  # signing in and the citizens' online SIPAS form
        assert ("post", "/auth/login") in forms and any("/sipas/s/" in path for _m, path in forms)
    token = csrf_token(client, "/account" if visitor == "admin" else "/auth/login")
    failures = []
    before = _snapshot()
    tried = 0
    for (method, path), form in sorted(forms.items()):
        for name in form["text"]:
            data = {**form["data"], name: NUL}
            if method == "post":
                response = client.post(path, data={**data, "csrf_token": token})
            else:
                response = client.get(path, query_string=data)
            tried += 1
            page = response.get_data(as_text=True)
            if response.status_code != 400 or PAGE_MESSAGE not in page:
                failures.append(f"{method.upper()} {path} [{name}]: {response.status_code}")
    after = _snapshot()
    assert failures == []
    assert _changed(before, after) == []
    assert tried >= (100 if visitor == "admin" else 5)


def test_a_lone_surrogate_cannot_reach_a_form_or_a_url(app, matrix_org):
    """Its UTF-8-like bytes (%ED%A0%80) are not UTF-8: werkzeug keeps them as text any database stores."""
    org = matrix_org
    client = app.test_client()
    assert login(client, org.users["admin"].username).status_code == 302
    encoded = quote(SURROGATE.encode("utf-8", "surrogatepass"))
    for url in (
        f"/admin/audit/?actor={encoded}",
        f"/dossiers/?unit={encoded}",
        f"/org/units/{encoded}",
        f"/sipas/campaigns/{encoded}",
        f"/dossiers/d/{encoded}",
        f"/api/v1/dialogue/conferences/{encoded}",
    ):
        assert client.get(url).status_code in (200, 302, 400, 404), url
    body = f"csrf_token={csrf_token(client, '/org/fields/new')}&code=x{encoded}&name_vi={encoded}&name_en=a"
    response = client.post("/org/fields/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/admin/audit/?actor=a%00b",
        "/dossiers/?unit=%00",
        "/public/003?month=%00",
        "/sipas/campaigns/a%00b",
        "/dossiers/d/a%00b",
        "/dossiers/unit/00109/2026Q1%00",
    ],
)
def test_query_strings_and_path_parameters_with_a_nul_are_refused(app, org, url):
    client = app.test_client()
    assert login(client, org.users["admin"].username).status_code == 302
    response = client.get(url)
    assert response.status_code == 400
    assert PAGE_MESSAGE in response.get_data(as_text=True)


def test_api_query_and_path_parameters_with_a_nul_answer_422(app, org):
    _token, plain = issue_token(org.users["admin"], "t")
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    response = client.get("/api/v1/dossiers/stats?unit=%00&quarter=2026Q1", headers=headers)
    assert response.status_code == 422
    assert response.json["message"] == API_MESSAGE and "unit" in response.json["errors"]["query"]
    assert client.get("/api/v1/dialogue/conferences/1%00", headers=headers).status_code == 404


# --- dialogue comments: the issue's own case ------------------------------------------------------


@pytest.mark.parametrize("script", [False, True], ids=["page", "live-script"])
def test_a_dialogue_comment_with_a_nul_is_refused_and_not_stored(app, org, script):
    add_departments(org)
    conference = make_conference(org)
    db.session.commit()
    client = app.test_client()
    assert login(client, org.users["official"].username).status_code == 302
    url = f"/dialogue/{conference.id}/comments"
    headers = {"Accept": "application/json"} if script else {}
    for field in ("content", "answer", "answered_by"):
        response = post_form(
            client,
            url,
            live_form(**{field: f"Ý kiến {NUL}"}),
            token_from=f"/dialogue/{conference.id}/live",
            headers=headers,
        )
        assert response.status_code == 400
        if script:
            assert response.json["errors"] == {field: [API_MESSAGE]}
        else:
            assert PAGE_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 0
    response = post_form(client, url, live_form(), token_from=f"/dialogue/{conference.id}/live")
    assert response.status_code == 302  # the same comment without the NUL is stored
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 1


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_a_dialogue_comment_through_the_api_with_unstorable_text_is_422(app, org, bad):
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    db.session.commit()
    _token, plain = issue_token(org.users["admin"], "t")
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}", "Content-Type": "application/json"}
    before = _snapshot()
    body = json.dumps({"content": f"Ý kiến {bad}", "category": "other"})  # \ud800 as JSON's escape
    response = client.post(
        f"/api/v1/dialogue/conferences/{conference.id}/comments", data=body, headers=headers
    )
    assert response.status_code == 422
    assert response.json["message"] == API_MESSAGE
    assert response.json["errors"]["json"] == {"content": [API_MESSAGE]}
    body = json.dumps({"status": "answered", "answer": bad})
    response = client.post(f"/api/v1/dialogue/comments/{comment.id}/status", data=body, headers=headers)
    assert response.status_code == 422 and response.json["errors"]["json"] == {"answer": [API_MESSAGE]}
    assert _changed(before, _snapshot()) == []


# --- every JSON API operation with a body -----------------------------------------------------------


def _operations_with_a_body(app) -> list[tuple[str, str, dict]]:
    """(method, path template, example body) of every operation whose request body is JSON."""
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]

    def example(schema: dict):
        if "$ref" in schema:
            return example(schemas[schema["$ref"].rsplit("/", 1)[-1]])
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return {name: example(sub) for name, sub in schema.get("properties", {}).items()}
        if kind == "array":
            return [example(schema.get("items", {}))]
        return "x" if kind == "string" or kind is None else 1

    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                found.append((method, path, example(content["schema"])))
    return found


def _with_bad_text(body, bad: str):
    """The body with every string replaced by the bad text (keys kept)."""
    if isinstance(body, dict):
        return {key: _with_bad_text(value, bad) for key, value in body.items()}
    if isinstance(body, list):
        return [_with_bad_text(item, bad) for item in body]
    return bad if isinstance(body, str) else body


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_every_api_body_with_unstorable_text_is_refused_and_changes_nothing(app, matrix_org, bad):
    org = matrix_org
    _token, personal = issue_token(org.users["admin"], "t")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["kiosk", "register", "--unit", org.centre.code])
    kiosk = result.output.strip().splitlines()[-1]
    operations = _operations_with_a_body(app)
    assert len(operations) >= 5
    client = app.test_client()
    ids = {"conference_id": org.conference.id, "comment_id": org.comment.id}
    before = _snapshot()
    failures = []
    for method, template, example in operations:
        path = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), template)
        token = kiosk if path.startswith("/api/v1/kiosk/") else personal
        body = json.dumps(_with_bad_text(example, bad))
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        response = client.open(path, method=method.upper(), data=body, headers=headers)
        if path == "/api/v1/kiosk/ratings":  # one bad rating is rejected on its own, the batch answered
            results = response.json["results"] if response.status_code == 200 else None
            if not results or results[0]["status"] != "rejected":
                failures.append(f"{method} {path}: {response.status_code} {response.json}")
            continue
        if response.status_code != 422 or response.json.get("message") != API_MESSAGE:
            failures.append(
                f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:200]}"
            )
    assert failures == []
    after = _snapshot()
    assert _changed(before, after) in ([], ["kiosk_device"])  # the tablet's last visit is noted


def test_unit_imports_refuse_a_nul(app, org):
    client = app.test_client()
    assert login(client, org.users["admin"].username).status_code == 302
    before = _snapshot()
    csv = "code,name,kind,parent_code\r\n0011\x00,Phường Mới,ward,003\r\n".encode()
    response = post_form(
        client,
        "/org/units/import",
        {"file": (io.BytesIO(csv), "units.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "CSV" in response.get_data(as_text=True)
    assert _changed(before, _snapshot()) == []
    assert reorganise_csv("old_code,new_code,effective_on\n00109\x00,,2026-01-01\n").errors


def test_a_kiosk_version_header_with_a_nul_is_ignored(app, org):
    result = app.test_cli_runner().invoke(args=["kiosk", "register", "--unit", org.centre.code])
    headers = {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}
    client = app.test_client()
    response = client.get("/api/v1/kiosk/config", headers={**headers, "X-Kiosk-Version": "2.0\x00"})
    assert response.status_code == 200
    response = client.get("/api/v1/kiosk/config", headers={**headers, "X-Kiosk-Version": "2.1"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(KioskDevice.app_version)) == "2.1"
