"""Forecasts: one vote of an item under every scenario, coming roll calls, the cache, the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unvote
from unvote.errors import InvalidTypeError, InvalidValueError, ScenarioError, UnknownNameError
from unvote.forecasting.draws import draw_counts
from unvote.forecasting.roll_calls import forecast_roll_calls
from unvote.forecasting.vote import Forecast, forecast, strength_sweep
from unvote.model import cache
from unvote.model.fitting import model_cutoff
from unvote.scenarios.scenario import STRENGTH_NODES, Channel, Scenario

BUILTIN = ["baseline", "cable", "ukraine-argument", "allies", "strong"]
OUTCOMES = ["yes", "abstain", "no", "absent"]
PROBS = ["p_yes", "p_abstain", "p_no", "p_absent"]


@pytest.fixture(scope="module")
def fc(record) -> Forecast:
    return forecast(2025, record=record)


def test_forecast_covers_every_builtin_scenario(fc) -> None:
    assert list(fc.scenarios) == BUILTIN
    # A past vote, forecast as it could have been the day before it.
    assert (fc.year, fc.members, fc.roll_call) == (2025, 193, "dgacm:A/RES/80/4")
    assert fc.date == pd.Timestamp("2025-10-29") and fc.through == pd.Timestamp("2025-10-28")
    assert fc.item.label == "Ending the US embargo against Cuba"
    assert fc.thresholds == (185, 180, 170)  # from the last count known then, 2024's 187
    assert fc.outcome == {
        "year": 2025,
        "date": "2025-10-29",
        "yes": 165,
        "abstain": 12,
        "no": 7,
        "absent": 9,
    }
    # The model is refitted at each session's opening: the eve of session 80's.
    assert fc.model.train_sessions_ == (65, 79)


def test_the_next_vote_is_forecast_from_the_end_of_the_record(record) -> None:
    nxt = forecast(2026, ["baseline"], record=record)
    assert nxt.roll_call is None and nxt.outcome is None
    assert nxt.through == pd.Timestamp("2026-06-04") and nxt.date > nxt.through
    assert nxt.date == nxt.item.usual_date(2026)
    assert nxt.thresholds == (165, 160, 150)  # from 2025's 165


@pytest.mark.parametrize("name", BUILTIN)
def test_marginals_are_distributions_and_expected_counts_add_up(fc, name) -> None:
    sf = fc.scenarios[name]
    for outcome in OUTCOMES:
        pmf = sf.marginals[outcome].to_numpy()
        assert (pmf >= 0).all() and pmf.sum() == pytest.approx(1.0, abs=1e-9)
        mean = float((np.arange(len(pmf)) * pmf).sum())
        assert mean == pytest.approx(sf.expected[outcome], abs=1e-6)
    assert sum(sf.expected[o] for o in OUTCOMES) == pytest.approx(193, abs=1e-9)
    assert list(sf.probs.columns) == PROBS
    np.testing.assert_allclose(sf.probs.sum(axis=1), 1.0, atol=1e-12)
    for key in ("80", "95"):
        for outcome in OUTCOMES:
            lo, hi = sf.intervals[key][outcome]
            assert 0 <= lo <= sf.expected[outcome] + 1 and sf.expected[outcome] - 1 <= hi <= 193


def test_the_baseline_keeps_the_models_mean(fc) -> None:
    """The shock widens the count distributions without moving the mean the model fitted."""
    plain = fc.model.predict_proba(fc.features)
    baseline = fc.scenarios["baseline"].probs
    assert abs(baseline["p_yes"].sum() - plain["p_yes"].sum()) < 0.5
    members = fc.scenarios["baseline"].members
    np.testing.assert_allclose(members["p_not_yes_baseline"], 1 - baseline["p_yes"], atol=1e-12)


def test_campaigns_lower_the_expected_yes_count_and_every_p_yes(fc) -> None:
    yes = {name: sf.expected["yes"] for name, sf in fc.scenarios.items()}
    assert yes["strong"] <= yes["cable"] <= yes["baseline"]
    for name in ("ukraine-argument", "allies"):
        assert yes["cable"] <= yes[name] <= yes["baseline"]
    base = fc.scenarios["baseline"].probs["p_yes"]
    for name in BUILTIN:
        assert (fc.scenarios[name].probs["p_yes"] <= base + 1e-12).all()


def test_the_campaigner_is_never_a_target(fc) -> None:
    for name in BUILTIN:
        sf = fc.scenarios[name]
        assert sf.members.loc["USA", "channels"] == ""
        assert "USA" not in sf.moved_by_campaign(193).index


def test_the_two_lists_say_what_they_mean(fc) -> None:
    sf = fc.scenarios["cable"]
    moved = sf.moved_by_campaign(15)
    assert len(moved) == 15 and moved["change"].is_monotonic_decreasing
    assert not moved["last_vote"].isin(["no", "abstain"]).any()
    np.testing.assert_allclose(moved["change"], moved["p_not_yes"] - moved["p_not_yes_baseline"])
    anyway = sf.likely_to_change_anyway(10)
    assert anyway["p_change"].is_monotonic_decreasing
    # History alone: the same list under every scenario.
    pd.testing.assert_frame_equal(anyway, fc.scenarios["baseline"].likely_to_change_anyway(10))
    assert fc.scenarios["baseline"].moved_by_campaign(10).empty


def test_strength_priors_widen_the_intervals(fc) -> None:
    cable = fc.scenarios["cable"]
    assert cable.scenario.uncertain and len(cable.components) == STRENGTH_NODES
    fixed = cable.scenario.at_level("central")
    at_centre = unvote.forecasting.vote.scenario_forecast(
        fc.model, fc.features, fixed, fc.scenarios["baseline"].probs
    )
    lo, hi = cable.intervals["80"]["yes"]
    lo_fixed, hi_fixed = at_centre.intervals["80"]["yes"]
    assert hi - lo > hi_fixed - lo_fixed


def test_exact_counts_agree_with_draws(fc) -> None:
    sf = fc.scenarios["cable"]
    counts = fc.simulate(40_000, random_state=2024)["cable"].counts
    for outcome in OUTCOMES:
        assert abs(counts[outcome].mean() - sf.expected[outcome]) < 0.3, outcome
    drawn = np.bincount(counts["yes"], minlength=194) / len(counts)
    np.testing.assert_allclose(drawn, sf.marginals["yes"].to_numpy(), atol=0.01)


def test_to_dict_has_the_documented_shape(fc) -> None:
    data = json.loads(json.dumps(fc.to_dict(top=5), allow_nan=False))
    assert data["year"] == 2025 and data["through"] == "2025-10-28"
    assert data["item"]["label"] == "Ending the US embargo against Cuba"
    assert data["model"]["fitted_on"] == "sessions 65-79"
    assert [s["name"] for s in data["scenarios"]] == BUILTIN
    for scenario in data["scenarios"]:
        assert list(scenario["expected"]) == OUTCOMES
        assert set(scenario["intervals"]) == {"80", "95"}
        assert scenario["last_observed"] == {
            "year": 2024,
            "date": "2024-10-30",
            "yes": 187,
            "abstain": 1,
            "no": 2,
            "absent": 3,
        }
        assert len(scenario["countries"]) == 193
        assert len(scenario["likely_to_change_anyway"]) == 5
        assert scenario["campaign"]["campaigner"] == "USA"
    cable = data["scenarios"][1]
    assert [m["iso3"] for m in cable["moved_by_campaign"]] == list(
        fc.scenarios["cable"].moved_by_campaign(5).index
    )
    allies = cable["campaign"]["channels"][0]
    assert allies["strength"]["prior"] == "log-normal" and allies["kind"] == "vote"


def test_to_dict_honours_top_0_and_countries(fc) -> None:
    data = fc.to_dict(top=0, countries=["POL"])
    scenario = data["scenarios"][0]
    assert scenario["moved_by_campaign"] == [] and scenario["likely_to_change_anyway"] == []
    assert data["countries_asked"][0]["iso3"] == "POL"
    assert list(data["countries_asked"][0]["scenarios"]) == BUILTIN


# ----------------------------------------------------------------------------- past votes


def test_a_past_vote_is_forecast_as_the_day_before_with_its_outcome(record) -> None:
    past = forecast(2019, ["baseline", "allies"], record=record)
    assert past.roll_call is not None and past.through == past.date - pd.Timedelta(days=1)
    assert past.outcome == {
        "year": 2019,
        "date": "2019-11-07",
        "yes": 187,
        "abstain": 2,
        "no": 3,
        "absent": 1,
    }
    assert past.last_observed["year"] == 2018
    assert model_cutoff(record, past.through) < pd.Timestamp("2019-09-30")
    # ES-11 selectors find nobody before 2022: built-ins that need them are skipped.
    every = forecast(2019, record=record)
    assert set(every.skipped) == {"cable", "ukraine-argument", "strong"}
    with pytest.raises(ScenarioError, match="selects no member"):
        forecast(2019, ["cable"], record=record)


def test_through_can_be_a_year_or_a_date_but_not_after_the_vote(record) -> None:
    early = forecast(2019, ["baseline"], through=2018, record=record)
    assert early.through == pd.Timestamp("2018-12-31")
    with pytest.raises(InvalidValueError, match="through must be before the vote"):
        forecast(2019, ["baseline"], through="2019-12-01", record=record)
    with pytest.raises(InvalidValueError, match="through must be a date"):
        forecast(2019, ["baseline"], through="soon", record=record)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1991, "the years 1992-2026 can be forecast"),
        (2027, "the years 1992-2026 can be forecast"),
        (2020, "no vote on ending the US embargo against Cuba was held in 2020"),
    ],
)
def test_years_that_cannot_be_forecast_are_named(record, year, message) -> None:
    with pytest.raises(InvalidValueError, match=message):
        forecast(year, ["baseline"], record=record)


def test_any_item_can_be_forecast(record) -> None:
    other = forecast(2025, ["baseline"], item="assistance to palestine refugees", record=record)
    assert "palestine refugees" in other.item.label.lower()
    assert other.scenarios["baseline"].expected["no"] < 10
    # Voted in December 2025: a past vote, its thresholds from the count known before it.
    assert other.roll_call is not None and other.date.year == 2025
    assert other.thresholds == unvote.items.catalogue.thresholds_for(other.recorded(2024)["yes"])


# ----------------------------------------------------------------------------- the cache


def test_a_second_forecast_comes_from_the_cache_without_the_record(fc, monkeypatch) -> None:
    forecast(2025, ["baseline"])  # through the cache as a user calls it
    monkeypatch.setattr(
        unvote.forecasting.vote, "load_record", lambda: pytest.fail("the record was loaded")
    )
    again = forecast(2025, ["baseline"])
    pd.testing.assert_frame_equal(again.scenarios["baseline"].probs, fc.scenarios["baseline"].probs)
    assert again.item == fc.item


def test_a_corrupt_cache_entry_is_rebuilt_not_trusted(fc, monkeypatch) -> None:
    entries = list((Path(unvote.record.datadir.cache_dir()) / "vote").glob("*.json"))
    assert entries
    for entry in entries:
        entry.write_text('{"key": ')  # cut short
    again = forecast(2025, ["baseline"])
    assert again.scenarios["baseline"].expected["yes"] == pytest.approx(
        fc.scenarios["baseline"].expected["yes"], abs=1e-6
    )
    for entry in entries:
        entry.write_text(json.dumps({"key": "another", "value": 1}))
    assert cache.fetch("vote", {"any": "key"}) is None


# ----------------------------------------------------------------------------- coming roll calls


COMING = pd.DataFrame(
    {
        "id": ["cuba", "refugees", "new"],
        "date": ["2026-10-30", "2026-12-04", "2026-12-04"],
        "title": [
            "Necessity of ending the economic, commercial and financial embargo imposed by the "
            "United States of America against Cuba",
            "Assistance to Palestine refugees",
            "International day of quiet gardens",
        ],
        "sponsors": ["Cuba", "", ""],
    }
)


def test_coming_roll_calls_are_forecast_and_linked(record) -> None:
    result = forecast_roll_calls(COMING, record=record)
    assert result.through == pd.Timestamp("2026-06-04") and len(result) == 3
    cuba, refugees, new = result["cuba"], result["refugees"], result["new"]
    assert cuba.linked and refugees.linked and not new.linked
    assert cuba.item == get_item_id(record, "A/RES/80/4") == get_item_id(record, "A/RES/79/7")
    assert cuba.p_adopted > 0.99 and cuba.expected["yes"] > 150
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["through"] == "2026-06-04"
    entry = data["roll_calls"][0]
    assert set(entry) >= {"id", "date", "title", "item", "linked", "expected", "intervals"}
    assert list(entry["expected"]) == OUTCOMES and set(entry["intervals"]) == {"80", "95"}
    assert len(entry["members"]) == 193 and set(entry["members"][0]) == {"iso3", *PROBS}
    assert list(result.table().index) == ["cuba", "refugees", "new"]


def get_item_id(record, symbol: str) -> str:
    return record.calls.set_index("resolution").loc[symbol, "item"]


def test_a_roll_call_of_the_record_removed_is_forecast_from_before_it(record) -> None:
    """Session 79's last roll calls, as a forecast made before they were held."""
    calls = record.calls[record.calls["session"] == 79].tail(3)
    coming = calls[["id", "date", "title"]].assign(date=calls["date"].dt.strftime("%Y-%m-%d"))
    through = calls["date"].min() - pd.Timedelta(days=1)
    result = forecast_roll_calls(coming, through=through, record=record)
    for rc, (_, call) in zip(result, calls.iterrows(), strict=True):
        lo, hi = rc.intervals["95"]["yes"]
        known = record.calls[record.calls["date"] <= through]
        earlier = known[known["item"] == call["item"]]
        assert rc.linked == (not earlier.empty)  # a text first voted later is new to this forecast
        assert rc.item == (call["item"] if rc.linked else f"new:{call['id']}")
        assert lo - 25 <= call["yes"] <= hi + 25  # in the neighbourhood: a forecast, not a copy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.assign(date="2026-06-01"), "on or before the cut-off 2026-06-04"),
        (lambda c: c.assign(date="next week"), "is not a date"),
        (lambda c: c.drop(columns="title"), "lack column"),
        (lambda c: pd.concat([c, c.iloc[:1]]), "appears twice"),
        (lambda c: c.iloc[:0], "the table is empty"),
        (lambda c: c.assign(sponsors="Atlantis"), "unknown sponsor 'Atlantis'"),
    ],
    ids=["before-the-cut-off", "bad-date", "no-title", "twice", "empty", "bad-sponsor"],
)
def test_bad_roll_calls_are_refused(record, change, message) -> None:
    with pytest.raises(unvote.UnvoteError, match=message):
        forecast_roll_calls(change(COMING.copy()), record=record)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.assign(sponsors="Cuba; Atlantis"), "roll call 'cuba': unknown sponsor"),
        (lambda c: c.assign(date="next week"), "is not a date"),
        (lambda c: pd.concat([c, c.iloc[:1]]), "appears twice"),
    ],
    ids=["bad-sponsor", "bad-date", "twice"],
)
def test_the_table_is_checked_before_the_record_is_read(monkeypatch, change, message) -> None:
    import unvote.forecasting.roll_calls

    def never(*args, **kwargs):
        raise AssertionError("the record was read (or a model fitted) before the table was checked")

    monkeypatch.setattr(unvote.forecasting.roll_calls, "load_record", never)
    monkeypatch.setattr(unvote.forecasting.roll_calls, "fitted_model", never)
    with pytest.raises(unvote.UnvoteError, match=message):
        forecast_roll_calls(change(COMING.copy()), through="2025-09-19")


# ----------------------------------------------------------------------------- what a user meets


def test_sweep_expected_yes_does_not_increase_with_the_factor(fc) -> None:
    table = fc.strength_sweep("cable", [0, 1, 2])
    assert table["expected_yes"].is_monotonic_decreasing
    assert table["expected_yes"].iloc[0] == pytest.approx(fc.scenarios["baseline"].expected["yes"])
    assert strength_sweep.__doc__


def test_one_scenario_may_be_given_alone(record) -> None:
    assert list(forecast(2025, "cable", record=record).scenarios) == ["cable"]


def test_numpy_years_give_plain_json(record) -> None:
    fc = forecast(np.int64(2025), ["baseline"], record=record)
    assert type(fc.year) is int and '"year": 2025' in json.dumps(fc.to_dict(), allow_nan=False)


@pytest.mark.parametrize("year", [2025.0, "2025", True])
def test_a_year_must_be_a_whole_number(year) -> None:
    with pytest.raises(InvalidTypeError, match="year must be a whole number"):
        forecast(year, ["baseline"])


@pytest.mark.parametrize(
    ("scenarios", "message"),
    [
        (["cable", "cable"], "scenario 'cable' is given twice"),
        ([], "no scenario given"),
        (42, "scenarios must be a name, a file, a Scenario or a list"),
    ],
)
def test_scenario_lists_are_checked(scenarios, message) -> None:
    with pytest.raises(unvote.UnvoteError, match=message):
        forecast(2025, scenarios)


def test_another_campaigner_is_measured_against_its_own_alignment(record) -> None:
    scenario = Scenario(
        "russia",
        "Russia presses its partners to abstain",
        channels=(
            Channel(
                "partners",
                "abstain with us",
                strength=1.0,
                response={"feature": "campaigner_agreement", "slope": 3.0},
            ),
        ),
        campaigner="RUS",
    )
    fc = forecast(2025, ["baseline", scenario], record=record)
    sf = fc.scenarios["russia"]
    assert sf.members.loc["RUS", "channels"] == ""
    # The response acts on each member's own log-odds: compare shifts there, not in
    # probabilities, which also depend on how firm each member was to begin with.
    before, after = sf.members["p_not_yes_baseline"], 1 - sf.members["p_yes"]
    shift = np.log(after / (1 - after)) - np.log(before / (1 - before))
    assert sf.expected["yes"] < fc.scenarios["baseline"].expected["yes"]
    assert shift.loc["BLR"] > shift.loc["POL"] > 0  # Belarus, closest to Russia, moves most


def test_table_and_reprs(fc) -> None:
    table = fc.table()
    assert list(table.columns[:3]) == ["yes", "yes 80 %", "yes 95 %"]
    assert list(table.columns[-3:]) == ["P(yes<185)", "P(yes<180)", "P(yes<170)"]
    assert "-0.0" not in table.to_string()
    text = repr(fc)
    assert text.startswith("<Forecast of the 2025 vote on ending the US embargo against Cuba")
    assert len(text.splitlines()) == 1 + len(BUILTIN) + 1  # and the recorded counts
    assert text.splitlines()[-1].split() == [
        "recorded",
        "yes",
        "165,",
        "abstain",
        "12,",
        "no",
        "7,",
        "absent",
        "9>",
    ]
    assert "<table" in fc._repr_html_()
    assert repr(fc.scenarios["cable"]).startswith("<ScenarioForecast 'cable': expected yes ")


def test_no_stray_public_names_in_the_package() -> None:
    import types

    public = {n for n in dir(unvote) if not n.startswith("_")}
    modules = {n for n in public if isinstance(getattr(unvote, n), types.ModuleType)}
    assert public - modules == set(unvote.__all__)


def test_draws_are_seeded_and_refuse_bad_blocs(fc) -> None:
    draws = fc.simulate(2_000, random_state=3, blocs=["eu"], bloc_sd=0.5)
    again = fc.simulate(2_000, random_state=3, blocs=["eu"], bloc_sd=0.5)
    pd.testing.assert_frame_equal(draws.counts, again.counts)
    assert (draw_counts(draws["cable"].votes).sum(axis=1) == 193).all()
    with pytest.raises(unvote.UnvoteError, match="bloc 'atlantis' is not a group"):
        fc.simulate(10, random_state=0, blocs="atlantis", bloc_sd=1.0)


# ----------------------------------------------------------------------------- dated strengths

VOTE_2025 = pd.Timestamp("2025-10-29")


def _later_changed(record):
    """The record with every vote on or after the 2025 Cuba vote turned around.

    A member's yes becomes no, its abstain or absence yes, its no absent; the
    tallies follow.  Nothing before 2025-10-29 changes.
    """
    import dataclasses

    later = (record.calls["date"] >= VOTE_2025).to_numpy()
    codes = record.codes.copy()
    turned = np.array([2, 0, 3, 0])  # yes -> no, abstain -> yes, no -> absent, absent -> yes
    member = codes[later] >= 0
    codes[later] = np.where(member, turned[np.clip(codes[later], 0, 3)], codes[later])
    calls = record.calls.copy()
    for k, outcome in enumerate(OUTCOMES):
        calls.loc[later, outcome] = (codes[later] == k).sum(axis=1)
    return dataclasses.replace(record, calls=calls, codes=codes, _item_calls=record._item_calls)


def _seeds_with_later_evidence_changed(tmp_path, monkeypatch) -> Path:
    """The built-in scenario files, with everything resting on the 2025 vote changed.

    The newest generation (evidence through 2025-10-29) gets every strength tripled;
    the catalogue's episodes on or after the vote are dropped.
    """
    import re
    import shutil

    import unvote.scenarios.scenario as scenario_module

    copy = tmp_path / "seeds"
    shutil.copytree(scenario_module.seed_dir(), copy)
    for path in copy.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(
            r"central = ([0-9.]+), range = \[([0-9.]+), ([0-9.]+)\]",
            lambda m: "central = {:.3f}, range = [{:.3f}, {:.3f}]".format(
                *(3 * float(g) for g in m.groups())
            ),
            text,
        )
        path.write_text(text, encoding="utf-8")
    episodes = pd.read_csv(copy / "episodes.csv", dtype=str, keep_default_na=False)
    episodes[episodes["date"] < f"{VOTE_2025:%Y-%m-%d}"].to_csv(copy / "episodes.csv", index=False)
    monkeypatch.setattr(scenario_module, "seed_dir", lambda: copy)
    return copy


def _numbers(fc: Forecast) -> dict:
    """Every number a forecast gives about its vote (not the recorded outcome beside it)."""
    return {
        name: (
            sf.expected.round(10).to_dict(),
            sf.intervals,
            sf.members[PROBS].round(12).to_dict(),
            sf.marginals.round(12).to_dict(),
        )
        for name, sf in fc.scenarios.items()
    }


def test_nothing_on_or_after_the_2025_vote_reaches_its_forecast(
    record, tmp_path, monkeypatch
) -> None:
    """Every vote and every episode from 2025-10-29 on changed: forecast(2025) does not move.

    A model of two sessions, fitted afresh on each record (the cache kept out), so the
    fit, the features and the built-in scenarios are all tested; forecast(2026), which
    may use them, does move.
    """
    from unvote.model import cache as cache_module
    from unvote.model.estimator import VoteModel

    monkeypatch.setattr(cache_module, "fetch", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache_module, "store", lambda *args, **kwargs: None)
    small = VoteModel(window=2)
    before = forecast(2025, record=record, model=small)
    before_2026 = forecast(2026, ["cable"], record=record, model=small)
    assert list(before.scenarios) == BUILTIN and before.roll_call is not None

    changed = _later_changed(record)
    _seeds_with_later_evidence_changed(tmp_path, monkeypatch)
    after = forecast(2025, record=changed, model=small)
    assert after.outcome != before.outcome  # the vote itself did change
    assert after.through == before.through == VOTE_2025 - pd.Timedelta(days=1)
    assert after.model.to_dict() == before.model.to_dict()
    known = [c for c in before.features.columns if c != "vote"]  # "vote": the outcome
    pd.testing.assert_frame_equal(after.features[known], before.features[known])
    assert _numbers(after) == _numbers(before)

    after_2026 = forecast(2026, ["cable"], record=changed, model=small)
    assert after_2026.scenarios["cable"].expected["yes"] != pytest.approx(
        before_2026.scenarios["cable"].expected["yes"], abs=0.5
    )


def test_the_2025_vote_uses_the_five_episodes_and_2026_all_six(fc, record) -> None:
    from unvote.scenarios.scenario import get_scenario

    assert fc.date == VOTE_2025
    for name, sf in fc.scenarios.items():
        assert sf.scenario.evidence_through == pd.Timestamp("2025-10-05"), name
        assert sf.scenario.path.endswith(f"five-episodes/{name}.toml")
    assert fc.scenarios["cable"].scenario == get_scenario("cable", on=VOTE_2025)
    assert fc.scenarios["cable"].scenario.channels[0].strength.central == 1.5  # as before
    nxt = forecast(2026, record=record)
    assert nxt.date > VOTE_2025 and nxt.roll_call is None
    assert list(nxt.scenarios) == ["baseline", "cable", "strong"]
    for sf in nxt.scenarios.values():
        assert sf.scenario.evidence_through == VOTE_2025
    assert nxt.scenarios["cable"].scenario == get_scenario("cable")
    data = nxt.to_dict(top=0)
    assert [s["campaign"]["evidence_through"] for s in data["scenarios"]] == ["2025-10-29"] * 3
    # A retired built-in is refused for 2026, in one line; a file is used as given.
    with pytest.raises(UnknownNameError, match="not built in for a vote on 2026"):
        forecast(2026, ["allies"], record=record)
    # The sweep of a built-in name resolves for the forecast's own vote.
    sweep_2025 = fc.strength_sweep("cable", [1.0])
    assert sweep_2025["expected_yes"].iloc[0] == pytest.approx(
        fc.scenarios["cable"].expected["yes"]
    )


# ----------------------------------------------------------------------------- retrospective


def test_the_2025_vote_in_retrospect(fc) -> None:
    retro = fc.retrospective
    recorded = {"yes": 165, "abstain": 12, "no": 7, "absent": 9}
    assert retro.recorded.to_dict() == recorded == {o: fc.outcome[o] for o in OUTCOMES}
    assert retro.baseline == "baseline" and retro.summary.index.tolist() == list(fc.scenarios)
    base = fc.scenarios["baseline"]
    assert retro.votes_moved == pytest.approx(base.expected["yes"] - 165)
    for key, bounds in base.intervals.items():
        lo, hi = bounds["yes"]
        assert retro.votes_moved_intervals[key] == (lo - 165, hi - 165)
    # The model alone did not expect a count this low.
    assert retro.summary.loc["baseline", "percentile"] < 0.01 and retro.votes_moved > 10
    for name, sf in fc.scenarios.items():
        pmf = sf.marginals["yes"].to_numpy()
        row = retro.summary.loc[name]
        assert row["percentile"] == pytest.approx(pmf[:165].sum() + pmf[165] / 2)
        assert row["log_score"] == pytest.approx(np.log(pmf[165]))
        votes = fc.features["vote"].astype(str)
        chosen = [sf.probs.loc[i, f"p_{v}"] for i, v in votes.items()]
        assert row["member_log_loss"] == pytest.approx(-np.mean(np.log(chosen)))
    movers = retro.movers
    assert (movers["recorded"] != movers["likeliest"]).all()
    assert movers["surprise"].is_monotonic_decreasing
    assert {"ARG", "HUN"} <= set(movers.index)  # both voted no
    left_yes = fc.features.index[(fc.features["vote"] != "yes") & (base.probs["p_yes"] > 0.5)]
    assert set(left_yes) <= set(movers.index)
    assert fc.retrospective is retro  # computed once


def test_the_retrospective_is_in_the_json_and_repr(fc) -> None:
    data = json.loads(json.dumps(fc.to_dict(top=5), allow_nan=False))
    retro = data["retrospective"]
    assert retro == fc.retrospective.to_dict(5) and len(retro["movers"]) == 5
    assert retro["recorded"] == {"yes": 165, "abstain": 12, "no": 7, "absent": 9}
    assert [s["name"] for s in retro["scenarios"]] == list(fc.scenarios)
    assert fc.to_dict(top=5) == fc.to_dict(top=5)
    assert "percentile of the 165 recorded" in repr(fc).splitlines()[0]
    assert "Retrospective" in fc._repr_html_()


def test_the_retrospective_computes_the_baseline_when_not_asked(fc, record) -> None:
    alone = forecast(2025, ["cable"], record=record)
    retro = alone.retrospective
    assert retro.baseline == "baseline" and retro.summary.index.tolist() == ["baseline", "cable"]
    pd.testing.assert_frame_equal(
        retro.summary, fc.retrospective.summary.loc[["baseline", "cable"]]
    )
    pd.testing.assert_frame_equal(retro.movers, fc.retrospective.movers)


def test_a_coming_vote_has_no_retrospective(record) -> None:
    coming = forecast(2026, ["baseline"], record=record)
    assert coming.outcome is None and coming.retrospective is None
    assert coming.to_dict()["retrospective"] is None
