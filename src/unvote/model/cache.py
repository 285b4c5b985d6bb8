"""A cache of fitted models and forecast inputs on disk: JSON keyed by data version and cut-off.

Fitting the vote model takes seconds; a forecast made again on the same data
need not refit it.  Entries are JSON files (never pickle) in
:func:`unvote.record.datadir.cache_dir`, named by a digest of what produced them:
the data and unvote's code (:func:`data_version`), the cut-off and the
estimator's parameters.  An entry that cannot be read or parsed, or that
fails its checks, is deleted and rebuilt, never trusted; a cache folder that
cannot be written only costs the time of a refit.

The data's version is a digest of the files' contents, not of their dates:
reinstalling the same package, or copying the record elsewhere, keeps every
fit; changing one byte of the data, or of unvote's code, makes new ones.

>>> import os, tempfile
>>> from unittest import mock
>>> with tempfile.TemporaryDirectory() as folder, mock.patch.dict(
...     os.environ, {"UNVOTE_CACHE_DIR": folder}
... ):
...     store("example", {"a": 1}, {"value": 2})
...     fetch("example", {"a": 1}), fetch("example", {"a": 2})
({'value': 2}, None)
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import time
import zlib
from collections.abc import Iterator, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from unvote import files
from unvote.errors import OutputError
from unvote.record import datadir

CACHE_FORMAT = 2
"""Bumped whenever the layout of an entry changes: older entries are then ignored."""


def _package_version() -> str:
    try:
        return version("unvote")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "source"


_DIGESTS: dict[str, tuple[tuple[int, ...], str]] = {}
"""Path -> (what its stat said, the digest of its contents): each file is read once a process."""

_SETTLED_NS = 2_000_000_000
"""A file modified less than this long ago (ns) may change again within one tick of the
file system's clock, unseen by its stat: it is hashed again each time until it settles."""


def _file_digest(path: Path) -> str | None:
    """SHA-256 of a file's contents (None if it is gone), read again only when its stat changes."""
    try:
        info = path.stat()
        signature = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        known = _DIGESTS.get(str(path))
        if known is not None and known[0] == signature:
            return known[1]
        with path.open("rb") as handle:
            value = hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:  # removed since the folder was listed
        return None
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > _SETTLED_NS:
        _DIGESTS[str(path)] = (signature, value)
    return value


def _folder_digest(digest: Any, label: str, folder: Path) -> None:
    """Add the name and contents of each file in ``folder`` (not below it) to ``digest``."""
    digest.update(f"\0{label}\0".encode())
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        # Hidden files are temporary ones of a write in progress (unvote.files).
        if path.name.startswith(".") or not path.is_file():
            continue
        value = _file_digest(path)
        if value is not None:
            digest.update(f"{path.name}:{value}\n".encode())


FITTING_LAYERS = ("record", "items", "model")
"""The subpackages whose code reads the record and fits the model: a change there refits."""


def code_version(*subpackages: str) -> str:
    """A digest of unvote's version and of the source a cached result was computed by.

    The modules every layer shares (``errors``, ``vocabulary``, ``files``) and
    the named subpackages (default: :data:`FITTING_LAYERS`), so that editing
    the charts or the command line keeps the fits, editing the features does
    not.  Reinstalling the same package keeps it.

    >>> code_version() == code_version(*FITTING_LAYERS) != code_version("forecasting")
    True
    """
    package = Path(__file__).parent.parent  # the unvote package
    digest = hashlib.sha256(_package_version().encode())
    shared = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
    for name in subpackages or FITTING_LAYERS:
        shared += sorted((package / name).rglob("*.py"))
    for path in shared:
        digest.update(f"{path.relative_to(package).as_posix()}:{_file_digest(path)}\n".encode())
    return digest.hexdigest()[:16]


def data_version() -> str:
    """A digest of the data the record is read from and of the code that reads it.

    The contents of every file read: shipped (``unvote/data`` and its
    ``ga``), ``$UNVOTE_GA_DATA`` and the user's imports; and
    :func:`code_version` of the layers that read the record and fit the model.
    Not the files' dates or places, so a reinstall or a copy of the same files
    keeps it, and a changed byte changes it.  Each file
    is read once a process while its size and times stay the same (a few
    hundredths of a second for the shipped record); later calls only look
    at the folders, a millisecond or two.
    """
    from unvote.record.loaders import data_path, record_dir

    digest = hashlib.sha256(code_version().encode())
    _folder_digest(digest, "shipped", data_path("."))
    _folder_digest(digest, "shipped ga", data_path("ga"))
    _folder_digest(digest, "record", record_dir())
    # The imports folder by its files alone: an empty one, wherever it is, adds nothing.
    _folder_digest(digest, "imports", datadir.imports_dir())
    return digest.hexdigest()[:16]


SHIPPED_DIR = Path(__file__).parent / "shipped"
"""The entries shipped in the package: ``<kind>/<name>.json.gz``, read-only."""

SHIPPED_ENV = "UNVOTE_SHIPPED_FITS"
"""Set to ``0`` to ignore the shipped entries: every result is then computed (or cached)."""


def shipped_dir() -> Path | None:
    """The folder of the shipped entries, or None when ``$UNVOTE_SHIPPED_FITS`` is ``0``."""
    return None if os.environ.get(SHIPPED_ENV, "").strip() == "0" else SHIPPED_DIR


def _name(kind: str, key: Mapping[str, Any]) -> str:
    text = json.dumps({"format": CACHE_FORMAT, "kind": kind, **key}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _path(kind: str, key: Mapping[str, Any]) -> Path:
    return datadir.cache_dir() / kind / f"{_name(kind, key)}.json"


def shipped_path(kind: str, key: Mapping[str, Any]) -> Path:
    """Where the entry under ``key`` ships (whether or not it does): the cache's name, gzipped."""
    return SHIPPED_DIR / kind / f"{_name(kind, key)}.json.gz"


def fetch(kind: str, key: Mapping[str, Any]) -> Any | None:
    """The entry stored under ``key``, else the shipped one, or None.

    An unreadable entry in the user's cache is removed; a shipped one that does
    not match is only passed over (the package is never written to).
    """
    path = _path(kind, key)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _shipped(kind, key)
    except (OSError, UnicodeDecodeError):
        _discard(path)
        return _shipped(kind, key)
    value = _value(text, key)
    if value is None:
        _discard(path)
        return _shipped(kind, key)
    return value


def _value(text: str, key: Mapping[str, Any]) -> Any | None:
    """The value of an entry's text if it parses and holds ``key``, else None."""
    try:
        entry = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != json.loads(
        json.dumps(dict(key), default=str)
    ):
        return None
    return entry.get("value")


def _shipped(kind: str, key: Mapping[str, Any]) -> Any | None:
    """The shipped entry under ``key``, or None (none, switched off, or not readable)."""
    if shipped_dir() is None:
        return None
    try:
        text = gzip.decompress(shipped_path(kind, key).read_bytes()).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):  # none shipped, or damaged
        return None
    return _value(text, key)


def store(kind: str, key: Mapping[str, Any], value: Any) -> None:
    """Keep ``value`` (JSON-ready) under ``key``; a cache that cannot be written is skipped."""
    path = _path(kind, key)
    text = json.dumps({"key": dict(key), "value": value}, default=str)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_text(path, text)
    except (OSError, OutputError):
        pass  # a read-only or full cache only costs a refit next time


@contextlib.contextmanager
def building(kind: str, key: Mapping[str, Any]) -> Iterator[None]:
    """Hold the entry under ``key`` while it is computed: another process waits, then reads it.

    Two processes sharing the cache (the workers of a test run, two forecasts
    run at once) that both miss the same entry would both compute it, each at
    half speed on a shared core; with this lock (an advisory ``flock`` on a
    file beside the entry) the second waits for the first and reads its
    result.  Where files cannot be locked (no ``fcntl``, a read-only cache)
    each process computes its own, as without the lock.
    """
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock, each process computes its own
        yield
        return
    path = _path(kind, key).with_suffix(".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except OSError:
        yield
        return
    with handle:
        with contextlib.suppress(OSError):  # a file system without locks: computed twice
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # the lock goes with the handle, even if the process dies


def discard(kind: str, key: Mapping[str, Any]) -> None:
    """Remove the entry under ``key`` (one that failed its checks after reading)."""
    _discard(_path(kind, key))


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
