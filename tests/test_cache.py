"""The cache of fits: keyed by the contents of the data and the code, not by dates or places."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from unvote.model import cache
from unvote.record import loaders as load

SHIPPED = load.data_path(".")
PACKAGE = Path(cache.__file__).parent.parent  # unvote, from unvote/model


@pytest.fixture
def ga_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped record (new files, new dates), read as ``$UNVOTE_GA_DATA``."""
    copy = tmp_path / "ga"
    shutil.copytree(SHIPPED / "ga", copy, copy_function=shutil.copyfile)
    monkeypatch.setenv("UNVOTE_GA_DATA", str(copy))
    return copy


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))


def test_a_copy_of_the_record_has_the_shipped_version(ga_copy, monkeypatch) -> None:
    copied = cache.data_version()
    monkeypatch.delenv("UNVOTE_GA_DATA")
    assert cache.data_version() == copied


def test_new_dates_keep_the_version_and_a_changed_byte_changes_it(ga_copy) -> None:
    before = cache.data_version()
    for path in ga_copy.iterdir():
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert cache.data_version() == before
    _flip_last_byte(ga_copy / "votes.csv.gz")
    changed = cache.data_version()
    assert changed != before
    _flip_last_byte(ga_copy / "votes.csv.gz")
    assert cache.data_version() == before


def test_a_file_rewritten_in_place_with_its_old_size_and_date_is_read_again(ga_copy) -> None:
    path = ga_copy / "sponsors.csv.gz"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = cache.data_version()
    _flip_last_byte(path)  # same size; the date set back to what it was
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert cache.data_version() != before


def test_imports_change_the_version_and_hidden_files_do_not(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("UNVOTE_DATA_DIR", str(tmp_path / "user"))
    before = cache.data_version()
    imports = tmp_path / "user" / "imports"
    imports.mkdir(parents=True)
    assert cache.data_version() == before  # an empty imports folder adds nothing
    (imports / ".unvote-x.tmp").write_bytes(b"a write in progress")
    assert cache.data_version() == before
    (imports / "roll_calls.csv.gz").write_bytes(gzip.compress(b"id\n"))
    assert cache.data_version() != before


VERSION_OF = "from unvote.model import cache; print(cache.data_version())"


def _version_of_copy(site: Path) -> str:
    """``data_version()`` of the package copied into ``site``, in a new process."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", VERSION_OF], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_reinstalling_keeps_the_version_and_editing_the_fitting_code_changes_it(tmp_path) -> None:
    # A reinstall puts the same files elsewhere, with new dates: the data folders
    # (links in a source tree) become files, as in the wheel.
    site = tmp_path / "site"
    shutil.copytree(
        PACKAGE,
        site / "unvote",
        copy_function=shutil.copyfile,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    assert _version_of_copy(site) == cache.data_version()
    # The charts do not touch a fit: editing them keeps it; editing the features does not.
    with (site / "unvote" / "report" / "charts.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert _version_of_copy(site) == cache.data_version()
    with (site / "unvote" / "model" / "features.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert _version_of_copy(site) != cache.data_version()


def test_a_corrupt_or_foreign_entry_is_removed_and_missed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNVOTE_CACHE_DIR", str(tmp_path / "cache"))
    key = {"data": cache.data_version(), "through": "2024-09-09"}
    cache.store("model", key, {"coef": [1.0]})
    assert cache.fetch("model", key) == {"coef": [1.0]}
    (entry,) = (tmp_path / "cache" / "model").glob("*.json")
    entry.write_text('{"key": ', encoding="utf-8")  # cut short
    assert cache.fetch("model", key) is None and not entry.exists()
    cache.store("model", key, {"coef": [1.0]})
    entry.write_text('{"key": {"data": "another"}, "value": 1}', encoding="utf-8")
    assert cache.fetch("model", key) is None and not entry.exists()


def test_the_version_is_cheap_once_the_files_are_read() -> None:
    import time

    cache.data_version()
    start = time.perf_counter()
    for _ in range(10):
        cache.data_version()
    assert (time.perf_counter() - start) / 10 < 0.05  # folders listed, nothing read
