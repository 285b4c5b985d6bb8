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


@pytest.fixture(scope="session")
def record():
    """The whole record as arrays (:func:`unvote.panel.load_record`), built once per run."""
    from unvote.panel import load_record

    return load_record()


def pytest_configure(config: pytest.Config) -> None:
    """Every test run gets a cache and a data folder of its own, empty at the start.

    Set before any test or doctest imports unvote, and inherited by the
    notebooks' kernels, so no run reads a user's imports or cached fits.
    ``UNVOTE_TEST_CACHE`` names a cache folder to keep between runs instead
    (fitted models are keyed by the data and the code's version, so reuse is safe).
    """
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="unvote-tests-"))
    os.environ["UNVOTE_CACHE_DIR"] = os.environ.get("UNVOTE_TEST_CACHE") or str(base / "cache")
    os.environ["UNVOTE_DATA_DIR"] = str(base / "data")
