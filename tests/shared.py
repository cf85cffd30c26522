"""Where the project's shared source material (`../shared`: domain.md, seed articles) lies for tests."""

import os
from pathlib import Path

import pytest

_CANDIDATES = [
    Path(os.environ.get("SURVEY_SHARED_DIR", "/nonexistent")),
    Path(__file__).resolve().parents[1].parent / "shared",
    Path("/work/shared"),  # a clean clone made elsewhere on the development machine
]


def shared_dir() -> Path:
    """The shared folder, or skip the calling test with the reason when this checkout has none beside it."""
    for candidate in _CANDIDATES:
        if (candidate / "domain.md").is_file():
            return candidate
    pytest.skip("../shared (domain.md and seed articles) is not available beside this checkout")
