#!/usr/bin/env python
"""Check data/country_groups.csv and data/regions.csv against the UN member list.

Usage:
    python scripts/check_country_facts.py [MEMBERS_CSV] [--data-dir DIR] [--as-of YYYY-MM-DD]

MEMBERS_CSV defaults to ../shared/data/members.csv relative to the repository
root (the parent of this script's directory). Exits with status 1 and lists
every problem found; prints a summary and exits 0 when all checks pass.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from unvote.record.loaders import COUNTRY_GROUPS
from unvote.record.loaders import UN_GROUPS as UN_GROUP_NAMES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MEMBERS = REPO_ROOT.parent / "shared" / "data" / "members.csv"
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_AS_OF = "2025-10-01"

GROUP_COLUMNS = ["iso3", "group", "start", "end", "note"]
REGION_COLUMNS = ["iso3", "un_group", "m49_region", "m49_subregion"]
GROUPS = set(COUNTRY_GROUPS)
UN_GROUPS = {*UN_GROUP_NAMES, "none"}
M49_SUBREGIONS = {
    "Africa": {
        "Northern Africa",
        "Eastern Africa",
        "Middle Africa",
        "Southern Africa",
        "Western Africa",
    },
    "Americas": {"Northern America", "Caribbean", "Central America", "South America"},
    "Asia": {"Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"},
    "Europe": {"Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"},
    "Oceania": {"Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"},
}
EXPECTED_CURRENT = {"nato": 32, "eu": 27}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _parse_date(value: str) -> pd.Timestamp | None:
    if not ISO_DATE.match(value):
        return None
    try:
        return pd.Timestamp(value)
    except ValueError:
        return None


def check_groups(
    groups: pd.DataFrame, codes: set[str], as_of: pd.Timestamp
) -> tuple[list[str], dict]:
    errors: list[str] = []
    if list(groups.columns) != GROUP_COLUMNS:
        return [
            f"country_groups.csv: columns are {list(groups.columns)}, expected {GROUP_COLUMNS}"
        ], {}

    starts, ends = [], []
    for i, row in groups.iterrows():
        where = f"country_groups.csv line {i + 2} ({row.iso3},{row.group})"
        if row.iso3 not in codes:
            errors.append(f"{where}: iso3 not in members.csv")
        if row.group not in GROUPS:
            errors.append(f"{where}: unknown group {row.group!r}")
        start = _parse_date(row.start)
        if start is None:
            errors.append(f"{where}: start {row.start!r} is not an ISO date")
        end = None
        if row.end != "":
            end = _parse_date(row.end)
            if end is None:
                errors.append(f"{where}: end {row.end!r} is not an ISO date")
        if start is not None and end is not None and not start < end:
            errors.append(f"{where}: start {row.start} is not before end {row.end}")
        starts.append(start)
        ends.append(end)

    frame = groups.assign(_start=starts, _end=ends)
    for (iso3, group), spells in frame.groupby(["iso3", "group"]):
        spells = spells.dropna(subset=["_start"]).sort_values("_start")
        previous_end = None
        first = True
        for _, spell in spells.iterrows():
            if not first and (pd.isna(previous_end) or spell._start < previous_end):
                errors.append(f"country_groups.csv: overlapping spells for {iso3} in {group}")
                break
            first = False
            previous_end = spell._end

    current = frame[(frame._start <= as_of) & (frame._end.isna() | (frame._end > as_of))]
    counts = current.groupby("group").iso3.nunique().to_dict()
    for group, expected in EXPECTED_CURRENT.items():
        got = counts.get(group, 0)
        if got != expected:
            errors.append(
                f"country_groups.csv: {group} has {got} members on {as_of.date()}, "
                f"expected {expected}"
            )
    return errors, counts


def check_regions(regions: pd.DataFrame, codes: set[str]) -> list[str]:
    if list(regions.columns) != REGION_COLUMNS:
        return [f"regions.csv: columns are {list(regions.columns)}, expected {REGION_COLUMNS}"]
    errors: list[str] = []
    duplicated = sorted(regions.iso3[regions.iso3.duplicated()].unique())
    if duplicated:
        errors.append(f"regions.csv: duplicated codes {duplicated}")
    missing = sorted(codes - set(regions.iso3))
    if missing:
        errors.append(f"regions.csv: member codes missing {missing}")
    extra = sorted(set(regions.iso3) - codes)
    if extra:
        errors.append(f"regions.csv: codes not in members.csv {extra}")
    for i, row in regions.iterrows():
        where = f"regions.csv line {i + 2} ({row.iso3})"
        if row.un_group not in UN_GROUPS:
            errors.append(f"{where}: unknown un_group {row.un_group!r}")
        if row.m49_region not in M49_SUBREGIONS:
            errors.append(f"{where}: unknown m49_region {row.m49_region!r}")
        elif row.m49_subregion not in M49_SUBREGIONS[row.m49_region]:
            errors.append(f"{where}: sub-region {row.m49_subregion!r} is not in {row.m49_region}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "members", nargs="?", default=str(DEFAULT_MEMBERS), help="path to members.csv"
    )
    parser.add_argument(
        "--data-dir", default=str(DEFAULT_DATA_DIR), help="directory with the two CSV files"
    )
    parser.add_argument(
        "--as-of", default=DEFAULT_AS_OF, help="reference date for current-membership counts"
    )
    args = parser.parse_args(argv)

    members = _read(Path(args.members))
    codes = set(members.iso3)
    data_dir = Path(args.data_dir)
    groups = _read(data_dir / "country_groups.csv")
    regions = _read(data_dir / "regions.csv")
    as_of = pd.Timestamp(args.as_of)

    group_errors, counts = check_groups(groups, codes, as_of)
    errors = group_errors + check_regions(regions, codes)
    if errors:
        for error in errors:
            print(f"ERROR {error}", file=sys.stderr)
        print(f"{len(errors)} problem(s) found", file=sys.stderr)
        return 1

    print(f"country_groups.csv: {len(groups)} rows; members on {as_of.date()} by group:")
    for group in sorted(counts):
        print(f"  {group}: {counts[group]} (rows: {int((groups.group == group).sum())})")
    print(f"regions.csv: {len(regions)} rows cover all {len(codes)} member codes")
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
