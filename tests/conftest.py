"""Shared fixtures: the UN source files beside the project, the record built once.

The run's folders (its data folder and the cache of fits) are set in the
``conftest.py`` at the top of the project, for the docstring examples and
notebooks too.
"""

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


@pytest.fixture(scope="session")
def record():
    """The whole record as arrays (:func:`unvote.panel.load_record`), built once per run."""
    from unvote.panel import load_record

    return load_record()
