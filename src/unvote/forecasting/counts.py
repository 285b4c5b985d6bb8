"""The exact distribution of the vote counts, given each member's outcome probabilities.

Members vote independently given a scenario, so the count of each outcome is
Poisson-binomial and the (yes, no) counts jointly Poisson-multinomial: both are
computed *exactly* here by dynamic programming over the members, with no Monte
Carlo noise.  A shock shared by every member (the model's year shock) makes
each distribution a mixture, integrated exactly on a grid.  Random draws, for
what the exact route cannot give (shocks shared by a bloc, per-draw country
lists), are in :mod:`unvote.forecasting.draws`.

Every function takes ``probs``: a DataFrame indexed by ISO3 code with the
columns ``p_yes, p_abstain, p_no, p_absent`` (one row per member, rows summing
to 1), in the order of :data:`unvote.vocabulary.OUTCOMES`.

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

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from unvote.errors import InvalidTypeError, InvalidValueError
from unvote.model.shock import (
    check_shock,
    normal_quadrature,
    shift_nonyes,
    shifted_grid,
)
from unvote.vocabulary import LEVELS, OUTCOMES, PROBABILITY_COLUMNS, Outcome, level_key

SUM_TOLERANCE = 1e-9
"""How far a row of probabilities may sum from 1 before it is an error (it is re-normalised)."""

CDF_TOLERANCE = 1e-12
"""Floating-point slack when comparing a cumulative probability with a target."""

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
        raise InvalidTypeError(f"probs must be a pandas DataFrame, not {type(probs).__name__}")
    missing = [c for c in PROBABILITY_COLUMNS if c not in probs.columns]
    if missing:
        raise InvalidValueError(
            f"probs lacks column(s) {', '.join(missing)}; expected {', '.join(PROBABILITY_COLUMNS)}"
        )
    extra = [str(c) for c in probs.columns if c not in PROBABILITY_COLUMNS]
    if extra:
        raise InvalidValueError(
            f"probs has unexpected column(s) {', '.join(extra)}; "
            f"keep only {', '.join(PROBABILITY_COLUMNS)}"
        )
    if probs.index.has_duplicates:
        dups = probs.index[probs.index.duplicated()].unique().tolist()
        raise InvalidValueError(f"probs has duplicate member(s) {dups}; give each member one row")
    table = probs[list(PROBABILITY_COLUMNS)]
    try:
        values = table.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as err:
        raise InvalidValueError(f"probs must hold numbers only ({err})") from err
    values = np.array(values, dtype=float, copy=True).reshape(len(table), len(PROBABILITY_COLUMNS))

    def where(bad: np.ndarray) -> str:
        row, col = np.argwhere(bad)[0]
        return f"{PROBABILITY_COLUMNS[col]} of {probs.index[row]!r} is {values[row, col]!r}"

    nan = np.isnan(values)
    if nan.any():
        raise InvalidValueError(
            f"probs has missing values: {where(nan)}; fill in every probability"
        )
    outside = (values < 0.0) | (values > 1.0)
    if outside.any():
        raise InvalidValueError(f"probabilities must lie in [0, 1]: {where(outside)}")
    totals = values.sum(axis=1)
    off = np.abs(totals - 1.0) > SUM_TOLERANCE
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise InvalidValueError(
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
        raise InvalidValueError(f"pmf must be a non-empty 1-D array, got shape {array.shape}")
    if np.isnan(array).any() or (array < 0).any():
        raise InvalidValueError("pmf must hold non-negative numbers, without NaN")
    if abs(array.sum() - 1.0) > SUM_TOLERANCE:
        raise InvalidValueError(f"pmf must sum to 1, sums to {array.sum()!r}")
    return array


def _check_outcome(outcome: str) -> int:
    if outcome not in OUTCOMES:
        raise InvalidValueError(f"unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}")
    return OUTCOMES.index(outcome)


# ----------------------------------------------------------------------------- exact counts


def _poisson_binomial(p: np.ndarray) -> np.ndarray:
    """Pmfs of sums of independent Bernoullis: ``p`` is ``(n, m)``, the result ``(m, n + 1)``.

    Member by member, each pmf is convolved with ``[1 - p, p]``: O(n^2) per column.
    The counts run down the rows, so that each step works on one contiguous block,
    in place (three times faster than counts along the columns, the same numbers).
    """
    p = np.ascontiguousarray(p, dtype=float)  # a member's row read at each step: keep it whole
    n, m = p.shape
    pmf = np.zeros((n + 1, m))
    pmf[0] = 1.0
    stay = 1.0 - p
    moved = np.empty((n, m))
    for k in range(n):
        step = moved[: k + 1]
        np.multiply(pmf[: k + 1], p[k], out=step)
        pmf[: k + 1] *= stay[k]
        pmf[1 : k + 2] += step
    return np.ascontiguousarray(pmf.T)


def _mixture_pmfs(values: np.ndarray, columns: list[int], shock_sd: float) -> np.ndarray:
    """Pmfs of the counts of ``columns``, averaged over a shared shock ~ Normal(0, shock_sd)."""
    if check_shock(shock_sd) == 0:
        return _poisson_binomial(values[:, columns])
    nodes, weights = normal_quadrature()
    # One dynamic-programming pass over all nodes at once: columns node by node.
    grid = shifted_grid(values, shock_sd * nodes)[:, :, columns]  # nodes x members x columns
    stacked = grid.transpose(1, 0, 2).reshape(len(values), -1)
    pmfs = _poisson_binomial(stacked).reshape(len(nodes), len(columns), -1)
    return np.tensordot(weights, pmfs, axes=1)


def integrate_shock(probs: pd.DataFrame, shock_sd: float) -> pd.DataFrame:
    """Each member's probabilities averaged over a shared shock ~ Normal(0, shock_sd).

    >>> probs = pd.DataFrame({"p_yes": [0.9], "p_abstain": [0.1], "p_no": 0.0,
    ...                       "p_absent": 0.0}, index=["POL"])
    >>> round(float(integrate_shock(probs, 1.0)["p_yes"].iloc[0]), 3)
    0.866
    """
    values = _average_over_shock(check_probs(probs), check_shock(shock_sd))
    return pd.DataFrame(values, index=probs.index, columns=list(PROBABILITY_COLUMNS))


def _average_over_shock(values: np.ndarray, shock_sd: float) -> np.ndarray:
    """:func:`integrate_shock` on checked arrays."""
    if shock_sd == 0:
        return values
    nodes, weights = normal_quadrature()
    return sum(w * g for g, w in zip(shifted_grid(values, shock_sd * nodes), weights, strict=True))


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
        then a mixture over the shock, integrated by quadrature (:func:`normal_quadrature`).
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


Components = Sequence[tuple[float, pd.DataFrame]]
"""A mixture of probability tables: (weight, table) pairs, weights summing to 1."""


def _check_components(components: Components) -> tuple[np.ndarray, list[np.ndarray], pd.Index]:
    weights = np.array([float(w) for w, _ in components])
    if not len(weights) or (weights < 0).any() or abs(weights.sum() - 1.0) > 1e-9:
        raise InvalidValueError("a mixture needs weights that are non-negative and sum to 1")
    tables = [check_probs(table) for _, table in components]
    index = components[0][1].index
    if any(not table.index.equals(index) for _, table in components):
        raise InvalidValueError("the tables of a mixture must hold the same members in one order")
    return weights, tables, index


def mixture_marginals(components: Components, shock_sd: float = 0.0) -> pd.DataFrame:
    """Exact count distributions of a mixture of probability tables, each with a shared shock.

    A scenario whose strength is uncertain is a mixture: at each quadrature
    node of its prior, the members' probabilities differ.  The result is the
    weighted average of :func:`marginals` of each table, in one pass.

    >>> a = pd.DataFrame({"p_yes": [1.0], "p_abstain": 0.0, "p_no": 0.0, "p_absent": 0.0})
    >>> b = pd.DataFrame({"p_yes": [0.0], "p_abstain": 0.0, "p_no": 1.0, "p_absent": 0.0})
    >>> mixture_marginals([(0.25, a), (0.75, b)])["yes"].tolist()
    [0.75, 0.25]
    """
    weights, tables, _ = _check_components(components)
    columns = list(range(len(OUTCOMES)))
    stacked = np.hstack(tables)  # members x (tables * outcomes)
    flat = [c + k * len(OUTCOMES) for k in range(len(tables)) for c in columns]
    if check_shock(shock_sd) == 0:
        pmfs = _poisson_binomial(stacked[:, flat])
    else:
        nodes, node_weights = normal_quadrature()
        # nodes x tables x members x outcomes, laid out as members x (node, table, outcome)
        grid = np.stack([shifted_grid(t, shock_sd * nodes) for t in tables], axis=1)
        shifted = grid.transpose(2, 0, 1, 3).reshape(stacked.shape[0], -1)
        pmfs = _poisson_binomial(shifted).reshape(len(nodes), len(flat), -1)
        pmfs = np.tensordot(node_weights, pmfs, axes=1)
    pmfs = pmfs.reshape(len(tables), len(OUTCOMES), -1)
    pmf = np.tensordot(weights, pmfs, axes=1)
    index = pd.RangeIndex(stacked.shape[0] + 1, name="count")
    return pd.DataFrame(pmf.T, index=index, columns=list(OUTCOMES))


def mixture_prob_adopted(components: Components, shock_sd: float = 0.0) -> float:
    """P(more yes than no votes) under a mixture of tables, each with a shared shock.

    :func:`prob_adopted` (a simple majority) averaged over the mixture, with
    every table at every node of the shock in one pass of :func:`_margin_pmfs`.

    >>> a = pd.DataFrame({"p_yes": [1.0], "p_abstain": 0.0, "p_no": 0.0, "p_absent": 0.0})
    >>> b = pd.DataFrame({"p_yes": [0.0], "p_abstain": 0.0, "p_no": 1.0, "p_absent": 0.0})
    >>> mixture_prob_adopted([(0.25, a), (0.75, b)])
    0.25
    """
    weights, tables, _ = _check_components(components)
    if check_shock(shock_sd) == 0:
        grid, grid_weights = np.stack(tables), weights
    else:
        nodes, node_weights = normal_quadrature()
        grid = np.concatenate([shifted_grid(t, shock_sd * nodes) for t in tables])
        grid_weights = np.outer(weights, node_weights).ravel()
    return float(min(1.0, grid_weights @ _prob_margin_positive(grid)))


SURE = 1e-15
"""A probability Hoeffding's bound puts below this is taken as 0 (its complement as 1)."""


def _prob_margin_positive(grid: np.ndarray) -> np.ndarray:
    """P(yes - no > 0) for each table of ``grid`` (shape ``(k, members, 4)``).

    Exact (:func:`_margin_pmfs`) where the vote can be close.  Where it cannot,
    Hoeffding's inequality settles it without the pass: the margin is a sum
    of independent terms in [-1, 1], so P(margin <= 0) <= exp(-m**2 / 2n) for
    a mean margin m > 0 over n members (and P(margin > 0) likewise for m < 0);
    a bound below :data:`SURE` leaves the answer 1 (or 0) to 1e-15.
    """
    members = grid.shape[1]
    mean = (grid[:, :, 0] - grid[:, :, 2]).sum(axis=1)
    settled = mean**2 / (2 * members) > -np.log(SURE)
    out = np.where(mean > 0, 1.0, 0.0)
    close = ~settled
    if close.any():
        out[close] = _margin_pmfs(grid[close])[:, members + 1 :].sum(axis=1)
    return out


def mixture_probs(components: Components, shock_sd: float = 0.0) -> pd.DataFrame:
    """Each member's probabilities averaged over a mixture of tables and a shared shock.

    >>> a = pd.DataFrame({"p_yes": [1.0], "p_abstain": 0.0, "p_no": 0.0, "p_absent": 0.0})
    >>> b = pd.DataFrame({"p_yes": [0.0], "p_abstain": 0.0, "p_no": 1.0, "p_absent": 0.0})
    >>> mixture_probs([(0.25, a), (0.75, b)]).round(2).to_numpy().tolist()
    [[0.25, 0.0, 0.75, 0.0]]
    """
    weights, tables, index = _check_components(components)
    shock_sd = check_shock(shock_sd)
    total = sum(w * _average_over_shock(t, shock_sd) for w, t in zip(weights, tables, strict=True))
    return pd.DataFrame(total, index=index, columns=list(PROBABILITY_COLUMNS))


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


MAJORITIES: tuple[str, ...] = ("simple", "two-thirds")
"""Majorities of the members present and voting (yes + no; abstentions do not count)."""


def prob_adopted(probs: pd.DataFrame, shock_sd: float = 0.0, majority: str = "simple") -> float:
    """Probability that a draft is adopted: more yes than no, or two thirds of yes and no.

    The General Assembly decides by a majority of the members present and
    voting (Article 18 of the Charter): abstentions and absences do not count.
    Most texts need a simple majority (yes > no); important questions (Article
    18(2): budget, membership, elections) need two thirds (yes >= 2 no).
    Exact, from the joint distribution of the yes and no counts
    (:func:`joint_yes_no`), averaged over a shared shock as :func:`marginals`.

    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> prob_adopted(probs)
    0.5
    """
    if majority not in MAJORITIES:
        raise InvalidValueError(
            f"majority must be one of {', '.join(MAJORITIES)}, not {majority!r}"
        )
    values = check_probs(probs)
    if majority == "simple":  # yes > no needs only the distribution of their difference
        if check_shock(shock_sd) == 0:
            return float(_margin_pmfs(values[None])[0, len(values) + 1 :].sum())
        nodes, weights = normal_quadrature()
        pmfs = _margin_pmfs(shifted_grid(values, shock_sd * nodes))
        return float(min(1.0, weights @ pmfs[:, len(values) + 1 :].sum(axis=1)))
    n = len(values)
    yes, no = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    adopted = yes > no if majority == "simple" else (yes >= 2 * no) & (yes > 0)
    if check_shock(shock_sd) == 0:
        return float(joint_yes_no(probs)[adopted].sum())
    nodes, weights = normal_quadrature()
    total = 0.0
    for z, w in zip(nodes, weights, strict=True):
        shifted = pd.DataFrame(
            shift_nonyes(values, shock_sd * z), columns=list(PROBABILITY_COLUMNS)
        )
        total += w * joint_yes_no(shifted)[adopted].sum()
    return float(min(1.0, total))


def _margin_pmfs(values: np.ndarray) -> np.ndarray:
    """The exact pmf of yes minus no for each table of ``values`` (shape ``(k, members, 4)``).

    Shape ``(k, 2 * members + 1)``: column ``n + d`` holds P(yes - no = d).
    A member moves the margin up by a yes, down by a no: one pass of length
    ``2n`` a member, where the joint table of :func:`joint_yes_no` needs ``n**2``.

    >>> _margin_pmfs(np.array([[[0.75, 0.25, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0]]])).tolist()
    [[0.0, 0.125, 0.375, 0.125, 0.375]]
    """
    k, n = values.shape[:2]
    pmf = np.zeros((k, 2 * n + 1))
    pmf[:, n] = 1.0
    for member in range(n):
        p_yes, p_no = values[:, member, 0:1], values[:, member, 2:3]
        moved = pmf * (1.0 - p_yes - p_no)
        moved[:, 1:] += pmf[:, :-1] * p_yes
        moved[:, :-1] += pmf[:, 1:] * p_no
        pmf = moved
    return pmf


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
        raise InvalidValueError(f"level must lie in (0, 1], got {level!r}")
    tail = (1.0 - level) / 2.0
    cdf = np.cumsum(array)
    last = len(array) - 1
    # max(): at level 1 the lower end is the first count with mass, not count 0.
    lo = int(np.searchsorted(cdf, max(tail - CDF_TOLERANCE, CDF_TOLERANCE), side="left"))
    hi = int(np.searchsorted(cdf, 1.0 - tail - CDF_TOLERANCE, side="left"))
    return min(lo, last), min(hi, last)


def intervals(
    probs: pd.DataFrame, levels: Iterable[float] = LEVELS, shock_sd: float = 0.0
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
    return marginal_intervals(marginals(probs, shock_sd), levels)


def marginal_intervals(
    table: pd.DataFrame, levels: Iterable[float] = LEVELS
) -> dict[str, dict[str, tuple[int, int]]]:
    """The intervals of :func:`intervals` from count pmfs already computed (:func:`marginals`).

    >>> table = pd.DataFrame({o: [0.5, 0.5] for o in OUTCOMES})
    >>> marginal_intervals(table, levels=[0.5])["50"]["yes"]
    (0, 1)
    """
    return {
        level_key(level): {
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
        raise InvalidValueError("threshold must be a number, not NaN")
    # count < threshold  <=>  count <= ceil(threshold) - 1
    stop = int(np.clip(np.ceil(threshold), 0, len(array)))
    return float(min(1.0, array[:stop].sum()))
