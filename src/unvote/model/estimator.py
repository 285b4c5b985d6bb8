"""The vote model: one penalised multinomial logit of every member's vote at every roll call.

Each member at each roll call has four outcomes, ``yes, abstain, no, absent``.
With ``yes`` as the reference, the log-odds of each other outcome is linear in
the member's features (:data:`unvote.model.features.DEFAULT_FEATURES`) and in the
*persistence terms*, the member's last vote on the text times what says how
much that vote still holds (:data:`PERSISTENCE`)::

    log P(k) / P(yes) = intercept_k + x . coef_k + offset_k + shock      k in abstain, no, absent

One model learns from every recorded roll call of the last ``window``
sessions (about 280,000 member-votes for 15), so alignment, sponsorship and
participation get the weight the whole record gives them, and any text can be
forecast, a new one included.  Why this form (measured by the forward test,
``forecast forward-test``; figures in ``benchmarks/``):

* Absence is an outcome of its own (arrears under Article 19, boycotts,
  empty seats), and a campaign may aim at it; abstaining and voting no have
  different drivers.  An ordinal logit forces one index on both minority
  votes; the multinomial form does not.
* Gradient-boosted trees on the same features score about the same on
  sessions 75-78 (log loss 0.793 of the item Markov baseline's, against the
  logit's 0.797) at ten times the fitting time; the persistence terms carry
  most of what trees find in the interactions (0.809 without them).
* Near-unanimity separates the classes, so the coefficients get a ridge
  penalty (a Gaussian prior): every fit is finite, and the standard errors
  come from the penalised likelihood's curvature (the Laplace approximation).
* Members do not move independently: at a given roll call they drift
  together (the mood of a meeting, an argument that lands, a campaign).  A
  shock shared by every member at a roll call, added to the three log-odds,
  carries this; its standard deviation is estimated by maximum marginal
  likelihood over the training roll calls, the coefficients held, separately
  for texts voted on before (``shock_sd_``) and texts voted on for the first
  time (``new_text_shock_sd_``): on sessions 75-79 one shared value gave 80 %
  intervals that held 93 % of the yes counts of known texts and 70 % of new ones.
  Probabilities are averaged over it and count distributions are mixtures
  over it, so count intervals hold what they promise.
* A text keeps some of its character from one vote to the next beyond what
  the features say (the Cuba text's members turn out to vote more than
  their usual attendance suggests; in the 1990s they came round to yes year
  after year).  The model remembers it: the shift that best fits each
  training roll call is regressed on the mean shift of the same text's last
  three roll calls, and a text's next roll call gets that coefficient
  (``persistence_``) times its last shifts (``item_effects_``), on the three
  log-odds.  Estimated from the training roll calls only.
* Scenarios act as offsets on the three log-odds, leaving the fitted
  coefficients data-only; a positive offset lowers P(yes).

It is fitted by Newton's method in numpy (no scipy, scikit-learn or
statsmodels on the forecast path): a cold fit of 15 sessions takes a few
seconds, and ``benchmarks/compare_models.py`` compares it with scikit-learn's
and statsmodels' solvers on the same rows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from unvote import files
from unvote.errors import DataFileError, InvalidTypeError, InvalidValueError, NotFittedError
from unvote.model.features import DEFAULT_FEATURES
from unvote.model.shock import normal_quadrature
from unvote.record.calendar import parse_day
from unvote.vocabulary import OUTCOMES, PROBABILITY_COLUMNS, SHIFTED_OUTCOMES

PERSISTENCE: tuple[str, ...] = (
    "share",
    "item_gap",
    "item_calls",
    "item_volatility",
    "member_volatility",
    "yes_camp_agreement",
    "no_camp_agreement",
    "sponsor_agreement",
    "missed_recent",
)
"""What modulates how much a member's last vote on a text still holds.

Each gives four terms, ``last_<outcome>:<modifier>`` (``share`` stands for the
member's share of that same outcome over the item's last three roll calls):
a vote repeated three times, cast recently, on a text that rarely moves, by a
member that rarely changes its votes, is more likely to be cast again.
"""

FORMAT_VERSION = 4

DECISION_WEIGHTS: tuple[float, ...] = (1.0, 1.5, 1.0, 3.0)
"""Weights on ``yes, abstain, no, absent`` when the model names one outcome (:func:`call_outcomes`).

The likeliest outcome is the wrong call for macro-F1: a member with a 30 %
chance of staying away is rarely the likeliest absentee, yet the F1-best call
names it (the threshold that maximises F1 lies below one half).  Chosen on the
frozen forward test of sessions 60-74 only: macro-F1 0.694 to 0.720, F1
absent 0.39 to 0.50, accuracy 0.850 to 0.837 (weights chosen on 60-66 gave
the same gain on 67-74; none gained the item Markov baseline anything).  The
probabilities, and every score of them, are untouched.
"""


def persistence_terms(modifiers: Sequence[str] = PERSISTENCE) -> list[str]:
    """The names of the persistence terms, ``last_<outcome>:<modifier>``.

    >>> persistence_terms(["item_gap"])
    ['last_yes:item_gap', 'last_abstain:item_gap', 'last_no:item_gap', 'last_absent:item_gap']
    """
    return [f"last_{o}:{m}" for m in modifiers for o in OUTCOMES]


def call_outcomes(p: np.ndarray, weights: Sequence[float] = DECISION_WEIGHTS) -> np.ndarray:
    """The outcome the model calls for each row of probabilities ``p`` (codes into ``OUTCOMES``).

    The outcome with the largest ``p * weights`` (:data:`DECISION_WEIGHTS`).

    >>> call_outcomes(np.array([[0.6, 0.05, 0.05, 0.3], [0.8, 0.0, 0.0, 0.2]])).tolist()
    [3, 0]
    """
    return np.argmax(np.asarray(p, dtype=float) * np.asarray(weights, dtype=float), axis=1)


def softmax_against_reference(eta: np.ndarray) -> np.ndarray:
    """Probabilities from log-odds against a reference class (first column gets 0).

    >>> softmax_against_reference(np.zeros((1, 3))).round(2).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """
    full = np.concatenate([np.zeros((eta.shape[0], 1)), eta], axis=1)
    full -= full.max(axis=1, keepdims=True)
    weights = np.exp(full)
    return weights / weights.sum(axis=1, keepdims=True)


def _offset_matrix(
    offset: pd.DataFrame | Mapping[str, float] | None, index: pd.Index
) -> np.ndarray:
    """An offset as an (n, 3) array over the shifted classes; missing entries are 0."""
    if offset is None:
        return np.zeros((len(index), len(SHIFTED_OUTCOMES)))
    if isinstance(offset, Mapping):
        offset = pd.DataFrame({k: float(v) for k, v in offset.items()}, index=index)
    unknown = set(offset.columns) - set(SHIFTED_OUTCOMES)
    if unknown:
        raise InvalidValueError(
            f"offset columns must be among {', '.join(SHIFTED_OUTCOMES)}: {sorted(unknown)}"
        )
    frame = offset.reindex(index=index, columns=list(SHIFTED_OUTCOMES)).fillna(0.0)
    values = frame.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise InvalidValueError("offsets must be finite numbers")
    return values


SHOCK_MAX = 3.0
"""The largest roll-call shock standard deviation considered (log-odds)."""

MEMORY = 3
"""How many of a text's latest roll calls its remembered shift averages over."""


def call_shifts(
    nonyes_log_odds: np.ndarray, voted_yes: np.ndarray, group: np.ndarray
) -> np.ndarray:
    """The shift of the log-odds of not voting yes that best fits each roll call (``group`` codes).

    The posterior mode under a Normal(0, 1) prior, so that a roll call that
    everyone voted yes on gets a finite shift, by Newton's method on all roll
    calls at once.

    >>> a = np.zeros(4); yes = np.array([True, True, True, False])
    >>> float(np.round(call_shifts(a, yes, np.zeros(4, dtype=int)), 3)[0])
    -0.505
    """
    n = int(group.max()) + 1 if len(group) else 0
    shift = np.zeros(n)
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-(nonyes_log_odds + shift[group])))
        gradient = np.bincount(group, (~voted_yes) - p, n) - shift
        curvature = np.bincount(group, p * (1.0 - p), n) + 1.0
        step = gradient / curvature
        shift += np.clip(step, -2.0, 2.0)
        if np.max(np.abs(step), initial=0.0) < 1e-8:
            break
    return shift


_ATTENUATION = (16 * math.sqrt(3) / (15 * math.pi)) ** 2
"""The logistic-normal constant: averaging a logit over a Normal(0, sd) shock shrinks
its log-odds by about sqrt(1 + 0.346 sd^2) (Zeger, Liang and Albert, 1988)."""


def conditional_log_odds(marginal: np.ndarray, sd: float) -> np.ndarray:
    """Log-odds at a roll call without a shock, given the log-odds averaged over the shock.

    The model is fitted without the shock, so its log-odds of not voting yes
    are population averages.  Scaling them by ``sqrt(1 + 0.346 sd^2)`` gives
    log-odds whose average over Normal(0, ``sd``) shocks is (very nearly) the
    fitted one: the shock then widens the count distributions without moving
    their means.

    >>> float(conditional_log_odds(np.array([2.0]), 0.0)[0])
    2.0
    >>> round(float(conditional_log_odds(np.array([2.0]), 1.0)[0]), 2)
    2.32
    """
    return marginal * math.sqrt(1.0 + _ATTENUATION * sd**2)


def _shock_sd(nonyes_log_odds: np.ndarray, voted_yes: np.ndarray, calls: np.ndarray) -> float:
    """Maximum marginal likelihood of the roll-call shock's standard deviation.

    A shock ``s`` shared by a roll call's members adds ``s`` to each member's
    conditional log-odds of not voting yes (:func:`conditional_log_odds` of
    the fitted ones, ``a``) and leaves the shares among the other outcomes, so
    a roll call's log-likelihood is, up to a constant,
    ``sum_i yes_i log(1 - sigmoid(a_i + s)) + (1 - yes_i) log sigmoid(a_i + s)``.
    Its mean over ``s ~ Normal(0, sd)`` is taken by quadrature
    (:func:`unvote.model.shock.normal_quadrature`), and the sum over roll calls
    maximised over ``sd`` in [0, :data:`SHOCK_MAX`] by golden-section search.
    """
    _, group = np.unique(calls, return_inverse=True)
    n_calls = int(group.max()) + 1
    nodes, weights = normal_quadrature()

    def call_loglik(log_odds: np.ndarray) -> np.ndarray:
        # log(1 - sigmoid(z)) for a yes vote, log sigmoid(z) otherwise, computed stably
        values = np.where(voted_yes, -np.logaddexp(0.0, log_odds), -np.logaddexp(0.0, -log_odds))
        return np.bincount(group, values, n_calls)

    base = call_loglik(nonyes_log_odds)

    def objective(sd: float) -> float:
        centre = conditional_log_odds(nonyes_log_odds, sd)
        at = np.stack([call_loglik(centre + sd * z) - base for z in nodes], axis=1)
        top = at.max(axis=1, keepdims=True)
        return float(np.sum(top[:, 0] + np.log(np.exp(at - top) @ weights)))

    low, high = 0.0, SHOCK_MAX
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = objective(a), objective(b)
    while high - low > 5e-3:  # reported to two decimals
        if fa > fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = objective(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = objective(b)
    best = (low + high) / 2
    return best if objective(best) > 0.0 else 0.0  # objective(0) is 0


class VoteModel:
    """Penalised multinomial logit of a member's vote at any roll call, with offsets for scenarios.

    Parameters
    ----------
    penalty : float
        Ridge penalty on the coefficients (not the intercepts): the precision
        of a Gaussian prior centred on zero.
    features : sequence of str
        Columns of the feature panel used as predictors.
    persistence : sequence of str
        Modifiers of the last vote (:data:`PERSISTENCE`); () for none.
    window : int
        How many sessions, up to the last one in the training rows, to fit on.
    max_iter, tol : int, float
        Newton iterations and the convergence tolerance on the step.
    roll_call_shock : bool
        Estimate the shock shared by a roll call's members (``shock_sd_``);
        if False it is 0 and members are independent.
    item_memory : bool
        Carry a text's recent shifts to its next roll call (``item_effects_``).

    Attributes (after ``fit``)
    --------------------------
    classes_ : the outcomes, ``yes, abstain, no, absent``
    feature_names_ : the predictors, persistence terms last
    intercept_ : Series over ``abstain, no, absent``
    coef_ : DataFrame, predictors x ``abstain, no, absent``
    coef_se_ : DataFrame of standard errors, intercept row first
    shock_sd_ : standard deviation of the roll-call shock, texts voted on before
    new_text_shock_sd_ : the same for a text's first recorded vote
    persistence_ : how much of a text's recent shifts its next roll call keeps
    item_effects_ : dict, item -> the shift its next roll call gets
    train_through_ : date of the last roll call fitted on
    train_sessions_ : (first, last) session fitted on
    n_train_ : member-votes fitted on; n_calls_ : roll calls; n_iter_ : Newton steps

    Examples
    --------
    >>> from unvote.model.features import load_record, training_rows
    >>> record = load_record()
    >>> rows = training_rows(record, 77)
    >>> model = VoteModel(window=2).fit(rows, through="2024-08-31")
    >>> model.train_sessions_
    (77, 78)
    >>> cuba = rows[rows["id"] == "dgacm:A/RES/79/7"].set_index("iso3")
    >>> p = model.predict_proba(cuba)
    >>> bool(p.loc["USA", "p_no"] > 0.9), bool(p.loc["MEX", "p_yes"] > 0.9)
    (True, True)
    """

    def __init__(
        self,
        penalty: float = 1.0,
        features: Sequence[str] = DEFAULT_FEATURES,
        persistence: Sequence[str] = PERSISTENCE,
        window: int = 15,
        max_iter: int = 50,
        tol: float = 1e-6,
        roll_call_shock: bool = True,
        item_memory: bool = True,
    ) -> None:
        self.penalty = penalty
        self.features = features
        self.persistence = persistence
        self.window = window
        self.max_iter = max_iter
        self.tol = tol
        self.roll_call_shock = roll_call_shock
        self.item_memory = item_memory

    def __repr__(self) -> str:
        if not hasattr(self, "coef_"):
            return f"VoteModel(window={self.window}, penalty={self.penalty}) (not fitted)"
        first, last = self.train_sessions_
        return (
            f"VoteModel: fitted on {self.n_train_:,} member-votes at {self.n_calls_:,} roll calls "
            f"of sessions {first}-{last} (to {self.train_through_:%Y-%m-%d}); "
            f"{len(self.feature_names_)} predictors, roll-call shock sd {self.shock_sd_:.2f} "
            f"({self.new_text_shock_sd_:.2f} for a new text)"
        )

    # -- fitting ---------------------------------------------------------------
    def _check_params(self) -> None:
        if isinstance(self.penalty, bool) or not (
            isinstance(self.penalty, int | float)
            and math.isfinite(self.penalty)
            and self.penalty >= 0
        ):
            raise InvalidValueError(f"penalty must be a non-negative number, not {self.penalty!r}")
        for name in ("max_iter", "window"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidValueError(
                    f"{name} must be a whole number of at least 1, not {value!r}"
                )
        unknown = [m for m in self.persistence if m != "share" and m not in self.features]
        if unknown:
            raise InvalidValueError(f"persistence modifiers must be among the features: {unknown}")

    def _training_rows(self, rows: pd.DataFrame, through: Any) -> pd.DataFrame:
        if not isinstance(rows, pd.DataFrame):
            raise InvalidTypeError(
                f"fit takes feature rows (a DataFrame), not {type(rows).__name__}"
            )
        needed = [*self.features, "id", "date", "session", "vote"]
        missing = [c for c in needed if c not in rows.columns]
        if missing:
            raise InvalidValueError(
                f"rows lack column(s): {', '.join(missing)}; build them with training_rows()"
            )
        keep = rows["vote"].notna().to_numpy().copy()
        if through is not None:
            through = parse_day(through, "through")
            keep &= (rows["date"] <= through).to_numpy()
        train = rows[keep]
        if train.empty:
            when = "" if through is None else f" through {through:%Y-%m-%d}"
            raise InvalidValueError(f"no recorded vote{when} to fit the vote model on")
        last = int(train["session"].max())
        return train[train["session"] > last - self.window]

    def fit(
        self,
        rows: pd.DataFrame,
        through: str | pd.Timestamp | None = None,
        *,
        init: VoteModel | None = None,
    ) -> VoteModel:
        """Fit on the recorded votes of ``rows`` dated on or before ``through``.

        ``rows`` are feature rows (:func:`unvote.model.features.training_rows`): ``id,
        date, session, vote`` and the features.  Rows without a recorded vote
        are ignored; of the rest, the last ``window`` sessions are used.
        Fitting on ``rows`` through ``T`` is the same as fitting on the rows
        dated on or before ``T``.  ``init``: a fitted model with the same
        predictors whose coefficients start Newton's method (a session later,
        the fit then takes half the steps and ends at the same optimum).
        Returns ``self``.
        """
        self._check_params()
        train = self._training_rows(rows, through)
        x = self._design(train)
        y = pd.Categorical(train["vote"], categories=list(OUTCOMES)).codes
        start = None
        if init is not None:
            init._check_fitted()
            if init.feature_names_ != self._names():
                raise InvalidValueError("init must be a model fitted with the same predictors")
            start = np.vstack([init.intercept_.to_numpy(), init.coef_.to_numpy()])
        # One BLAS thread: on a shared 2-core machine, a second spinning thread made
        # a fit up to ten times slower, for a gain of a third when the machine is idle.
        with threadpool_limits(limits=1, user_api="blas"):
            beta, cov, n_iter = self._newton(x, y, start)
        self.feature_names_ = self._names()
        names = ["intercept", *self.feature_names_]
        self.classes_ = list(OUTCOMES)
        self.intercept_ = pd.Series(beta[0], index=list(SHIFTED_OUTCOMES))
        self.coef_ = pd.DataFrame(beta[1:], index=self.feature_names_, columns=SHIFTED_OUTCOMES)
        se = np.sqrt(np.clip(np.diag(cov), 0, None)).reshape(beta.shape, order="F")
        self.coef_se_ = pd.DataFrame(se, index=names, columns=SHIFTED_OUTCOMES)
        self.train_through_ = pd.Timestamp(train["date"].max())
        self.train_sessions_ = (int(train["session"].min()), int(train["session"].max()))
        self.n_train_ = len(train)
        self.n_calls_ = int(train["id"].nunique())
        self.n_iter_ = n_iter
        p = softmax_against_reference(x @ beta)
        log_odds = np.log1p(-p[:, 0]) - np.log(p[:, 0])  # of not voting yes
        calls = train["id"].to_numpy()
        self.persistence_, self.item_effects_ = 0.0, {}
        if self.item_memory and "item" in train:
            remembered = self._remember_items(train, log_odds, y == 0)
            log_odds = log_odds + remembered
        self.shock_sd_ = self.new_text_shock_sd_ = 0.0
        if self.roll_call_shock:
            new = self._new_text(train)
            for attribute, which in (("shock_sd_", ~new), ("new_text_shock_sd_", new)):
                if which.any():
                    sd = _shock_sd(log_odds[which], y[which] == 0, calls[which])
                    setattr(self, attribute, sd)
        return self

    def _remember_items(
        self, train: pd.DataFrame, log_odds: np.ndarray, voted_yes: np.ndarray
    ) -> np.ndarray:
        """Set ``persistence_`` and ``item_effects_``; return each training row's remembered shift.

        The shift that best fits each roll call (:func:`call_shifts`) is
        regressed, through the origin, on the mean shift of the same text's
        last :data:`MEMORY` roll calls before it; a text's effect on its next
        roll call is that coefficient times the mean of its last shifts.
        """
        codes, group = np.unique(train["id"].to_numpy(), return_inverse=True)
        shifts = call_shifts(log_odds, voted_yes, group)
        first = pd.DataFrame({"row": np.arange(len(train)), "call": group})
        first = first.drop_duplicates("call").set_index("call")["row"]
        calls = pd.DataFrame(
            {
                "item": train["item"].to_numpy()[first.to_numpy()],
                "date": train["date"].to_numpy()[first.to_numpy()],
                "shift": shifts[first.index.to_numpy()],
            },
            index=first.index,
        ).sort_values(["date"], kind="stable")
        by_item = calls.groupby("item", sort=False)["shift"]
        lagged = by_item.transform(lambda s: s.shift(1).rolling(MEMORY, min_periods=1).mean())
        has = lagged.notna()
        if has.sum() >= 10:
            x, target = lagged[has].to_numpy(), calls.loc[has, "shift"].to_numpy()
            self.persistence_ = float(np.clip(x @ target / max(x @ x, 1e-12), 0.0, 1.0))
        last = by_item.apply(lambda s: s.iloc[-MEMORY:].mean())
        self.item_effects_ = {
            str(item): round(float(self.persistence_ * value), 6) for item, value in last.items()
        }
        offset = (self.persistence_ * lagged.fillna(0.0)).reindex(np.arange(len(codes)))
        return offset.to_numpy()[group]

    def item_effect(self, rows: pd.DataFrame) -> np.ndarray:
        """The remembered shift of each row's text (0 for a text not in the training data)."""
        self._check_fitted()
        if not self.item_effects_ or "item" not in rows:
            return np.zeros(len(rows))
        effects = pd.Series(self.item_effects_, dtype=float)
        return rows["item"].astype(str).map(effects).fillna(0.0).to_numpy()

    @staticmethod
    def _new_text(rows: pd.DataFrame) -> np.ndarray:
        """Rows of a text's first recorded vote (``item_new``; none without that column)."""
        if "item_new" not in rows:
            return np.zeros(len(rows), dtype=bool)
        return rows["item_new"].to_numpy(dtype=float) > 0.5

    def shock_sd(self, rows: pd.DataFrame) -> float:
        """The roll-call shock's standard deviation for the roll call of ``rows``.

        ``new_text_shock_sd_`` when it is the first recorded vote on its text,
        else ``shock_sd_``; the rows must be of one roll call.
        """
        self._check_fitted()
        new = self._new_text(rows)
        if new.any() and not new.all():
            raise InvalidValueError("shock_sd() takes the rows of one roll call")
        return self.new_text_shock_sd_ if new.any() else self.shock_sd_

    def _design(self, rows: pd.DataFrame) -> np.ndarray:
        """The intercept, the features and the persistence terms, as one float matrix."""
        base = rows[list(self.features)].to_numpy(dtype=float)
        if not np.isfinite(base).all():
            raise InvalidValueError("feature values must be finite numbers")
        columns = [np.ones((len(rows), 1)), base]
        if self.persistence:
            last = rows[[f"last_{o}" for o in OUTCOMES]].to_numpy(dtype=float)
        for modifier in self.persistence:
            if modifier == "share":
                by = rows[[f"share_{o}" for o in OUTCOMES]].to_numpy(dtype=float)
            else:
                by = rows[[modifier]].to_numpy(dtype=float)
            columns.append(last * by)
        return np.hstack(columns)

    def _names(self) -> list[str]:
        return [*self.features, *persistence_terms(self.persistence)]

    def _newton(
        self, x: np.ndarray, y: np.ndarray, start: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Maximise the penalised log-likelihood; return coefficients, covariance, steps.

        Coefficients are a (1 + predictors) x 3 matrix; the covariance is over
        them flattened column by column (class by class).
        """
        n_cols, k = x.shape[1], len(SHIFTED_OUTCOMES)
        prior = np.full(n_cols, float(self.penalty))
        prior[0] = 1e-6  # intercepts: a vague prior, only to keep the Hessian invertible
        prior_diag = np.tile(prior, k)
        onehot = np.eye(len(OUTCOMES))[y][:, 1:]
        beta = np.zeros((n_cols, k)) if start is None else start.copy()
        hessian = np.eye(n_cols * k)
        delta = np.full(n_cols * k, np.inf)
        step = 0
        while step < self.max_iter and np.max(np.abs(delta)) >= self.tol:
            step += 1
            p = softmax_against_reference(x @ beta)[:, 1:]
            gradient = (x.T @ (onehot - p)).ravel(order="F") - prior_diag * beta.ravel(order="F")
            for a in range(k):
                for b in range(a, k):
                    w = p[:, a] * ((a == b) - p[:, b])
                    block = x.T @ (x * w[:, None])
                    hessian[a * n_cols : (a + 1) * n_cols, b * n_cols : (b + 1) * n_cols] = block
                    hessian[b * n_cols : (b + 1) * n_cols, a * n_cols : (a + 1) * n_cols] = block
            hessian[np.diag_indices_from(hessian)] += prior_diag
            delta = np.linalg.solve(hessian, gradient)
            beta += delta.reshape((n_cols, k), order="F")
        if np.max(np.abs(delta)) >= self.tol:
            raise InvalidValueError(
                f"the vote model did not converge in {self.max_iter} Newton steps; "
                "raise the penalty or max_iter"
            )
        return beta, np.linalg.inv(hessian), step

    # -- prediction --------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("this VoteModel is not fitted yet: call fit(rows) first")

    def linear_predictor(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Log-odds of ``abstain, no, absent`` against ``yes`` per row (no offset, no shock).

        With the text's remembered shift (:meth:`item_effect`) when ``rows``
        carry an ``item`` column.
        """
        self._check_fitted()
        missing = [c for c in self.features if c not in rows.columns]
        if missing:
            raise InvalidValueError(f"rows lack feature column(s): {', '.join(missing)}")
        x = self._design(rows)
        eta = x @ np.vstack([self.intercept_.to_numpy(), self.coef_.to_numpy()])
        eta += self.item_effect(rows)[:, None]
        return pd.DataFrame(eta, index=rows.index, columns=list(SHIFTED_OUTCOMES))

    def predict_proba(
        self,
        rows: pd.DataFrame,
        offset: pd.DataFrame | Mapping[str, float] | None = None,
        shock: float | None = None,
        *,
        log_odds: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Probabilities of each outcome for each row, optionally shifted by an offset.

        ``offset`` adds to the log-odds of ``abstain``, ``no`` and ``absent``
        against ``yes``: a DataFrame with those columns (any subset) aligned on
        ``rows.index``, or a mapping applied to every row.  By default the
        probabilities are those averaged over the roll-call shock (as fitted);
        ``shock=s`` gives them given a shock of ``s`` at the roll call
        (``shock=0``: a typical roll call, from which the count distributions
        are mixtures over Normal(0, :meth:`shock_sd`)).  ``log_odds``:
        :meth:`linear_predictor` of ``rows`` if already at hand (a scenario
        asks for many offsets of one vote).  Columns ``p_yes, p_abstain,
        p_no, p_absent``, on ``rows.index``.
        """
        base = self.linear_predictor(rows) if log_odds is None else log_odds
        eta = base.to_numpy() + _offset_matrix(offset, rows.index)
        averaged = softmax_against_reference(eta)
        if shock is None:
            return pd.DataFrame(averaged, index=rows.index, columns=list(PROBABILITY_COLUMNS))
        # Given a shock: from the averaged log-odds of not voting yes to those at
        # a roll call without one (conditional_log_odds), then the shock on top.
        sd = np.where(self._new_text(rows), self.new_text_shock_sd_, self.shock_sd_)
        with np.errstate(divide="ignore"):
            marginal = np.log1p(-averaged[:, 0]) - np.log(averaged[:, 0])
        scale = np.sqrt(1.0 + _ATTENUATION * sd**2)
        shift = np.where(np.isfinite(marginal), marginal * (scale - 1.0), 0.0) + float(shock)
        return pd.DataFrame(
            softmax_against_reference(eta + shift[:, None]),
            index=rows.index,
            columns=list(PROBABILITY_COLUMNS),
        )

    # -- reporting -----------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """The coefficient table: one row a (outcome, term), with standard errors.

        Columns ``coef, se, z, p_value``, indexed by ``outcome`` (log-odds
        against yes) and ``term``.  With the ridge penalty the standard errors
        are those of a posterior under a Gaussian prior, slightly smaller than
        unpenalised ones.
        """
        self._check_fitted()
        coef = pd.concat([self.intercept_.to_frame().T, self.coef_])
        coef.index = ["intercept", *self.feature_names_]
        table = pd.DataFrame({"coef": coef.T.stack(), "se": self.coef_se_.T.stack()})
        table.index.names = ["outcome", "term"]
        table["z"] = table["coef"] / table["se"]
        table["p_value"] = [math.erfc(abs(z) / math.sqrt(2)) for z in table["z"]]
        return table

    # -- persistence -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The fitted model as plain JSON-ready data (no pickle)."""
        self._check_fitted()
        return {
            "format": "unvote.VoteModel",
            "version": FORMAT_VERSION,
            "params": {
                "penalty": self.penalty,
                "features": list(self.features),
                "persistence": list(self.persistence),
                "window": self.window,
                "max_iter": self.max_iter,
                "tol": self.tol,
                "roll_call_shock": self.roll_call_shock,
                "item_memory": self.item_memory,
            },
            "shock_sd": self.shock_sd_,
            "new_text_shock_sd": self.new_text_shock_sd_,
            "persistence": self.persistence_,
            "item_effects": self.item_effects_,
            "train_through": f"{self.train_through_:%Y-%m-%d}",
            "train_sessions": list(self.train_sessions_),
            "n_train": self.n_train_,
            "n_calls": self.n_calls_,
            "n_iter": self.n_iter_,
            "intercept": self.intercept_.to_dict(),
            "coef": {k: self.coef_[k].to_dict() for k in SHIFTED_OUTCOMES},
            "coef_se": {k: self.coef_se_[k].to_dict() for k in SHIFTED_OUTCOMES},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoteModel:
        """Rebuild a fitted model from :meth:`to_dict` output.

        Anything else (another format or version, a missing or malformed key)
        raises :class:`~unvote.errors.DataFileError` saying what is wrong.
        """
        if not isinstance(data, Mapping) or data.get("format") != "unvote.VoteModel":
            raise DataFileError("not a saved unvote.VoteModel")
        if data.get("version") != FORMAT_VERSION:
            raise DataFileError(
                f"a saved unvote.VoteModel of format version {data.get('version')!r}; "
                f"this version of unvote reads version {FORMAT_VERSION}: refit the model"
            )
        try:
            model = cls(**data["params"])
            names = model.feature_names_ = model._names()
            model.classes_ = list(OUTCOMES)
            model.intercept_ = pd.Series(data["intercept"], dtype=float)[list(SHIFTED_OUTCOMES)]
            model.coef_ = pd.DataFrame(data["coef"], dtype=float).loc[names, list(SHIFTED_OUTCOMES)]
            se = pd.DataFrame(data["coef_se"], dtype=float)
            model.coef_se_ = se.loc[["intercept", *names], list(SHIFTED_OUTCOMES)]
            model.shock_sd_ = float(data["shock_sd"])
            model.new_text_shock_sd_ = float(data["new_text_shock_sd"])
            model.persistence_ = float(data["persistence"])
            model.item_effects_ = {str(k): float(v) for k, v in data["item_effects"].items()}
            model.train_through_ = pd.Timestamp(data["train_through"])
            first, last = data["train_sessions"]
            model.train_sessions_ = (int(first), int(last))
            model.n_train_ = int(data["n_train"])
            model.n_calls_ = int(data["n_calls"])
            model.n_iter_ = int(data["n_iter"])
        except (KeyError, TypeError, ValueError) as err:
            raise DataFileError(
                f"a saved unvote.VoteModel with a missing or bad entry ({err})"
            ) from None
        values = np.r_[model.coef_.to_numpy().ravel(), model.intercept_.to_numpy(), model.shock_sd_]
        values = np.r_[values, model.new_text_shock_sd_]
        if not np.isfinite(values).all():
            raise DataFileError("a saved unvote.VoteModel with coefficients that are not finite")
        for name in ("shock_sd", "new_text_shock_sd"):
            if float(data[name]) < 0:  # a standard deviation; a negative one is a damaged file
                raise DataFileError(
                    f"a saved unvote.VoteModel with {name} {float(data[name]):g}: a standard "
                    "deviation cannot be negative"
                )
        return model

    def save(self, path: str | Path) -> None:
        """Write the fitted model as JSON (atomically: see :mod:`unvote.files`)."""
        files.write_text(path, json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> VoteModel:
        """Read a model written by :meth:`save`; a bad file raises ``DataFileError``."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise DataFileError(f"{path}: cannot read a saved model ({err})") from None
        return cls.from_dict(data)
