"""The folders of a test run, for the tests, the docstring examples and the notebooks alike.

Each run gets a data folder of its own, empty at the start, so no run reads a
user's imports; and one cache of fitted models, read by every test, example,
notebook and process of the run, and of the next runs.  Fitting the vote model
takes half a minute and most of the suite's time; sharing the fits is safe
because each is keyed by the contents of the data files and of unvote's code
(:func:`unvote.model.cache.data_version`): a changed byte in either makes new ones.
``pytest --cache-clear`` starts from an empty cache, as a fresh clone does.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

RUN_DIR = "UNVOTE_TEST_RUN_DIR"
"""The run's folder: made by the run's first process, inherited by its workers and kernels."""

_made = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Point unvote at the run's folders before anything imports it.

    The variables are inherited by the notebooks' kernels, the processes the
    tests start and the workers of pytest-xdist.  Fits are kept in pytest's
    cache folder (``.pytest_cache``) between runs; ``UNVOTE_TEST_CACHE`` names
    another folder, and without pytest's cache they go into the run's folder.
    The processes the run starts write their temporary files into the run's
    folder, which is removed at the end of the run.
    """
    if os.environ.get(RUN_DIR):  # a worker of a run whose first process made the folders
        return
    base = Path(tempfile.mkdtemp(prefix="unvote-tests-"))
    config.stash[_made] = base
    os.environ[RUN_DIR] = str(base)
    (base / "tmp").mkdir()
    os.environ["TMPDIR"] = str(base / "tmp")
    cache = os.environ.get("UNVOTE_TEST_CACHE") or _kept_cache(config) or str(base / "cache")
    os.environ["UNVOTE_CACHE_DIR"] = cache
    os.environ["UNVOTE_DATA_DIR"] = str(base / "data")


def _kept_cache(config: pytest.Config) -> str | None:
    """``.pytest_cache/d/unvote-fits``; None without pytest's cache or where it cannot be made."""
    kept = getattr(config, "cache", None)  # None with -p no:cacheprovider
    if kept is None:
        return None
    try:
        return str(kept.mkdir("unvote-fits"))
    except OSError:  # a read-only checkout
        return None


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's folder, in the process that made it (after its workers have ended)."""
    base = config.stash.get(_made, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)
        os.environ.pop(RUN_DIR, None)


def _settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("UNVOTE_") or k == "TMPDIR"}


@pytest.fixture(autouse=True)
def _no_setting_left_changed() -> Iterator[None]:
    """A test or example that changes unvote's variables must put them back (monkeypatch does).

    Otherwise every later test, example and notebook would read another cache
    or data folder: the changed values are restored and the test fails.
    """
    before = _settings()
    yield
    after = _settings()
    if after != before:
        for name in after.keys() - before.keys():
            del os.environ[name]
        os.environ.update(before)
        changed = sorted(
            name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
        )
        pytest.fail(
            f"left {', '.join(changed)} changed: use monkeypatch.setenv or "
            "unittest.mock.patch.dict(os.environ, ...), which restore it",
            pytrace=False,
        )
