"""A user's imports: the UN's newer extracts merged into their own copy of the record.

The record ships with the package and is never written to.  Extracts the user
imports (:func:`import_extract`) are read by :mod:`unvote.record.extract`, checked
against the record, and kept in ``<data dir>/imports/`` (see
:mod:`unvote.record.datadir`) as the same four tables as the shipped ones
(``roll_calls.csv.gz``, ``votes.csv.gz``, ``resolutions.csv.gz``,
``sponsors.csv.gz``) plus a ``manifest.json`` of the files imported.  The
loaders (:func:`unvote.load_roll_calls`, :func:`unvote.load_member_votes`,
:func:`unvote.load_resolutions`, :func:`unvote.load_sponsors`) merge them on
top of the record.

Rules of an import:

* all or nothing: the files are read and checked first; any problem raises an
  :class:`~unvote.errors.UnvoteError` and nothing is written;
* a roll call the record already has (the same resolution symbol voted as a
  whole, in the shipped record, in ``$UNVOTE_GA_DATA`` or in earlier imports)
  must agree with it date for date and member for member, or the import is
  refused, naming the first disagreement; an agreeing one is not added again.
  The DGACM symbol of a part-less resolution also matches the record's part
  ``A`` (the UN Digital Library files A/RES/75/250 as "A/RES/75/250 A");
* a resolution already known keeps its row; one with another date or way of
  adoption is refused;
* the new tables are written in a temporary folder inside the data directory
  and swapped in with :func:`os.replace`, so an interrupted import (an
  exception, Ctrl-C, SIGTERM) leaves the previous state;
* the tables are written in a fixed order with fixed gzip headers: importing
  the same file again gives byte-identical tables (the manifest notes it).

>>> summary = import_extract("../shared/data/dgacm/79.json.gz")  # doctest: +SKIP
>>> print(summary)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from unvote.errors import DataDirError, DataFileError, RecordConflictError
from unvote.record import loaders as load
from unvote.record.datadir import DATA_DIR_ENV, data_dir, imports_dir
from unvote.record.extract import Extract, read_extracts

MANIFEST = "manifest.json"
TABLES: dict[str, str] = {
    "roll_calls": "roll_calls.csv.gz",
    "votes": "votes.csv.gz",
    "resolutions": "resolutions.csv.gz",
    "sponsors": "sponsors.csv.gz",
}
"""Table -> file name, in the imports folder as in the shipped ``data/ga``."""


IMPORT_SOURCE = "import"
"""``source`` of an imported roll call (``date_source`` says ``dgacm``)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ImportSummary:
    """What an import added, and what it found already there.

    ``roll_calls``, ``votes``, ``resolutions`` and ``sponsors`` count the rows
    added; ``in_record`` the roll calls the record already held (agreeing vote
    for vote) and ``known_resolutions`` the resolutions already known;
    ``last_vote`` is the date of the last roll call in the record after the
    import; ``notes`` the UN slips read (see :mod:`unvote.record.extract`).
    """

    files: tuple[str, ...]
    roll_calls: int
    votes: int
    resolutions: int
    sponsors: int
    in_record: int
    known_resolutions: int
    last_vote: pd.Timestamp | None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        last = None if self.last_vote is None else f"{self.last_vote:%Y-%m-%d}"
        return {
            "files": list(self.files),
            "added": {
                "roll_calls": self.roll_calls,
                "votes": self.votes,
                "resolutions": self.resolutions,
                "sponsors": self.sponsors,
            },
            "already_in_record": {
                "roll_calls": self.in_record,
                "resolutions": self.known_resolutions,
            },
            "last_vote": last,
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        files = ", ".join(Path(f).name for f in self.files)
        lines = [
            f"imported {files}",
            f"  added: {self.roll_calls:,} roll calls ({self.votes:,} member-votes), "
            f"{self.resolutions:,} resolutions, {self.sponsors:,} sponsorships",
            f"  already in the record (agreeing): {self.in_record:,} roll calls, "
            f"{self.known_resolutions:,} resolutions",
        ]
        if self.last_vote is not None:
            lines.append(f"  last vote in the record: {self.last_vote:%Y-%m-%d}")
        shown = 5
        # Notes about votes before notes about sponsors.
        notes = sorted(self.notes, key=lambda note: "sponsor" in note)
        lines += [f"  note: {note}" for note in notes[:shown]]
        if len(self.notes) > shown:
            lines.append(f"  ... and {len(self.notes) - shown} more notes (see .notes)")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- matching


def _symbol_index(calls: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Roll calls on a resolution as a whole, by symbol and by symbol without its part."""
    whole = calls[calls["vote_on"] == "resolution"]
    exact: dict[str, list[str]] = {}
    parts: dict[str, list[str]] = {}
    for symbol, call in zip(whole["resolution"], whole["id"], strict=True):
        exact.setdefault(symbol, []).append(call)
        if " " in symbol:
            parts.setdefault(symbol.split(" ", 1)[0], []).append(call)
    return exact, parts


def _candidates(symbol: str, exact: dict[str, list[str]], parts: dict[str, list[str]]) -> list[str]:
    if symbol in exact:
        return exact[symbol]
    if " " not in symbol:
        return parts.get(symbol, [])
    return []


def match_roll_calls(extract: Extract, calls: pd.DataFrame, votes: pd.DataFrame) -> dict[str, str]:
    """The extract's roll calls that ``calls`` already holds: extract id -> record id.

    A roll call of the extract is in the record when the record has a roll call
    on the same symbol (voted as a whole) with the same date and the same vote
    from every member.  One that shares a symbol with the record but differs
    raises :class:`~unvote.errors.RecordConflictError` naming the file, line,
    symbol and first disagreement.  Roll calls left out of the result are new.

    >>> from unvote.record.extract import read_extract
    >>> extract = read_extract("../shared/data/dgacm/ES-11.json.gz")  # doctest: +SKIP
    >>> calls = load.load_roll_calls()  # doctest: +SKIP
    >>> votes = load.load_member_votes(roll_calls=calls)  # doctest: +SKIP
    >>> len(match_roll_calls(extract, calls, votes))  # doctest: +SKIP
    6
    """
    exact, parts = _symbol_index(calls)
    wanted = {
        row.id: _candidates(row.resolution, exact, parts)
        for row in extract.roll_calls.itertuples(index=False)
    }
    needed = {c for ids in wanted.values() for c in ids}
    if not needed:
        return {}
    known = votes[votes["id"].isin(needed)]
    recorded = {
        call: dict(zip(group["iso3"].astype(str), group["vote"].astype(str), strict=True))
        for call, group in known.groupby(known["id"].astype(str), observed=True)
    }
    dates = calls.set_index("id")["date"]
    mine = {
        call: dict(zip(group["iso3"], group["vote"].astype(str), strict=True))
        for call, group in extract.votes.groupby("id", observed=True)
    }
    found: dict[str, str] = {}
    for row in extract.roll_calls.itertuples(index=False):
        candidates = wanted[row.id]
        if not candidates:
            continue
        same_day = [c for c in candidates if dates[c] == row.date]
        agreeing = [c for c in same_day if recorded.get(c) == mine[row.id]]
        if agreeing:
            found[row.id] = agreeing[0]
            continue
        other = (same_day or candidates)[0]
        if dates[other] != row.date:
            detail = f"dated {row.date:%Y-%m-%d} in the extract, {dates[other]:%Y-%m-%d} there"
        else:
            theirs = recorded.get(other, {})
            code = min(
                c for c in set(theirs) | set(mine[row.id]) if theirs.get(c) != mine[row.id].get(c)
            )
            detail = (
                f"{code} voted {mine[row.id].get(code, 'not listed')} in the extract, "
                f"{theirs.get(code, 'not listed')} there"
            )
        place = extract.origins.get(row.resolution, "")
        raise RecordConflictError(
            f"{place}: {row.resolution}: disagrees with roll call {other} already in the "
            f"record: {detail}; nothing imported"
        )
    return found


def match_resolutions(
    extract: Extract, calls: pd.DataFrame, matched: dict[str, str]
) -> pd.DataFrame:
    """The extract's resolutions with ``roll_call`` pointing at the record's ids.

    A roll call found in the record (``matched``, from :func:`match_roll_calls`)
    takes the record's id; a recorded vote the extract gives without names is
    linked to the record's roll call on the same symbol and date, if any.
    """
    exact, parts = _symbol_index(calls)
    dates = calls.set_index("id")["date"]
    frame = extract.resolutions.copy()
    links = []
    for symbol, date, how, call in zip(
        frame["symbol"], frame["date"], frame["adoption"], frame["roll_call"], strict=True
    ):
        if call:
            links.append(matched.get(call, call))
            continue
        same_day = [c for c in _candidates(symbol, exact, parts) if dates[c] == date]
        links.append(same_day[0] if how == "recorded vote" and same_day else "")
    frame["roll_call"] = links
    return frame


# ----------------------------------------------------------------------------- tables on disk


def write_table(path: Path, frame: pd.DataFrame) -> None:
    """Write a table as gzipped CSV, byte for byte the same for the same rows (imports, build)."""
    text = frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    # mtime=0 and no file name in the header: the same rows give the same bytes.
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def _read_imports(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables of an imports folder (empty tables where nothing was imported)."""
    empty = {
        "roll_calls": pd.DataFrame(columns=list(load.ROLL_CALL_FILE_COLUMNS)),
        "votes": pd.DataFrame(columns=["id", "iso3", "vote"]),
        "resolutions": pd.DataFrame(columns=list(load.RESOLUTION_COLUMNS)),
        "sponsors": pd.DataFrame(columns=list(load.SPONSOR_COLUMNS)),
    }
    tables = {}
    for name, frame in empty.items():
        path = folder / TABLES[name]
        if not path.is_file():
            tables[name] = frame
            continue
        # Sponsors imported before groups were read have no ``group`` column.
        columns = [c for c in frame.columns if (name, c) != ("sponsors", "group")]
        tables[name] = load.read_table(
            path,
            columns,
            dates=["date"] if "date" in frame.columns else [],
            integers=[c for c in ("session", "yes", "no", "abstain") if c in frame.columns],
        ).reindex(columns=list(frame.columns), fill_value="")
    return tables


def _read_manifest(folder: Path) -> list[dict[str, object]]:
    path = folder / MANIFEST
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["imports"]
    except (ValueError, KeyError, TypeError, OSError) as err:
        raise DataFileError(
            f"{path}: not a manifest of imports ({err}); run `forecast data reset`"
        ) from None
    return list(entries)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the two renames of a swap (delivered right after)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _swap(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target`` (which may not exist)."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    with _signals_held():
        if target.exists():
            os.replace(target, old)
        try:
            os.replace(new, target)
        except BaseException:
            if old.exists():
                os.replace(old, target)
            raise
    shutil.rmtree(old, ignore_errors=True)


def _recover(root: Path) -> None:
    """Finish what a killed process left: restore a set-aside imports folder, drop temporaries."""
    target = root / "imports"
    olds = sorted(root.glob(".imports-old-*"))
    if not target.exists() and olds:
        os.replace(olds.pop(), target)
    for leftover in olds:
        shutil.rmtree(leftover, ignore_errors=True)


def _replace_imports(tables: dict[str, pd.DataFrame], manifest: list[dict[str, object]]) -> None:
    root = data_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        _recover(root)
        work = Path(tempfile.mkdtemp(prefix=".imports-new-", dir=root))
    except OSError as err:
        raise DataDirError(
            f"{root}: cannot write the user data folder ({err.strerror}); "
            f"set {DATA_DIR_ENV} to a writable folder"
        ) from None
    try:
        for name, frame in tables.items():
            write_table(work / TABLES[name], frame)
        text = json.dumps({"format": 1, "imports": manifest}, indent=2, ensure_ascii=False)
        (work / MANIFEST).write_text(text + "\n", encoding="utf-8")
        _swap(work, imports_dir())
    except OSError as err:
        raise DataDirError(
            f"{root}: cannot write the imports ({err.strerror}); nothing imported"
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------- public


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_extract(
    *paths: str | os.PathLike[str], progress: Progress | None = None
) -> ImportSummary:
    """Import DGACM extract files (``.json`` / ``.json.gz``) into the user's record.

    The files are read and checked (:func:`unvote.record.extract.read_extracts`),
    compared with the record (shipped, ``$UNVOTE_GA_DATA``, earlier imports),
    and what is new is merged into ``<data dir>/imports/`` in one atomic step.
    Raises :class:`~unvote.errors.ExtractError` for a bad file and
    :class:`~unvote.errors.RecordConflictError` for a roll call that disagrees
    with the record; either way nothing is imported.  ``progress`` receives a
    line at each step.

    >>> import os
    >>> os.environ["UNVOTE_DATA_DIR"] = "/tmp/unvote-doctest"  # doctest: +SKIP
    >>> print(import_extract("../shared/data/dgacm/ES-11.json.gz"))  # doctest: +SKIP
    imported ES-11.json.gz
      added: 0 roll calls (0 member-votes), 0 resolutions, 0 sponsorships
      already in the record (agreeing): 6 roll calls, 6 resolutions
      last vote in the record: 2026-06-04
    """
    say = progress or (lambda _: None)
    files = [Path(p) for p in paths]
    for path in files:
        say(f"reading {path}")
    extract = read_extracts(files)
    say("checking against the record")
    calls = load.load_roll_calls()
    votes = load.load_member_votes(roll_calls=calls)
    known = load.load_resolutions()
    new = new_rows(extract, calls, votes, known)
    new_calls, new_votes = new["roll_calls"], new["votes"]
    new_resolutions, new_sponsors = new["resolutions"], new["sponsors"]

    folder = imports_dir()
    if data_dir().exists():
        _recover(data_dir())
    current = _read_imports(folder)
    manifest = _read_manifest(folder)
    tables = merge_rows(current, new)
    seen = {entry.get("sha256") for entry in manifest}
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for path in files:
        digest = _sha256(path)
        mine = {s for s, place in extract.origins.items() if place.startswith(f"{path}, ")}
        manifest.append(
            {
                "file": str(path.resolve()),
                "sha256": digest,
                "imported": now,
                "repeat": digest in seen,
                "roll_calls_added": int(new_calls["resolution"].isin(mine).sum()),
                "resolutions_added": int(new_resolutions["symbol"].isin(mine).sum()),
            }
        )
        seen.add(digest)
    say(f"writing {len(new_calls):,} new roll calls and {len(new_resolutions):,} resolutions")
    _replace_imports(tables, manifest)
    last = max([calls["date"].max(), *new_calls["date"]], default=None)
    return ImportSummary(
        files=tuple(str(p) for p in files),
        roll_calls=len(new_calls),
        votes=len(new_votes),
        resolutions=len(new_resolutions),
        sponsors=len(new_sponsors),
        in_record=len(new["matched"]),
        known_resolutions=int(new["linked"]["symbol"].isin(known["symbol"]).sum()),
        last_vote=None if pd.isna(last) else pd.Timestamp(last),
        notes=extract.notes,
    )


def _check_known_resolutions(
    extract: Extract, resolutions: pd.DataFrame, known: pd.DataFrame
) -> None:
    """A resolution already known must keep its date and way of adoption."""
    both = resolutions.merge(known, on="symbol", suffixes=("", "_known"))
    for row in both.itertuples(index=False):
        for column in ("date", "adoption"):
            mine, theirs = getattr(row, column), getattr(row, f"{column}_known")
            if (pd.isna(mine) and pd.isna(theirs)) or mine == theirs:
                continue
            shown = [
                f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else repr(v) for v in (mine, theirs)
            ]
            raise RecordConflictError(
                f"{extract.origins.get(row.symbol, '')}: {row.symbol}: {column} {shown[0]} "
                f"in the extract, {shown[1]} in the record; nothing imported"
            )


def new_rows(
    extract: Extract, calls: pd.DataFrame, votes: pd.DataFrame, known: pd.DataFrame
) -> dict[str, Any]:
    """What an extract adds to a record, checked against it: the importer's one rule book.

    ``calls`` and ``votes`` are the record's roll calls and member-votes,
    ``known`` its resolutions.  Returns the new ``roll_calls``, ``votes``,
    ``resolutions`` and ``sponsors`` (rows of the extract the record lacks),
    ``matched`` (extract id -> record id of the roll calls already there) and
    ``linked`` (every resolution of the extract, its ``roll_call`` pointing at
    the record).  Raises :class:`~unvote.errors.RecordConflictError` where the
    extract and the record disagree.  Used by :func:`import_extract` and by
    the script that builds the shipped record, so both apply the same checks.
    """
    matched = match_roll_calls(extract, calls, votes)
    linked = match_resolutions(extract, calls, matched)
    _check_known_resolutions(extract, linked, known)
    new_calls = extract.roll_calls[~extract.roll_calls["id"].isin(matched)]
    new_resolutions = linked[~linked["symbol"].isin(known["symbol"])]
    return {
        "roll_calls": new_calls,
        "votes": extract.votes[extract.votes["id"].isin(new_calls["id"])],
        "resolutions": new_resolutions,
        "sponsors": extract.sponsors[extract.sponsors["symbol"].isin(new_resolutions["symbol"])],
        "matched": matched,
        "linked": linked,
    }


def merge_rows(
    current: dict[str, pd.DataFrame], new: dict[str, Any], *, source: str = IMPORT_SOURCE
) -> dict[str, pd.DataFrame]:
    """``current`` tables plus the rows of :func:`new_rows`, in a fixed order.

    New roll calls are marked with ``source`` (``import`` for a user's
    import; the shipped record marks the UN's extracts ``dgacm``).
    """
    calls, votes = new["roll_calls"], new["votes"]
    resolutions, sponsors = new["resolutions"], new["sponsors"]
    calls = calls.assign(
        member_diff="", issue="", source=source, undl_record="", voeten_rcid=""
    ).assign(date_source="dgacm")
    all_calls = pd.concat(
        [current["roll_calls"], calls[list(load.ROLL_CALL_FILE_COLUMNS)]], ignore_index=True
    )
    all_calls = all_calls.sort_values(["date", "id"], kind="stable", ignore_index=True)
    order = pd.Index(all_calls["id"])
    all_votes = pd.concat(
        [current["votes"], votes.astype({"vote": str})], ignore_index=True
    ).astype(str)
    all_votes = (
        all_votes.assign(_at=order.get_indexer(all_votes["id"]))
        .sort_values(["_at", "iso3"], kind="stable")
        .drop(columns="_at")
        .reset_index(drop=True)
    )
    all_resolutions = pd.concat(
        [current["resolutions"], resolutions[list(load.RESOLUTION_COLUMNS)]], ignore_index=True
    )
    all_resolutions = all_resolutions.sort_values(
        ["date", "symbol"], kind="stable", na_position="last", ignore_index=True
    )
    place = pd.Index(all_resolutions["symbol"])
    all_sponsors = pd.concat([current["sponsors"], sponsors], ignore_index=True)
    all_sponsors = (
        all_sponsors.assign(_at=place.get_indexer(all_sponsors["symbol"]))
        .sort_values("_at", kind="stable")
        .drop(columns="_at")
        .reset_index(drop=True)
    )
    return {
        "roll_calls": all_calls,
        "votes": all_votes,
        "resolutions": all_resolutions,
        "sponsors": all_sponsors,
    }


def data_status() -> pd.DataFrame:
    """What the record holds: shipped, from ``$UNVOTE_GA_DATA`` (if set), imported, in all.

    One row each (index ``shipped``, ``UNVOTE_GA_DATA``, ``imported``, ``all``);
    columns ``roll_calls``, ``resolutions``, ``files`` (imported files),
    ``last_vote`` (the date of the last roll call) and ``location``.

    >>> shipped = data_status().loc["shipped"]
    >>> int(shipped["roll_calls"]), f"{shipped['last_vote']:%Y-%m-%d}"
    (6986, '2026-06-04')
    """
    rows = {}

    def base(folder: Path) -> tuple[int, pd.Timestamp]:
        frame = load.read_table(folder / load.RECORD_FILES[0], ["id", "date"], dates=["date"])
        return len(frame), frame["date"].max()

    shipped = load.data_path("ga")
    count, last = base(shipped)
    shipped_resolutions = load.read_table(shipped / TABLES["resolutions"], ["symbol"])
    rows["shipped"] = (count, len(shipped_resolutions), 0, last, str(shipped))
    if os.environ.get(load.GA_DATA_ENV):
        folder = load.record_dir()
        count, last = base(folder)
        rows[load.GA_DATA_ENV] = (count, pd.NA, 0, last, str(folder))
    folder = imports_dir()
    if data_dir().exists():
        _recover(data_dir())
    imported = _read_imports(folder)
    files = {entry.get("sha256") for entry in _read_manifest(folder)}
    rows["imported"] = (
        len(imported["roll_calls"]),
        len(imported["resolutions"]),
        len(files),
        imported["roll_calls"]["date"].max() if len(imported["roll_calls"]) else pd.NaT,
        str(folder),
    )
    calls = load.load_roll_calls()
    rows["all"] = (len(calls), len(load.load_resolutions()), len(files), calls["date"].max(), "")
    frame = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=["roll_calls", "resolutions", "files", "last_vote", "location"],
    )
    frame["last_vote"] = pd.to_datetime(frame["last_vote"])
    return frame.astype({"roll_calls": "Int64", "resolutions": "Int64", "files": "int64"})


def reset_imports() -> int:
    """Remove every import: the record is the shipped one (or ``$UNVOTE_GA_DATA``) again.

    Returns the number of files that had been imported.  Atomic as an import is.

    >>> reset_imports()  # doctest: +SKIP
    8
    """
    root = data_dir()
    folder = imports_dir()
    if not root.exists():
        return 0
    _recover(root)
    if not folder.exists():
        return 0
    count = len({entry.get("sha256") for entry in _read_manifest(folder)})
    gone = root / f".imports-old-{os.getpid()}"
    with _signals_held():
        os.replace(folder, gone)
    shutil.rmtree(gone, ignore_errors=True)
    return count
