"""The feature panel: its shape, leakage, a few known facts and its errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import unvote.panel
from unvote.load import load_totals, load_ukraine_votes, load_votes
from unvote.panel import MODEL_FEATURES, feature_panel, features, vote_dates

FEATURES = list(MODEL_FEATURES)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return feature_panel(2025)


def row(panel: pd.DataFrame, year: int, iso3: str) -> pd.Series:
    match = panel[(panel["year"] == year) & (panel["iso3"] == iso3)]
    assert len(match) == 1
    return match.iloc[0]


# -- shape ---------------------------------------------------------------------


def test_one_row_per_member_per_vote(panel):
    sizes = panel.groupby("year").size()
    assert sizes.loc[[1992, 2024, 2025]].tolist() == [179, 193, 193]
    assert not panel.duplicated(["year", "iso3"]).any()
    assert 2020 not in sizes.index
    # every member of a recorded vote has a vote; the coming vote has none yet
    assert panel.loc[panel["year"] < 2025, "vote"].notna().all()
    assert panel.loc[panel["year"] == 2025, "vote"].isna().all()


def test_model_features_are_finite_floats(panel):
    for column in FEATURES:
        assert panel[column].dtype == np.float64, column
        assert np.isfinite(panel[column].to_numpy()).all(), column


# -- leakage -------------------------------------------------------------------


def test_votes_after_a_year_do_not_change_earlier_features(monkeypatch, panel):
    cutoff = 2010
    original = load_votes()

    def altered(resolution: str = "cuba-embargo", **tables) -> pd.DataFrame:
        votes = original.copy()
        later = votes["year"] > cutoff
        # every later vote becomes "no" (and every later "no" becomes "abstain"),
        # so every later vote differs from the record
        was_no = votes["vote"] == "no"
        votes.loc[later, "vote"] = "no"
        votes.loc[later & was_no, "vote"] = "abstain"
        return votes

    monkeypatch.setattr(unvote.panel, "load_votes", altered)
    changed = feature_panel(2025)

    # the alteration did reach the panel: the year after the next one differs
    assert not changed.loc[changed["year"] == cutoff + 2, FEATURES].equals(
        panel.loc[panel["year"] == cutoff + 2, FEATURES]
    )
    keep = panel["year"] <= cutoff + 1
    pd.testing.assert_frame_equal(
        changed.loc[changed["year"] <= cutoff + 1, FEATURES], panel.loc[keep, FEATURES]
    )


def test_ukraine_votes_do_not_change_features_of_earlier_votes(monkeypatch, panel):
    original = load_ukraine_votes()

    def altered() -> pd.DataFrame:
        es11 = original.copy()
        yes = es11["vote"] == "yes"
        es11.loc[yes, "vote"] = "no"
        es11.loc[~yes, "vote"] = "yes"
        return es11

    monkeypatch.setattr(unvote.panel, "load_ukraine_votes", altered)
    changed = feature_panel(2025)

    assert not changed.loc[changed["year"] == 2022, "ukraine_support"].equals(
        panel.loc[panel["year"] == 2022, "ukraine_support"]
    )
    pd.testing.assert_frame_equal(
        changed.loc[changed["year"] <= 2021, FEATURES], panel.loc[panel["year"] <= 2021, FEATURES]
    )


# -- known facts ---------------------------------------------------------------


def test_usa_last_voted_no(panel):
    assert row(panel, 2025, "USA")["last_no"] == 1
    assert row(panel, 2025, "USA")["last_yes"] == 0


def test_brazil_2019_last_voted_yes_and_was_a_major_non_nato_ally(panel):
    # designated a major non-NATO ally on 2019-07-31, before the vote of 2019-11-07
    brazil = row(panel, 2019, "BRA")
    assert brazil["last_yes"] == 1
    assert brazil["mnna"] == 1
    assert brazil["vote"] == "no"


def test_poland_joined_nato_in_1999(panel):
    assert row(panel, 2025, "POL")["nato"] == 1
    assert row(panel, 1998, "POL")["nato"] == 0
    assert row(panel, 1999, "POL")["nato"] == 1


def test_ukraine_support(panel):
    before = panel[panel["year"] < 2022]
    assert (before["ukraine_support"] == 0).all()
    assert row(panel, 2023, "POL")["ukraine_support"] == 1


def test_climate_yes_is_the_previous_yes_share(panel):
    climate = panel.loc[panel["year"] == 2024, "climate_yes"]
    assert (climate == 187 / 193).all()
    assert (panel.loc[panel["year"] == 1992, "climate_yes"] == 0).all()


# -- errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1991, r"year 1991 is out of range.*1992-2025"),
        (2026, r"year 2026 is out of range.*1992-2025"),
        (2020, r"no vote was held in 2020"),
    ],
)
def test_years_without_a_vote_are_refused(year, message):
    with pytest.raises(ValueError, match=message):
        vote_dates(load_totals(), year)
    with pytest.raises(ValueError, match=message):
        features(year)


def test_features_of_one_vote_are_indexed_by_iso3(panel):
    x = features(2024)
    assert x.index.name == "iso3"
    assert len(x) == 193
    pd.testing.assert_frame_equal(
        x[FEATURES],
        panel.loc[panel["year"] == 2024, ["iso3", *FEATURES]].set_index("iso3"),
    )
