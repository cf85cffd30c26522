"""Vietnamese by default, English on request; Vietnamese number and date formats; full catalogs."""

from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from survey_app.core.formatting import number, percent, vn_date
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def test_vietnamese_is_the_default_and_english_is_switchable(client):
    assert "Đăng nhập" in client.get("/auth/login").get_data(as_text=True)
    response = client.get("/lang/en?next=/auth/login")
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Sign in" in page and 'lang="en"' in page
    client.get("/lang/vi")
    assert "Đăng nhập" in client.get("/auth/login").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(client):
    assert client.get("/lang/en?next=//evil.example").headers["Location"] == "/"


def test_vietnamese_number_and_date_formats(app):
    with app.test_request_context():
        assert number(6100) == "6.100"
        assert percent(21.7) == "21,7%"
        assert percent(98.71, 2) == "98,71%"
        assert vn_date(date(2018, 6, 1)) == "01/06/2018"


def test_english_number_formats(app, client):
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert number(6100) == "6,100"
        assert percent(21.7) == "21.7%"


def _vietnamese_catalogs() -> dict[str, dict[str, str]]:
    """{catalog folder's package: {msgid: translation}} of every translated entry of the vi catalogs."""
    catalogs = [ROOT / "survey_app" / "translations", *sorted((ROOT / "survey_app").glob("*/translations"))]
    found: dict[str, dict[str, str]] = {}
    for directory in catalogs:
        entries = found[directory.parent.name] = {}
        with (directory / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    entries[key] = str(message.string)
    return found


def test_every_ui_string_has_a_vietnamese_translation():
    translated = {msgid for entries in _vietnamese_catalogs().values() for msgid in entries}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    missing = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT / "survey_app",
        method_map=method_map,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None},
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and msgid not in translated:
            missing.add(msgid)
    assert sorted(missing) == [], "strings without a Vietnamese translation (run make extract-messages)"


def test_signed_in_pages_render_in_both_languages(client, org):
    login(client, "admin1")
    assert "Đơn vị" in client.get("/org/units").get_data(as_text=True)
    client.get("/lang/en")
    assert "Organisational units" in client.get("/org/units").get_data(as_text=True)


def test_a_word_has_one_vietnamese_translation_across_catalogs():
    # The feature catalogs are merged into one at run time: a msgid translated two ways shows one of
    # them everywhere (a conference's "Title" read "Chức vụ", a job title). Different meanings need
    # different msgids.
    found: dict[str, dict[str, str]] = {}
    for catalog, entries in _vietnamese_catalogs().items():
        for msgid, translation in entries.items():
            found.setdefault(msgid, {})[catalog] = translation
    clashes = {msgid: where for msgid, where in found.items() if len(set(where.values())) > 1}
    assert clashes == {}


def test_labels_that_share_an_english_word_read_right_in_vietnamese(client, org):
    login(client, "admin1")
    conference_form = client.get("/dialogue/new").get_data(as_text=True)
    assert "Tên hội nghị" in conference_form and "Chức vụ" not in conference_form
    staff_form = client.get(f"/org/units/{org.ward.id}/staff/new").get_data(as_text=True)
    assert "Chức vụ" in staff_form and "Tên hội nghị" not in staff_form
