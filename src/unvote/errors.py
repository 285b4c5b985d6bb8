"""Exceptions raised by unvote.

Every error a user can cause derives from :class:`UnvoteError`, so the command
line can turn it into one line on stderr and exit status 2.  Each also derives
from the built-in exception a Python user would expect (``ValueError``,
``LookupError``, ``FileNotFoundError``), so ``except ValueError`` keeps working.
"""

from __future__ import annotations


class UnvoteError(Exception):
    """Base class of the errors a user can cause and fix."""


class UnknownNameError(UnvoteError, ValueError):
    """A name (resolution, scenario, feature, year) that unvote does not know."""


class UnknownCountryError(UnknownNameError, LookupError):
    """A country name or code that matches no UN member, or matches several."""


class DataFileError(UnvoteError, ValueError):
    """A data file that cannot be read or breaks the format; the message names file and line."""


class RecordNotFoundError(UnvoteError, FileNotFoundError):
    """The full General Assembly record (not shipped) could not be found."""


class ScenarioError(UnvoteError, ValueError):
    """A scenario file that is missing, malformed or inconsistent with the data."""


class ExtractError(DataFileError):
    """A UN resolution extract that cannot be read or breaks its rules.

    The message names the file, the line and the resolution symbol, and says what to fix.
    """


class RecordConflictError(UnvoteError, ValueError):
    """An imported extract that disagrees with the record (or earlier imports) it overlaps."""


class DataDirError(UnvoteError, OSError):
    """The user data directory (``UNVOTE_DATA_DIR``) cannot be created or written."""


class NotFittedError(UnvoteError, ValueError, AttributeError):
    """A model used before it was fitted (as scikit-learn's, a ValueError and AttributeError)."""
