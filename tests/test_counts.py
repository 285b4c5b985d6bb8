"""Tests of unvote.forecasting.counts: exact count distributions against brute force, mixtures."""

from __future__ import annotations

import ast
import doctest
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from probability_tables import make_probs, random_probs, un_like

from unvote.forecasting import counts
from unvote.forecasting.counts import (
    count_distribution,
    expected_counts,
    integrate_shock,
    interval,
    intervals,
    joint_yes_no,
    marginals,
    prob_below,
)
from unvote.forecasting.draws import draw_counts, draw_votes
from unvote.model.shock import shift_nonyes
from unvote.vocabulary import OUTCOMES, PROBABILITY_COLUMNS


def brute_force(probs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Marginal pmfs ``(4, n+1)`` and the (yes, no) joint by enumerating all 4**n outcomes."""
    values = probs.to_numpy()
    n = len(values)
    combos = np.array(list(itertools.product(range(4), repeat=n)), dtype=int).reshape(-1, n)
    weight = values[np.arange(n), combos].prod(axis=1)
    counts = np.stack([(combos == k).sum(axis=1) for k in range(4)], axis=1)
    margins = np.zeros((4, n + 1))
    for k in range(4):
        np.add.at(margins[k], counts[:, k], weight)
    joint = np.zeros((n + 1, n + 1))
    np.add.at(joint, (counts[:, 0], counts[:, 2]), weight)
    return margins, joint


# ----------------------------------------------------------------------------- oracle


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("zeros", [0.0, 0.4])
def test_exact_distributions_equal_brute_force(n: int, zeros: float) -> None:
    for seed in range(3):
        probs = random_probs(n, seed=100 * n + seed, zeros=zeros)
        margins, joint = brute_force(probs)
        table = marginals(probs)
        assert list(table.columns) == list(OUTCOMES)
        assert table.index.tolist() == list(range(n + 1))
        assert table.index.name == "count"
        np.testing.assert_allclose(table.to_numpy().T, margins, rtol=0, atol=1e-12)
        np.testing.assert_allclose(joint_yes_no(probs), joint, rtol=0, atol=1e-12)
        for k, outcome in enumerate(OUTCOMES):
            np.testing.assert_allclose(
                count_distribution(probs, outcome), margins[k], rtol=0, atol=1e-12
            )


def test_no_members() -> None:
    probs = make_probs(np.zeros((0, 4)))
    assert count_distribution(probs, "yes").tolist() == [1.0]
    assert joint_yes_no(probs).tolist() == [[1.0]]
    assert expected_counts(probs).tolist() == [0.0] * 4


def test_certain_votes_give_point_masses() -> None:
    probs = make_probs([[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    table = marginals(probs)
    assert table["yes"].tolist() == [0, 0, 1, 0, 0]
    assert table["no"].tolist() == [0, 1, 0, 0, 0]
    assert table["abstain"].tolist() == [1, 0, 0, 0, 0]
    joint = joint_yes_no(probs)
    assert joint[2, 1] == 1.0 and joint.sum() == 1.0
    assert intervals(probs)["95"]["yes"] == (2, 2)


# ----------------------------------------------------------------------------- properties


@st.composite
def prob_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=40))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    zeros = draw(st.sampled_from([0.0, 0.3, 0.7]))
    alpha = draw(st.sampled_from([(1.0, 1.0, 1.0, 1.0), (8.0, 0.4, 0.3, 0.8), (0.1,) * 4]))
    return random_probs(n, seed, zeros=zeros, alpha=alpha)


@settings(max_examples=60, deadline=None)
@given(prob_tables())
def test_pmfs_are_distributions_with_the_right_means(probs: pd.DataFrame) -> None:
    n = len(probs)
    table = marginals(probs)
    expected = expected_counts(probs)
    assert list(expected.index) == list(OUTCOMES)
    assert expected.sum() == pytest.approx(n, abs=1e-9)
    counts = np.arange(n + 1)
    for outcome in OUTCOMES:
        pmf = table[outcome].to_numpy()
        assert len(pmf) == n + 1
        assert (pmf >= 0).all()
        assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
        assert pmf @ counts == pytest.approx(expected[outcome], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(prob_tables())
def test_joint_margins_are_the_yes_and_no_pmfs(probs: pd.DataFrame) -> None:
    n = len(probs)
    joint = joint_yes_no(probs)
    table = marginals(probs)
    assert joint.shape == (n + 1, n + 1)
    assert (joint >= 0).all()
    assert joint.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(joint.sum(axis=1), table["yes"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(joint.sum(axis=0), table["no"], rtol=0, atol=1e-12)
    yes, no = np.indices(joint.shape)
    assert (joint[yes + no > n] == 0).all()


@settings(max_examples=60, deadline=None)
@given(prob_tables(), st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 1.0]))
def test_intervals_are_equal_tailed_and_cover_the_level(probs: pd.DataFrame, level: float) -> None:
    table = marginals(probs)
    expected = expected_counts(probs)
    tail = (1 - level) / 2
    found = intervals(probs, levels=[level])
    assert list(found) == [format(level * 100, "g")]
    for outcome in OUTCOMES:
        pmf = table[outcome].to_numpy()
        lo, hi = found[format(level * 100, "g")][outcome]
        assert (lo, hi) == interval(pmf, level)
        assert 0 <= lo <= hi <= len(probs)
        assert pmf[lo : hi + 1].sum() >= level - 1e-9
        # each tail holds at most (1 - level) / 2 ...
        assert prob_below(pmf, lo) <= tail + 1e-9
        assert pmf[hi + 1 :].sum() <= tail + 1e-9
        # ... and neither end can move inwards
        assert prob_below(pmf, lo + 1) >= tail - 1e-9
        assert pmf[hi:].sum() >= tail - 1e-9 or hi == 0
        # the median lies inside, and a Poisson-binomial median is within 1 of the mean
        assert lo - 1 <= expected[outcome] <= hi + 1


# ----------------------------------------------------------------------------- interval & co


def test_interval_examples() -> None:
    pmf = np.array([0.025, 0.2, 0.55, 0.2, 0.025])
    assert interval(pmf, 0.9) == (1, 3)
    # 0.025 lies below count 1 exactly: the lower end is the 2.5% quantile, i.e. 0
    assert interval(pmf, 0.95) == (0, 3)
    assert interval(pmf, 0.96) == (0, 4)
    assert interval(pmf, 1.0) == (0, 4)
    assert interval([0.0, 0.0, 1.0, 0.0], 0.95) == (2, 2)
    assert interval([0.0, 0.5, 0.5, 0.0], 1.0) == (1, 2)
    assert interval(pd.Series([0.5, 0.5]), 0.5) == (0, 1)


def test_interval_tolerates_rounding_in_the_cdf() -> None:
    # Twenty equal masses: exactly 8/20 = 0.4 lies below count 8, but the summed
    # CDF lands a hair under 0.4; the tolerance still ends the lower tail at 7.
    pmf = np.full(20, 1 / 20)
    assert np.cumsum(pmf)[7] < (1 - 0.2) / 2
    assert interval(pmf, 0.2) == (7, 11)


@pytest.mark.parametrize(
    ("pmf", "level"),
    [([0.5, 0.6], 0.9), ([0.5, np.nan, 0.5], 0.9), ([1.5, -0.5], 0.9), ([], 0.9), ([1.0], 0.0)],
)
def test_interval_rejects_bad_input(pmf, level) -> None:
    with pytest.raises(ValueError):
        interval(pmf, level)


def test_intervals_keys_and_defaults() -> None:
    found = intervals(un_like())
    assert list(found) == ["80", "95"]
    assert all(list(found[key]) == list(OUTCOMES) for key in found)
    assert list(intervals(un_like(), levels=[0.5, 0.975])) == ["50", "97.5"]
    lo80, hi80 = found["80"]["yes"]
    lo95, hi95 = found["95"]["yes"]
    assert lo95 <= lo80 <= hi80 <= hi95


def test_prob_below() -> None:
    pmf = [0.125, 0.5, 0.375]
    assert prob_below(pmf, 0) == 0.0
    assert prob_below(pmf, 1) == 0.125
    assert prob_below(pmf, 1.5) == 0.625
    assert prob_below(pmf, 3) == 1.0
    assert prob_below(pmf, 99) == 1.0
    assert prob_below(pmf, -3) == 0.0
    probs = un_like()
    yes = count_distribution(probs, "yes")
    assert prob_below(yes, 97) == pytest.approx(yes[:97].sum())


def test_expected_counts() -> None:
    probs = make_probs([[0.5, 0.25, 0.25, 0.0], [1.0, 0.0, 0.0, 0.0]])
    assert expected_counts(probs).to_dict() == {
        "yes": 1.5,
        "abstain": 0.25,
        "no": 0.25,
        "absent": 0,
    }


def test_outcome_order_is_the_vocabulary_s() -> None:
    assert OUTCOMES == ("yes", "abstain", "no", "absent")
    assert PROBABILITY_COLUMNS == ("p_yes", "p_abstain", "p_no", "p_absent")
    assert list(marginals(un_like(3)).columns) == list(OUTCOMES)


def test_unknown_outcome() -> None:
    with pytest.raises(ValueError, match="unknown outcome 'present'"):
        count_distribution(un_like(5), "present")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- validation


def test_rows_within_tolerance_are_renormalised() -> None:
    values = np.array([[0.5, 0.25, 0.25, 0.0], [0.2, 0.2, 0.2, 0.4]])
    nudged = values.copy()
    nudged[:, 0] += 5e-10
    exact = marginals(make_probs(values))
    np.testing.assert_allclose(marginals(make_probs(nudged)), exact, rtol=0, atol=1e-9)
    assert marginals(make_probs(nudged)).to_numpy().sum(axis=0) == pytest.approx([1.0] * 4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="p_absent"), "lacks column.*p_absent"),
        (lambda f: f.rename(columns={"p_no": "no"}), "lacks column.*p_no"),
        (lambda f: f.assign(name="x"), "unexpected column.*name"),
        (lambda f: f.assign(p_yes=np.nan), "missing values.*p_yes"),
        (lambda f: f.assign(p_yes=1.2, p_no=-0.2), r"\[0, 1\]"),
        (lambda f: f.assign(p_yes=0.9), "sum to 1.*C00"),
        (lambda f: f.assign(p_yes=f["p_yes"] + 2e-9), "sum to 1"),
        (lambda f: f.assign(p_yes="a lot"), "numbers"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "duplicate member.*C00"),
    ],
)
def test_invalid_probability_tables_raise(change, message: str) -> None:
    probs = change(random_probs(4, seed=1))
    for function in (marginals, joint_yes_no, expected_counts, intervals):
        with pytest.raises(ValueError, match=message):
            function(probs)
    with pytest.raises(ValueError, match=message):
        count_distribution(probs, "yes")
    with pytest.raises(ValueError, match=message):
        draw_votes(probs, 10, random_state=0)


def test_non_frame_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        marginals(np.full((3, 4), 0.25))  # type: ignore[arg-type]


def test_input_frame_is_not_modified() -> None:
    probs = random_probs(5, seed=3)
    probs.iloc[0, 0] += 1e-10
    before = probs.copy()
    marginals(probs)
    draw_votes(probs, 10, random_state=0)
    pd.testing.assert_frame_equal(probs, before)


# ----------------------------------------------------------------------------- housekeeping


def test_docstring_examples() -> None:
    result = doctest.testmod(counts, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10
    assert result.failed == 0


def test_module_imports_only_numpy_pandas_and_the_standard_library() -> None:
    tree = ast.parse(Path(counts.__file__).read_text())
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            top.add((node.module or "").split(".")[0])
    assert top <= {"__future__", "collections", "typing", "numpy", "pandas", "unvote"}, top


# ----------------------------------------------------------------------------- a shared shock


def test_shock_of_zero_is_the_independent_distribution() -> None:
    probs = un_like(40)
    pd.testing.assert_frame_equal(marginals(probs, 0.0), marginals(probs))
    pd.testing.assert_frame_equal(integrate_shock(probs, 0.0), probs)


def test_mixture_matches_brute_force_over_a_fine_quadrature() -> None:
    rng = np.random.default_rng(7)
    probs = make_probs(rng.dirichlet(np.ones(4), size=4))
    values = probs.to_numpy()
    # A reference from a different rule: 120-point Gauss-Hermite quadrature.
    nodes, weights = np.polynomial.hermite_e.hermegauss(120)
    weights = weights / weights.sum()
    expected = np.zeros((5, 4))
    for z, w in zip(nodes, weights, strict=True):
        shifted = make_probs(shift_nonyes(values, 0.8 * z))
        expected += w * brute_force(shifted)[0].T
    got = marginals(probs, shock_sd=0.8).to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_mixture_mean_equals_the_integrated_probabilities() -> None:
    probs = un_like(60)
    table = marginals(probs, shock_sd=1.2)
    np.testing.assert_allclose(table.sum(), 1.0, atol=1e-12)
    means = (table.to_numpy() * table.index.to_numpy()[:, None]).sum(axis=0)
    integrated = integrate_shock(probs, 1.2).sum().to_numpy()
    np.testing.assert_allclose(means, integrated, atol=1e-9)


def test_a_shared_shock_widens_the_yes_distribution() -> None:
    probs = un_like(193)
    plain = intervals(probs, [0.95])["95"]["yes"]
    shocked = intervals(probs, [0.95], shock_sd=1.0)["95"]["yes"]
    assert shocked[0] <= plain[0] and shocked[1] >= plain[1]
    assert shocked[1] - shocked[0] > plain[1] - plain[0]


def test_draws_with_a_common_shock_follow_the_exact_mixture() -> None:
    probs = un_like(193)
    draws = draw_votes(probs, 100_000, random_state=11, common_sd=0.9)
    counts = draw_counts(draws)
    exact = marginals(probs, shock_sd=0.9)
    means = (exact.to_numpy() * exact.index.to_numpy()[:, None]).sum(axis=0)
    np.testing.assert_allclose(counts[list(OUTCOMES)].mean().to_numpy(), means, atol=0.3)
    drawn = np.bincount(counts["yes"], minlength=len(exact)) / len(counts)
    np.testing.assert_allclose(drawn, exact["yes"].to_numpy(), atol=0.01)


def test_shock_sd_must_be_a_finite_non_negative_number() -> None:
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="shock_sd"):
            marginals(un_like(5), shock_sd=bad)


@settings(max_examples=40, deadline=None)
@given(prob_tables(), st.floats(min_value=0.0, max_value=3.0))
def test_mixtures_are_distributions_with_the_right_means(probs: pd.DataFrame, sd: float) -> None:
    table = marginals(probs, shock_sd=sd)
    assert (table.to_numpy() >= -1e-15).all()
    np.testing.assert_allclose(table.sum(), 1.0, atol=1e-9)
    means = (table.to_numpy() * table.index.to_numpy()[:, None]).sum(axis=0)
    integrated = integrate_shock(probs, sd)
    np.testing.assert_allclose(means, integrated.sum().to_numpy(), atol=1e-8)
    np.testing.assert_allclose(integrated.sum(axis=1), 1.0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 60),
    shock=st.sampled_from([0.0, 0.3, 1.0]),
    lean=st.sampled_from([0.2, 1.0, 5.0]),
)
def test_adoption_of_a_mixture_is_the_mixture_of_adoptions(seed, n, shock, lean) -> None:
    """The one-pass mixture, with Hoeffding's shortcut, equals prob_adopted table by table."""
    rng = np.random.default_rng(seed)
    tables = [
        pd.DataFrame(
            rng.dirichlet([lean, 0.5, 1.0, 0.3], size=n), columns=list(PROBABILITY_COLUMNS)
        )
        for _ in range(3)
    ]
    weights = rng.dirichlet([1.0, 1.0, 1.0])
    mixed = counts.mixture_prob_adopted(list(zip(weights, tables, strict=True)), shock)
    each = sum(w * counts.prob_adopted(t, shock) for w, t in zip(weights, tables, strict=True))
    assert mixed == pytest.approx(each, abs=1e-12)


def test_a_landslide_is_settled_without_the_pass() -> None:
    """193 members voting yes at 0.95: the bound says adopted, to within 1e-15."""
    probs = pd.DataFrame({"p_yes": [0.95] * 193, "p_abstain": 0.03, "p_no": 0.01, "p_absent": 0.01})
    assert counts.mixture_prob_adopted([(1.0, probs)], 0.5) == pytest.approx(1.0, abs=1e-15)
    assert counts.prob_adopted(probs, 0.5) == pytest.approx(1.0, abs=1e-15)
