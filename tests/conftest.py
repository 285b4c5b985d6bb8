"""Shared fixtures: the location of the compiled UN record beside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# UNVOTE_SHARED_DATA names the compiled record when it is not beside the project.
SHARED_DATA = Path(os.environ.get("UNVOTE_SHARED_DATA") or ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the compiled record; tests that need it skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the project")
    return SHARED_DATA


@pytest.fixture(scope="session")
def ga_data(shared_data: Path) -> Path:
    """The full General Assembly record (``../shared/data/unga``)."""
    return shared_data / "unga"
