"""The ``forecast`` command: output, determinism, and one-line errors for every bad input.

The bad-input battery (``CASES``) is also the source of ``tests/BAD_INPUTS.md``;
a test checks that file against the messages observed, and running this module
as a script regenerates it::

    python tests/test_cli.py
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import pty
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import unvote
import unvote.record.loaders
from unvote.cli.main import main
from unvote.errors import DataFileError, RecordNotFoundError

HERE = Path(__file__).resolve().parent
BAD_INPUTS = HERE / "BAD_INPUTS.md"
README = HERE.parent / "docs" / "troubleshooting.md"  # its table of bad inputs
README_START, README_END = "<!-- bad-inputs:start -->", "<!-- bad-inputs:end -->"
BUILTIN = ["baseline", "cable", "ukraine-argument", "allies", "strong"]
"""The built-in scenarios of the 2025 vote and earlier (the five-episode generation)."""
NEWEST = ["baseline", "cable", "strong"]
"""The built-in scenarios of votes after 2025-10-29."""
OUTCOMES = ["yes", "abstain", "no", "absent"]
TIMEOUT = 300

HEAD = 'name = "mine"\ndescription = "a scenario file of the user"\n'
CHANNEL = """
[[channel]]
name = "allies"
talking_point = "vote no"
kind = "vote"
select = { us_treaty_ally = true }
strength = { central = 1.0, range = [0.5, 2.0] }
"""
PRIOR = "{ central = 1.0, range = [0.5, 2.0] }"
DEEP = 5_000
"""Levels of nesting in the hostile TOML files: far beyond Python's recursion limit."""


def _with(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


SCENARIO_FILES = {
    "empty.toml": "",
    "broken.toml": 'name = "mine\n',
    "unknown-key.toml": HEAD + 'colour = "red"\n' + CHANNEL,
    "wrong-type.toml": 'name = 3\ndescription = "d"\n' + CHANNEL,
    "too-strong.toml": HEAD + _with(CHANNEL, PRIOR, "51"),
    "nan.toml": HEAD + _with(CHANNEL, "central = 1.0", "central = nan"),
    "country.toml": HEAD + _with(CHANNEL, "us_treaty_ally = true", 'iso3 = "POL"'),
    "nobody.toml": HEAD + _with(CHANNEL, "us_treaty_ally = true", "ukraine_support = { min = 2 }"),
    "huge.toml": HEAD + _with(CHANNEL, "2.0]", "9" * 400 + "]"),
    # hostile or mistaken files
    "nested-arrays.toml": HEAD + "sources = " + "[" * DEEP + "]" * DEEP + "\n",
    "nested-tables.toml": HEAD + "x = " + "{ a = " * DEEP + "1" + " }" * DEEP + "\n",
    "infinite.toml": HEAD
    + _with(CHANNEL, PRIOR, "{ central = 1e308, range = [0, 1e308] }")
    + _with(_with(CHANNEL, '"allies"', '"others"'), PRIOR, "1e308"),
    "escape-name.toml": _with(HEAD, '"mine"', '"x/../../escape"') + CHANNEL,
    "newline-name.toml": _with(HEAD, '"mine"', '"two\\nlines"') + CHANNEL,
    "escape-code.toml": HEAD + _with(CHANNEL, 'name = "allies"', 'name = "\\u001b[31mred"'),
    "same-name.toml": HEAD + CHANNEL,
    "same-name-too.toml": HEAD + _with(CHANNEL, "us_treaty_ally", "nato"),
    "misspelt-key.toml": HEAD + _with(CHANNEL, "talking_point", "talking_pont"),
    "misspelt-feature.toml": HEAD + _with(CHANNEL, "us_treaty_ally", "natto"),
    "out-of-range.toml": HEAD
    + _with(CHANNEL, "us_treaty_ally = true", "us_agreement = { min = 50 }"),
    # the format of unvote 0.1, and the keys of this one
    "old-format.toml": HEAD
    + _with(_with(CHANNEL, 'kind = "vote"\n', ""), "strength", "vote_shift"),
    "kind.toml": HEAD + _with(CHANNEL, 'kind = "vote"', 'kind = "abstention"'),
    "reversed.toml": HEAD + _with(CHANNEL, "[0.5, 2.0]", "[2.0, 0.5]"),
    "level-fixed.toml": HEAD + _with(CHANNEL, PRIOR, "1.5") + 'level = "high"\n',
    "level-unknown.toml": HEAD + CHANNEL + 'level = "highest"\n',
    "response.toml": HEAD + CHANNEL + 'response = { feature = "us_agrement", slope = 1 }\n',
    "slope.toml": HEAD + CHANNEL + 'response = { feature = "us_agreement", slope = 1e9 }\n',
    "campaigner.toml": HEAD + 'campaigner = "United States"\n' + CHANNEL,
    "campaigner-nowhere.toml": HEAD + 'campaigner = "XYZ"\n' + CHANNEL,
    "no-strength.toml": HEAD + _with(CHANNEL, f"strength = {PRIOR}\n", ""),
}
LONG = "x" * 300

_CALLS_HEAD = "id,date,title\n"
ROLL_CALL_FILES: dict[str, bytes] = {
    "coming.csv": (
        b"id,date,title,sponsors\n"
        b"unrwa,2025-12-05,Assistance to Palestine refugees,Egypt; Jordan\n"
        b'moon,2025-12-06,"Cooperation between the United Nations and the Moon Treaty '
        b'Organisation",\n'
    ),
    "calls-early.csv": (_CALLS_HEAD + "x1,2026-05-01,Assistance to Palestine refugees\n").encode(),
    "calls-june.csv": (_CALLS_HEAD + "x1,2025-06-01,Assistance to Palestine refugees\n").encode(),
    "calls-twice.csv": (_CALLS_HEAD + "x1,2025-12-01,A text\nx1,2025-12-02,Another\n").encode(),
    "calls-columns.csv": b"id,when,title\nx1,2025-12-01,A text\n",
    "calls-binary.csv": b"\x00\x01\xff\xfe\x89PNG binary",
    "calls-quote.csv": (_CALLS_HEAD + 'x1,2025-12-01,"an unclosed quote\n').encode(),
    "calls-empty.csv": b"",
    "calls-header.csv": _CALLS_HEAD.encode(),
    "calls-date.csv": (_CALLS_HEAD + "x1,soon,A text\n").encode(),
    "calls-no-id.csv": (_CALLS_HEAD + " ,2025-12-01,A text\n").encode(),
    "calls-sponsor.csv": (
        b"id,date,title,sponsors\n"
        b'x1,2026-12-01,A text,"Iraq (on behalf of the States Members of the United Nations that '
        b'are members of the Group of 77 and China), Kyrgyzstan and Uzbekistan"\n'
        b"x2,2026-12-01,Another text,Cuba; Atlantis\n"
    ),
}
"""Files of coming roll calls for ``--roll-calls`` (``coming.csv`` is a good one)."""
ONE_VOTE_ITEM = "participation-by-state-of-palestine-during-session"
"""A text the record holds one vote on (2025-09-19): nothing to backtest it from."""


def dgacm_row(**changes: object) -> dict:
    """A small recorded vote as the UN's DGACM extract writes it; ``changes`` override fields."""
    row = {
        "symbol": "A/RES/ES-11/1",
        "title": "Aggression against Ukraine",
        "adoption_date": "2 March 2022",
        "adoption_type": "By a recorded vote",
        "MS_in_favour": ["UKRAINE", "POLAND"],
        "MS_in_favour_count": "2",
        "MS_against": ["BELARUS"],
        "MS_against_count": "1",
        "MS_abstaining": [],
        "MS_abstaining_count": "0",
        "sponsors": ["UKRAINE"],
    }
    return {**row, **changes}


def _lines(*rows: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


_GOOD = _lines(dgacm_row())
EXTRACT_FILES: dict[str, bytes] = {
    "truncated.json": _GOOD + _lines(dgacm_row(symbol="A/RES/ES-11/2"))[:60],
    "invalid.json": _GOOD + b"{'symbol': 'A/RES/ES-11/2'}\n",
    "count.json": _lines(dgacm_row(MS_in_favour_count="3")),
    "unknown-name.json": _lines(dgacm_row(MS_in_favour=["UKRAINE", "ATLANTIS"])),
    "votes-twice.json": _lines(dgacm_row(MS_in_favour=["UKRAINE", "BELARUS"])),
    "before-admission.json": _lines(
        dgacm_row(symbol="A/RES/64/300", adoption_date="1 July 2010", MS_against=["SOUTH SUDAN"])
    ),
    "repeated.json": _GOOD + _lines(dgacm_row(title="Another title")),
    "no-date-field.json": _lines({k: v for k, v in dgacm_row().items() if k != "adoption_date"}),
    "bad-date.json": _lines(dgacm_row(adoption_date="31 Febuary 2022")),
    "adoption-disagrees.json": _lines(dgacm_row(voting_type="adoptedWithoutVote")),
    "empty.json": b"",
    "cut.json.gz": gzip.compress(_GOOD * 40)[:200],
    "not-gzip.json.gz": _GOOD,
    "conflict.json": _GOOD,
}
"""Bad DGACM extracts for ``forecast data import`` (``conflict.json`` is well formed but
disagrees with the record's roll call of ES-11/1)."""


def make_workdir(folder: Path) -> None:
    """The files the cases name, relative to the working directory."""
    for name, text in SCENARIO_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, data in {**EXTRACT_FILES, **ROLL_CALL_FILES}.items():
        (folder / name).write_bytes(data)
    (folder / "folder.toml").mkdir()
    (folder / "somedir").mkdir()
    (folder / "file").write_text("a regular file\n", encoding="utf-8")
    # targets that cannot be written
    (folder / "read-only.csv.gz").write_bytes(b"")
    (folder / "read-only.csv.gz").chmod(0o444)
    (folder / "dangling.csv.gz").symlink_to(Path("nowhere") / "draws.csv.gz")
    for name in ("ro-charts", "dir-charts", "link-charts"):
        (folder / name).mkdir()
    (folder / "ro-charts" / "history-2025.png").write_bytes(b"")
    (folder / "ro-charts" / "history-2025.png").chmod(0o444)
    (folder / "dir-charts" / "movers-cable-2025.svg").mkdir()
    (folder / "link-charts" / "scenarios-2025.png").symlink_to(Path("nowhere") / "x.png")


# case: (arguments, pass --plot out as well, a fragment the message must contain[,
#        the command as the table shows it])
CASES: dict[str, tuple] = {
    "year not a number": (["abc"], True, "year must be a whole number, not 'abc'"),
    "year before the text was first voted": (
        ["1991"],
        True,
        "so the years 1992-2026 can be forecast",
    ),
    "year after the next vote": (["2027"], True, "year 2027 cannot be forecast"),
    "year without a vote": (["2020"], True, "no vote on ending the US embargo against Cuba"),
    "--through equal to the year": (
        ["2025", "--through", "2025"],
        True,
        "through must be before the vote forecast (2025-10-29), not 2025-12-31",
    ),
    "--through after the year": (["2025", "--through", "2030"], True, "not 2030-12-31"),
    "--through before the record": (
        ["2025", "--through", "1945"],
        True,
        "no roll call in the record on or before 1945-12-31",
    ),
    "--through not a number": (["2025", "--through", "x"], True, "--through must be a date"),
    "unknown scenario name": (["2025", "--scenario", "cabel"], True, "did you mean 'cable'"),
    "scenario file missing": (["2025", "--scenario", "missing.toml"], True, "missing.toml"),
    "scenario file is a directory": (["2025", "--scenario", "folder.toml"], True, "folder.toml"),
    "scenario file empty": (["2025", "--scenario", "empty.toml"], True, "empty.toml"),
    "scenario file not TOML": (["2025", "--scenario", "broken.toml"], True, "broken.toml"),
    "scenario unknown key": (["2025", "--scenario", "unknown-key.toml"], True, "colour"),
    "scenario wrong type": (["2025", "--scenario", "wrong-type.toml"], True, "name"),
    "scenario strength out of range": (
        ["2025", "--scenario", "too-strong.toml"],
        True,
        "strength must lie from 0 to 50",
    ),
    "scenario NaN strength": (
        ["2025", "--scenario", "nan.toml"],
        True,
        "strength: central and the two ends of range must be finite numbers",
    ),
    "selector on a country code": (["2025", "--scenario", "country.toml"], True, "iso3"),
    "selector matching no member": (
        ["2025", "--scenario", "nobody.toml"],
        True,
        "ukraine_support runs from 0 to 1",
    ),
    "--draws-out without draws": (
        ["2025", "--draws", "0", "--draws-out", "draws.csv"],
        True,
        "--draws-out",
    ),
    "--draws negative": (["2025", "--draws", "-5"], True, "--draws"),
    "--draws too many": (["2025", "--draws", "10000000000"], True, "--draws"),
    "--draws not a number": (["2025", "--draws", "many"], True, "--draws"),
    "--draws-out a directory": (
        ["2025", "--draws", "5", "--draws-out", "somedir"],
        True,
        "'somedir' is a folder",
    ),
    "--seed negative": (["2025", "--seed", "-1"], True, "--seed"),
    "--top negative": (["2025", "--top", "-1"], True, "--top"),
    "--plot under a regular file": (["2025", "--plot", "file/sub"], False, "'file' is not"),
    "--bloc not a group": (
        ["2025", "--bloc", "notagroup", "--bloc-sd", "1", "--draws", "10"],
        True,
        "notagroup",
    ),
    "--bloc-sd negative": (["2025", "--bloc-sd", "-1", "--draws", "10"], True, "--bloc-sd"),
    "--bloc-sd not finite": (["2025", "--bloc-sd", "nan", "--draws", "10"], True, "--bloc-sd"),
    "backtest outside the record": (["backtest", "1990-2000"], False, "within 1993-2025"),
    "backtest not a range": (["backtest", "abc"], False, "FIRST-LAST must be two whole numbers"),
    "no year": ([], True, "give the YEAR to forecast"),
    "unknown option": (["2025", "--colour", "red"], True, "--colour"),
    "--bloc-sd without --bloc": (["2025", "--draws", "10", "--bloc-sd", "1"], True, "--bloc"),
    "scenario integer too large": (["2025", "--scenario", "huge.toml"], True, "huge.toml"),
    "backtest years reversed": (["backtest", "2000-1995"], False, "FIRST <= LAST"),
    "scenario name empty": (["2025", "--scenario", ""], True, "named"),
    "unknown country": (["2025", "--country", "Atlantis"], True, "Atlantis"),
    "--below not a number": (["2025", "--below", "many"], True, "--below"),
    "ambiguous country": (["2025", "--country", "Korea"], True, "ambiguous"),
    "country not a member that year": (["2025", "--country", "Yugoslavia"], True, "YUG"),
    # forecast data import: a bad extract imports nothing (the data folder stays empty)
    "extract: truncated line": (["data", "import", "truncated.json"], False, "line 2"),
    "extract: invalid JSON": (["data", "import", "invalid.json"], False, "not valid JSON"),
    "extract: count and list differ": (["data", "import", "count.json"], False, "count is 3"),
    "extract: unknown member name": (["data", "import", "unknown-name.json"], False, "ATLANTIS"),
    "extract: a member voting twice": (["data", "import", "votes-twice.json"], False, "twice"),
    "extract: vote before admission": (
        ["data", "import", "before-admission.json"],
        False,
        "admitted 2011-07-14",
    ),
    "extract: symbol repeated, other content": (
        ["data", "import", "repeated.json"],
        False,
        "different title",
    ),
    "extract: required field missing": (
        ["data", "import", "no-date-field.json"],
        False,
        "'adoption_date' is missing",
    ),
    "extract: bad date": (["data", "import", "bad-date.json"], False, "not a date"),
    "extract: adoption fields disagree": (
        ["data", "import", "adoption-disagrees.json"],
        False,
        "disagree",
    ),
    "extract: empty file": (["data", "import", "empty.json"], False, "is empty"),
    "extract: a directory": (["data", "import", "somedir"], False, "is a folder"),
    "extract: damaged gzip": (["data", "import", "cut.json.gz"], False, "damaged gzip"),
    "extract: named .gz, not gzip": (["data", "import", "not-gzip.json.gz"], False, "not a gzip"),
    "extract: file missing": (["data", "import", "missing.json"], False, "not found"),
    "extract: disagrees with the record": (
        ["data", "import", "conflict.json"],
        False,
        "disagrees with roll call dgacm:A/RES/ES-11/1",
    ),
    "extract: no file given": (["data", "import"], False, "FILE"),
    "data: unknown command": (["data", "export"], False, "export"),
    # -- writing files: every target checked before any work
    "--draws-out an existing read-only file": (
        ["2025", "--draws", "5", "--draws-out", "read-only.csv.gz"],
        True,
        "read-only",
    ),
    "--report a folder": (["2025", "--report", "somedir"], True, "'somedir' is a folder"),
    "--report an existing read-only file": (
        ["2025", "--report", "read-only.csv.gz"],
        True,
        "read-only",
    ),
    "roll-calls --report a folder": (
        ["roll-calls", "coming.csv", "--report", "somedir"],
        False,
        "'somedir' is a folder",
    ),
    "--draws-out a dangling symbolic link": (
        ["2025", "--draws", "5", "--draws-out", "dangling.csv.gz"],
        True,
        "does not exist",
    ),
    "--draws-out a device (a full disk)": (
        ["2025", "--draws", "5", "--draws-out", "/dev/full"],
        True,
        "not a regular file",
    ),
    "--draws-out a name too long": (
        ["2025", "--draws", "5", "--draws-out", LONG + ".csv.gz"],
        True,
        "307 bytes",
        "forecast 2025 --draws 5 --draws-out xxx...(300 x).csv.gz --plot out",
    ),
    "--scenario a file name too long": (
        ["2025", "--scenario", LONG + ".toml"],
        True,
        "cannot be read (File name too long)",
        "forecast 2025 --scenario xxx...(300 x).toml --plot out",
    ),
    "--draws-out a folder name": (
        ["2025", "--draws", "5", "--draws-out", "new/"],
        True,
        "names a folder",
    ),
    "--draws-out empty": (["2025", "--draws", "5", "--draws-out", ""], True, "--draws-out"),
    "--plot empty": (["2025", "--plot", ""], False, "--plot"),
    "--plot where a chart is read-only": (
        ["2025", "--plot", "ro-charts"],
        False,
        "history-2025.png' exists and is read-only",
    ),
    "--plot where a chart is a folder": (
        ["2025", "--plot", "dir-charts"],
        False,
        "movers-cable-2025.svg' is a folder",
    ),
    "--plot where a chart is a dangling link": (
        ["2025", "--plot", "link-charts"],
        False,
        "scenarios-2025.png' is a symbolic link",
    ),
    "--plot a name too long": (
        ["2025", "--plot", LONG],
        False,
        "300 bytes",
        "forecast 2025 --plot xxx...(300 x)",
    ),
    "--plot in a folder that cannot be written": (
        ["2025", "--plot", "/proc/unvote-charts"],
        False,
        "cannot be written",
    ),
    "--plot with the backtest, in a read-only place": (
        ["backtest", "2018-2019", "--plot", "/proc/unvote-charts"],
        False,
        "cannot be written",
    ),
    # -- input that crashed or passed silently
    "scenario nested thousands deep (arrays)": (
        ["2025", "--scenario", "nested-arrays.toml"],
        True,
        "nested too deeply",
    ),
    "scenario nested thousands deep (tables)": (
        ["2025", "--scenario", "nested-tables.toml"],
        True,
        "nested too deeply",
    ),
    "scenario strengths that would add up to infinity": (
        ["2025", "--scenario", "infinite.toml"],
        True,
        "strength must lie from 0 to 50",
    ),
    "--bloc-sd too large": (
        ["2025", "--draws", "5", "--bloc", "eu", "--bloc-sd", "1e308"],
        True,
        "from 0 to 10",
    ),
    "two scenario files with one name": (
        ["2025", "--scenario", "same-name.toml", "--scenario", "same-name-too.toml"],
        True,
        "two scenarios are named 'mine'",
    ),
    "one scenario given twice": (
        ["2025", "--scenario", "cable", "--scenario", "cable"],
        True,
        "given twice",
    ),
    "scenario name that leaves the folder": (
        ["2025", "--scenario", "escape-name.toml"],
        True,
        "short slug",
    ),
    "scenario name with a newline": (
        ["2025", "--scenario", "newline-name.toml"],
        True,
        "'two\\nlines'",
    ),
    "channel name with a terminal escape code": (
        ["2025", "--scenario", "escape-code.toml"],
        True,
        "\\x1b[31mred",
    ),
    "scenario file name with a newline": (
        ["2025", "--scenario", "new\nline.toml"],
        True,
        "new\\nline.toml",
        "forecast 2025 --scenario $'new\\nline.toml' --plot out",
    ),
    "scenario key misspelt": (
        ["2025", "--scenario", "misspelt-key.toml"],
        True,
        "did you mean 'talking_point'",
    ),
    "selector feature misspelt": (
        ["2025", "--scenario", "misspelt-feature.toml"],
        True,
        "did you mean 'nato'",
    ),
    "selector outside the feature's range": (
        ["2025", "--scenario", "out-of-range.toml"],
        True,
        "us_agreement runs from",
    ),
    "the --backtest flag of unvote 0.1": (
        ["2025", "--backtest", "1995-2000"],
        True,
        "--backtest is now a subcommand: forecast backtest 1995-2024",
    ),
    "backtest with a forecast option": (
        ["backtest", "1995-2000", "--scenario", "cable"],
        False,
        "unrecognized arguments: --scenario cable",
    ),
    "backtest of the first vote": (["backtest", "1992-1992"], False, "within 1993-2025"),
    "backtest of a year without a vote": (
        ["backtest", "2020-2020"],
        False,
        "was held in 2020-2020",
    ),
    "the --list-scenarios flag of unvote 0.1": (
        ["--list-scenarios", "--top", "-1"],
        False,
        "--list-scenarios is now a subcommand: forecast scenarios",
    ),
    "scenarios with an option of the forecast": (
        ["scenarios", "--country", "Cuba"],
        False,
        "unrecognized arguments: --country Cuba",
    ),
    "--seed without draws": (["2025", "--seed", "3"], True, "--seed"),
    "--bloc without --bloc-sd": (["2025", "--draws", "5", "--bloc", "eu"], True, "--bloc-sd"),
    "--top beyond the members": (["2025", "--top", "500"], True, "at most 200"),
    "year not a whole number": (["2025.5"], True, "'2025.5'"),
    "Holy See, an observer": (["2025", "--country", "Holy See"], True, "does not vote"),
    "State of Palestine, an observer": (
        ["2025", "--country", "State of Palestine"],
        True,
        "does not vote",
    ),
    # -- the texts, the cut-off, coming roll calls, the evaluations
    "--item unknown": (["2025", "--item", "atlantis-embargo"], True, "unknown item"),
    "--item ambiguous": (["2025", "--item", "human rights"], True, "none clearly best"),
    "--item empty": (["2025", "--item", " "], True, "--item needs a text's name"),
    "--item of a year it cannot be forecast": (
        ["1980", "--item", ONE_VOTE_ITEM],
        True,
        "so the years 2025-2026 can be forecast",
    ),
    "--through not a date": (
        ["2025", "--through", "2025-02-30"],
        True,
        "--through must be a date (YYYY-MM-DD) or a year, not '2025-02-30'",
    ),
    "--through after the vote": (
        ["2025", "--through", "2025-11-03"],
        True,
        "through must be before the vote forecast (2025-10-29), not 2025-11-03",
    ),
    "--through after a past vote": (
        ["2019", "--through", "2019-11-07"],
        True,
        "through must be before the vote forecast (2019-11-07), not 2019-11-07",
    ),
    "roll-calls file missing": (
        ["roll-calls", "missing.csv"],
        False,
        "roll-calls: 'missing.csv' not found",
    ),
    "roll-calls a folder": (["roll-calls", "somedir"], False, "'somedir' is not a file"),
    "roll-calls empty name": (["roll-calls", ""], False, "FILE needs a file name"),
    "roll-calls not CSV": (
        ["roll-calls", "calls-binary.csv"],
        False,
        "cannot be read as CSV",
    ),
    "roll-calls a quote never closed": (
        ["roll-calls", "calls-quote.csv"],
        False,
        "cannot be read as CSV",
    ),
    "roll-calls empty file": (["roll-calls", "calls-empty.csv"], False, "No columns"),
    "roll-calls without a row": (["roll-calls", "calls-header.csv"], False, "table is empty"),
    "roll-calls without a column": (
        ["roll-calls", "calls-columns.csv"],
        False,
        "lack column(s) date; needed: id, date, title",
    ),
    "roll-calls a date that is not one": (
        ["roll-calls", "calls-date.csv"],
        False,
        "date 'soon' is not a date (YYYY-MM-DD)",
    ),
    "roll-calls a call without an id": (["roll-calls", "calls-no-id.csv"], False, "no id"),
    "roll-calls a call dated before the cut-off": (
        ["roll-calls", "calls-early.csv"],
        False,
        "dated 2026-05-01, on or before the cut-off 2026-06-04",
    ),
    "roll-calls a call dated before --through": (
        ["roll-calls", "calls-june.csv", "--through", "2025-06-30"],
        False,
        "on or before the cut-off 2025-06-30",
    ),
    "roll-calls an id twice": (["roll-calls", "calls-twice.csv"], False, "appears twice"),
    "roll-calls an unknown sponsor": (
        ["roll-calls", "calls-sponsor.csv"],
        False,
        "roll call 'x2': unknown sponsor 'Atlantis': not a UN member, observer State or group",
    ),
    "the --roll-calls flag of unvote 0.1": (
        ["2025", "--roll-calls", "coming.csv"],
        False,
        "--roll-calls is now a subcommand: forecast roll-calls FILE",
    ),
    "roll-calls with a scenario": (
        ["roll-calls", "coming.csv", "--scenario", "cable"],
        False,
        "unrecognized arguments: --scenario cable",
    ),
    "forward-test not a range": (["forward-test", "60"], False, "e.g. 60-79, not '60'"),
    "forward-test sessions reversed": (["forward-test", "70-60"], False, "FIRST <= LAST"),
    "forward-test before the model can learn": (
        ["forward-test", "10-20"],
        False,
        "sessions must lie within 16-80",
    ),
    "forward-test beyond the record": (["forward-test", "79-85"], False, "not 79-85"),
    "forward-test with another option": (
        ["forward-test", "79-79", "--item", "cuba embargo"],
        False,
        "unrecognized arguments: --item cuba embargo",
    ),
    "the --forward-test flag of unvote 0.1": (
        ["--forward-test", "60-79"],
        False,
        "--forward-test is now a subcommand: forecast forward-test 60-79",
    ),
    "help of a command that does not exist": (["help", "backtset"], False, "no command 'backtset'"),
    "a command's option before its name": (["--json", "scenarios"], False, "'scenarios'"),
    "backtest of a text voted once": (
        ["backtest", "2025-2025", "--item", ONE_VOTE_ITEM],
        False,
        "was voted in one year only (2025)",
    ),
    "backtest of an unknown text": (
        ["backtest", "2018-2019", "--item", "atlantis"],
        False,
        "unknown item 'atlantis'",
    ),
    "scenario in the format of unvote 0.1": (
        ["2025", "--scenario", "old-format.toml"],
        True,
        "vote_shift is the format of unvote 0.1",
    ),
    "scenario kind unknown": (["2025", "--scenario", "kind.toml"], True, "kind must be one of"),
    "scenario range reversed": (
        ["2025", "--scenario", "reversed.toml"],
        True,
        "0 <= low <= central <= high",
    ),
    "scenario level of a fixed strength": (
        ["2025", "--scenario", "level-fixed.toml"],
        True,
        "level picks a point of the strength's range",
    ),
    "scenario level unknown": (
        ["2025", "--scenario", "level-unknown.toml"],
        True,
        "level must be low, central or high",
    ),
    "scenario response feature misspelt": (
        ["2025", "--scenario", "response.toml"],
        True,
        "did you mean 'us_agreement'",
    ),
    "scenario response too steep": (
        ["2025", "--scenario", "slope.toml"],
        True,
        "response.slope must be a number from -20 to 20",
    ),
    "scenario campaigner not an ISO3 code": (
        ["2025", "--scenario", "campaigner.toml"],
        True,
        "campaigner must be an ISO3 code",
    ),
    "scenario campaigner not a member": (
        ["2025", "--scenario", "campaigner-nowhere.toml"],
        True,
        "'XYZ' is not a member",
    ),
    "scenario channel without a strength": (
        ["2025", "--scenario", "no-strength.toml"],
        True,
        "needs a strength",
    ),
}
NEW_CASES_FROM = "--draws-out an existing read-only file"
"""The first case of the battery's second half (the cases of the first release come before)."""


def command(args: list[str], plot: bool, shown: str | None = None) -> str:
    if shown is not None:
        return shown
    return shlex.join(["forecast", *args, *(["--plot", "out"] if plot else [])])


def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def run_case(args: list[str], plot: bool) -> tuple[int, str, str]:
    return run([*args, *(["--plot", "out"] if plot else [])])


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` (links not followed): size and modification time."""
    found = {}
    for root, dirs, names in os.walk(folder):
        for name in [*dirs, *names]:
            path = Path(root) / name
            info = path.lstat()
            # A folder's own time changes when a probe file comes and goes: not a write.
            kept = (0, 0) if path.is_dir() and not path.is_symlink() else None
            found[str(path.relative_to(folder))] = kept or (info.st_size, info.st_mtime_ns)
    return found


def recorded_messages() -> dict[str, str]:
    """Case -> message, from the table in BAD_INPUTS.md."""
    table = {}
    for line in BAD_INPUTS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[2].startswith("`forecast: error:"):
            table[cells[0]] = cells[2].strip("`").replace("\\|", "|")
    return table


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder with the cases' files, as the working directory.

    The user data folder stays the run's own (so the fits of its record are shared by
    the cases); the cases must leave it as it was: a bad extract imports nothing.
    """
    make_workdir(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UNVOTE_GA_DATA", raising=False)
    return tmp_path


def user_data() -> Path:
    return Path(os.environ["UNVOTE_DATA_DIR"])


def _check_one_line_error(status: object, out: str, err: str) -> str:
    assert status == 2, (status, err)
    assert "Traceback" not in err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("forecast: error: ")
    assert err.endswith("\n")
    return lines[0]


@pytest.mark.parametrize(
    ("case", "args", "plot", "fragment"),
    [pytest.param(case, *spec[:3], id=case) for case, spec in CASES.items()],
)
def test_bad_input_is_one_line_and_exit_2(workdir, case, args, plot, fragment) -> None:
    before, data_before = snapshot(workdir), snapshot(user_data())
    status, out, err = run_case(args, plot)
    line = _check_one_line_error(status, out, err)
    assert fragment in line
    assert line.isprintable(), "control characters reach the terminal"
    assert snapshot(workdir) == before, "a file was written, changed or left behind"
    assert snapshot(user_data()) == data_before, "something was imported"
    assert not Path("/proc/unvote-charts").exists()
    recorded = recorded_messages()
    assert recorded.get(case) == line, f"BAD_INPUTS.md is stale: run python {__file__}"


def test_bad_inputs_md_lists_every_case() -> None:
    assert list(recorded_messages()) == list(CASES)
    # The cases of the first release and of `forecast data` come first; then the second half.
    assert len(CASES) - list(CASES).index(NEW_CASES_FROM) >= 30


def test_readme_troubleshooting_table_is_the_generated_one() -> None:
    first_table = BAD_INPUTS.read_text(encoding="utf-8").split("\n## ")[0]
    rows = [line for line in first_table.splitlines() if line[:2] == "| "]
    section = README.read_text(encoding="utf-8").split(README_START)[1].split(README_END)[0]
    expected = [*rows[:1], "|---|---|---|", *rows[1:]]
    assert section.strip().splitlines()[: len(expected)] == expected, (
        f"the troubleshooting table of docs/troubleshooting.md is stale: run python {__file__}"
    )
    assert section.rstrip().endswith(process_rows()[-1])


# ----------------------------------------------------------------------------- data files


def test_corrupted_record_file_is_one_line(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "ga"
    shutil.copytree(unvote.record.loaders.data_path("ga"), copy)
    votes = copy / "votes.csv.gz"
    with gzip.open(votes, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    lines[4] = lines[4].rsplit(",", 1)[0] + ",maybe\n"  # line 5 of the file
    with gzip.open(votes, "wt", encoding="utf-8", compresslevel=1) as handle:
        handle.write("".join(lines))
    monkeypatch.setenv("UNVOTE_GA_DATA", str(copy))
    status, out, err = run(["2025"])
    line = _check_one_line_error(status, out, err)
    assert f"{votes}, line 5: vote 'maybe' is not one of yes, abstain, no, absent" in line


def test_ga_record_folder_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNVOTE_GA_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="UNVOTE_GA_DATA") as info:
        unvote.load_roll_calls()
    assert isinstance(info.value, RecordNotFoundError)
    assert str(tmp_path / "nowhere") in str(info.value)
    status, out, err = run(["2025"])
    assert "UNVOTE_GA_DATA" in _check_one_line_error(status, out, err)


@pytest.mark.parametrize(
    "content",
    [
        gzip.compress(b"id,date\n1,2024-01-01\n"),
        gzip.compress(
            b"id,date,session,session_type,resolution,title,vote_on,identical_to,yes,no,abstain\n"
            b"1,not-a-date,79,regular,A/RES/1,t,resolution,,1,0,0\n"
        ),
        b"this is not gzip",
    ],
    ids=["missing-columns", "bad-date", "not-gzip"],
)
def test_ga_record_malformed_roll_calls(tmp_path, monkeypatch, content) -> None:
    folder = tmp_path / "unga"
    folder.mkdir()
    (folder / "roll_calls.csv.gz").write_bytes(content)
    (folder / "votes.csv.gz").write_bytes(gzip.compress(b"id,iso3,vote\n1,USA,yes\n"))
    monkeypatch.setenv("UNVOTE_GA_DATA", str(folder))
    with pytest.raises(DataFileError) as info:
        unvote.load_roll_calls()
    assert str(folder / "roll_calls.csv.gz") in str(info.value)
    status, out, err = run(["2025"])
    assert str(folder / "roll_calls.csv.gz") in _check_one_line_error(status, out, err)


# ----------------------------------------------------------------------------- good runs
# Few fits: the forecast of 2025 (shipped), and the 2018 and 2019 votes of the backtest.


@pytest.fixture(scope="module")
def table_output() -> str:
    status, out, err = run(["2025"])
    assert status == 0, err
    return out


def test_table_has_a_block_per_builtin_scenario(table_output) -> None:
    lines = table_output.splitlines()
    assert lines[0] == (
        "Forecast of the 2025 UN General Assembly vote on ending the US embargo against Cuba "
        "(held 2025-10-29)"
    )
    assert re.fullmatch(
        r"193 members; record through 2025-10-28; model fitted on sessions \d+-79\.", lines[1]
    )
    titles = [line.split(":")[0] for line in lines if line and not line.startswith(" ")]
    assert titles[2:] == [*BUILTIN, "likely to change anyway", "retrospective"]
    assert table_output.count("  expected ") == 5 + 2  # and two lines of the retrospective
    assert table_output.count("recorded 2024 ") == 5
    # A past vote: its outcome beside each forecast, then the retrospective.
    assert table_output.count("outcome 2025             165        12         7         9") == 5
    # The prior of each uncertain scenario is said to be in its intervals.
    said = "  (the intervals include the uncertainty about the campaign's strength)"
    assert table_output.count(said) == 3  # cable, ukraine-argument, allies


def test_table_says_who_the_campaign_moves_and_who_may_change_anyway(table_output) -> None:
    blocks = dict(zip(BUILTIN, table_output.split("\n\n")[1:6], strict=True))
    assert "moved by the campaign" not in blocks["baseline"]
    # history alone: one list, after the scenarios, not the same list under each
    assert not any("likely to change anyway" in blocks[name] for name in BUILTIN)
    (anyway,) = [b for b in table_output.split("\n\n") if b.startswith("likely to change anyway")]
    assert "(under every scenario)" in anyway
    assert len(anyway.splitlines()[2:]) == 10  # --top 10
    for name in BUILTIN[1:]:
        block = blocks[name]
        assert "moved by the campaign (P(not yes): without -> with it):" in block
        moved = block.split("moved by the campaign")[1].split("  channels: ")[0].splitlines()[1:]
        assert 0 < len(moved) <= 10
        changes = [float(re.search(r"\(([+-]\d\.\d\d)\)", m).group(1)) for m in moved]
        assert changes == sorted(changes, reverse=True) and min(changes) >= 0
        # members already voting the campaign's way are not among those moved
        assert not any(m.split()[1] in ("no", "abstain") for m in moved)
    assert (
        "channels: 1 allies, 2 ukraine-argument, 3 human-rights-record, 4 absence"
        in (blocks["cable"])
    )


def test_table_lists_outcomes_in_one_order_and_never_negative_zero(table_output) -> None:
    heads = [line.split() for line in table_output.splitlines() if line.startswith("      ")]
    assert heads and all(h == ["yes", "abstain", "no", "absent"] for h in heads)
    assert not re.search(r"(?<![0-9])[-+]0\.0+(?![0-9])", table_output)  # no signed zero
    assert "P(yes/abstain/no/absent)" in table_output


def test_table_lines_fit_in_80_columns(table_output) -> None:
    lines = table_output.splitlines()[2:]  # the two header lines are exempt
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]


def test_member_names_are_whole_or_their_short_form(table_output) -> None:
    from unvote.record.countries import SHORT_NAMES, display_name

    assert "…" not in table_output
    members = unvote.load_members()
    bolivia = members.loc[members["iso3"] == "BOL", "country"].iloc[-1]
    assert display_name(bolivia) == "Bolivia" and "Plurinational" not in table_output
    shown = {display_name(n) for n in members["country"]}
    assert len(shown) == members["country"].nunique()  # no two members look alike
    assert all(len(display_name(n)) <= 28 for n in SHORT_NAMES)


def test_json_has_the_documented_shape() -> None:
    status, out, err = run(["2025", "--json", "--top", "3"])
    assert status == 0, err
    data = json.loads(out)
    assert list(data)[:5] == ["year", "item", "date", "through", "members"]
    assert (data["year"], data["date"], data["through"], data["members"]) == (
        2025,
        "2025-10-29",
        "2025-10-28",
        193,
    )
    assert data["item"]["label"] == "Ending the US embargo against Cuba"
    assert data["outcome"]["yes"] == 165 and data["skipped"] == []
    assert data["retrospective"] is not None
    assert [s["name"] for s in data["scenarios"]] == BUILTIN
    for scenario in data["scenarios"]:
        assert list(scenario["expected"]) == OUTCOMES
        assert sum(scenario["expected"].values()) == pytest.approx(193, abs=1e-3)
        assert set(scenario["intervals"]) == {"80", "95"}
        for bounds in scenario["intervals"].values():
            assert list(bounds) == OUTCOMES
            assert all(len(pair) == 2 and pair[0] <= pair[1] for pair in bounds.values())
        assert scenario["last_observed"] == {
            "year": 2024,
            "date": "2024-10-30",
            "yes": 187,
            "abstain": 1,
            "no": 2,
            "absent": 3,
        }
        campaign = scenario["campaign"]
        assert (campaign["name"], campaign["campaigner"]) == (scenario["name"], "USA")
        assert len(scenario["likely_to_change_anyway"]) == 3
        assert len(scenario["moved_by_campaign"]) <= 3
        assert len(scenario["countries"]) == 193
        for country in scenario["countries"]:
            assert list(country)[3:7] == ["p_yes", "p_abstain", "p_no", "p_absent"]
    cable = data["scenarios"][1]["campaign"]["channels"][0]
    assert (cable["name"], cable["kind"], cable["acts_on"]) == ("allies", "vote", ["abstain", "no"])
    assert cable["strength"]["prior"] == "log-normal"
    assert cable["strength"]["mass_in_range"] == pytest.approx(0.8, abs=0.01)
    strong = data["scenarios"][4]["campaign"]["channels"][0]["strength"]
    assert strong == {"fixed": cable["strength"]["range"][1]}
    assert not re.search(r"-0\.0(?![0-9])", out)  # no negative zero


def test_only_the_members_a_campaign_targets_are_moved_by_it() -> None:
    status, out, err = run(["2025", "--json", "--top", "200"])
    assert status == 0, err
    for scenario in json.loads(out)["scenarios"]:
        targeted = {c["iso3"] for c in scenario["countries"] if c["channels"]}
        moved = {m["iso3"]: m["change"] for m in scenario["moved_by_campaign"]}
        assert set(moved) <= targeted, (scenario["name"], set(moved) - targeted)
        assert all(change > 0 for change in moved.values()), scenario["name"]


def test_output_is_byte_for_byte_the_same_across_runs_and_hash_seeds() -> None:
    argv = [*forecast_command(), "2025", "--json", "--seed", "3", "--draws", "2000"]
    runs = [subprocess_run(argv, env=subprocess_env(PYTHONHASHSEED=s)) for s in ("0", "1", "0")]
    for done in runs:
        assert done.returncode == 0, done.stderr.decode()
        assert done.stderr == b""
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    data = json.loads(runs[0].stdout)
    assert all(s["draws"]["n"] == 2000 for s in data["scenarios"])
    text = [
        subprocess_run([*forecast_command(), "2025"], env=subprocess_env(PYTHONHASHSEED=s))
        for s in ("2", "3")
    ]
    assert text[0].returncode == 0 and text[0].stdout == text[1].stdout


def test_draws_out_writes_one_compressed_file_and_says_where(tmp_path) -> None:
    target = tmp_path / "draws.csv.gz"
    args = ["2025", "--scenario", "baseline", "--scenario", "cable", "--draws", "300"]
    status, out, err = run([*args, "--seed", "1", "--draws-out", str(target)])
    assert status == 0, err
    assert err == ""  # no progress when stderr is not a terminal
    assert [p.name for p in tmp_path.iterdir()] == ["draws.csv.gz"]
    with gzip.open(target, "rt", encoding="ascii") as handle:
        lines = handle.read().splitlines()
    header = lines[0].split(",")
    assert header[:6] == ["scenario", "draw", "yes", "abstain", "no", "absent"]
    codes = header[6:]
    assert len(codes) == 193 == len(set(codes)) and codes == sorted(codes)
    assert len(lines) == 1 + 2 * 300
    first = lines[1].split(",")
    assert first[:2] == ["baseline", "0"]
    assert sum(int(n) for n in first[2:6]) == 193
    assert set(first[6:]) <= {"0", "1", "2", "3"}
    assert "80 % of draws" in out
    assert f"draws: 2 scenarios x 300 draws in {target}" in out.replace("\n  ", " ")
    assert "0 yes, 1 abstain, 2 no, 3 absent" in out.replace("\n  ", " ")


def test_draws_file_is_small_by_default(tmp_path) -> None:
    target = tmp_path / "draws.csv.gz"
    status, _, err = run(["2025", "--draws", "20000", "--draws-out", str(target)])
    assert status == 0, err
    # 5 scenarios x 20,000 draws x 193 members, at most a quarter of a byte a member-draw
    # (plain CSV: 2 bytes, and words such as "abstain" took 8).  The draws of a scenario
    # with a prior hold more: in some, whole groups leave yes.
    assert target.stat().st_size < 5 * 20_000 * 193 * 0.25


def test_json_carries_the_library_draws(record) -> None:
    status, out, err = run(
        ["2025", "--scenario", "cable", "--json", "--draws", "500", "--seed", "4"]
    )
    assert status == 0, err
    data = json.loads(out)
    fc = unvote.forecast(2025, ["cable"], record=record)
    expected = fc.simulate(500, random_state=4).to_dict()["cable"]
    assert data["scenarios"][0]["draws"] == expected


def test_the_charts_are_the_forecasts_own_the_backtest_draws_its_own(tmp_path) -> None:
    charts = tmp_path / "charts"
    status, out, err = run(
        ["2025", "--scenario", "baseline", "--scenario", "cable", "--plot", str(charts)]
    )
    assert status == 0, err
    names = sorted(p.name for p in charts.iterdir())
    stems = {n.rsplit(".", 1)[0] for n in names}
    assert stems == {
        "history-2025",
        "scenarios-2025",
        "movers-cable-2025",
        "sweep-cable-2025",
        "retrospective-2025",  # the 2025 vote is in the record
    }  # no backtest charts: forecast backtest FIRST-LAST --plot DIR draws those
    assert len(names) == 2 * len(stems)  # PNG and SVG
    assert all((charts / n).stat().st_size > 5_000 for n in names)
    assert (charts / "history-2025.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (charts / "history-2025.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "\ncharts:" in out and str(charts / "history-2025.png") in out.replace("\n  ", " ")


def test_past_vote_with_scenarios_that_apply_then() -> None:
    status, out, err = run(
        ["2019", "--through", "2018", "--scenario", "baseline", "--scenario", "allies"]
    )
    assert status == 0, err
    assert "(held 2019-11-07)" in out.splitlines()[0]
    assert "record through 2018-12-31; model fitted on sessions" in out
    assert "recorded 2018" in out and "outcome 2019" in out
    status, out, err = run(["2019", "--scenario", "baseline", "--json"])
    assert status == 0, err
    data = json.loads(out)
    assert (data["through"], data["outcome"]["year"]) == ("2019-11-06", 2019)
    assert data["outcome"]["yes"] == 187


def test_past_vote_with_every_builtin() -> None:
    status, out, err = run(["2019", "--through", "2018"])
    assert status == 0, err
    # The Ukraine channel cannot act before the 2022 ES-11 votes: those scenarios are skipped.
    assert "skipped cable: channel 'ukraine-argument' selects no member in 2019" in out
    assert "skipped strong: channel 'ukraine-argument' selects no member in 2019" in out
    titles = [line.split(":")[0] for line in out.splitlines() if line and line[0] != " "]
    assert titles[2:5] == ["baseline", "allies", "skipped cable"]


def test_a_recorded_vote_ends_with_its_retrospective(table_output) -> None:
    block = table_output.split("\n\n")[-1]
    lines = block.splitlines()
    assert lines[0] == (
        "retrospective: the recorded 2025 vote against the forecasts of the day before"
    )
    assert lines[1].split() == ["vs", "baseline", *OUTCOMES]
    assert lines[3].split() == ["recorded", "165", "12", "7", "9"]
    assert "votes moved off yes: " in block and "the recorded 165 yes in each scenario's" in block
    rows = block.split("log loss\n")[1].splitlines()[: len(BUILTIN)]
    assert [row.split()[0] for row in rows] == BUILTIN
    assert re.search(r"voted otherwise than the baseline forecast expected: \d+ members", block)
    movers = block.split("surp.  member\n")[1].splitlines()
    assert len(movers) == 10  # --top 10
    surprises = [float(m.split()[4]) for m in movers]
    assert surprises == sorted(surprises, reverse=True)
    assert all(len(line) <= 80 for line in lines)


def test_the_retrospective_in_the_json_and_none_for_a_coming_vote() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--top", "3"])
    assert status == 0, err
    retro = json.loads(out)["retrospective"]
    assert retro["baseline"] == "baseline"  # computed although not asked for
    assert retro["recorded"] == {"yes": 165, "abstain": 12, "no": 7, "absent": 9}
    assert [s["name"] for s in retro["scenarios"]] == ["baseline", "cable"]
    assert set(retro["votes_moved"]["intervals"]) == {"80", "95"}
    assert len(retro["movers"]) == 3 and retro["members_moved"] >= 3
    for scenario in retro["scenarios"]:
        assert 0 <= scenario["percentile"] <= 1 and scenario["log_score"] <= 0
    status, out, err = run(["2026", "--scenario", "baseline", "--json", "--top", "0"])
    assert status == 0, err
    assert json.loads(out)["retrospective"] is None
    status, out, err = run(["2026", "--scenario", "baseline", "--top", "0"])
    assert status == 0 and "retrospective" not in out


def test_another_text_by_its_words() -> None:
    status, out, err = run(["2025", "--item", "palestine", "--scenario", "baseline", "--top", "0"])
    assert status == 0, err
    first = out.splitlines()[0]
    assert first.startswith("Forecast of the 2025 UN General Assembly vote on ")
    assert "Cuba" not in first


def test_the_readme_words_forecast_the_text_they_mean_and_say_so() -> None:
    """``--item "palestine refugees"``: the resolution as a whole, named on stderr."""
    args = ["2025", "--item", "palestine refugees", "--scenario", "baseline", "--json"]
    status, out, err = run(args)
    assert status == 0, err
    assert json.loads(out)["item"]["id"] == "assistance-to-palestine-refugees"
    assert err == (
        "forecast: --item 'palestine refugees' is assistance-to-palestine-refugees "
        "(Assistance to Palestine refugees)\n"
    )


def test_country_is_shown_first_under_every_scenario() -> None:
    status, out, err = run(["2025", "--top", "0", "--country", "Türkiye", "--country", "usa"])
    assert status == 0, err
    assert out.index("Türkiye (TUR), last vote yes") < out.index("baseline:")
    assert out.index("Türkiye (TUR)") < out.index("United States of America (USA), last vote no")
    block = out.split("United States of America (USA)")[1].splitlines()
    assert [line.split()[0] for line in block[2:7]] == BUILTIN
    # The campaigner is never a target: no channel acts on the United States.
    assert all(line.rstrip().endswith("-") for line in block[2:7])


def test_country_is_in_the_json_too() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--country", "Brazil"])
    assert status == 0, err
    (asked,) = json.loads(out)["countries_asked"]
    assert (asked["iso3"], asked["country"]) == ("BRA", "Brazil")
    assert list(asked["scenarios"]["cable"])[:4] == ["p_yes", "p_abstain", "p_no", "p_absent"]


def test_top_0_lists_nobody_in_the_json_either() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--top", "0"])
    assert status == 0, err
    scenario = json.loads(out)["scenarios"][0]
    assert scenario["moved_by_campaign"] == [] and scenario["likely_to_change_anyway"] == []
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--top", "3"])
    scenario = json.loads(out)["scenarios"][0]
    assert len(scenario["moved_by_campaign"]) == len(scenario["likely_to_change_anyway"]) == 3


def test_below_sets_the_thresholds_of_the_table_and_the_json() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--top", "0", "--below", "150"])
    assert status == 0, err
    assert "P(yes <150: " in out and "<185" not in out
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--below", "150"])
    assert status == 0, err
    assert list(json.loads(out)["scenarios"][0]["prob_yes_below"]) == ["150"]
    # Many thresholds still fit in 80 columns, each probability whole on its line.
    many = [f"--below={t}" for t in (190, 185, 180, 170, 150, 120, 100, 97)]
    status, out, err = run(["2025", "--scenario", "strong", "--top", "0", *many])
    assert status == 0, err
    assert all(len(line) <= 80 for line in out.splitlines()[2:])
    said = " ".join(
        line.strip() for line in out.split("outcome 2025")[1].split("\n\n")[0].splitlines()[1:]
    )
    assert re.fullmatch(
        r"change in yes from 2024: -\d+\.\d; P\(yes (<\d+: [<>]?\d+\.\d%(, |\)))+", said
    )


def test_a_scenario_file_in_the_current_format_runs(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(HEAD + CHANNEL + 'response = { feature = "us_agreement", slope = 1 }\n')
    status, out, err = run(["2025", "--scenario", str(path), "--top", "3"])
    assert status == 0, err
    assert out.split("\n\n")[1].startswith("mine: a scenario file of the user\n")
    assert "(the intervals include the uncertainty about the campaign's strength)" in out
    assert "channels: 1 allies" in out


def test_roll_calls_of_a_small_file(tmp_path) -> None:
    path = tmp_path / "coming.csv"
    path.write_bytes(ROLL_CALL_FILES["coming.csv"])
    status, out, err = run(["roll-calls", str(path), "--through", "2025-09-19"])
    assert status == 0, err
    assert out.startswith("Forecasts of 2 coming roll call(s), record through 2025-09-19.")
    unrwa, moon = out.split("\n\n")[1:]
    assert unrwa.splitlines()[1] == "  continues assistance-to-palestine-refugees"
    assert "  new text (no earlier recorded vote)" in moon
    assert all(len(line) <= 80 for line in out.splitlines())
    status, out, err = run(["roll-calls", str(path), "--json", "--through", "2025-09-19"])
    assert status == 0, err
    data = json.loads(out)
    assert data["through"] == "2025-09-19"
    calls = {c["id"]: c for c in data["roll_calls"]}
    assert list(calls) == ["unrwa", "moon"]
    assert calls["unrwa"]["linked"] and not calls["moon"]["linked"]
    for call in calls.values():
        assert sum(call["expected"].values()) == pytest.approx(193, abs=1e-3)
        assert 0 <= call["p_two_thirds"] <= call["p_adopted"] <= 1
    # The same file forecast through an earlier day of the record: another cut-off.
    status, out, err = run(["roll-calls", str(path), "--json", "--through", "2025-06-30"])
    assert status == 0, err
    assert json.loads(out)["through"] == "2025-06-30"


SESSION_80_SPONSORS = [
    "Group of 77 and China",
    "submitted by the President of the General Assembly",
    "submitted by the Vice-Chair of the Committee",
    "BAHAMAS (THE)",
    "IN ITS CAPACITY AS CHAIR",
    "STATE OF PALESTINE",
    "CREDENTIALS COMMITTEE",
    "Movement of Non-Aligned Countries",
]
"""Words of the UN's sponsor strings: one roll call of session 80 carrying each goes in the file."""


def test_roll_calls_with_the_uns_own_sponsor_strings(tmp_path, shared_data) -> None:
    """Rows of the UN's extract of session 80, sponsors joined as the UN lists them."""
    import pandas as pd

    rows = {}
    with gzip.open(shared_data / "dgacm" / "80.json.gz", "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    for words in SESSION_80_SPONSORS:
        for record in records:
            names = (record.get("sponsors") or []) + (record.get("additional_sponsors") or [])
            date = unvote.record.extract.parse_date(record["adoption_date"])
            if any(words in name for name in names) and str(date) > "2025-09-19":
                rows.setdefault(
                    record["symbol"],
                    {
                        "id": record["symbol"],
                        "date": str(date),
                        "title": record["title"],
                        "sponsors": "; ".join(names),
                    },
                )
                break
        else:
            raise AssertionError(f"no roll call of session 80 with {words!r} among its sponsors")
    path = tmp_path / "session-80.csv"
    pd.DataFrame(list(rows.values())).to_csv(path, index=False)
    status, out, err = run(["roll-calls", str(path), "--json", "--through", "2025-09-19"])
    assert status == 0, err
    data = json.loads(out)
    assert data["through"] == "2025-09-19"
    assert [c["id"] for c in data["roll_calls"]] == list(rows) and len(rows) >= 6


def test_an_unknown_sponsor_is_refused_before_the_record_is_read(tmp_path, monkeypatch) -> None:
    import unvote.forecasting.roll_calls

    def never(*args, **kwargs):
        raise AssertionError("the record was read (or a model fitted) before the file was checked")

    monkeypatch.setattr(unvote.forecasting.roll_calls, "load_record", never)
    monkeypatch.setattr(unvote.forecasting.roll_calls, "fitted_model", never)
    path = tmp_path / "calls.csv"
    path.write_bytes(ROLL_CALL_FILES["calls-sponsor.csv"])
    status, out, err = run(["roll-calls", str(path), "--json"])
    line = _check_one_line_error(status, out, err)
    assert "roll call 'x2': unknown sponsor 'Atlantis'" in line


def test_backtest_prints_the_readme_table_or_json(tmp_path) -> None:
    status, out, err = run(["backtest", "2018-2019"])
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "Backtest of Ending the US embargo against Cuba, 2018-2019: 2 votes, each forecast "
        "from the votes before it."
    )
    methods = [line.split("  ")[0] for line in lines[3:6]]
    assert sorted(methods) == ["Markov transitions", "as last time", "vote model"]
    assert "log_loss" not in out and "in80" not in out
    assert "expected minus" in out and "recorded yes count" in out
    status, out, err = run(["backtest", "2018-2019", "--json", "--plot", str(tmp_path)])
    assert status == 0, err
    data = json.loads(out)
    assert (data["first"], data["last"]) == (2018, 2019)
    assert {p.stem for p in tmp_path.iterdir()} == {"backtest-log-loss", "backtest-calibration"}
    assert err.startswith("charts: ")


def test_list_scenarios_says_where_the_files_are() -> None:
    from unvote.scenarios.scenario import seed_dir

    status, out, err = run(["scenarios"])
    assert status == 0, err
    newest, five, files = out.split("\n\n")
    # Newest first; each generation says which votes it serves and what it rests on.
    assert newest.splitlines()[0] == "For votes after 2025-10-29 (evidence through 2025-10-29):"
    assert [line.split()[0] for line in newest.splitlines()[1:]] == NEWEST
    assert five.splitlines()[0] == (
        "For votes on or before 2025-10-29 (evidence through 2025-10-05, files in five-episodes/):"
    )
    assert [line.split()[0] for line in five.splitlines()[1:]] == BUILTIN
    assert files.rstrip().endswith(str(seed_dir()))
    status, out, err = run(["scenarios", "--json"])
    data = json.loads(out)
    assert data["folder"] == str(seed_dir())
    assert [s["name"] for s in data["scenarios"]] == NEWEST
    assert [g["evidence_through"] for g in data["generations"]] == ["2025-10-29", "2025-10-05"]
    assert [s["name"] for s in data["generations"][1]["scenarios"]] == BUILTIN
    for generation in data["generations"]:
        assert all(Path(s["file"]).is_file() for s in generation["scenarios"])


def test_an_unwritable_matplotlib_folder_never_reaches_a_refused_input(tmp_path) -> None:
    """The charts library is not imported before the input is checked: one line, no warning."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    env = subprocess_env(MPLCONFIGDIR=str(folder / "inner"))
    result = subprocess_run([*forecast_command(), "1900", "--plot", str(tmp_path / "out")], env=env)
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1, result.stderr.decode()


# ----------------------------------------------------------------------------- subprocesses


VENV_BIN = Path(sys.executable).parent


def forecast_command() -> list[str]:
    """The installed ``forecast`` script beside this Python, else ``python -m unvote.cli.main``."""
    script = shutil.which("forecast", path=str(VENV_BIN))
    return [script] if script else [sys.executable, "-m", "unvote.cli.main"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    return {**env, **extra}


def subprocess_run(argv: list[str], **kwargs) -> subprocess.CompletedProcess[bytes]:
    env = kwargs.pop("env", subprocess_env())
    return subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=env, **kwargs)


# case: (the command as a user types it, a bash script doing it in a scratch folder
#        (None: a test of its own), the exit status, what stderr says ("" nothing))
PROCESS_CASES: dict[str, tuple[str, str | None, int, str]] = {
    "the reader of the output goes away": (
        "forecast 2025 --json | head -c 100",
        "forecast 2025 --json | head -c 100 > /dev/null; exit ${PIPESTATUS[0]}",
        141,
        "",
    ),
    "output to a full disk": (
        "forecast 2025 --json > /dev/full",
        "forecast 2025 --json > /dev/full",
        2,
        "forecast: error: cannot write the output (No space left on device)",
    ),
    "standard output closed": (
        "forecast scenarios >&-",
        "forecast scenarios >&-",
        2,
        "forecast: error: standard output is closed: there is nowhere to write the output",
    ),
    "standard error closed": (
        "forecast 2025 --scenario cabel 2>&-",
        "forecast 2025 --scenario cabel 2>&-",
        2,
        "",
    ),
    "a latin-1 terminal": (
        "PYTHONIOENCODING=latin-1 forecast 2025",
        "PYTHONIOENCODING=latin-1 forecast 2025 > out.txt",
        0,
        "",
    ),
    "an ASCII terminal (C locale)": (
        "LC_ALL=C PYTHONUTF8=0 PYTHONIOENCODING=ascii forecast 2025 --country Türkiye",
        "LC_ALL=C PYTHONUTF8=0 PYTHONIOENCODING=ascii forecast 2025 --country Türkiye > out.txt",
        0,
        "",
    ),
    "an unknown MPLBACKEND": (
        "MPLBACKEND=nonsense forecast 2025 --scenario cable --plot charts",
        "MPLBACKEND=nonsense forecast 2025 --scenario cable --plot charts > /dev/null",
        0,
        "",
    ),
    "a disk that fills while the draws are written": (
        "ulimit -f 200; forecast 2025 --draws 50000 --draws-out draws.csv",
        "trap '' XFSZ; ulimit -f 200; forecast 2025 --draws 50000 --draws-out draws.csv",
        2,
        "forecast: error: cannot write 'draws.csv': File too large",
    ),
    "Ctrl-C while the charts are written": (
        "forecast 2025 --plot charts, then Ctrl-C",
        None,
        130,
        "forecast: interrupted",
    ),
    "SIGTERM while the draws are written": (
        "forecast 2025 --draws 200000 --draws-out draws.csv.gz, then kill",
        None,
        143,
        "forecast: terminated",
    ),
    "two runs writing one file": (
        "forecast 2025 --draws 10000 --draws-out d.csv.gz & (the same again)",
        None,
        0,
        "",
    ),
}


def run_script(script: str, folder: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        capture_output=True,
        timeout=TIMEOUT,
        env=subprocess_env(),
    )


@pytest.mark.parametrize("case", [c for c, spec in PROCESS_CASES.items() if spec[1] is not None])
def test_process_level_failures_end_as_documented(case, tmp_path) -> None:
    _, script, status, message = PROCESS_CASES[case]
    done = run_script(script, tmp_path)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == status, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err == (message + "\n" if message else "")
    if status != 0:
        leftovers = [p.name for p in tmp_path.rglob("*") if p.name != "out.txt"]
        assert leftovers == [], leftovers


def test_a_narrow_terminal_gets_ascii_look_alikes(tmp_path) -> None:
    done = run_script(PROCESS_CASES["an ASCII terminal (C locale)"][1], tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    text = (tmp_path / "out.txt").read_bytes().decode("ascii")  # pure ASCII
    assert "Turkiye (TUR)" in text and "P(yes <185" in text
    # A scenario of the user's with typographic characters, on a latin-1 terminal
    (tmp_path / "typo.toml").write_text(
        HEAD.replace("a scenario file of the user", "Türkiye – and others…") + CHANNEL,
        encoding="utf-8",
    )
    done = run_script("PYTHONIOENCODING=latin-1 forecast 2025 --scenario typo.toml", tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "mine: Türkiye - and others...".encode("latin-1") in done.stdout


def test_charts_draw_whatever_mplbackend_says(tmp_path) -> None:
    done = run_script(PROCESS_CASES["an unknown MPLBACKEND"][1], tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "charts" / "history-2025.png").stat().st_size > 10_000


def _interrupt_when_writing(argv: list[str], folder: Path, signum: int) -> tuple[int, str]:
    """Start ``forecast``, send ``signum`` once a temporary file appears, return status, stderr."""
    process = subprocess.Popen(
        [*forecast_command(), *argv],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
        # Ctrl-C reaches a process whose parent ignores it only if it is restored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + TIMEOUT
    try:
        # A temporary file, not a probe of the checks made before any work.
        while not any(p.name.endswith(".tmp") for p in folder.rglob(".unvote-*")):
            assert process.poll() is None, "finished before anything was written"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signum)
        _, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    return process.returncode, err.decode()


def test_ctrl_c_while_the_charts_are_written_leaves_nothing(tmp_path) -> None:
    status, err = _interrupt_when_writing(["2025", "--plot", "charts"], tmp_path, signal.SIGINT)
    assert (status, err) == (130, PROCESS_CASES["Ctrl-C while the charts are written"][3] + "\n")
    assert list(tmp_path.rglob("*")) == []  # the folder made for the charts is gone too


def test_sigterm_while_the_draws_are_written_leaves_nothing(tmp_path) -> None:
    argv = ["2025", "--draws", "200000", "--draws-out", "draws.csv.gz"]
    status, err = _interrupt_when_writing(argv, tmp_path, signal.SIGTERM)
    assert (status, err) == (143, PROCESS_CASES["SIGTERM while the draws are written"][3] + "\n")
    assert list(tmp_path.iterdir()) == []


def test_progress_is_shown_on_a_terminal(tmp_path) -> None:
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [*forecast_command(), "2025", "--top", "0", "--draws", "20000", "--draws-out", "d.csv.gz"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env=subprocess_env(),
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.wait(timeout=TIMEOUT) == 0
    assert b"draws: cable ..." in shown
    assert b"writing d.csv.gz: 100,000/100,000 ..." in shown


def test_two_runs_writing_one_file_never_make_a_corrupt_one(tmp_path) -> None:
    argv = [*forecast_command(), "2025", "--draws", "10000", "--draws-out", "d.csv.gz"]
    runs = [
        subprocess.Popen(
            [*argv, "--seed", str(seed)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=subprocess_env(),
        )
        for seed in (1, 2)
    ]
    for process in runs:
        _, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0, err.decode()
    assert [p.name for p in tmp_path.iterdir()] == ["d.csv.gz"]
    with gzip.open(tmp_path / "d.csv.gz", "rt") as handle:
        rows = handle.read().splitlines()
    assert len(rows) == 1 + 5 * 10_000 and all(r.count(",") == 198 for r in rows)


def test_help_mentions_the_main_options_and_the_scenario_files() -> None:
    from unvote.scenarios.scenario import seed_dir

    done = subprocess_run([*forecast_command(), "--help"])
    assert done.returncode == 0
    text = done.stdout.decode()
    for option in ("--scenario", "--json", "--plot", "--item", "--through", "--draws"):
        assert option in text
    # the subcommands, one line each, and examples of them
    listed = text.split("commands:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in listed] == [
        "backtest",
        "forward-test",
        "roll-calls",
        "scenarios",
        "data",
        "help",
    ]
    for example in ("forecast backtest 1995-2024", "forecast roll-calls ", "forecast forward-test"):
        assert example in text
    assert str(seed_dir()) in text
    assert done.stderr == b""


SUBCOMMANDS = [
    ["backtest"],
    ["forward-test"],
    ["roll-calls"],
    ["scenarios"],
    ["data"],
    ["data", "import"],
    ["data", "status"],
    ["data", "reset"],
    ["help"],
]


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_each_subcommand_has_its_own_help(words) -> None:
    status, out, err = run([*words, "--help"])
    assert (status, err) == (0, "")
    assert out.startswith(f"usage: forecast {' '.join(words)} ")
    assert run(["help", *words])[1] == out  # forecast help COMMAND: the same text


def test_help_and_version() -> None:
    status, out, err = run(["help"])
    assert (status, err) == (0, "")
    assert out == run(["--help"])[1] and out.startswith("usage: forecast YEAR [options]")
    status, out, err = run(["help", "backtest"])
    assert status == 0 and "FIRST-LAST" in out and "--item" in out and "--scenario" not in out
    status, out, err = run(["--version"])
    assert (status, err) == (0, "")
    assert re.fullmatch(r"forecast \(unvote\) \d+\.\d+\.\d+\S*\n", out)


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["--backtest", "1995-2024"], "forecast backtest 1995-2024"),
        (["--forward-test=60-79", "--json"], "forecast forward-test 60-79"),
        (["--roll-calls", "coming.csv"], "forecast roll-calls FILE"),
        (["--list-scenarios"], "forecast scenarios"),
    ],
)
def test_the_old_flags_are_refused_naming_the_subcommand(argv, hint) -> None:
    flag = argv[0].split("=")[0]
    line = _check_one_line_error(*run(argv))
    assert line == f"forecast: error: {flag} is now a subcommand: {hint}"


@pytest.fixture
def no_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the record or fitting a model fails the test: inputs are checked before."""

    def never(*args, **kwargs):
        raise AssertionError("the record was read (or a model fitted) before the input was checked")

    for name, module in list(sys.modules.items()):
        if name.startswith("unvote."):
            for loader in ("load_record", "load_ga_votes", "load_member_votes", "fitted_model"):
                if hasattr(module, loader):
                    monkeypatch.setattr(module, loader, never)


@pytest.mark.parametrize(
    "argv",
    [
        ["2025", "--scenario", "cabel"],
        ["2025", "--country", "Atlantis"],
        ["2025", "--scenario", "nested-arrays.toml"],
        ["2025", "--draws", "5", "--draws-out", "somedir"],
        ["2025", "--plot", "ro-charts"],
        ["backtest", "2018"],
        ["backtest", "2018-2019", "--plot", "file/sub"],
        ["forward-test", "70-60"],
        ["roll-calls", "missing.csv"],
        ["roll-calls", "calls-sponsor.csv"],
        ["roll-calls", "calls-date.csv", "--json"],
        ["scenarios", "--top", "3"],
        ["data", "import", "missing.json"],
        ["data", "import", "unknown-name.json"],
        ["help", "nonsense"],
    ],
    ids=shlex.join,
)
def test_a_bad_input_to_each_subcommand_is_refused_before_the_record_is_read(
    workdir, no_record, argv
) -> None:
    _check_one_line_error(*run(argv))


def test_list_scenarios_through_the_installed_script() -> None:
    done = subprocess_run([*forecast_command(), "scenarios"])
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert [line.split()[0] for line in lines[1:4]] == NEWEST


def test_bad_input_in_a_real_process(tmp_path) -> None:
    done = subprocess_run([*forecast_command(), "2025", "--scenario", "cabel"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("forecast: error: ")
    assert "'cable'" in err


def test_escape_codes_never_reach_the_terminal(tmp_path) -> None:
    make_workdir(tmp_path)
    done = subprocess_run(
        [*forecast_command(), "2025", "--scenario", "escape-code.toml"], cwd=tmp_path
    )
    assert done.returncode == 2
    assert b"\x1b" not in done.stderr and b"\\x1b[31mred" in done.stderr


def test_a_bad_input_is_refused_before_matplotlib_is_imported(tmp_path) -> None:
    make_workdir(tmp_path)
    code = (
        "import sys; from unvote.cli.main import main; status = main(sys.argv[1:]); "
        "print(status, 'matplotlib' in sys.modules)"
    )
    for argv in (
        ["2025", "--plot", "file/sub"],
        ["backtest", "2018-2019", "--plot", "file/sub"],
        ["roll-calls", "missing.csv"],
    ):
        done = subprocess_run([sys.executable, "-c", code, *argv], cwd=tmp_path)
        assert done.stdout == b"2 False\n", (argv, done.stderr.decode())


# ----------------------------------------------------------------------------- BAD_INPUTS.md


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def process_rows() -> list[str]:
    rows = []
    for case, (shown, _, status, message) in PROCESS_CASES.items():
        said = f"`{_escape(message)}`" if message else "nothing"
        rows.append(f"| {case} | `{_escape(shown)}` | {status} | {said} |")
    return rows


def process_notes() -> str:
    return (
        "\n## Failures met by a real process\n\n"
        "No traceback, no partial file: an interrupted run removes its temporary files "
        "(and a folder it made); a reader that goes away ends the command quietly, as "
        "SIGPIPE would.\n\n"
        "| case | command | exit status | stderr |\n|---|---|---|---|\n"
        + "\n".join(process_rows())
        + "\n"
    )


def write_bad_inputs_md() -> None:
    """Run every case in a scratch directory and write the tables of messages."""
    rows = []
    with tempfile.TemporaryDirectory() as folder, _cwd(Path(folder)):
        make_workdir(Path(folder))
        os.environ["UNVOTE_DATA_DIR"] = str(Path(folder) / "user-data")
        os.environ.pop("UNVOTE_GA_DATA", None)
        for case, (args, plot, _, *shown) in CASES.items():
            status, _, err = run_case(args, plot)
            assert status == 2 and err.count("\n") == 1, (case, status, err)
            shell = _escape(command(args, plot, *shown))
            rows.append(f"| {case} | `{shell}` | `{_escape(err.strip())}` |")
    table = "| case | command | message |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    text = (
        "# Bad inputs and the messages they give\n\n"
        "Every one exits with status 2 and writes one line on stderr: nothing on stdout, "
        "and no file written, changed or left behind (no chart, no draws file, no "
        "temporary file). Scenario files, files of roll calls and the targets that cannot "
        "be written (a read-only file, a dangling link, a folder where a chart goes) are "
        "named relative "
        "to the working directory; `tests/test_cli.py` makes them. Generated by "
        "`python tests/test_cli.py` and checked by `tests/test_cli.py`. The `data import` "
        "cases import nothing.\n\n" + table + process_notes()
    )
    BAD_INPUTS.write_text(text, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    section = table + process_notes().replace("\n## Failures met by a real process\n\n", "\n")
    README.write_text(f"{head}{README_START}\n{section}{README_END}{tail}", encoding="utf-8")


def test_bad_inputs_md_lists_every_process_case() -> None:
    text = BAD_INPUTS.read_text(encoding="utf-8")
    assert text.endswith(process_notes()), f"BAD_INPUTS.md is stale: run python {__file__}"
    # The cases without a script have a test of their own each.
    tested = {
        "Ctrl-C while the charts are written": "test_ctrl_c_while_the_charts_are_written",
        "SIGTERM while the draws are written": "test_sigterm_while_the_draws_are_written",
        "two runs writing one file": "test_two_runs_writing_one_file",
    }
    assert {c for c, spec in PROCESS_CASES.items() if spec[1] is None} == set(tested)
    assert all(any(n.startswith(t) for n in globals()) for t in tested.values())


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


if __name__ == "__main__":
    write_bad_inputs_md()
    print(f"wrote {BAD_INPUTS} and the troubleshooting table of {README}")
