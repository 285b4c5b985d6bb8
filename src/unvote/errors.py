"""Exceptions raised by unvote.

Every error a user can cause derives from :class:`UnvoteError`, so the command
line can turn it into one line on stderr and exit status 2.  Each also derives
from the built-in exception a Python user would expect (``ValueError``,
``LookupError``, ``FileNotFoundError``, ``OSError``), so ``except ValueError``
keeps working.

>>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
True
"""


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


class InvalidValueError(UnvoteError, ValueError):
    """An argument out of its range or of the wrong kind (a year, a count, a saved model)."""


class NotFittedError(UnvoteError, ValueError, AttributeError):
    """A model used before ``fit`` (as scikit-learn's, also an ``AttributeError``)."""


class OutputError(UnvoteError, OSError):
    """A file or folder that cannot be written; nothing is left behind.

    Raised before any work when a target is unusable (a folder where a file
    should go, a read-only file, a dangling link, a name too long, a folder
    that cannot be written), and when a write fails (a full disk).
    """


class InvalidTypeError(InvalidValueError, TypeError):
    """An argument of the wrong type (a string where a list is expected, not a DataFrame)."""


class EmptySelectionError(ScenarioError):
    """A channel of a scenario that selects no member at the vote forecast.

    ``channel`` names it.  :func:`unvote.forecast` skips a built-in scenario
    with such a channel (no ES-11 votes before 2022), and refuses the user's own.
    """

    def __init__(self, message: str, channel: str = "") -> None:
        super().__init__(message)
        self.channel = channel


class ExtractError(DataFileError):
    """A UN resolution extract that cannot be read or breaks its rules.

    The message names the file, the line and the resolution symbol, and says what to fix.
    """


class RecordConflictError(UnvoteError, ValueError):
    """An imported extract that disagrees with the record (or earlier imports) it overlaps."""


class DataDirError(UnvoteError, OSError):
    """The user data directory (``UNVOTE_DATA_DIR``) cannot be created or written."""
