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
import unvote.load
from unvote.cli import main

HERE = Path(__file__).resolve().parent
BAD_INPUTS = HERE / "BAD_INPUTS.md"
README = HERE.parent / "README.md"
README_START, README_END = "<!-- bad-inputs:start -->", "<!-- bad-inputs:end -->"
BUILTIN = ["baseline", "cable", "ukraine-argument", "allies", "strong"]
OUTCOMES = ["yes", "abstain", "no", "absent"]
TIMEOUT = 300

HEAD = 'name = "mine"\ndescription = "a scenario file of the user"\n'
CHANNEL = """
[[channel]]
name = "allies"
talking_point = "vote no"
select = { us_treaty_ally = true }
vote_shift = { central = 1.0, range = [0.5, 2.0] }
"""
DEEP = 5_000
"""Levels of nesting in the hostile TOML files: far beyond Python's recursion limit."""

SCENARIO_FILES = {
    "empty.toml": "",
    "broken.toml": 'name = "mine\n',
    "unknown-key.toml": HEAD + 'colour = "red"\n' + CHANNEL,
    "wrong-type.toml": 'name = 3\ndescription = "d"\n' + CHANNEL,
    "too-strong.toml": HEAD + CHANNEL + "strength = { vote_shift = 5.0 }\n",
    "nan.toml": HEAD + CHANNEL + "strength = { vote_shift = nan }\n",
    "country.toml": HEAD + CHANNEL.replace("us_treaty_ally = true", 'iso3 = "POL"'),
    "nobody.toml": HEAD
    + CHANNEL.replace("us_treaty_ally = true", "ukraine_support = { min = 2.0 }"),
    "huge.toml": HEAD + CHANNEL.replace("2.0]", "9" * 400 + "]"),
    # hostile or mistaken files
    "nested-arrays.toml": HEAD + "sources = " + "[" * DEEP + "]" * DEEP + "\n",
    "nested-tables.toml": HEAD + "x = " + "{ a = " * DEEP + "1" + " }" * DEEP + "\n",
    "infinite.toml": HEAD
    + CHANNEL.replace("central = 1.0, range = [0.5, 2.0]", "central = 1e308, range = [0, 1e308]")
    + CHANNEL.replace('"allies"', '"others"').replace(
        "central = 1.0, range = [0.5, 2.0]", "central = 1e308, range = [0, 1e308]"
    ),
    "escape-name.toml": HEAD.replace('"mine"', '"x/../../escape"') + CHANNEL,
    "newline-name.toml": HEAD.replace('"mine"', '"two\\nlines"') + CHANNEL,
    "escape-code.toml": HEAD + CHANNEL.replace('name = "allies"', 'name = "\\u001b[31mred"'),
    "same-name.toml": HEAD + CHANNEL,
    "same-name-too.toml": HEAD + CHANNEL.replace("us_treaty_ally", "nato"),
    "misspelt-key.toml": HEAD + CHANNEL.replace("talking_point", "talking_pont"),
    "misspelt-feature.toml": HEAD + CHANNEL.replace("us_treaty_ally", "natto"),
    "out-of-range.toml": HEAD
    + CHANNEL.replace("us_treaty_ally = true", "us_agreement = { min = 50 }"),
}
LONG = "x" * 300


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
    for name, data in EXTRACT_FILES.items():
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
    "year not a number": (["abc"], True, "'abc'"),
    "year before the record": (["1991"], True, "1991"),
    "year after the next vote": (["2026"], True, "2026"),
    "year without a vote": (["2020"], True, "2020"),
    "--through equal to the year": (["2025", "--through", "2025"], True, "--through"),
    "--through after the year": (["2025", "--through", "2030"], True, "--through"),
    "--through before the record": (["2025", "--through", "1991"], True, "1993-2024"),
    "--through not a number": (["2025", "--through", "x"], True, "--through"),
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
        "strength.vote_shift",
    ),
    "scenario NaN strength": (["2025", "--scenario", "nan.toml"], True, "strength.vote_shift"),
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
    "--backtest outside the record": (["--backtest", "1990-2000"], False, "1990"),
    "--backtest not a range": (["--backtest", "abc"], False, "--backtest"),
    "no year": ([], True, "YEAR"),
    "unknown option": (["2025", "--colour", "red"], True, "--colour"),
    "year of the first vote": (["1992"], True, "the years 1994-2025 can be forecast"),
    "--bloc-sd without --bloc": (["2025", "--draws", "10", "--bloc-sd", "1"], True, "--bloc"),
    "scenario integer too large": (["2025", "--scenario", "huge.toml"], True, "huge.toml"),
    "--backtest years reversed": (["--backtest", "2000-1995"], False, "FIRST <= LAST"),
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
        ["--backtest", "2018-2019", "--plot", "/proc/unvote-charts"],
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
    "scenario shifts adding up to infinity": (
        ["2025", "--scenario", "infinite.toml"],
        True,
        "at most 50",
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
    "--backtest with a YEAR": (["2025", "--backtest", "1995-2000"], True, "YEAR"),
    "--backtest with a forecast option": (
        ["--backtest", "1995-2000", "--scenario", "cable"],
        False,
        "--scenario",
    ),
    "--backtest of the first vote": (["--backtest", "1993-1993"], False, "1994-2024"),
    "--backtest of a year without a vote": (
        ["--backtest", "2020-2020"],
        False,
        "no vote was held in 2020",
    ),
    "--list-scenarios with a bad value": (
        ["--list-scenarios", "--top", "-1"],
        False,
        "--top must be at least 0",
    ),
    "--list-scenarios with another option": (
        ["--list-scenarios", "--country", "Cuba"],
        False,
        "--country",
    ),
    "--seed without draws": (["2025", "--seed", "3"], True, "--seed"),
    "--bloc without --bloc-sd": (["2025", "--draws", "5", "--bloc", "eu"], True, "--bloc-sd"),
    "--top beyond the members": (["2025", "--top", "500"], True, "at most 200"),
    "year not a whole number": (["2025.5"], True, "'2025.5'"),
    "year the model cannot learn before": (["1993"], True, "1994"),
    "--through a year the model does not learn from": (
        ["2025", "--through", "1992"],
        True,
        "1993-2024",
    ),
    "Holy See, an observer": (["2025", "--country", "Holy See"], True, "does not vote"),
    "State of Palestine, an observer": (
        ["2025", "--country", "State of Palestine"],
        True,
        "does not vote",
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
    make_workdir(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNVOTE_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.delenv("UNVOTE_GA_DATA", raising=False)
    return tmp_path


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
    before = snapshot(workdir)
    status, out, err = run_case(args, plot)
    line = _check_one_line_error(status, out, err)
    assert fragment in line
    assert line.isprintable(), "control characters reach the terminal"
    assert snapshot(workdir) == before, "a file was written, changed or left behind"
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
        f"the README's troubleshooting table is stale: run python {__file__}"
    )
    assert section.rstrip().endswith(process_rows()[-1])


# ----------------------------------------------------------------------------- data files


def test_corrupted_shipped_data_file_is_one_line(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "data"
    shutil.copytree(unvote.load.data_path(""), copy)
    votes = copy / "cuba-embargo" / "votes.csv"
    lines = votes.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rsplit(",", 1)[0] + ",maybe\n"  # line 5 of the file
    votes.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(unvote.load, "data_path", lambda name: copy / name)
    status, out, err = run(["2025"])
    line = _check_one_line_error(status, out, err)
    assert str(votes) in line
    assert "line 5" in line
    assert "'maybe'" in line


def test_ga_record_folder_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNVOTE_GA_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="UNVOTE_GA_DATA") as info:
        unvote.recompute_us_agreement()
    assert isinstance(info.value, unvote.RecordNotFoundError)
    assert str(tmp_path / "nowhere") in str(info.value)


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
    with pytest.raises(unvote.DataFileError) as info:
        unvote.recompute_us_agreement()
    assert str(folder / "roll_calls.csv.gz") in str(info.value)


# ----------------------------------------------------------------------------- good runs


@pytest.fixture(scope="module")
def table_output() -> str:
    status, out, err = run(["2025"])
    assert status == 0, err
    return out


def test_table_has_a_block_per_builtin_scenario(table_output) -> None:
    lines = table_output.splitlines()
    assert lines[0] == "Forecast of the 2025 UN vote on ending the US embargo against Cuba"
    titles = [line.split(":")[0] for line in lines if line and not line.startswith(" ")]
    assert titles[2:] == BUILTIN
    assert table_output.count("  expected ") == 5
    assert table_output.count("recorded 2024 ") == 5


def test_table_lists_outcomes_in_one_order_and_never_negative_zero(table_output) -> None:
    heads = [line.split() for line in table_output.splitlines() if line.startswith("      ")]
    assert heads and all(h == ["yes", "abstain", "no", "absent"] for h in heads)
    assert "-0.0" not in table_output and "+0.0" not in table_output
    assert "P(yes/abstain/no/absent)" in table_output


def test_table_lines_fit_in_80_columns(table_output) -> None:
    lines = table_output.splitlines()[2:]  # the two header lines are exempt
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]


def test_member_names_are_whole_or_their_short_form(table_output) -> None:
    from unvote.countries import SHORT_NAMES, display_name

    assert "…" not in table_output
    assert "Venezuela" in table_output  # "Venezuela (Bolivarian Republic of)", short
    members = unvote.load_members()
    shown = {display_name(n) for n in members["country"]}
    assert len(shown) == members["country"].nunique()  # no two members look alike
    assert all(len(display_name(n)) <= 28 for n in SHORT_NAMES)


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
    # 5 scenarios x 20,000 draws x 193 members, at most 0.1 byte a member-draw (plain CSV:
    # 2 bytes, and words such as "abstain" took 8)
    assert target.stat().st_size < 5 * 20_000 * 193 * 0.1


def test_json_carries_the_library_draws(tmp_path) -> None:
    status, out, err = run(
        ["2025", "--scenario", "cable", "--json", "--draws", "500", "--seed", "4"]
    )
    assert status == 0, err
    data = json.loads(out)
    fc = unvote.forecast(2025, ["cable"])
    expected = fc.simulate(500, random_state=4).to_dict()["cable"]
    assert data["scenarios"][0]["draws"] == expected


def test_past_vote_with_scenarios_that_apply_then() -> None:
    status, out, err = run(
        ["2019", "--through", "2018", "--scenario", "baseline", "--scenario", "allies"]
    )
    assert status == 0, err
    assert "model fitted on the votes of 1993-2018" in out
    assert "recorded 2018" in out and "outcome 2019" in out


def test_past_vote_with_every_builtin() -> None:
    status, out, err = run(["2019", "--through", "2018"])
    assert status == 0, err
    # The Ukraine channel cannot act before the 2022 ES-11 votes: those scenarios are skipped.
    assert "skipped cable: channel 'ukraine-argument' selects no member in 2019" in out


def test_past_vote_charts_skip_what_does_not_apply(tmp_path) -> None:
    status, _, err = run(["2019", "--through", "2018", "--plot", str(tmp_path / "c")])
    assert status == 0, err
    names = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert "movers-allies-2019.png" in names and "sweep-allies-2019.svg" in names
    assert not any(".unvote-" in n for n in names)


def test_country_is_shown_first_under_every_scenario() -> None:
    status, out, err = run(["2025", "--top", "0", "--country", "Türkiye", "--country", "usa"])
    assert status == 0, err
    assert out.index("Türkiye (TUR), last vote yes") < out.index("baseline:")
    assert out.index("Türkiye (TUR)") < out.index("United States of America (USA), last vote no")
    block = out.split("United States of America (USA)")[1].splitlines()
    assert [line.split()[0] for line in block[2:7]] == BUILTIN


def test_country_is_in_the_json_too() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--country", "Brazil"])
    assert status == 0, err
    (asked,) = json.loads(out)["countries_asked"]
    assert (asked["iso3"], asked["country"]) == ("BRA", "Brazil")
    assert list(asked["scenarios"]["cable"])[:4] == ["p_yes", "p_abstain", "p_no", "p_absent"]


def test_top_0_lists_no_movers_in_the_json_either() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--top", "0"])
    assert status == 0, err
    assert json.loads(out)["scenarios"][0]["movers"] == []
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--top", "3"])
    assert len(json.loads(out)["scenarios"][0]["movers"]) == 3


def test_below_sets_the_thresholds_of_the_table_and_the_json() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--top", "0", "--below", "150"])
    assert status == 0, err
    assert "P(yes <150: " in out and "<185" not in out
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--below", "150"])
    assert status == 0, err
    assert list(json.loads(out)["scenarios"][0]["prob_yes_below"]) == ["150"]


def test_backtest_prints_the_readme_table_or_json(tmp_path) -> None:
    status, out, err = run(["--backtest", "2018-2019"])
    assert status == 0, err
    assert "method" in out and "vote model" in out and "Markov transitions" in out
    assert "log_loss" not in out and "in80" not in out
    assert "100 %" in out and "expected minus recorded" in out
    status, out, err = run(["--backtest", "2018-2019", "--json", "--plot", str(tmp_path)])
    assert status == 0, err
    data = json.loads(out)
    assert (data["first"], data["last"]) == (2018, 2019)
    assert {p.stem for p in tmp_path.iterdir()} == {"backtest-log-loss", "backtest-calibration"}
    assert err.startswith("charts: ")


def test_list_scenarios_says_where_the_files_are() -> None:
    from unvote.scenario import seed_dir

    status, out, err = run(["--list-scenarios"])
    assert status == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[:5]] == BUILTIN
    assert lines[-1].endswith(str(seed_dir()))
    status, out, err = run(["--list-scenarios", "--json"])
    data = json.loads(out)
    assert data["folder"] == str(seed_dir())
    assert all(Path(s["file"]).is_file() for s in data["scenarios"])


# ----------------------------------------------------------------------------- subprocesses


VENV_BIN = Path(sys.executable).parent


def forecast_command() -> list[str]:
    """The installed ``forecast`` script beside this Python, else ``python -m unvote.cli``."""
    script = shutil.which("forecast", path=str(VENV_BIN))
    return [script] if script else [sys.executable, "-m", "unvote.cli"]


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
        "forecast --list-scenarios >&-",
        "forecast --list-scenarios >&-",
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


def test_json_output_is_deterministic_and_has_the_documented_shape() -> None:
    argv = [sys.executable, "-m", "unvote.cli", "2025", "--json", "--seed", "3", "--draws", "2000"]
    first, second = subprocess_run(argv), subprocess_run(argv)
    assert first.returncode == 0, first.stderr.decode()
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert (data["year"], data["through"], data["members"]) == (2025, 2024, 193)
    assert [s["name"] for s in data["scenarios"]] == BUILTIN
    for scenario in data["scenarios"]:
        assert list(scenario["expected"]) == OUTCOMES
        assert set(scenario["intervals"]) == {"80", "95"}
        for bounds in scenario["intervals"].values():
            assert list(bounds) == OUTCOMES
            assert all(len(pair) == 2 and pair[0] <= pair[1] for pair in bounds.values())
        assert scenario["last_observed"] == {
            "year": 2024,
            "yes": 187,
            "abstain": 1,
            "no": 2,
            "absent": 3,
        }
        assert len(scenario["countries"]) == 193
        for country in scenario["countries"]:
            assert list(country)[3:7] == ["p_yes", "p_abstain", "p_no", "p_absent"]
        assert scenario["draws"]["n"] == 2000
    assert not re.search(rb"-0\.0(?![0-9])", first.stdout)  # no negative zero


def test_help_mentions_the_main_options_and_the_scenario_files() -> None:
    from unvote.scenario import seed_dir

    done = subprocess_run([*forecast_command(), "--help"])
    assert done.returncode == 0
    text = done.stdout.decode()
    for option in ("--scenario", "--json", "--plot", "--backtest"):
        assert option in text
    assert str(seed_dir()) in text
    assert done.stderr == b""


def test_list_scenarios_through_the_installed_script() -> None:
    done = subprocess_run([*forecast_command(), "--list-scenarios"])
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert [line.split()[0] for line in lines[:5]] == BUILTIN


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
        "temporary file). Scenario files and the targets that cannot be written (a "
        "read-only file, a dangling link, a folder where a chart goes) are named relative "
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
