"""Campaign episodes: the catalogue, the offset fits, one real episode, leave-one-out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unvote.campaigns.episodes import (
    CATALOGUE_COLUMNS,
    NO_CHANNEL,
    PORTABLE_FEATURES,
    auc,
    binary_view,
    channel_groups,
    channel_shapes,
    channel_strengths,
    describe_episode,
    episode_rows,
    estimate_episode,
    expected_yes,
    fit_episode_model,
    group_shifts,
    heterogeneity,
    load_episodes,
    locate_episodes,
    loeo,
    offset_logit,
    offset_multinomial,
    pool_shifts,
    response_function,
)
from unvote.errors import DataFileError, UnknownNameError, UnvoteError
from unvote.model.estimator import softmax_against_reference
from unvote.model.features import MODEL_FEATURES, agreement_with, feature_rows, recorded_targets
from unvote.scenarios.scenario import Channel, Scenario, get_scenario

RECORD_END = pd.Timestamp("2026-06-04")
"""The shipped record's last roll call: every episode must be in it."""
CUBA_2025 = "cuba-embargo-2025"


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# -- offset fits on simulated data ------------------------------------------------


def test_offset_logit_recovers_a_known_shift():
    rng = np.random.default_rng(11)
    a = rng.normal(-3.0, 1.5, 40_000)  # mostly firm yes, as on near-unanimous texts
    y = rng.random(a.size) < _sigmoid(a + 1.2)
    fit = offset_logit(y, a)
    assert fit.converged
    assert abs(fit.coef["shift"] - 1.2) < 3 * fit.se["shift"]
    assert 0 < fit.se["shift"] < 0.05


def test_offset_logit_recovers_heterogeneous_shifts():
    rng = np.random.default_rng(12)
    n = 30_000
    a = rng.normal(-2.5, 1.5, n)
    z = pd.DataFrame({"shift": 1.0, "ally": (rng.random(n) < 0.3).astype(float)})
    y = rng.random(n) < _sigmoid(a + 0.5 + 1.5 * z["ally"].to_numpy())
    fit = offset_logit(y, a, z)
    truth = pd.Series({"shift": 0.5, "ally": 1.5})
    assert ((fit.coef - truth).abs() < 3 * fit.se).all(), (fit.coef, fit.se)


def test_offset_logit_matches_statsmodels_with_an_offset():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(13)
    n = 500
    a = rng.normal(-1.0, 2.0, n)
    x = pd.DataFrame({"shift": 1.0, "z": rng.normal(size=n)})
    y = (rng.random(n) < _sigmoid(a + 0.7 - 0.4 * x["z"].to_numpy())).astype(float)
    ours = offset_logit(y, a, x)
    theirs = sm.GLM(y, x.to_numpy(), family=sm.families.Binomial(), offset=a).fit()
    np.testing.assert_allclose(ours.coef.to_numpy(), theirs.params, atol=1e-7)
    np.testing.assert_allclose(ours.se.to_numpy(), theirs.bse, rtol=1e-5)
    np.testing.assert_allclose(ours.loglik, theirs.llf, rtol=1e-9)


def test_offset_logit_converges_from_far_offsets():
    # Offsets far from the data (a bad forecast) made a plain Newton step overshoot.
    rng = np.random.default_rng(14)
    a = np.concatenate([rng.normal(-4, 0.5, 150), rng.normal(6, 0.5, 40)])
    y = np.concatenate([rng.random(150) < 0.3, rng.random(40) < 0.5]).astype(float)
    x = pd.DataFrame({"shift": 1.0, "slope": a - a.mean()})
    fit = offset_logit(y, a, x)
    assert fit.converged and np.isfinite(fit.coef).all()


def test_offset_logit_refuses_a_shift_nothing_identifies():
    with pytest.raises(UnvoteError, match="not identified"):
        offset_logit(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="same length"):
        offset_logit(np.zeros(5), np.zeros(4))


def test_offset_multinomial_recovers_vote_and_absence_shifts():
    rng = np.random.default_rng(15)
    n = 60_000
    eta = np.column_stack(
        [rng.normal(-4, 1, n), rng.normal(-5, 1, n), rng.normal(-3, 1, n)]
    )  # abstain, no, absent against yes
    truth = {"vote": 2.0, "absence": 0.5}
    shifted = eta + np.array([truth["vote"], truth["vote"], truth["absence"]])
    p = softmax_against_reference(shifted)
    codes = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    fit = offset_multinomial(codes, eta)
    for name, value in truth.items():
        assert abs(fit.coef[name] - value) < 3 * fit.se[name], (name, fit.coef, fit.se)
    # One shift on all three log-odds: the same score as the binary not-yes fit.
    common = offset_multinomial(codes, eta, {"all": ("abstain", "no", "absent")})
    binary = offset_logit(codes != 0, np.logaddexp.reduce(eta, axis=1))
    np.testing.assert_allclose(common.coef["all"], binary.coef["shift"], atol=1e-8)
    np.testing.assert_allclose(common.se["all"], binary.se["shift"], rtol=1e-6)


def test_offset_multinomial_refuses_unknown_outcomes_and_classes():
    eta = np.zeros((2, 3))
    with pytest.raises(ValueError, match="unknown outcomes"):
        offset_multinomial(np.array(["yes", "maybe"]), eta)
    with pytest.raises(ValueError, match="not among"):
        offset_multinomial(np.array(["yes", "no"]), eta, {"x": ("yes",)})
    with pytest.raises(UnvoteError, match="not identified"):
        offset_multinomial(np.array(["yes", "no"]), eta)  # nobody absent


def test_offset_multinomial_with_a_design_recovers_channel_strengths():
    """Two overlapping channels and an absence channel, added up as a scenario adds them."""
    rng = np.random.default_rng(18)
    n = 60_000
    eta = np.column_stack([rng.normal(-4, 1, n), rng.normal(-5, 1, n), rng.normal(-3, 1, n)])
    a, b = rng.random(n) < 0.4, rng.random(n) < 0.5
    x = pd.DataFrame({"a": a, "b": b, "away": a | b}).astype(float)
    truth = pd.Series({"a": 1.5, "b": 0.8, "away": 0.6})
    shift = np.column_stack([x["a"] * 1.5 + x["b"] * 0.8] * 2 + [x["away"] * 0.6])
    p = softmax_against_reference(eta + shift)
    codes = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    kinds = {"a": ("abstain", "no"), "b": ("abstain", "no"), "away": ("absent",)}
    fit = offset_multinomial(codes, eta, kinds, x=x)
    assert ((fit.coef - truth).abs() < 3 * fit.se).all(), (fit.coef, fit.se)
    # A design of ones is the plain fit.
    ones = offset_multinomial(codes, eta, x=pd.DataFrame({"vote": 1.0, "absence": 1.0}, range(n)))
    plain = offset_multinomial(codes, eta)
    np.testing.assert_allclose(ones.coef, plain.coef, atol=1e-10)
    np.testing.assert_allclose(ones.se, plain.se, rtol=1e-8)
    with pytest.raises(ValueError, match="a column for each"):
        offset_multinomial(codes, eta, x=x)
    with pytest.raises(UnvoteError, match="not identified"):  # a channel that moves nobody
        offset_multinomial(codes, eta, kinds, x=x.assign(b=0.0))


def test_binary_views_select_the_right_members():
    rows = pd.DataFrame(
        {
            "vote": ["yes", "abstain", "no", "absent"],
            "eta_abstain": [0.0, 1.0, 2.0, 3.0],
            "eta_no": 0.0,
            "eta_absent": [5.0, 6.0, 7.0, 8.0],
            "a": 0.0,
            "nonyes": [0.0, 1.0, 1.0, 1.0],
        }
    )
    vote, offset = binary_view(rows, "vote")
    assert vote["y"].tolist() == [0.0, 1.0, 1.0]
    np.testing.assert_allclose(offset, np.logaddexp([0.0, 1.0, 2.0], 0.0))
    absence, offset = binary_view(rows, "absence")
    assert absence["y"].tolist() == [0.0, 1.0] and offset.tolist() == [5.0, 8.0]
    with pytest.raises(ValueError, match="outcome"):
        binary_view(rows, "abstain")


def test_pool_shifts_is_dersimonian_laird():
    d, v = np.array([0.5, 1.5, 3.5]), np.array([0.1, 0.2, 0.1])
    w = 1 / v
    fixed = (w * d).sum() / w.sum()
    q = (w * (d - fixed) ** 2).sum()
    tau2 = (q - 2) / (w.sum() - (w**2).sum() / w.sum())
    pooled = pool_shifts(d, v)
    assert pooled["tau2"] == pytest.approx(tau2) and tau2 > 0
    assert pooled["mean"] == pytest.approx(((d / (v + tau2)).sum()) / (1 / (v + tau2)).sum())
    with pytest.raises(ValueError):
        pool_shifts([1.0], [0.0])


def test_auc_agrees_with_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(16)
    y = rng.random(300) < 0.3
    score = rng.normal(size=300) + y
    score[:20] = 0.0  # ties
    assert auc(score, y) == pytest.approx(metrics.roc_auc_score(y, score))
    assert np.isnan(auc([1.0, 2.0], [True, True]))


# -- leave-one-out on simulated episodes ----------------------------------------------


def _simulated_episode(rng: np.random.Generator, shift: float, n: int = 190) -> pd.DataFrame:
    eta = np.column_stack(
        [rng.normal(-3, 1.2, n), rng.normal(-4, 1.5, n), rng.normal(-2.5, 1.0, n)]
    )
    agreement = rng.uniform(0.2, 0.8, n)
    missed = rng.uniform(0.0, 0.3, n)
    p = softmax_against_reference(eta + (shift + 2.0 * (agreement - 0.5))[:, None])
    codes = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    votes = np.array(["yes", "abstain", "no", "absent"])[codes]
    a = np.logaddexp.reduce(eta, axis=1)
    return pd.DataFrame(
        {
            "vote": votes,
            "nonyes": (codes != 0).astype(float),
            "eta_abstain": eta[:, 0],
            "eta_no": eta[:, 1],
            "eta_absent": eta[:, 2],
            "a": a,
            "p_yes": _sigmoid(-a),
            "campaigner_agreement": agreement,
            "missed_12m": missed,
            "us_ally": (agreement > 0.6).astype(float),
        },
        index=[f"M{i:03d}" for i in range(n)],
    )


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(17)
    rows = {f"e{k}": _simulated_episode(rng, s) for k, s in enumerate([1.5, 2.0, 2.5, 1.8])}
    estimates = pd.DataFrame(
        {
            name: {
                "delta": offset_logit(r["nonyes"], r["a"]).coef["shift"],
                "se_total": 0.9,
                "shock_sd": 0.85,
            }
            for name, r in rows.items()
        }
    ).T
    return rows, estimates


def test_loeo_shapes(simulated):
    rows, estimates = simulated
    table = loeo(rows, estimates, PORTABLE_FEATURES)
    assert list(table.index) == list(rows)
    expected = {
        "delta_pooled",
        "delta_pooled_se",
        "yes_expected",
        "yes_observed",
        "lost_observed",
        "lost_uniform",
        "lost_predicted",
        "lost_low",
        "lost_high",
        "inside",
        "at_risk",
        "movers",
        "auc_history",
        "auc_uniform",
        "auc_predicted",
        "slope_campaigner_agreement",
        "slope_missed_12m",
    }
    assert expected <= set(table.columns)
    assert (table["lost_low"] <= table["lost_predicted"]).all()
    assert (table["lost_predicted"] <= table["lost_high"]).all()
    assert (table["movers"] <= table["at_risk"]).all()
    aucs = table[["auc_history", "auc_uniform", "auc_predicted"]].to_numpy()
    assert ((aucs >= 0) & (aucs <= 1)).all()
    # The simulated campaigns do move members more the closer they are to the campaigner.
    assert (table["slope_campaigner_agreement"] > 0).all()
    # The others' mean never uses the episode left out.
    for name in rows:
        others = estimates.drop(index=name)
        pooled = pool_shifts(others["delta"], others["se_total"] ** 2)
        assert table.loc[name, "delta_pooled"] == pytest.approx(pooled["mean"])


def test_loeo_needs_three_episodes(simulated):
    rows, estimates = simulated
    with pytest.raises(ValueError, match="three"):
        loeo({k: rows[k] for k in ["e0", "e1"]}, estimates)


def test_response_function_finds_the_simulated_slope(simulated):
    rows, estimates = simulated
    fitted = response_function(
        rows, "campaigner_agreement", estimates["shock_sd"].to_dict(), outcome="nonyes"
    )
    assert abs(fitted["b"] - 2.0) < 3 * fitted["b_se"]
    assert fitted["k"] == 4 and fitted["x_low"] < fitted["center"] < fitted["x_high"]
    allies = response_function(
        rows, "campaigner_agreement", estimates["shock_sd"].to_dict(), select="us_ally"
    )
    assert allies["n"] < fitted["n"]


def test_expected_yes_is_the_sum_of_p_yes(simulated):
    rows, _ = simulated
    one = rows["e0"]
    assert expected_yes(one) == pytest.approx(one["p_yes"].sum())
    assert expected_yes(one, 1.0) < expected_yes(one)


# -- the catalogue -------------------------------------------------------------------


def test_the_catalogue_loads_with_sources():
    episodes = load_episodes()
    assert list(episodes.columns) == list(CATALOGUE_COLUMNS[1:])
    assert "jerusalem-2017" in episodes.index
    assert episodes["sources"].str.len().gt(40).all()
    assert set(episodes["direction"]) <= {"against", "for"}
    assert (episodes["date"] < RECORD_END).all()
    for name, episode in episodes.iterrows():
        assert episode["campaigner"] not in episode["principals"], name
        assert episode["comparison"], f"{name} has no comparison votes"


def test_the_2025_campaign_is_an_episode_of_the_catalogue():
    episode = load_episodes().loc[CUBA_2025]
    assert (episode["symbol"], episode["campaigner"]) == ("A/RES/80/4", "USA")
    assert episode["date"] == pd.Timestamp("2025-10-29") and episode["confidence"] == "high"
    assert episode["principals"] == ("CUB",) and not episode["reference"]
    assert episode["comparison"] == ("A/RES/79/7", "A/RES/78/7", "A/RES/77/7")
    assert len(episode["sources"].split(" | ")) >= 3


def test_every_episode_is_a_roll_call_of_the_record_before_its_end(record):
    episodes = load_episodes()
    calls = locate_episodes(record, episodes)
    assert record.last_date <= RECORD_END
    for name, at in calls.items():
        row = record.calls.iloc[at]
        assert row["resolution"] == episodes.loc[name, "symbol"]
        assert row["date"] == episodes.loc[name, "date"] < RECORD_END
        assert row["vote_on"] == "resolution"
        for code in (episodes.loc[name, "campaigner"], *episodes.loc[name, "principals"]):
            assert code in record.countries


def test_the_catalogue_is_checked(tmp_path, record):
    good = load_episodes().reset_index()
    good["date"] = good["date"].dt.strftime("%Y-%m-%d")
    for column in ("other_campaigners", "principals", "comparison"):
        good[column] = good[column].map(";".join)

    def write(frame: pd.DataFrame) -> str:
        path = tmp_path / "episodes.csv"
        frame.to_csv(path, index=False)
        return str(path)

    assert len(load_episodes(write(good))) == len(good)
    for column, value, message in [
        ("direction", "sideways", "direction"),
        ("confidence", "certain", "confidence"),
        ("campaigner", "usa", "ISO3"),
        ("sources", " ", "sources"),
        ("date", "21/12/2017", "YYYY-MM-DD"),
    ]:
        bad = good.copy()
        bad.loc[0, column] = value
        with pytest.raises(DataFileError, match=message):
            load_episodes(write(bad))
    with pytest.raises(DataFileError, match="missing column"):
        load_episodes(write(good.drop(columns="aim")))
    with pytest.raises(DataFileError, match="repeated"):
        load_episodes(write(pd.concat([good, good.iloc[:1]])))

    moved = load_episodes(write(good))
    moved.loc["jerusalem-2017", "date"] = pd.Timestamp("2017-12-22")
    with pytest.raises(DataFileError, match="the record 2017-12-21"):
        locate_episodes(record, moved)
    unknown = load_episodes(write(good))
    unknown.loc["jerusalem-2017", "symbol"] = "A/RES/ES-10/99"
    with pytest.raises(UnknownNameError, match="ES-10/99"):
        locate_episodes(record, unknown)
    later = load_episodes(write(good))
    later.loc["jerusalem-2017", "comparison"] = ("A/RES/72/250",)
    with pytest.raises(DataFileError, match="not earlier"):
        locate_episodes(record, later)


# -- the record ------------------------------------------------------------------------


def test_agreement_with_the_united_states_is_the_panels_us_agreement(record):
    which = record.calls["resolution"] == "A/RES/72/15"
    rows = feature_rows(record, recorded_targets(record, which)).set_index("iso3")
    eve = rows["date"].iloc[0] - pd.Timedelta(days=1)
    agreement = agreement_with(record, "USA", eve)
    np.testing.assert_allclose(agreement[rows.index], rows["us_agreement"], atol=1e-12)
    with pytest.raises(UnknownNameError):
        agreement_with(record, "XXX", eve)


@pytest.fixture(scope="module")
def jerusalem(record):
    """The Jerusalem episode, with a model of three sessions (fast)."""
    episode = load_episodes().loc["jerusalem-2017"]
    model = fit_episode_model(record, episode["date"], window=3)
    return episode, model, episode_rows(record, episode, model)


def test_the_episode_model_sees_nothing_of_the_vote_day(jerusalem):
    episode, model, _ = jerusalem
    assert model.train_through_ < episode["date"]
    assert model.train_sessions_ == (70, 72)


def test_jerusalem_rows(jerusalem):
    _, _, rows = jerusalem
    assert {"USA", "ISR"}.isdisjoint(rows.index)  # the campaigner and the text's subject
    assert len(rows) == 191
    assert (rows["vote"] == "yes").sum() == 128
    np.testing.assert_allclose(rows["p_yes"], _sigmoid(-rows["a"]))
    # As a vote on the annual Jerusalem text, most members were forecast yes.
    assert rows["p_yes"].sum() > 150
    assert rows["comparison_n"].max() == 10


def test_jerusalem_gives_a_finite_positive_shift_with_standard_errors(jerusalem):
    _, model, rows = jerusalem
    estimate = estimate_episode(rows, model.shock_sd_)
    assert np.isfinite(estimate[["delta", "se_sampling", "vote_shift", "absence_shift"]]).all()
    assert estimate["delta"] > 0.5 and estimate["vote_shift"] > 1.0
    assert 0 < estimate["se_sampling"] < 0.5
    assert estimate["se_total"] == pytest.approx(np.hypot(estimate["se_sampling"], model.shock_sd_))
    assert estimate["yes_observed"] == 128 < estimate["yes_expected"]
    described = describe_episode(rows)
    assert described["left_yes"] == (
        described["to_abstain"] + described["to_no"] + described["to_absent"]
    )
    groups = group_shifts(rows).set_index("group")
    assert groups.loc["all", "delta"] == pytest.approx(estimate["delta"])
    assert groups.loc["us_treaty_ally", "n"] < groups.loc["all", "n"]
    terms = heterogeneity(rows)
    assert terms.index[0] == "shift" and np.isfinite(terms[["coef", "se"]]).all().all()


def _turned_after(record, day):
    """The record with every vote on or after ``day`` turned around (yes <-> no)."""
    import dataclasses

    later = (record.calls["date"] >= day).to_numpy()
    codes = record.codes.copy()
    codes[later] = np.where(codes[later] >= 0, np.array([2, 0, 0, 0])[codes[later]], -1)
    return dataclasses.replace(record, codes=codes)


def test_each_episode_uses_only_the_record_before_its_vote(record):
    """The votes from an episode's day on turned around: its model and forecasts do not move."""
    episodes = load_episodes()
    for name in ("jerusalem-2017", CUBA_2025):
        episode = episodes.loc[name]
        model = fit_episode_model(record, episode["date"], window=1)
        assert model.train_through_ < episode["date"]
        turned = _turned_after(record, episode["date"])
        again = fit_episode_model(turned, episode["date"], window=1)
        assert again.to_dict() == model.to_dict(), name
        rows = episode_rows(record, episode, model)
        moved = episode_rows(turned, episode, model)
        columns = [c for c in rows.columns if c not in ("vote", "nonyes", "absent")]
        pd.testing.assert_frame_equal(moved[columns], rows[columns])
        assert (moved["vote"] != rows["vote"]).any()  # only the outcome changed


@pytest.fixture(scope="module")
def cuba_2025(record):
    """The 2025 campaign with a model of two sessions (fast)."""
    episode = load_episodes().loc[CUBA_2025]
    model = fit_episode_model(record, episode["date"], window=2)
    return episode, model, episode_rows(record, episode, model)


def test_the_2025_rows_carry_what_a_scenario_selects_on(cuba_2025):
    _, model, rows = cuba_2025
    assert model.train_sessions_ == (79, 80)
    assert {"USA", "CUB"}.isdisjoint(rows.index) and len(rows) == 191
    assert (rows["vote"] == "yes").sum() == 164  # 165 with Cuba
    assert set(MODEL_FEATURES) <= set(rows.columns)
    np.testing.assert_allclose(rows["campaigner_agreement"], rows["us_agreement"], atol=1e-12)


def test_the_2025_campaign_by_the_channels_of_the_cable(cuba_2025):
    _, _, rows = cuba_2025
    cable = get_scenario("cable", on="2025-10-29")  # the channels in use for that vote
    shapes = channel_shapes(rows, cable)
    assert list(shapes.columns) == [c.name for c in cable.channels]
    groups = channel_groups(rows, cable).set_index("group")
    assert list(groups.index) == [*shapes.columns, NO_CHANNEL]
    assert groups.loc[NO_CHANNEL, "n"] == (~(shapes > 0).any(axis=1)).sum()
    # Most members that left yes are in the cable's channels.
    left = rows["vote"] != "yes"
    assert (left & (shapes > 0).any(axis=1)).sum() >= 20
    fit = channel_strengths(rows, cable)
    assert list(fit.coef.index) == list(shapes.columns) and np.isfinite(fit.se).all()
    assert fit.coef["absence"] > 0 and fit.coef["allies"] + fit.coef["ukraine-argument"] > 2


def test_channel_strengths_of_disjoint_channels_are_their_groups_shifts(cuba_2025):
    _, _, rows = cuba_2025
    regions = ["Eastern European", "Latin American and Caribbean"]
    split = Scenario(
        "split",
        "two disjoint vote channels",
        tuple(Channel(r[:5], "", select={"un_group": r}, strength=1.0) for r in regions),
    )
    fit = channel_strengths(rows, split)
    groups = channel_groups(rows, split).set_index("group")
    for region in regions:
        mine = rows[rows["un_group"] == region]
        alone = offset_multinomial(
            mine["vote"], mine[["eta_abstain", "eta_no", "eta_absent"]], {"v": ("abstain", "no")}
        )
        assert fit.coef[region[:5]] == pytest.approx(alone.coef["v"], abs=1e-6)
        assert groups.loc[region[:5], "n"] == len(mine)
    assert groups.loc[NO_CHANNEL, "n"] == len(rows) - groups.loc[["Easte", "Latin"], "n"].sum()


@pytest.mark.slow
def test_jerusalem_with_the_full_window(record):
    """The figures of seeds/EPISODES.md (scripts/estimate_pressure_episodes.py)."""
    estimates = pd.read_csv(
        __import__("pathlib").Path(__file__).parents[1] / "seeds" / "episode_estimates.csv",
        index_col="episode",
    )
    episode = load_episodes().loc["jerusalem-2017"]
    model = fit_episode_model(record, episode["date"])
    estimate = estimate_episode(episode_rows(record, episode, model), model.shock_sd_)
    for column in ("delta", "se_sampling", "vote_shift", "absence_shift"):
        assert estimate[column] == pytest.approx(estimates.loc["jerusalem-2017", column], abs=1e-3)
