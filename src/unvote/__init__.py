"""unvote: forecast UN General Assembly votes under scenarios of diplomatic pressure.

The first resolution served is the annual vote on ending the US embargo
against Cuba (1992-2024 shipped).  The data flow runs one way, a module a step::

    load -> panel (features) -> model -> scenario -> counts / draws -> forecasting
         -> cli / plot        (vocabulary: the shared words; files: safe writes)

>>> fc = unvote.forecast(2025, ["baseline", "cable"])   # doctest: +SKIP
>>> fc.table()                                       # doctest: +SKIP

>>> import unvote
>>> votes = unvote.load_votes()
>>> votes.query("year == 2024")["vote"].value_counts()["yes"]
np.int64(187)
"""

from unvote.countries import to_iso3
from unvote.draws import Draws, ScenarioDraws
from unvote.errors import (
    DataFileError,
    EmptySelectionError,
    InvalidTypeError,
    InvalidValueError,
    NotFittedError,
    OutputError,
    RecordNotFoundError,
    ScenarioError,
    UnknownCountryError,
    UnknownNameError,
    UnvoteError,
)
from unvote.evaluation import Backtest, backtest
from unvote.forecasting import Forecast, ScenarioForecast, forecast, sweep
from unvote.load import (
    RESOLUTIONS,
    VOTE_CATEGORIES,
    load_country_groups,
    load_ga_votes,
    load_members,
    load_regions,
    load_roll_calls,
    load_totals,
    load_ukraine_votes,
    load_us_agreement,
    load_votes,
    members_on,
    recompute_us_agreement,
)
from unvote.model import VoteModel
from unvote.panel import MODEL_FEATURES, feature_panel, features
from unvote.scenario import Channel, Scenario, builtin_scenarios, get_scenario, read_scenario
from unvote.vocabulary import OUTCOMES, PROBABILITY_COLUMNS

__version__ = "0.1.0"

__all__ = [
    "MODEL_FEATURES",
    "OUTCOMES",
    "PROBABILITY_COLUMNS",
    "RESOLUTIONS",
    "VOTE_CATEGORIES",
    "Backtest",
    "Channel",
    "DataFileError",
    "Draws",
    "EmptySelectionError",
    "Forecast",
    "InvalidTypeError",
    "InvalidValueError",
    "NotFittedError",
    "OutputError",
    "RecordNotFoundError",
    "Scenario",
    "ScenarioDraws",
    "ScenarioError",
    "ScenarioForecast",
    "UnknownCountryError",
    "UnknownNameError",
    "UnvoteError",
    "VoteModel",
    "backtest",
    "builtin_scenarios",
    "feature_panel",
    "features",
    "forecast",
    "get_scenario",
    "load_country_groups",
    "load_ga_votes",
    "load_members",
    "load_regions",
    "load_roll_calls",
    "load_totals",
    "load_ukraine_votes",
    "load_us_agreement",
    "load_votes",
    "members_on",
    "read_scenario",
    "recompute_us_agreement",
    "sweep",
    "to_iso3",
]
