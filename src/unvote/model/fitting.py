"""Fits of the vote model as the forecasts and the evaluations use them: once a session, cached.

:func:`model_cutoff` says through which day the model used on a given day is
fitted (the eve of the session's opening), and :func:`fitted_model` fits it
on the record's last sessions up to that day, or reads the fit from the cache
(:mod:`unvote.model.cache`), keyed by the record's content, the code and the
estimator's parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from unvote.errors import InvalidValueError
from unvote.model import cache
from unvote.model.estimator import VoteModel
from unvote.model.features import Record, training_rows
from unvote.record.calendar import parse_day, regular_session

Progress = Callable[[str], None]
"""A callback told, in a few words, what a long step is doing."""


def model_key(estimator: VoteModel, through: pd.Timestamp, version: str) -> dict[str, Any]:
    params = {
        name: list(value) if isinstance(value, tuple | list) else value
        for name, value in vars(estimator).items()
        if not name.endswith("_")
    }
    return {"data": version, "through": f"{through:%Y-%m-%d}", "params": params}


def model_cutoff(record: Record, through: pd.Timestamp) -> pd.Timestamp:
    """The day the model used on ``through`` is fitted through: the eve of that session's opening.

    The vote model is refitted once a session, at its opening (its first roll
    call in the record): a forecast made during a session uses the model
    fitted on every earlier session, and features up to the day it is made.
    So forecasts of past votes, the backtest and the forward test share fits.
    Before the session in progress on ``through`` has held a roll call, every
    earlier session is complete, and the model is fitted through the last
    roll call (the 2019 Cuba vote opened session 74's roll calls: its model
    knows all of session 73).

    >>> from unvote.model.features import load_record
    >>> record = load_record()
    >>> f"{model_cutoff(record, pd.Timestamp('2024-10-29')):%Y-%m-%d}"
    '2024-09-17'
    >>> f"{model_cutoff(record, pd.Timestamp('2019-11-06')):%Y-%m-%d}"
    '2019-09-16'
    """
    through = parse_day(through, "through")
    calls = record.calls[record.calls["date"] <= through]
    if calls.empty:
        raise InvalidValueError(f"no roll call in the record on or before {through:%Y-%m-%d}")
    opened = calls.loc[calls["session"] == regular_session(through), "date"]
    if opened.empty:
        return pd.Timestamp(calls["date"].max())
    return pd.Timestamp(opened.min()) - pd.Timedelta(days=1)


def fitted_model(
    record: Record,
    through: pd.Timestamp,
    model: VoteModel | None = None,
    *,
    rows: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    init: VoteModel | None = None,
    progress: Progress | None = None,
) -> VoteModel:
    """The vote model fitted on the record's last sessions up to ``through``, cached on disk.

    ``model`` is the estimator (default :class:`~unvote.model.estimator.VoteModel`,
    left unfitted); its parameters, the data and ``through`` key the cache
    entry.  ``rows``: training rows already built (:func:`unvote.model.features.training_rows`
    of at least the window's sessions), or a function that builds them, called
    only when the fit is not in the cache; ``init``: a fit of a nearby cut-off
    to start from (see :meth:`~unvote.model.estimator.VoteModel.fit`).  A cached entry
    that cannot be rebuilt into a model is discarded and refitted.
    """
    estimator = model if model is not None else VoteModel()
    through = parse_day(through, "through")
    key = model_key(estimator, through, cache.data_version())
    saved = cached_model(key)
    if saved is not None:
        return saved
    # Another process fitting the same model is waited for, and its fit read.
    with cache.building("model", key):
        saved = cached_model(key)
        if saved is not None:
            return saved
        return _fit(record, through, estimator, key, rows, init, progress)


def cached_model(key: dict[str, Any], kind: str = "model") -> VoteModel | None:
    """The fitted model cached under ``kind`` and ``key``, or None (a bad entry is removed)."""
    saved = cache.fetch(kind, key)
    if saved is not None:
        try:
            return VoteModel.from_dict(saved)
        except Exception:  # whatever is wrong with an entry, it is rebuilt, never trusted
            cache.discard(kind, key)
    return None


def _fit(
    record: Record,
    through: pd.Timestamp,
    estimator: VoteModel,
    key: dict[str, Any],
    rows: pd.DataFrame | Callable[[], pd.DataFrame] | None,
    init: VoteModel | None,
    progress: Progress | None,
) -> VoteModel:
    before = record.calls[record.calls["date"] <= through]
    if before.empty:
        raise InvalidValueError(f"no roll call in the record on or before {through:%Y-%m-%d}")
    last = int(before["session"].iloc[-1])
    if rows is None:
        if progress:
            progress(f"features of sessions {last - estimator.window + 1}-{last}")
        rows = training_rows(record, last - estimator.window + 1, last)
    elif callable(rows):
        rows = rows()
    if progress:
        progress(f"fitting the vote model on sessions {last - estimator.window + 1}-{last}")
    params = {k: v for k, v in vars(estimator).items() if not k.endswith("_")}
    fitted = VoteModel(**params).fit(rows, through=through, init=init)
    cache.store("model", key, fitted.to_dict())
    return fitted
