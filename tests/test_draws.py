"""Tests of unvote.forecasting.draws: seeded draws, bloc shocks, Draws and the draws file."""

from __future__ import annotations

import doctest
import gzip
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from probability_tables import make_probs, random_probs, un_like

from unvote.errors import InvalidValueError
from unvote.forecasting import draws as draws_module
from unvote.forecasting.counts import count_distribution, expected_counts
from unvote.forecasting.draws import (
    MAX_SHOCK_SD,
    draw_counts,
    draw_votes,
    draws_to_csv,
    simulate_scenarios,
)
from unvote.vocabulary import OUTCOMES

# ----------------------------------------------------------------------------- draws


def test_draw_means_match_the_exact_expectation() -> None:
    probs = un_like()
    draws = draw_votes(probs, 100_000, random_state=12345)
    assert draws.shape == (100_000, 193)
    assert (draws.dtypes == np.int8).all()
    assert draws.columns.equals(probs.index)
    assert draws.index.name == "draw"
    counts = draw_counts(draws)
    assert list(counts.columns) == list(OUTCOMES)
    assert (counts.sum(axis=1) == 193).all()
    diff = (counts.mean() - expected_counts(probs)).abs()
    assert (diff < 0.3).all(), diff
    # the distribution, not only the mean: the draws' yes histogram against the exact pmf
    exact = count_distribution(probs, "yes")
    observed = np.bincount(counts["yes"], minlength=194) / 100_000
    assert np.abs(observed - exact).max() < 0.01


def test_draws_are_reproducible() -> None:
    probs = un_like()
    first = draw_votes(probs, 25_000, random_state=7)
    pd.testing.assert_frame_equal(first, draw_votes(probs, 25_000, random_state=7))
    pd.testing.assert_frame_equal(
        first, draw_votes(probs, 25_000, random_state=np.random.default_rng(7))
    )
    assert not first.equals(draw_votes(probs, 25_000, random_state=8))
    assert draw_votes(probs, 0, random_state=7).shape == (0, 193)


def test_draws_never_use_the_global_generator() -> None:
    state = np.random.get_state()  # noqa: NPY002 (the legacy global generator is the point)
    draw_votes(un_like(20), 100, random_state=None, blocs={"a": ["C00", "C01"]}, bloc_sd=1.0)
    after = np.random.get_state()  # noqa: NPY002
    assert state[0] == after[0] and (state[1] == after[1]).all() and state[2:] == after[2:]


def test_impossible_outcomes_are_never_drawn() -> None:
    values = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.5, 0.0, 0.5, 0.0],
        [0.0, 0.3, 0.0, 0.7],
        [0.3, 0.7, 0.0, 0.0],
    ]
    probs = make_probs(values)
    blocs = {"all": list(probs.index)}
    for sd in (0.0, 3.0):
        draws = draw_votes(probs, 20_000, random_state=1, blocs=blocs, bloc_sd=sd).to_numpy()
        for member, row in enumerate(values):
            seen = set(np.unique(draws[:, member]).tolist())
            possible = {k for k in range(4) if row[k] > 0}
            assert seen == possible, (member, sd)


def test_bloc_shock_widens_the_yes_spread_but_keeps_totals() -> None:
    probs = un_like()
    blocs = {"west": list(probs.index[10:60]), "south": list(probs.index[50:150])}
    plain = draw_counts(draw_votes(probs, 20_000, random_state=3, blocs=blocs, bloc_sd=0.0))
    shocked = draw_counts(draw_votes(probs, 20_000, random_state=3, blocs=blocs, bloc_sd=1.0))
    assert (shocked.sum(axis=1) == 193).all()
    assert shocked["yes"].std() > 1.5 * plain["yes"].std()
    exact_sd = math.sqrt(
        (
            count_distribution(probs, "yes") * (np.arange(194) - expected_counts(probs)["yes"]) ** 2
        ).sum()
    )
    assert plain["yes"].std() == pytest.approx(exact_sd, rel=0.05)


def test_common_random_numbers_across_shock_settings() -> None:
    probs = un_like()
    blocs = {"west": list(probs.index[10:60])}
    plain = draw_votes(probs, 5_000, random_state=11)
    zero = draw_votes(probs, 5_000, random_state=11, blocs=blocs, bloc_sd=0.0)
    shocked = draw_votes(probs, 5_000, random_state=11, blocs=blocs, bloc_sd=2.0)
    pd.testing.assert_frame_equal(plain, zero)
    outside = probs.index.difference(blocs["west"])
    pd.testing.assert_frame_equal(plain[outside], shocked[outside])
    assert not plain[blocs["west"]].equals(shocked[blocs["west"]])


def test_shock_moves_yes_along_the_logistic_and_keeps_non_yes_shares() -> None:
    """One shocked member: P(yes) = E[1 / (1 + (1 - p) / p * exp(z))], z ~ N(0, sd)."""
    row = [0.6, 0.1, 0.2, 0.1]
    sd = 1.0
    probs = make_probs([row, row])
    series = pd.Series({"C00": "bloc", "C01": np.nan})
    codes = draw_votes(probs, 100_000, random_state=5, blocs=series, bloc_sd=sd).to_numpy()
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    p_yes = float(weights @ (1 / (1 + 0.4 / 0.6 * np.exp(sd * nodes))))
    shocked, unshocked = codes[:, 0], codes[:, 1]
    assert (shocked == 0).mean() == pytest.approx(p_yes, abs=0.006)
    assert (unshocked == 0).mean() == pytest.approx(0.6, abs=0.006)
    non_yes = shocked[shocked > 0]
    shares = np.bincount(non_yes, minlength=4)[1:] / len(non_yes)
    np.testing.assert_allclose(shares, [0.25, 0.5, 0.25], atol=0.01)


def test_members_in_two_blocs_get_both_shocks() -> None:
    probs = make_probs([[0.5, 0.2, 0.2, 0.1]] * 3)
    blocs = {"a": ["C00", "C01"], "b": ["C01", "C02"]}
    codes = draw_votes(probs, 50_000, random_state=9, blocs=blocs, bloc_sd=1.0).to_numpy()
    yes = (codes == 0).astype(float)
    corr = np.corrcoef(yes, rowvar=False)
    # C00 and C02 share no shock; each shares one with C01
    assert abs(corr[0, 2]) < 0.02
    assert corr[0, 1] > 0.05 and corr[1, 2] > 0.05


def test_extreme_shocks_give_no_nan() -> None:
    probs = un_like(30)
    blocs = {"x": list(probs.index), "y": list(probs.index[:10])}
    draws = draw_votes(probs, 2_000, random_state=0, blocs=blocs, bloc_sd=MAX_SHOCK_SD)
    assert draws.to_numpy().min() >= 0 and draws.to_numpy().max() <= 3
    assert (draw_counts(draws).sum(axis=1) == 30).all()


@pytest.mark.parametrize("sd", [1e308, MAX_SHOCK_SD * 1.01, float("inf"), True])
def test_shocks_beyond_the_maximum_are_refused(sd) -> None:
    probs = un_like(5)
    with pytest.raises(InvalidValueError, match="bloc_sd"):
        draw_votes(probs, 10, random_state=0, blocs={"x": list(probs.index)}, bloc_sd=sd)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_draws": -1}, "n_draws"),
        ({"n_draws": 2.5}, "n_draws"),
        ({"bloc_sd": -1.0, "blocs": {"a": ["C00"]}}, "bloc_sd"),
        ({"bloc_sd": 1e308, "blocs": {"a": ["C00"]}}, "bloc_sd"),
        ({"bloc_sd": np.nan, "blocs": {"a": ["C00"]}}, "bloc_sd"),
        ({"bloc_sd": 1.0}, "needs blocs"),
        ({"bloc_sd": 1.0, "blocs": {"a": []}}, "needs blocs"),
        ({"bloc_sd": 1.0, "blocs": {"a": ["C00", "ZZZ"]}}, "not in probs.*ZZZ"),
        ({"bloc_sd": 1.0, "blocs": {"a": "C00"}}, "must list ISO3 codes"),
        ({"bloc_sd": 1.0, "blocs": ["C00"]}, "blocs must map"),
    ],
)
def test_draw_votes_rejects_bad_arguments(kwargs, message: str) -> None:
    kwargs = {"n_draws": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        draw_votes(random_probs(4, seed=0), random_state=0, **kwargs)


def test_draw_counts_rejects_non_codes() -> None:
    with pytest.raises(ValueError, match="outcome codes"):
        draw_counts(pd.DataFrame({"CUB": [0, 4]}))
    with pytest.raises(ValueError, match="outcome codes"):
        draw_counts(pd.DataFrame({"CUB": ["yes"]}))


@pytest.mark.parametrize("name", ["draws.csv", "draws.csv.gz"])
def test_draws_to_csv_round_trip(tmp_path: Path, name: str) -> None:
    probs = un_like(12)
    draws = draw_votes(probs, 25_123, random_state=4)
    path = tmp_path / name
    draws_to_csv(draws, path)
    back = pd.read_csv(path)
    assert list(back.columns) == ["draw", *OUTCOMES, *probs.index]
    assert back["draw"].tolist() == list(range(25_123))
    pd.testing.assert_frame_equal(
        back[list(OUTCOMES)], draw_counts(draws).reset_index(drop=True), check_dtype=False
    )
    # members hold the outcome codes 0 yes, 1 abstain, 2 no, 3 absent
    assert (back[list(probs.index)].to_numpy() == draws.to_numpy()).all()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left


def test_draws_to_csv_with_no_draws(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    draws_to_csv(draw_votes(un_like(3), 0, random_state=0), path)
    assert path.read_text() == "draw,yes,abstain,no,absent,C00,C01,C02\n"


def test_a_gz_name_is_compressed_and_the_same_draws_give_the_same_bytes(tmp_path: Path) -> None:
    draws = draw_votes(un_like(193), 2_000, random_state=1)
    plain, packed = tmp_path / "d.csv", tmp_path / "d.csv.gz"
    draws_to_csv(draws, plain)
    draws_to_csv(draws, packed)
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert packed.stat().st_size * 5 < plain.stat().st_size
    first = packed.read_bytes()
    draws_to_csv(draws, packed)
    assert packed.read_bytes() == first  # no time stamp in the gzip header


# ----------------------------------------------------------------------------- containers


def _scenarios() -> dict[str, pd.DataFrame]:
    base = un_like(40, seed=1)
    pushed = base.copy()
    pushed["p_abstain"] += pushed["p_yes"] * 0.3
    pushed["p_yes"] *= 0.7
    return {"baseline": base, "pushed": pushed}


def test_simulate_scenarios_gives_counts_summaries_and_json() -> None:
    draws = simulate_scenarios(_scenarios(), 3_000, random_state=5, shock_sd=0.5)
    assert list(draws) == ["baseline", "pushed"] and len(draws) == 2
    assert (draws.n, draws.seed) == (3_000, 5)
    counts = draws.counts
    assert list(counts.columns) == ["scenario", "draw", *OUTCOMES]
    assert len(counts) == 6_000 and (counts[list(OUTCOMES)].sum(axis=1) == 40).all()
    summary = draws.summary()
    assert list(summary.columns) == ["mean", "lo80", "hi80", "lo95", "hi95"]
    assert summary.index.names == ["scenario", "outcome"]
    data = draws.to_dict()
    assert set(data) == {"baseline", "pushed"}
    entry = data["pushed"]
    assert (entry["n"], entry["seed"], entry["blocs"], entry["bloc_sd"]) == (3_000, 5, [], 0.0)
    assert list(entry["mean"]) == list(OUTCOMES) and set(entry) >= {"80", "95"}
    for level in ("80", "95"):
        for lo, hi in entry[level].values():
            assert isinstance(lo, int) and 0 <= lo <= hi <= 40
    # the pushed scenario has fewer yes votes in every draw: common random numbers
    yes = counts.pivot(index="draw", columns="scenario", values="yes")
    assert (yes["pushed"] <= yes["baseline"]).all()


def test_votes_are_drawn_again_identically_from_the_seed() -> None:
    draws = simulate_scenarios(_scenarios(), 500, random_state=9)
    first = draws["pushed"].votes
    pd.testing.assert_frame_equal(first, draws["pushed"].votes)
    pd.testing.assert_frame_equal(draw_counts(first), draws["pushed"].counts, check_names=False)


def test_a_seed_of_none_is_drawn_and_recorded() -> None:
    draws = simulate_scenarios(_scenarios(), 50)
    again = simulate_scenarios(_scenarios(), 50, random_state=draws.seed)
    pd.testing.assert_frame_equal(draws.counts, again.counts)


def test_draws_repr_is_one_line() -> None:
    draws = simulate_scenarios(_scenarios(), 100, random_state=2)
    assert repr(draws) == "<Draws: 100 draws of 2 scenarios (baseline, pushed), seed 2>"
    assert repr(draws["baseline"]).startswith("<ScenarioDraws 'baseline': 100 draws, seed 2;")
    assert "\n" not in repr(draws["baseline"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "number of draws"),
        ({"n": 10**7}, "number of draws"),
        ({"n": 2.5}, "number of draws"),
        ({"n": 10, "random_state": -1}, "random_state"),
        ({"n": 10, "random_state": "1"}, "random_state"),
        ({"n": 10, "bloc_sd": 1.0}, "bloc"),
        ({"n": 10, "blocs": "C00"}, "blocs"),
        ({"n": 10, "blocs": {"a": ["C00"]}, "bloc_sd": 1e308}, "bloc_sd"),
        ({"n": 10, "shock_sd": float("nan")}, "shock_sd"),
    ],
)
def test_simulate_scenarios_refuses_bad_arguments(kwargs, message) -> None:
    with pytest.raises(InvalidValueError, match=message):
        simulate_scenarios(_scenarios(), **kwargs)


def test_draws_file_has_a_row_a_draw_and_a_code_a_member(tmp_path: Path) -> None:
    draws = simulate_scenarios(_scenarios(), 1_234, random_state=3, shock_sd=0.4)
    seen = []
    path = draws.to_csv(tmp_path / "all.csv.gz", progress=lambda done, total: seen.append(done))
    back = pd.read_csv(path)
    members = sorted(_scenarios()["baseline"].index)
    assert list(back.columns) == ["scenario", "draw", *OUTCOMES, *members]
    assert back.groupby("scenario").size().to_dict() == {"baseline": 1_234, "pushed": 1_234}
    pd.testing.assert_frame_equal(
        back[["scenario", "draw", *OUTCOMES]], draws.counts, check_dtype=False
    )
    votes = back[back["scenario"] == "pushed"][members].to_numpy()
    assert (votes == draws["pushed"].votes[members].to_numpy()).all()
    assert seen[-1] == 2 * 1_234
    assert [p.name for p in tmp_path.iterdir()] == ["all.csv.gz"]


def test_docstring_examples() -> None:
    result = doctest.testmod(draws_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4
    assert result.failed == 0
