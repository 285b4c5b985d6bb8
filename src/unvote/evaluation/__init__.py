"""Forecast quality: backtests of one text and forward tests of whole sessions.

:mod:`~unvote.evaluation.runs` fits the model on what was known before each
session, forecasts it, and scores it against naive baselines on the same rows.
"""

from unvote.evaluation.runs import (
    Backtest,
    ForwardTest,
    backtest,
    forward_test,
)

__all__ = [
    "Backtest",
    "ForwardTest",
    "backtest",
    "forward_test",
]
