"""Forecast quality: scores by hand, baselines, the forward test and an item's backtest."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import unvote
from unvote.errors import InvalidValueError
from unvote.evaluation.runs import (
    UNSIM,
    always_yes_baseline,
    backtest,
    call_scores,
    forward_test,
    issue_shares_baseline,
    last_vote_baseline,
    markov_baseline,
    member_scores,
)
from unvote.vocabulary import PROBABILITY_COLUMNS

OUTCOMES = ["yes", "abstain", "no", "absent"]


def rows_of(votes: list[str], last: list[str | None]) -> pd.DataFrame:
    """A tiny table of member-votes with their last votes on the item."""
    frame = pd.DataFrame({"vote": pd.Categorical(votes, categories=OUTCOMES)})
    for o in OUTCOMES:
        frame[f"last_{o}"] = [1.0 if v == o else 0.0 for v in last]
    return frame


# ----------------------------------------------------------------------------- scores


def test_member_scores_by_hand():
    p = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1]])
    truth = np.array([0, 1])  # yes (forecast yes), abstain (forecast no)
    scores = member_scores(p, truth)
    assert scores["log_loss"] == pytest.approx(-(np.log(0.7) + np.log(0.1)) / 2)
    assert scores["brier"] == pytest.approx((0.09 + 0.03 + 0.81 + 0.01 + 0.49 + 0.01) / 2)
    # RPS over yes < abstain < no < absent: cumulative forecast minus cumulative truth.
    rps_first = ((0.7 - 1) ** 2 + (0.8 - 1) ** 2 + (0.9 - 1) ** 2) / 3
    rps_second = (0.1**2 + (0.2 - 1) ** 2 + (0.9 - 1) ** 2) / 3
    assert scores["rps"] == pytest.approx((rps_first + rps_second) / 2)
    assert scores["accuracy"] == 0.5 and scores["f1_yes"] == 1.0 and scores["f1_abstain"] == 0.0
    assert np.isnan(scores["f1_absent"])  # neither happened nor forecast
    assert scores["macro_f1"] == pytest.approx(np.mean([1.0, 0.0, 0.0]))


def test_a_sure_wrong_forecast_is_clipped_not_infinite():
    scores = member_scores(np.array([[1.0, 0.0, 0.0, 0.0]]), np.array([2]))
    assert np.isfinite(scores["log_loss"]) and scores["log_loss"] > 30


def test_call_scores_of_a_sure_forecast():
    typical = np.tile([1.0, 0.0, 0.0, 0.0], (10, 1))
    scores = call_scores(typical, 0.0, np.zeros(10, dtype=int))
    assert scores["expected_yes"] == 10 and scores["err_yes"] == 0.0
    assert scores["in80_yes"] == scores["in95_yes"] == 1.0 and scores["width80_yes"] == 0.0


# ----------------------------------------------------------------------------- baselines


def test_baselines_on_a_tiny_example():
    train = rows_of(["yes", "yes", "no", "abstain", "yes"], ["yes", "yes", "no", "yes", None])
    rows = rows_of(["yes", "no"], ["yes", None])
    for baseline in (always_yes_baseline, last_vote_baseline, markov_baseline):
        probs = baseline(train, rows)
        assert list(probs.columns) == list(PROBABILITY_COLUMNS)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    last = last_vote_baseline(train, rows)
    switch = (1 + 1) / (4 + 2)  # one switch in four known last votes, add-one smoothed
    assert last.loc[0, "p_yes"] == pytest.approx(1 - switch)
    markov = markov_baseline(train, rows)
    # After a yes: yes twice, abstain once, plus half... add-one: (2+1)/(3+4).
    assert markov.loc[0, "p_yes"] == pytest.approx(3 / 7)
    # No last vote: the training rows without one (one yes), add-one.
    assert markov.loc[1, "p_yes"] == pytest.approx(2 / 5)
    assert (
        always_yes_baseline(train, rows)["p_yes"]
        .eq(always_yes_baseline(train, rows).max(axis=1))
        .all()
    )


def test_issue_shares_come_from_the_three_previous_sessions(record):
    calls = record.calls
    coded = calls[
        (calls["session"] == 70) & (calls["issue"] != "") & (calls["vote_on"] == "resolution")
    ]
    call = coded.iloc[0]
    rows = pd.DataFrame({"id": [call["id"]] * 2, "iso3": ["USA", "CUB"]})
    shares = issue_shares_baseline(record, rows, 70)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    # The USA and Cuba vote differently on the texts of any issue.
    assert not np.allclose(shares.iloc[0], shares.iloc[1])
    assert issue_shares_baseline(record, rows.assign(id="dgacm:A/RES/79/7"), 79) is None


# ----------------------------------------------------------------------------- the forward test


@pytest.fixture(scope="module")
def result(record):
    return forward_test(79, 79, record=record)


def test_the_forward_test_forecasts_every_roll_call_of_the_session(result, record):
    calls = record.calls[record.calls["session"] == 79]
    predictions = result.predictions
    assert set(predictions["footing"]) == {"frozen", "rolling"}
    assert set(predictions["method"]) == {"model", "always_yes", "last_vote", "markov"}
    model = predictions[(predictions["method"] == "model") & (predictions["footing"] == "frozen")]
    assert set(model["id"]) == set(calls["id"])
    sums = model[list(PROBABILITY_COLUMNS)].sum(axis=1)
    np.testing.assert_allclose(sums, 1.0, atol=1e-5)
    # Every method scores the same member-votes.
    sizes = predictions.groupby(["footing", "method"]).size()
    assert sizes.nunique() == 1


def test_the_model_beats_the_baselines(result):
    for footing in ("frozen", "rolling"):
        table = result.summary(footing)
        assert table.index[0] == "vote model"
        assert table.loc["vote model", "log loss / item Markov"] < 0.9
        # The model calls an outcome by its decision weights: it trades a little accuracy
        # for the minority votes (DECISION_WEIGHTS), so macro-F1 is what it must win on.
        assert table.loc["vote model", "macro-F1"] >= table.loc["Markov transitions", "macro-F1"]
    assert result.summary("rolling").loc["vote model", "log loss"] <= (
        result.summary("frozen").loc["vote model", "log loss"] + 0.01
    )


def test_linked_and_new_texts_are_scored_apart(result):
    linked = result.summary("frozen", linked=True)
    new = result.summary("frozen", linked=False)
    total = result.summary("frozen")
    assert (
        linked.loc["vote model", "member-votes"] + new.loc["vote model", "member-votes"]
        == (total.loc["vote model", "member-votes"])
    )
    assert new.loc["vote model", "log loss"] > linked.loc["vote model", "log loss"]


def test_forward_test_tables_and_json(result):
    by_session = result.by_session("frozen")
    assert list(by_session.index) == [79] and "vote model" in by_session.columns
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["sessions"] == [79, 79]
    assert set(data["footings"]) == {"frozen", "rolling"}
    assert data["unsim"][0]["index"] == "UNSim v0.1"
    assert repr(result).startswith("<ForwardTest of sessions 79-79>")
    assert set(UNSIM) == {"UNSim v0.1", "UNSim enhanced"}


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (5, 10, "sessions must lie within 16-80"),
        (79, 81, "sessions must lie within"),
        (79, 78, "first <= last"),
    ],
)
def test_bad_sessions_are_refused(record, first, last, message):
    with pytest.raises(InvalidValueError, match=message):
        forward_test(first, last, record=record)


# ----------------------------------------------------------------------------- an item's backtest


@pytest.fixture(scope="module")
def cuba(record):
    return backtest(2023, 2024, record=record)


def test_the_backtest_forecasts_each_vote_from_before_it(cuba):
    assert cuba.years == [2023, 2024]
    assert cuba.item == "Ending the US embargo against Cuba"
    assert set(cuba.scores["method"]) == {"model", "last_vote", "markov"}
    assert (cuba.scores["members"] == 193).all()
    model = cuba.scores[cuba.scores["method"] == "model"].set_index("year")
    assert model.loc[2024, "yes"] == 187


def test_summary_is_the_readme_table(cuba):
    table = cuba.summary()
    assert list(table.index) == sorted(table.index, key=lambda m: table.loc[m, "log loss"])
    assert "yes count error (expected - recorded)" in table.columns
    assert table["80 % interval hit (% of roll calls)"].between(0, 100).all()
    assert "-0.0" not in table.to_string()
    data = json.loads(json.dumps(cuba.to_dict(), allow_nan=False))
    assert (data["first"], data["last"], data["votes"]) == (2023, 2024, 2)
    assert cuba.per_year().columns.tolist() == ["vote model", "as last time", "Markov transitions"]


def test_a_backtest_of_cached_fits_builds_no_training_rows(cuba, record, monkeypatch):
    monkeypatch.setattr(
        unvote.evaluation.runs, "training_rows", lambda *a: pytest.fail("training rows built")
    )
    again = backtest(2023, 2024, record=record)
    pd.testing.assert_frame_equal(again.scores, cuba.scores)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (1990, 2000, "must lie within 1993-2025"),
        (2020, 2020, "no vote on"),
        (2000, 1995, "first <= last"),
    ],
)
def test_bad_backtest_years_are_refused(record, first, last, message):
    with pytest.raises(InvalidValueError, match=message):
        backtest(first, last, record=record)
