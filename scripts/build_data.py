"""Vendor the compiled UN record from ``../shared/data`` into ``data/``.

The shared folder holds the facts as compiled from the UN Digital Library and
the DGACM extract (see its README for provenance).  This script rewrites the
parts the library ships in the project's own tidy format:

* ``data/members.csv``                    iso3, country, admitted, left, note
* ``data/cuba-embargo/totals.csv``        one row a vote: year, date, session, resolution and
                                          the official yes / no / abstain tallies
* ``data/cuba-embargo/votes.csv``         year, iso3, vote (keyed to totals.csv by year)
* ``data/ukraine-es11.csv``               every member at ES-11/1 to ES-11/6

Derived columns (country names, absent counts, membership sizes) are not stored:
the loaders compute them.  Run from the repository root::

    python scripts/build_data.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def build(shared: Path, out: Path) -> None:
    members = pd.read_csv(shared / "members.csv", dtype=str, keep_default_na=False)
    members = members.rename(
        columns={"name": "country", "start_date": "admitted", "end_date": "left"}
    )
    members[["iso3", "country", "admitted", "left", "note"]].to_csv(
        out / "members.csv", index=False
    )

    cuba = out / "cuba-embargo"
    cuba.mkdir(exist_ok=True)
    votes = pd.read_csv(shared / "cuba_embargo" / "votes.csv", dtype=str)
    votes = votes.sort_values(["year", "iso3"])
    votes[["year", "iso3", "vote"]].to_csv(cuba / "votes.csv", index=False)
    totals = pd.read_csv(shared / "cuba_embargo" / "totals.csv", dtype=str)
    totals[["year", "date", "session", "resolution", "yes", "no", "abstain", "source"]].to_csv(
        cuba / "totals.csv", index=False
    )

    # ES-11/1 to ES-11/6 are complete in the full record (yes votes included);
    # ES-11/7 and /8 are only partly known and are left out.
    calls = pd.read_csv(shared / "unga" / "roll_calls.csv.gz", dtype=str)
    es11 = calls[calls["resolution"].str.startswith("A/RES/ES-11/", na=False)]
    ga_votes = pd.read_csv(shared / "unga" / "votes.csv.gz", dtype=str)
    es11_votes = ga_votes.merge(es11[["id", "resolution", "date"]], on="id")
    es11_votes = es11_votes.sort_values(["date", "resolution", "iso3"])
    es11_votes[["resolution", "date", "iso3", "vote"]].to_csv(out / "ukraine-es11.csv", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    build(args.shared, args.out)


if __name__ == "__main__":
    main()
