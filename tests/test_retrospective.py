"""Retrospectives on small probability tables, checked by hand and by brute-force enumeration."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from probability_tables import make_probs, random_probs

from unvote.errors import InvalidTypeError, InvalidValueError
from unvote.forecasting.counts import interval, marginals
from unvote.forecasting.retrospective import FLOOR, MOVER_COLUMNS, SCORE_COLUMNS, retrospective

OUTCOMES = ["yes", "abstain", "no", "absent"]


def _votes(codes, index) -> pd.Series:
    return pd.Series([OUTCOMES[c] for c in codes], index=index)


def _brute_yes_pmf(probs: pd.DataFrame) -> np.ndarray:
    """The yes-count pmf by enumerating every one of the 4^n outcomes."""
    values = probs.to_numpy()
    n = len(values)
    pmf = np.zeros(n + 1)
    for outcome in itertools.product(range(4), repeat=n):
        pmf[outcome.count(0)] += np.prod(values[np.arange(n), outcome])
    return pmf


# ----------------------------------------------------------------------------- by hand


@pytest.fixture
def two() -> tuple[pd.Series, dict[str, pd.DataFrame]]:
    """Two members: AAA 0.9 yes / 0.1 abstain, BBB an even yes / no; AAA abstains, BBB votes yes.

    Without a campaign the yes count is 0 with 0.05, 1 with 0.5 and 2 with 0.45; under the
    campaign (AAA 0.5 / 0.5) 0 with 0.25, 1 with 0.5, 2 with 0.25.
    """
    base = make_probs([[0.9, 0.1, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0]])
    campaign = make_probs([[0.5, 0.5, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0]])
    return _votes([1, 0], base.index), {"baseline": base, "campaign": campaign}


def test_votes_moved_by_hand(two) -> None:
    votes, probs = two
    retro = retrospective(votes, probs)
    assert retro.recorded.tolist() == [1, 1, 0, 0]
    moved = retro.moved
    assert moved.loc["yes", "expected"] == pytest.approx(1.4)
    assert moved.loc["yes", "change"] == pytest.approx(-0.4)
    assert retro.votes_moved == pytest.approx(0.4)
    # The baseline's yes count: 80 % interval 1-2, so without a campaign 0 to 1 more yes.
    assert (moved.loc["yes", "change_lo80"], moved.loc["yes", "change_hi80"]) == (-1, 0)
    assert retro.votes_moved_intervals["80"] == (0, 1)
    # Abstentions: 0.1 expected, 1 recorded; the baseline's interval is 0-1 at 95 %.
    assert moved.loc["abstain", "change"] == pytest.approx(0.9)
    assert (moved.loc["abstain", "change_lo95"], moved.loc["abstain", "change_hi95"]) == (0, 1)
    assert moved["change"].sum() == pytest.approx(0.0)  # the members are the same


def test_scores_by_hand(two) -> None:
    votes, probs = two
    summary = retrospective(votes, probs).summary
    assert summary.index.tolist() == ["baseline", "campaign"]
    assert summary.columns.tolist() == list(SCORE_COLUMNS)
    base, campaign = summary.loc["baseline"], summary.loc["campaign"]
    assert (base["p_below"], base["p_at_most"]) == pytest.approx((0.05, 0.55))
    assert base["percentile"] == pytest.approx(0.3)
    assert base["log_score"] == pytest.approx(math.log(0.5))
    assert campaign["percentile"] == pytest.approx(0.5)  # the middle of a symmetric pmf
    assert campaign["log_score"] == pytest.approx(math.log(0.5))
    # Member log loss: AAA abstaining had 0.1 (0.5 under the campaign), BBB yes 0.5.
    assert base["member_log_loss"] == pytest.approx(-(math.log(0.1) + math.log(0.5)) / 2)
    assert campaign["member_log_loss"] == pytest.approx(-math.log(0.5))
    assert base["expected_yes"] == pytest.approx(1.4) and campaign["expected_yes"] == 1.0
    assert base["yes_error"] == pytest.approx(0.4)


def test_movers_by_hand(two) -> None:
    votes, probs = two
    members = pd.DataFrame(
        {"country": ["Aland", "Bland"], "last_vote": ["yes", "no"]}, index=votes.index
    )
    retro = retrospective(votes, probs, members=members)
    movers = retro.movers
    assert movers.columns.tolist() == list(MOVER_COLUMNS)
    # BBB voted yes at even odds: not beyond what the baseline expected.
    assert movers.index.tolist() == ["C00"]
    row = movers.loc["C00"]
    assert (row["country"], row["last_vote"], row["recorded"], row["likeliest"]) == (
        "Aland",
        "yes",
        "abstain",
        "yes",
    )
    assert row["p_recorded"] == pytest.approx(0.1)
    assert row["surprise"] == pytest.approx(-math.log(0.1))
    assert retro.expected_movers == pytest.approx(0.1 + 0.5)
    assert retro.p_recorded.loc["C00"].tolist() == pytest.approx([0.1, 0.5])


def test_the_baseline_comes_first_whatever_the_order_given(two) -> None:
    votes, probs = two
    retro = retrospective(
        votes, {"campaign": probs["campaign"], "none": probs["baseline"]}, baseline="none"
    )
    assert retro.summary.index.tolist() == ["none", "campaign"]
    assert retro.baseline == "none" and retro.yes_pmfs.columns.tolist() == ["none", "campaign"]
    assert retro.yes_pmfs["none"].tolist() == pytest.approx([0.05, 0.5, 0.45])


# ----------------------------------------------------------------------------- brute force


@pytest.mark.parametrize("seed", range(6))
def test_percentile_and_log_score_match_enumeration(seed) -> None:
    rng = np.random.default_rng(seed)
    base = random_probs(6, seed, zeros=0.2)
    other = random_probs(6, seed + 100)
    votes = _votes(rng.integers(0, 4, size=6), base.index)
    retro = retrospective(votes, {"baseline": base, "other": other})
    y = int((votes == "yes").sum())
    for name, table in (("baseline", base), ("other", other)):
        pmf = _brute_yes_pmf(table)
        row = retro.summary.loc[name]
        assert row["p_below"] == pytest.approx(pmf[:y].sum(), abs=1e-12)
        assert row["p_at_most"] == pytest.approx(pmf[: y + 1].sum(), abs=1e-12)
        assert row["percentile"] == pytest.approx(pmf[:y].sum() + pmf[y] / 2, abs=1e-12)
        assert row["log_score"] == pytest.approx(math.log(max(pmf[y], FLOOR)), rel=1e-9)
        assert (row["yes_lo80"], row["yes_hi80"]) == interval(pmf, 0.8)
        chosen = table.to_numpy()[np.arange(6), [OUTCOMES.index(v) for v in votes]]
        expected_loss = -np.log(np.maximum(chosen, FLOOR)).mean()
        assert row["member_log_loss"] == pytest.approx(expected_loss, rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_the_moved_interval_is_the_baseline_count_less_the_recorded_one(seed) -> None:
    """Y0 - recorded, Y0 from enumeration: its equal-tailed quantiles are the interval."""
    rng = np.random.default_rng(seed)
    base = random_probs(6, seed)
    votes = _votes(rng.integers(0, 4, size=6), base.index)
    retro = retrospective(votes, {"baseline": base})
    y = int((votes == "yes").sum())
    pmf = _brute_yes_pmf(base)
    support = np.arange(len(pmf)) - y  # the values of Y0 - y
    for level, key in ((0.8, "80"), (0.95, "95")):
        cdf = np.cumsum(pmf)
        tail = (1 - level) / 2
        lo = support[np.searchsorted(cdf, tail - 1e-12)]
        hi = support[np.searchsorted(cdf, 1 - tail - 1e-12)]
        assert retro.votes_moved_intervals[key] == (lo, hi)
    assert retro.votes_moved == pytest.approx(float((np.arange(len(pmf)) * pmf).sum()) - y)


def test_mid_percentiles_are_centred_when_the_forecast_is_right() -> None:
    """Votes drawn from the forecast itself: mid-percentiles average 1/2, P(Y <= y) more."""
    base = random_probs(30, 7, alpha=(6.0, 1.0, 1.0, 1.0))
    pmf = marginals(base)["yes"].to_numpy()
    rng = np.random.default_rng(11)
    cum = base.to_numpy().cumsum(axis=1)
    mids, at_most = [], []
    for _ in range(2000):
        codes = (rng.random((30, 1)) > cum).sum(axis=1)
        y = int((codes == 0).sum())
        mids.append(pmf[:y].sum() + pmf[y] / 2)
        at_most.append(pmf[: y + 1].sum())
    retro = retrospective(_votes(codes, base.index), {"baseline": base})
    assert retro.summary.loc["baseline", "percentile"] == pytest.approx(mids[-1])
    assert abs(np.mean(mids) - 0.5) < 0.015
    assert np.mean(at_most) > 0.5 + 0.03


# ----------------------------------------------------------------------------- edges and errors


def test_an_impossible_vote_keeps_every_score_finite() -> None:
    base = make_probs([[1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    retro = retrospective(_votes([2, 0], base.index), {"baseline": base})
    row = retro.summary.loc["baseline"]
    assert row["log_score"] == pytest.approx(math.log(FLOOR))
    assert math.isfinite(row["member_log_loss"])
    assert retro.movers.loc["C00", "surprise"] == pytest.approx(-math.log(FLOOR))
    text = json.dumps(retro.to_dict(), allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text


def test_to_dict_is_plain_rounded_and_takes_top(two) -> None:
    votes, probs = two
    retro = retrospective(votes, probs)
    data = retro.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert list(data) == [
        "baseline",
        "recorded",
        "votes_moved",
        "change",
        "members_moved",
        "members_moved_expected",
        "scenarios",
        "movers",
    ]
    assert data["votes_moved"] == {"yes": 0.4, "intervals": {"80": [0, 1], "95": [-1, 1]}}
    assert list(data["change"]) == OUTCOMES
    assert [s["name"] for s in data["scenarios"]] == ["baseline", "campaign"]
    assert data["scenarios"][0]["percentile"] == 0.3
    assert data["members_moved"] == 1 and len(data["movers"]) == 1
    assert retro.to_dict(top=0)["movers"] == [] and retro.to_dict(top=0)["members_moved"] == 1
    assert "votes moved off yes" in repr(retro) and "<table" in retro._repr_html_()


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ("vote", InvalidValueError, "the recorded vote of 'C00' is 'maybe'"),
        ("member", InvalidValueError, "the members differ from the recorded votes'"),
        ("baseline", InvalidValueError, "needs the no-campaign forecast"),
        ("type", InvalidTypeError, "votes must be a pandas Series"),
        ("pmfs", InvalidValueError, "count pmfs must have rows 0..2"),
    ],
)
def test_bad_inputs_are_one_clear_error(two, change, error, message) -> None:
    votes, probs = two
    pmfs = None
    if change == "vote":
        votes = votes.replace({"abstain": "maybe"})
    elif change == "member":
        votes = votes.rename({"C01": "ZZZ"})
    elif change == "baseline":
        probs = {"campaign": probs["campaign"]}
    elif change == "type":
        votes = votes.tolist()
    elif change == "pmfs":
        pmfs = {"baseline": marginals(probs["baseline"]).iloc[:2]}
    with pytest.raises(error, match=message.replace("(", r"\(").replace(".", r"\.")):
        retrospective(votes, probs, pmfs=pmfs)
