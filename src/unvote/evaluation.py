"""Rolling-origin backtest of the vote model against two naive baselines.

For each year ``Y``: fit on the votes before ``Y``, forecast ``Y``, score the
forecast against what happened.  The baselines are

* ``last_vote``: each member votes as it did last time, with probability
  ``1 - e``; ``e`` (spread evenly over the other outcomes) is the share of
  member-votes in the training years that differed from the member's last vote.
* ``markov``: P(vote | last vote), the transition frequencies of the training
  years with add-one smoothing.

Members without an earlier vote get the training years' outcome frequencies
under both baselines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from unvote.load import VOTE_CATEGORIES
from unvote.cuba_model import PROBABILITY_COLUMNS, VoteModel
from unvote.cuba_panel import feature_panel
from unvote.simulate import count_distribution, interval

LAST_COLUMNS = [f"last_{c}" for c in VOTE_CATEGORIES]
CLIP = 1e-15  # probabilities are clipped here before taking logs


def _last_vote_codes(rows: pd.DataFrame) -> np.ndarray:
    """Index of each row's previous vote in VOTE_CATEGORIES, -1 without one."""
    last = rows[LAST_COLUMNS].to_numpy()
    return np.where(last.any(axis=1), last.argmax(axis=1), -1)


def _vote_codes(rows: pd.DataFrame) -> np.ndarray:
    return pd.Categorical(rows["vote"], categories=list(VOTE_CATEGORIES)).codes.astype(int)


def _frequencies(codes: np.ndarray) -> np.ndarray:
    counts = np.bincount(codes, minlength=len(VOTE_CATEGORIES)) + 1.0
    return counts / counts.sum()


def last_vote_baseline(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Probabilities under "as last time", smoothed by the training years' switching rate."""
    train = train[train["vote"].notna()]
    last, now = _last_vote_codes(train), _vote_codes(train)
    known = last >= 0
    switch = (np.sum(last[known] != now[known]) + 1.0) / (known.sum() + 2.0)
    k = len(VOTE_CATEGORIES)
    probs = np.tile(_frequencies(now), (len(rows), 1))
    target = _last_vote_codes(rows)
    has = target >= 0
    probs[has] = switch / (k - 1)
    probs[has, target[has]] = 1 - switch
    return pd.DataFrame(probs, index=rows.index, columns=list(PROBABILITY_COLUMNS))


def markov_baseline(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Probabilities P(vote | last vote) from the training years' transitions."""
    train = train[train["vote"].notna()]
    last, now = _last_vote_codes(train), _vote_codes(train)
    k = len(VOTE_CATEGORIES)
    transitions = np.ones((k, k))
    np.add.at(transitions, (last[last >= 0], now[last >= 0]), 1.0)
    transitions /= transitions.sum(axis=1, keepdims=True)
    probs = np.tile(_frequencies(now), (len(rows), 1))
    target = _last_vote_codes(rows)
    probs[target >= 0] = transitions[target[target >= 0]]
    return pd.DataFrame(probs, index=rows.index, columns=list(PROBABILITY_COLUMNS))


def _f1(truth: np.ndarray, guess: np.ndarray, code: int) -> float:
    """F1 of one class; NaN when the class neither occurred nor was predicted."""
    tp = np.sum((truth == code) & (guess == code))
    positives = np.sum(truth == code) + np.sum(guess == code)
    return float(2 * tp / positives) if positives else float("nan")


TYPICAL_COLUMNS = [f"p0_{c}" for c in VOTE_CATEGORIES]
"""Optional columns of a forecast: the probabilities in a year without a shock."""


def score(probs: pd.DataFrame, votes: pd.Series) -> dict[str, float]:
    """Scores of one year's forecast against the votes cast.

    Log loss and Brier score (summed over the four outcomes) are means per
    member-vote; ``err_*`` is expected minus observed count; ``in80_*`` /
    ``in95_*`` say whether the observed count fell in the exact central
    interval of the forecast count distribution.  When ``probs`` carries
    ``p0_*`` columns and a ``shock_sd`` column (the vote model's year shock),
    that distribution is the mixture over the shock.
    """
    p = probs[list(PROBABILITY_COLUMNS)].to_numpy()
    if set(TYPICAL_COLUMNS) <= set(probs.columns):
        typical = probs[TYPICAL_COLUMNS].set_axis(list(PROBABILITY_COLUMNS), axis=1)
        shock_sd = float(probs["shock_sd"].iloc[0])
    else:
        typical, shock_sd = probs[list(PROBABILITY_COLUMNS)], 0.0
    truth = pd.Categorical(votes, categories=list(VOTE_CATEGORIES)).codes.astype(int)
    onehot = np.eye(len(VOTE_CATEGORIES))[truth]
    guess = p.argmax(axis=1)
    result = {
        "log_loss": float(-np.mean(np.log(np.clip(p[np.arange(len(p)), truth], CLIP, 1)))),
        "brier": float(np.mean(np.sum((p - onehot) ** 2, axis=1))),
        "accuracy": float(np.mean(guess == truth)),
        "f1_no": _f1(truth, guess, VOTE_CATEGORIES.index("no")),
        "f1_abstain": _f1(truth, guess, VOTE_CATEGORIES.index("abstain")),
    }
    for k, outcome in enumerate(VOTE_CATEGORIES):
        observed = int(np.sum(truth == k))
        result[f"err_{outcome}"] = float(p[:, k].sum() - observed)
        pmf = count_distribution(typical, outcome, shock_sd)
        for level in (0.8, 0.95):
            lo, hi = interval(pmf, level)
            result[f"in{round(level * 100)}_{outcome}"] = bool(lo <= observed <= hi)
    return result


Forecaster = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]


def model_forecaster(model: VoteModel | None = None) -> Forecaster:
    """A forecaster that fits ``model`` (default :class:`VoteModel`) on the training rows."""

    def forecast(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
        fitted = (model or VoteModel()).fit(train)
        typical = fitted.predict_proba(rows, shock=0.0)
        return fitted.predict_proba(rows).join(
            typical.set_axis(TYPICAL_COLUMNS, axis=1).assign(shock_sd=fitted.year_sd_)
        )

    return forecast


def rolling_predictions(
    first: int = 1995,
    last: int = 2024,
    forecasters: dict[str, Forecaster] | None = None,
    panel: pd.DataFrame | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Every member-vote's rolling-origin forecast: for each year, fit on the earlier votes.

    Returns one row a (method, year, member): ``method, year, iso3, vote``,
    the four probabilities, the same in a year without a shock (``p0_*``) and
    the standard deviation of the year shock (``shock_sd``; 0 for the
    baselines).  ``forecasters`` maps a name to ``f(train, rows) -> probs``;
    the default is the vote model and the two baselines.  ``progress`` is
    called with each year as it starts.

    >>> preds = rolling_predictions(2019, 2019)
    >>> preds.groupby("method").size().to_dict()
    {'last_vote': 193, 'markov': 193, 'model': 193}
    """
    panel = feature_panel() if panel is None else panel
    years = sorted(int(y) for y in panel.loc[panel["vote"].notna(), "year"].unique())
    if not years or first < years[0] + 1 or last > years[-1] or first > last:
        raise ValueError(
            f"backtest years must lie within {years[0] + 1}-{years[-1]} (the first vote "
            f"has nothing before it to learn from), not {first}-{last}"
        )
    forecasters = forecasters or {
        "model": model_forecaster(),
        "last_vote": last_vote_baseline,
        "markov": markov_baseline,
    }
    frames = []
    for year in (y for y in years if first <= y <= last):
        if progress:
            progress(year)
        train = panel[panel["year"] < year]
        rows = panel[panel["year"] == year].set_index("iso3")
        for name, forecaster in forecasters.items():
            probs = forecaster(train, rows)
            if not set(TYPICAL_COLUMNS) <= set(probs.columns):
                typical = probs[list(PROBABILITY_COLUMNS)].set_axis(TYPICAL_COLUMNS, axis=1)
                probs = probs.join(typical).assign(shock_sd=0.0)
            frame = probs.assign(method=name, year=year, vote=rows["vote"].astype(str))
            frames.append(frame.rename_axis("iso3").reset_index())
    columns = ["method", "year", "iso3", "vote", *PROBABILITY_COLUMNS, *TYPICAL_COLUMNS, "shock_sd"]
    return pd.concat(frames, ignore_index=True)[columns]


def score_predictions(predictions: pd.DataFrame) -> pd.DataFrame:
    """One row a (year, method): ``members`` and the columns of :func:`score`."""
    rows = []
    for (year, method), group in predictions.groupby(["year", "method"], sort=False):
        rows.append({"year": year, "method": method, "members": len(group)})
        members = group.set_index("iso3")
        rows[-1] |= score(members.drop(columns=["method", "year", "vote"]), members["vote"])
    return pd.DataFrame(rows)


def backtest(
    first: int = 1995,
    last: int = 2024,
    forecasters: dict[str, Forecaster] | None = None,
    panel: pd.DataFrame | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Rolling-origin backtest: for each recorded year, fit on earlier votes and score.

    Returns one row a (year, method) with ``members`` and the columns of
    :func:`score`; arguments as :func:`rolling_predictions`.

    >>> table = backtest(2018, 2019)
    >>> table[["year", "method", "members"]].to_numpy().tolist()[:3]
    [[2018, 'model', 193], [2018, 'last_vote', 193], [2018, 'markov', 193]]
    """
    return score_predictions(rolling_predictions(first, last, forecasters, panel, progress))


def summarise(table: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Means over years of each method's scores (interval columns become coverage rates)."""
    if years is not None:
        table = table[table["year"].isin(list(years))]
    numeric = table.drop(columns=["year"]).groupby("method", sort=False).mean(numeric_only=True)
    return numeric
