"""A cache of fitted models and forecast inputs on disk: JSON keyed by data version and cut-off.

Fitting the vote model takes seconds; a forecast made again on the same data
need not refit it.  Entries are JSON files (never pickle) in
:func:`unvote.datadir.cache_dir`, named by a digest of what produced them:
the version of unvote, the data (:func:`data_version`), the cut-off and the
estimator's parameters.  An entry that cannot be read or parsed, or that
fails its checks, is deleted and rebuilt, never trusted; a cache folder that
cannot be written only costs the time of a refit.

>>> import os, tempfile
>>> os.environ["UNVOTE_CACHE_DIR"] = tempfile.mkdtemp()
>>> store("example", {"a": 1}, {"value": 2})
>>> fetch("example", {"a": 1})
{'value': 2}
>>> fetch("example", {"a": 2}) is None
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from unvote import datadir, files
from unvote.errors import OutputError

FORMAT = 2
"""Bumped whenever the layout of an entry changes: older entries are then ignored."""


def _package_version() -> str:
    try:
        return version("unvote")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "source"


def data_version() -> str:
    """A digest of every data file the record is read from: shipped, ``UNVOTE_GA_DATA``, imports.

    Cheap (file sizes and modification times, not contents): it changes when
    a file is replaced, an extract imported or the variable pointed elsewhere.
    """
    from unvote.load import data_path, record_dir

    # The imports folder by its files alone: an empty one, wherever it is, adds nothing.
    folders = [
        (str(data_path(".")), data_path(".")),
        (str(data_path("ga")), data_path("ga")),
        (str(record_dir()), record_dir()),
        ("imports", datadir.imports_dir()),
    ]
    digest = hashlib.sha256(_package_version().encode())
    for label, folder in folders:
        digest.update(label.encode())
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _path(kind: str, key: Mapping[str, Any]) -> Path:
    text = json.dumps({"format": FORMAT, "kind": kind, **key}, sort_keys=True, default=str)
    name = hashlib.sha256(text.encode()).hexdigest()[:24]
    return datadir.cache_dir() / kind / f"{name}.json"


def fetch(kind: str, key: Mapping[str, Any]) -> Any | None:
    """The entry stored under ``key``, or None (none there, or unreadable: then it is removed)."""
    path = _path(kind, key)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        _discard(path)
        return None
    try:
        entry = json.loads(text)
    except json.JSONDecodeError:
        _discard(path)
        return None
    if not isinstance(entry, dict) or entry.get("key") != json.loads(
        json.dumps(dict(key), default=str)
    ):
        _discard(path)
        return None
    return entry.get("value")


def store(kind: str, key: Mapping[str, Any], value: Any) -> None:
    """Keep ``value`` (JSON-ready) under ``key``; a cache that cannot be written is skipped."""
    path = _path(kind, key)
    text = json.dumps({"key": dict(key), "value": value}, default=str)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_text(path, text)
    except (OSError, OutputError):
        pass  # a read-only or full cache only costs a refit next time


def discard(kind: str, key: Mapping[str, Any]) -> None:
    """Remove the entry under ``key`` (one that failed its checks after reading)."""
    _discard(_path(kind, key))


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
