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

:func:`backtest` returns a :class:`Backtest`: the scores of every year and
method, the member-level forecasts they come from, and :meth:`Backtest.summary`,
the table of means that ``forecast --backtest`` prints and the README shows.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from unvote.counts import count_distribution, interval
from unvote.errors import InvalidValueError
from unvote.model import VoteModel
from unvote.panel import feature_panel
from unvote.vocabulary import LEVELS, METHOD_LABELS, PROBABILITY_COLUMNS, level_key
from unvote.vocabulary import OUTCOMES as VOTE_CATEGORIES

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
        for level in LEVELS:
            lo, hi = interval(pmf, level)
            result[f"in{level_key(level)}_{outcome}"] = bool(lo <= observed <= hi)
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
    first, last = _year(first, "first"), _year(last, "last")
    panel = feature_panel() if panel is None else panel
    years = sorted(int(y) for y in panel.loc[panel["vote"].notna(), "year"].unique())
    # The default model learns from its first_year on: a year is forecast only
    # when a vote it can learn from comes before it.
    learns_from = VoteModel().first_year if forecasters is None else (years or [0])[0]
    usable = [y for y in years if any(learns_from <= t < y for t in years)]
    if not usable or first < usable[0] or last > usable[-1] or first > last:
        span = f"{usable[0]}-{usable[-1]}" if usable else "(none)"
        raise InvalidValueError(
            f"backtest years must lie within {span} (a year is forecast from the votes "
            f"before it, and the model learns from {learns_from} on), not {first}-{last}"
        )
    if not any(first <= y <= last for y in years):
        raise InvalidValueError(
            f"no vote was held in {first}"
            + (f"-{last}" if last != first else "")
            + f"; recorded votes: {years[0]}-{years[-1]} (none in "
            + ", ".join(str(y) for y in range(years[0], years[-1]) if y not in years)
            + ")"
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


def _year(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidValueError(f"the {what} backtest year must be a whole number, not {value!r}")
    return int(value)


SUMMARY_COLUMNS: dict[str, str] = {
    "log_loss": "log loss",
    "brier": "Brier",
    "accuracy": "accuracy",
    "f1_no": "F1 no",
    "f1_abstain": "F1 abstain",
    "err_yes": "yes count error (expected - recorded)",
    "in80_yes": "80 % interval hit (% of years)",
    "in95_yes": "95 % interval hit (% of years)",
}
"""The columns of :meth:`Backtest.summary`: score column -> heading."""


@dataclass(frozen=True, repr=False, eq=False)  # tables inside: equal only to itself
class Backtest:
    """The result of :func:`backtest`: every year's scores and the forecasts behind them.

    ``scores``: one row a (year, method) with ``members`` and the columns of
    :func:`score`.  ``predictions``: one row a (method, year, member), as
    :func:`rolling_predictions`.  :meth:`summary` is the table of means.
    """

    scores: pd.DataFrame
    predictions: pd.DataFrame

    @property
    def years(self) -> list[int]:
        """The years forecast (votes actually held)."""
        return sorted(int(y) for y in self.scores["year"].unique())

    def summary(self) -> pd.DataFrame:
        """Means over the years, one row a method (best log loss first), as the README shows.

        Columns (see :data:`SUMMARY_COLUMNS`): mean ``log loss`` and ``Brier``
        score per member-vote (lower is better), ``accuracy``, ``F1 no`` and
        ``F1 abstain`` (of the most likely outcome); the mean ``yes count
        error``, expected minus recorded (negative: fewer yes votes forecast
        than cast); and the share of years, in percent, whose recorded yes
        count fell in the forecast's central 80 % and 95 % intervals.  The
        index is the method's name (:data:`unvote.vocabulary.METHOD_LABELS`).

        >>> sorted(backtest(2018, 2019).summary().index)
        ['Markov transitions', 'as last time', 'vote model']
        """
        means = summarise(self.scores)[list(SUMMARY_COLUMNS)]
        means = means.sort_values("log_loss", kind="stable")
        for column in ("in80_yes", "in95_yes"):
            means[column] = means[column] * 100
        digits = {c: 3 for c in SUMMARY_COLUMNS} | {"err_yes": 1, "in80_yes": 0, "in95_yes": 0}
        table = means.round(digits) + 0.0  # + 0.0: no "-0.0"
        table.index = [METHOD_LABELS.get(m, m) for m in table.index]
        return table.rename(columns=SUMMARY_COLUMNS).rename_axis("method")

    def per_year(self, score: str = "log_loss") -> pd.DataFrame:
        """One score by year (rows) and method (columns, named as in :meth:`summary`)."""
        if score not in self.scores.columns or score in ("year", "method"):
            known = [c for c in self.scores.columns if c not in ("year", "method")]
            raise InvalidValueError(f"unknown score {score!r}; one of {', '.join(known)}")
        wide = self.scores.pivot(index="year", columns="method", values=score)
        methods = list(dict.fromkeys(self.scores["method"]))
        return wide[methods].rename(columns=METHOD_LABELS).rename_axis(columns="method")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the years, the summary (one record a method) and every year's scores.

        Numbers are plain floats rounded to 6 decimals; a score that does not
        exist (F1 of an outcome that neither happened nor was forecast) is None.
        """

        def plain(value: object) -> object:
            if isinstance(value, float | np.floating):
                return None if np.isnan(value) else round(float(value), 6) + 0.0
            if isinstance(value, np.integer | np.bool_):
                return value.item()
            return value

        summary = self.summary().reset_index()
        scores = self.scores.copy()
        scores["method"] = scores["method"].map(lambda m: METHOD_LABELS.get(m, m))
        return {
            "first": self.years[0],
            "last": self.years[-1],
            "votes": len(self.years),
            "summary": [{k: plain(v) for k, v in r.items()} for r in summary.to_dict("records")],
            "years": [{k: plain(v) for k, v in r.items()} for r in scores.to_dict("records")],
        }

    def __repr__(self) -> str:
        years = self.years
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            table = self.summary().to_string()
        return (
            f"<Backtest {years[0]}-{years[-1]}: {len(years)} votes, each forecast from the "
            f"votes before it; means per member-vote>\n{table}"
        )

    def _repr_html_(self) -> str:
        years = self.years
        caption = (
            f"Backtest {years[0]}-{years[-1]}: {len(years)} votes, each forecast from the votes "
            "before it; means per member-vote"
        )
        return f"<p>{html.escape(caption)}</p>" + self.summary().to_html()


def backtest(
    first: int = 1995,
    last: int = 2024,
    forecasters: dict[str, Forecaster] | None = None,
    panel: pd.DataFrame | None = None,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Rolling-origin backtest: for each recorded year, fit on earlier votes and score.

    Returns a :class:`Backtest`: ``scores`` has one row a (year, method) with
    ``members`` and the columns of :func:`score`; ``summary()`` the means.
    Arguments as :func:`rolling_predictions`.

    >>> result = backtest(2018, 2019)
    >>> result.scores[["year", "method", "members"]].to_numpy().tolist()[:3]
    [[2018, 'model', 193], [2018, 'last_vote', 193], [2018, 'markov', 193]]
    """
    predictions = rolling_predictions(first, last, forecasters, panel, progress)
    return Backtest(score_predictions(predictions), predictions)


def summarise(table: pd.DataFrame | Backtest, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Means over years of each method's scores (interval columns become coverage rates).

    ``table``: :func:`backtest`'s result or its ``scores``; the index keeps the
    methods' internal names (see :meth:`Backtest.summary` for the named table).
    """
    if isinstance(table, Backtest):
        table = table.scores
    if years is not None:
        table = table[table["year"].isin(list(years))]
    numeric = table.drop(columns=["year"]).groupby("method", sort=False).mean(numeric_only=True)
    return numeric
