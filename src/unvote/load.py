"""Loaders for the vote record: pandas DataFrames, validated on the way in.

The Cuba-embargo record, the membership table and the country facts ship with
the package (``unvote/data``, found through :mod:`importlib.resources`).  The
full General Assembly roll-call record does not ship; point
:func:`load_roll_calls` / :func:`load_ga_votes` at a copy with a ``path``
argument or the ``UNVOTE_GA_DATA`` environment variable.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from unvote.errors import DataFileError, RecordNotFoundError, UnknownNameError
from unvote.vocabulary import COUNTRY_GROUPS, OUTCOMES, UN_GROUPS

VOTE_CATEGORIES: tuple[str, ...] = OUTCOMES
"""The outcomes of a member at a roll call (:data:`unvote.vocabulary.OUTCOMES`)."""

RESOLUTIONS: dict[str, str] = {
    "cuba-embargo": "Necessity of ending the economic, commercial and financial embargo "
    "imposed by the United States of America against Cuba",
}
"""Recurring resolutions whose full record ships with unvote: key -> title."""

GA_DATA_ENV = "UNVOTE_GA_DATA"


def data_path(name: str) -> Path:
    """Path of a file shipped in ``unvote/data``.

    >>> data_path("members.csv").name
    'members.csv'
    """
    return Path(str(files("unvote").joinpath("data").joinpath(name)))


def read_table(
    path: Path,
    columns: Iterable[str],
    *,
    dates: Iterable[str] = (),
    integers: Iterable[str] = (),
    numbers: Iterable[str] = (),
    choices: Mapping[str, Iterable[str]] | None = None,
    required: Iterable[str] = (),
) -> pd.DataFrame:
    """Read a CSV file and check it, naming the file and line of the first problem.

    ``columns`` must all be present; ``dates`` must parse as ISO dates (blank
    allowed unless also ``required``); ``integers`` must be whole numbers;
    ``numbers`` finite numbers (blank allowed); ``choices`` maps a column to
    its allowed values.  Text columns stay strings, blanks as ``""``.
    """
    if not path.is_file():
        raise DataFileError(f"{path}: data file not found")
    integers, numbers, dates = list(integers), list(numbers), list(dates)
    typed = {c: "int64" for c in integers} | {c: "float64" for c in numbers}
    try:
        # Fast path: let the C parser type the columns; a file it rejects is
        # read again as text below, to find the line at fault.
        frame = pd.read_csv(
            path,
            dtype=defaultdict(lambda: str, typed),
            keep_default_na=False,
            na_values={c: [""] for c in numbers},
        )
    except (ValueError, TypeError):
        frame = None
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as err:
        raise DataFileError(f"{path}: cannot be read as CSV ({err})") from err
    if frame is None or not all(
        pd.api.types.is_numeric_dtype(frame[c]) for c in typed if c in frame
    ):
        frame = _read_text(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}, line 1: missing column(s) {', '.join(missing)}")

    def fail(column: str, mask: pd.Series | np.ndarray, what: str) -> None:
        row = int(np.asarray(mask).nonzero()[0][0])
        value = frame[column].iloc[row]
        # +2: the header is line 1 and rows count from 0.
        raise DataFileError(f"{path}, line {row + 2}: {column} {value!r} is {what}")

    for column in required:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            blank = frame[column].str.strip() == ""
            if blank.any():
                fail(column, blank, "blank")
    for column in integers:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            bad = ~frame[column].str.fullmatch(r"-?\d+")
            if bad.any():
                fail(column, bad, "not a whole number")
            frame[column] = frame[column].astype("int64")
    for column in numbers:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            text = frame[column].str.strip().replace("", None)
            value = pd.to_numeric(text, errors="coerce")
            bad = text.notna() & value.isna()
            if bad.any():
                fail(column, bad, "not a number")
            frame[column] = value.astype(float)
        bad = ~np.isfinite(frame[column]) & frame[column].notna()
        if bad.any():
            fail(column, bad, "not a finite number")
    for column, allowed in (choices or {}).items():
        allowed = list(allowed)
        bad = ~frame[column].isin(allowed)
        if bad.any():
            fail(column, bad, f"not one of {', '.join(allowed)}")
    for column in dates:
        text = frame[column].replace("", None)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad = text.notna() & parsed.isna()
        if bad.any():
            fail(column, bad, "not a date (YYYY-MM-DD)")
        frame[column] = parsed
    return frame


def _read_text(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as err:
        raise DataFileError(f"{path}: cannot be read as CSV ({err})") from err


def _check_resolution(resolution: str) -> None:
    if resolution not in RESOLUTIONS:
        known = ", ".join(sorted(RESOLUTIONS))
        raise UnknownNameError(f"unknown resolution {resolution!r}; known: {known}")


def _vote_categorical(values: Any) -> pd.Categorical:
    return pd.Categorical(values, categories=list(VOTE_CATEGORIES))


def load_members() -> pd.DataFrame:
    """UN membership: one row a spell of membership.

    Columns ``iso3, country, admitted, left`` (dates; ``left`` is NaT while a
    member), plus a ``note``.  202 rows for 200 codes: the 193 members of today
    and the historical states SUN, CSK, DDR, YMD, YUG, SCG and EAZ; Syria and
    Indonesia have two spells each.  A code is a member on date ``d`` when
    ``admitted <= d < left``.  ``admitted`` is the start of the spell: the
    Russian Federation's is 1991-12-24, when it continued the USSR's seat.

    Source: the UN's published admission dates, checked against every roll call.

    >>> members = load_members()
    >>> int(members["left"].isna().sum())
    193
    """
    path = data_path("members.csv")
    frame = read_table(
        path,
        ["iso3", "country", "admitted", "left", "note"],
        dates=["admitted", "left"],
        required=["iso3", "country", "admitted"],
    )
    return frame[["iso3", "country", "admitted", "left", "note"]]


def membership_matrix(dates: Iterable[pd.Timestamp], members: pd.DataFrame) -> np.ndarray:
    """Booleans, dates x rows of ``members``: was that spell current on that date?"""
    days = pd.DatetimeIndex(list(dates)).to_numpy()[:, None]
    admitted = members["admitted"].to_numpy()[None, :]
    left = members["left"].to_numpy()[None, :]
    return (admitted <= days) & (pd.isna(left) | (left > days))


def members_on(date: pd.Timestamp | str, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The members on ``date``: one row a member, columns as :func:`load_members`.

    >>> len(members_on("2024-10-30"))
    193
    """
    members = load_members() if members is None else members
    current = membership_matrix([pd.Timestamp(date)], members)[0]
    return members[current].reset_index(drop=True)


def load_totals(
    resolution: str = "cuba-embargo", *, members: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The official tallies of a recurring resolution: one row a vote.

    Columns ``year, date, resolution, yes, no, abstain, absent, members``
    (and ``session``, ``source``).  ``yes``, ``no`` and ``abstain`` are the
    official figures; ``members`` is the membership on the day and ``absent``
    the members that cast no vote (``members`` minus the three).  The keyword
    ``members`` takes :func:`load_members` output already at hand.

    >>> totals = load_totals()
    >>> totals.loc[totals["year"] == 2024, ["yes", "no", "abstain"]].to_numpy().tolist()
    [[187, 2, 1]]
    """
    _check_resolution(resolution)
    path = data_path(f"{resolution}/totals.csv")
    frame = read_table(
        path,
        ["year", "date", "session", "resolution", "yes", "no", "abstain", "source"],
        dates=["date"],
        integers=["year", "session", "yes", "no", "abstain"],
        required=["date", "resolution"],
    )
    if frame["year"].duplicated().any():
        year = frame.loc[frame["year"].duplicated(), "year"].iloc[0]
        raise DataFileError(f"{path}: year {year} appears twice")
    members = load_members() if members is None else members
    frame["members"] = membership_matrix(frame["date"], members).sum(axis=1)
    frame["absent"] = frame["members"] - frame[["yes", "no", "abstain"]].sum(axis=1)
    columns = ["year", "date", "session", "resolution", "yes", "no", "abstain", "absent"]
    return frame[[*columns, "members", "source"]]


def load_votes(
    resolution: str = "cuba-embargo",
    *,
    totals: pd.DataFrame | None = None,
    members: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every member's vote at every vote on a recurring resolution.

    Columns ``year, date, session, resolution, iso3, country, vote``; ``vote``
    is a Categorical with categories ``yes, abstain, no, absent`` (``absent``:
    a member that cast no vote, whatever the reason).  For ``cuba-embargo``:
    6,086 rows, the 32 votes of 1992-2019 and 2021-2024 (none in 2020), every
    member on each date.

    Sources: the UN Digital Library voting data (1992-2021) and the UN DGACM
    machine-readable resolutions (2022-2024); see ``data/README.md``.
    ``totals`` and ``members`` take :func:`load_totals` / :func:`load_members`
    output already at hand.

    >>> votes = load_votes()
    >>> votes.shape
    (6086, 7)
    >>> votes.query("year == 2024 and vote == 'no'")["iso3"].tolist()
    ['ISR', 'USA']
    """
    _check_resolution(resolution)
    path = data_path(f"{resolution}/votes.csv")
    votes = read_table(
        path,
        ["year", "iso3", "vote"],
        integers=["year"],
        choices={"vote": VOTE_CATEGORIES},
        required=["iso3"],
    )
    members = load_members() if members is None else members
    totals = load_totals(resolution, members=members) if totals is None else totals
    unknown = ~votes["year"].isin(totals["year"])
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0])
        raise DataFileError(f"{path}, line {row + 2}: year {votes['year'].iloc[row]} has no tally")
    twice = votes.duplicated(["year", "iso3"])
    if twice.any():
        row = int(twice.to_numpy().nonzero()[0][0])
        raise DataFileError(f"{path}, line {row + 2}: {votes['iso3'].iloc[row]} votes twice")
    frame = votes.merge(totals[["year", "date", "session", "resolution"]], on="year")
    names = members.drop_duplicates("iso3").set_index("iso3")["country"]
    frame["country"] = frame["iso3"].map(names)
    if frame["country"].isna().any():
        code = frame.loc[frame["country"].isna(), "iso3"].iloc[0]
        raise DataFileError(f"{path}: {code!r} is not in members.csv")
    frame["vote"] = _vote_categorical(frame["vote"])
    frame = frame.sort_values(["year", "iso3"], ignore_index=True)
    return frame[["year", "date", "session", "resolution", "iso3", "country", "vote"]]


def load_ukraine_votes() -> pd.DataFrame:
    """Every member's vote on the emergency-session resolutions on Ukraine, ES-11/1 to /6.

    Columns ``resolution, date, iso3, vote`` (Categorical as in :func:`load_votes`).
    ES-11/7 and /8 (February 2025) are left out: their member lists are only
    partly known.  Source: the UN DGACM extract.

    >>> es11 = load_ukraine_votes()
    >>> es11.groupby("resolution").size().unique().tolist()
    [193]
    """
    path = data_path("ukraine-es11.csv")
    frame = read_table(
        path,
        ["resolution", "date", "iso3", "vote"],
        dates=["date"],
        choices={"vote": VOTE_CATEGORIES},
        required=["resolution", "date", "iso3"],
    )
    frame["vote"] = _vote_categorical(frame["vote"])
    return frame


def load_country_groups() -> pd.DataFrame:
    """Dated memberships of countries in groups: one row a spell.

    Columns ``iso3, group, start, end, note``; a country belongs to a group on
    date ``d`` when ``start <= d`` and (``end`` is NaT or ``d < end``).  Groups:
    ``eu`` (EU, and the EC before it), ``nato``, ``rio_treaty`` (Inter-American
    Treaty of Reciprocal Assistance), ``anzus``, ``us_bilateral_treaty`` (Japan,
    Republic of Korea, Philippines, Thailand), ``mnna`` (US major non-NATO
    allies), ``cofa`` (Compact of Free Association states) and ``oas``
    (Organization of American States).  Sources per group in ``data/README.md``.

    >>> groups = load_country_groups()
    >>> sorted(groups.query("group == 'cofa'")["iso3"])
    ['FSM', 'MHL', 'PLW']
    """
    frame = read_table(
        data_path("country_groups.csv"),
        ["iso3", "group", "start", "end", "note"],
        dates=["start", "end"],
        choices={"group": COUNTRY_GROUPS},
        required=["iso3", "start"],
    )
    return frame


def load_regions() -> pd.DataFrame:
    """Each UN member's regional group and UN M49 region.

    Columns ``iso3, un_group, m49_region, m49_subregion``; ``un_group`` is the
    UN regional group (African, Asia-Pacific, Eastern European, Latin American
    and Caribbean, Western European and Others; ``none`` for the United States,
    which sits in no group).  One row for each of the 200 codes.

    >>> load_regions().set_index("iso3").loc["CUB", "un_group"]
    'Latin American and Caribbean'
    """
    return read_table(
        data_path("regions.csv"),
        ["iso3", "un_group", "m49_region", "m49_subregion"],
        choices={"un_group": [*UN_GROUPS, "none"]},
        required=["iso3"],
    )


def ga_data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the full General Assembly record.

    Taken from ``path``, else from the ``UNVOTE_GA_DATA`` environment variable.
    Raises :class:`~unvote.errors.RecordNotFoundError` (a ``FileNotFoundError``)
    saying how to point unvote at a copy when neither leads to one.
    """
    source = path if path is not None else os.environ.get(GA_DATA_ENV)
    hint = (
        f"the full General Assembly record is not shipped with unvote; pass path=... or set "
        f"{GA_DATA_ENV} to a folder holding roll_calls.csv.gz and votes.csv.gz"
    )
    if source is None:
        raise RecordNotFoundError(hint)
    folder = Path(source)
    if not (folder / "roll_calls.csv.gz").is_file() or not (folder / "votes.csv.gz").is_file():
        raise RecordNotFoundError(f"{folder}: no roll_calls.csv.gz and votes.csv.gz there; {hint}")
    return folder


def load_roll_calls(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every General Assembly plenary roll call, 1946 onwards: one row a roll call.

    Columns as in the record (``id, date, session, session_type, resolution,
    title, source, vote_on, ..., yes, no, abstain, absent, members, ...``);
    ``date`` parsed.  Read from ``path`` or ``$UNVOTE_GA_DATA`` (see
    :func:`ga_data_dir`).  About 6,800 rows.

    >>> calls = load_roll_calls("../shared/data/unga")  # doctest: +SKIP
    """
    file = ga_data_dir(path) / "roll_calls.csv.gz"
    frame = read_table(
        file,
        ["id", "date", "session", "session_type", "resolution", "title", "vote_on", "identical_to"],
        dates=["date"],
        integers=["session"],
        required=["id", "date"],
    )
    return frame


def load_ga_votes(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every member's vote at every General Assembly roll call: ``id, iso3, vote``.

    ``vote`` is a Categorical (``yes, abstain, no, absent``); absent members are
    included.  About 1.08 million rows.  Read from ``path`` or
    ``$UNVOTE_GA_DATA`` (see :func:`ga_data_dir`).
    """
    file = ga_data_dir(path) / "votes.csv.gz"
    frame = read_table(
        file, ["id", "iso3", "vote"], choices={"vote": VOTE_CATEGORIES}, required=["id", "iso3"]
    )
    frame["vote"] = _vote_categorical(frame["vote"])
    return frame


def load_us_agreement() -> pd.DataFrame:
    """Each member's agreement with the United States per calendar year, 1946-2025.

    Columns ``iso3, year, n_votes, agreement, ideal_point``, one row a
    country-year.  ``agreement`` is the agreement index over the year's
    General Assembly roll calls on resolutions as a whole at which both the
    country and the USA voted (1 same vote, 0.5 when exactly one of the two
    abstained, 0 yes against no; the USA's own row is 1), ``n_votes`` the number
    of those roll calls, and ``ideal_point`` a one-dimensional PCA score of the
    year's votes, USA positive, comparable only within a year (see
    :func:`unvote.agreement.us_agreement`).  The Cuba-embargo roll calls
    themselves are left out.  2025 is a partial year: the record ends on
    2025-09-19, before the 2025 Cuba vote.

    Source: computed by ``scripts/build_us_agreement.py`` from the UN's own
    record of plenary roll calls (UN Digital Library voting data and the
    DGACM extract; see ``../shared/data/README.md``); recompute it from a copy
    of that record with :func:`recompute_us_agreement`.

    >>> table = load_us_agreement()
    >>> row = table.query("iso3 == 'USA' and year == 2024")
    >>> float(row["agreement"].iloc[0])
    1.0
    """
    path = data_path("us-agreement.csv")
    frame = read_table(
        path,
        ["iso3", "year", "n_votes", "agreement", "ideal_point"],
        integers=["year", "n_votes"],
        numbers=["agreement", "ideal_point"],
        required=["iso3"],
    )
    outside = frame["agreement"].isna() | (frame["agreement"] < 0) | (frame["agreement"] > 1)
    if outside.any():
        row = int(outside.to_numpy().nonzero()[0][0])
        value = float(frame["agreement"].iloc[row])
        raise DataFileError(f"{path}, line {row + 2}: agreement {value} is not in [0, 1]")
    twice = frame.duplicated(["iso3", "year"])
    if twice.any():
        row = int(twice.to_numpy().nonzero()[0][0])
        raise DataFileError(
            f"{path}, line {row + 2}: {frame['iso3'].iloc[row]} {frame['year'].iloc[row]} twice"
        )
    return frame[["iso3", "year", "n_votes", "agreement", "ideal_point"]]


def recompute_us_agreement(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Recompute :func:`load_us_agreement`'s table from the full General Assembly record.

    Reads the record from ``path`` or ``$UNVOTE_GA_DATA`` (see
    :func:`ga_data_dir`; a missing record raises
    :class:`~unvote.errors.RecordNotFoundError`, a ``FileNotFoundError``) and
    returns :func:`unvote.agreement.us_agreement` unrounded, every year of the
    record included.

    >>> table = recompute_us_agreement("../shared/data/unga")  # doctest: +SKIP
    """
    from unvote.agreement import us_agreement

    return us_agreement(load_roll_calls(path), load_ga_votes(path))
