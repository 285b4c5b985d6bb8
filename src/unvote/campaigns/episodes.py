"""Pressure campaigns in the record: how far they moved members, in each member's own log-odds.

An *episode* is a recorded roll call before which a state, the
*campaigner*, publicly campaigned for members to vote no, abstain or stay
away.  The catalogue (``seeds/episodes.csv``, :func:`load_episodes`) gives
each episode's roll call, campaigner, what was asked and of whom, its public
sources, a *reference* text and the *comparison* votes.

The estimate is made in the unit a scenario applies: a shift added to each
member's own log-odds.  For an episode voted on day ``T``:

1. the pooled vote model (:class:`unvote.model.estimator.VoteModel`) is fitted on the
   roll calls of the ``window`` sessions up to ``T``, through ``T - 1``
   (:func:`fit_episode_model`);
2. each member's log-odds of not voting yes at the episode, ``a_i``, is the
   model's forecast with the features of the day before the vote and no
   shock (:func:`episode_rows`).  A text without earlier roll calls is
   forecast as a vote on its *reference* text (for the Jerusalem vote of
   December 2017, the annual "Jerusalem" resolution voted three weeks
   earlier): the counterfactual is "this vote, had nobody campaigned, would
   have gone as the members' votes on that text";
3. one shift over all members is fitted by maximum likelihood,
   ``P(not yes)_i = sigmoid(a_i + delta)`` (:func:`offset_logit`); then a shift
   that varies with member features ``z``, ``sigmoid(a_i + delta0 + b.z_i)``
   (:func:`heterogeneity`); and the shifts of the multinomial log-odds a
   scenario's channels apply: a *vote shift* on abstain and no, an *absence
   shift* on absent (:func:`offset_multinomial`).

Two standard errors are reported.  The *sampling* one treats the members as
the observations.  But the model already says that every roll call departs
from it by a shock shared by its members, of standard deviation ``shock_sd_``
(about 0.85 on the log-odds of not voting yes): an episode's shift is one
campaign *plus one draw of that shock*, so a single episode tells the
campaign's effect only to within ``sqrt(se**2 + shock_sd**2)``, the *total*
standard error.  That is the one to use when an episode's shift stands for a
campaign's strength; pooled over episodes (:func:`pool_shifts`), the shocks
average out and what is left is the spread between campaigns.  A forecast
draws its own roll-call shock, so a strength prior built from these figures
must not add the shock a second time.

:func:`loeo` predicts each episode from the others alone: the shift of the
yes count, and how well the predicted shifts rank the members that left yes.

>>> episodes = load_episodes()
>>> episodes.loc["jerusalem-2017", ["symbol", "campaigner", "reference"]].tolist()
['A/RES/ES-10/19', 'USA', 'A/RES/72/15']

One episode end to end (a model of one session, for speed; the estimates in
``seeds/EPISODES.md`` use fifteen, ``scripts/estimate_pressure_episodes.py``
runs them all, with the pooling and :func:`loeo`):

>>> from unvote.model.features import load_record
>>> record = load_record()
>>> episode = episodes.loc["jerusalem-2017"]
>>> model = fit_episode_model(record, episode["date"], window=1)
>>> rows = episode_rows(record, episode, model)
>>> estimate = estimate_episode(rows, model.shock_sd_)
>>> bool(estimate["vote_shift"] > 0), bool(estimate["se_total"] > estimate["se_sampling"])
(True, True)
>>> groups = group_shifts(rows).set_index("group")
>>> int(describe_episode(rows)["left_yes"]), int(groups.loc["eu", "n"])
(29, 28)
>>> heterogeneity(rows, ["us_treaty_ally"]).index.tolist()
['shift', 'us_treaty_ally']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from unvote.errors import DataFileError, UnknownNameError, UnvoteError
from unvote.forecasting.counts import count_distribution, interval
from unvote.model import cache
from unvote.model.estimator import VoteModel, softmax_against_reference
from unvote.model.features import (
    MODEL_FEATURES,
    REGION_COLUMNS,
    Record,
    agreement_with,
    feature_rows,
    recorded_targets,
)
from unvote.model.fitting import cached_model, model_key
from unvote.record.countries import CountryNames
from unvote.record.loaders import load_members
from unvote.scenarios.scenario import Scenario
from unvote.vocabulary import OUTCOMES, SHIFTED_OUTCOMES

CATALOGUE_COLUMNS: tuple[str, ...] = (
    "episode",
    "symbol",
    "date",
    "campaigner",
    "other_campaigners",
    "principals",
    "direction",
    "aim",
    "addressed",
    "reference",
    "comparison",
    "confidence",
    "campaign",
    "sources",
)
"""Columns of the catalogue.

``episode`` a short name; ``symbol`` the resolution voted on and ``date`` its
vote; ``campaigner`` the ISO3 code of the state that campaigned (its
alignment with members is measured), ``other_campaigners`` and ``principals``
(ISO3 codes, ``;``-separated) the other campaigning states and the members the
text concerns, left out with the campaigner; ``direction`` ``against`` (the
campaign asked for no, abstain or absence) or ``for``; ``aim`` what was asked;
``addressed`` of whom; ``reference`` the symbol of an earlier text that stands
in for a text without earlier roll calls (blank: the episode's own text);
``comparison`` the symbols of comparable earlier votes (descriptive table);
``confidence`` ``high`` (dated public sources document the campaign on the
members' votes) or ``medium`` (they document the campaigner's opposition and
effort, the lobbying of members only by reports not cited by title);
``campaign`` what happened; ``sources`` outlet or author, date and title,
separated by `` | ``.
"""

DIRECTIONS: tuple[str, ...] = ("against", "for")
CONFIDENCE: tuple[str, ...] = ("high", "medium")

HETEROGENEITY_FEATURES: tuple[str, ...] = (
    "campaigner_agreement",
    "missed_12m",
    "us_treaty_ally",
    "eu",
    *REGION_COLUMNS.values(),
)
"""Member features the shift may vary with: alignment with the campaigner (12-month
agreement with it before the vote), participation (share of roll calls missed over
12 months), US treaty alliance, EU membership, the UN regional group (African Group
the reference)."""

PORTABLE_FEATURES: tuple[str, ...] = ("campaigner_agreement", "missed_12m")
"""Features whose meaning does not depend on who campaigns: the leave-one-out
predictions carry the response to them from one campaigner's episodes to another's."""

GROUPS: dict[str, str] = {
    "all": "all members",
    "us_treaty_ally": "US treaty allies",
    "nato": "NATO",
    "eu": "EU",
    "mnna": "major non-NATO allies",
    "none": "none of these, nor COFA",
}
"""Groups the one-shift fit is repeated on (flags on the vote date)."""

HETEROGENEITY_PENALTY = 0.25
"""Precision of the Gaussian prior (sd 2) on each heterogeneity coefficient, per
within-episode standard deviation of a continuous feature or per unit of an
indicator: it keeps the fit finite when a group has no mover."""

FIRM_YES = -3.0
"""Members whose forecast log-odds of not voting yes is at most this (P(yes) >= 0.95) are
*firm yes*: near-unanimous texts such as the Cuba resolution consist of them."""

MOVER_THRESHOLD = 0.5
"""A member is *at risk* of leaving yes when its forecast P(yes) is at least this."""

LEVEL = 0.8
"""The level of the yes-count intervals of the leave-one-out predictions."""

_NONYES = np.array([c != "yes" for c in OUTCOMES])


# ----------------------------------------------------------------------------- catalogue


def _codes(text: object) -> tuple[str, ...]:
    if not isinstance(text, str) or not text.strip():
        return ()
    return tuple(part.strip() for part in text.split(";") if part.strip())


def load_episodes(path: str | Path | None = None) -> pd.DataFrame:
    """The catalogue of pressure episodes, indexed by ``episode`` (:data:`CATALOGUE_COLUMNS`).

    ``path`` defaults to the shipped ``seeds/episodes.csv``.  ``date`` is
    parsed; ``other_campaigners``, ``principals`` and ``comparison`` become
    tuples.  A missing column, an unknown direction or confidence, a bad date,
    a State that is not the ISO3 code of a UN member (past or present) or
    observer State (checked by :class:`unvote.record.countries.CountryNames`, as
    every list of States), a repeated name or an episode without sources
    raise :class:`~unvote.errors.DataFileError`.

    >>> episodes = load_episodes()
    >>> episodes.loc["hrc-suspension-2022", "comparison"]
    ('A/RES/ES-11/1', 'A/RES/ES-11/2')
    """
    if path is None:
        path = Path(str(files("unvote").joinpath("seeds").joinpath("episodes.csv")))
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise DataFileError(f"{path}: cannot read the episode catalogue ({err})") from None
    missing = [c for c in CATALOGUE_COLUMNS if c not in table.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}")
    table = table[list(CATALOGUE_COLUMNS)].copy()
    names = CountryNames(load_members())
    for line, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{path}, line {line} ({row.episode or 'no name'})"
        if not row.episode or not row.symbol:
            raise DataFileError(f"{where}: episode and symbol are required")
        if row.direction not in DIRECTIONS:
            raise DataFileError(f"{where}: direction must be one of {DIRECTIONS}")
        if row.confidence not in CONFIDENCE:
            raise DataFileError(f"{where}: confidence must be one of {CONFIDENCE}")
        codes = (row.campaigner, *_codes(row.other_campaigners), *_codes(row.principals))
        bad = [c for c in codes if names.code(c) != c]
        if bad or not row.campaigner:
            raise DataFileError(
                f"{where}: not the ISO3 code of a UN member or observer State: "
                f"{bad or 'campaigner missing'}"
            )
        if not row.sources.strip():
            raise DataFileError(f"{where}: an episode needs its sources")
        if pd.isna(pd.to_datetime(row.date, format="%Y-%m-%d", errors="coerce")):
            raise DataFileError(f"{where}: date must be YYYY-MM-DD, not {row.date!r}")
    if table["episode"].duplicated().any():
        raise DataFileError(f"{path}: repeated episode names")
    table["date"] = pd.to_datetime(table["date"], format="%Y-%m-%d")
    for column in ("other_campaigners", "principals", "comparison"):
        table[column] = table[column].map(_codes)
    return table.set_index("episode")


def _call_of(record: Record, symbol: str, episode: str = "") -> int:
    """Position in ``record.calls`` of the vote on a resolution as a whole."""
    calls = record.calls
    hits = np.flatnonzero(
        (calls["resolution"] == symbol).to_numpy()
        & calls["vote_on"].eq("resolution").to_numpy()
        & (calls["identical_to"].fillna("").to_numpy() == "")
    )
    if hits.size == 0:
        where = f"episode {episode!r}: " if episode else ""
        raise UnknownNameError(f"{where}no roll call on {symbol} in the record")
    return int(hits[-1])


def locate_episodes(record: Record, episodes: pd.DataFrame) -> pd.Series:
    """Each episode's position in ``record.calls``, checked against the catalogue.

    Raises :class:`~unvote.errors.UnknownNameError` when an episode, its
    reference or a comparison vote has no roll call in the record, and
    :class:`~unvote.errors.DataFileError` when the catalogue's date is not the
    record's, or a reference or comparison vote is not earlier.

    >>> from unvote.model.features import load_record
    >>> record = load_record()
    >>> calls = locate_episodes(record, load_episodes())
    >>> record.calls["resolution"].iloc[calls["nuclear-ban-2016"]]
    'A/RES/71/258'
    """
    dates = record.calls["date"]
    out = {}
    for name, episode in episodes.iterrows():
        at = _call_of(record, episode["symbol"], str(name))
        if dates.iloc[at] != episode["date"]:
            raise DataFileError(
                f"episode {name!r}: the catalogue dates {episode['symbol']} "
                f"{episode['date']:%Y-%m-%d}, the record {dates.iloc[at]:%Y-%m-%d}"
            )
        earlier = [episode["reference"]] if episode["reference"] else []
        for symbol in [*earlier, *episode["comparison"]]:
            if dates.iloc[_call_of(record, symbol, str(name))] >= episode["date"]:
                raise DataFileError(f"episode {name!r}: {symbol} is not earlier than the episode")
        out[name] = at
    return pd.Series(out, name="call", dtype=np.int64)


# ----------------------------------------------------------------------------- offset fits


@dataclass(frozen=True)
class OffsetFit:
    """A fit of shifts on top of known log-odds: coefficients, covariance, fit statistics.

    ``coef`` and ``se`` are Series over the parameters; ``cov`` their
    covariance (the inverse of the penalised observed information); ``n`` the
    observations, ``loglik`` the log-likelihood at the estimate (prior
    excluded), ``converged`` whether Newton's method met its tolerance.
    """

    coef: pd.Series
    cov: pd.DataFrame
    n: int
    loglik: float
    converged: bool

    @property
    def se(self) -> pd.Series:
        return pd.Series(np.sqrt(np.clip(np.diag(self.cov), 0, None)), index=self.coef.index)


def _penalty_vector(penalty: float | Mapping[str, float], names: Sequence[str]) -> np.ndarray:
    if isinstance(penalty, Mapping):
        return np.array([float(penalty.get(n, 0.0)) for n in names])
    return np.full(len(names), float(penalty))


def _maximise(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]],
    k: int,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Newton's method with step halving on a concave objective.

    ``objective(theta)`` returns the value, the gradient and the Hessian of
    the *negative* curvature (the information).  Returns the maximiser, the
    inverse information there and whether the step fell below ``tol``.
    """
    theta = np.zeros(k)
    value, gradient, information = objective(theta)
    for _ in range(max_iter):
        step = np.linalg.solve(information, gradient)
        # Halve the step until the objective rises: a plain Newton step
        # overshoots when the offsets are far from the data.
        scale = 1.0
        while True:
            candidate = theta + scale * step
            new_value, new_gradient, new_information = objective(candidate)
            if new_value >= value - 1e-12 or scale < 1e-10:
                break
            scale /= 2
        theta, value, gradient, information = candidate, new_value, new_gradient, new_information
        if np.max(np.abs(scale * step)) < tol:
            return theta, np.linalg.inv(information), True
    return theta, np.linalg.inv(information), False


def offset_logit(
    y: np.ndarray | pd.Series,
    offset: np.ndarray | pd.Series,
    x: pd.DataFrame | None = None,
    penalty: float | Mapping[str, float] = 0.0,
    max_iter: int = 100,
    tol: float = 1e-9,
) -> OffsetFit:
    """Fit ``P(y = 1) = sigmoid(offset + x . coef)`` by maximum likelihood (Newton's method).

    ``y`` is 0/1, ``offset`` the known log-odds of each observation, ``x`` the
    design (default: one column ``shift`` of ones, a single shift added to
    every offset).  ``penalty`` is the precision of a Gaussian prior centred
    on 0 on each coefficient (a number, or a mapping column -> precision,
    absent columns unpenalised).  Raises :class:`~unvote.errors.UnvoteError`
    when an unpenalised fit cannot be identified (``y`` all 0 or all 1).

    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(-2, 1, 20000)
    >>> y = rng.random(20000) < 1 / (1 + np.exp(-(a + 1.5)))
    >>> fit = offset_logit(y, a)
    >>> bool(abs(fit.coef["shift"] - 1.5) < 3 * fit.se["shift"])
    True
    """
    y = np.asarray(y, dtype=float)
    offset = np.asarray(offset, dtype=float)
    if x is None:
        x = pd.DataFrame({"shift": np.ones(len(y))})
    design = x.to_numpy(dtype=float)
    if not (len(y) == len(offset) == len(design)):
        raise ValueError("y, offset and x must have the same length")
    if not (np.isfinite(offset).all() and np.isfinite(design).all()):
        raise ValueError("offsets and the design must be finite")
    prior = _penalty_vector(penalty, list(x.columns))
    if (prior == 0).any() and (y.min() == y.max()):
        raise UnvoteError("every outcome is the same: the shift is not identified")

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        eta = offset + design @ theta
        p = 1.0 / (1.0 + np.exp(-eta))
        loglik = np.sum(-y * np.logaddexp(0, -eta) - (1 - y) * np.logaddexp(0, eta))
        value = float(loglik - 0.5 * np.sum(prior * theta**2))
        gradient = design.T @ (y - p) - prior * theta
        information = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(prior)
        return value, gradient, information

    theta, cov, converged = _maximise(objective, design.shape[1], max_iter, tol)
    eta = offset + design @ theta
    loglik = float(np.sum(-y * np.logaddexp(0, -eta) - (1 - y) * np.logaddexp(0, eta)))
    names = list(x.columns)
    return OffsetFit(
        coef=pd.Series(theta, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names),
        n=len(y),
        loglik=loglik,
        converged=converged,
    )


VOTE_AND_ABSENCE: dict[str, tuple[str, ...]] = {"vote": ("abstain", "no"), "absence": ("absent",)}
"""The shifts a scenario applies: ``vote`` on abstain and no, ``absence`` on absent (vs yes)."""

EACH_OUTCOME: dict[str, tuple[str, ...]] = {c: (c,) for c in SHIFTED_OUTCOMES}


def offset_multinomial(
    outcome: np.ndarray | pd.Series,
    eta: np.ndarray | pd.DataFrame,
    shifts: Mapping[str, Sequence[str]] = VOTE_AND_ABSENCE,
    penalty: float = 0.0,
    max_iter: int = 100,
    tol: float = 1e-9,
    x: pd.DataFrame | None = None,
) -> OffsetFit:
    """Shifts of the multinomial log-odds against yes, on top of known ones.

    ``outcome`` holds the votes (labels ``yes, abstain, no, absent`` or codes
    0-3); ``eta`` the known log-odds of abstain, no and absent against yes
    (n x 3, e.g. :meth:`unvote.model.estimator.VoteModel.linear_predictor`); ``shifts``
    maps each parameter to the outcomes whose log-odds it moves (default: a
    ``vote`` shift on abstain and no, an ``absence`` shift on absent, as a
    scenario's channels do).  Outcomes in no list keep their log-odds.
    ``x`` (one column a parameter, one row a member) scales each parameter's
    shift member by member, as a scenario's channel does with its selection
    and response (:func:`channel_strengths`); by default every member gets it whole.

    >>> eta = np.zeros((4, 3))
    >>> fit = offset_multinomial(np.array(["yes", "yes", "abstain", "absent"]), eta)
    >>> fit.coef.round(3).to_dict()
    {'vote': -1.386, 'absence': -0.693}
    """
    values = np.asarray(outcome)
    if values.dtype.kind in "OUS":
        lookup = {c: i for i, c in enumerate(OUTCOMES)}
        unknown = set(values.tolist()) - set(lookup)
        if unknown:
            raise ValueError(f"unknown outcomes: {sorted(map(str, unknown))}")
        codes = np.array([lookup[v] for v in values])
    else:
        codes = values.astype(int)
    eta = np.asarray(eta, dtype=float)
    if eta.shape != (len(codes), len(SHIFTED_OUTCOMES)):
        raise ValueError(f"eta must be {len(codes)} x {len(SHIFTED_OUTCOMES)}")
    names = list(shifts)
    moves = np.zeros((len(SHIFTED_OUTCOMES), len(names)))
    for k, name in enumerate(names):
        for label in shifts[name]:
            if label not in SHIFTED_OUTCOMES:
                raise ValueError(f"shift {name!r}: {label!r} is not among {SHIFTED_OUTCOMES}")
            moves[SHIFTED_OUTCOMES.index(label), k] = 1.0
    if x is None:
        scale = np.ones((len(codes), len(names)))
    else:
        if list(x.columns) != names or len(x) != len(codes):
            raise ValueError(f"x must have a column for each of {names} and a row a member")
        scale = x.to_numpy(dtype=float)
        if not np.isfinite(scale).all():
            raise ValueError("x must be finite")
    # design[i, o, k]: how much parameter k moves member i's log-odds of outcome o.
    design = moves[None, :, :] * scale[:, None, :]
    onehot = (codes[:, None] == np.arange(1, len(OUTCOMES))[None, :]).astype(float)
    prior = np.full(len(names), float(penalty))
    for k in range(len(names)):
        if prior[k] == 0 and (onehot * design[:, :, k]).any(axis=1).sum() == 0:
            raise UnvoteError(f"no {'/'.join(shifts[names[k]])} vote: shift not identified")

    rows = np.arange(len(codes))

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        p_all = softmax_against_reference(eta + design @ theta)
        loglik = np.sum(np.log(np.clip(p_all[rows, codes], 1e-300, None)))
        p = p_all[:, 1:]
        gradient = np.einsum("iok,io->k", design, onehot - p) - prior * theta
        # Each member's information on its three log-odds: diag(p) - p p'.
        weights = p[:, :, None] * np.eye(p.shape[1])[None] - p[:, :, None] * p[:, None, :]
        information = np.einsum("iok,iop,ipl->kl", design, weights, design)
        value = float(loglik - 0.5 * np.sum(prior * theta**2))
        return value, gradient, information + np.diag(prior)

    theta, cov, converged = _maximise(objective, len(names), max_iter, tol)
    p = softmax_against_reference(eta + design @ theta)
    loglik = float(np.sum(np.log(p[rows, codes])))
    return OffsetFit(
        coef=pd.Series(theta, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names),
        n=len(codes),
        loglik=loglik,
        converged=converged,
    )


# ----------------------------------------------------------------------------- episode rows


def fit_episode_model(
    record: Record, date: pd.Timestamp | str, window: int = 15, **params: object
) -> VoteModel:
    """The pooled vote model fitted on the ``window`` sessions up to ``date``, through the eve.

    Only roll calls dated before ``date`` are described (rolling features), so
    nothing of the vote day enters.  ``params`` go to :class:`VoteModel`.

    The fit is cached on disk (:mod:`unvote.model.cache`) as the forecasts'
    fits are (:func:`unvote.model.fitting.fitted_model`), keyed by the data and
    the code of the fitting layers and of this module, by ``record``'s own
    votes (:attr:`~unvote.model.features.Record.version`: a record changed in
    memory gets fits of its own), the day and the parameters: a fit of the
    full window takes a minute, a second estimate of the same episode none.
    """
    day = pd.Timestamp(date)
    estimator = VoteModel(window=window, **params)
    through = day - pd.Timedelta(days=1)
    key = {
        **model_key(estimator, through, cache.data_version()),
        "code": cache.code_version(*cache.FITTING_LAYERS, "campaigns"),
        "record": record.version,
    }
    saved = cached_model(key, "episode-model")
    if saved is not None:
        return saved
    with cache.building("episode-model", key):  # another process fitting it is waited for
        saved = cached_model(key, "episode-model")
        if saved is not None:
            return saved
        fitted = _fit_episode_model(record, day, estimator)
        cache.store("episode-model", key, fitted.to_dict())
        return fitted


def _fit_episode_model(record: Record, day: pd.Timestamp, estimator: VoteModel) -> VoteModel:
    window = estimator.window
    calls = record.calls
    before = calls["date"] < day
    if not before.any():
        raise UnvoteError(f"no roll call before {day:%Y-%m-%d} to fit the model on")
    last = int(calls.loc[before, "session"].max())
    which = before & (calls["session"] > last - window)
    targets = recorded_targets(record, which)
    rows = feature_rows(record, targets)
    rows.insert(2, "session", rows["id"].map(calls.set_index("id")["session"]).to_numpy())
    return estimator.fit(rows, through=day - pd.Timedelta(days=1))


def _comparison_shares(record: Record, symbols: Sequence[str], iso3: pd.Index) -> pd.DataFrame:
    """Each member's votes cast or missed at the comparison votes: how many, how many not yes."""
    positions = [_call_of(record, s) for s in symbols]
    codes = record.codes[positions][:, record.countries.get_indexer(iso3)]
    member = codes >= 0
    return pd.DataFrame(
        {
            "comparison_n": member.sum(axis=0),
            "comparison_nonyes": (member & (codes != 0)).sum(axis=0),
            "comparison_yes": (codes == 0).sum(axis=0),
        },
        index=iso3,
    )


def episode_rows(
    record: Record, episode: pd.Series, model: VoteModel, call: int | None = None
) -> pd.DataFrame:
    """One row a member at the episode, indexed by ISO3, with what the estimates need.

    ``episode`` is a row of :func:`load_episodes` (its name the episode);
    ``model`` fitted before the vote (:func:`fit_episode_model`).  The
    campaigner, other campaigners and principals are left out.  Columns:
    ``vote``; ``nonyes`` and ``absent`` (0/1); ``eta_abstain, eta_no,
    eta_absent`` (the model's log-odds against yes, rolling features, as a vote
    on the reference text when there is one, no shock); ``a`` the log-odds of
    not voting yes and ``p_yes``; :data:`HETEROGENEITY_FEATURES` with
    ``campaigner_agreement``; the group flags (``nato``, ``mnna``, ``cofa``, and
    ``us_ally``: a US treaty ally, major non-NATO ally or Compact state);
    ``un_group``; ``comparison_n, comparison_nonyes, comparison_yes``; and
    the other columns of :data:`unvote.model.features.MODEL_FEATURES`, so that a
    scenario's channels select members here as they would in a forecast
    (:func:`channel_groups`, :func:`channel_strengths`).
    """
    if call is None:
        call = _call_of(record, episode["symbol"], str(episode.name))
    targets = recorded_targets(record, np.arange(len(record.calls)) == call)
    if episode["reference"]:
        reference = _call_of(record, episode["reference"], str(episode.name))
        targets = targets.assign(item=record.calls["item"].iloc[reference])
    rows = feature_rows(record, targets).set_index("iso3")
    left_out = {episode["campaigner"], *episode["other_campaigners"], *episode["principals"]}
    rows = rows[~rows.index.isin(left_out)]
    eta = model.linear_predictor(rows)
    a = np.logaddexp.reduce(eta.to_numpy(), axis=1)
    out = pd.DataFrame(
        {
            "vote": rows["vote"].astype(str),
            "nonyes": (rows["vote"] != "yes").astype(float),
            "absent": (rows["vote"] == "absent").astype(float),
            **{f"eta_{c}": eta[c] for c in SHIFTED_OUTCOMES},
            "a": a,
            "p_yes": 1.0 / (1.0 + np.exp(a)),
        },
        index=rows.index,
    )
    eve = targets["tau"].iloc[0] - pd.Timedelta(days=1)
    agreement = agreement_with(record, episode["campaigner"], eve).rename("campaigner_agreement")
    out["campaigner_agreement"] = agreement.reindex(rows.index).to_numpy()
    for column in [c for c in HETEROGENEITY_FEATURES if c != "campaigner_agreement"]:
        out[column] = rows[column]
    for column in ("nato", "mnna", "cofa"):
        out[column] = rows[column]
    out["us_ally"] = out[["us_treaty_ally", "mnna", "cofa"]].max(axis=1)
    out["un_group"] = rows["un_group"]
    # Every feature a scenario's selector or response may name, as of the eve of the vote.
    for column in [c for c in MODEL_FEATURES if c not in out.columns]:
        out[column] = rows[column]
    comparison = _comparison_shares(record, episode["comparison"], rows.index)
    return out.join(comparison)


# ----------------------------------------------------------------------------- estimates


def _standardised(rows: pd.DataFrame, features: Sequence[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Features centred on the episode's mean; continuous ones divided by their sd.

    Returns the design and the scale of each column (1 for an indicator).
    """
    z = rows[list(features)].astype(float)
    centred = z - z.mean()
    scale = pd.Series(1.0, index=z.columns)
    for column in z.columns:
        if z[column].nunique() > 2 and z[column].std() > 0:
            scale[column] = z[column].std()
    return centred / scale, scale


OUTCOME_KINDS: tuple[str, ...] = ("nonyes", "vote", "absence")
"""What a shift is fitted on: ``nonyes`` the log-odds of not voting yes (all members);
``vote`` of abstaining or voting no against yes (members that were present); ``absence``
of being absent against yes (members that voted yes or were absent).  The last two are
the conditional forms of a scenario's vote and absence shifts."""


def binary_view(rows: pd.DataFrame, outcome: str = "nonyes") -> tuple[pd.DataFrame, pd.Series]:
    """The rows and the offset of a binary fit of one :data:`OUTCOME_KINDS` (``y`` in column ``y``).

    >>> rows = pd.DataFrame({"vote": ["yes", "absent", "no"], "eta_abstain": 0.0,
    ...     "eta_no": 0.0, "eta_absent": 0.0, "a": np.log(3), "nonyes": [0.0, 1.0, 1.0]})
    >>> sub, offset = binary_view(rows, "absence")
    >>> sub["y"].tolist(), offset.round(3).tolist()
    ([0.0, 1.0], [0.0, 0.0])
    """
    if outcome == "nonyes":
        sub = rows.assign(y=rows["nonyes"])
        return sub, sub["a"]
    if outcome == "vote":
        sub = rows[rows["vote"] != "absent"]
        sub = sub.assign(y=(sub["vote"] != "yes").astype(float))
        return sub, pd.Series(np.logaddexp(sub["eta_abstain"], sub["eta_no"]), index=sub.index)
    if outcome == "absence":
        sub = rows[rows["vote"].isin(["yes", "absent"])]
        sub = sub.assign(y=(sub["vote"] == "absent").astype(float))
        return sub, sub["eta_absent"]
    raise ValueError(f"outcome must be one of {OUTCOME_KINDS}, not {outcome!r}")


def heterogeneity(
    rows: pd.DataFrame,
    features: Sequence[str] = HETEROGENEITY_FEATURES,
    penalty: float = HETEROGENEITY_PENALTY,
    outcome: str = "nonyes",
) -> pd.DataFrame:
    """The shift as a function of member features: ``sigmoid(a_i + delta0 + b . z_i)``.

    ``z`` is centred on the episode's members, so ``delta0`` is the shift at
    the average member (close to the one-shift estimate).  Returns one row a
    term (``shift`` first) with ``coef`` and ``se`` in natural units (per unit
    of the feature: an agreement of 1 against 0, a share of roll calls missed
    of 1 against 0, a member of the group against a non-member) and
    ``per_sd``, the coefficient per within-episode standard deviation for the
    continuous features.  Features constant over the episode's members are
    dropped.  ``penalty`` is the prior precision on ``b`` (per sd / per unit);
    ``outcome`` one of :data:`OUTCOME_KINDS`.
    """
    sub, offset = binary_view(rows, outcome)
    usable = [f for f in features if sub[f].nunique() > 1]
    design, scale = _standardised(sub, usable)
    design.insert(0, "shift", 1.0)
    fit = offset_logit(sub["y"], offset, design, penalty={f: penalty for f in usable}, max_iter=200)
    natural = pd.concat([pd.Series({"shift": 1.0}), scale])
    means = pd.concat([pd.Series({"shift": np.nan}), sub[usable].mean()])
    table = pd.DataFrame(
        {
            "coef": fit.coef / natural,
            "se": fit.se / natural,
            "per_sd": fit.coef.where(natural != 1.0),
            "mean": means,
        }
    )
    return table.loc[fit.coef.index]


def response_function(
    rows: Mapping[str, pd.DataFrame],
    feature: str,
    shock_sd: Mapping[str, float],
    outcome: str = "nonyes",
    select: str | None = None,
    center: float | None = None,
    penalty: float = 0.0,
) -> pd.Series:
    """A shift linear in one feature, ``shift_i = a + b (x_i - center)``, over several episodes.

    ``rows`` maps episodes to :func:`episode_rows`; each episode keeps its own
    level and all share the slope ``b`` (natural units of ``feature``), fitted
    jointly.  The level at ``center`` (default: the mean of the feature over
    the rows used) is the random-effects mean of the episodes' levels, each
    with its roll-call shock (``shock_sd``, by episode) added to its variance
    (:func:`pool_shifts`).  ``select`` names a 0/1 column restricting the
    members (e.g. ``us_treaty_ally``).  Returns ``a``, ``a_se``, ``tau``
    (spread of the levels between campaigns beyond the shock), ``b``, ``b_se``,
    ``center``, ``n``, ``k`` and ``x_low`` / ``x_high`` (10th and 90th
    percentiles of the feature over the rows used).
    """
    blocks, ys, offsets, names = [], [], [], list(rows)
    for name in names:
        sub, offset = binary_view(rows[name], outcome)
        if select is not None:
            keep = sub[select].astype(bool)
            sub, offset = sub[keep], offset[keep]
        blocks.append(sub.assign(_episode=name))
        ys.append(sub["y"].to_numpy())
        offsets.append(offset.to_numpy())
    data = pd.concat(blocks)
    if center is None:
        center = float(data[feature].mean())
    x = pd.DataFrame({f"level:{n}": (data["_episode"] == n).astype(float) for n in names})
    x[feature] = data[feature].to_numpy() - center
    x.index = range(len(x))
    fit = offset_logit(np.concatenate(ys), np.concatenate(offsets), x, penalty={feature: penalty})
    levels = [f"level:{n}" for n in names]
    pooled = pool_shifts(
        fit.coef[levels].to_numpy(),
        fit.se[levels].to_numpy() ** 2 + np.array([shock_sd[n] for n in names]) ** 2,
    )
    return pd.Series(
        {
            "a": pooled["mean"],
            "a_se": pooled["se"],
            "tau": math.sqrt(pooled["tau2"]),
            "b": float(fit.coef[feature]),
            "b_se": float(fit.se[feature]),
            "center": center,
            "n": float(len(data)),
            "k": float(len(names)),
            "x_low": float(data[feature].quantile(0.1)),
            "x_high": float(data[feature].quantile(0.9)),
        }
    )


def _one_shift(rows: pd.DataFrame) -> tuple[float, float]:
    if len(rows) == 0 or rows["nonyes"].nunique() < 2:
        return float("nan"), float("nan")
    fit = offset_logit(rows["nonyes"], rows["a"])
    return float(fit.coef["shift"]), float(fit.se["shift"])


def _jeffreys_log_odds(k: pd.Series, n: pd.Series) -> pd.Series:
    return np.log((k + 0.5) / (n - k + 0.5))


def _eta(rows: pd.DataFrame) -> np.ndarray:
    return rows[[f"eta_{c}" for c in SHIFTED_OUTCOMES]].to_numpy(dtype=float)


def estimate_episode(rows: pd.DataFrame, shock_sd: float) -> pd.Series:
    """The shifts of one episode, from :func:`episode_rows`.

    Returns ``n_members``; ``yes_observed`` and ``yes_expected`` (the sum of
    the forecast P(yes): what the vote would have been without the campaign,
    on a typical roll call); ``delta`` (one shift of the log-odds of not
    voting yes), ``se_sampling`` (members as observations) and ``se_total``
    (with the roll-call shock, ``shock_sd``); ``z_total`` = delta / se_total;
    ``vote_shift`` and ``absence_shift`` (the multinomial shifts on
    abstain+no and on absent) with ``_se``; ``abstain_shift``, ``no_shift``
    (each outcome its own shift); ``delta_comparison`` and ``_se``: the one
    shift against the members' own votes at the comparison votes (log-odds
    of their not-yes share, half a vote added each side) instead of the
    model; ``delta_firm_yes`` and ``_se``: the one shift among the members
    the model gave at least 95 % to vote yes (:data:`FIRM_YES`), with
    ``n_firm_yes`` and ``moved_firm_yes``; ``baseline_slope`` and ``_se``: how
    the shift changes per unit of ``a_i`` (``sigmoid(a + d + c (a - mean a))``;
    0 when the shift is the same at every baseline); ``shock_sd``.
    """
    one = offset_logit(rows["nonyes"], rows["a"])
    delta, se = float(one.coef["shift"]), float(one.se["shift"])
    two = offset_multinomial(rows["vote"], _eta(rows), VOTE_AND_ABSENCE)
    three = offset_multinomial(rows["vote"], _eta(rows), EACH_OUTCOME)
    seen = rows[rows["comparison_n"] > 0]
    empirical = _jeffreys_log_odds(seen["comparison_nonyes"], seen["comparison_n"])
    versus = offset_logit(seen["nonyes"], empirical)
    firm = rows[rows["a"] <= FIRM_YES]
    firm_delta, firm_se = _one_shift(firm)
    centred = pd.DataFrame({"shift": 1.0, "slope": rows["a"] - rows["a"].mean()})
    slope = offset_logit(rows["nonyes"], rows["a"], centred)
    total = math.sqrt(se**2 + shock_sd**2)
    return pd.Series(
        {
            "n_members": len(rows),
            "yes_observed": int((rows["vote"] == "yes").sum()),
            "yes_expected": float(rows["p_yes"].sum()),
            "delta": delta,
            "se_sampling": se,
            "se_total": total,
            "z_total": delta / total,
            "vote_shift": float(two.coef["vote"]),
            "vote_shift_se": float(two.se["vote"]),
            "absence_shift": float(two.coef["absence"]),
            "absence_shift_se": float(two.se["absence"]),
            "abstain_shift": float(three.coef["abstain"]),
            "abstain_shift_se": float(three.se["abstain"]),
            "no_shift": float(three.coef["no"]),
            "no_shift_se": float(three.se["no"]),
            "delta_comparison": float(versus.coef["shift"]),
            "delta_comparison_se": float(versus.se["shift"]),
            "n_firm_yes": len(firm),
            "moved_firm_yes": int(firm["nonyes"].sum()),
            "delta_firm_yes": firm_delta,
            "delta_firm_yes_se": firm_se,
            "baseline_slope": float(slope.coef["slope"]),
            "baseline_slope_se": float(slope.se["slope"]),
            "shock_sd": float(shock_sd),
        }
    )


def group_shifts(rows: pd.DataFrame) -> pd.DataFrame:
    """The shifts within each of :data:`GROUPS`: one shift, and the vote and absence shifts.

    NaN where the group gives no information: nobody (or everybody) left yes,
    or no member cast that kind of vote (the other shift is then fitted with
    it held at the model's forecast).
    """
    allied = rows[["us_treaty_ally", "eu", "mnna", "cofa"]].astype(bool).any(axis=1)
    masks = {
        "all": pd.Series(True, index=rows.index),
        "us_treaty_ally": rows["us_treaty_ally"] == 1,
        "nato": rows["nato"] == 1,
        "eu": rows["eu"] == 1,
        "mnna": rows["mnna"] == 1,
        "none": ~allied,
    }
    return pd.DataFrame([_group_row(group, rows[mask]) for group, mask in masks.items()])


def _group_row(group: str, sub: pd.DataFrame) -> dict[str, object]:
    """One shift, and the vote and absence shifts, of the members ``sub`` (one row of a table)."""
    delta, se = _one_shift(sub)
    cast = set(sub["vote"])
    identified = {name: labels for name, labels in VOTE_AND_ABSENCE.items() if cast & set(labels)}
    shifts = {f"{name}_shift{end}": np.nan for name in VOTE_AND_ABSENCE for end in ("", "_se")}
    if identified and "yes" in cast:
        # Shifts fitted jointly; one with no vote of its kind in the group stays at the model.
        fit = offset_multinomial(sub["vote"], _eta(sub), identified)
        for name in identified:
            shifts[f"{name}_shift"] = float(fit.coef[name])
            shifts[f"{name}_shift_se"] = float(fit.se[name])
    return {
        "group": group,
        "n": len(sub),
        "yes_expected": float(sub["p_yes"].sum()),
        "yes_observed": int((sub["vote"] == "yes").sum()),
        "delta": delta,
        "se_sampling": se,
        **shifts,
    }


NO_CHANNEL = "no channel"
"""The group of :func:`channel_groups` that holds the members no channel selects."""


def channel_shapes(rows: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Members x channels: each channel's shift per unit of strength at the episode.

    0 for a member the channel does not select, 1 for one it does (or the
    factor of its response): the shape :meth:`unvote.scenarios.scenario.Scenario.offsets`
    multiplies by the strength.  ``rows`` are :func:`episode_rows`, whose
    features are those of the eve of the vote; the campaigner is never a target.
    """
    chosen = scenario.selected(rows)
    return pd.DataFrame(
        {
            c.name: c.shape(rows, chosen[c.name], scenario.campaigner).to_numpy()
            for c in scenario.channels
        },
        index=rows.index,
    )


def channel_groups(rows: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The shifts among the members each channel of ``scenario`` selects, one group at a time.

    One row a channel, then :data:`NO_CHANNEL` (the members none selects),
    with the columns of :func:`group_shifts`: ``n``, the expected and observed
    yes counts, ``delta`` (one shift) and the vote and absence shifts, each
    fitted on the group's members alone.  Groups overlap, so these shifts do
    not add up: :func:`channel_strengths` fits the channels jointly.
    """
    shapes = channel_shapes(rows, scenario) > 0
    groups = {name: shapes[name] for name in shapes.columns}
    groups[NO_CHANNEL] = ~shapes.any(axis=1)
    out = []
    for group, mask in groups.items():
        if mask.any():
            out.append(_group_row(group, rows[mask]))
        else:
            out.append({"group": group, "n": 0})
    return pd.DataFrame(out).reindex(columns=list(_group_row("all", rows)))


def channel_strengths(rows: pd.DataFrame, scenario: Scenario) -> OffsetFit:
    """The strengths of ``scenario``'s channels that fit the episode best, jointly.

    Each channel is one parameter: a shift of the log-odds its kind acts on
    (``vote``: abstain and no; ``absence``: absent), times the member's shape
    (:func:`channel_shapes`), and the shifts of several channels on a member
    add up, exactly as a scenario applies them; so the coefficients are the
    fixed strengths under which that scenario would have fitted the vote
    best (maximum likelihood on top of the model's forecast).  Members no
    channel selects keep the forecast.  A channel that selects nobody, or
    whose members cast no vote of its kind, is left out of the fit (and of
    the result).

    Two members selected, forecast to abstain at log-odds -2, one of which did:

    >>> rows = pd.DataFrame({"vote": ["yes", "abstain", "yes"], "eta_abstain": -2.0,
    ...     "eta_no": -40.0, "eta_absent": -40.0, "eu": [1.0, 1.0, 0.0]}, index=["A", "B", "C"])
    >>> from unvote.scenarios.scenario import Channel
    >>> eu = Scenario("eu", "", (Channel("eu", "", select={"eu": True}, strength=1.0),))
    >>> round(float(channel_strengths(rows, eu).coef["eu"]), 3)
    2.0
    """
    shapes = channel_shapes(rows, scenario)
    cast = rows["vote"].to_numpy()
    kinds = {c.name: c.acts_on for c in scenario.channels}
    usable = [
        name
        for name in shapes.columns
        if np.isin(cast[shapes[name].to_numpy() > 0], kinds[name]).any()
    ]
    if not usable:
        raise UnvoteError(f"no channel of {scenario.name!r} has a vote of its kind to fit")
    return offset_multinomial(
        rows["vote"], _eta(rows), {name: kinds[name] for name in usable}, x=shapes[usable]
    )


def describe_episode(rows: pd.DataFrame) -> pd.Series:
    """The episode against the comparison votes, in counts (no model).

    ``usual_yes``: members that voted yes at every comparison vote they were
    members for; ``left_yes`` of them, how many did not vote yes at the
    episode (``to_abstain``, ``to_no``, ``to_absent``); ``came_to_yes``:
    members that never voted yes at the comparison votes and did at the
    episode; ``comparison_nonyes_share`` (each member's share averaged) and
    ``episode_nonyes_share`` over the same members.
    """
    seen = rows[rows["comparison_n"] > 0]
    usual = seen[seen["comparison_yes"] == seen["comparison_n"]]
    never = seen[seen["comparison_yes"] == 0]
    left = usual[usual["vote"] != "yes"]
    return pd.Series(
        {
            "members_compared": len(seen),
            "comparison_votes": int(seen["comparison_n"].max()) if len(seen) else 0,
            "comparison_nonyes_share": float(
                (seen["comparison_nonyes"] / seen["comparison_n"]).mean()
            ),
            "episode_nonyes_share": float(seen["nonyes"].mean()),
            "usual_yes": len(usual),
            "left_yes": len(left),
            "to_abstain": int((left["vote"] == "abstain").sum()),
            "to_no": int((left["vote"] == "no").sum()),
            "to_absent": int((left["vote"] == "absent").sum()),
            "came_to_yes": int((never["vote"] == "yes").sum()),
        }
    )


# ----------------------------------------------------------------------------- pooling and LOEO


def pool_shifts(estimates: Sequence[float], variances: Sequence[float]) -> pd.Series:
    """Random-effects mean of episode shifts (DerSimonian-Laird).

    ``variances`` should be the *total* ones (sampling plus the roll-call
    shock), so that ``tau2``, the variance left between campaigns, is what
    the shock does not explain.  Returns ``mean``, ``se`` (of the mean),
    ``tau2``, ``q`` (Cochran's heterogeneity statistic) and ``k``.

    >>> pool_shifts([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]).round(3).to_dict()
    {'mean': 2.0, 'se': 0.577, 'tau2': 0.0, 'q': 2.0, 'k': 3.0}
    """
    d = np.asarray(estimates, dtype=float)
    v = np.asarray(variances, dtype=float)
    if len(d) == 0 or len(d) != len(v) or not (v > 0).all():
        raise ValueError("need at least one estimate, each with a positive variance")
    w = 1.0 / v
    fixed = float(np.sum(w * d) / w.sum())
    q = float(np.sum(w * (d - fixed) ** 2))
    c = float(w.sum() - np.sum(w**2) / w.sum())
    tau2 = max(0.0, (q - (len(d) - 1)) / c) if c > 0 else 0.0
    w_star = 1.0 / (v + tau2)
    return pd.Series(
        {
            "mean": float(np.sum(w_star * d) / w_star.sum()),
            "se": float(math.sqrt(1.0 / w_star.sum())),
            "tau2": tau2,
            "q": q,
            "k": float(len(d)),
        }
    )


def auc(score: np.ndarray | pd.Series, outcome: np.ndarray | pd.Series) -> float:
    """Area under the ROC curve: P(score of a random positive > that of a random negative).

    Ties count a half; NaN without positives or negatives.

    >>> auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    """
    s = pd.Series(np.asarray(score, dtype=float))
    y = np.asarray(outcome, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = s.rank(method="average").to_numpy()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _yes_probability(eta: np.ndarray, shift: np.ndarray | float) -> np.ndarray:
    """P(yes) after adding ``shift`` to every non-yes log-odds."""
    a = np.logaddexp.reduce(eta, axis=1) + shift
    return 1.0 / (1.0 + np.exp(a))


def expected_yes(rows: pd.DataFrame, shift: np.ndarray | float = 0.0) -> float:
    """Expected yes count at the episode with ``shift`` added to each member's non-yes log-odds.

    >>> rows = pd.DataFrame({"eta_abstain": [0.0], "eta_no": [-50.0], "eta_absent": [-50.0]})
    >>> expected_yes(rows), round(expected_yes(rows, np.log(3)), 3)
    (0.5, 0.25)
    """
    return float(_yes_probability(_eta(rows), shift).sum())


def _stacked_slopes(
    episodes: Mapping[str, pd.DataFrame], features: Sequence[str], penalty: float
) -> pd.Series:
    """Common slopes ``b`` over several episodes, each with its own intercept (per-sd units)."""
    blocks, ys, offsets = [], [], []
    for name, rows in episodes.items():
        design, _ = _standardised(rows, features)
        for other in episodes:
            design[f"shift:{other}"] = float(other == name)
        blocks.append(design)
        ys.append(rows["nonyes"].to_numpy())
        offsets.append(rows["a"].to_numpy())
    x = pd.concat(blocks, ignore_index=True).fillna(0.0)
    fit = offset_logit(
        np.concatenate(ys),
        np.concatenate(offsets),
        x,
        penalty={f: penalty for f in features},
        max_iter=200,
    )
    return fit.coef[list(features)]


def loeo(
    rows: Mapping[str, pd.DataFrame],
    estimates: pd.DataFrame,
    features: Sequence[str] = PORTABLE_FEATURES,
    penalty: float = HETEROGENEITY_PENALTY,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Leave-one-episode-out predictions of each episode from the others alone.

    ``rows`` maps each episode to its :func:`episode_rows`; ``estimates`` is
    indexed by episode with ``delta``, ``se_total`` and ``shock_sd``
    (:func:`estimate_episode`).  For each episode the others give the shift
    (their random-effects mean, :func:`pool_shifts`) and the slopes on
    ``features`` (fitted jointly, each episode its own intercept, features
    standardised within each episode), so member ``i`` is predicted a shift
    ``delta_i = mean + b . z_i``.  One row an episode:

    * ``yes_expected``: E[yes] with no campaign; ``yes_observed``;
    * ``lost_observed`` = yes_expected - yes_observed, and the predicted loss
      ``lost_uniform`` (one shift for all) and ``lost_predicted`` (``delta_i``),
      with ``lost_low`` / ``lost_high``, the ``level`` interval of the loss:
      the yes count's exact distribution, mixed over the uncertainty of the
      shift (the pooled mean's se, the spread between campaigns, the
      episode's own roll-call shock); ``inside`` whether the observed loss is in it;
    * ``at_risk`` (members with forecast P(yes) >= :data:`MOVER_THRESHOLD`)
      and ``movers`` (of them, those that did not vote yes); the AUC of three
      rankings of the movers among the members at risk: ``auc_history`` (the
      forecast alone: "likely to change anyway"), ``auc_uniform`` and
      ``auc_predicted`` (the increase of P(leave yes) that one shift / the
      shifts ``delta_i`` cause: "moved by the campaign").

    Needs at least three episodes.
    """
    names = list(rows)
    if len(names) < 3:
        raise ValueError("leave-one-out needs at least three episodes")
    out = []
    for name in names:
        others = [n for n in names if n != name]
        pooled = pool_shifts(estimates.loc[others, "delta"], estimates.loc[others, "se_total"] ** 2)
        slopes = _stacked_slopes({n: rows[n] for n in others}, features, penalty)
        mine = rows[name]
        design, _ = _standardised(mine, features)
        shift = pooled["mean"] + design.to_numpy() @ slopes.to_numpy()
        eta = _eta(mine)
        base = _yes_probability(eta, 0.0)
        spread = math.sqrt(
            pooled["se"] ** 2 + pooled["tau2"] + float(estimates.loc[name, "shock_sd"]) ** 2
        )
        shifted = softmax_against_reference(eta + shift[:, None])
        probs = pd.DataFrame(shifted, columns=["p_yes", "p_abstain", "p_no", "p_absent"])
        low, high = interval(count_distribution(probs, "yes", shock_sd=spread), level)
        observed = int((mine["vote"] == "yes").sum())
        risk = base >= MOVER_THRESHOLD
        moved = (mine["vote"] != "yes").to_numpy()
        uniform = _yes_probability(eta, pooled["mean"])
        predicted = _yes_probability(eta, shift)
        out.append(
            {
                "episode": name,
                "delta_pooled": pooled["mean"],
                "delta_pooled_se": pooled["se"],
                "tau": math.sqrt(pooled["tau2"]),
                "delta_observed": float(estimates.loc[name, "delta"]),
                "yes_expected": float(base.sum()),
                "yes_observed": observed,
                "lost_observed": float(base.sum()) - observed,
                "lost_uniform": float(base.sum() - uniform.sum()),
                "lost_predicted": float(base.sum() - predicted.sum()),
                "lost_low": float(base.sum()) - high,
                "lost_high": float(base.sum()) - low,
                "inside": bool(low <= observed <= high),
                "at_risk": int(risk.sum()),
                "movers": int((risk & moved).sum()),
                "auc_history": auc(-base[risk], moved[risk]),
                "auc_uniform": auc((base - uniform)[risk], moved[risk]),
                "auc_predicted": auc((base - predicted)[risk], moved[risk]),
                **{f"slope_{f}": float(slopes[f]) for f in features},
            }
        )
    return pd.DataFrame(out).set_index("episode")
