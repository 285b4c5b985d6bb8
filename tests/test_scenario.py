"""Scenarios: built-in files, kinds, priors, responses, the campaigner, selectors,
malformed and hostile files, and monotonicity on the real forecast of the 2025 vote."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import statistics
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unvote
import unvote.scenarios.scenario as scenario_module
from unvote.errors import (
    EmptySelectionError,
    InvalidTypeError,
    InvalidValueError,
    ScenarioError,
    UnknownNameError,
)
from unvote.forecasting.counts import expected_counts, integrate_shock
from unvote.forecasting.vote import scenario_forecast
from unvote.model.features import last_vote
from unvote.scenarios.scenario import (
    CATEGORY_FEATURES,
    CHANNEL_KEYS,
    KINDS,
    MAX_SHIFT,
    PRIOR_COVERAGE,
    RESPONSE_FEATURES,
    SCENARIO_KEYS,
    SELECTABLE,
    STRENGTH_NODES,
    Channel,
    Response,
    Scenario,
    Strength,
    builtin_generation,
    builtin_generations,
    builtin_scenarios,
    get_scenario,
    parse_scenario,
    read_scenario,
    seed_dir,
    select,
    strength_nodes,
)

BUILTIN = ["baseline", "cable", "ukraine-argument", "allies", "strong"]
"""The built-in scenarios of the 2025 vote: those resting on the five episodes before it."""
NEWEST = ["baseline", "cable", "strong"]
"""The built-in scenarios of votes after 2025-10-29: resting on the six episodes to it."""
VOTE_2025 = pd.Timestamp("2025-10-29")
Z80 = statistics.NormalDist().inv_cdf(0.9)
"""The 90th percentile of the standard normal: a prior's 80 % band is ``median × exp(±Z80 σ)``."""

HEAD = 'name = "test"\ndescription = "a scenario written by a test"\n'
CHANNEL = """
[[channel]]
name = "allies"
talking_point = "vote no"
kind = "vote"
select = { us_treaty_ally = true }
strength = { central = 1.0, range = [0.5, 2.0] }
"""
OLD_CHANNEL = """
[[channel]]
name = "allies"
talking_point = "vote no"
select = { us_treaty_ally = true }
vote_shift = { central = 1.0, range = [0.5, 2.0] }
absence_shift = { central = 0.2, range = [0.0, 0.5] }
"""
"""A channel in the format of unvote 0.1."""


def of_2025(name: str) -> Scenario:
    """A built-in scenario as the 2025 vote has it (the generation of five episodes)."""
    return get_scenario(name, on=VOTE_2025)


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _channel(**changes: str) -> str:
    """:data:`CHANNEL` with each key of ``changes`` replaced by its value."""
    text = CHANNEL
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def one_channel(name: str = "t", campaigner: str = "USA", **fields) -> Scenario:
    """A scenario of one channel built in code (``fields`` are the channel's)."""
    fields = {"name": "c", "talking_point": "t"} | fields
    return Scenario(name, "a scenario built by a test", (Channel(**fields),), campaigner=campaigner)


@pytest.fixture(scope="module")
def forecast_2025(record) -> unvote.Forecast:
    """The forecast of the 2025 vote: its feature rows and its fitted model."""
    return unvote.forecast(2025, ["baseline"], record=record)


@pytest.fixture(scope="module")
def rows(forecast_2025) -> pd.DataFrame:
    return forecast_2025.features


@pytest.fixture(scope="module")
def model(forecast_2025):
    return forecast_2025.model


@pytest.fixture(scope="module")
def baseline(model, rows) -> pd.DataFrame:
    """The members' probabilities without a campaign, as :func:`unvote.forecast` has them."""
    return integrate_shock(model.predict_proba(rows, shock=0.0), model.shock_sd(rows))


def forecast_of(model, rows, baseline, scenario: Scenario):
    return scenario_forecast(model, rows, scenario, baseline)


# ----------------------------------------------------------------------------- built-ins


def test_every_builtin_scenario_parses() -> None:
    assert builtin_scenarios(VOTE_2025) == BUILTIN
    for name in BUILTIN:
        scenario = of_2025(name)
        assert isinstance(scenario, Scenario)
        assert scenario.name == name
        assert scenario.description.strip()
        assert scenario.path.endswith(f"{name}.toml")
        assert scenario.campaigner == "USA"
        assert all(isinstance(s, str) and s for s in scenario.sources)


def test_the_cable_its_parts_and_its_strong_form() -> None:
    baseline, cable, strong = (
        of_2025("baseline"),
        of_2025("cable"),
        of_2025("strong"),
    )
    assert baseline.channels == () and not baseline.uncertain
    assert [(c.name, c.kind) for c in cable.channels] == [
        ("allies", "vote"),
        ("ukraine-argument", "vote"),
        ("human-rights-record", "vote"),
        ("absence", "absence"),
    ]
    # The one-channel scenarios are the cable's channels, as they are.
    assert of_2025("allies").channels == cable.channels[:1]
    assert of_2025("ukraine-argument").channels == cable.channels[1:2]
    # strong: every channel of the cable fixed at the top of its range.
    assert cable.uncertain and not strong.uncertain
    assert [c.name for c in strong.channels] == [c.name for c in cable.channels]
    for mine, theirs in zip(strong.channels, cable.channels, strict=True):
        assert mine.strength == Strength.fixed_at(theirs.strength.high)
        assert (mine.kind, mine.select, mine.response) == (
            theirs.kind,
            theirs.select,
            theirs.response,
        )


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_channels_select_members_and_state_priors(name: str, rows) -> None:
    scenario = of_2025(name)
    chosen = scenario.selected(rows)
    for channel in scenario.channels:
        assert chosen[channel.name].any(), f"{name}: {channel.name} selects nobody in 2025"
        strength = channel.strength
        assert strength.uncertain != strength.fixed
        if strength.uncertain:
            assert 0 < strength.low < strength.central < strength.high <= MAX_SHIFT
        else:  # strong: fixed at the top of the cable's range
            assert 0 < strength.low == strength.central == strength.high <= MAX_SHIFT
    for z in (-3.0, 0.0, 3.0):
        offsets = scenario.offsets(rows, z=z)
        assert list(offsets.columns) == ["abstain", "no", "absent"]
        assert (offsets.to_numpy() >= 0).all()
        assert (offsets.loc["USA"] == 0).all(), "the campaigner is never a target"
        untouched = ~chosen.any(axis=1)
        assert (offsets[untouched].to_numpy() == 0).all()


@pytest.mark.parametrize("name", ["cable", "ukraine-argument"])
def test_the_offset_grid_adds_each_channels_shift_at_each_node(name: str, rows) -> None:
    scenario = of_2025(name)
    chosen = scenario.selected(rows)
    zs = [-2.0, 0.0, 1.5]
    for z, offsets in zip(zs, scenario.offset_grid(rows, chosen, zs), strict=True):
        expected = pd.DataFrame(0.0, index=rows.index, columns=list(offsets.columns))
        for channel in scenario.channels:
            shift = channel.shifts(rows, chosen[channel.name], scenario.campaigner, z)
            for outcome in channel.acts_on:
                expected[outcome] += shift
        pd.testing.assert_frame_equal(offsets, expected)


def test_strong_is_the_cable_at_the_high_end(rows) -> None:
    cable, strong = of_2025("cable"), of_2025("strong")
    high = cable.at_level("high")
    for z in (-2.0, 0.0, 2.0):  # fixed: the quantile does not matter
        pd.testing.assert_frame_equal(strong.offsets(rows, z=z), high.offsets(rows))
    assert (strong.offsets(rows).to_numpy() >= cable.offsets(rows).to_numpy()).all()
    assert (strong.offsets(rows).to_numpy() > cable.offsets(rows).to_numpy()).any()


# ----------------------------------------------------------------------------- generations


def test_built_in_scenarios_come_in_generations_dated_by_their_evidence() -> None:
    newest, five = builtin_generations()
    assert newest.evidence_through == VOTE_2025 and list(newest.names) == NEWEST
    assert five.evidence_through == pd.Timestamp("2025-10-05") and list(five.names) == BUILTIN
    assert newest.folder == seed_dir() and five.folder.parent == seed_dir()
    for generation in (newest, five):
        for name in generation.names:
            scenario = read_scenario(generation.folder / f"{name}.toml")
            assert scenario.evidence_through == generation.evidence_through, name
    assert builtin_scenarios() == NEWEST


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-10-29", "2025-10-05"),  # the 2025 vote: only what was known before it
        ("2025-10-30", "2025-10-29"),  # the day after: the 2025 vote is evidence
        ("2026-10-28", "2025-10-29"),
        ("2019-11-07", "2025-10-05"),  # before every generation's evidence: the earliest
    ],
)
def test_a_vote_gets_the_newest_generation_whose_evidence_ends_before_it(day, expected) -> None:
    assert builtin_generation(day).evidence_through == pd.Timestamp(expected)
    cable = get_scenario("cable", on=day)
    assert cable.evidence_through == pd.Timestamp(expected)
    assert cable.evidence_through < pd.Timestamp(day) or day < "2025-10-05"


def test_a_retired_name_is_refused_for_a_later_vote_and_found_without_a_date() -> None:
    with pytest.raises(UnknownNameError, match="'allies' is not built in for a vote on"):
        get_scenario("allies", on="2026-10-28")
    assert get_scenario("allies").evidence_through == pd.Timestamp("2025-10-05")
    assert get_scenario("allies", on=VOTE_2025).channels == of_2025("cable").channels[:1]
    with pytest.raises(UnknownNameError, match="did you mean 'cable'"):
        get_scenario("cabel", on="2026-10-28")
    with pytest.raises(InvalidValueError, match="date of a vote"):
        get_scenario("cable", on="soon")


def test_a_users_file_is_used_as_given_whatever_the_vote(tmp_path) -> None:
    path = write(tmp_path, HEAD + "evidence_through = 2030-01-01\n" + CHANNEL, "mine.toml")
    for day in (None, "2019-11-07", VOTE_2025, "2026-10-28"):
        scenario = get_scenario(path, on=day)
        assert scenario.evidence_through == pd.Timestamp("2030-01-01")
        assert scenario.channels[0].strength.central == 1.0
    assert read_scenario(write(tmp_path, HEAD + CHANNEL)).evidence_through is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025-10-29", "2025-10-29"), ('"2025-10-29"', "2025-10-29")],
)
def test_evidence_through_is_a_toml_date_or_a_string_of_one(tmp_path, value, expected) -> None:
    scenario = read_scenario(write(tmp_path, HEAD + f"evidence_through = {value}\n" + CHANNEL))
    assert scenario.evidence_through == pd.Timestamp(expected)
    assert scenario.describe()["evidence_through"] == expected


def _seeds_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the built-in scenario files, which seed_dir() then names."""
    import shutil

    copy = tmp_path / "seeds"
    shutil.copytree(seed_dir(), copy, ignore=shutil.ignore_patterns("*.csv", "*.md"))
    monkeypatch.setattr(scenario_module, "seed_dir", lambda: copy)
    return copy


def test_built_in_files_must_state_and_share_their_evidence_date(tmp_path, monkeypatch) -> None:
    copy = _seeds_copy(tmp_path, monkeypatch)
    strong = copy / "strong.toml"
    text = strong.read_text(encoding="utf-8")
    strong.write_text(text.replace("evidence_through = 2025-10-29\n", ""), encoding="utf-8")
    with pytest.raises(ScenarioError, match="must state evidence_through"):
        builtin_generations()
    strong.write_text(text.replace("2025-10-29", "2025-10-30"), encoding="utf-8")
    with pytest.raises(ScenarioError, match="disagree on evidence_through"):
        builtin_generations()
    strong.write_text(text, encoding="utf-8")
    assert [g.names for g in builtin_generations()] == [tuple(NEWEST), tuple(BUILTIN)]
    for path in copy.glob("*.toml"):  # the top files older than the folder's: refused
        path.write_text(
            path.read_text(encoding="utf-8").replace("2025-10-29", "2025-01-01"), encoding="utf-8"
        )
    with pytest.raises(ScenarioError, match="newest generation"):
        builtin_generations()


def test_the_newest_cable_is_the_2025_campaign_as_estimated() -> None:
    """Its strengths are the priors that scripts/estimate_pressure_episodes.py derives."""
    priors = pd.read_csv(seed_dir() / "episode_priors.csv", index_col="channel")
    cable, strong = get_scenario("cable"), get_scenario("strong")
    assert [c.name for c in cable.channels] == list(priors.index)
    for channel in cable.channels:
        prior = priors.loc[channel.name]
        assert channel.kind == prior["kind"] and channel.response is None
        assert channel.strength.central == pytest.approx(prior["median"], abs=0.005)
        assert channel.strength.low == pytest.approx(prior["low"], abs=0.005)
        assert channel.strength.high == pytest.approx(prior["high"], abs=0.005)
        assert channel.strength.mass_in_range == pytest.approx(PRIOR_COVERAGE, abs=0.002)
        assert "seeds/EPISODES.md" in channel.basis
    for mine, theirs in zip(strong.channels, cable.channels, strict=True):
        assert mine.strength == Strength.fixed_at(theirs.strength.high)
        assert (mine.name, mine.kind, mine.select) == (theirs.name, theirs.kind, theirs.select)


def test_the_newest_cables_vote_channels_do_not_overlap(rows) -> None:
    cable = get_scenario("cable")
    chosen = cable.selected(rows)
    assert not (chosen["allies"] & chosen["ukraine-argument"]).any()
    assert chosen["absence"].equals(chosen["allies"] | chosen["ukraine-argument"])
    assert chosen["allies"].sum() > 40 and chosen["ukraine-argument"].sum() > 30


# ----------------------------------------------------------------------------- kinds


def test_the_kinds_and_what_they_act_on() -> None:
    assert {name: kind.acts_on for name, kind in KINDS.items()} == {
        "vote": ("abstain", "no"),
        "abstain": ("abstain",),
        "no": ("no",),
        "absence": ("absent",),
    }
    assert all(kind.description for kind in KINDS.values())
    assert Channel("c", "t", strength=1.0).kind == "vote"  # the default


def test_a_file_without_kind_makes_a_vote_channel(tmp_path) -> None:
    path = write(tmp_path, HEAD + _channel(**{'kind = "vote"\n': ""}))
    assert read_scenario(path).channels[0].kind == "vote"


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_kind_shifts_only_its_outcomes(kind, rows) -> None:
    scenario = one_channel(kind=kind, select={"eu": True}, strength=1.25)
    offsets = scenario.offsets(rows)
    eu = rows["eu"].astype(bool)
    for outcome in offsets.columns:
        expected = 1.25 if outcome in KINDS[kind].acts_on else 0.0
        assert (offsets.loc[eu, outcome] == expected).all(), outcome
        assert (offsets.loc[~eu, outcome] == 0).all(), outcome


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_kind_moves_the_counts_it_names(kind, model, rows, baseline) -> None:
    none = forecast_of(model, rows, baseline, of_2025("baseline")).expected
    moved = forecast_of(model, rows, baseline, one_channel(kind=kind, strength=2.0)).expected
    assert moved["yes"] < none["yes"] - 1
    for outcome in ("abstain", "no", "absent"):
        if outcome in KINDS[kind].acts_on:
            assert moved[outcome] > none[outcome] + 0.2, outcome
        else:  # members leave yes and the outcomes the channel does not name alike
            assert moved[outcome] <= none[outcome] + 1e-9, outcome


@pytest.mark.parametrize(
    ("kind", "hint"),
    [("vot", "did you mean 'vote'"), ("absent", "did you mean 'absence'"), ("yes", "")],
)
def test_an_unknown_kind_is_refused_with_the_kinds(tmp_path, kind, hint) -> None:
    path = write(tmp_path, HEAD + _channel(**{'kind = "vote"': f'kind = "{kind}"'}))
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "kind must be one of vote, abstain, no, absence" in message
    assert hint in message
    with pytest.raises(ScenarioError, match="kind must be one of"):
        Channel("c", "t", kind=kind, strength=1.0)


# ----------------------------------------------------------------------------- priors


def _lognormal_mass(strength: Strength, low: float, high: float) -> float:
    """P(low <= S <= high) for the log-normal S of a prior, computed from its definition."""
    normal = statistics.NormalDist(math.log(strength.central), strength.sigma)
    below = normal.cdf(math.log(low)) if low > 0 else 0.0
    return normal.cdf(math.log(high)) - below


@pytest.mark.parametrize(("central", "factor"), [(1.0, 2.0), (0.3, 3.0), (1.5, 1.1), (40.0, 1.25)])
def test_a_prior_has_its_median_at_central_and_80_percent_in_its_range(central, factor) -> None:
    prior = Strength(central, central / factor, central * factor)
    assert prior.uncertain and not prior.fixed
    assert prior.at(0.0) == pytest.approx(central)
    assert prior.sigma == pytest.approx(math.log(factor) / Z80)
    assert prior.at(Z80) == pytest.approx(prior.high)
    assert prior.at(-Z80) == pytest.approx(prior.low)
    assert _lognormal_mass(prior, prior.low, prior.high) == pytest.approx(PRIOR_COVERAGE)
    assert prior.mass_in_range == PRIOR_COVERAGE
    # at() is the log-normal's quantile function, up to the largest shift
    for z in (-2.0, -0.5, 0.7, 2.3):
        p = statistics.NormalDist().cdf(z)
        if prior.at(z) < MAX_SHIFT:
            assert _lognormal_mass(prior, 0.0, prior.at(z)) == pytest.approx(p)
        else:
            assert central * math.exp(prior.sigma * z) >= MAX_SHIFT


def test_a_prior_read_from_a_file_and_described(tmp_path) -> None:
    path = write(tmp_path, HEAD + _channel(**{"[0.5, 2.0]": "[0.3, 2.7]", "1.0": "0.9"}))
    channel = read_scenario(path).channels[0]
    assert channel.strength == Strength(0.9, 0.3, 2.7)
    assert round(channel.strength.sigma, 3) == 0.857
    assert channel.describe()["strength"] == {
        "central": 0.9,
        "range": [0.3, 2.7],
        "prior": "log-normal",
        "median": 0.9,
        "sigma_log": round(math.log(9.0) / (2 * Z80), 6),
        "mass_in_range": 0.8,
    }


def test_the_range_sets_the_spread_whatever_the_central_value() -> None:
    priors = [Strength(c, 0.5, 2.0) for c in (0.5, 0.7, 1.0, 1.6, 2.0)]
    assert {round(p.sigma, 12) for p in priors} == {round(math.log(4.0) / (2 * Z80), 12)}
    nodes, _ = strength_nodes()
    for weaker, stronger in itertools.pairwise(priors):
        # a stronger central value is a stronger campaign at every quantile
        assert all(weaker.at(z) < stronger.at(z) for z in nodes)
    # Off centre, the median stays where it is stated and the band keeps the range's
    # width: less than 80 % of the mass falls within the range itself.
    off = priors[1]
    assert off.at(Z80) / off.at(-Z80) == pytest.approx(off.high / off.low)
    assert off.mass_in_range == round(_lognormal_mass(off, off.low, off.high), 3)
    assert off.mass_in_range < PRIOR_COVERAGE


def test_a_range_from_zero_is_set_by_its_upper_end() -> None:
    prior = Strength(0.2, 0.0, 0.5)
    assert prior.uncertain
    assert prior.at(Z80) == pytest.approx(0.5)  # 90 % of the mass below the upper end
    assert prior.mass_in_range == 0.9
    assert prior.to_dict()["mass_in_range"] == 0.9
    # From 0 up to the median itself, there is no spread to integrate over.
    flat = Channel("c", "t", strength={"central": 2.0, "range": [0.0, 2.0]}).strength
    assert not flat.uncertain and flat.sigma == 0.0 and flat.mass_in_range == 1.0
    assert flat.to_dict() == {"fixed": 2.0} and flat.at(3.0) == 2.0


def test_fixed_strengths_have_no_spread(tmp_path) -> None:
    fixed = Strength.fixed_at(1.5)
    assert fixed.fixed and not fixed.uncertain
    assert fixed.sigma == 0.0 and fixed.mass_in_range == 1.0
    assert {fixed.at(z) for z in (-3.0, 0.0, 3.0)} == {1.5}
    assert fixed.to_dict() == {"fixed": 1.5}
    for strength in ("1.5", "{ central = 1.5 }", "{ central = 1.5, range = [1.5, 1.5] }"):
        path = write(
            tmp_path, HEAD + _channel(**{"{ central = 1.0, range = [0.5, 2.0] }": strength})
        )
        read = read_scenario(path).channels[0].strength
        assert (read.central, read.sigma, read.uncertain) == (1.5, 0.0, False), strength
    # A median of 0 is no campaign, whatever the range.
    assert not Strength(0.0, 0.0, 1.0).uncertain
    assert Strength(0.0, 0.0, 1.0).at(3.0) == 0.0


def test_a_strength_from_a_file_is_fixed_by_a_number(tmp_path) -> None:
    path = write(tmp_path, HEAD + _channel(**{"{ central = 1.0, range = [0.5, 2.0] }": "1.5"}))
    scenario = read_scenario(path)
    assert scenario.channels[0].strength == Strength.fixed_at(1.5)
    assert not scenario.uncertain
    nodes, weights = scenario.strength_grid()
    assert nodes.tolist() == [0.0] and weights.tolist() == [1.0]


def test_the_strength_grid_is_a_normal_quadrature() -> None:
    nodes, weights = of_2025("cable").strength_grid()
    assert len(nodes) == STRENGTH_NODES
    assert np.allclose(nodes, -nodes[::-1]) and np.allclose(weights, weights[::-1])
    assert weights.sum() == pytest.approx(1.0)
    # The grid stops at 4.5 sd: the moments are those of a normal to the mass it leaves out.
    assert weights @ nodes**2 == pytest.approx(1.0, abs=1e-4)
    assert weights @ nodes**4 == pytest.approx(3.0, abs=2e-3)
    for name in ("baseline", "strong"):
        nodes, weights = of_2025(name).strength_grid()
        assert (nodes.tolist(), weights.tolist()) == ([0.0], [1.0])


def test_the_forecast_integrates_over_the_prior(model, rows, baseline) -> None:
    cable = of_2025("cable")
    sf = forecast_of(model, rows, baseline, cable)
    nodes, weights = strength_nodes()
    assert len(sf.components) == STRENGTH_NODES
    assert [w for w, _ in sf.components] == pytest.approx(weights.tolist())
    expected_yes = 0.0
    for (weight, probs), z in zip(sf.components, nodes, strict=True):
        direct = model.predict_proba(rows, offset=cable.offsets(rows, z=z), shock=0.0)
        pd.testing.assert_frame_equal(probs, direct)
        expected_yes += weight * expected_counts(integrate_shock(probs, sf.shock_sd))["yes"]
    assert sf.expected["yes"] == pytest.approx(expected_yes)
    # The prior widens the intervals beyond those of the central strengths alone.
    central = forecast_of(model, rows, baseline, cable.at_level("central"))
    low, high = sf.intervals["80"]["yes"]
    c_low, c_high = central.intervals["80"]["yes"]
    assert low < c_low and high >= c_high
    assert len(central.components) == 1
    pd.testing.assert_frame_equal(sf.typical, central.typical)  # the median node


def test_the_channels_strengths_move_together(rows) -> None:
    cable = of_2025("cable")
    allies, _, _, absence = cable.channels
    chosen = cable.selected(rows)
    only_allies = chosen["allies"] & ~chosen["ukraine-argument"] & ~chosen["human-rights-record"]
    member = rows.index[only_allies][0]
    for z in (-1.5, 0.0, Z80, 2.5):
        offsets = cable.offsets(rows, z=z)
        assert offsets.loc[member, "no"] == pytest.approx(allies.strength.at(z))
        assert offsets.loc[member, "absent"] == pytest.approx(
            absence.strength.at(z) * chosen.loc[member, "absence"]
        )


def test_far_tail_strengths_are_capped_and_never_overflow(model, rows, baseline) -> None:
    # A tiny median with a wide range puts the prior's far nodes at astronomic strengths.
    for strength in (
        {"central": 1e-300, "range": [0.0, 50.0]},
        {"central": 1e-6, "range": [1e-300, 50.0]},
        {"central": 5e-324, "range": [5e-324, 50.0]},
    ):
        prior = Channel("c", "t", strength=strength).strength
        nodes, _ = strength_nodes()
        values = [prior.at(z) for z in nodes]
        assert all(0 <= v <= MAX_SHIFT for v in values) and values == sorted(values)
        sf = forecast_of(model, rows, baseline, one_channel(strength=strength))
        assert np.isfinite(sf.marginals.to_numpy()).all()
        assert sf.marginals.sum().to_numpy() == pytest.approx(1.0)


BAD_PRIORS = {
    # case: (the strength as the file writes it, what the message says)
    "reversed range": ("{ central = 1.0, range = [2.0, 0.5] }", "0 <= low <= central <= high"),
    "central below": ("{ central = 0.1, range = [0.5, 2.0] }", "0 <= low <= central <= high"),
    "central above": ("{ central = 3.0, range = [0.5, 2.0] }", "0 <= low <= central <= high"),
    "negative low": ("{ central = 1.0, range = [-1.0, 2.0] }", "0 <= low <= central <= high"),
    "range of one": ("{ central = 1.0, range = [0.5] }", "strength.range must be a list of two"),
    "range of three": ("{ central = 1.0, range = [0.5, 1, 2] }", "list of two numbers"),
    "range a number": ("{ central = 1.0, range = 2.0 }", "list of two numbers"),
    "range of strings": ('{ central = 1.0, range = ["a", "b"] }', "must be finite numbers"),
    "central a string": ('{ central = "1", range = [0.5, 2.0] }', "must be finite numbers"),
    "central a boolean": ("{ central = true, range = [0.5, 2.0] }", "must be finite numbers"),
    "central nan": ("{ central = nan, range = [0.5, 2.0] }", "must be finite numbers"),
    "central inf": ("{ central = inf, range = [0.5, 2.0] }", "must be finite numbers"),
    "range to inf": ("{ central = 1.0, range = [0.5, inf] }", "must be finite numbers"),
    "range of nan": ("{ central = 1.0, range = [nan, 2.0] }", "must be finite numbers"),
    "unknown key": ("{ central = 1.0, range = [0.5, 2.0], sd = 1 }", "allowed: central, range"),
    "misspelt key": ("{ central = 1.0, rnage = [0.5, 2.0] }", "did you mean 'range'"),
    "no central": ("{ range = [0.5, 2.0] }", "strength must be a number (fixed) or a table"),
    "empty table": ("{}", "strength must be a number (fixed) or a table"),
    "a string": ('"strong"', "strength must be a number (fixed) or a table"),
    "a list": ("[1.0, 2.0]", "strength must be a number (fixed) or a table"),
    "fixed nan": ("nan", "strength must be a number (fixed) or a table"),
    "fixed inf": ("-inf", "strength must be a number (fixed) or a table"),
    "fixed negative": ("-0.5", "strength must lie from 0 to 50"),
    "fixed too strong": ("51", "strength must lie from 0 to 50"),
    "range too strong": ("{ central = 1.0, range = [0.5, 1e300] }", "from 0 to 50"),
    "central huge integer": ("{ central = " + "9" * 400 + " }", "must be finite numbers"),
    "range huge integer": ("{ central = 1.0, range = [0.5, " + "9" * 400 + "] }", "finite"),
    "fixed huge integer": ("9" * 400, "strength must be a number (fixed) or a table"),
}


@pytest.mark.parametrize("case", list(BAD_PRIORS))
def test_a_bad_strength_is_refused_naming_file_and_key(tmp_path, case) -> None:
    strength, said = BAD_PRIORS[case]
    text = HEAD + _channel(**{"{ central = 1.0, range = [0.5, 2.0] }": strength})
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: channel 1 (allies): ")
    assert "strength" in message and said in message
    assert "\n" not in message and len(message) < 400


def test_a_channel_without_strength_is_refused(tmp_path) -> None:
    path = write(
        tmp_path, HEAD + _channel(**{"strength = { central = 1.0, range = [0.5, 2.0] }": ""})
    )
    with pytest.raises(ScenarioError, match="needs a strength: a number, or"):
        read_scenario(path)


# ----------------------------------------------------------------------------- levels


@pytest.mark.parametrize(("level", "value"), [("low", 0.5), ("central", 1.0), ("high", 2.0)])
def test_a_level_fixes_the_strength_at_that_point_of_the_range(tmp_path, level, value) -> None:
    path = write(tmp_path, HEAD + CHANNEL + f'level = "{level}"\n')
    strength = read_scenario(path).channels[0].strength
    assert strength == Strength.fixed_at(value)


@pytest.mark.parametrize(
    ("level", "said"),
    [
        ('"max"', "level must be low, central or high, not 'max'"),
        ('"High"', "level must be low, central or high"),
        ("3", "level must be low, central or high, not 3"),
        ("true", "level must be low, central or high"),
    ],
)
def test_an_unknown_level_is_refused(tmp_path, level, said) -> None:
    path = write(tmp_path, HEAD + CHANNEL + f"level = {level}\n")
    with pytest.raises(ScenarioError, match=re.escape(said)) as info:
        read_scenario(path)
    assert str(info.value).startswith(str(path))


def test_a_level_needs_a_range(tmp_path) -> None:
    text = HEAD + _channel(**{"{ central = 1.0, range = [0.5, 2.0] }": "1.5"}) + 'level = "high"\n'
    with pytest.raises(ScenarioError, match="level picks a point of the strength's range"):
        read_scenario(write(tmp_path, text))


def test_at_level_and_scaled(rows) -> None:
    cable = of_2025("cable")
    for level in ("low", "central", "high"):
        fixed = cable.at_level(level)
        assert not fixed.uncertain
        assert [c.strength.central for c in fixed.channels] == [
            getattr(c.strength, level) for c in cable.channels
        ]
    with pytest.raises(ScenarioError, match="level must be low, central or high"):
        cable.at_level("max")  # type: ignore[arg-type]
    double = cable.scaled(2.0)
    for mine, theirs in zip(double.channels, cable.channels, strict=True):
        assert (mine.strength.central, mine.strength.low, mine.strength.high) == (
            2 * theirs.strength.central,
            2 * theirs.strength.low,
            2 * theirs.strength.high,
        )
        assert mine.strength.sigma == pytest.approx(theirs.strength.sigma)
    assert (cable.scaled(0.0).offsets(rows, z=2.0).to_numpy() == 0).all()
    for factor in (-1.0, math.nan, math.inf, True, "2"):
        with pytest.raises(ScenarioError, match="scale factor must be a non-negative"):
            cable.scaled(factor)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="from 0 to 50"):
        cable.scaled(1e307)


# ----------------------------------------------------------------------------- responses


def test_response_factors_centre_on_the_targets_and_clip_at_zero() -> None:
    values = pd.Series([0.0, 0.5, 1.0, 5.0], index=list("ABCD"))
    targets = pd.Series([True, True, True, False], index=list("ABCD"))
    # The mean over the targets (0.5), not over every member: D does not count.
    assert Response("x", 1.0).factors(values, targets).tolist() == [0.5, 1.0, 1.5, 5.5]
    assert Response("x", -1.0).factors(values, targets).tolist() == [1.5, 1.0, 0.5, 0.0]
    assert Response("x", 4.0).factors(values, targets).tolist() == [0.0, 1.0, 3.0, 19.0]
    assert Response("x", 0.0).factors(values, targets).tolist() == [1.0] * 4


def test_a_response_keeps_the_strength_as_the_shift_of_an_average_target(rows) -> None:
    cable = of_2025("cable")
    ukraine = cable.channels[1]
    assert ukraine.response.feature == "us_agreement" and ukraine.response.slope > 0
    slope = ukraine.response.slope
    targets = cable.selected(rows)["ukraine-argument"]
    shifts = ukraine.shifts(rows, targets, "USA", 0.0)
    x = rows["us_agreement"]
    centre = x[targets].mean()
    expected = ukraine.strength.central * (1 + slope * (x - centre))
    assert np.allclose(shifts[targets], expected[targets])
    assert shifts[targets].mean() == pytest.approx(ukraine.strength.central)
    assert (shifts[~targets] == 0).all()
    # The members that agree most with the United States are pushed hardest.
    assert shifts[targets].idxmax() == x[targets].idxmax()


def test_a_steep_response_clips_at_zero_and_never_pulls_toward_yes(rows) -> None:
    steep = one_channel(strength=1.0, response={"feature": "us_agreement", "slope": -20.0})
    offsets = steep.offsets(rows)
    assert (offsets.to_numpy() >= 0).all()
    x = rows["us_agreement"].drop("USA")
    factors = 1 - 20.0 * (x - x.mean())
    zero = factors.index[factors <= 0]
    assert len(zero) > 10
    assert (offsets.loc[zero].to_numpy() == 0).all()
    assert (offsets.loc[factors.index[factors > 0], "no"] > 0).all()


def test_a_response_to_the_campaigners_agreement(rows) -> None:
    follow = {"feature": "campaigner_agreement", "slope": 2.0}
    american = one_channel(strength=1.0, response=follow)
    on_us = one_channel(strength=1.0, response={"feature": "us_agreement", "slope": 2.0})
    # Rows without the column: for the United States, its agreement is us_agreement.
    pd.testing.assert_frame_equal(american.offsets(rows), on_us.offsets(rows))
    chinese = one_channel(strength=1.0, response=follow, campaigner="CHN")
    with pytest.raises(ScenarioError, match="rows lack agreement with the campaigner CHN"):
        chinese.offsets(rows)


def test_the_forecast_measures_another_campaigners_agreement(record, rows) -> None:
    from unvote.model.features import agreement_with

    follow = {"feature": "campaigner_agreement", "slope": 2.0}
    scenario = one_channel("china", "CHN", strength=1.0, response=follow)
    fc = unvote.forecast(2025, [scenario], record=record)
    sf = fc.scenarios["china"]
    agreement = agreement_with(record, "CHN", fc.through, members=rows.index)
    direct = scenario.offsets(rows.assign(campaigner_agreement=agreement))
    assert direct.loc["CHN"].eq(0).all()
    top = direct["no"].idxmax()
    assert agreement[top] == agreement.drop("CHN").max()
    assert sf.members.loc["CHN", "p_yes"] == pytest.approx(
        fc.scenarios["china"].baseline.loc["CHN", "p_yes"]
    )


BAD_RESPONSES = {
    "unknown feature": ('{ feature = "us_agrement", slope = 1 }', "did you mean 'us_agreement'"),
    "a group": ('{ feature = "eu", slope = 1 }', "unknown response feature 'eu'"),
    "a country": ('{ feature = "country", slope = 1 }', "unknown response feature 'country'"),
    "no slope": ('{ feature = "us_agreement" }', "response must be a table { feature = name"),
    "misspelt slope": ('{ feature = "us_agreement", slop = 1 }', "did you mean 'slope'"),
    "slope a string": ('{ feature = "us_agreement", slope = "1" }', "response.slope must be"),
    "slope nan": ('{ feature = "us_agreement", slope = nan }', "response.slope must be"),
    "slope inf": ('{ feature = "us_agreement", slope = -inf }', "response.slope must be"),
    "slope too steep": ('{ feature = "us_agreement", slope = 21 }', "from -20 to 20, not 21"),
    "slope huge": ('{ feature = "us_agreement", slope = ' + "9" * 400 + " }", "response.slope"),
    "not a table": ('"us_agreement"', "response must be a table"),
}


@pytest.mark.parametrize("case", list(BAD_RESPONSES))
def test_a_bad_response_is_refused_naming_file_and_key(tmp_path, case) -> None:
    response, said = BAD_RESPONSES[case]
    path = write(tmp_path, HEAD + CHANNEL + f"response = {response}\n")
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: channel 1 (allies): ")
    assert said in message and "\n" not in message and len(message) < 1500


def test_every_response_feature_can_be_followed(rows) -> None:
    for feature in RESPONSE_FEATURES:
        scenario = one_channel(strength=1.0, response={"feature": feature, "slope": 1.0})
        offsets = scenario.offsets(rows)
        assert np.isfinite(offsets.to_numpy()).all() and (offsets.to_numpy() >= 0).all()


# ----------------------------------------------------------------------------- the campaigner


def test_the_campaigner_is_never_a_target(rows) -> None:
    no_voters = {"last_vote": "no"}  # Israel and the United States in 2024
    assert one_channel(select=no_voters, strength=1.0).selected(rows)["c"].sum() == 1
    american = one_channel(select=no_voters, strength=1.0).offsets(rows)
    assert american.loc["ISR", "no"] == 1.0 and american.loc["USA", "no"] == 0.0
    israeli = one_channel(select=no_voters, strength=1.0, campaigner="ISR").offsets(rows)
    assert israeli.loc["ISR", "no"] == 0.0 and israeli.loc["USA", "no"] == 1.0
    everyone = one_channel(strength=1.0, campaigner="FRA").selected(rows)["c"]
    assert everyone.sum() == len(rows) - 1 and not everyone["FRA"]


def test_the_campaigner_is_not_among_those_moved(model, rows, baseline) -> None:
    sf = forecast_of(model, rows, baseline, one_channel(strength=3.0, campaigner="FRA"))
    moved = sf.moved_by_campaign(len(rows))
    assert "FRA" not in moved.index and len(moved) > 100
    assert sf.members.loc["FRA", "p_yes"] == pytest.approx(baseline.loc["FRA", "p_yes"])
    assert moved.index.isin(sf.members.index[sf.members["channels"] == "c"]).all()
    assert sf.members.loc["FRA", "channels"] == ""


@pytest.mark.parametrize("campaigner", ["usa", "US", "United States", "USA ", "", "U5A"])
def test_a_campaigner_that_is_not_an_iso3_code_is_refused(tmp_path, campaigner) -> None:
    with pytest.raises(ScenarioError, match="campaigner must be an ISO3 code such as 'USA'"):
        one_channel(strength=1.0, campaigner=campaigner)
    path = write(tmp_path, HEAD + f"campaigner = {campaigner!r}\n".replace("'", '"') + CHANNEL)
    with pytest.raises(ScenarioError, match="campaigner must be an ISO3 code") as info:
        read_scenario(path)
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize("value", ["3", "true", '["USA"]', '{ iso3 = "USA" }'])
def test_a_campaigner_of_another_type_is_refused(tmp_path, value) -> None:
    path = write(tmp_path, HEAD + f"campaigner = {value}\n" + CHANNEL)
    with pytest.raises(ScenarioError, match="campaigner must be an ISO3 code") as info:
        read_scenario(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_a_campaigner_that_is_no_member_fails_the_forecast_in_one_line(record) -> None:
    scenario = one_channel("nowhere", "XYZ", strength=1.0)
    with pytest.raises(unvote.UnvoteError, match="'XYZ' is not a member") as info:
        unvote.forecast(2025, [scenario], record=record)
    assert "\n" not in str(info.value)


# ----------------------------------------------------------------------------- the old format


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (HEAD + OLD_CHANNEL, "absence_shift"),
        (HEAD + OLD_CHANNEL.replace("absence_shift", "# "), "vote_shift"),
        (HEAD + "vote_shift = 1.0\n" + CHANNEL, "vote_shift"),
    ],
    ids=["both", "vote_shift", "at the top"],
)
def test_the_old_format_says_what_the_new_one_is(tmp_path, text, key) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert f"{key} is the format of unvote 0.1" in message  # the first, in order
    assert (
        'kind = "vote"' in message and "strength = { central = x, range = [low, high] }" in message
    )
    with pytest.raises(ScenarioError, match=f"{key} is the format of unvote 0.1"):
        get_scenario(str(path))


def test_the_old_strength_override_says_what_a_strength_is(tmp_path) -> None:
    text = HEAD + _channel(**{"{ central = 1.0, range = [0.5, 2.0] }": "{ vote_shift = 1.5 }"})
    with pytest.raises(ScenarioError, match=re.escape("strength must be a number (fixed)")):
        read_scenario(write(tmp_path, text))


def test_the_old_keywords_are_not_fields_of_a_channel() -> None:
    with pytest.raises(TypeError, match="vote_shift"):
        Channel("c", "t", vote_shift=1.0)  # type: ignore[call-arg]


# ----------------------------------------------------------------------------- selectors


def test_no_select_means_every_member_but_the_campaigner(tmp_path, rows) -> None:
    path = write(tmp_path, HEAD + _channel(**{"select = { us_treaty_ally = true }\n": ""}))
    scenario = read_scenario(path)
    assert scenario.channels[0].select == ()
    chosen = scenario.selected(rows)["allies"]
    assert chosen.sum() == len(rows) - 1 == 192 and not chosen["USA"]
    assert scenario.channels[0].describe()["select"] == "every member but the campaigner"
    # Such a channel survives being rebuilt: scaled, fixed at a level, in code or in a file.
    assert scenario.scaled(2.0).selected(rows)["allies"].sum() == 192
    assert scenario.at_level("high").channels[0].strength == Strength.fixed_at(2.0)
    assert dataclasses.replace(scenario.channels[0], select=()).select == ()
    text = HEAD + _channel(**{"select = { us_treaty_ally = true }\n": ""}) + 'level = "low"\n'
    assert read_scenario(write(tmp_path, text)).channels[0].strength == Strength.fixed_at(0.5)


def test_boolean_selectors(rows) -> None:
    for group in ("eu", "nato", "cofa", "mnna", "rio_treaty", "us_treaty_ally"):
        expected = rows[group].astype(bool)
        pd.testing.assert_series_equal(select(rows, [{group: True}]), expected, check_names=False)
        pd.testing.assert_series_equal(select(rows, [{group: False}]), ~expected, check_names=False)
    assert sorted(rows.index[select(rows, [{"cofa": True}])]) == ["FSM", "MHL", "PLW"]
    assert select(rows, [{"eu": True}]).sum() == 27


def test_numeric_selectors_min_max_and_exact(rows) -> None:
    agreement = rows["us_agreement"]
    assert select(rows, [{"us_agreement": {"min": 0.5}}]).equals(agreement >= 0.5)
    assert select(rows, [{"us_agreement": {"max": 0.3}}]).equals(agreement <= 0.3)
    both = select(rows, [{"us_agreement": {"min": 0.3, "max": 0.5}}])
    assert both.equals((agreement >= 0.3) & (agreement <= 0.5))
    assert sorted(rows.index[select(rows, [{"last_no": 1}])]) == ["ISR", "USA"]
    assert sorted(rows.index[select(rows, [{"us_agreement": 1}])]) == ["USA"]


def test_tables_in_a_table_all_hold_and_a_list_of_tables_is_an_or(rows) -> None:
    both = select(rows, [{"nato": True, "eu": True}])
    assert both.equals(rows["nato"].astype(bool) & rows["eu"].astype(bool))
    either = select(rows, [{"nato": True}, {"eu": True}])
    assert either.equals(rows["nato"].astype(bool) | rows["eu"].astype(bool))
    assert either.sum() > both.sum() > 0


def test_un_group_selectors(rows) -> None:
    for group in CATEGORY_FEATURES["un_group"]:
        chosen = select(rows, [{"un_group": group}])
        assert chosen.equals(rows["un_group"] == group)
        assert chosen.any()
    two = ["African", "Asia-Pacific"]
    assert select(rows, [{"un_group": two}]).equals(rows["un_group"].isin(two))
    assert select(rows, [{"un_group": two}]).sum() == 108
    # The United States observes in the Western European and Others Group.
    assert select(rows, [{"un_group": "Western European and Others"}])["USA"]


def test_last_vote_selectors(rows) -> None:
    assert sorted(rows.index[select(rows, [{"last_vote": "no"}])]) == ["ISR", "USA"]
    assert sorted(rows.index[select(rows, [{"last_vote": ["abstain", "absent"]}])]) == [
        "AFG",
        "MDA",
        "UKR",
        "VEN",
    ]
    assert select(rows, [{"last_vote": "yes"}]).sum() == 187
    assert not select(rows, [{"last_vote": "none"}]).any()  # every member voted on it before
    assert select(rows, [{"last_vote": "yes"}]).equals(last_vote(rows) == "yes")


@pytest.mark.parametrize(
    ("selector", "key"),
    [
        ("{ colour = true }", "colour"),
        ('{ iso3 = "POL" }', "iso3"),
        ('{ country = "Poland" }', "country"),
        ('{ name = "Poland" }', "name"),
        ("{ campaigner_agreement = { min = 0.5 } }", "campaigner_agreement"),
        ('{ eu = "yes" }', "select.eu"),
        ("{ eu = 1 }", "select.eu"),
        ('{ un_group = "Africa" }', "select.un_group"),
        ("{ un_group = 3 }", "select.un_group"),
        ("{ un_group = [] }", "select.un_group"),
        ('{ last_vote = "maybe" }', "select.last_vote"),
        ('{ us_agreement = "high" }', "select.us_agreement"),
        ("{ us_agreement = true }", "select.us_agreement"),
        ("{ us_agreement = { above = 0.5 } }", "select.us_agreement"),
        ('{ us_agreement = { min = "0.5" } }', "select.us_agreement"),
        ("{ us_agreement = { min = nan } }", "select.us_agreement"),
        ("{ us_agreement = { max = inf } }", "select.us_agreement"),
        ("{ us_agreement = nan }", "select.us_agreement"),
        ("{ us_agreement = { min = 0.8, max = 0.2 } }", "select.us_agreement"),
        ("{ us_agreement = {} }", "select.us_agreement"),
        ("{ us_agreement = " + "9" * 400 + " }", "select.us_agreement"),
        ("[]", "select"),
        ("[{}]", "select"),
        ("{}", "select"),
        ('"eu"', "select"),
        ("true", "select"),
    ],
)
def test_bad_selectors_are_rejected_naming_file_and_key(tmp_path, selector, key) -> None:
    text = HEAD + _channel(**{"{ us_treaty_ally = true }": selector})
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: channel 1 (allies): ")
    assert key in message and "\n" not in message


@pytest.mark.parametrize(
    ("selector", "said"),
    [
        ("{ us_agreement = { min = 50 } }", "us_agreement runs from 0.177 to 1"),
        ("{ ukraine_support = { min = 2.0 } }", "ukraine_support runs from 0 to 1"),
        ("{ cofa = true, eu = true }", "cofa is true for 3; eu is true for 27"),
        ('{ un_group = "African", last_vote = "no" }', "last_vote takes the values"),
    ],
)
def test_a_selector_matching_nobody_says_what_the_members_look_like(
    tmp_path, rows, selector, said
) -> None:
    path = write(tmp_path, HEAD + _channel(**{"{ us_treaty_ally = true }": selector}))
    scenario = read_scenario(path)  # valid on its own: the data decide whom it selects
    with pytest.raises(EmptySelectionError, match=re.escape(said)) as info:
        scenario.offsets(rows)
    message = str(info.value)
    assert info.value.channel == "allies"
    assert message.startswith(str(path)) and "channel 'allies' selects no member" in message
    assert "among the 193 members at this vote" in message


def test_a_channel_on_the_campaigner_alone_selects_nobody(rows) -> None:
    lonely = one_channel(select={"us_agreement": 1.0}, strength=1.0)  # only the United States
    with pytest.raises(EmptySelectionError, match=re.escape("us_agreement runs from 0.177 to 1")):
        lonely.offsets(rows)
    with pytest.raises(EmptySelectionError, match="no member but the campaigner"):
        one_channel(strength=1.0).offsets(rows.loc[["USA"]])


# ----------------------------------------------------------------------------- malformed files


MALFORMED = {
    # case: (file text, what the message must name)
    "empty": ("", "empty"),
    "blank": ("  \n\n", "empty"),
    "invalid-toml": ('name = "x\n', "TOML"),
    "invalid-toml-value": ("name = \n", "TOML"),
    "duplicate-key": (HEAD + 'name = "again"\n', "TOML"),
    "unknown-top-level-key": (HEAD + 'colour = "red"\n' + CHANNEL, "colour"),
    "unknown-channel-key": (HEAD + CHANNEL + "weight = 2\n", "weight"),
    "unknown-keys": (HEAD + CHANNEL + "weight = 2\ncolour = 3\n", "colour, weight"),
    "name-not-a-string": ('name = 3\ndescription = "d"\n' + CHANNEL, "name"),
    "name-blank": ('name = " "\ndescription = "d"\n' + CHANNEL, "name"),
    "missing-name": ('description = "d"\n' + CHANNEL, "name must be a non-empty string"),
    "missing-description": ('name = "x"\n' + CHANNEL, "description"),
    "description-not-a-string": ('name = "x"\ndescription = 3\n' + CHANNEL, "description"),
    "sources-not-a-list": (HEAD + 'sources = "cable"\n' + CHANNEL, "sources"),
    "sources-not-strings": (HEAD + "sources = [1]\n" + CHANNEL, "sources"),
    "channel-not-tables": (HEAD + 'channel = "allies"\n', "channel"),
    "channel-a-table": (HEAD + "[channel]\nname = 'a'\n", "channel must be an array"),
    "channel-of-numbers": (HEAD + "channel = [1]\n", "channel 1: must be a table"),
    "channel-name-not-a-string": (HEAD + _channel(**{'name = "allies"': "name = 3"}), "name"),
    "channel-name-missing": (HEAD + _channel(**{'name = "allies"\n': ""}), "name"),
    "channel-name-control": (
        HEAD + _channel(**{'name = "allies"': 'name = "a\\tb"'}),
        "control characters",
    ),
    "talking-point-missing": (
        HEAD + _channel(**{'talking_point = "vote no"': ""}),
        "talking_point",
    ),
    "talking-point-a-number": (
        HEAD + _channel(**{'talking_point = "vote no"': "talking_point = 1"}),
        "talking_point",
    ),
    "basis-not-a-string": (HEAD + CHANNEL + "basis = 1\n", "basis must be a string"),
    "kind-not-a-string": (HEAD + _channel(**{'kind = "vote"': "kind = 1"}), "kind"),
    "select-a-string": (HEAD + _channel(**{"{ us_treaty_ally = true }": '"eu"'}), "select"),
    "duplicate-channel-names": (HEAD + CHANNEL + CHANNEL, "channel names must be unique"),
    "evidence-a-number": (HEAD + "evidence_through = 2025\n" + CHANNEL, "evidence_through"),
    "evidence-with-a-time": (
        HEAD + "evidence_through = 2025-10-29T12:00:00\n" + CHANNEL,
        "evidence_through must be a date without a time of day",
    ),
    "evidence-not-a-day": (HEAD + 'evidence_through = "2025-02-30"\n' + CHANNEL, "2025-02-30"),
    "evidence-day-first": (HEAD + 'evidence_through = "29/10/2025"\n' + CHANNEL, "29/10/2025"),
    "evidence-misspelt": (
        HEAD + "evidence_thru = 2025-10-29\n" + CHANNEL,
        "did you mean 'evidence_through'?",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_files_raise_scenario_error_naming_file_and_key(tmp_path, case) -> None:
    text, key = MALFORMED[case]
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert key in message
    assert "\n" not in message
    # get_scenario (what forecast() and the command use) reports the same error.
    with pytest.raises(ScenarioError) as again:
        get_scenario(str(path))
    assert str(again.value) == message


def test_missing_file_and_directory_are_scenario_errors(tmp_path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ScenarioError, match="not found") as info:
        read_scenario(missing)
    assert str(missing) in str(info.value)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(ScenarioError, match="not a file") as info:
        read_scenario(folder)
    assert str(folder) in str(info.value)


def test_undecodable_file_is_a_scenario_error(tmp_path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(ScenarioError, match="cannot be read") as info:
        read_scenario(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("talking_point", "talkingpoint", "did you mean 'talking_point'"),
        ("strength =", "strenght =", "did you mean 'strength'"),
        ("kind =", "kidn =", "did you mean 'kind'"),
        ("us_treaty_ally", "us_treaty_aly", "did you mean 'us_treaty_ally'"),
        ('name = "test"', 'nmae = "test"', "did you mean 'name'"),
        ('description = "a', 'descripton = "a', "did you mean 'description'"),
    ],
)
def test_misspelt_keys_and_features_get_a_suggestion(tmp_path, old, new, hint) -> None:
    path = write(tmp_path, (HEAD + CHANNEL).replace(old, new, 1))
    with pytest.raises(ScenarioError, match=re.escape(hint)):
        read_scenario(path)


def test_a_misspelt_campaigner_key_gets_a_suggestion(tmp_path) -> None:
    path = write(tmp_path, HEAD + 'campainger = "USA"\n' + CHANNEL)
    with pytest.raises(ScenarioError, match=re.escape("did you mean 'campaigner'")):
        read_scenario(path)


# ----------------------------------------------------------------------------- hostile files


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "sources = " + "[" * 5000 + "]" * 5000 + "\n",
        HEAD + "x = " + "{ a = " * 5000 + "1" + " }" * 5000 + "\n",
        HEAD + _channel(**{"{ us_treaty_ally = true }": "[" * 3000 + "]" * 3000}),
        HEAD + _channel(**{"[0.5, 2.0]": "[" * 3000 + "]" * 3000}),
    ],
    ids=["arrays", "inline tables", "in a selector", "in a strength"],
)
def test_deep_nesting_is_a_one_line_scenario_error(tmp_path, text) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message and len(message) < 400


def test_deep_nesting_in_parsed_data_is_a_scenario_error() -> None:
    deep: object = 1
    for _ in range(5000):
        deep = [deep]
    data = {"name": "x", "description": "d", "channel": [{"name": "a", "talking_point": "t"}]}
    data["channel"][0]["select"] = {"us_agreement": deep}  # type: ignore[index]
    data["channel"][0]["strength"] = 1.0  # type: ignore[index]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, where="deep.toml")
    assert len(str(info.value)) < 400


def test_a_huge_file_is_refused_before_it_is_read(tmp_path) -> None:
    path = write(tmp_path, HEAD + CHANNEL + "# " + "x" * 2_000_000 + "\n")
    with pytest.raises(ScenarioError, match="a scenario file is at most 1,000,000"):
        read_scenario(path)


def test_a_long_value_is_cut_short_in_the_message(tmp_path) -> None:
    path = write(tmp_path, HEAD + CHANNEL + 'level = "' + "x" * 100_000 + '"\n')
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    assert len(str(info.value)) < 400


def test_scenario_names_are_slugs_because_they_become_file_names(tmp_path) -> None:
    assert Scenario("a" * 64, "d").name == "a" * 64
    assert Scenario("my-campaign_2.v1", "d").name == "my-campaign_2.v1"
    for bad in [
        "x/../../escape",
        "sub/evil",
        "",
        ".hidden",
        "-x",
        "a b",
        "a" * 65,
        "two\nlines",
        3,
    ]:
        with pytest.raises(ScenarioError, match="short slug"):
            Scenario(bad, "d")  # type: ignore[arg-type]
    path = write(tmp_path, HEAD.replace('"test"', '"../escape"') + CHANNEL)
    with pytest.raises(ScenarioError, match="short slug") as info:
        read_scenario(path)
    assert str(info.value).startswith(str(path))


def test_two_channels_with_one_name_are_refused_in_code_and_in_files(tmp_path) -> None:
    eu = Channel("eu", "abstain", select={"eu": True}, strength=1.0)
    with pytest.raises(ScenarioError, match="channel names must be unique; repeated: eu"):
        Scenario("mine", "d", (eu, dataclasses.replace(eu, strength=2.0)))
    path = write(tmp_path, HEAD + CHANNEL + CHANNEL.replace("us_treaty_ally", "nato"))
    with pytest.raises(ScenarioError, match="repeated: allies") as info:
        read_scenario(path)
    assert str(info.value).startswith(str(path))


# ----------------------------------------------------------------------------- built in code


def _channel_in_code(**changes) -> Channel:
    fields = {"name": "eu", "talking_point": "abstain", "select": {"eu": True}, "strength": 1.0}
    return Channel(**(fields | changes))


def test_a_channel_built_in_code_is_checked_like_one_from_a_file() -> None:
    channel = _channel_in_code()
    assert channel.select == ({"eu": True},) and channel.strength == Strength.fixed_at(1.0)
    assert _channel_in_code(select=[{"eu": True}, {"nato": True}]).select[1] == {"nato": True}
    prior = _channel_in_code(strength={"central": 1.0, "range": [0.5, 2.0]}).strength
    assert prior == Strength(1.0, 0.5, 2.0)
    assert _channel_in_code(strength=prior).strength is prior
    response = _channel_in_code(response={"feature": "us_agreement", "slope": 1}).response
    assert response == Response("us_agreement", 1.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"select": "eu"}, "select must be a table"),
        ({"select": b"eu"}, "select must be a table"),
        ({"select": []}, "select must be a table"),
        ({"select": [{}]}, "select must be a table"),
        ({"select": 3}, "select must be a table"),
        ({"select": {"gdp": 1.0}}, "unknown feature 'gdp'"),
        ({"select": {"eu": "yes"}}, "select.eu must be true or false"),
        ({"select": {"us_agreement": math.nan}}, "select.us_agreement must be a number"),
        ({"kind": "Vote"}, "kind must be one of vote, abstain, no, absence"),
        ({"strength": math.nan}, "strength must be a number (fixed) or a table"),
        ({"strength": math.inf}, "strength must be a number (fixed) or a table"),
        ({"strength": 1e308}, "strength must lie from 0 to 50"),
        ({"strength": -1.0}, "strength must lie from 0 to 50"),
        ({"strength": "1"}, "strength must be a number (fixed) or a table"),
        ({"strength": True}, "strength must be a number (fixed) or a table"),
        ({"strength": None}, "strength must be a number (fixed) or a table"),
        ({"strength": {"central": 1.0, "range": (2.0, 0.5)}}, "0 <= low <= central <= high"),
        ({"strength": Strength(1.0, 2.0, 0.5)}, "0 <= low <= central <= high"),
        ({"strength": Strength(0.1, 0.5, 2.0)}, "0 <= low <= central <= high"),
        ({"strength": Strength(math.nan, 0.5, 2.0)}, "strength must lie from 0 to 50"),
        ({"strength": Strength(1.0, 0.5, 99.0)}, "strength must lie from 0 to 50"),
        ({"strength": Strength("1", 0.5, 2.0)}, "strength must lie from 0 to 50"),  # type: ignore[arg-type]
        ({"response": "us_agreement"}, "response must be a table"),
        ({"response": {"feature": "gdp", "slope": 1}}, "unknown response feature 'gdp'"),
        ({"response": Response("us_agreement", math.nan)}, "response.slope must be a number"),
        ({"response": Response("us_agreement", 100.0)}, "from -20 to 20"),
        ({"response": Response(3, 1.0)}, "unknown response feature 3"),  # type: ignore[arg-type]
        ({"name": ""}, "name must be a non-empty string"),
        ({"name": None}, "name must be a non-empty string"),
        ({"name": "two\nlines"}, "control characters"),
        ({"name": "escape\x1b[31m"}, "control characters"),
        ({"talking_point": None}, "talking_point must be a string"),
        ({"basis": 3}, "basis must be a string"),
    ],
)
def test_a_channel_built_in_code_refuses_what_a_file_may_not_say(changes, message) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)):
        _channel_in_code(**changes)


def test_replacing_a_strength_by_nan_is_refused_too() -> None:
    with pytest.raises(ScenarioError, match="strength"):
        dataclasses.replace(_channel_in_code(), strength=math.nan)


def test_a_scenario_built_in_code_is_checked_too() -> None:
    eu = _channel_in_code()
    with pytest.raises(ScenarioError, match="channels must be Channel objects"):
        Scenario("mine", "d", ({"name": "eu"},))  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="description must be a string"):
        Scenario("mine", None, (eu,))  # type: ignore[arg-type]
    assert Scenario("mine", "d", [eu]).channels == (eu,)  # a list becomes a tuple


@pytest.mark.parametrize("value", [3, None, b"cable", ["cable"], 2.5])
def test_get_scenario_refuses_what_is_not_a_name(value) -> None:
    with pytest.raises(InvalidTypeError, match="built-in name, a file path or a Scenario"):
        get_scenario(value)  # type: ignore[arg-type]


def test_get_scenario_by_name_path_or_object(tmp_path) -> None:
    cable = get_scenario("cable")
    assert get_scenario(cable) is cable
    path = write(tmp_path, HEAD + CHANNEL, "mine.toml")
    assert get_scenario(path).name == "test" and get_scenario(str(path)).name == "test"
    with pytest.raises(UnknownNameError, match="did you mean 'cable'"):
        get_scenario("cabel")
    with pytest.raises(UnknownNameError, match="must be named"):
        get_scenario("  ")


# ----------------------------------------------------------------------------- fuzzing

NUMBERS = st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=True, allow_infinity=True)
"""TOML integers are 64-bit; larger ones have tests of their own (BAD_PRIORS, selectors)."""
SCALARS = st.none() | st.booleans() | NUMBERS | st.text(max_size=6)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
CATEGORY_WORDS = st.sampled_from([w for words in CATEGORY_FEATURES.values() for w in words])
RULES = (
    st.booleans()
    | NUMBERS
    | CATEGORY_WORDS
    | st.lists(CATEGORY_WORDS | SCALARS, max_size=3)
    | st.fixed_dictionaries({}, optional={"min": NUMBERS | VALUES, "max": NUMBERS | VALUES})
    | VALUES
)
SELECT_TABLES = st.dictionaries(
    st.sampled_from([*SELECTABLE, "iso3", "country", "colour"]) | st.text(max_size=6),
    RULES,
    max_size=3,
)
STRENGTHS = (
    NUMBERS
    | st.fixed_dictionaries(
        {},
        optional={
            "central": NUMBERS | VALUES,
            "range": st.lists(NUMBERS, max_size=3) | VALUES,
            "sd": VALUES,
        },
    )
    | VALUES
)
RESPONSES = (
    st.fixed_dictionaries(
        {},
        optional={
            "feature": st.sampled_from([*RESPONSE_FEATURES[:6], "eu", "gdp"]) | VALUES,
            "slope": NUMBERS | VALUES,
            "slop": VALUES,
        },
    )
    | VALUES
)


def _with_extra_keys(known: st.SearchStrategy, keys: list[str]) -> st.SearchStrategy:
    extra = st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), VALUES, max_size=2)
    return st.tuples(known, extra, st.booleans()).map(lambda t: t[0] | t[1] if t[2] else t[0])


CHANNELS = _with_extra_keys(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.text(max_size=4) | VALUES,
            "talking_point": st.text(max_size=4) | VALUES,
            "kind": st.sampled_from([*KINDS, "absent"]) | VALUES,
            "select": SELECT_TABLES | st.lists(SELECT_TABLES, max_size=3) | VALUES,
            "strength": STRENGTHS,
            "level": st.sampled_from(["low", "central", "high", "max"]) | VALUES,
            "response": RESPONSES,
            "basis": st.text(max_size=4) | VALUES,
        },
    ),
    [*sorted(CHANNEL_KEYS), "vote_shift", "absence_shift"],
)
SCENARIOS = _with_extra_keys(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.text(max_size=4) | VALUES,
            "description": st.text(max_size=4) | VALUES,
            "campaigner": st.sampled_from(["USA", "CHN", "FRA", "usa", "XYZ"]) | VALUES,
            "sources": st.lists(st.text(max_size=4)) | VALUES,
            "channel": st.lists(CHANNELS | VALUES, max_size=3) | VALUES,
            "evidence_through": st.dates() | st.datetimes() | VALUES,
        },
    ),
    sorted(SCENARIO_KEYS),
)
EXPECTED_AT_OFFSETS = ("selects no member", "rows lack agreement with the campaigner")
"""What a valid scenario may still say when its shifts are computed for the 2025 vote."""


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=SCENARIOS)
def test_parse_scenario_accepts_or_raises_scenario_error(data, rows) -> None:
    try:
        scenario = parse_scenario(data, where="fuzz.toml")
    except ScenarioError as err:
        assert str(err).startswith("fuzz.toml")
        assert "\n" not in str(err)
        return
    assert isinstance(scenario, Scenario)
    assert re.fullmatch(r"[A-Z]{3}", scenario.campaigner)
    for z in (0.0, strength_nodes()[0][-1]):
        try:
            offsets = scenario.offsets(rows, z=z)
        except ScenarioError as err:
            assert any(said in str(err) for said in EXPECTED_AT_OFFSETS), str(err)
            return
        values = offsets.to_numpy()
        assert np.isfinite(values).all() and (values >= 0).all()
        if scenario.campaigner in offsets.index:
            assert (offsets.loc[scenario.campaigner] == 0).all()


TOML_PIECES = st.sampled_from(
    [
        'name = "x"',
        'description = "d"',
        "name = 3",
        "sources = []",
        'campaigner = "USA"',
        'campaigner = "usa"',
        "[[channel]]",
        "[channel]",
        'name = "a"',
        'talking_point = "t"',
        'kind = "absence"',
        'kind = "vot"',
        "select = { eu = true }",
        "select = [{ nato = true }, { un_group = 'African' }]",
        "select = { iso3 = 'POL' }",
        "select = { us_agreement = { min = 0.5 } }",
        "strength = { central = 1.0, range = [0.5, 2.0] }",
        "strength = { central = nan, range = [0.0, 2.0] }",
        "strength = { central = 1e-300, range = [0, 50] }",
        "strength = 1.5",
        "strength = 1e400",
        "response = { feature = 'us_agreement', slope = 2.0 }",
        "response = { feature = 'campaigner_agreement', slope = -20 }",
        "vote_shift = { central = 1.0, range = [0.0, 2.0] }",
        'level = "high"',
        "colour = 1",
        "x = [1, 'a', { b = 2 }]",
        'description = """multi',
        "1979-05-27T07:32:00Z = 1",
        "",
    ]
)
TOML_TEXTS = st.lists(TOML_PIECES | st.text(max_size=20), max_size=14).map("\n".join) | st.text()


@pytest.fixture(scope="module")
def fuzz_dir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=TOML_TEXTS)
def test_read_scenario_accepts_or_raises_scenario_error(text, fuzz_dir) -> None:
    path = fuzz_dir / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = read_scenario(path)
    except ScenarioError as err:
        assert str(err).startswith(str(path)) and "\n" not in str(err)
    else:
        assert isinstance(scenario, Scenario)


# ----------------------------------------------------------------------------- monotonicity

SELECTORS = [
    None,
    [{"us_treaty_ally": True}, {"mnna": True}, {"cofa": True}],
    [{"eu": True}],
    [{"nato": True, "eu": False}],
    [{"un_group": "African"}],
    [{"un_group": ["Asia-Pacific", "Latin American and Caribbean"]}],
    [{"last_vote": ["no", "abstain", "absent"]}],
    [{"us_agreement": {"min": 0.5}}],
    [{"ukraine_support": {"min": 0.8}}],
]
RESPONSE_CHOICES = [
    None,
    {"feature": "us_agreement", "slope": 1.16},
    {"feature": "us_agreement", "slope": -3.0},
    {"feature": "campaigner_agreement", "slope": 2.0},
    {"feature": "ukraine_support", "slope": 1.0},
    {"feature": "missed_12m", "slope": 20.0},
]
LOW = st.floats(0.02, 1.0)
RATIO = st.floats(1.0, 4.0)


@st.composite
def priors(draw) -> dict:
    """A prior ``{central, range}`` with a range above 0 (see the properties below)."""
    low = draw(LOW)
    central = low * draw(RATIO)
    return {"central": central, "range": [low, central * draw(RATIO)]}


@st.composite
def channels(draw, k: int) -> Channel:
    strength = draw(priors() | st.floats(0.0, 4.0))
    return Channel(
        f"c{k}",
        "t",
        kind=draw(st.sampled_from(list(KINDS))),
        select=draw(st.sampled_from(SELECTORS)),
        strength=strength,
        response=draw(st.sampled_from(RESPONSE_CHOICES)),
    )


@st.composite
def campaigns(draw) -> Scenario:
    n = draw(st.integers(1, 3))
    return Scenario("random", "a random campaign", tuple(draw(channels(k)) for k in range(n)))


SCENARIOS_ANY = campaigns() | st.sampled_from(BUILTIN).map(of_2025)


def _assert_no_more_yes(model, rows, baseline, weaker: Scenario, stronger: Scenario) -> None:
    low = forecast_of(model, rows, baseline, weaker)
    high = forecast_of(model, rows, baseline, stronger)
    assert high.expected["yes"] <= low.expected["yes"] + 1e-9
    slack = high.probs["p_yes"] - low.probs["p_yes"]
    assert (slack <= 1e-12).all(), slack[slack > 1e-12]


@settings(max_examples=20, deadline=None, derandomize=True)
@given(scenario=SCENARIOS_ANY, factors=st.lists(st.floats(0.0, 3.0), min_size=2, max_size=2))
def test_scaling_a_scenario_up_never_raises_yes(scenario, factors, model, rows, baseline) -> None:
    f1, f2 = sorted(factors)
    _assert_no_more_yes(model, rows, baseline, scenario.scaled(f1), scenario.scaled(f2))


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_levels_are_ordered(name, model, rows, baseline) -> None:
    scenario = of_2025(name)
    low, central, high = (scenario.at_level(level) for level in ("low", "central", "high"))
    _assert_no_more_yes(model, rows, baseline, low, central)
    _assert_no_more_yes(model, rows, baseline, central, high)


def _replace_strength(scenario: Scenario, k: int, strength) -> Scenario:
    channels = list(scenario.channels)
    channels[k] = dataclasses.replace(channels[k], strength=strength)
    return dataclasses.replace(scenario, channels=tuple(channels))


# Both properties below are for ranges above 0.  A range from 0 states no lower end: its
# spread is set by the upper end and the central value together, and then neither holds
# (a central value near 0 puts the prior's upper tail far beyond the range).


@settings(max_examples=25, deadline=None, derandomize=True)
@given(scenario=campaigns() | st.sampled_from(["cable", "allies"]).map(of_2025), data=st.data())
def test_a_stronger_central_value_never_raises_expected_yes(
    scenario, data, model, rows, baseline
) -> None:
    k = data.draw(st.integers(0, len(scenario.channels) - 1))
    strength = scenario.channels[k].strength
    low, high = strength.low, strength.high
    if strength.uncertain:  # a prior: a stronger central value within the same range
        weaker, stronger = sorted(data.draw(st.lists(st.floats(low, high), min_size=2, max_size=2)))
        before = {"central": weaker, "range": [low, high]}
        after = {"central": stronger, "range": [low, high]}
    else:  # a fixed strength: a stronger one
        before, after = strength.central, strength.central + data.draw(st.floats(0.0, 3.0))
    _assert_no_more_yes(
        model,
        rows,
        baseline,
        _replace_strength(scenario, k, before),
        _replace_strength(scenario, k, after),
    )


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    scenario=campaigns() | st.sampled_from(["cable", "ukraine-argument"]).map(of_2025),
    data=st.data(),
)
def test_widening_a_channels_prior_never_narrows_the_80_percent_yes_interval(
    scenario, data, model, rows, baseline
) -> None:
    """Neither end of the interval moves inward by more than one count.

    Not by none: widening a log-normal prior about a fixed median also strengthens the
    campaign on average (its mean is ``median × exp(σ² / 2)``), while a campaign has no
    force below none.  So the count's distribution spreads downward, and its 90th
    percentile, moving down, can cross a whole count: the upper end falls by one.  And
    where the channel's targets are members already unlikely to vote yes, a stronger
    campaign makes their votes surer and the count less uncertain: the lower end can
    rise by one.  Both are properties of the model, not of the arithmetic; on the 2025
    vote neither ever moves an end by two.
    """
    k = data.draw(st.integers(0, len(scenario.channels) - 1))
    strength = scenario.channels[k].strength
    if not strength.uncertain:
        strength = Strength(
            strength.central + 0.1, (strength.central + 0.1) / 2, strength.central + 0.3
        )
    wider_low = strength.low / data.draw(st.floats(1.0, 4.0))
    wider_high = min(MAX_SHIFT, strength.high * data.draw(st.floats(1.0, 4.0)))
    narrow = _replace_strength(scenario, k, strength)
    wide = _replace_strength(
        scenario, k, {"central": strength.central, "range": [wider_low, wider_high]}
    )
    assert wide.channels[k].strength.sigma >= narrow.channels[k].strength.sigma
    before = forecast_of(model, rows, baseline, narrow).intervals["80"]["yes"]
    after = forecast_of(model, rows, baseline, wide).intervals["80"]["yes"]
    assert after[0] <= before[0] + 1, (before, after)
    assert after[1] >= before[1] - 1, (before, after)


@pytest.mark.parametrize("k", range(4))
def test_widening_a_channel_of_the_cable_widens_its_interval(k, model, rows, baseline) -> None:
    cable = of_2025("cable")
    strength = cable.channels[k].strength
    wider = {"central": strength.central, "range": [strength.low / 2, strength.high * 2]}
    before = forecast_of(model, rows, baseline, cable).intervals["80"]["yes"]
    after = forecast_of(model, rows, baseline, _replace_strength(cable, k, wider))
    low, high = after.intervals["80"]["yes"]
    assert low < before[0] and high >= before[1] - 1
    assert high - low > before[1] - before[0]


def test_a_file_name_too_long_for_the_file_system_is_one_readable_line() -> None:
    name = "a" * 300 + ".toml"
    for read in (read_scenario, get_scenario):
        with pytest.raises(
            ScenarioError, match=r"^a{30}\.\.\.a+\.toml: cannot be read \(File name too long\)$"
        ):
            read(name)
