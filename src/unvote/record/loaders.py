"""Loaders for the vote record: pandas DataFrames, validated on the way in.

Everything ships with the package (``unvote/data``, found through
:mod:`importlib.resources`): the full General Assembly plenary record, the
membership table and the country facts.  A newer copy of the record named by
``UNVOTE_GA_DATA`` takes precedence over the shipped one, and extracts the
user imported (:mod:`unvote.record.store`) are merged on top of either.
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

from unvote.errors import DataFileError, RecordNotFoundError
from unvote.record.datadir import imports_dir
from unvote.vocabulary import COUNTRY_GROUPS, OUTCOMES, SPONSOR_KINDS, SPONSOR_ROLES, UN_GROUPS

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
    categorical: Iterable[str] = (),
) -> pd.DataFrame:
    """Read a CSV file and check it, naming the file and line of the first problem.

    ``columns`` must all be present; ``dates`` must parse as ISO dates (blank
    allowed unless also ``required``); ``integers`` must be whole numbers;
    ``numbers`` finite numbers (blank allowed); ``choices`` maps a column to
    its allowed values; ``categorical`` text columns are read as Categoricals
    (fast and small for long tables of repeated codes).  Text columns stay
    strings, blanks as ``""``.
    """
    if not path.is_file():
        raise DataFileError(f"{path}: data file not found")
    integers, numbers, dates = list(integers), list(numbers), list(dates)
    typed = {c: "int64" for c in integers} | {c: "float64" for c in numbers}
    typed |= {c: "category" for c in categorical}
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
        pd.api.types.is_numeric_dtype(frame[c])
        for c in typed
        if c in frame and c not in categorical
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
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            blanks = [c for c in frame[column].cat.categories if not str(c).strip()]
            if blanks:
                fail(column, frame[column].isin(blanks), "blank")
        elif not pd.api.types.is_numeric_dtype(frame[column]):
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
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if set(values.cat.categories) <= set(allowed):
                continue
            bad = ~values.isin(allowed)
        else:
            bad = ~values.isin(allowed)
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


def _vote_categorical(values: Any) -> pd.Categorical:
    return pd.Categorical(values, categories=list(OUTCOMES))


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


def load_ukraine_votes() -> pd.DataFrame:
    """Every member's vote on the emergency-session resolutions on Ukraine (ES-11).

    Columns ``resolution, date, iso3, vote`` (``vote`` a Categorical, absent
    members included): the record's roll calls on ES-11 resolutions, ES-11/1
    (2 March 2022) to ES-11/6 (23 February 2023); the record lacks ES-11/7
    and /8 (24 February 2025).  Source: the UN DGACM extract.

    >>> es11 = load_ukraine_votes()
    >>> es11.groupby("resolution").size().unique().tolist()
    [193]
    """
    calls = load_roll_calls()
    es11 = calls[
        calls["resolution"].str.startswith("A/RES/ES-11/") & (calls["vote_on"] == "resolution")
    ]
    votes = load_member_votes(roll_calls=calls)
    votes = votes[votes["id"].isin(es11["id"])]
    frame = votes.assign(id=votes["id"].astype(str), iso3=votes["iso3"].astype(str)).merge(
        es11[["id", "resolution", "date"]], on="id"
    )
    frame = frame.sort_values(["date", "resolution", "iso3"], ignore_index=True)
    return frame[["resolution", "date", "iso3", "vote"]]


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


RECORD_FILES: tuple[str, str] = ("roll_calls.csv.gz", "votes.csv.gz")
"""The two files of a copy of the plenary record (shipped in ``unvote/data/ga``)."""

VOTE_ON: tuple[str, ...] = ("resolution", "paragraph", "amendment", "motion", "other")
"""What a roll call voted on: the draft as a whole, or a part, an amendment, a motion."""

SESSION_TYPES: tuple[str, ...] = ("regular", "emergency", "special")


def record_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the record read by :func:`load_roll_calls` and :func:`load_member_votes`.

    ``path`` if given, else ``$UNVOTE_GA_DATA`` (a newer copy of the record
    takes precedence over the shipped one), else the copy shipped in
    ``unvote/data/ga``.  A folder that lacks ``roll_calls.csv.gz`` or
    ``votes.csv.gz`` raises :class:`~unvote.errors.RecordNotFoundError`.

    >>> record_dir().name
    'ga'
    """
    source = path if path is not None else os.environ.get(GA_DATA_ENV) or None
    if source is None:
        return data_path("ga")
    folder = Path(source)
    missing = [name for name in RECORD_FILES if not (folder / name).is_file()]
    if missing:
        origin = "" if path is not None else f" (from {GA_DATA_ENV})"
        raise RecordNotFoundError(
            f"{folder}{origin}: no {' and '.join(missing)} there; point {GA_DATA_ENV} at a "
            "folder holding roll_calls.csv.gz and votes.csv.gz, or unset it for the shipped record"
        )
    return folder


def _imported(name: str) -> Path | None:
    """An imported table (see :mod:`unvote.record.store`), or None when nothing was imported."""
    file = imports_dir() / name
    return file if file.is_file() else None


ROLL_CALL_COLUMNS: tuple[str, ...] = (
    *("id", "date", "session", "session_type", "resolution", "title", "vote_on", "identical_to"),
    *("yes", "no", "abstain"),
)
"""Columns of :func:`load_roll_calls`: what the rest of unvote reads of a roll call."""

ROLL_CALL_FILE_COLUMNS: tuple[str, ...] = (
    *ROLL_CALL_COLUMNS,
    *("member_diff", "issue", "source", "undl_record", "voeten_rcid", "date_source", "note"),
)
"""Columns of a ``roll_calls.csv.gz`` file, shipped or imported: the above and their provenance."""


def _read_roll_calls(file: Path) -> pd.DataFrame:
    frame = read_table(
        file,
        list(ROLL_CALL_COLUMNS),
        dates=["date"],
        integers=["session", "yes", "no", "abstain"],
        choices={"vote_on": VOTE_ON, "session_type": SESSION_TYPES},
        required=["id", "date"],
    )
    twice = frame["id"].duplicated()
    if twice.any():
        row = int(twice.to_numpy().nonzero()[0][0])
        raise DataFileError(f"{file}, line {row + 2}: roll call {frame['id'].iloc[row]!r} twice")
    return frame


def load_roll_calls(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every General Assembly plenary roll call, 1946 onwards: one row a roll call.

    Columns ``id`` (stable: ``undl:<record>``, ``dgacm:<symbol>`` or
    ``voeten:<rcid>``), ``date``, ``session`` (the regular session in
    progress), ``session_type`` (regular, emergency, special), ``resolution``
    (the UN symbol, e.g. ``A/RES/79/7``), ``title``, ``vote_on`` (the draft as
    a whole, or a paragraph, amendment or motion), ``identical_to`` (the id of
    a record of the very same vote, or blank), the official tallies ``yes,
    no, abstain``, and, computed: ``absent`` and ``members`` (the membership on
    the day).  Provenance columns follow: ``member_diff``, ``issue`` (Voeten's
    issue codes, where known), ``source``, ``undl_record``, ``voeten_rcid``,
    ``date_source``, ``note``; ``data/README.md`` documents them.

    Read from :func:`record_dir` (the shipped record, 6,986 roll calls to
    2026-06-04, unless ``path`` or ``$UNVOTE_GA_DATA`` names a newer copy),
    plus the roll calls imported with :func:`unvote.record.store.import_extract`.
    A malformed value raises :class:`~unvote.errors.DataFileError` naming the
    file and line.

    >>> calls = load_roll_calls()
    >>> calls.loc[calls["resolution"] == "A/RES/79/7", ["yes", "no", "abstain"]].to_numpy().tolist()
    [[187, 2, 1]]
    """
    frames = [_read_roll_calls(record_dir(path) / RECORD_FILES[0])]
    if "member_diff" not in frames[0]:
        # A copy in the compiled format does not state where its voters differ
        # from the membership table: unknown (None), so the voters go unchecked.
        frames[0]["member_diff"] = None
    imported = _imported(RECORD_FILES[0])
    if imported is not None:
        extra = _read_roll_calls(imported)
        frames.append(extra[~extra["id"].isin(frames[0]["id"])])
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for column in ["member_diff", "issue", "source", "note"]:
        if column not in frame:
            frame[column] = ""
    frame = frame.sort_values(["date"], kind="stable", ignore_index=True)
    frame["members"] = _membership_counts(frame)
    frame["absent"] = frame["members"] - frame[["yes", "no", "abstain"]].sum(axis=1)
    first = ["id", "date", "session", "session_type", "resolution", "title", "vote_on"]
    first += ["identical_to", "yes", "no", "abstain", "absent", "members"]
    return frame[first + [c for c in frame.columns if c not in first]]


def _membership_counts(calls: pd.DataFrame) -> np.ndarray:
    """Members on each roll call's date, adjusted by its stated ``member_diff``."""
    members = load_members()
    current = membership_matrix(calls["date"], members)
    # Two spells of one code (Syria, Indonesia) never overlap, so spells count members.
    counts = current.sum(axis=1)
    diff = calls["member_diff"].fillna("").astype(str)
    counts = counts + diff.str.count(r"\+").to_numpy() - diff.str.count("-").to_numpy()
    if "members" in calls:  # a copy in the compiled format states its membership
        stated = pd.to_numeric(calls["members"], errors="coerce").to_numpy()
        counts = np.where(np.isnan(stated), counts, stated).astype(np.int64)
    return counts


def _read_votes(file: Path) -> pd.DataFrame:
    return read_table(
        file,
        ["id", "iso3", "vote"],
        categorical=["id", "iso3", "vote"],
        choices={"vote": OUTCOMES},
        required=["id", "iso3"],
    )


def load_member_votes(
    path: str | os.PathLike[str] | None = None, *, roll_calls: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every member's vote at every General Assembly roll call: ``id, iso3, vote``.

    One row a member at each roll call, absent members included: about 1.08
    million rows.  ``vote`` is a Categorical (``yes, abstain, no, absent``);
    ``id`` and ``iso3`` are Categoricals too (a tenth of the memory of text).
    Read as :func:`load_roll_calls` (``roll_calls`` takes its output if already
    at hand) and checked against it: every roll call's counts equal its
    tallies, every member of the day is there once (no one else, but for a
    roll call's stated ``member_diff``), and nothing else.  A violation raises
    :class:`~unvote.errors.DataFileError` naming the file and the line or roll call.

    >>> votes = load_member_votes()
    >>> votes.query("id == 'dgacm:A/RES/79/7' and vote == 'no'")["iso3"].tolist()
    ['ISR', 'USA']
    """
    calls = load_roll_calls(path) if roll_calls is None else roll_calls
    file = record_dir(path) / RECORD_FILES[1]
    frames = [(file, _read_votes(file))]
    imported = _imported(RECORD_FILES[1])
    if imported is not None:
        extra = _read_votes(imported)
        frames.append((imported, extra[~extra["id"].isin(frames[0][1]["id"].cat.categories)]))
    for source, frame in frames:
        _check_votes(source, frame, calls)
    if len(frames) == 1:
        votes = frames[0][1]
    else:
        votes = pd.concat([f for _, f in frames], ignore_index=True)
        for column in ["id", "iso3"]:
            votes[column] = votes[column].astype(str).astype("category")
    votes["vote"] = _vote_categorical(votes["vote"])
    return votes.reset_index(drop=True)


def _check_votes(file: Path, votes: pd.DataFrame, calls: pd.DataFrame) -> None:
    """Each roll call's votes against its tallies and the membership of the day."""
    position = pd.Index(calls["id"]).get_indexer(votes["id"].cat.categories)
    unknown = np.flatnonzero(position < 0)
    ids = votes["id"].cat.codes.to_numpy()
    if unknown.size:
        row = int(np.flatnonzero(np.isin(ids, unknown))[0])
        raise DataFileError(
            f"{file}, line {row + 2}: roll call {votes['id'].iloc[row]!r} is not in roll_calls"
        )
    twice = votes.duplicated(["id", "iso3"])
    if twice.any():
        row = int(twice.to_numpy().nonzero()[0][0])
        raise DataFileError(
            f"{file}, line {row + 2}: {votes['iso3'].iloc[row]} votes twice at roll call "
            f"{votes['id'].iloc[row]}"
        )
    # Counts per roll call and outcome, in the order of ``calls``.
    call = position[ids]
    outcome = pd.Categorical(votes["vote"], categories=list(OUTCOMES)).codes
    counts = np.zeros((len(calls), len(OUTCOMES)), dtype=np.int64)
    np.add.at(counts, (call, outcome), 1)
    present = np.zeros(len(calls), dtype=bool)
    present[call] = True
    tallies = calls[["yes", "abstain", "no"]].to_numpy()
    for k, column in enumerate(["yes", "abstain", "no"]):
        bad = np.flatnonzero(present & (counts[:, k] != tallies[:, k]))
        if bad.size:
            i = int(bad[0])
            raise DataFileError(
                f"{file}: roll call {calls['id'].iloc[i]} has {counts[i, k]} {column} votes "
                f"but its tally says {tallies[i, k]}"
            )
    total = counts.sum(axis=1)
    bad = np.flatnonzero(present & (total != calls["members"].to_numpy()))
    if bad.size:
        i = int(bad[0])
        raise DataFileError(
            f"{file}: roll call {calls['id'].iloc[i]} lists {total[i]} members but "
            f"{calls['members'].iloc[i]} were members on {calls['date'].iloc[i]:%Y-%m-%d}"
        )
    if "member_diff" in calls:
        _check_voters(file, votes, calls, call)


def _check_voters(file: Path, votes: pd.DataFrame, calls: pd.DataFrame, call: np.ndarray) -> None:
    """The members listed at each roll call are exactly the members of the day (± member_diff)."""
    members = load_members()
    codes = pd.Index(sorted(set(members["iso3"]) | set(votes["iso3"].cat.categories)))
    expected = np.zeros((len(calls), len(codes)), dtype=bool)
    spells = membership_matrix(calls["date"], members)
    rows, spell = np.nonzero(spells)
    expected[rows, codes.get_indexer(members["iso3"].to_numpy()[spell])] = True
    for i in np.flatnonzero(calls["member_diff"].fillna("").astype(str).to_numpy() != ""):
        for change in str(calls["member_diff"].iloc[i]).split():
            expected[i, codes.get_loc(change[1:])] = change[0] == "+"
    listed = np.zeros_like(expected)
    listed[call, codes.get_indexer(votes["iso3"].astype(str).to_numpy())] = True
    present = np.zeros(len(calls), dtype=bool)
    present[call] = True
    present &= calls["member_diff"].notna().to_numpy()  # None: not stated, not checked
    wrong = (listed != expected) & present[:, None]
    if wrong.any():
        i, j = (int(k) for k in np.argwhere(wrong)[0])
        what = "is listed but was not a member" if listed[i, j] else "was a member but is missing"
        raise DataFileError(
            f"{file}: at roll call {calls['id'].iloc[i]} ({calls['date'].iloc[i]:%Y-%m-%d}) "
            f"{codes[j]} {what}"
        )


ADOPTIONS: tuple[str, ...] = ("recorded vote", "without a vote", "")
"""How a resolution was adopted, as the UN's extract states it (blank: not stated)."""

RESOLUTION_COLUMNS: tuple[str, ...] = (
    *("symbol", "date", "session", "title", "agenda_item", "committee", "adoption", "roll_call"),
)
SPONSOR_COLUMNS: tuple[str, ...] = ("symbol", "role", "kind", "iso3", "group", "name")
"""Columns of the sponsor table (:func:`load_sponsors`, :attr:`.extract.Extract.sponsors`)."""


def _shipped_and_imported(name: str, read: Any, key: str) -> pd.DataFrame:
    """A shipped DGACM table, with the imported rows whose ``key`` it lacks appended."""
    frame = read(data_path(f"ga/{name}"))
    imported = _imported(name)
    if imported is not None:
        extra = read(imported)
        frame = pd.concat([frame, extra[~extra[key].isin(frame[key])]], ignore_index=True)
    return frame


def load_resolutions() -> pd.DataFrame:
    """Every resolution of the UN's DGACM extracts, adopted with or without a vote.

    One row a resolution: ``symbol, date, session, title, agenda_item,
    committee, adoption`` (``recorded vote``, ``without a vote``, or blank when
    the extract does not say) and ``roll_call`` (its id in
    :func:`load_roll_calls`, blank when adopted without a vote).  Shipped for
    sessions 74-79 and the emergency sessions ES-10 and ES-11; extracts
    imported with :func:`unvote.record.store.import_extract` add later ones.  The
    only source of which texts passed without a vote (the roll-call record
    has only recorded votes).  Source: the United Nations (DGACM).
    """

    def read(path: Path) -> pd.DataFrame:
        return read_table(
            path,
            [
                *("symbol", "date", "session", "title", "agenda_item", "committee"),
                "adoption",
                "roll_call",
            ],
            dates=["date"],
            integers=["session"],
            choices={"adoption": ADOPTIONS},
            required=["symbol"],
        )

    return _shipped_and_imported("resolutions.csv.gz", read, "symbol")


def load_sponsors() -> pd.DataFrame:
    """The sponsors of every resolution of the DGACM extracts: one row a sponsor of a text.

    Columns (:data:`SPONSOR_COLUMNS`): ``symbol``, ``role`` (``sponsor``:
    named on the draft; ``additional``: joined later), ``kind`` (``member``;
    ``observer``, as the State of Palestine and the Holy See, kept apart
    because they cannot vote; ``group``, a group named alone; ``officer``,
    e.g. "submitted by the President of the General Assembly"; ``other``, an
    entry naming no State clearly), ``iso3`` (the State; for an officer, the
    State the UN names, if any), ``group`` (the group a State speaks for, a
    code of :data:`unvote.record.sponsors.SPONSOR_GROUPS` such as ``G77``) and
    ``name`` as the UN wrote it.  Read by :mod:`unvote.record.sponsors`.  Shipped
    for sessions 74-80; imports add later ones.  Source: the United Nations (DGACM).
    """

    def read(path: Path) -> pd.DataFrame:
        columns = [c for c in SPONSOR_COLUMNS if c != "group"]
        frame = read_table(
            path,
            columns,
            choices={"role": SPONSOR_ROLES, "kind": SPONSOR_KINDS},
            required=["symbol"],
        )
        # Imports made before groups were read have no ``group`` column.
        return frame.reindex(columns=list(SPONSOR_COLUMNS), fill_value="")

    # An import brings the whole sponsor list of each symbol it adds.
    return _shipped_and_imported("sponsors.csv.gz", read, "symbol")
