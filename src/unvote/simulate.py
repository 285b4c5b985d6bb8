"""The distribution of the vote counts, given each member's outcome probabilities.

Members vote independently given a scenario, so the count of each outcome is
Poisson-binomial and the (yes, no) counts jointly Poisson-multinomial: both are
computed *exactly* here by dynamic programming over the members, with no Monte
Carlo noise.  Random draws remain available for what the exact route cannot
give: correlated shocks shared by a bloc of countries and per-draw country lists.

Every function takes ``probs``: a DataFrame indexed by ISO3 code with the
columns ``p_yes, p_abstain, p_no, p_absent`` (one row per member, rows summing
to 1).  Outcomes are ordered as in :data:`OUTCOMES` and coded 0-3 in draws.

>>> import pandas as pd
>>> probs = pd.DataFrame(
...     {"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0], "p_no": [0.0, 0.5], "p_absent": 0.0},
...     index=["CUB", "USA"],
... )
>>> marginals(probs)["yes"].tolist()
[0.125, 0.5, 0.375]
>>> interval(marginals(probs)["yes"], 0.8)
(0, 2)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

Outcome = Literal["yes", "abstain", "no", "absent"]

OUTCOMES: tuple[str, ...] = ("yes", "abstain", "no", "absent")
"""The outcomes, in order; a draw codes them 0, 1, 2, 3.  Same order as ``load.VOTE_CATEGORIES``."""

PROB_COLUMNS: tuple[str, ...] = tuple(f"p_{outcome}" for outcome in OUTCOMES)
"""The columns of a probability table, in order."""

SUM_TOLERANCE = 1e-9
"""How far a row of probabilities may sum from 1 before it is an error (it is re-normalised)."""

CDF_TOLERANCE = 1e-12
"""Floating-point slack when comparing a cumulative probability with a target."""

DRAW_CHUNK = 10_000
"""Draws simulated at a time, bounding memory for large ``n_draws``."""


# ----------------------------------------------------------------------------- validation


def check_probs(probs: pd.DataFrame) -> np.ndarray:
    """Validate a probability table and return it as an ``(n, 4)`` float array.

    Rows summing to 1 within :data:`SUM_TOLERANCE` are re-normalised; anything
    else (missing or unexpected columns, duplicate members, non-numbers, NaN,
    values outside [0, 1], rows off 1) raises ``ValueError`` naming the problem.

    >>> check_probs(pd.DataFrame({"p_yes": [1.0], "p_abstain": 0.0, "p_no": 0.0, "p_absent": 0.0},
    ...                          index=["CUB"])).tolist()
    [[1.0, 0.0, 0.0, 0.0]]
    """
    if not isinstance(probs, pd.DataFrame):
        raise TypeError(f"probs must be a pandas DataFrame, not {type(probs).__name__}")
    missing = [c for c in PROB_COLUMNS if c not in probs.columns]
    if missing:
        raise ValueError(
            f"probs lacks column(s) {', '.join(missing)}; expected {', '.join(PROB_COLUMNS)}"
        )
    extra = [str(c) for c in probs.columns if c not in PROB_COLUMNS]
    if extra:
        raise ValueError(
            f"probs has unexpected column(s) {', '.join(extra)}; "
            f"keep only {', '.join(PROB_COLUMNS)}"
        )
    if probs.index.has_duplicates:
        dups = probs.index[probs.index.duplicated()].unique().tolist()
        raise ValueError(f"probs has duplicate member(s) {dups}; give each member one row")
    table = probs[list(PROB_COLUMNS)]
    try:
        values = table.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as err:
        raise ValueError(f"probs must hold numbers only ({err})") from err
    values = np.array(values, dtype=float, copy=True).reshape(len(table), len(PROB_COLUMNS))

    def where(bad: np.ndarray) -> str:
        row, col = np.argwhere(bad)[0]
        return f"{PROB_COLUMNS[col]} of {probs.index[row]!r} is {values[row, col]!r}"

    nan = np.isnan(values)
    if nan.any():
        raise ValueError(f"probs has missing values: {where(nan)}; fill in every probability")
    outside = (values < 0.0) | (values > 1.0)
    if outside.any():
        raise ValueError(f"probabilities must lie in [0, 1]: {where(outside)}")
    totals = values.sum(axis=1)
    off = np.abs(totals - 1.0) > SUM_TOLERANCE
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise ValueError(
            f"each member's probabilities must sum to 1: {probs.index[row]!r} sums to "
            f"{totals[row]!r}"
        )
    if len(values):
        values /= totals[:, None]
    return values


def _check_pmf(pmf: np.ndarray | pd.Series | Iterable[float]) -> np.ndarray:
    """A 1-D non-negative array summing to 1 (within :data:`SUM_TOLERANCE`)."""
    array = np.asarray(pmf, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"pmf must be a non-empty 1-D array, got shape {array.shape}")
    if np.isnan(array).any() or (array < 0).any():
        raise ValueError("pmf must hold non-negative numbers, without NaN")
    if abs(array.sum() - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"pmf must sum to 1, sums to {array.sum()!r}")
    return array


def _check_outcome(outcome: str) -> int:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}")
    return OUTCOMES.index(outcome)


# ----------------------------------------------------------------------------- exact counts


def _poisson_binomial(p: np.ndarray) -> np.ndarray:
    """Pmfs of sums of independent Bernoullis: ``p`` is ``(n, m)``, the result ``(m, n + 1)``.

    Member by member, each pmf is convolved with ``[1 - p, p]``: O(n^2) per column.
    """
    n, m = p.shape
    pmf = np.zeros((m, n + 1))
    pmf[:, 0] = 1.0
    for k in range(n):
        shifted = pmf[:, : k + 1] * p[k][:, None]
        pmf[:, : k + 1] *= (1.0 - p[k])[:, None]
        pmf[:, 1 : k + 2] += shifted
    return pmf


SHOCK_NODES = 21
"""Grid points used to integrate over a shared shock."""

SHOCK_RANGE = 4.5
"""The grid spans this many standard deviations each side of zero."""


def normal_quadrature(n: int = SHOCK_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights with ``sum(w * f(z))`` approximating ``E[f(Z)]``, Z ~ Normal(0, 1).

    An evenly spaced grid over +-4.5 standard deviations weighted by the
    normal density (the trapezoid rule), which converges exponentially fast for
    the smooth integrands here.  Gauss-Hermite nodes integrate the moments as
    well but leave a count pmf lumpy when each node shifts the count by more
    than its spread.  With 21 points the count pmfs of the 2025 forecast agree
    with a 301-point reference to 3e-6 (41 points over +-6: 4e-9, at twice the
    cost), far below the 0.1 % to which they are reported.

    >>> z, w = normal_quadrature()
    >>> round(float(w @ z**2), 3)
    1.0
    """
    nodes = np.linspace(-SHOCK_RANGE, SHOCK_RANGE, n)
    weights = np.exp(-0.5 * nodes**2)
    return nodes, weights / weights.sum()


def shift_nonyes(values: np.ndarray, shift: float) -> np.ndarray:
    """Probabilities after adding ``shift`` to the log-odds of every non-yes outcome vs yes.

    The non-yes outcomes keep their shares of ``1 - p_yes``: this is the shock
    of :func:`draw_votes`, and the year shock of :class:`unvote.model.VoteModel`.

    >>> shift_nonyes(np.array([[0.5, 0.25, 0.25, 0.0]]), np.log(3)).round(3).tolist()
    [[0.25, 0.375, 0.375, 0.0]]
    """
    p_yes = _shocked_yes(_nonyes_log_odds(values), np.full((1, len(values)), shift))[0]
    rest = values[:, 1:]
    total = rest.sum(axis=1, keepdims=True)
    shares = np.divide(rest, total, out=np.zeros_like(rest), where=total > 0)
    return np.column_stack([p_yes, (1.0 - p_yes)[:, None] * shares])


def _check_shock(shock_sd: float) -> float:
    if isinstance(shock_sd, bool) or not np.isfinite(shock_sd) or shock_sd < 0:
        raise ValueError(f"shock_sd must be a finite number >= 0, got {shock_sd!r}")
    return float(shock_sd)


def _mixture_pmfs(values: np.ndarray, columns: list[int], shock_sd: float) -> np.ndarray:
    """Pmfs of the counts of ``columns``, averaged over a shared shock ~ Normal(0, shock_sd)."""
    if _check_shock(shock_sd) == 0:
        return _poisson_binomial(values[:, columns])
    nodes, weights = normal_quadrature()
    # One dynamic-programming pass over all nodes at once: columns node by node.
    stacked = np.hstack([shift_nonyes(values, shock_sd * z)[:, columns] for z in nodes])
    pmfs = _poisson_binomial(stacked).reshape(len(nodes), len(columns), -1)
    return np.tensordot(weights, pmfs, axes=1)


def integrate_shock(probs: pd.DataFrame, shock_sd: float) -> pd.DataFrame:
    """Each member's probabilities averaged over a shared shock ~ Normal(0, shock_sd).

    >>> probs = pd.DataFrame({"p_yes": [0.9], "p_abstain": [0.1], "p_no": 0.0,
    ...                       "p_absent": 0.0}, index=["POL"])
    >>> round(float(integrate_shock(probs, 1.0)["p_yes"].iloc[0]), 3)
    0.866
    """
    values = check_probs(probs)
    if _check_shock(shock_sd) > 0:
        nodes, weights = normal_quadrature()
        shifted = (
            w * shift_nonyes(values, shock_sd * z) for z, w in zip(nodes, weights, strict=True)
        )
        values = sum(shifted)
    return pd.DataFrame(values, index=probs.index, columns=list(PROB_COLUMNS))


def count_distribution(probs: pd.DataFrame, outcome: Outcome, shock_sd: float = 0.0) -> np.ndarray:
    """Exact distribution of the number of members with one outcome.

    Parameters
    ----------
    probs : DataFrame
        Probability table indexed by ISO3 (columns ``p_yes, p_abstain, p_no, p_absent``).
    outcome : {"yes", "abstain", "no", "absent"}
        The outcome counted.
    shock_sd : float
        Standard deviation of a shock shared by every member, added to the
        log-odds of each non-yes outcome (see :func:`shift_nonyes`); the pmf is
        then a mixture over the shock, integrated by Gauss-Hermite quadrature.
        0 (the default): members are independent.

    Returns
    -------
    ndarray
        Length ``n + 1``: element ``c`` is the probability that exactly ``c``
        members have ``outcome`` (a Poisson-binomial pmf, or a mixture of them).

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> count_distribution(probs, "no").tolist()
    [0.5, 0.5, 0.0]
    """
    column = _check_outcome(outcome)
    values = check_probs(probs)
    return _mixture_pmfs(values, [column], shock_sd)[0]


def marginals(probs: pd.DataFrame, shock_sd: float = 0.0) -> pd.DataFrame:
    """Exact distribution of the count of each outcome.

    Parameters
    ----------
    probs : DataFrame
        Probability table indexed by ISO3.
    shock_sd : float
        A shock shared by every member, as in :func:`count_distribution`.

    Returns
    -------
    DataFrame
        Index ``count`` = 0..n; columns ``yes, abstain, no, absent``, each the
        pmf of that outcome's count (the four are not independent: see
        :func:`joint_yes_no`).

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> marginals(probs)  # doctest: +NORMALIZE_WHITESPACE
           yes  abstain   no  absent
    count
    0      0.125     0.75  0.5     1.0
    1      0.500     0.25  0.5     0.0
    2      0.375     0.00  0.0     0.0
    """
    values = check_probs(probs)
    pmf = _mixture_pmfs(values, list(range(len(OUTCOMES))), shock_sd)
    index = pd.RangeIndex(len(values) + 1, name="count")
    return pd.DataFrame(pmf.T, index=index, columns=list(OUTCOMES))


def joint_yes_no(probs: pd.DataFrame) -> np.ndarray:
    """Exact joint distribution of the yes and no counts.

    Parameters
    ----------
    probs : DataFrame
        Probability table indexed by ISO3.

    Returns
    -------
    ndarray
        Shape ``(n + 1, n + 1)``: element ``[y, k]`` is the probability of exactly
        ``y`` yes and ``k`` no votes (zero wherever ``y + k > n``).  Summing over
        axis 1 gives the yes pmf, over axis 0 the no pmf.

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> joint_yes_no(probs).tolist()
    [[0.0, 0.125, 0.0], [0.125, 0.375, 0.0], [0.375, 0.0, 0.0]]
    """
    values = check_probs(probs)
    n = len(values)
    width = n + 1
    # The (yes, no) table is kept flattened row by row (row = yes count): a yes
    # moves mass one row down (+width), a no one column right (+1), and abstain
    # or absent leaves it.  Contiguous 1-D slices run about twice as fast as 2-D
    # views.  No mass wraps from the last column into the next row: column n
    # is reached only by the last member.
    old, new, scratch = np.zeros(width * width), np.zeros(width * width), np.empty(width * width)
    old[0] = 1.0
    for k, (p_yes, p_abstain, p_no, p_absent) in enumerate(values):
        live = (k + 1) * width  # before member k, rows 0..k hold all the mass
        np.multiply(old[:live], p_abstain + p_absent, out=new[:live])
        new[live : live + width] = 0.0
        np.multiply(old[:live], p_no, out=scratch[:live])
        new[1 : live + 1] += scratch[:live]
        np.multiply(old[:live], p_yes, out=scratch[:live])
        new[width : live + width] += scratch[:live]
        old, new = new, old
    return old.reshape(width, width)


def expected_counts(probs: pd.DataFrame) -> pd.Series:
    """Expected number of members with each outcome (the sums of the probabilities).

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> expected_counts(probs).to_dict()
    {'yes': 1.25, 'abstain': 0.25, 'no': 0.5, 'absent': 0.0}
    """
    values = check_probs(probs)
    return pd.Series(values.sum(axis=0), index=list(OUTCOMES), name="expected")


def interval(pmf: np.ndarray | pd.Series, level: float) -> tuple[int, int]:
    """Equal-tailed central interval of a count distribution.

    ``lo`` is the smallest count with CDF(lo) >= (1 - level) / 2 and ``hi`` the
    smallest with CDF(hi) >= 1 - (1 - level) / 2: the two quantiles, each
    comparison with :data:`CDF_TOLERANCE` of floating-point slack.  So at most
    (1 - level) / 2 of the mass lies below ``lo`` and at most as much above
    ``hi``, and ``[lo, hi]`` holds at least ``level`` of it; it is not the
    shortest such interval.  At ``level=1`` it spans the counts that carry
    probability (more than the tolerance).

    Parameters
    ----------
    pmf : array-like
        Probabilities of the counts 0, 1, 2, ... (summing to 1).
    level : float
        Coverage, in (0, 1].

    Returns
    -------
    tuple of int
        ``(lo, hi)``, both inclusive.

    Examples
    --------
    >>> interval([0.125, 0.5, 0.375], 0.5)
    (1, 2)
    >>> interval([0.025, 0.2, 0.55, 0.2, 0.025], 0.9)
    (1, 3)
    >>> interval([0.0, 0.5, 0.5, 0.0], 1.0)
    (1, 2)
    """
    array = _check_pmf(pmf)
    if not 0.0 < level <= 1.0:
        raise ValueError(f"level must lie in (0, 1], got {level!r}")
    tail = (1.0 - level) / 2.0
    cdf = np.cumsum(array)
    last = len(array) - 1
    # max(): at level 1 the lower end is the first count with mass, not count 0.
    lo = int(np.searchsorted(cdf, max(tail - CDF_TOLERANCE, CDF_TOLERANCE), side="left"))
    hi = int(np.searchsorted(cdf, 1.0 - tail - CDF_TOLERANCE, side="left"))
    return min(lo, last), min(hi, last)


def _level_key(level: float) -> str:
    return format(round(level * 100.0, 10), "g")


def intervals(
    probs: pd.DataFrame, levels: Iterable[float] = (0.8, 0.95), shock_sd: float = 0.0
) -> dict[str, dict[str, tuple[int, int]]]:
    """Equal-tailed central intervals of every outcome's count, at several levels.

    Returns
    -------
    dict
        Keyed by the level in percent (``"80"``, ``"95"``, ``"97.5"``), then by
        outcome: ``(lo, hi)`` as in :func:`interval`.

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> intervals(probs, levels=[0.5])
    {'50': {'yes': (1, 2), 'abstain': (0, 0), 'no': (0, 1), 'absent': (0, 0)}}
    """
    table = marginals(probs, shock_sd)
    return {
        _level_key(level): {
            outcome: interval(table[outcome].to_numpy(), level) for outcome in OUTCOMES
        }
        for level in levels
    }


def prob_below(pmf: np.ndarray | pd.Series, threshold: float) -> float:
    """Probability that the count is strictly below ``threshold``.

    Examples
    --------
    >>> prob_below([0.125, 0.5, 0.375], 2)
    0.625
    >>> prob_below([0.125, 0.5, 0.375], 0)
    0.0
    """
    array = _check_pmf(pmf)
    if np.isnan(threshold):
        raise ValueError("threshold must be a number, not NaN")
    # count < threshold  <=>  count <= ceil(threshold) - 1
    stop = int(np.clip(np.ceil(threshold), 0, len(array)))
    return float(min(1.0, array[:stop].sum()))


# ----------------------------------------------------------------------------- random draws


def _bloc_matrix(blocs: Mapping[str, Iterable[str]] | pd.Series, members: pd.Index) -> np.ndarray:
    """Membership matrix ``(n_blocs, n_members)`` of 0/1 floats."""
    if isinstance(blocs, pd.Series):
        labels = blocs.dropna()
        groups: dict[object, list[object]] = {}
        for iso3, label in labels.items():
            groups.setdefault(label, []).append(iso3)
    elif isinstance(blocs, Mapping):
        groups = {}
        for name, codes in blocs.items():
            if isinstance(codes, str):
                raise ValueError(f"bloc {name!r} must list ISO3 codes, not the string {codes!r}")
            groups[name] = list(codes)
    else:
        raise ValueError(
            "blocs must map bloc names to lists of ISO3 codes, or be a Series ISO3 -> bloc label"
        )
    matrix = np.zeros((len(groups), len(members)))
    for row, (name, codes) in enumerate(groups.items()):
        unknown = [c for c in codes if c not in members]
        if unknown:
            raise ValueError(f"bloc {name!r} names member(s) not in probs: {unknown}")
        matrix[row, members.get_indexer(codes)] = 1.0
    return matrix


def _cut_layout(values: np.ndarray) -> np.ndarray:
    """Where the non-yes outcomes split ``1 - p_yes``, whatever ``p_yes`` is.

    Returns ``(n, 2)``: the share of the non-yes probability taken by the
    outcomes before no and before absent, or ``inf`` when no outcome from
    there on is possible (so that a cut point can never select it).
    """
    rest = values[:, 1:]
    nonyes = rest.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(nonyes > 0, rest / nonyes, 0.0)
    before = np.cumsum(shares, axis=1)[:, :2]
    possible = rest[:, ::-1].cumsum(axis=1)[:, ::-1] > 0
    return np.where(possible[:, 1:], before, np.inf)


def _cuts(p_yes: np.ndarray, before: np.ndarray) -> list[np.ndarray]:
    """Cut points for sampling with one uniform ``u`` in [0, 1) per member and draw.

    A member's outcome code is the number of cut points ``t`` with ``u >= t``:
    yes below ``p_yes``, then the non-yes outcomes in their shares of the rest
    (``before`` from :func:`_cut_layout`).  ``p_yes`` may vary by draw (shape
    ``(draws, n)``).  Impossible outcomes get cut points of ``inf`` (or NaN
    when ``p_yes`` is 1), which no ``u`` reaches.
    """
    rest = 1.0 - p_yes
    with np.errstate(invalid="ignore"):
        return [p_yes, p_yes + rest * before[:, 0], p_yes + rest * before[:, 1]]


def _nonyes_log_odds(values: np.ndarray) -> np.ndarray:
    """log((1 - p_yes) / p_yes): +inf where p_yes is 0, -inf where it is 1."""
    with np.errstate(divide="ignore"):
        return np.log(values[:, 1:].sum(axis=1)) - np.log(values[:, 0])


def _shocked_yes(log_odds: np.ndarray, shock: np.ndarray) -> np.ndarray:
    """Yes probability after adding ``shock`` to the log-odds of each non-yes outcome.

    Softmax with every non-yes log-odds raised by ``z`` leaves the non-yes
    shares unchanged and moves yes vs. not-yes along a logistic curve:
    ``p_yes' = 1 / (1 + exp(log((1 - p_yes) / p_yes) + z))``.  Infinite
    log-odds (``p_yes`` of 0 or 1) give exactly 0 or 1, never NaN, for any
    finite shock.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(log_odds + shock))


def draw_votes(
    probs: pd.DataFrame,
    n_draws: int,
    *,
    random_state: int | np.random.Generator | None = None,
    blocs: Mapping[str, Iterable[str]] | pd.Series | None = None,
    bloc_sd: float = 0.0,
    common_sd: float = 0.0,
) -> pd.DataFrame:
    """Random votes of every member, optionally with shocks shared within blocs or by all.

    Parameters
    ----------
    probs : DataFrame
        Probability table indexed by ISO3.
    n_draws : int
        Number of simulated votes.
    random_state : int, Generator or None
        Seed or generator (``numpy.random.default_rng`` semantics); the global
        numpy generator is never used.
    blocs : mapping or Series, optional
        Bloc name -> list of ISO3 codes, or a Series ISO3 -> bloc label (NaN:
        no bloc).  In each draw every bloc gets a shock ``z ~ Normal(0,
        bloc_sd)`` added to the log-odds of abstain, no and absent relative to
        yes for its members (a member of several blocs gets the sum), so
        shocked members swing together towards or away from yes.  Members
        outside every bloc are unshocked.
    bloc_sd : float
        Standard deviation of the bloc shock; 0 means independent members.
    common_sd : float
        Standard deviation of one more shock shared by every member (the
        model's year shock): draws then follow the mixture that
        ``marginals(probs, shock_sd=common_sd)`` computes exactly.

    Returns
    -------
    DataFrame
        ``n_draws`` rows (index ``draw``) by one column per member, holding
        ``int8`` outcome codes: 0 yes, 1 abstain, 2 no, 3 absent (see
        :data:`OUTCOMES`; :func:`draw_counts` tallies them).

    Notes
    -----
    One uniform per member and draw comes from the main generator; bloc shocks
    come from a child generator spawned from it.  So with the same seed the
    uniforms are the same whatever ``blocs`` and ``bloc_sd`` are: ``bloc_sd=0``
    gives exactly the unshocked draws, and members outside the blocs vote the
    same way in every shock scenario (common random numbers).

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> draws = draw_votes(probs, 1000, random_state=1)
    >>> draws.shape
    (1000, 2)
    >>> sorted(draws["USA"].unique().tolist())
    [0, 2]
    """
    values = check_probs(probs)
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 0:
        raise ValueError(f"n_draws must be a non-negative integer, got {n_draws!r}")
    n_draws = int(n_draws)
    if not np.isfinite(bloc_sd) or bloc_sd < 0:
        raise ValueError(f"bloc_sd must be a finite number >= 0, got {bloc_sd!r}")
    common_sd = _check_shock(common_sd)
    members = probs.index
    rng = np.random.default_rng(random_state)
    membership = _bloc_matrix(blocs, members) if blocs is not None else np.zeros((0, len(members)))
    if bloc_sd > 0 and not membership.any():
        raise ValueError("bloc_sd > 0 needs blocs with at least one member to shock")
    # Each shock row: its members (a row of ones for the common shock) and its sd.
    sds = np.full(len(membership), bloc_sd)
    if common_sd > 0:
        membership = np.vstack([membership, np.ones(len(members))])
        sds = np.append(sds, common_sd)
    # Shocks come from a child generator, so the uniforms below never depend on them.
    shock_rng = rng.spawn(1)[0] if bloc_sd > 0 or common_sd > 0 else None
    cols = np.flatnonzero(membership.any(axis=0))  # the members that some shock moves
    weights = membership[:, cols]
    before = _cut_layout(values)
    cuts = _cuts(values[:, 0], before)
    log_odds = _nonyes_log_odds(values[cols])

    codes = np.empty((n_draws, len(members)), dtype=np.int8)
    for start in range(0, n_draws, DRAW_CHUNK):
        stop = min(start + DRAW_CHUNK, n_draws)
        u = rng.random((stop - start, len(members)))
        block = codes[start:stop]
        block[:] = (u >= cuts[0]).astype(np.int8)
        block += u >= cuts[1]
        block += u >= cuts[2]
        if shock_rng is not None:
            z = shock_rng.normal(0.0, 1.0, size=(stop - start, len(weights))) * sds
            p_yes = _shocked_yes(log_odds, z @ weights)
            sub = _cuts(p_yes, before[cols])
            us = u[:, cols]
            block[:, cols] = (
                (us >= sub[0]).astype(np.int8) + (us >= sub[1]) + (us >= sub[2])
            ).astype(np.int8)
    return pd.DataFrame(codes, index=pd.RangeIndex(n_draws, name="draw"), columns=members)


def draw_counts(draws: pd.DataFrame) -> pd.DataFrame:
    """Tally each draw: the number of members with each outcome.

    Parameters
    ----------
    draws : DataFrame
        Outcome codes as returned by :func:`draw_votes`.

    Returns
    -------
    DataFrame
        Same index as ``draws``; integer columns ``yes, abstain, no, absent``
        summing to the number of members.

    Examples
    --------
    >>> draws = pd.DataFrame({"CUB": [0, 0], "USA": [2, 3]}, dtype="int8")
    >>> draw_counts(draws).to_numpy().tolist()
    [[1, 0, 1, 0], [1, 0, 0, 1]]
    """
    codes = _check_codes(draws)
    counts = np.stack([(codes == k).sum(axis=1) for k in range(len(OUTCOMES))], axis=1)
    return pd.DataFrame(counts.astype(np.int64), index=draws.index, columns=list(OUTCOMES))


def _check_codes(draws: pd.DataFrame) -> np.ndarray:
    if not isinstance(draws, pd.DataFrame):
        raise TypeError(f"draws must be a pandas DataFrame, not {type(draws).__name__}")
    codes = draws.to_numpy()
    if codes.size and (
        not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0 or codes.max() > 3
    ):
        raise ValueError("draws must hold outcome codes 0-3 (as returned by draw_votes)")
    return codes


def draws_to_csv(draws: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write draws as CSV: one row per draw, its counts, then every member's vote.

    Columns are ``draw, yes, abstain, no, absent`` and then one column per ISO3
    code holding the outcome label (``yes``/``abstain``/``no``/``absent``).
    Written in chunks, so 100,000 draws need little memory.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> draws = pd.DataFrame({"CUB": [0, 0], "USA": [2, 3]}, dtype="int8")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "draws.csv"
    ...     draws_to_csv(draws, path)
    ...     print(path.read_text().strip())
    draw,yes,abstain,no,absent,CUB,USA
    0,1,0,1,0,yes,no
    1,1,0,0,1,yes,absent
    """
    codes = _check_codes(draws)
    counts = draw_counts(draws)
    members = [str(c) for c in draws.columns]
    clash = sorted(set(members) & {"draw", *OUTCOMES})
    if clash:
        raise ValueError(f"member column(s) {clash} clash with the count columns")
    labels = np.array(OUTCOMES, dtype=object)
    tallies = counts.rename_axis("draw").reset_index()
    header = pd.DataFrame(columns=[*tallies.columns, *members]).to_csv(
        index=False, lineterminator="\n"
    )
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(header)
        for start in range(0, len(draws), DRAW_CHUNK):
            stop = min(start + DRAW_CHUNK, len(draws))
            # pandas quotes the draw ids if need be; the labels never need quoting
            # and joining them by hand is several times faster than DataFrame.to_csv.
            heads = tallies.iloc[start:stop].to_csv(index=False, header=False).splitlines()
            votes = labels[codes[start:stop]].tolist()
            handle.writelines(
                f"{head},{','.join(row)}\n" if row else f"{head}\n"
                for head, row in zip(heads, votes, strict=True)
            )
