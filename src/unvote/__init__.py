"""unvote: forecast UN General Assembly votes under scenarios of diplomatic pressure.

unvote ships the full plenary record (1946 to 2026-06-04), links its roll
calls into recurring texts (items), and forecasts any coming roll call; the
flagship example is the annual vote on ending the US embargo against Cuba.

The names here serve three readers; everything else is in the subpackage of
its step of the data flow (each layer imports only the layers below it)::

    record -> items -> model -> scenarios -> forecasting -> evaluation, campaigns
           -> report -> cli            (errors, vocabulary, files: shared by all)

* the analyst: :func:`forecast`, :func:`forecast_roll_calls`, the scenarios
  and the loaders of the record and of a text's history;
* the modeller: :class:`VoteModel`, the feature rows, :func:`backtest` and
  :func:`forward_test`;
* the maintainer of the data: :func:`import_extract`, :func:`data_status`,
  :func:`reset_imports`.

Every error unvote raises is an :class:`UnvoteError` (the specific kinds are in
:mod:`unvote.errors`).

>>> fc = unvote.forecast(2026, ["baseline", "cable"])   # doctest: +SKIP
>>> fc.table()                                       # doctest: +SKIP

>>> import unvote
>>> votes = unvote.load_item_votes("cuba embargo")
>>> votes.query("year == 2024")["vote"].value_counts()["yes"]
np.int64(187)
"""

from unvote.errors import UnvoteError
from unvote.evaluation import backtest, forward_test
from unvote.forecasting import Forecast, RollCallForecasts, forecast, forecast_roll_calls
from unvote.items import find_items, get_item, load_item_totals, load_item_votes, load_items
from unvote.model import VoteModel, feature_rows, load_record, training_rows
from unvote.record import (
    data_status,
    import_extract,
    load_member_votes,
    load_members,
    load_resolutions,
    load_roll_calls,
    load_sponsors,
    read_extract,
    reset_imports,
)
from unvote.scenarios import builtin_scenarios, get_scenario

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 (grouped by reader, the docstring's order)
    # the analyst
    "Forecast",
    "RollCallForecasts",
    "builtin_scenarios",
    "find_items",
    "forecast",
    "forecast_roll_calls",
    "get_item",
    "get_scenario",
    "load_item_totals",
    "load_item_votes",
    "load_items",
    "load_member_votes",
    "load_members",
    "load_resolutions",
    "load_roll_calls",
    "load_sponsors",
    # the modeller
    "VoteModel",
    "backtest",
    "feature_rows",
    "forward_test",
    "load_record",
    "training_rows",
    # the maintainer of the data
    "data_status",
    "import_extract",
    "read_extract",
    "reset_imports",
    # errors
    "UnvoteError",
]
