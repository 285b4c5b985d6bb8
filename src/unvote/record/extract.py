"""Read the UN's machine-readable list of General Assembly resolutions (DGACM extract).

The UN Department for General Assembly and Conference Management publishes,
for each session, one JSON object per line and per resolution: its symbol,
title, date, agenda item, committee, sponsors, how it was adopted and, for a
recorded vote, the members voting yes, no and abstaining.  :func:`read_extract`
turns one such file (``.json`` or ``.json.gz``) into the tables of the record:

* ``roll_calls``: one row a recorded vote, id ``dgacm:<symbol without spaces>``,
  as :func:`unvote.record.loaders.load_roll_calls` returns them (``source`` ``dgacm``);
* ``votes``: ``id, iso3, vote`` for every member on the date, ``absent`` for a
  member in none of the three lists;
* ``resolutions``: one row a resolution, adopted with or without a vote;
* ``sponsors``: one row a sponsor of a resolution.

The reader is tolerant of the forms the UN has used over the sessions and
strict about the facts.  Accepted forms: dates written ``2019-10-10 00:00:00``
or ``2 December 2024`` (non-breaking spaces included); the way of adoption in
``adoption_type`` ("Without a vote", "By a recorded vote") and/or
``voting_type`` (``adoptedWithoutVote``, ``adoptedRecordedVote``); counts as
strings, ``"N.A."`` with an empty list meaning 0; member names as the UN writes
them ("TÜRKİYE", "NETHERLANDS (KINGDOM OF THE)", "UNITED STATES").  Refused,
with the file, line and symbol named: a list whose length differs from its
stated count; a name that is not a UN member on the date; a member listed
twice; a blank date on a recorded vote; a symbol repeated with other content.

The UN's own slips found in sessions 74-79 are read by narrow rules, each
reported in :attr:`Extract.notes`, rather than by loosening the checks for
everyone:

* a stated count larger than the names listed is accepted only for the
  discrepancies listed in :data:`KNOWN_SHORTFALLS`, with the stated and listed
  numbers exactly as documented; the unnamed voters are coded absent and the
  tallies are the names listed (A/RES/77/293: 59 abstentions stated, 58 named,
  so the roll call reads 100-9-58, as the shipped record codes it);
* a list written out twice over (its second half repeats the first, name for
  name, and the stated count equals one half) is read once (A/RES/75/290 A);
* a recorded vote whose three lists are all empty has no roll call: the
  resolution is kept with ``roll_call`` blank (A/RES/75/254 A-C);
* a repeated symbol whose copies agree on everything read except that one
  copy lists more sponsors is the same entry revised: the fuller copy is kept
  (33 resolutions of session 79 are listed two or three times).

Sponsor entries are read by the one reader of sponsor lists
(:class:`unvote.record.sponsors.SponsorReader`), more loosely than votes, which take
exact names only: each State of an entry is a row of kind ``member`` (or
``observer``), with the group it speaks for in ``group`` ("Iraq (on behalf of
... the Group of 77 and China)" is IRQ, group ``G77``); officers and organs of
the Assembly ("submitted by the President of the General Assembly") are kind
``officer``; an entry that names no State clearly ("ANGOLA BAHAMAS") is kept
as kind ``other``, reported in :attr:`Extract.notes`; a State listed twice on
a text sponsors it once.

Source: the United Nations (DGACM machine-readable resolutions; unofficial
copies provided without warranty).

>>> extract = read_extract("../shared/data/dgacm/ES-11.json.gz")  # doctest: +SKIP
>>> extract.roll_calls[["resolution", "yes", "no", "abstain"]].iloc[0].tolist()  # doctest: +SKIP
['A/RES/ES-11/1', 141, 5, 35]
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from unvote.errors import ExtractError
from unvote.record.calendar import regular_session
from unvote.record.countries import normalise
from unvote.record.loaders import RESOLUTION_COLUMNS, ROLL_CALL_COLUMNS, SPONSOR_COLUMNS
from unvote.record.sponsors import SponsorReader
from unvote.vocabulary import OBSERVERS, OUTCOMES

EXTRACT_ROLL_CALL_COLUMNS: tuple[str, ...] = (*ROLL_CALL_COLUMNS, "source", "note")
"""Columns of :attr:`Extract.roll_calls`."""

VOTE_COLUMNS: tuple[str, ...] = ("id", "iso3", "vote")
"""Columns of :attr:`Extract.votes`."""


KNOWN_SHORTFALLS: dict[tuple[str, str], tuple[int, int]] = {
    # The UN's extract states 59 abstentions and names 58; the UN record's
    # compiled copy codes the unnamed abstainer absent (row 100-9-58).
    ("A/RES/77/293", "abstain"): (59, 58),
}
"""(symbol, list) -> (stated count, names listed): documented UN slips accepted as they are."""

LISTS: dict[str, str] = {"yes": "MS_in_favour", "no": "MS_against", "abstain": "MS_abstaining"}
"""Vote -> field of the extract holding the members who voted so."""

ADOPTION_TYPES: dict[str, str] = {
    "without a vote": "without a vote",
    "by a recorded vote": "recorded vote",
}
VOTING_TYPES: dict[str, str] = {
    "adoptedwithoutvote": "without a vote",
    "adoptedrecordedvote": "recorded vote",
}

_MONTHS = "january february march april may june july august september october november december"
MONTHS = {month: k for k, month in enumerate(_MONTHS.split(), start=1)}
SYMBOL = re.compile(r"A/RES/(?:(?P<regular>\d+)|ES-(?P<emergency>\d+)|S-(?P<special>\d+))/\d+")
PART = re.compile(r"[A-Z]{1,4}(?:-[A-Z]{1,4})?")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
LONG_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})")


@dataclass(frozen=True)
class Extract:
    """The tables read from one or more DGACM extract files.

    ``notes`` lists, one line each, the UN slips read by the narrow rules of
    this module (see the module docstring), so that a caller can report them;
    ``origins`` maps each symbol to the place it was read from
    (``"<file>, line <n>"``), for messages about it.
    """

    roll_calls: pd.DataFrame
    votes: pd.DataFrame
    resolutions: pd.DataFrame
    sponsors: pd.DataFrame
    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    origins: dict[str, str] = field(default_factory=dict)


@dataclass
class _Row:
    """One resolution as read from a line, before the tables are built."""

    place: str  # "<file>, line <n>"
    where: str  # "<file>, line <n>: <symbol>", for messages
    symbol: str
    resolution: dict[str, Any]
    roll_call: dict[str, Any] | None
    votes: dict[str, str]  # iso3 -> yes/no/abstain (named members only)
    sponsors: list[dict[str, str]]
    notes: list[str]


# ----------------------------------------------------------------------------- names


class _Names:
    """Exact lookup of UN-style names (members, checked against the date) and the sponsor reader."""

    def __init__(self, members: pd.DataFrame) -> None:
        self.members = members
        self.sponsors = SponsorReader(members)
        self.names = self.sponsors.names
        self.spells: dict[str, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
        for code, start, end in zip(
            members["iso3"], members["admitted"], members["left"], strict=True
        ):
            self.spells.setdefault(code, []).append((start, end))
        self._on: dict[pd.Timestamp, list[str]] = {}
        self._codes: dict[str, str | None] = {}

    def code(self, name: str) -> str | None:
        if name not in self._codes:
            self._codes[name] = self.names.code(name)
        return self._codes[name]

    def nearest(self, name: str) -> str:
        found = self.names.nearest(name)
        return f" (nearest: {', '.join(found)})" if found else ""

    def member_on(self, code: str, day: pd.Timestamp) -> bool:
        return any(
            start <= day and (pd.isna(end) or day < end) for start, end in self.spells.get(code, [])
        )

    def codes_on(self, day: pd.Timestamp) -> list[str]:
        if day not in self._on:
            self._on[day] = sorted(c for c in self.spells if self.member_on(c, day))
        return self._on[day]


# ----------------------------------------------------------------------------- reading


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a .json or .json.gz file; errors name the file."""
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder; give a DGACM extract file (.json or .json.gz)")
    if not path.is_file():
        raise ExtractError(f"{path}: file not found")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ExtractError(f"{path}: cannot be read ({err.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            raise ExtractError(
                f"{path}: damaged gzip file ({err}); download the extract again"
            ) from None
    elif path.suffix == ".gz":
        raise ExtractError(f"{path}: is not a gzip file although named .gz")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExtractError(
            f"{path}: is not UTF-8 text ({err.reason} at byte {err.start})"
        ) from None
    if not text.strip():
        raise ExtractError(f"{path}: is empty; a DGACM extract has one resolution a line")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def _text(record: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    if key not in record:
        if required:
            raise ExtractError(f"{where}: field {key!r} is missing")
        return ""
    value = record[key]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ExtractError(f"{where}: field {key!r} should be text, not {type(value).__name__}")
    return " ".join(value.replace("\xa0", " ").split())


def _names(record: dict[str, Any], key: str, where: str) -> list[str]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ExtractError(f"{where}: field {key!r} should be a list of names")
    return [" ".join(v.replace("\xa0", " ").split()) for v in value]


def parse_date(text: str) -> dt.date | None:
    """A DGACM adoption date: ``2019-10-10 00:00:00`` or ``2 December 2024``; blank is None.

    >>> parse_date("2019-10-10 00:00:00"), parse_date("2\\xa0December 2024"), parse_date("")
    (datetime.date(2019, 10, 10), datetime.date(2024, 12, 2), None)
    """
    text = " ".join(text.replace("\xa0", " ").split())
    if not text:
        return None
    try:
        if match := ISO_DATE.fullmatch(text):
            return dt.date(*(int(g) for g in match.groups()))
        if (match := LONG_DATE.fullmatch(text)) and match.group(2).lower() in MONTHS:
            day, month, year = match.groups()
            return dt.date(int(year), MONTHS[month.lower()], int(day))
    except ValueError:
        pass
    raise ValueError(text)


def parse_count(value: Any) -> int | None:
    """A stated count: a whole number or a string of digits; ``"N.A."`` is None.

    >>> parse_count("141"), parse_count(5), parse_count("N.A.")
    (141, 5, None)
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in ("N.A.", "N.A", "NA", "N/A"):
            return None
        if text.isdigit():
            return int(text)
    raise ValueError(value)


def agenda_item(text: str) -> str:
    """``"Agenda item 123 (b)"`` -> ``"123 b"``; several items joined by ``"; "``.

    >>> agenda_item("Agenda item 123"), agenda_item("Agenda items 12 and 115 (a)")
    ('123', '12; 115 a')
    """
    body = re.sub(r"^agenda items?\s*", "", text.strip(), flags=re.IGNORECASE)
    items = [p.strip() for p in re.split(r",|\band\b", body) if p.strip()]
    return "; ".join(re.sub(r"\s*\(([^)]*)\)", r" \1", item) for item in items)


def committee(text: str) -> str:
    """The committee as written, with the UN's occasional tag form spelled out.

    >>> committee("#fifthCommittee"), committee("Third Committee")
    ('Fifth Committee', 'Third Committee')
    """
    if text.startswith("#"):
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text[1:]).split()
        return " ".join(w.capitalize() for w in words)
    return text


def adoption(record: dict[str, Any], where: str) -> str:
    """ "recorded vote", "without a vote", or "" when neither field says."""
    found = []
    for key, known in (("adoption_type", ADOPTION_TYPES), ("voting_type", VOTING_TYPES)):
        value = _text(record, key, where)
        if value:
            if value.lower() not in known:
                allowed = ", ".join(repr(k) for k in known)
                raise ExtractError(f"{where}: {key} {value!r} is not one of {allowed}")
            found.append(known[value.lower()])
    if len(set(found)) > 1:
        raise ExtractError(
            f"{where}: adoption_type and voting_type disagree ({found[0]} / {found[1]})"
        )
    return found[0] if found else ""


def _vote_lists(
    record: dict[str, Any], symbol: str, where: str, notes: list[str]
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The names of each list and the stated counts, checked against each other."""
    lists, stated = {}, {}
    for vote, key in LISTS.items():
        names = _names(record, key, where)
        count_key = f"{key}_count"
        try:
            count = parse_count(record.get(count_key, "N.A."))
        except ValueError:
            raise ExtractError(
                f"{where}: {count_key} {record.get(count_key)!r} is not a whole number"
            ) from None
        if count is None:  # "N.A.": nothing counted, so nothing may be listed
            if names:
                raise ExtractError(
                    f"{where}: {count_key} is N.A. but {len(names)} names are listed in {key}"
                )
            count = 0
        half = len(names) // 2
        if count and len(names) == 2 * count and names[:half] == names[half:]:
            names = names[:half]
            notes.append(f"{symbol}: {key} lists every name twice; read once")
        lists[vote], stated[vote] = names, count
    return lists, stated


def _check_counts(
    symbol: str, lists: dict[str, list[str]], stated: dict[str, int], where: str, notes: list[str]
) -> str:
    """Compare list lengths with stated counts; return the roll call's note."""
    gaps = {}
    for vote, key in LISTS.items():
        listed = len(lists[vote])
        if listed == stated[vote]:
            continue
        if KNOWN_SHORTFALLS.get((symbol, vote)) != (stated[vote], listed):
            raise ExtractError(
                f"{where}: {key}_count is {stated[vote]} but {listed} names are listed; "
                "make the count and the list agree"
            )
        gaps[vote] = stated[vote] - listed
    if not gaps:
        return ""
    counted = "-".join(str(stated[v]) for v in LISTS)
    named = "-".join(str(len(lists[v])) for v in LISTS)
    who = {"yes": "voter(s) for", "no": "voter(s) against", "abstain": "abstainer(s)"}
    unnamed = ", ".join(f"{gap} {who[vote]}" for vote, gap in gaps.items())
    note = f"DGACM counts {counted} but name lists {named}; {unnamed} not named, so coded absent"
    notes.append(f"{symbol}: {note}")
    return note


def _read_row(record: Any, where: str, names: _Names) -> _Row:
    if not isinstance(record, dict):
        raise ExtractError(f"{where}: expected one resolution (a JSON object) a line")
    symbol = _text(record, "symbol", where, required=True)
    if not symbol:
        raise ExtractError(f"{where}: symbol is blank")
    place, where = where, f"{where}: {symbol}"
    match = SYMBOL.match(symbol)
    part = symbol[match.end() :].strip() if match else ""
    if not match or (part and not PART.fullmatch(part)):
        raise ExtractError(f"{where}: not a General Assembly resolution symbol (A/RES/79/7)")
    symbol = match.group(0) + (f" {part}" if part else "")
    title = _text(record, "title", where, required=True)
    date_text = _text(record, "adoption_date", where, required=True)
    try:
        date = parse_date(date_text)
    except ValueError:
        raise ExtractError(
            f"{where}: adoption_date {date_text!r} is not a date "
            "(write 2019-10-10 00:00:00 or 2 December 2024)"
        ) from None
    if match.group("regular"):
        session_type, session = "regular", int(match.group("regular"))
        if date is not None and date.year not in (1945 + session, 1946 + session):
            raise ExtractError(
                f"{where}: adoption_date {date} lies outside session {session} "
                f"({1945 + session}-{1946 + session})"
            )
    else:
        session_type = "emergency" if match.group("emergency") else "special"
        # The regular session in progress; 0 (unknown) for a text adopted on no stated date.
        session = regular_session(date) if date is not None else 0
    how = adoption(record, where)
    notes: list[str] = []
    lists, stated = _vote_lists(record, symbol, where, notes)
    named = any(lists.values())
    if how == "without a vote" and (named or any(stated.values())):
        raise ExtractError(f"{where}: adopted without a vote, yet votes are listed or counted")
    if how == "" and named:
        how = "recorded vote"  # the lists say what the two fields leave blank
    if how == "" and any(stated.values()):
        raise ExtractError(f"{where}: votes are counted but neither listed nor said to be recorded")
    roll_call, votes = None, {}
    rc_id = ""
    if how == "recorded vote" and not named:
        notes.append(f"{symbol}: recorded vote without member lists; no roll call")
    elif named:
        if date is None:
            raise ExtractError(f"{where}: adoption_date is blank on a recorded vote; give the date")
        note = _check_counts(symbol, lists, stated, where, notes)
        day = pd.Timestamp(date)
        listed_in: dict[str, str] = {}
        for vote, key in LISTS.items():
            for name in lists[vote]:
                code = names.code(name)
                if code is None or code in OBSERVERS:
                    raise ExtractError(
                        f"{where}: {key} names {name!r}, not a UN member{names.nearest(name)}"
                    )
                if code in listed_in:
                    raise ExtractError(
                        f"{where}: {name!r} ({code}) is listed twice (in {listed_in[code]} "
                        f"and {key}); keep one"
                    )
                if not names.member_on(code, day):
                    raise ExtractError(
                        f"{where}: {key} names {name!r} ({code}), not a UN member on {date}"
                        f"{_admission_hint(names.members, code, day)}"
                    )
                listed_in[code] = key
                votes[code] = vote
        rc_id = "dgacm:" + symbol.replace(" ", "")
        roll_call = {
            "id": rc_id,
            "date": day,
            "session": session,
            "session_type": session_type,
            "resolution": symbol,
            "title": title,
            "source": "dgacm",
            "vote_on": "resolution",
            "identical_to": "",
            **{vote: len(lists[vote]) for vote in LISTS},
            "note": note,
        }
    resolution = {
        "symbol": symbol,
        "date": pd.Timestamp(date) if date else pd.NaT,
        "session": session,
        "title": title,
        "agenda_item": agenda_item(_text(record, "agenda_item", where)),
        "committee": committee(_text(record, "committee", where)),
        "adoption": how,
        "roll_call": rc_id,
    }
    sponsors: list[dict[str, str]] = []
    states: dict[str, dict[str, str]] = {}  # iso3 -> its row
    repeats = 0
    for role, key in (("sponsor", "sponsors"), ("additional", "additional_sponsors")):
        for name in _names(record, key, where):
            for row in names.sponsors.entry(name, unknown="keep"):
                if row.kind == "other":
                    notes.append(f"{symbol}: sponsor entry {name!r} names no State; kept as other")
                if row.kind in ("member", "observer") and row.iso3 in states:
                    repeats += 1  # a State listed twice sponsors once, for its group if any
                    states[row.iso3]["group"] = states[row.iso3]["group"] or row.group
                    continue
                sponsors.append(
                    {
                        "symbol": symbol,
                        "role": role,
                        "kind": row.kind,
                        "iso3": row.iso3,
                        "group": row.group,
                        "name": name,
                    }
                )
                if row.kind in ("member", "observer"):
                    states[row.iso3] = sponsors[-1]
    if repeats:
        notes.append(f"{symbol}: {repeats} sponsor(s) listed twice; counted once")
    return _Row(place, where, symbol, resolution, roll_call, votes, sponsors, notes)


def _admission_hint(members: pd.DataFrame, code: str, day: pd.Timestamp) -> str:
    spells = members[members["iso3"] == code]
    later = spells[spells["admitted"] > day]
    if len(later):
        return f" (admitted {later['admitted'].min().date()})"
    return ""


def _sponsor_keys(row: _Row) -> set[tuple[str, str, str]]:
    return {
        (s["role"], s["kind"], s["iso3"] or normalise(s["name"]).replace(" ", ""))
        for s in row.sponsors
    }


def _merge_repeat(first: _Row, second: _Row, notes: list[str]) -> _Row:
    """One of two rows with the same symbol, or an error saying how they differ."""
    same = (
        first.resolution == second.resolution
        and first.roll_call == second.roll_call
        and first.votes == second.votes
    )
    if not same:
        differs = next(
            (k for k in first.resolution if first.resolution[k] != second.resolution[k]),
            "votes",
        )
        raise ExtractError(
            f"{second.where}: repeats {first.place} with a different {differs}; keep one of the two"
        )
    a, b = _sponsor_keys(first), _sponsor_keys(second)
    if a == b:
        notes.append(f"{first.symbol}: repeated; the copy dropped")
        return first
    if a <= b or b <= a:
        notes.append(f"{first.symbol}: repeated with more sponsors in one copy; the fuller kept")
        return second if a <= b else first
    raise ExtractError(
        f"{second.where}: repeats {first.place} with different sponsors; keep one of the two"
    )


def _rows(path: Path, names: _Names) -> Iterator[_Row]:
    for number, line in _lines(path):
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            # An error at the very end of the line: the line stops short.
            cut = err.pos >= len(line.rstrip()) or err.msg.startswith("Unterminated")
            hint = "truncated line? " if cut else ""
            what = err.msg.removesuffix(" starting at")
            raise ExtractError(
                f"{where}: not valid JSON at column {err.colno} ({hint}{what})"
            ) from None
        yield _read_row(record, where, names)


def read_extracts(
    paths: Iterable[str | os.PathLike[str]], *, members: pd.DataFrame | None = None
) -> Extract:
    """Read several DGACM extract files into one :class:`Extract`.

    A symbol found in two files (or twice in one) follows the same rules as
    within a file: identical copies are read once, copies that differ only by
    one listing more sponsors give the fuller one, any other difference is an
    error naming both places.  ``members`` takes :func:`unvote.load_members`
    output already at hand.

    >>> extract = read_extracts(["../shared/data/dgacm/ES-10.json.gz"])  # doctest: +SKIP
    >>> len(extract.roll_calls)  # doctest: +SKIP
    3
    """
    from unvote.record.loaders import load_members

    members = load_members() if members is None else members
    names = _Names(members)
    files = tuple(Path(p) for p in paths)
    if not files:
        raise ExtractError("no DGACM extract file given")
    kept: dict[str, _Row] = {}
    notes: list[str] = []
    for path in files:
        for row in _rows(path, names):
            notes.extend(row.notes)
            if row.symbol in kept:
                kept[row.symbol] = _merge_repeat(kept[row.symbol], row, notes)
            else:
                kept[row.symbol] = row
    return _tables(list(kept.values()), names, files, notes)


def read_extract(path: str | os.PathLike[str], *, members: pd.DataFrame | None = None) -> Extract:
    """Read one DGACM extract file (``.json`` or ``.json.gz``, one resolution a line).

    Returns an :class:`Extract` whose tables are described in the module
    docstring.  Every problem raises :class:`~unvote.errors.ExtractError` (a
    ``ValueError``) naming the file, the line and the symbol.

    >>> extract = read_extract("../shared/data/dgacm/ES-11.json.gz")  # doctest: +SKIP
    >>> extract.resolutions["adoption"].unique().tolist()  # doctest: +SKIP
    ['recorded vote']
    """
    return read_extracts([path], members=members)


def _tables(rows: list[_Row], names: _Names, files: tuple[Path, ...], notes: list[str]) -> Extract:

    calls = [r.roll_call for r in rows if r.roll_call is not None]
    roll_calls = pd.DataFrame(calls, columns=list(EXTRACT_ROLL_CALL_COLUMNS))
    roll_calls["date"] = pd.to_datetime(roll_calls["date"])
    for column in ("session", "yes", "no", "abstain"):
        roll_calls[column] = roll_calls[column].astype("int64")
    vote_rows = []
    for row in rows:
        if row.roll_call is None:
            continue
        for code in names.codes_on(row.roll_call["date"]):
            vote_rows.append((row.roll_call["id"], code, row.votes.get(code, "absent")))
    votes = pd.DataFrame(vote_rows, columns=list(VOTE_COLUMNS))
    votes["vote"] = pd.Categorical(votes["vote"], categories=list(OUTCOMES))
    resolutions = pd.DataFrame([r.resolution for r in rows], columns=list(RESOLUTION_COLUMNS))
    resolutions["date"] = pd.to_datetime(resolutions["date"])
    resolutions["session"] = resolutions["session"].astype("int64")
    sponsors = pd.DataFrame(
        [s for r in rows for s in r.sponsors], columns=list(SPONSOR_COLUMNS), dtype=object
    )
    origins = {r.symbol: r.place for r in rows}
    return Extract(roll_calls, votes, resolutions, sponsors, files, tuple(notes), origins)
