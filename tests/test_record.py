"""The full plenary record: shipped, validated on load, overridden by a newer copy or imports."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unvote
from unvote.errors import DataFileError, RecordNotFoundError
from unvote.record import loaders as load


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return unvote.load_roll_calls()


@pytest.fixture(scope="module")
def votes(calls) -> pd.DataFrame:
    return unvote.load_member_votes(roll_calls=calls)


@pytest.fixture(autouse=True)
def no_overrides(monkeypatch, tmp_path):
    """Each test sees the shipped record only, unless it sets the variables itself."""
    monkeypatch.delenv("UNVOTE_GA_DATA", raising=False)
    monkeypatch.setenv("UNVOTE_DATA_DIR", str(tmp_path / "user-data"))


def test_the_record_ships_with_the_package(calls, votes):
    assert load.record_dir() == load.data_path("ga")
    assert (len(calls), len(votes)) == (6821 + 165, 1_076_611 + 165 * 193)
    assert calls["id"].is_unique and calls["date"].is_monotonic_increasing
    assert calls["date"].min() == pd.Timestamp("1946-01-01")
    assert calls["date"].max() == pd.Timestamp("2026-06-04")
    assert list(votes["vote"].cat.categories) == ["yes", "abstain", "no", "absent"]


def test_counts_equal_tallies_and_add_up_to_the_membership(calls, votes):
    # Recounted here independently of the loader's own check.
    counts = votes.groupby(["id", "vote"], observed=False).size().unstack(fill_value=0)
    counts = counts.reindex(calls["id"])
    for outcome in ["yes", "no", "abstain", "absent"]:
        assert (counts[outcome].to_numpy() == calls[outcome].to_numpy()).all(), outcome
    assert (counts.sum(axis=1).to_numpy() == calls["members"].to_numpy()).all()
    # Outside the documented exceptions (member_diff), the voters are the members of the day.
    members = unvote.load_members()
    plain = calls[calls["member_diff"] == ""].sample(200, random_state=1)
    listed = votes[votes["id"].isin(plain["id"])].groupby("id", observed=True)["iso3"].agg(set)
    for call in plain.itertuples():
        assert listed[call.id] == set(unvote.record.members_on(call.date, members)["iso3"]), call.id
    assert (calls["member_diff"] != "").sum() == 115


def test_the_2025_cuba_vote_is_in_the_record(calls, votes):
    row = calls.set_index("resolution").loc["A/RES/80/4"]
    assert row["date"] == pd.Timestamp("2025-10-29")
    assert (row["yes"], row["no"], row["abstain"], row["absent"]) == (165, 7, 12, 9)
    listed = votes[votes["id"] == row["id"]].set_index("iso3")["vote"]
    assert listed[["ARG", "HUN", "PRY", "UKR", "USA", "ISR", "MKD"]].eq("no").all()


def test_session_80_came_from_the_un_extract_with_every_tally_equal_to_its_list(
    calls, votes, shared_data
):
    """Every roll call of session 80 past the compiled record, checked against the UN's file."""
    from unvote.record.extract import read_extract

    extract = read_extract(shared_data / "dgacm" / "80.json.gz")
    new = calls[(calls["session"] == 80) & (calls["date"] > pd.Timestamp("2025-09-19"))]
    assert len(new) == 165 and (new["source"] == "dgacm").all()
    assert new["date"].min() == pd.Timestamp("2025-10-29")
    theirs = extract.roll_calls.set_index("resolution")
    for call in new.itertuples():
        assert (call.yes, call.no, call.abstain) == tuple(
            theirs.loc[call.resolution, ["yes", "no", "abstain"]]
        ), call.resolution
    counts = votes[votes["id"].isin(new["id"])].groupby(["id", "vote"], observed=False).size()
    counts = counts.unstack().reindex(new["id"])
    assert (counts["yes"].to_numpy() == new["yes"].to_numpy()).all()
    assert (counts["absent"].to_numpy() == new["absent"].to_numpy()).all()


def test_the_2024_cuba_vote_is_in_the_record(calls, votes):
    row = calls.set_index("resolution").loc["A/RES/79/7"]
    assert (row["yes"], row["no"], row["abstain"], row["absent"]) == (187, 2, 1, 3)
    no = votes[(votes["id"] == row["id"]) & (votes["vote"] == "no")]
    assert sorted(no["iso3"]) == ["ISR", "USA"]


def test_shipped_record_equals_the_compiled_one(calls, votes, ga_data):
    """Through 2025-09-19 the shipped record is the compiled one; session 80 came after it."""
    compiled = pd.read_csv(ga_data / "votes.csv.gz", dtype=str)
    later = calls.loc[calls["date"] > pd.Timestamp("2025-09-19"), "id"]
    ours = votes[~votes["id"].isin(later)].astype(str)
    calls = calls[~calls["id"].isin(later)]
    merged = compiled.merge(ours, on=["id", "iso3"], how="outer", suffixes=("", "_ours"))
    assert len(merged) == len(compiled) == len(ours)
    assert (merged["vote"] == merged["vote_ours"]).all()
    compiled_calls = pd.read_csv(ga_data / "roll_calls.csv.gz", dtype=str, keep_default_na=False)
    both = compiled_calls.merge(calls.astype(str), on="id", suffixes=("", "_ours"))
    assert len(both) == len(calls)
    for column in ["session", "resolution", "title", "vote_on", "yes", "no", "abstain", "absent"]:
        assert (both[column] == both[f"{column}_ours"]).all(), column


# ----------------------------------------------------------------------------- sources


def _write(folder: Path, calls: pd.DataFrame, votes: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("roll_calls", calls), ("votes", votes)):
        with gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8") as handle:
            frame.to_csv(handle, index=False)
    return folder


def _raw(n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The last ``n`` roll calls of the shipped files, as text."""
    folder = load.data_path("ga")
    calls = pd.read_csv(folder / "roll_calls.csv.gz", dtype=str, keep_default_na=False).tail(n)
    votes = pd.read_csv(folder / "votes.csv.gz", dtype=str, keep_default_na=False)
    return calls.reset_index(drop=True), votes[votes["id"].isin(calls["id"])].reset_index(drop=True)


def test_a_newer_copy_takes_precedence(tmp_path, monkeypatch):
    raw_calls, raw_votes = _raw()
    monkeypatch.setenv("UNVOTE_GA_DATA", str(_write(tmp_path / "copy", raw_calls, raw_votes)))
    assert load.record_dir() == tmp_path / "copy"
    assert list(unvote.load_roll_calls()["id"]) == list(raw_calls["id"])
    assert len(unvote.load_member_votes()) == len(raw_votes)


def test_imported_roll_calls_are_merged_on_top(tmp_path, monkeypatch):
    raw_calls, raw_votes = _raw(1)
    new_calls = raw_calls.assign(
        id="dgacm:A/RES/80/999", date="2026-06-10", resolution="A/RES/80/999"
    )
    new_votes = raw_votes.assign(id="dgacm:A/RES/80/999")
    # An import repeating a roll call of the base adds nothing.
    both_calls = pd.concat([raw_calls, new_calls])
    both_votes = pd.concat([raw_votes, new_votes])
    _write(tmp_path / "user-data" / "imports", both_calls, both_votes)
    calls = unvote.load_roll_calls()
    assert len(calls) == 6987 and calls["id"].iloc[-1] == "dgacm:A/RES/80/999"
    votes = unvote.load_member_votes(roll_calls=calls)
    assert len(votes) == 1_108_456 + 193
    assert votes["id"].dtype == "category"


def test_a_missing_copy_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("UNVOTE_GA_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(RecordNotFoundError, match="UNVOTE_GA_DATA"):
        unvote.load_roll_calls()
    with pytest.raises(FileNotFoundError, match="nowhere"):
        unvote.load_member_votes()


# ----------------------------------------------------------------------------- validation


def _corrupt(tmp_path, monkeypatch, calls=None, votes=None) -> Path:
    raw_calls, raw_votes = _raw()
    folder = _write(
        tmp_path / "bad",
        raw_calls if calls is None else calls(raw_calls),
        raw_votes if votes is None else votes(raw_votes),
    )
    monkeypatch.setenv("UNVOTE_GA_DATA", str(folder))
    return folder


def _first_absent(votes: pd.DataFrame) -> pd.Series:
    return votes.index == votes.index[votes["vote"] == "absent"][0]


def _set(frame: pd.DataFrame, row: int, column: str, value: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        (lambda v: _set(v, 4, "vote", "maybe"), r"votes\.csv\.gz, line 6: vote 'maybe'"),
        (lambda v: _set(v, 9, "iso3", ""), r"votes\.csv\.gz, line 11: iso3 '' is blank"),
        (lambda v: pd.concat([v.iloc[:3], v.iloc[[1]], v.iloc[3:]]), r"line 5: .* votes twice"),
        (lambda v: _set(v, 0, "id", "undl:0"), r"line 2: roll call 'undl:0' is not in"),
        (lambda v: _set(v, 0, "vote", "no"), r"has 9 no votes but its tally says 8"),
        (lambda v: v[~_first_absent(v)], r"lists 192 members but 193 were members"),
        (lambda v: _set(v, 7, "iso3", "SUN"), r"\(2026-06-04\) ATG was a member but is missing"),
    ],
    ids=["bad-vote", "blank-member", "twice", "unknown-roll-call", "tally", "missing", "stranger"],
)
def test_bad_votes_are_named(tmp_path, monkeypatch, votes, message):
    _corrupt(tmp_path, monkeypatch, votes=votes)
    with pytest.raises(DataFileError, match=message):
        unvote.load_member_votes()


@pytest.mark.parametrize(
    ("calls", "message"),
    [
        (lambda c: _set(c, 1, "date", "2025-13-01"), r"roll_calls\.csv\.gz, line 3: date"),
        (lambda c: _set(c, 2, "yes", "many"), r"line 4: yes 'many' is not a whole number"),
        (lambda c: _set(c, 0, "vote_on", "whole"), r"line 2: vote_on 'whole' is not one of"),
        (lambda c: _set(c, 2, "id", c["id"].iloc[0]), r"line 4: roll call .* twice"),
    ],
    ids=["date", "tally", "vote-on", "twice"],
)
def test_bad_roll_calls_are_named(tmp_path, monkeypatch, calls, message):
    _corrupt(tmp_path, monkeypatch, calls=calls)
    with pytest.raises(DataFileError, match=message):
        unvote.load_roll_calls()


def test_loading_leaves_no_trace_of_a_previous_copy(tmp_path, monkeypatch):
    """Precedence is read at each call: no state is kept between loads."""
    raw_calls, raw_votes = _raw(2)
    monkeypatch.setenv("UNVOTE_GA_DATA", str(_write(tmp_path / "copy", raw_calls, raw_votes)))
    assert len(unvote.load_roll_calls()) == 2
    monkeypatch.delenv("UNVOTE_GA_DATA")
    assert len(unvote.load_roll_calls()) == 6986
    assert np.isin(raw_calls["id"], unvote.load_roll_calls()["id"]).all()
