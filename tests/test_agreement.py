"""Agreement with the United States: hand-checked on a tiny record, sanity-checked when shipped."""

from __future__ import annotations

import pandas as pd
import pytest

import unvote
from unvote.record.agreement import COLUMNS, recompute_us_agreement, us_agreement

CUBA_2001 = "A/RES/56/9"  # the real 2001 Cuba-embargo symbol, excluded in most tests


def tiny_record() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five countries, eight roll calls in 2001-2002 (three of them must not count)."""
    calls = pd.DataFrame(
        [
            # id, date, resolution, vote_on, identical_to
            ("r1", "2001-10-01", "A/RES/56/1", "resolution", ""),
            ("r2", "2001-11-01", "A/RES/56/2 A-B", "resolution", ""),
            ("r3", "2001-11-01", "A/RES/56/2 A", "resolution", "r2"),  # duplicate record
            ("r4", "2001-11-27", CUBA_2001, "resolution", ""),  # Cuba embargo
            ("r5", "2001-12-01", "A/RES/56/3", "amendment", ""),  # not the resolution as a whole
            ("r6", "2002-10-01", "A/RES/57/1", "resolution", ""),
            ("r7", "2002-11-01", "A/RES/57/2", "resolution", ""),
            ("r8", "2002-12-01", "A/RES/57/3", "resolution", ""),  # USA absent
        ],
        columns=["id", "date", "resolution", "vote_on", "identical_to"],
    )
    calls["date"] = pd.to_datetime(calls["date"])
    table = {
        #      USA        GBR        CUB        FRA        ISR
        "r1": ("yes", "yes", "no", "abstain", "absent"),
        "r2": ("no", "abstain", "yes", "no", "no"),
        "r3": ("no", "yes", "no", "yes", "yes"),
        "r4": ("no", "yes", "yes", "yes", "no"),
        "r5": ("yes", "no", "no", "no", "no"),
        "r6": ("yes", "absent", "no", "yes", "yes"),
        "r7": ("abstain", "absent", "no", "abstain", "yes"),
        "r8": ("absent", "absent", "yes", "no", "yes"),
    }
    codes = ["USA", "GBR", "CUB", "FRA", "ISR"]
    votes = pd.DataFrame(
        [(rc, iso3, vote) for rc, row in table.items() for iso3, vote in zip(codes, row)],
        columns=["id", "iso3", "vote"],
    )
    votes["vote"] = pd.Categorical(votes["vote"], categories=list(unvote.VOTE_CATEGORIES))
    return calls, votes


def by_key(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index(["iso3", "year"])


def cuba_left_out(calls: pd.DataFrame, votes: pd.DataFrame) -> pd.DataFrame:
    return us_agreement(calls, votes, exclude=[CUBA_2001])


def test_columns_and_order() -> None:
    table = cuba_left_out(*tiny_record())
    assert list(table.columns) == list(COLUMNS)
    assert table["year"].dtype == "int64" and table["n_votes"].dtype == "int64"
    assert table[["year", "iso3"]].equals(
        table[["year", "iso3"]].sort_values(["year", "iso3"], ignore_index=True)
    )


def test_agreement_by_hand() -> None:
    table = by_key(cuba_left_out(*tiny_record()))
    expected = {
        # 2001: r1 and r2 only (r3 duplicate, r4 Cuba, r5 amendment)
        ("USA", 2001): (2, 1.0),
        ("GBR", 2001): (2, (1 + 0.5) / 2),  # same; one abstained
        ("CUB", 2001): (2, 0.0),  # yes against no twice
        ("FRA", 2001): (2, (0.5 + 1) / 2),
        ("ISR", 2001): (1, 1.0),  # absent at r1: skipped
        # 2002: r6 and r7 (the USA was absent at r8)
        ("USA", 2002): (2, 1.0),
        ("CUB", 2002): (2, (0 + 0.5) / 2),
        ("FRA", 2002): (2, 1.0),  # both abstained at r7: same vote
        ("ISR", 2002): (2, (1 + 0.5) / 2),
    }
    assert sorted(table.index) == sorted(expected)  # GBR 2002: no common roll call
    for key, (n_votes, agreement) in expected.items():
        assert table.loc[key, "n_votes"] == n_votes, key
        assert table.loc[key, "agreement"] == pytest.approx(agreement), key


def test_exclude() -> None:
    calls, votes = tiny_record()
    everything = by_key(us_agreement(calls, votes))
    # By default r4 counts: USA no, GBR yes -> 0.
    assert everything.loc[("GBR", 2001), "n_votes"] == 3
    assert everything.loc[("GBR", 2001), "agreement"] == pytest.approx((1 + 0.5 + 0) / 3)
    # Naming the symbol as a list or a single string is the same.
    left_out = cuba_left_out(calls, votes)
    pd.testing.assert_frame_equal(us_agreement(calls, votes, exclude=CUBA_2001), left_out)
    assert by_key(left_out).loc[("GBR", 2001), "n_votes"] == 2


def test_ideal_point_sign_scale_and_determinism() -> None:
    calls, votes = tiny_record()
    table = us_agreement(calls, votes)
    assert (table.loc[table["iso3"] == "USA", "ideal_point"] > 0).all()
    cub = table.query("iso3 == 'CUB' and year == 2001")["ideal_point"].iloc[0]
    assert cub < 0
    # Unit variance over the countries that voted that year (every country in 2001).
    year_2001 = table.query("year == 2001")["ideal_point"]
    assert year_2001.mean() == pytest.approx(0, abs=1e-12)
    assert year_2001.std(ddof=0) == pytest.approx(1)
    # Same numbers again, and whatever the order of the input rows.
    pd.testing.assert_frame_equal(us_agreement(calls, votes), table)
    shuffled = votes.sample(frac=1, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(us_agreement(calls.iloc[::-1], shuffled), table)


def test_bad_vote_is_an_error() -> None:
    calls, votes = tiny_record()
    votes = votes.astype({"vote": str})
    votes.loc[0, "vote"] = "maybe"
    with pytest.raises(unvote.DataFileError, match="maybe"):
        us_agreement(calls, votes)


# --- the whole record ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded() -> pd.DataFrame:
    return recompute_us_agreement()


def test_the_whole_record_gives_sensible_agreement(recorded: pd.DataFrame) -> None:
    assert list(recorded.columns) == list(COLUMNS)
    assert (recorded["agreement"].between(0, 1)).all()
    assert recorded["year"].min() == 1946 and recorded["year"].max() == 2026
    y2024 = recorded[recorded["year"] == 2024].set_index("iso3")
    # 193 members, but Afghanistan and Venezuela cast no vote in 2024 (absent throughout).
    assert len(y2024) == 191 and {"AFG", "VEN"}.isdisjoint(y2024.index)
    assert y2024.loc["USA", "agreement"] == 1.0
    assert y2024.loc["GBR", "agreement"] > 0.7 > y2024.loc["CUB", "agreement"]
    assert y2024.loc["GBR", "ideal_point"] > 0 > y2024.loc["CUB", "ideal_point"]
    # Members agree with the USA less than they did in the early years of the UN.
    by_year = recorded[recorded["iso3"] != "USA"].groupby("year")["agreement"].mean()
    assert by_year.loc[1946:1960].mean() > 0.6 > by_year.loc[2000:2024].mean()


def test_leaving_out_a_text_changes_only_its_years(recorded: pd.DataFrame) -> None:
    cuba = unvote.load_totals("cuba embargo")["resolution"]
    without = recompute_us_agreement(exclude=cuba)
    merged = recorded.merge(without, on=["iso3", "year"], suffixes=("", "_without"))
    changed = merged.loc[merged["n_votes"] != merged["n_votes_without"], "year"]
    assert set(changed) <= set(unvote.load_totals("cuba embargo")["year"])
