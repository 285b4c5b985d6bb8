"""Forecast quality, measured forward: every forecast made only from votes before it.

Two evaluations share one scoring:

* :func:`forward_test`: for each session, the vote model fitted on the votes
  before the session's first roll call forecasts every roll call of the
  session, on two footings: *frozen* (features as of the session's start, as
  a forecast made before the session) and *rolling* (features as of the day
  before each vote, the session's earlier votes and absences included).
* :func:`backtest`: each vote of one item (by default the Cuba-embargo text),
  forecast as :func:`unvote.forecast` forecasts a past vote.

The model is refitted at the opening of each session (:func:`model_cutoff`),
so both evaluations, and forecasts of past votes, share the same fits (cached
on disk by :func:`unvote.model.fitting.fitted_model`).  Baselines are scored on
the same rows:

* ``always_yes``: the training window's outcome frequencies (yes is always
  the likeliest);
* ``last_vote``: the member's last vote on the item, with probability one minus
  the training window's switching rate;
* ``markov``: P(vote | last vote on the item), transitions of the training
  window (the item's own earlier votes in :func:`backtest`);
* ``issue_shares``: the member's outcome shares over the three previous
  sessions on roll calls with the same Voeten issue code (only where the
  record has the code: to 2019).

Scores per member-vote: log loss, Brier and ranked probability score (over
yes, abstain, no, absent in that order), accuracy, macro-F1 and F1 of each
outcome (of the outcome called: the likeliest for a baseline, by
:func:`unvote.model.estimator.call_outcomes` for the vote model); per roll call: the yes-count error
(expected minus recorded) and whether the recorded count fell in the exact
central 80 % and 95 % intervals (mixtures over the roll-call shock), and
their widths.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from unvote.errors import InvalidValueError
from unvote.forecasting.counts import count_distribution, interval
from unvote.forecasting.vote import DEFAULT_ITEM, item_history
from unvote.items.catalogue import get_item, load_items
from unvote.model import cache
from unvote.model.estimator import VoteModel, call_outcomes
from unvote.model.features import Record, feature_rows, load_record, recorded_targets, training_rows
from unvote.model.fitting import fitted_model, model_cutoff, model_key
from unvote.numbers import rounded, rounded_frame
from unvote.progress import Progress, steps
from unvote.vocabulary import LEVELS, METHOD_LABELS, OUTCOMES, PROBABILITY_COLUMNS, level_key

LAST_COLUMNS = [f"last_{c}" for c in OUTCOMES]
TYPICAL_COLUMNS = [f"p0_{c}" for c in OUTCOMES]
"""Columns of a forecast: the probabilities at a roll call without a shock."""

CLIP = 1e-15  # probabilities are clipped here before taking logs
HISTORY_SESSIONS = 3  # the issue-shares baseline looks back this many sessions

Footing = Literal["frozen", "rolling"]

UNSIM: dict[str, dict[str, float]] = {
    "UNSim v0.1": {"accuracy": 0.682, "f1_no": 0.172, "f1_abstain": 0.138},
    "UNSim enhanced": {"accuracy": 0.814, "f1_no": 0.203, "f1_abstain": 0.019},
}
"""The only published per-vote figures: UNSim on sessions 60-74, in-sample, without absences."""


# ----------------------------------------------------------------------------- baselines


def _last_vote_codes(rows: pd.DataFrame) -> np.ndarray:
    """Index of each row's previous vote on the item in OUTCOMES, -1 without one."""
    last = rows[LAST_COLUMNS].to_numpy()
    return np.where(last.any(axis=1), last.argmax(axis=1), -1)


def _vote_codes(rows: pd.DataFrame) -> np.ndarray:
    return pd.Categorical(rows["vote"], categories=list(OUTCOMES)).codes.astype(int)


def _frequencies(codes: np.ndarray) -> np.ndarray:
    counts = np.bincount(codes[codes >= 0], minlength=len(OUTCOMES)) + 1.0
    return counts / counts.sum()


def _table(values: np.ndarray, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(values, index=index, columns=list(PROBABILITY_COLUMNS))


def always_yes_baseline(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The training rows' outcome frequencies for every row (yes the likeliest)."""
    return _table(np.tile(_frequencies(_vote_codes(train)), (len(rows), 1)), rows.index)


def last_vote_baseline(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Probabilities under "as last time", smoothed by the training rows' switching rate."""
    train = train[train["vote"].notna()]
    last, now = _last_vote_codes(train), _vote_codes(train)
    known = last >= 0
    switch = (np.sum(last[known] != now[known]) + 1.0) / (known.sum() + 2.0)
    probs = np.tile(_frequencies(now), (len(rows), 1))
    target = _last_vote_codes(rows)
    has = target >= 0
    probs[has] = switch / (len(OUTCOMES) - 1)
    probs[has, target[has]] = 1 - switch
    return _table(probs, rows.index)


def markov_baseline(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """P(vote | last vote on the item), from the training rows' transitions (add-one smoothed).

    Rows without a last vote get the outcome frequencies of the training rows
    without one.
    """
    train = train[train["vote"].notna()]
    last, now = _last_vote_codes(train), _vote_codes(train)
    k = len(OUTCOMES)
    transitions = np.ones((k + 1, k))  # the last row: no earlier vote on the item
    np.add.at(transitions, (np.where(last >= 0, last, k), now), 1.0)
    transitions /= transitions.sum(axis=1, keepdims=True)
    target = _last_vote_codes(rows)
    return _table(transitions[np.where(target >= 0, target, k)], rows.index)


def issue_shares_baseline(record: Record, rows: pd.DataFrame, session: int) -> pd.DataFrame | None:
    """The member's outcome shares over the three previous sessions on the roll call's issues.

    Voeten's issue codes (``issue`` of the roll calls, to 2019): for each row,
    the member's votes at the roll calls of sessions ``session - 3`` to
    ``session - 1`` sharing a code with the row's roll call, smoothed by half
    a vote an outcome.  Rows whose roll call has no code get NaN; None when no
    row has one.
    """
    calls = record.calls
    issues = calls.set_index("id")["issue"].reindex(rows["id"]).fillna("").to_numpy()
    if not (issues != "").any():
        return None
    window = np.flatnonzero(
        calls["session"].between(session - HISTORY_SESSIONS, session - 1).to_numpy()
        & record.counted
    )
    codes = record.codes[window]
    window_issues = calls["issue"].to_numpy()[window]
    column = record.countries.get_indexer(rows["iso3"].to_numpy())
    out = np.full((len(rows), len(OUTCOMES)), np.nan)
    for text in set(issues) - {""}:
        wanted = set(text.split(";"))
        same = np.array([bool(wanted & set(t.split(";"))) for t in window_issues], dtype=bool)
        counts = np.stack([(codes[same] == k).sum(axis=0) for k in range(len(OUTCOMES))], axis=1)
        these = issues == text
        mine = counts[column[these]] + 0.5
        out[these] = mine / mine.sum(axis=1, keepdims=True)
    return _table(out, rows.index)


# ----------------------------------------------------------------------------- scores


def _f1(truth: np.ndarray, guess: np.ndarray, code: int) -> float:
    """F1 of one class; NaN when the class neither occurred nor was predicted."""
    tp = np.sum((truth == code) & (guess == code))
    positives = np.sum(truth == code) + np.sum(guess == code)
    return float(2 * tp / positives) if positives else float("nan")


def member_scores(
    p: np.ndarray, truth: np.ndarray, guess: np.ndarray | None = None
) -> dict[str, float]:
    """Scores per member-vote of probabilities ``p`` (rows x 4) against outcome codes ``truth``.

    ``log_loss``, ``brier`` (summed over the four outcomes) and ``rps`` (the
    ranked probability score over yes, abstain, no, absent, divided by 3) are
    means; ``accuracy``, ``macro_f1`` and ``f1_<outcome>`` are of the outcome
    called, ``guess`` (codes), by default the likeliest one.

    >>> p = np.array([[0.9, 0.05, 0.05, 0.0], [0.2, 0.2, 0.6, 0.0]])
    >>> {k: round(v, 3) for k, v in member_scores(p, np.array([0, 2])).items()}["accuracy"]
    1.0
    """
    onehot = np.eye(len(OUTCOMES))[truth]
    guess = p.argmax(axis=1) if guess is None else np.asarray(guess)
    f1 = {f"f1_{o}": _f1(truth, guess, k) for k, o in enumerate(OUTCOMES)}
    cum = np.cumsum(p, axis=1)[:, :-1] - np.cumsum(onehot, axis=1)[:, :-1]
    return {
        "log_loss": float(-np.mean(np.log(np.clip(p[np.arange(len(p)), truth], CLIP, 1)))),
        "brier": float(np.mean(np.sum((p - onehot) ** 2, axis=1))),
        "rps": float(np.mean(np.sum(cum**2, axis=1)) / (len(OUTCOMES) - 1)),
        "accuracy": float(np.mean(guess == truth)),
        "macro_f1": float(np.nanmean(list(f1.values()))),
    } | f1


def call_scores(typical: np.ndarray, shock_sd: float, truth: np.ndarray) -> dict[str, float]:
    """Scores of one roll call's yes count: error, interval hits and widths.

    ``typical``: the members' probabilities at a roll call without a shock;
    the count distribution is the mixture over Normal(0, ``shock_sd``).
    """
    typical = np.asarray(typical, dtype=float)
    typical = typical / typical.sum(axis=1, keepdims=True)  # stored as float32: sums drift by 1e-8
    probs = pd.DataFrame(typical, columns=list(PROBABILITY_COLUMNS))
    pmf = count_distribution(probs, "yes", shock_sd)
    observed = int(np.sum(truth == 0))
    expected = float(np.arange(len(pmf)) @ pmf)
    out: dict[str, float] = {
        "yes": observed,
        "expected_yes": expected,
        "err_yes": expected - observed,
    }
    for level in LEVELS:
        lo, hi = interval(pmf, level)
        key = level_key(level)
        out[f"in{key}_yes"] = float(lo <= observed <= hi)
        out[f"width{key}_yes"] = float(hi - lo)
    return out


# ----------------------------------------------------------------------------- model fits


def _model_probs(model: VoteModel, rows: pd.DataFrame) -> pd.DataFrame:
    typical = model.predict_proba(rows, shock=0.0)
    averaged = model.predict_proba(rows)
    new = rows["item_new"].to_numpy() > 0.5
    shock = np.where(new, model.new_text_shock_sd_, model.shock_sd_)
    return averaged.join(typical.set_axis(TYPICAL_COLUMNS, axis=1)).assign(shock_sd=shock)


def _with_typical(probs: pd.DataFrame) -> pd.DataFrame:
    """A baseline's probabilities, with themselves as the shock-free ones (it has no shock)."""
    typical = probs[list(PROBABILITY_COLUMNS)].set_axis(TYPICAL_COLUMNS, axis=1)
    return probs.join(typical).assign(shock_sd=0.0)


# ----------------------------------------------------------------------------- results


SUMMARY_COLUMNS: dict[str, str] = {
    "log_loss": "log loss",
    "brier": "Brier",
    "rps": "RPS",
    "accuracy": "accuracy",
    "macro_f1": "macro-F1",
    "f1_yes": "F1 yes",
    "f1_abstain": "F1 abstain",
    "f1_no": "F1 no",
    "f1_absent": "F1 absent",
    "err_yes": "yes count error (expected - recorded)",
    "in80_yes": "80 % interval hit (% of roll calls)",
    "in95_yes": "95 % interval hit (% of roll calls)",
    "width80_yes": "80 % interval width",
}
"""Columns of the summaries: score -> heading."""


def _plain(value: Any) -> Any:
    """A table's cell as JSON: a plain int or float (None for a missing one)."""
    if pd.isna(value):
        return None
    return int(value) if isinstance(value, int | np.integer) else float(value)


def _labels(methods: Iterable[str]) -> list[str]:
    return [METHOD_LABELS.get(m, m) for m in methods]


def _plain(value: object) -> object:
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else rounded(value, 6)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _score_groups(predictions: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Member and roll-call scores of each group of ``by`` (each group holds one method)."""
    out = []
    for key, group in predictions.groupby(list(by), sort=False, observed=True):
        truth = _vote_codes(group)
        p = group[list(PROBABILITY_COLUMNS)].to_numpy(dtype=float)
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        # The vote model calls an outcome by its decision weights; a baseline, its likeliest
        # (weights gained a baseline nothing on sessions 60-74: see DECISION_WEIGHTS).
        guess = call_outcomes(p) if row.get("method") == "model" else None
        row |= {"member_votes": len(group)} | member_scores(p, truth, guess)
        out.append(row)
    return pd.DataFrame(out)


def _call_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """One row a (method, roll call): its yes-count scores."""
    rows = []
    keys = [c for c in ("footing", "method", "session", "year", "id") if c in predictions]
    for key, group in predictions.groupby(keys, sort=False, observed=True):
        typical = group[TYPICAL_COLUMNS].to_numpy(dtype=float)
        shock = float(group["shock_sd"].iloc[0])
        rows.append(
            dict(zip(keys, key, strict=True)) | call_scores(typical, shock, _vote_codes(group))
        )
    return pd.DataFrame(rows)


def _summary(scores: pd.DataFrame, calls: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Means per method: member scores weighted by member-votes, call scores over roll calls."""
    member = scores.groupby("method", sort=False).apply(
        lambda g: pd.Series(
            {
                c: np.average(g[c].dropna(), weights=g.loc[g[c].notna(), "member_votes"])
                if g[c].notna().any()
                else np.nan
                for c in SUMMARY_COLUMNS
                if c in g
            }
        ),
        include_groups=False,
    )
    per_call = calls.groupby("method", sort=False)[
        [c for c in SUMMARY_COLUMNS if c in calls]
    ].mean()
    table = member.join(per_call)
    for column in ("in80_yes", "in95_yes"):
        table[column] = table[column] * 100
    return table[[c for c in SUMMARY_COLUMNS if c in table]]


@dataclass(frozen=True, repr=False, eq=False)  # tables inside: equal only to itself
class Backtest:
    """The result of :func:`backtest`: every vote's scores and the forecasts behind them.

    ``scores``: one row a (year, method) with ``members`` and the member and
    roll-call scores.  ``predictions``: one row a (method, year, member).
    :meth:`summary` is the table of means.
    """

    item: str
    scores: pd.DataFrame
    predictions: pd.DataFrame

    @property
    def years(self) -> list[int]:
        """The years forecast (votes actually held)."""
        return sorted(int(y) for y in self.scores["year"].unique())

    def summary(self) -> pd.DataFrame:
        """Means over the votes, one row a method (best log loss first), as the README shows.

        Columns (see :data:`SUMMARY_COLUMNS`): mean ``log loss``, ``Brier``
        and ``RPS`` per member-vote (lower is better), ``accuracy``,
        ``macro-F1`` and F1 of each outcome (of the outcome called, as
        :func:`member_scores` says); the mean ``yes count error``, expected
        minus recorded (negative: fewer yes votes forecast than cast); the
        share of votes, in percent, whose recorded yes count fell in the
        forecast's central 80 % and 95 % intervals, and the 80 % interval's
        mean width.  The index is the method's name
        (:data:`unvote.vocabulary.METHOD_LABELS`).

        >>> sorted(backtest(2023, 2024).summary().index)
        ['Markov transitions', 'as last time', 'vote model']
        """
        means = self.scores.groupby("method", sort=False)[
            [c for c in SUMMARY_COLUMNS if c in self.scores]
        ].mean()
        for column in ("in80_yes", "in95_yes"):
            means[column] = means[column] * 100
        return _rounded(means)

    def per_year(self, score: str = "log_loss") -> pd.DataFrame:
        """One score by year (rows) and method (columns, named as in :meth:`summary`)."""
        if score not in self.scores.columns or score in ("year", "method"):
            known = [c for c in self.scores.columns if c not in ("year", "method")]
            raise InvalidValueError(f"unknown score {score!r}; one of {', '.join(known)}")
        wide = self.scores.pivot(index="year", columns="method", values=score)
        methods = list(dict.fromkeys(self.scores["method"]))
        return wide[methods].rename(columns=METHOD_LABELS).rename_axis(columns="method")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the item, the years, the summary (a record a method) and every vote's scores.

        Numbers are plain floats rounded to 6 decimals; a score that does not
        exist (F1 of an outcome that neither happened nor was forecast) is None.
        """
        summary = self.summary().reset_index()
        scores = self.scores.copy()
        scores["method"] = _labels(scores["method"])
        return {
            "item": self.item,
            "first": self.years[0],
            "last": self.years[-1],
            "votes": len(self.years),
            "summary": [{k: _plain(v) for k, v in r.items()} for r in summary.to_dict("records")],
            "years": [{k: _plain(v) for k, v in r.items()} for r in scores.to_dict("records")],
        }

    def __repr__(self) -> str:
        years = self.years
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            table = self.summary().to_string()
        return (
            f"<Backtest of {self.item} {years[0]}-{years[-1]}: {len(years)} votes, each "
            f"forecast from the votes before it; means per member-vote>\n{table}"
        )

    def _repr_html_(self) -> str:
        years = self.years
        caption = (
            f"Backtest of {self.item}, {years[0]}-{years[-1]}: {len(years)} votes, each "
            "forecast from the votes before it; means per member-vote"
        )
        return f"<p>{html.escape(caption)}</p>" + self.summary().to_html()


def _rounded(means: pd.DataFrame) -> pd.DataFrame:
    means = means.sort_values("log_loss", kind="stable")
    digits = {c: 3 for c in SUMMARY_COLUMNS} | {"err_yes": 1, "in80_yes": 0, "in95_yes": 0}
    digits |= {"width80_yes": 1, "vs_markov": 3}
    table = rounded_frame(means, {k: v for k, v in digits.items() if k in means})
    if "member_votes" in table:  # a count, not a mean: shown whole
        table["member_votes"] = table["member_votes"].astype("int64")
    table.index = _labels(table.index)
    return table.rename(columns=SUMMARY_COLUMNS).rename_axis("method")


@dataclass(frozen=True, repr=False, eq=False)
class ForwardTest:
    """The result of :func:`forward_test`: every member-vote's forecast, scored.

    ``predictions``: one row a (footing, method, roll call, member) with
    ``session, id, linked, iso3, vote`` and the probabilities; ``calls``: one
    row a (footing, method, roll call) with its yes-count scores.
    """

    sessions: tuple[int, int]
    predictions: pd.DataFrame
    calls: pd.DataFrame

    def _rows(self, footing: Footing, methods: Sequence[str] | None = None) -> pd.DataFrame:
        if footing not in ("frozen", "rolling"):
            raise InvalidValueError(f"footing must be 'frozen' or 'rolling', not {footing!r}")
        rows = self.predictions[self.predictions["footing"] == footing]
        if rows.empty:
            raise InvalidValueError(f"this forward test has no {footing} footing")
        return rows if methods is None else rows[rows["method"].isin(methods)]

    def summary(self, footing: Footing = "frozen", linked: bool | None = None) -> pd.DataFrame:
        """Means per method over the sessions, on the rows every method forecast.

        ``linked``: True for the roll calls on a text with an earlier recorded
        vote, False for new texts, None for all.  Columns as
        :meth:`Backtest.summary`, plus ``member-votes`` and ``log loss /
        item Markov`` (the ratio to the item Markov baseline on the same rows).
        The issue-shares baseline, defined only where Voeten's issue codes
        exist, is left out here: see :meth:`issue_codes`.
        """
        rows = self._rows(footing)
        rows = rows[rows["method"] != "issue_shares"]
        calls = self.calls[
            (self.calls["footing"] == footing) & (self.calls["method"] != "issue_shares")
        ]
        if linked is not None:
            rows = rows[rows["linked"] == linked]
            calls = calls[calls["id"].isin(rows["id"])]
        scores = _score_groups(rows, ["method", "session"])
        table = _summary(scores, calls, ["method"])
        votes = rows.groupby("method", sort=False).size()
        table.insert(0, "member_votes", votes)
        markov = table.loc["markov", "log_loss"] if "markov" in table.index else np.nan
        table.insert(2, "vs_markov", table["log_loss"] / markov)
        out = _rounded(table)
        return out.rename(
            columns={"member_votes": "member-votes", "vs_markov": "log loss / item Markov"}
        )

    def scores(self) -> dict[str, Any]:
        """The frozen footing's summaries as JSON-ready data, for all texts and for each kind.

        ``{"sessions": [first, last], "all": ..., "texts voted before": ...,
        "new texts": ...}``, each a list of rows of :meth:`summary` (a dict a
        method, with its ``method`` label), best log loss first.
        """
        out: dict[str, Any] = {"sessions": list(self.sessions)}
        for label, linked in (("all", None), ("texts voted before", True), ("new texts", False)):
            table = self.summary("frozen", linked=linked)
            out[label] = [
                {"method": str(method)} | {k: _plain(v) for k, v in row.items()}
                for method, row in table.iterrows()
            ]
        return out

    def by_session(self, footing: Footing = "frozen", score: str = "log_loss") -> pd.DataFrame:
        """One score by session (rows) and method (columns)."""
        scores = _score_groups(self._rows(footing), ["method", "session"])
        if score not in scores:
            raise InvalidValueError(
                f"unknown score {score!r}; one of {', '.join(scores.columns[3:])}"
            )
        wide = scores.pivot(index="session", columns="method", values=score)
        methods = list(dict.fromkeys(scores["method"]))
        return wide[methods].rename(columns=METHOD_LABELS).rename_axis(columns="method")

    def issue_codes(self, footing: Footing = "frozen") -> pd.DataFrame:
        """The model, item Markov and issue shares on the rows that have Voeten issue codes."""
        rows = self._rows(footing)
        coded = rows.loc[rows["method"] == "issue_shares", ["id", "iso3"]]
        keys = pd.MultiIndex.from_frame(coded)
        same = rows[pd.MultiIndex.from_frame(rows[["id", "iso3"]]).isin(keys)]
        same = same[same["method"].isin(["model", "markov", "issue_shares"])]
        scores = _score_groups(same, ["method", "session"])
        calls = self.calls[(self.calls["footing"] == footing) & self.calls["id"].isin(coded["id"])]
        table = _summary(
            scores, calls[calls["method"].isin(["model", "markov", "issue_shares"])], ["method"]
        )
        table.insert(0, "member_votes", same.groupby("method", sort=False).size())
        return _rounded(table).rename(columns={"member_votes": "member-votes"})

    def unsim(self, footing: Footing = "frozen") -> pd.DataFrame:
        """Ours on UNSim's slice (sessions 60-74, votes cast only) beside its published figures.

        UNSim's figures are in-sample and leave absences out; ours are forward
        forecasts, scored on the member-votes that were yes, abstain or no,
        with the likeliest of those three outcomes as the forecast.
        """
        rows = self._rows(footing, ["model", "markov"])
        rows = rows[rows["session"].between(60, 74) & (rows["vote"] != "absent")]
        out = {}
        for method, group in rows.groupby("method", sort=False):
            truth = _vote_codes(group)
            guess = group[list(PROBABILITY_COLUMNS[:3])].to_numpy().argmax(axis=1)
            out[f"unvote: {METHOD_LABELS.get(method, method)}"] = {
                "accuracy": float(np.mean(guess == truth)),
                "f1_no": _f1(truth, guess, 2),
                "f1_abstain": _f1(truth, guess, 1),
            }
        table = pd.DataFrame({**UNSIM, **out}).T.round(3)
        return table.rename(
            columns={"accuracy": "accuracy", "f1_no": "F1 no", "f1_abstain": "F1 abstain"}
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: both footings' summaries, the linked / new split, the UNSim comparison."""
        footings = sorted(set(self.predictions["footing"]))

        def records(table: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {k: _plain(v) for k, v in r.items()} for r in table.reset_index().to_dict("records")
            ]

        return {
            "sessions": list(self.sessions),
            "footings": {
                f: {
                    "summary": records(self.summary(f)),
                    "linked": records(self.summary(f, linked=True)),
                    "new_texts": records(self.summary(f, linked=False)),
                }
                for f in footings
            },
            "unsim": records(self.unsim(footings[0])),
        }

    def __repr__(self) -> str:
        first, last = self.sessions
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            table = (
                self.summary(sorted(set(self.predictions["footing"]))[0]).iloc[:, :6].to_string()
            )
        return f"<ForwardTest of sessions {first}-{last}>\n{table}"

    def _repr_html_(self) -> str:
        first, last = self.sessions
        return f"<p>Forward test, sessions {first}-{last}</p>" + self.summary().to_html()


# ----------------------------------------------------------------------------- the evaluations


def _check_sessions(record: Record, first: int, last: int, window: int) -> None:
    sessions = record.calls["session"]
    lowest = int(sessions.min()) + window
    highest = int(sessions.max())
    for value, what in ((first, "first"), (last, "last")):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise InvalidValueError(f"the {what} session must be a whole number, not {value!r}")
    if not lowest <= first <= last <= highest:
        raise InvalidValueError(
            f"sessions must lie within {lowest}-{highest} (each is forecast by a model fitted "
            f"on the {window} sessions before it), with first <= last, not {first}-{last}"
        )


def forward_test(
    first: int = 60,
    last: int = 79,
    footings: Sequence[Footing] = ("frozen", "rolling"),
    *,
    model: VoteModel | None = None,
    record: Record | None = None,
    progress: Progress = True,
) -> ForwardTest:
    """Session-by-session forward test of the vote model against baselines on the same rows.

    For each session ``s`` from ``first`` to ``last``: the model (default
    :class:`~unvote.model.estimator.VoteModel`) fitted on the votes before the
    session's first roll call forecasts every roll call of ``s``, as do the
    baselines (module docstring), on each footing.  It fits a model a
    session: about 20 s each from a cold cache.  ``progress``: a bar on
    stderr (default), ``False`` for none, or a callable given a line of text
    as each session starts (:mod:`unvote.progress`).

    Session 79 forecast by a model of three sessions (for speed; the default
    fits fifteen):

    >>> result = forward_test(79, 79, footings=["frozen"], model=VoteModel(window=3))
    >>> table = result.summary()
    >>> bool(table.loc["vote model", "log loss"] < table.loc["Markov transitions", "log loss"])
    True
    """
    estimator = model if model is not None else VoteModel()
    record = record if record is not None else load_record()
    _check_sessions(record, first, last, estimator.window)
    for footing in footings:
        if footing not in ("frozen", "rolling"):
            raise InvalidValueError(f"footing must be 'frozen' or 'rolling', not {footing!r}")
    if callable(progress):
        progress(f"features of sessions {first - estimator.window}-{last}")
    rolling = training_rows(record, first - estimator.window, last)
    starts = record.calls.groupby("session")["date"].min()
    frames = []
    fitted = None
    sessions = range(first, last + 1)
    report = (lambda s: progress(f"session {s}")) if callable(progress) else progress
    for session in steps(sessions, "forward test (sessions)", report):
        through = model_cutoff(record, starts[session] - pd.Timedelta(days=1))
        fitted = fitted_model(record, through, estimator, rows=rolling, init=fitted)
        train = rolling[
            (rolling["date"] <= through) & (rolling["session"] > session - 1 - estimator.window)
        ]
        train = train[train["vote"].notna()]
        for footing in footings:
            if footing == "rolling":
                rows = rolling[rolling["session"] == session]
            else:
                targets = recorded_targets(record, record.calls["session"] == session, "frozen")
                rows = feature_rows(record, targets)
            rows = rows[rows["vote"].notna()].reset_index(drop=True)
            methods = {
                "model": _model_probs(fitted, rows),
                "always_yes": _with_typical(always_yes_baseline(train, rows)),
                "last_vote": _with_typical(last_vote_baseline(train, rows)),
                "markov": _with_typical(markov_baseline(train, rows)),
            }
            shares = issue_shares_baseline(record, rows, session)
            if shares is not None:
                coded = shares["p_yes"].notna()
                methods["issue_shares"] = _with_typical(shares[coded])
            for method, probs in methods.items():
                base = rows.loc[probs.index, ["id", "iso3", "vote", "item_new"]]
                frame = probs.astype("float32").join(base)
                frame["linked"] = base["item_new"] == 0
                frame = frame.drop(columns="item_new").assign(
                    footing=footing, method=method, session=session
                )
                frames.append(frame)
    predictions = pd.concat(frames, ignore_index=True)
    columns = ["footing", "method", "session", "id", "linked", "iso3", "vote"]
    predictions = predictions[[*columns, *PROBABILITY_COLUMNS, *TYPICAL_COLUMNS, "shock_sd"]]
    if callable(progress):
        progress("scoring the count intervals")
    result = ForwardTest((first, last), predictions, _call_table(predictions))
    if "frozen" in footings:  # kept for the model cards of reports (known_scores)
        cache.store(SCORES_KIND, _scores_key(first, last, estimator), result.scores())
    return result


SCORES_KIND = "forward-test-scores"
"""The cache's kind for the scores of forward tests (:meth:`ForwardTest.scores`)."""


def _scores_key(first: int, last: int, estimator: VoteModel) -> dict[str, Any]:
    key = model_key(estimator, pd.Timestamp(0), cache.data_version())
    return {"sessions": [first, last], "data": key["data"], "params": key["params"]}


def known_scores(first: int, last: int, model: VoteModel | None = None) -> dict[str, Any] | None:
    """The :meth:`ForwardTest.scores` of sessions ``first``-``last`` if already computed, or None.

    A forward test of the same record, code and estimator (default
    :class:`~unvote.model.estimator.VoteModel`) stores them in the cache
    (and the package ships those of the README's table), so a report can
    show how the model scores without running the test again.
    """
    estimator = model if model is not None else VoteModel()
    return cache.fetch(SCORES_KIND, _scores_key(first, last, estimator))


def backtest(
    first: int = 1995,
    last: int = 2024,
    *,
    item: str = DEFAULT_ITEM,
    model: VoteModel | None = None,
    record: Record | None = None,
    progress: Progress = True,
) -> Backtest:
    """Each recorded vote of an item from ``first`` to ``last``, forecast from the votes before it.

    Each vote is forecast as :func:`unvote.forecast` forecasts a past vote:
    features as of the day before it, the model fitted on the sessions
    before the vote's session (:func:`unvote.model.fitting.model_cutoff`).
    Against the item's own baselines: as last time, and Markov transitions of
    its earlier votes (its members' moves from one vote on the text to the
    next).  ``item`` is an id or words (default: the Cuba-embargo text).  It
    fits a model a vote: about 15 s each from a cold cache.  ``progress``: a
    bar on stderr (default), ``False`` for none, or a callable given each year
    as it starts (:mod:`unvote.progress`).

    >>> result = backtest(2023, 2024)
    >>> result.scores[["year", "method", "members"]].to_numpy().tolist()[:3]
    [[2023, 'model', 193], [2023, 'last_vote', 193], [2023, 'markov', 193]]
    """
    estimator = model if model is not None else VoteModel()
    record = record if record is not None else load_record()
    for value, what in ((first, "first"), (last, "last")):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise InvalidValueError(
                f"the {what} backtest year must be a whole number, not {value!r}"
            )
    chosen = get_item(item, load_items(record.calls))
    calls = item_history(record, chosen)
    years = calls["year"]
    usable = sorted(set(years[years > years.min()]))  # the first vote has none before it
    if not usable or not usable[0] <= first <= last <= usable[-1]:
        if not usable:
            raise InvalidValueError(
                f"{chosen.label} was voted in one year only ({years.min()}): a backtest needs "
                "an earlier vote on the text to forecast from"
            )
        raise InvalidValueError(
            f"backtest years of {chosen.label} must lie within {usable[0]}-{usable[-1]} (each "
            f"vote is forecast from the votes on the text before it), with first <= last, "
            f"not {first}-{last}"
        )
    chosen_calls = calls[years.between(first, last)]
    if chosen_calls.empty:
        raise InvalidValueError(f"no vote on {chosen.label} was held in {first}-{last}")
    history = feature_rows(record, recorded_targets(record, record.calls["id"].isin(calls["id"])))
    sessions = chosen_calls["session"]
    # The training rows of every fit, built once and only if a fit is not in the cache.
    rolling = functools.cache(
        lambda: training_rows(record, int(sessions.min()) - estimator.window, int(sessions.max()))
    )
    frames = []
    fitted = None
    report = (lambda call: progress(int(call.year))) if callable(progress) else progress
    for call in steps(list(chosen_calls.itertuples()), "backtest (votes)", report):
        through = model_cutoff(record, call.date - pd.Timedelta(days=1))
        fitted = fitted_model(record, through, estimator, rows=rolling, init=fitted)
        rows = history[history["id"] == call.id].reset_index(drop=True)
        before = history[history["date"] < call.date]
        methods = {
            "model": _model_probs(fitted, rows),
            "last_vote": _with_typical(last_vote_baseline(before, rows)),
            "markov": _with_typical(markov_baseline(before, rows)),
        }
        for method, probs in methods.items():
            frame = probs.join(rows[["id", "iso3", "vote"]])
            frames.append(frame.assign(method=method, year=int(call.year)))
    predictions = pd.concat(frames, ignore_index=True)
    members = _score_groups(predictions, ["year", "method"])
    per_call = _call_table(predictions).drop(columns=["id"])
    scores = members.merge(per_call, on=["method", "year"]).rename(
        columns={"member_votes": "members"}
    )
    return Backtest(chosen.label, scores, predictions)
