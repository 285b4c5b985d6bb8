"""The vote record: shipped files, loaders and their validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import unvote
from unvote.errors import DataFileError, UnknownCountryError, UnknownNameError
from unvote.record import loaders as load
from unvote.record.countries import to_iso3

VOTE_YEARS = [*range(1992, 2020), *range(2021, 2026)]


OFFICIAL = Path(__file__).resolve().parent / "data" / "cuba_official_totals.csv"
"""The official tallies of the 33 Cuba-embargo votes, with the UN record each comes from."""


@pytest.fixture(scope="module")
def votes() -> pd.DataFrame:
    return unvote.load_item_votes("cuba embargo")


@pytest.fixture(scope="module")
def totals() -> pd.DataFrame:
    return unvote.load_item_totals("cuba embargo")


def test_votes_have_the_documented_shape(votes):
    assert list(votes.columns) == [
        "year",
        "date",
        "session",
        "resolution",
        "iso3",
        "country",
        "vote",
    ]
    assert len(votes) == 6279
    assert sorted(votes["year"].unique()) == VOTE_YEARS
    assert list(votes["vote"].cat.categories) == ["yes", "abstain", "no", "absent"]


def test_the_record_equals_the_official_tallies_every_year(votes, totals):
    official = pd.read_csv(OFFICIAL).set_index("year")
    assert list(official.index) == VOTE_YEARS == totals["year"].tolist()
    counts = votes.groupby(["year", "vote"], observed=False).size().unstack(fill_value=0)
    for outcome in ["yes", "no", "abstain"]:
        assert counts[outcome].tolist() == official[outcome].tolist(), outcome
        assert totals[outcome].tolist() == official[outcome].tolist(), outcome
    assert totals["resolution"].tolist() == official["resolution"].tolist()
    assert totals["date"].dt.strftime("%Y-%m-%d").tolist() == official["date"].tolist()


def test_counts_add_up_to_the_membership_on_the_day(votes, totals):
    members = unvote.load_members()
    for row in totals.itertuples():
        on_the_day = len(unvote.record.members_on(row.date, members))
        assert row.yes + row.no + row.abstain + row.absent == on_the_day == row.members
        assert (votes["year"] == row.year).sum() == on_the_day


def test_official_tallies_at_both_ends(totals):
    first, last = totals.iloc[0], totals.iloc[-1]
    assert (first.year, first.yes, first.no, first.abstain) == (1992, 59, 3, 71)
    assert (last.year, last.yes, last.no, last.abstain) == (2025, 165, 7, 12)


def test_no_duplicates_and_every_voter_is_a_member_that_day(votes):
    assert not votes.duplicated(["year", "iso3"]).any()
    members = unvote.load_members()
    for date, group in votes.groupby("date"):
        assert set(group["iso3"]) == set(unvote.record.members_on(date, members)["iso3"])


def test_any_text_has_its_votes_and_tallies():
    refugees = unvote.load_item_totals("assistance to palestine refugees")
    assert len(refugees) > 40 and (refugees["yes"] > refugees["no"]).all()
    with pytest.raises(UnknownNameError, match=r"unknown item 'zzzz qqqq'"):
        unvote.load_item_votes("zzzz qqqq")


def test_members_table():
    members = unvote.load_members()
    assert list(members.columns[:4]) == ["iso3", "country", "admitted", "left"]
    assert len(members) == 202 and members["iso3"].nunique() == 200
    assert members["left"].isna().sum() == 193


def test_ukraine_votes_match_the_official_tallies(shared_data):
    es11 = unvote.record.load_ukraine_votes()
    counts = es11.groupby(["resolution", "vote"], observed=False).size().unstack(fill_value=0)
    official = pd.read_csv(shared_data / "ukraine_es11_totals.csv").set_index("resolution")
    for resolution, row in counts.iterrows():
        assert (row["yes"], row["no"], row["abstain"]) == tuple(
            official.loc[resolution, ["yes", "no", "abstain"]]
        )


def test_shipped_record_equals_the_compiled_cuba_facts(votes, shared_data):
    """The compiled Cuba facts run to 2024; the 2025 vote came with session 80."""
    compiled = pd.read_csv(shared_data / "cuba_embargo" / "votes.csv")
    votes = votes[votes["year"] <= 2024]
    ours = votes.assign(vote=votes["vote"].astype(str), date=votes["date"].dt.strftime("%Y-%m-%d"))
    merged = compiled.merge(ours, on=["year", "iso3"], suffixes=("", "_ours"))
    assert len(merged) == len(compiled) == len(ours)
    for column in ["date", "session", "resolution", "country", "vote"]:
        assert (merged[column] == merged[f"{column}_ours"]).all(), column


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped data that a test may corrupt; the loaders read it."""
    copy = tmp_path / "data"
    shutil.copytree(load.data_path("."), copy)
    monkeypatch.setattr(load, "data_path", lambda name: copy / name)
    return copy


def _replace_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n")


def test_malformed_members_name_file_and_line(data_copy):
    path = data_copy / "members.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[2], "1946-13-01")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match=r"members\.csv, line 4: admitted '1946-13-01'"):
        unvote.load_members()


def test_missing_data_file_is_named(data_copy):
    (data_copy / "members.csv").unlink()
    with pytest.raises(DataFileError, match=r"members\.csv: data file not found"):
        unvote.load_members()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("USA", "USA"),
        ("United States of America", "USA"),
        ("usa", "USA"),
        ("GBR", "GBR"),
        ("gb", "GBR"),
        ("Republic of Moldova", "MDA"),
        ("Moldova", "MDA"),
        ("Côte d’Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Bolivia", "BOL"),
        ("Netherlands", "NLD"),
        ("Viet Nam", "VNM"),
    ],
)
def test_country_names_map_to_iso3(name, code):
    assert to_iso3(name) == code


def test_unknown_country_suggests_the_nearest():
    with pytest.raises(UnknownCountryError, match=r"unknown country 'Brasil'.*Brazil \(BRA\)"):
        to_iso3("Brasil")


def test_ambiguous_country_lists_the_candidates():
    with pytest.raises(UnknownCountryError, match=r"ambiguous.*KOR.*PRK"):
        to_iso3("Korea")


@pytest.mark.parametrize(
    ("name", "code", "label"),
    [
        ("Holy See", "VAT", "Holy See"),
        ("Vatican", "VAT", "Holy See"),
        ("State of Palestine", "PSE", "State of Palestine"),
        ("Palestine", "PSE", "State of Palestine"),
        ("PSE", "PSE", "State of Palestine"),
    ],
)
def test_observer_states_are_recognised_and_said_not_to_vote(name, code, label):
    with pytest.raises(
        UnknownCountryError,
        match=f"{label} \\({code}\\) is a non-member observer State.*does not vote",
    ):
        to_iso3(name)
    assert to_iso3(name, observers=True) == code


def test_long_member_names_take_a_short_form_never_a_cut():
    from unvote.record.countries import DISPLAY_WIDTH, SHORT_NAMES, display_name

    names = unvote.load_members()["country"].drop_duplicates()
    shown = names.map(display_name)
    assert (shown.str.len() <= DISPLAY_WIDTH).all(), list(shown[shown.str.len() > DISPLAY_WIDTH])
    assert shown.nunique() == len(names)  # no two members look alike
    assert set(SHORT_NAMES) <= set(names)  # every short form is of a real name
    assert display_name("Democratic Republic of the Congo") != display_name("Congo")
