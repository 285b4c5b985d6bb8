"""The rolling backtest, its baselines and the scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from unvote.errors import InvalidValueError
from unvote.evaluation import (
    LAST_COLUMNS,
    Backtest,
    backtest,
    last_vote_baseline,
    markov_baseline,
    score,
    summarise,
)
from unvote.load import VOTE_CATEGORIES
from unvote.model import PROBABILITY_COLUMNS
from unvote.panel import feature_panel

# 1995-2024 holds 29 votes: none was held in 2020
BACKTEST_YEARS = [y for y in range(1995, 2025) if y != 2020]
METHODS = ["model", "last_vote", "markov"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return feature_panel(2025)


@pytest.fixture(scope="module")
def result() -> Backtest:
    return backtest(1995, 2024)


@pytest.fixture(scope="module")
def table(result) -> pd.DataFrame:
    return result.scores


def test_backtest_table_has_a_row_per_year_and_method(table):
    assert len(table) == len(BACKTEST_YEARS) * len(METHODS)
    assert sorted(table["year"].unique()) == BACKTEST_YEARS
    assert list(table["method"].unique()) == METHODS
    assert not table.duplicated(["year", "method"]).any()
    assert table["members"].between(179, 193).all()


def test_model_beats_both_baselines(table):
    weighted = table.assign(total=table["log_loss"] * table["members"]).groupby("method")
    per_vote = weighted["total"].sum() / weighted["members"].sum()
    print("\nmean log loss per country-vote, 1995-2024:")
    print(per_vote.round(4).to_string())
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(summarise(table).round(3).to_string())
    assert per_vote["model"] < per_vote["last_vote"]
    assert per_vote["model"] < per_vote["markov"]


def test_summarise_restricts_to_years(table):
    recent = summarise(table, years=[2022, 2023, 2024])
    assert list(recent.index) == METHODS
    expected = table[table["year"] >= 2022].groupby("method")["log_loss"].mean()
    pd.testing.assert_series_equal(
        recent["log_loss"], expected.loc[METHODS], check_names=False, check_index_type=False
    )


# -- baselines ---------------------------------------------------------------------


@pytest.mark.parametrize("baseline", [last_vote_baseline, markov_baseline])
def test_baseline_probabilities_sum_to_one(panel, baseline):
    train, rows = panel[panel["year"] < 2024], panel[panel["year"] == 2025].set_index("iso3")
    probs = baseline(train, rows)
    assert list(probs.columns) == list(PROBABILITY_COLUMNS)
    assert probs.index.equals(rows.index)
    assert ((probs >= 0) & (probs <= 1)).all().all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_last_vote_baseline_favours_the_last_vote(panel):
    train, rows = panel[panel["year"] < 2024], panel[panel["year"] == 2024].set_index("iso3")
    probs = last_vote_baseline(train, rows)
    last = rows[LAST_COLUMNS].to_numpy()
    has_last = last.any(axis=1)
    assert has_last.all()
    np.testing.assert_array_equal(probs.to_numpy().argmax(axis=1), last.argmax(axis=1))


def tiny(pairs: list[tuple[str | None, str | None]]) -> pd.DataFrame:
    """Rows with one-hot last_* columns (None: no earlier vote) and a vote."""
    frame = pd.DataFrame(
        {f"last_{c}": [float(last == c) for last, _ in pairs] for c in VOTE_CATEGORIES}
    )
    frame["vote"] = pd.Categorical([v for _, v in pairs], categories=list(VOTE_CATEGORIES))
    return frame


def test_markov_baseline_is_the_smoothed_transition_table():
    train = tiny(
        [("yes", "yes")] * 3
        + [("yes", "no"), ("no", "no"), ("no", "no"), (None, "abstain"), ("absent", None)]
    )
    rows = tiny([("yes", None), ("no", None), ("abstain", None), (None, None)])
    probs = markov_baseline(train, rows).to_numpy()
    # transitions from the training rows, add-one smoothed (the row without a vote is dropped)
    expected = np.array(
        [
            [3 + 1, 0 + 1, 1 + 1, 0 + 1],  # from yes
            [0 + 1, 0 + 1, 2 + 1, 0 + 1],  # from no
            [1, 1, 1, 1],  # from abstain: never seen
            [3 + 1, 1 + 1, 3 + 1, 0 + 1],  # no earlier vote: outcome frequencies
        ],
        dtype=float,
    )
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probs, expected, rtol=0, atol=1e-15)


def test_last_vote_baseline_on_a_tiny_example():
    train = tiny([("yes", "yes")] * 3 + [("yes", "no"), ("no", "no"), (None, "abstain")])
    rows = tiny([("no", None), (None, None)])
    probs = last_vote_baseline(train, rows).to_numpy()
    switch = (1 + 1) / (5 + 2)  # one switch among five rows with a last vote, smoothed
    np.testing.assert_allclose(probs[0], [switch / 3, switch / 3, 1 - switch, switch / 3])
    frequencies = np.array([3 + 1, 1 + 1, 2 + 1, 0 + 1]) / 10
    np.testing.assert_allclose(probs[1], frequencies)


# -- scores ------------------------------------------------------------------------


def test_score_of_a_perfect_forecast(panel):
    rows = panel[panel["year"] == 2024].set_index("iso3")
    truth = rows["vote"].cat.codes.to_numpy()
    probs = pd.DataFrame(
        np.eye(len(VOTE_CATEGORIES))[truth], index=rows.index, columns=list(PROBABILITY_COLUMNS)
    )
    result = score(probs, rows["vote"])
    assert result["log_loss"] == pytest.approx(0, abs=1e-12)
    assert result["brier"] == pytest.approx(0, abs=1e-12)
    assert result["accuracy"] == 1
    assert result["f1_no"] == 1
    assert result["f1_abstain"] == 1
    for outcome in VOTE_CATEGORIES:
        assert result[f"err_{outcome}"] == pytest.approx(0, abs=1e-9)
        assert result[f"in95_{outcome}"] is True
        assert result[f"in80_{outcome}"] is True


def test_score_of_a_sure_wrong_forecast_is_clipped(panel):
    rows = panel[panel["year"] == 2024].set_index("iso3")
    truth = rows["vote"].cat.codes.to_numpy()
    wrong = (truth + 1) % len(VOTE_CATEGORIES)
    probs = pd.DataFrame(
        np.eye(len(VOTE_CATEGORIES))[wrong], index=rows.index, columns=list(PROBABILITY_COLUMNS)
    )
    result = score(probs, rows["vote"])
    assert result["log_loss"] == pytest.approx(-np.log(1e-15))
    assert result["accuracy"] == 0
    assert result["brier"] == pytest.approx(2)


# -- bad years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last"), [(1992, 2000), (1993, 1993), (1995, 2030), (2010, 2005)]
)
def test_bad_years_raise(first, last):
    # 1993 cannot be forecast: the model learns from 1993 on, so nothing comes before it.
    with pytest.raises(InvalidValueError, match="backtest years must lie within 1994-2024"):
        backtest(first, last)


def test_a_range_without_a_vote_says_so():
    with pytest.raises(InvalidValueError, match="no vote was held in 2020"):
        backtest(2020, 2020)


@pytest.mark.parametrize("years", [(1995.0, 2000), ("1995", 2000), (True, 2000)])
def test_years_must_be_whole_numbers(years):
    with pytest.raises(InvalidValueError, match="whole number"):
        backtest(*years)


def test_the_first_year_that_can_be_forecast_is_backtested():
    assert backtest(1994, 1994).years == [1994]


# -- the summary -----------------------------------------------------------------------


def test_summary_is_the_readme_table(result):
    summary = result.summary()
    assert list(summary.index) == ["vote model", "Markov transitions", "as last time"]
    assert summary.index.name == "method"
    assert list(summary.columns) == [
        "log loss",
        "Brier",
        "accuracy",
        "F1 no",
        "F1 abstain",
        "yes count error (expected - recorded)",
        "80 % interval hit (% of years)",
        "95 % interval hit (% of years)",
    ]
    # the means, in readable units: percentages of the 29 years, signed count errors
    means = summarise(result).loc["model"]
    row = summary.loc["vote model"]
    assert row["log loss"] == round(means["log_loss"], 3)
    assert row["80 % interval hit (% of years)"] == round(100 * means["in80_yes"])
    assert row["yes count error (expected - recorded)"] == round(means["err_yes"], 1)
    assert summary["log loss"].is_monotonic_increasing
    assert not any(str(v) == "-0.0" for v in summary.to_numpy().ravel())
    # the numbers the README shows
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = f"| vote model | **{row['log loss']:.3f}** | {row['Brier']:.3f} |"
    assert line in readme


def test_repr_and_json_of_a_backtest(result):
    text = repr(result)
    assert text.startswith("<Backtest 1995-2024: 29 votes")
    assert "vote model" in text and "log_loss" not in text
    assert "<table" in result._repr_html_()
    data = result.to_dict()
    json.dumps(data, allow_nan=False)  # NaN (an F1 without cases) becomes None
    assert (data["first"], data["last"], data["votes"]) == (1995, 2024, 29)
    assert [r["method"] for r in data["summary"]] == list(result.summary().index)


def test_per_year_names_the_methods(result):
    wide = result.per_year("brier")
    assert list(wide.columns) == ["vote model", "as last time", "Markov transitions"]
    assert list(wide.index) == BACKTEST_YEARS
    with pytest.raises(InvalidValueError, match="unknown score"):
        result.per_year("nothing")
