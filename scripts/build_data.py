"""Vendor the compiled UN record from ``../shared/data`` into ``data/``.

The shared folder holds the facts as compiled from the UN Digital Library and
the DGACM extract (see its README for provenance).  This script rewrites the
parts the library ships in the project's own tidy format:

* ``data/members.csv``                    iso3, country, admitted, left, note
* ``data/ga/roll_calls.csv.gz``           the full plenary record: one row a roll call
* ``data/ga/votes.csv.gz``                every member at every roll call: id, iso3, vote
* ``data/ga/resolutions.csv.gz``          every resolution of the DGACM extracts, sessions 74-79,
                                          ES-10 and ES-11, adopted with or without a vote
* ``data/ga/sponsors.csv.gz``             their sponsors: symbol, role, kind, iso3, name

Derived columns (country names, absent counts, membership sizes) are not stored:
the loaders compute them.  Run from the repository root::

    python scripts/build_data.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def build(shared: Path, out: Path) -> None:
    """The membership table, as the loaders read it."""
    members = pd.read_csv(shared / "members.csv", dtype=str, keep_default_na=False)
    members = members.rename(
        columns={"name": "country", "start_date": "admitted", "end_date": "left"}
    )
    members[["iso3", "country", "admitted", "left", "note"]].to_csv(
        out / "members.csv", index=False
    )


RECORD_COLUMNS = [
    "id",
    "date",
    "session",
    "session_type",
    "resolution",
    "title",
    "vote_on",
    "identical_to",
    "yes",
    "no",
    "abstain",
    "member_diff",
    "issue",
    "source",
    "undl_record",
    "voeten_rcid",
    "date_source",
    "note",
]


def _member_diff(calls: pd.DataFrame, votes: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """Where a roll call's voters differ from members.csv on its date: ``+ISR`` / ``-GIN``.

    The compiled record documents these (Voeten votes dated before an admission;
    UNDL votes held on the day of an admission, before the new member joined);
    stating them per roll call lets the loader check every other roll call exactly.
    """
    dates = pd.to_datetime(calls["date"]).to_numpy()[:, None]
    start = pd.to_datetime(members["start_date"]).to_numpy()[None, :]
    end = pd.to_datetime(members["end_date"].replace("", None)).to_numpy()[None, :]
    current = (start <= dates) & (pd.isna(end) | (end > dates))
    codes = members["iso3"].to_numpy()
    voters = votes.groupby("id")["iso3"].agg(frozenset)
    diffs = []
    for call, row in zip(calls["id"], current, strict=True):
        expected = frozenset(codes[row])
        added = sorted(voters[call] - expected)
        removed = sorted(expected - voters[call])
        diffs.append(" ".join([f"+{c}" for c in added] + [f"-{c}" for c in removed]))
    return pd.Series(diffs, index=calls.index)


def _issues(shared: Path) -> pd.Series:
    """Voeten's issue codes per Voeten roll call (``me;hr``), for the roll calls matched to one."""
    issues = pd.read_csv(shared / "unga" / "voeten" / "unvotes_2021" / "issues.csv.gz", dtype=str)
    return issues.groupby("rcid")["short_name"].agg(lambda s: ";".join(sorted(set(s))))


def build_record(shared: Path, out: Path) -> None:
    """Ship the full plenary record in the project's own format (``data/ga/``).

    Kept: the UN's identifiers and provenance columns.  Dropped: what the
    loader recomputes (``absent``, ``members``) and Voeten's raw flags
    (``amend``, ``para``, ``voeten_unres``), which ``vote_on`` summarises.
    Added: ``member_diff`` (see :func:`_member_diff`) and ``issue``, Voeten's
    issue codes where the roll call is matched to a Voeten record.
    """
    calls = pd.read_csv(shared / "unga" / "roll_calls.csv.gz", dtype=str, keep_default_na=False)
    votes = pd.read_csv(shared / "unga" / "votes.csv.gz", dtype=str, keep_default_na=False)
    members = pd.read_csv(shared / "members.csv", dtype=str, keep_default_na=False)
    calls["member_diff"] = _member_diff(calls, votes, members)
    calls["issue"] = calls["voeten_rcid"].map(_issues(shared)).fillna("")
    order = pd.Index(calls["id"])
    votes = votes.assign(position=order.get_indexer(votes["id"]))
    if (votes["position"] < 0).any():
        raise SystemExit("votes.csv.gz names a roll call that roll_calls.csv.gz lacks")
    votes = votes.sort_values(["position", "iso3"], kind="stable")
    folder = out / "ga"
    folder.mkdir(exist_ok=True)
    # mtime=0: the same record gives byte-identical files.
    for name, frame in (
        ("roll_calls", calls[RECORD_COLUMNS]),
        ("votes", votes[["id", "iso3", "vote"]]),
    ):
        with gzip.GzipFile(folder / f"{name}.csv.gz", "wb", compresslevel=9, mtime=0) as handle:
            handle.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    assert np.array_equal(votes["id"].unique(), calls["id"].to_numpy())


DGACM_FILES = [*(f"{n}.json.gz" for n in range(74, 81)), "ES-10.json.gz", "ES-11.json.gz"]


def build_dgacm_tables(shared: Path, out: Path) -> None:
    """Bring the UN's DGACM extracts into the shipped record (``data/ga/``).

    The extracts are read by :mod:`unvote.record.extract` and checked against the
    record by :func:`unvote.record.store.new_rows`, exactly as ``forecast data
    import`` reads and checks them (run after :func:`build_record`).  A
    recorded vote the compiled record already holds must agree with it vote for
    vote (the script stops otherwise); one it lacks (session 80, from
    2025-10-29) is appended to the shipped roll calls and votes with ``source``
    ``dgacm``.  Every resolution, with or without a vote, and its sponsors go
    to ``resolutions.csv.gz`` and ``sponsors.csv.gz``.
    """
    from unvote.record.extract import read_extracts
    from unvote.record.store import merge_rows, new_rows, write_table

    extract = read_extracts([shared / "dgacm" / name for name in DGACM_FILES])
    folder = out / "ga"
    calls = pd.read_csv(folder / "roll_calls.csv.gz", dtype=str, keep_default_na=False)
    votes = pd.read_csv(folder / "votes.csv.gz", dtype=str, keep_default_na=False)
    dated = calls.assign(date=pd.to_datetime(calls["date"]))
    nothing_known = pd.DataFrame({"symbol": [], "date": [], "adoption": []})
    new = new_rows(extract, dated, votes, nothing_known)
    empty = {
        "roll_calls": calls.iloc[:0],
        "votes": votes.iloc[:0],
        "resolutions": new["resolutions"].iloc[:0],
        "sponsors": new["sponsors"].iloc[:0],
    }
    added = merge_rows(empty, new, source="dgacm")
    first_new = pd.to_datetime(added["roll_calls"]["date"]).min()
    if len(added["roll_calls"]) and first_new <= dated["date"].max():
        raise SystemExit(f"a new DGACM roll call of {first_new:%Y-%m-%d} falls inside the record")
    new_dates = pd.to_datetime(added["roll_calls"]["date"]).dt.strftime("%Y-%m-%d")
    added_calls = added["roll_calls"].assign(date=new_dates)
    write_table(folder / "roll_calls.csv.gz", pd.concat([calls, added_calls[RECORD_COLUMNS]]))
    write_table(folder / "votes.csv.gz", pd.concat([votes, added["votes"]]))
    resolutions = added["resolutions"]
    sponsors = added["sponsors"]
    write_table(folder / "resolutions.csv.gz", resolutions)
    write_table(folder / "sponsors.csv.gz", sponsors)
    print(
        f"DGACM: {len(new['matched']):,} roll calls already in the record, "
        f"{len(added_calls):,} added through {added_calls['date'].max()}; "
        f"{len(resolutions):,} resolutions, {len(sponsors):,} sponsorships"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    build(args.shared, args.out)
    build_record(args.shared, args.out)
    build_dgacm_tables(args.shared, args.out)


if __name__ == "__main__":
    main()
