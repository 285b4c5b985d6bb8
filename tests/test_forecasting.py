"""Forecasts: the exact distributions of every built-in scenario, the JSON shape, sweeps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unvote
from unvote.draws import draw_counts, draw_votes
from unvote.errors import InvalidTypeError, ScenarioError
from unvote.forecasting import Forecast, forecast, sweep
from unvote.panel import features
from unvote.scenario import get_scenario

BUILTIN = ["baseline", "cable", "ukraine-argument", "allies", "strong"]
OUTCOMES = ["yes", "no", "abstain", "absent"]
OUTCOMES_ORDER = ["yes", "abstain", "no", "absent"]
PROBS = ["p_yes", "p_abstain", "p_no", "p_absent"]


@pytest.fixture(scope="module")
def fc() -> Forecast:
    return forecast(2025)


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return features(2025)


def test_forecast_covers_every_builtin_scenario(fc) -> None:
    assert list(fc.scenarios) == BUILTIN
    assert (fc.year, fc.through, fc.members) == (2025, 2024, 193)


@pytest.mark.parametrize("name", BUILTIN)
def test_marginals_are_distributions_and_expected_counts_add_up(fc, name) -> None:
    sf = fc.scenarios[name]
    assert set(OUTCOMES) <= set(sf.marginals.columns)
    for outcome in OUTCOMES:
        pmf = sf.marginals[outcome].to_numpy()
        assert (pmf >= 0).all()
        assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
        # the expected count is the mean of the exact distribution
        mean = float((np.arange(len(pmf)) * pmf).sum())
        assert mean == pytest.approx(sf.expected[outcome], abs=1e-6)
    assert sum(sf.expected[o] for o in OUTCOMES) == pytest.approx(193, abs=1e-9)
    probs = sf.probs
    assert list(probs.columns) == PROBS
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    for key in ("80", "95"):
        for outcome in OUTCOMES:
            lo, hi = sf.intervals[key][outcome]
            assert 0 <= lo <= sf.expected[outcome] + 1 and sf.expected[outcome] - 1 <= hi <= 193


def test_baseline_is_the_plain_model_prediction(fc, rows) -> None:
    plain = fc.model.predict_proba(rows)
    pd.testing.assert_frame_equal(fc.scenarios["baseline"].probs, plain, check_exact=True)
    members = fc.scenarios["baseline"].members
    assert (members["p_yes_baseline"] == plain["p_yes"]).all()


def test_campaigns_lower_the_expected_yes_count(fc) -> None:
    yes = {name: sf.expected["yes"] for name, sf in fc.scenarios.items()}
    assert yes["cable"] <= yes["baseline"]
    assert yes["strong"] <= yes["cable"]
    for name in ("ukraine-argument", "allies"):
        assert yes["cable"] <= yes[name] <= yes["baseline"]


def test_campaigns_lower_every_members_p_yes(fc) -> None:
    base = fc.scenarios["baseline"].probs["p_yes"]
    for name in BUILTIN:
        assert (fc.scenarios[name].probs["p_yes"] <= base + 1e-12).all()
    strong, cable = fc.scenarios["strong"].probs, fc.scenarios["cable"].probs
    assert (strong["p_yes"] <= cable["p_yes"] + 1e-12).all()


def test_exact_counts_agree_with_100000_draws(fc) -> None:
    sf = fc.scenarios["cable"]
    draws = draw_votes(sf.probs, 100_000, random_state=20251029)
    means = draw_counts(draws).mean()
    for outcome in OUTCOMES:
        assert abs(means[outcome] - sf.expected[outcome]) < 0.3, outcome
    # and the drawn yes counts land in the exact 95 % interval about 95 % of the time
    lo, hi = sf.intervals["95"]["yes"]
    inside = draw_counts(draws)["yes"].between(lo, hi).mean()
    assert inside >= 0.95 - 0.01


def test_to_dict_has_the_documented_shape(fc) -> None:
    data = fc.to_dict()
    assert {"year", "through", "members", "scenarios"} <= set(data)
    assert (data["year"], data["through"], data["members"]) == (2025, 2024, 193)
    assert [s["name"] for s in data["scenarios"]] == BUILTIN
    for scenario in data["scenarios"]:
        assert {
            "name",
            "description",
            "expected",
            "intervals",
            "last_observed",
            "countries",
        } <= set(scenario)
        assert isinstance(scenario["description"], str) and scenario["description"]
        assert set(scenario["expected"]) == set(OUTCOMES)
        assert sum(scenario["expected"].values()) == pytest.approx(193, abs=1e-3)
        assert set(scenario["intervals"]) == {"80", "95"}
        for bounds in scenario["intervals"].values():
            assert set(bounds) == set(OUTCOMES)
            for lo, hi in bounds.values():
                assert isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi <= 193
        assert scenario["last_observed"] == {
            "year": 2024,
            "yes": 187,
            "no": 2,
            "abstain": 1,
            "absent": 3,
        }
        countries = scenario["countries"]
        assert len(countries) == 193
        assert len({c["iso3"] for c in countries}) == 193
        for country in countries:
            assert {"iso3", "country", "last_vote", *PROBS} <= set(country)
            assert country["last_vote"] in ("yes", "abstain", "no", "absent", "none")
            assert sum(country[p] for p in PROBS) == pytest.approx(1.0, abs=1e-5)
    assert fc.last_observed == {"year": 2024, "yes": 187, "no": 2, "abstain": 1, "absent": 3}


def test_a_past_vote_can_be_forecast_with_scenarios_that_apply_then() -> None:
    past = forecast(2019, ["baseline", "allies"], through=2018)
    assert (past.year, past.through) == (2019, 2018)
    assert past.last_observed["year"] == 2018
    assert past.scenarios["allies"].expected["yes"] <= past.scenarios["baseline"].expected["yes"]


def test_forecast_of_2019_through_2018_with_every_builtin() -> None:
    past = forecast(2019, through=2018)
    assert past.through == 2018
    # Built-in scenarios whose Ukraine channel selects nobody before 2022 are skipped, with why.
    assert list(past.scenarios) == ["baseline", "allies"]
    assert set(past.skipped) == {"cable", "ukraine-argument", "strong"}
    with pytest.raises(ScenarioError, match="selects no member"):
        forecast(2019, ["cable"], through=2018)


@pytest.mark.parametrize("scenarios", [None, ["baseline"]], ids=["builtin", "baseline"])
def test_through_must_come_before_the_year(scenarios) -> None:
    with pytest.raises(ValueError, match="through"):
        forecast(2019, scenarios, through=2019)


def test_sweep_expected_yes_does_not_increase_with_the_factor() -> None:
    table = sweep(2025, "cable", [0, 1, 2])
    assert table["factor"].tolist() == [0.0, 1.0, 2.0]
    assert table["expected_yes"].is_monotonic_decreasing
    assert table["expected_yes"].iloc[0] > table["expected_yes"].iloc[2]
    assert {"yes_lo80", "yes_hi80", "expected_no", "expected_abstain"} <= set(table.columns)


# ----------------------------------------------------------------------------- what a user meets


def test_one_scenario_may_be_given_alone() -> None:
    fc = forecast(2025, "cable")
    assert list(fc.scenarios) == ["cable"]  # not the scenarios 'c', 'a', 'b', ...
    assert list(forecast(2025, get_scenario("allies")).scenarios) == ["allies"]


def test_numpy_years_give_plain_json() -> None:
    fc = forecast(np.int64(2025), ["baseline"], through=np.int32(2024))
    text = json.dumps(fc.to_dict(), allow_nan=False)
    assert (fc.year, fc.through) == (2025, 2024) and type(fc.year) is int
    assert '"year": 2025' in text


@pytest.mark.parametrize("year", [2025.0, "2025", True])
def test_a_year_must_be_a_whole_number(year) -> None:
    with pytest.raises(InvalidTypeError, match="year must be a whole number"):
        forecast(year, ["baseline"])


@pytest.mark.parametrize(
    ("scenarios", "message"),
    [
        (["cable", "cable"], "scenario 'cable' is given twice"),
        (["cable", "strong", get_scenario("cable")], "given twice"),
        ([], "no scenario given"),
        (42, "scenarios must be a name, a file, a Scenario or a list"),
    ],
)
def test_scenario_lists_are_checked(scenarios, message) -> None:
    with pytest.raises(unvote.UnvoteError, match=message):
        forecast(2025, scenarios)


def test_two_scenarios_with_one_name_are_refused(tmp_path) -> None:
    text = Path(get_scenario("allies").path).read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match="two scenarios are named 'allies'"):
        forecast(2025, ["allies", tmp_path / "a.toml"])


@pytest.mark.parametrize("year", [1991, 1992, 1993, 2026])
def test_the_first_year_that_can_be_forecast_is_named_truly(year) -> None:
    with pytest.raises(ValueError, match="the years 1994-2025 can be forecast"):
        forecast(year, ["baseline"])
    assert forecast(1994, ["baseline"]).through == 1993


def test_table_is_rounded_in_the_outcome_order_and_documented(fc) -> None:
    table = fc.table()
    assert list(table.columns[:12]) == [
        f"{o}{suffix}" for o in OUTCOMES_ORDER for suffix in ("", " 80 %", " 95 %")
    ]
    assert list(table.columns[12:]) == ["P(yes<185)", "P(yes<180)", "P(yes<170)"]
    assert (table[OUTCOMES_ORDER] == table[OUTCOMES_ORDER].round(1)).all().all()
    assert (table["P(yes<185)"] == table["P(yes<185)"].round(3)).all()
    doc = Forecast.table.__doc__ or ""
    assert all(part in doc for part in ("``o 80 %``", "``o 95 %``", "``P(yes<t)``"))
    assert "-0.0" not in table.to_string()


def test_reprs_are_short_and_say_what_they_hold(fc) -> None:
    text = repr(fc)
    assert text.startswith("<Forecast of the 2025 vote: 193 members, model fitted on 1993-2024")
    assert len(text.splitlines()) == 1 + len(BUILTIN) and len(text) < 600
    assert "<table" in fc._repr_html_() and "Forecast of the 2025 vote" in fc._repr_html_()
    sf = repr(fc.scenarios["cable"])
    assert sf.startswith("<ScenarioForecast 'cable': expected yes ") and "\n" not in sf
    assert len(sf) < 200


def test_no_stray_public_names_in_the_package() -> None:
    import types

    public = {n for n in dir(unvote) if not n.startswith("_")}
    modules = {n for n in public if isinstance(getattr(unvote, n), types.ModuleType)}
    assert public - modules == set(unvote.__all__)
    assert "annotations" not in public


def test_to_dict_lists_outcomes_in_one_order_and_honours_top_0(fc) -> None:
    data = fc.to_dict(top=0, countries=["USA"])
    scenario = data["scenarios"][0]
    assert list(scenario["expected"]) == OUTCOMES_ORDER
    assert list(scenario["last_observed"]) == ["year", *OUTCOMES_ORDER]
    assert scenario["movers"] == []
    assert data["countries_asked"][0]["iso3"] == "USA"
    assert list(data["countries_asked"][0]["scenarios"]) == BUILTIN


# ----------------------------------------------------------------------------- draws


def test_simulate_returns_every_scenarios_draws(fc) -> None:
    draws = fc.simulate(2_000, random_state=3, blocs=["eu", "nato"], bloc_sd=0.5)
    assert list(draws) == BUILTIN
    assert (draws.n, draws.seed, draws.bloc_sd) == (2_000, 3, 0.5)
    assert sorted(draws.blocs) == ["eu", "nato"] and len(draws.blocs["eu"]) == 27
    cable = draws["cable"]
    assert cable.votes.shape == (2_000, 193)
    assert (cable.counts.sum(axis=1) == 193).all()
    # the draws follow the exact distribution's mean (bloc shocks are symmetric on the logit)
    assert abs(cable.counts["yes"].mean() - fc.scenarios["cable"].expected["yes"]) < 1.0
    again = fc.simulate(2_000, random_state=3, blocs=["eu", "nato"], bloc_sd=0.5)
    pd.testing.assert_frame_equal(draws.counts, again.counts)


def test_simulate_without_blocs_follows_the_exact_mixture(fc) -> None:
    sf = fc.scenarios["strong"]
    counts = fc.simulate(40_000, random_state=1)["strong"].counts
    drawn = np.bincount(counts["yes"], minlength=194) / len(counts)
    np.testing.assert_allclose(drawn, sf.marginals["yes"].to_numpy(), atol=0.01)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"blocs": "atlantis", "bloc_sd": 1.0}, "bloc 'atlantis' is not a group"),
        ({"blocs": ["eu"], "bloc_sd": 1e308}, "bloc_sd must be a number from 0 to 10"),
        ({"bloc_sd": 1.0}, "needs at least one bloc"),
    ],
)
def test_simulate_refuses_bad_blocs(fc, kwargs, message) -> None:
    with pytest.raises(unvote.UnvoteError, match=message):
        fc.simulate(10, random_state=0, **kwargs)
