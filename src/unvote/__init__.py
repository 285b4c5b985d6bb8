"""unvote: forecast UN General Assembly votes under scenarios of diplomatic pressure.

The first resolution served is the annual vote on ending the US embargo
against Cuba (1992-2024 shipped).  The data flow runs one way::

    load -> features -> model -> scenario -> simulate -> report / charts

>>> import unvote
>>> votes = unvote.load_votes()
>>> votes.query("year == 2024")["vote"].value_counts()["yes"]
np.int64(187)
"""

from __future__ import annotations

from unvote.countries import to_iso3
from unvote.errors import (
    DataFileError,
    RecordNotFoundError,
    ScenarioError,
    UnknownCountryError,
    UnknownNameError,
    UnvoteError,
)
from unvote.load import (
    RESOLUTIONS,
    VOTE_CATEGORIES,
    load_ga_votes,
    load_members,
    load_roll_calls,
    load_totals,
    load_ukraine_votes,
    load_votes,
    members_on,
)

__version__ = "0.1.0"

__all__ = [
    "RESOLUTIONS",
    "VOTE_CATEGORIES",
    "DataFileError",
    "RecordNotFoundError",
    "ScenarioError",
    "UnknownCountryError",
    "UnknownNameError",
    "UnvoteError",
    "load_ga_votes",
    "load_members",
    "load_roll_calls",
    "load_totals",
    "load_ukraine_votes",
    "load_votes",
    "members_on",
    "to_iso3",
]
