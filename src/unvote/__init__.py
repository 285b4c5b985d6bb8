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

import importlib as _importlib
import typing as _typing

from unvote.errors import UnvoteError

if _typing.TYPE_CHECKING:  # the names below are imported on first use (PEP 562): a fast start
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

_HOMES: dict[str, str] = {
    **dict.fromkeys(["backtest", "forward_test"], "unvote.evaluation"),
    **dict.fromkeys(
        ["Forecast", "RollCallForecasts", "forecast", "forecast_roll_calls"], "unvote.forecasting"
    ),
    **dict.fromkeys(
        ["find_items", "get_item", "load_item_totals", "load_item_votes", "load_items"],
        "unvote.items",
    ),
    **dict.fromkeys(["VoteModel", "feature_rows", "load_record", "training_rows"], "unvote.model"),
    **dict.fromkeys(
        [
            "data_status",
            "import_extract",
            "load_member_votes",
            "load_members",
            "load_resolutions",
            "load_roll_calls",
            "load_sponsors",
            "read_extract",
            "reset_imports",
        ],
        "unvote.record",
    ),
    **dict.fromkeys(["builtin_scenarios", "get_scenario"], "unvote.scenarios"),
}
"""Where each public name lives: it is imported from there the first time it is used."""

_SUBPACKAGES = frozenset(
    ["campaigns", "cli", "evaluation", "forecasting", "items", "model", "record", "report",
     "scenarios", "errors", "files", "numbers", "progress", "vocabulary"]
)  # fmt: skip


def __getattr__(name: str) -> object:
    """A public name or a subpackage, imported on first use (``unvote.forecast``)."""
    if name in _HOMES:
        value = getattr(_importlib.import_module(_HOMES[name]), name)
    elif name in _SUBPACKAGES:
        value = _importlib.import_module(f"unvote.{name}")
    else:
        raise AttributeError(f"module 'unvote' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES, *_SUBPACKAGES})


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
