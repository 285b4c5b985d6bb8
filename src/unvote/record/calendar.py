"""Days and sessions: the one reader of a date or a cut-off, and the Assembly's calendar.

Every date a user gives (a forecast's ``through``, a scenario's
``evidence_through``, the ``--through`` of the command line) is read by
:func:`parse_day`, the same way everywhere:

* a day: ``"2025-10-29"`` (ISO, nothing else: ``"10/29/2025"`` is ambiguous),
  a :class:`datetime.date` or a :class:`pandas.Timestamp` at midnight;
* a year, where a cut-off may be one: ``2024`` or ``"2024"`` means its last
  day, 31 December;
* anything else (a time of day, a bool, ``NaT``, another string) is refused
  with :class:`~unvote.errors.InvalidValueError` or
  :class:`~unvote.errors.InvalidTypeError` naming what to give instead.

>>> parse_day("2025-10-29", "through"), parse_day(2024, "through")
(Timestamp('2025-10-29 00:00:00'), Timestamp('2024-12-31 00:00:00'))
>>> regular_session(parse_day("2025-10-29", "date"))
80
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from unvote.errors import InvalidTypeError, InvalidValueError

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")


def parse_day(value: Any, what: str, *, years: bool = True) -> pd.Timestamp:
    """``value`` as a day (a Timestamp at midnight); a year is its last day when ``years``.

    ``what`` names the value in the error (``"through"``, ``"evidence_through"``).

    >>> parse_day(pd.Timestamp("2019-11-06"), "through")
    Timestamp('2019-11-06 00:00:00')
    >>> parse_day("2024", "the date of a vote", years=False)
    Traceback (most recent call last):
    ...
    unvote.errors.InvalidValueError: the date of a vote must be a date (YYYY-MM-DD), not '2024'
    """
    expected = "a date (YYYY-MM-DD) or a year" if years else "a date (YYYY-MM-DD)"
    if isinstance(value, bool) or not isinstance(
        value, str | int | np.integer | dt.date | pd.Timestamp
    ):
        raise InvalidTypeError(f"{what} must be {expected}, not {value!r}")
    day: Any = pd.NaT
    if isinstance(value, int | np.integer):
        if years and 1 <= value <= 9999:
            day = pd.Timestamp(int(value), 12, 31)
    elif isinstance(value, str):
        text = value.strip()
        if years and _YEAR.fullmatch(text):
            day = pd.Timestamp(int(text), 12, 31)
        elif _ISO_DAY.fullmatch(text):
            day = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    else:
        day = pd.Timestamp(value)
    if pd.isna(day) or day != day.normalize() or day.tz is not None:
        raise InvalidValueError(f"{what} must be {expected}, not {value!r}")
    return pd.Timestamp(day)


def session_opening(year: int) -> dt.date:
    """The opening day of the regular session that starts in September of ``year``.

    Rule 1 of the General Assembly's rules of procedure: the Tuesday of the third
    week of September, counting from the first week with a working day, and of
    the second week since 2023.  Checked against every emergency and special
    session roll call of the record.

    >>> [str(session_opening(y)) for y in (2019, 2022, 2023, 2024, 2025)]
    ['2019-09-17', '2022-09-13', '2023-09-05', '2024-09-10', '2025-09-09']
    """
    first = dt.date(year, 9, 1)
    monday = first - dt.timedelta(days=first.weekday())
    if first.weekday() >= 5:  # 1 September on a weekend: that week has no working day
        monday += dt.timedelta(days=7)
    weeks = 3 if year <= 2022 else 2
    return monday + dt.timedelta(days=7 * (weeks - 1) + 1)


def regular_session(date: dt.date | pd.Timestamp) -> int:
    """The regular session in progress on ``date`` (for emergency and special sessions).

    >>> regular_session(dt.date(2022, 3, 2)), regular_session(dt.date(2024, 9, 18))
    (76, 79)
    """
    day = date.date() if isinstance(date, pd.Timestamp) else date
    session = day.year - 1945
    return session if day >= session_opening(day.year) else session - 1
