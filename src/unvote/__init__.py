"""unvote: forecast UN General Assembly votes under scenarios of diplomatic pressure.

unvote ships the full plenary record (1946 to 2026-06-04), links its roll
calls into recurring texts (items), and forecasts any coming roll call; the
flagship example is the annual vote on ending the US embargo against Cuba.
The data flow runs one way, a module a step::

    load -> items -> panel (features) -> model -> scenario -> counts / draws / retrospective
         -> forecasting -> cli / plot     (vocabulary: the shared words; files: safe writes)

>>> fc = unvote.forecast(2025, ["baseline", "cable"])   # doctest: +SKIP
>>> fc.table()                                       # doctest: +SKIP

>>> import unvote
>>> votes = unvote.load_votes("cuba embargo")
>>> votes.query("year == 2024")["vote"].value_counts()["yes"]
np.int64(187)
"""

from unvote.errors import (
    DataDirError,
    DataFileError,
    EmptySelectionError,
    ExtractError,
    InvalidTypeError,
    InvalidValueError,
    NotFittedError,
    OutputError,
    RecordConflictError,
    RecordNotFoundError,
    ScenarioError,
    UnknownCountryError,
    UnknownNameError,
    UnvoteError,
)
from unvote.evaluation.runs import Backtest, ForwardTest, backtest, forward_test
from unvote.forecasting.draws import Draws, ScenarioDraws
from unvote.forecasting.retrospective import Retrospective
from unvote.forecasting.vote import (
    Forecast,
    RollCallForecast,
    RollCallForecasts,
    ScenarioForecast,
    forecast,
    forecast_roll_calls,
    sweep,
)
from unvote.items.catalogue import (
    Item,
    find_items,
    get_item,
    item_links,
    link_items,
    load_items,
    load_totals,
    load_votes,
    normalise_title,
    with_items,
)
from unvote.model.estimator import VoteModel
from unvote.model.features import MODEL_FEATURES, Record, feature_rows, load_record, training_rows
from unvote.record.agreement import recompute_us_agreement
from unvote.record.countries import to_iso3
from unvote.record.extract import read_extract
from unvote.record.loaders import (
    VOTE_CATEGORIES,
    load_country_groups,
    load_ga_votes,
    load_members,
    load_regions,
    load_resolutions,
    load_roll_calls,
    load_sponsors,
    load_ukraine_votes,
    members_on,
)
from unvote.record.store import data_status, import_extract, reset_imports
from unvote.scenarios.scenario import (
    Channel,
    Scenario,
    builtin_scenarios,
    get_scenario,
    read_scenario,
)
from unvote.vocabulary import OUTCOMES, PROBABILITY_COLUMNS

__version__ = "0.1.0"

__all__ = [
    "MODEL_FEATURES",
    "OUTCOMES",
    "PROBABILITY_COLUMNS",
    "VOTE_CATEGORIES",
    "Backtest",
    "Channel",
    "DataDirError",
    "DataFileError",
    "Draws",
    "EmptySelectionError",
    "ExtractError",
    "Forecast",
    "ForwardTest",
    "InvalidTypeError",
    "InvalidValueError",
    "Item",
    "NotFittedError",
    "OutputError",
    "Record",
    "RecordConflictError",
    "RecordNotFoundError",
    "Retrospective",
    "RollCallForecast",
    "RollCallForecasts",
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
    "data_status",
    "feature_rows",
    "find_items",
    "forecast",
    "forecast_roll_calls",
    "forward_test",
    "get_item",
    "get_scenario",
    "import_extract",
    "item_links",
    "link_items",
    "load_country_groups",
    "load_ga_votes",
    "load_items",
    "load_members",
    "load_record",
    "load_regions",
    "load_resolutions",
    "load_roll_calls",
    "load_sponsors",
    "load_totals",
    "load_ukraine_votes",
    "load_votes",
    "members_on",
    "normalise_title",
    "read_extract",
    "read_scenario",
    "recompute_us_agreement",
    "reset_imports",
    "sweep",
    "to_iso3",
    "training_rows",
    "with_items",
]
