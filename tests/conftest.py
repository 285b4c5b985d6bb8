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
# UNVOTE_SHARED_DATA names the UN source files when they are not beside the project.
SHARED_DATA = Path(os.environ.get("UNVOTE_SHARED_DATA") or ROOT.parent / "shared" / "data")
REQUIRE_SHARED_DATA = "UNVOTE_REQUIRE_SHARED_DATA"
"""Set (``.ci/run`` sets it) to fail, not skip, the tests of the UN source files without them."""


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The UN source files the shipped record was built from (``../shared/data``).

    The repository ships the compiled record, not these sources (11 MB, among
    them the UN's raw extracts); the tests that check the record against them
    are skipped without them, and run in CI.
    """
    if not SHARED_DATA.is_dir():
        message = (
            f"needs the UN source files in {SHARED_DATA} (../shared/data beside the project, "
            "or set UNVOTE_SHARED_DATA to their folder); CI has them"
        )
        if os.environ.get(REQUIRE_SHARED_DATA):
            pytest.fail(f"{message}, and {REQUIRE_SHARED_DATA} is set", pytrace=False)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(scope="session")
def ga_data(shared_data: Path) -> Path:
    """The full General Assembly record as compiled (``../shared/data/unga``)."""
    return shared_data / "unga"


@pytest.fixture(scope="session")
def record():
    """The whole record as arrays (:func:`unvote.model.features.load_record`), built once."""
    from unvote.model.features import load_record

    return load_record()
