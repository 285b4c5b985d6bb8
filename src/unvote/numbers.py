"""Numbers as unvote reports them: rounded once, and never "-0.0".

Python's ``round(-0.0001, 2)`` is ``-0.0``, which a table prints as "-0.0" and
JSON keeps; adding ``0.0`` turns a negative zero into zero and leaves every
other number as it is.  Every table, JSON document and text report rounds
through here.

>>> rounded(-0.0001, 2), rounded(2.345678, 3)
(0.0, 2.346)
>>> import pandas as pd
>>> rounded_frame(pd.DataFrame({"x": [-0.0001, 1.26]}), 1)["x"].tolist()
[0.0, 1.3]
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def rounded(value: float, digits: int) -> float:
    """``value`` as a float rounded to ``digits``, with no negative zero."""
    return round(float(value), digits) + 0.0


def rounded_frame(frame: pd.DataFrame, digits: int | Mapping[str, int]) -> pd.DataFrame:
    """``frame.round(digits)`` (one number, or one a column), with no negative zero."""
    return frame.round(digits if isinstance(digits, int) else dict(digits)) + 0.0
