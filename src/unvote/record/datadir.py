"""Where unvote keeps a user's own files: imported extracts and cached model fits.

Nothing is ever written into the installed package.  Imports go to the user
data directory, fitted models to the user cache directory (both from
platformdirs, so they follow each platform's conventions); an environment
variable overrides each, for tests, CI and shared machines.

>>> import os
>>> from unittest import mock
>>> with mock.patch.dict(os.environ, {"UNVOTE_DATA_DIR": "/tmp/unvote-example"}):
...     str(imports_dir())
'/tmp/unvote-example/imports'
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "UNVOTE_DATA_DIR"
CACHE_DIR_ENV = "UNVOTE_CACHE_DIR"


def data_dir() -> Path:
    """The user data directory: ``$UNVOTE_DATA_DIR``, else platformdirs' for "unvote"."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # only a caller that needs the folder pays for the import

    return Path(platformdirs.user_data_dir("unvote", appauthor=False))


def imports_dir() -> Path:
    """Where imported extracts are merged: ``<data dir>/imports``."""
    return data_dir() / "imports"


def cache_dir() -> Path:
    """The cache of fitted models: ``$UNVOTE_CACHE_DIR``, else platformdirs' for "unvote"."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("unvote", appauthor=False))
