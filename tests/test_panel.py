"""The feature panel: hand-checked values, no leakage from the vote or later, both footings."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from unvote.errors import UnknownCountryError
from unvote.model.features import (
    MODEL_FEATURES,
    build_record,
    coming_targets,
    feature_rows,
    last_vote,
    recorded_targets,
    training_rows,
)

CUBA_2024 = "dgacm:A/RES/79/7"


@pytest.fixture(scope="module")
def cuba_2024(record) -> pd.DataFrame:
    targets = recorded_targets(record, record.calls["id"] == CUBA_2024)
    return feature_rows(record, targets).set_index("iso3")


# ----------------------------------------------------------------------------- a tiny record


def tiny_record():
    """Four members, four roll calls on two texts (the last a different text)."""
    calls = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "date": pd.to_datetime(["2023-10-02", "2023-12-01", "2024-10-01", "2024-11-01"]),
            "session": [78, 78, 79, 79],
            "session_type": "regular",
            "resolution": ["A/RES/78/1", "A/RES/78/2", "A/RES/79/1", "A/RES/79/2"],
            "title": ["Oceans", "Nuclear disarmament", "Oceans", "Nuclear disarmament"],
            "vote_on": "resolution",
            "identical_to": "",
        }
    )
    codes = {  # a, b, c, d for each member
        "USA": ["no", "yes", "no", "yes"],
        "GBR": ["abstain", "yes", "no", "no"],
        "CUB": ["yes", "no", "yes", "absent"],
        "FRA": ["yes", "yes", "absent", "yes"],
    }
    votes = pd.DataFrame(
        [(call, iso3, vote[i]) for iso3, vote in codes.items() for i, call in enumerate("abcd")],
        columns=["id", "iso3", "vote"],
    )
    return build_record(calls, votes)


def test_features_by_hand():
    record = tiny_record()
    targets = recorded_targets(record, record.calls["id"] == "c")
    rows = feature_rows(record, targets).set_index("iso3")
    # History on the text "Oceans": roll call a.
    assert rows.loc["GBR", ["last_abstain", "last_yes"]].tolist() == [1.0, 0.0]
    assert rows.loc["USA", "last_no"] == 1.0
    assert rows.loc["CUB", "item_new"] == 0.0
    assert rows.loc["CUB", "item_yes_share"] == pytest.approx(2 / 4)
    # Agreement with the USA over a and b: GBR 0.5 and 1 -> 0.75; CUB 0 and 0 -> 0.
    assert rows.loc["GBR", "us_agreement"] == pytest.approx(0.75)
    assert rows.loc["CUB", "us_agreement"] == pytest.approx(0.0)
    assert rows.loc["USA", "us_agreement"] == pytest.approx(1.0)
    # The no camp at a is the USA alone: GBR agrees with it 0.75 of the time.
    assert rows.loc["GBR", "no_camp_agreement"] == pytest.approx(0.75)
    assert rows.loc["FRA", "missed_12m"] == 0.0
    assert rows["vote"].astype(str).to_dict() == {
        "USA": "no",
        "GBR": "no",
        "CUB": "yes",
        "FRA": "absent",
    }
    # At d, FRA's run of absences is one roll call long (c).
    d = feature_rows(record, recorded_targets(record, record.calls["id"] == "d")).set_index("iso3")
    assert d.loc["FRA", "absent_streak"] == pytest.approx(np.log1p(1))
    assert d.loc["FRA", "missed_recent"] == pytest.approx(1 / 3)


def test_the_record_holds_every_roll_call_with_its_item(record):
    assert len(record.calls) == 6986 and record.calls["date"].is_monotonic_increasing
    assert record.codes.shape == (6986, len(record.countries))
    cuba = record.calls.set_index("id").loc[CUBA_2024, "item"]
    assert len(record.item_calls(cuba)) == 33
    assert repr(record).startswith("<Record: 6,986 roll calls")


# ----------------------------------------------------------------------------- real values


def test_cuba_2024_features(cuba_2024):
    rows = cuba_2024
    assert len(rows) == 193
    assert rows.loc["USA", "last_no"] == 1.0 and rows.loc["MDA", "vote"] == "abstain"
    assert rows.loc["POL", "nato"] == 1.0 and rows.loc["POL", "eu"] == 1.0
    assert rows.loc["MEX", "last_yes"] == 1.0 and rows.loc["MEX", "share_yes"] == 1.0
    # Members that backed Ukraine in every ES-11 vote, and Russia, which never did.
    assert rows.loc["POL", "ukraine_support"] == 1.0 and rows.loc["RUS", "ukraine_support"] == 0.0
    assert rows.loc["GBR", "us_agreement"] > 0.6 > rows.loc["CUB", "us_agreement"]
    # The Cuba text has a sponsor list in the UN extract: Cuba sponsors it.
    assert rows.loc["CUB", "sponsor"] == 1.0 and rows["sponsors_known"].eq(1.0).all()
    assert rows.loc["USA", "sponsor_agreement"] < rows.loc["VEN", "sponsor_agreement"]
    assert rows["vote"].astype(str).value_counts()["yes"] == 187
    assert np.isfinite(rows[list(MODEL_FEATURES)].to_numpy()).all()
    assert last_vote(rows).loc[["USA", "MDA", "MEX"]].tolist() == ["no", "absent", "yes"]


# ----------------------------------------------------------------------------- no leakage


def _scrambled(record, from_date: pd.Timestamp, seed: int):
    """The record with every vote on or after ``from_date`` replaced at random."""
    codes = record.codes.copy()
    later = record.dates >= np.datetime64(from_date)
    rng = np.random.default_rng(seed)
    member = codes[later] >= 0
    block = codes[later]
    block[member] = rng.integers(0, 4, size=member.sum())
    codes[later] = block
    return dataclasses.replace(record, codes=codes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_votes_on_or_after_a_roll_call_do_not_change_its_features(record, seed):
    rng = np.random.default_rng(seed)
    sample = record.calls.index[record.calls["session"].between(60, 79)]
    chosen = np.zeros(len(record.calls), dtype=bool)
    chosen[rng.choice(sample, 4, replace=False)] = True
    targets = recorded_targets(record, chosen)
    for _, target in targets.iterrows():
        one = targets[targets["id"] == target["id"]]
        before = feature_rows(record, one)
        after = feature_rows(_scrambled(record, target["date"], seed), one)
        pd.testing.assert_frame_equal(
            before[list(MODEL_FEATURES)], after[list(MODEL_FEATURES)], obj=target["id"]
        )


def test_frozen_features_ignore_the_session_so_far(record):
    session = record.calls["session"] == 79
    targets = recorded_targets(record, session, footing="frozen")
    start = record.calls.loc[session, "date"].min()
    assert (targets["tau"] == start).all()
    last = targets.tail(3)
    before = feature_rows(record, last)
    after = feature_rows(_scrambled(record, start, 5), last)
    pd.testing.assert_frame_equal(before[list(MODEL_FEATURES)], after[list(MODEL_FEATURES)])


# ----------------------------------------------------------------------------- coming roll calls


def test_a_coming_roll_call_links_to_its_text_or_to_similar_ones(record):
    calls = pd.DataFrame(
        {
            "id": ["cuba", "new"],
            "date": ["2025-11-01", "2025-11-01"],
            "title": [
                "Necessity of ending the economic, commercial and financial embargo imposed "
                "by the United States of America against Cuba",
                "Assistance to Palestine refugees and their descendants in the region",
            ],
            "sponsors": ["Cuba", ""],
        }
    )
    targets = coming_targets(record, calls, through=record.last_date)
    assert targets["session"].tolist() == [80, 80]
    assert targets["item"].iloc[0] == record.calls.set_index("id").loc[CUBA_2024, "item"]
    assert targets["item"].iloc[1] == "new:new"
    assert targets["sponsors"].tolist() == [frozenset({"CUB"}), None]
    rows = feature_rows(record, targets)
    cuba = rows[rows["id"] == "cuba"].set_index("iso3")
    new = rows[rows["id"] == "new"].set_index("iso3")
    assert len(cuba) == len(new) == 193 and rows["vote"].isna().all()
    assert cuba.loc["USA", "last_no"] == 1.0
    assert (new["item_new"] == 1.0).all() and new["similarity"].max() > 0.5
    assert new.loc["ISR", "similar_no"] == 1.0  # Israel votes no on the refugees texts


def test_coming_sponsors_are_read_as_the_un_writes_them(record):
    """Members count; observers, officers and a list without a member sponsor do not."""
    calls = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "date": ["2026-07-01"] * 3,
            "title": ["A text"] * 3,
            "sponsors": [
                "Iraq (on behalf of the States Members of the United Nations that are members of "
                "the Group of 77 and China), Kyrgyzstan and Uzbekistan; STATE OF PALESTINE",
                "submitted by the President of the General Assembly",
                "Mexico; CUB ;Türkiye",
            ],
        }
    )
    targets = coming_targets(record, calls, through=record.last_date)
    assert targets["sponsors"].tolist() == [
        frozenset({"IRQ", "KGZ", "UZB"}),
        None,
        frozenset({"MEX", "CUB", "TUR"}),
    ]
    with pytest.raises(UnknownCountryError, match="roll call 'a': unknown sponsor 'Atlan"):
        coming_targets(record, calls.assign(sponsors="Atlantis"), through=record.last_date)


def test_training_rows_carry_the_session(record):
    rows = training_rows(record, 79, 79)
    assert set(rows["session"]) == {79}
    assert rows["id"].nunique() == (record.calls["session"] == 79).sum()
    assert rows.groupby("id").size().max() == 193


# ----------------------------------------------------------------------------- the record, once


def test_the_record_is_built_once_for_the_same_data_and_each_caller_has_its_own(monkeypatch):
    from unvote.model import features as panel

    first = panel.load_record()
    monkeypatch.setattr(panel, "build_record", lambda *a, **k: pytest.fail("built again"))
    second = panel.load_record()
    assert second is not first and second.version == first.version
    second.codes[0, :] = 2
    second.calls.loc[0, "title"] = "changed"
    second.item_calls(second.calls["item"].iloc[0])[0] = -1
    third = panel.load_record()
    assert third.version == first.version and third.calls.loc[0, "title"] != "changed"
    assert third.item_calls(third.calls["item"].iloc[0])[0] == 0


def test_other_data_give_another_record_and_back(monkeypatch, tmp_path):
    import gzip
    import shutil

    from unvote.model import features as panel
    from unvote.record import loaders as load

    shipped = panel.load_record()
    copy = tmp_path / "ga"
    shutil.copytree(load.data_path("ga"), copy)
    calls = pd.read_csv(copy / "roll_calls.csv.gz", dtype=str, keep_default_na=False)
    calls.loc[calls["id"] == CUBA_2024, "title"] = "Another title"
    (copy / "roll_calls.csv.gz").write_bytes(gzip.compress(calls.to_csv(index=False).encode()))
    monkeypatch.setenv("UNVOTE_GA_DATA", str(copy))
    other = panel.load_record()
    assert other.calls.set_index("id").loc[CUBA_2024, "title"] == "Another title"
    monkeypatch.delenv("UNVOTE_GA_DATA")
    again = panel.load_record()
    assert again.version == shipped.version
    assert again.calls.set_index("id").loc[CUBA_2024, "title"] != "Another title"
