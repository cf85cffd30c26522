"""Schemathesis against /api/v1/openapi.json: no input makes the API answer 5xx or break its document.

Every operation of the OpenAPI document gets a bounded number of generated requests (SCHEMATHESIS_EXAMPLES,
default 20, the same ones on every run) with a personal token of an administrator, or the device token
of a kiosk for the kiosk's own operations. A 5xx, a body or content type the document does not describe,
or a status it does not list, is a failure; the test lists every failing operation with its first
failure. Skipped when schemathesis is not installed.
"""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

# After the skip: these come with schemathesis.
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from survey_app.auth.services import issue_token  # noqa: E402
from survey_app.extensions import db  # noqa: E402

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
KIOSK_DEVICE_PATHS = ("/api/v1/kiosk/",)


def _tokens(app, org) -> dict[str, str]:
    _token, personal = issue_token(org.users["admin"], "schemathesis")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["kiosk", "register", "--unit", org.centre.code])
    assert result.exit_code == 0, result.output
    return {"personal": personal, "kiosk": result.output.strip().splitlines()[-1]}


def _describe(failure: BaseException) -> dict[str, str]:
    """Each distinct problem of a schemathesis failure (title → one line and how to reproduce it)."""
    text = str(failure)
    reproduce = next((line.strip() for line in text.splitlines() if line.strip().startswith("curl ")), "")
    problems = {}
    for sub in getattr(failure, "exceptions", None) or [failure]:
        title = getattr(sub, "title", type(sub).__name__)
        detail = next((line.strip() for line in str(sub).splitlines()[1:] if line.strip()), "")
        problems[title] = f"{detail[:200]} — {reproduce[:300]}"
    return problems


def _problems(operation, headers_for) -> dict[str, str]:
    """Run the operation's examples; every distinct problem found, with one example each."""
    found: dict[str, str] = {}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def probe(case):
        try:
            case.call_and_validate(headers=headers_for(case), checks=CHECKS)
        except (AssertionError, FailureGroup) as failure:
            for title, example in _describe(failure).items():
                found.setdefault(title, example)
        finally:
            db.session.rollback()

    probe()
    return found


def test_every_api_operation_holds_to_its_document(app, org, monkeypatch):
    monkeypatch.setitem(
        app.config, "PROPAGATE_EXCEPTIONS", False
    )  # a 500 is an answer here, as in production
    tokens = _tokens(app, org)

    def headers_for(case) -> dict[str, str]:
        kind = "kiosk" if case.path.startswith(KIOSK_DEVICE_PATHS) else "personal"
        return {"Authorization": f"Bearer {tokens[kind]}"}

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        problems = _problems(operation, headers_for)
        if problems:
            failures[operation.label] = problems
    assert operations > 10
    report = "\n".join(
        f"{label}\n" + "\n".join(f"    {title}: {example}" for title, example in problems.items())
        for label, problems in sorted(failures.items())
    )
    assert not failures, f"{len(failures)} of {operations} operations fail:\n{report}"
