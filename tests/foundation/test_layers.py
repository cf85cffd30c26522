"""The layer rules of CONVENTIONS.md are enforced by import-linter: a forbidden import fails `make lint`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run lint-imports with the project's contracts in a copy of the project."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True, check=False
    )


def _copy_of_project(tmp_path: Path) -> Path:
    """The package and its contracts, copied so a test can break them."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "survey_app", project / "survey_app", ignore=shutil.ignore_patterns("*.mo", "*.pyc")
    )
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_the_code_keeps_every_contract(tmp_path):
    result = _lint_imports(_copy_of_project(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "BROKEN" not in result.stdout


def test_analytics_importing_a_feature_package_breaks_the_lint(tmp_path):
    project = _copy_of_project(tmp_path)
    rates = project / "survey_app" / "analytics" / "rates.py"
    rates.write_text(rates.read_text() + "\nfrom survey_app.kiosk import levels  # noqa\n")
    result = _lint_imports(project)
    assert result.returncode != 0
    assert "survey_app.analytics.rates -> survey_app.kiosk.levels" in result.stdout


def test_a_service_building_a_form_breaks_the_lint(tmp_path):
    project = _copy_of_project(tmp_path)
    service = project / "survey_app" / "org" / "services.py"
    service.write_text(service.read_text() + "\nfrom survey_app.forms.org import UnitForm  # noqa\n")
    result = _lint_imports(project)
    assert result.returncode != 0
    assert "survey_app.org.services -> survey_app.forms.org" in result.stdout
