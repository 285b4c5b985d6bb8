"""Forecasts: a vote's counts under each scenario, and the result objects.

:mod:`~unvote.forecasting.counts` gives exact count distributions,
:mod:`~unvote.forecasting.draws` random draws for what the exact route cannot
give, :mod:`~unvote.forecasting.vote` the :class:`Forecast` of one vote,
:mod:`~unvote.forecasting.roll_calls` the forecasts of any coming roll calls,
:mod:`~unvote.forecasting.retrospective` the comparison with an outcome once
it is known, and :mod:`~unvote.forecasting.archive` forecasts frozen before
their vote.
"""

from unvote.forecasting.draws import (
    Draws,
    ScenarioDraws,
)
from unvote.forecasting.retrospective import (
    Retrospective,
)
from unvote.forecasting.roll_calls import RollCallForecast, RollCallForecasts, forecast_roll_calls
from unvote.forecasting.vote import Forecast, ScenarioForecast, forecast, strength_sweep

__all__ = [
    "Draws",
    "Forecast",
    "Retrospective",
    "RollCallForecast",
    "RollCallForecasts",
    "ScenarioDraws",
    "ScenarioForecast",
    "forecast",
    "forecast_roll_calls",
    "strength_sweep",
]
