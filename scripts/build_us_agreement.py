"""Compute ``data/us-agreement.csv``: each member's agreement with the USA per calendar year.

Reads the full General Assembly plenary record with
:func:`unvote.load.load_roll_calls` / :func:`unvote.load.load_ga_votes`,
computes :func:`unvote.agreement.us_agreement` (votes on resolutions as a
whole, duplicate records and the Cuba-embargo roll calls themselves left out)
and writes one row per country-year, 1946 onwards::

    iso3, year, n_votes, agreement, ideal_point

``agreement`` and ``ideal_point`` are rounded to 4 decimals; rows are sorted by
``year, iso3``.  The record runs to 2025-09-19, before the 2025 Cuba-embargo
vote: the 2025 rows are kept but cover only part of the year (30 roll calls of
March to September 2025, the resumed 79th session and the first vote of the
80th; not the autumn votes, and not ES-11/7 and /8, which the record lacks).

Run from the repository root::

    python scripts/build_us_agreement.py [--ga-data DIR] [--out data/us-agreement.csv]

``--ga-data`` defaults to ``$UNVOTE_GA_DATA``, else the record shipped in
``data/ga``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from unvote.agreement import COLUMNS, us_agreement
from unvote.errors import UnvoteError
from unvote.load import load_ga_votes, load_roll_calls, load_totals

ROOT = Path(__file__).resolve().parents[1]
FIRST_YEAR = 1946


def build(ga_data: Path | None) -> pd.DataFrame:
    """The table written to ``us-agreement.csv``, rounded and sorted."""
    calls = load_roll_calls(ga_data)
    votes = load_ga_votes(ga_data, roll_calls=calls)
    # The Cuba-embargo votes are the outcome the Cuba forecasts were fitted on.
    table = us_agreement(calls, votes, exclude=set(load_totals()["resolution"]))
    table = table[table["year"] >= FIRST_YEAR]
    table = table.assign(
        agreement=table["agreement"].round(4), ideal_point=table["ideal_point"].round(4)
    )
    return table.sort_values(["year", "iso3"], ignore_index=True)[list(COLUMNS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ga-data", type=Path, default=None, help="a copy of the record (default: the shipped one)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "us-agreement.csv")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        table = build(args.ga_data)
    except UnvoteError as err:
        print(f"build_us_agreement: {err}", file=sys.stderr)
        return 2
    table.to_csv(args.out, index=False)
    seconds = time.perf_counter() - start
    print(
        f"wrote {args.out}: {len(table)} rows, {table['iso3'].nunique()} codes, "
        f"{table['year'].min()}-{table['year'].max()} ({seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
