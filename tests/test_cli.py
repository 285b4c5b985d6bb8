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
import shutil
import subprocess
import sys
import tempfile
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
OUTCOMES = ["yes", "no", "abstain", "absent"]
TIMEOUT = 300

HEAD = 'name = "mine"\ndescription = "a scenario file of the user"\n'
CHANNEL = """
[[channel]]
name = "allies"
talking_point = "vote no"
select = { us_treaty_ally = true }
vote_shift = { central = 1.0, range = [0.5, 2.0] }
"""
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
}


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


# case: (arguments, pass --plot out as well, a fragment the message must contain)
CASES: dict[str, tuple[list[str], bool, str]] = {
    "year not a number": (["abc"], True, "'abc'"),
    "year before the record": (["1991"], True, "1991"),
    "year after the next vote": (["2026"], True, "2026"),
    "year without a vote": (["2020"], True, "2020"),
    "--through equal to the year": (["2025", "--through", "2025"], True, "--through"),
    "--through after the year": (["2025", "--through", "2030"], True, "--through"),
    "--through before the record": (["2025", "--through", "1991"], True, "--through"),
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
        "selects no member",
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
        "somedir",
    ),
    "--seed negative": (["2025", "--seed", "-1"], True, "--seed"),
    "--top negative": (["2025", "--top", "-1"], True, "--top"),
    "--plot under a regular file": (["2025", "--plot", "file/sub"], False, "file/sub"),
    "--bloc not a group": (["2025", "--bloc", "notagroup", "--draws", "10"], True, "notagroup"),
    "--bloc-sd negative": (["2025", "--bloc-sd", "-1", "--draws", "10"], True, "--bloc-sd"),
    "--bloc-sd not finite": (["2025", "--bloc-sd", "nan", "--draws", "10"], True, "--bloc-sd"),
    "--backtest outside the record": (["--backtest", "1990-2000"], False, "1990"),
    "--backtest not a range": (["--backtest", "abc"], False, "--backtest"),
    "no year": ([], True, "YEAR"),
    "unknown option": (["2025", "--colour", "red"], True, "--colour"),
    "year of the first vote": (["1992"], True, "1992"),
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
}


def command(args: list[str], plot: bool) -> str:
    return " ".join(["forecast", *args, *(["--plot", "out"] if plot else [])])


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
    [pytest.param(case, *spec, id=case) for case, spec in CASES.items()],
)
def test_bad_input_is_one_line_and_exit_2(workdir, case, args, plot, fragment) -> None:
    status, out, err = run_case(args, plot)
    line = _check_one_line_error(status, out, err)
    assert fragment in line
    out_dir = workdir / "out"
    assert not out_dir.exists() or not any(out_dir.iterdir()), "charts written on error"
    assert not (workdir / "file" / "sub").exists()
    assert not (workdir / "draws.csv").exists()
    assert not (workdir / "user-data").exists(), "something was imported"
    if case in CASES:
        recorded = recorded_messages()
        assert recorded.get(case) == line, f"BAD_INPUTS.md is stale: run python {__file__}"


def test_bad_inputs_md_lists_every_case() -> None:
    assert list(recorded_messages()) == list(CASES)
    assert len(CASES) >= 25


def test_readme_troubleshooting_table_is_the_generated_one() -> None:
    rows = [
        line for line in BAD_INPUTS.read_text(encoding="utf-8").splitlines() if line[:2] == "| "
    ]
    section = README.read_text(encoding="utf-8").split(README_START)[1].split(README_END)[0]
    assert section.strip().splitlines() == [*rows[:1], "|---|---|---|", *rows[1:]], (
        f"the README's troubleshooting table is stale: run python {__file__}"
    )


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


def test_table_lines_fit_in_80_columns(table_output) -> None:
    lines = table_output.splitlines()[2:]  # the two header lines are exempt
    titles = {f"{name}:" for name in BUILTIN}
    long = [line for line in lines if len(line) > 80 and line.split(" ")[0] not in titles]
    assert not long


def test_scenario_title_lines_fit_in_80_columns(table_output) -> None:
    lines = table_output.splitlines()[2:]
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]


def test_draws_out_writes_counts_then_members(tmp_path) -> None:
    target = tmp_path / "draws.csv"
    status, out, err = run(
        ["2025", "--scenario", "cable", "--draws", "50", "--seed", "1", "--draws-out", str(target)]
    )
    assert status == 0, err
    lines = target.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[:5] == ["draw", "yes", "abstain", "no", "absent"]
    codes = header[5:]
    assert len(codes) == 193 == len(set(codes))
    assert {"CUB", "USA", "POL"} <= set(codes)
    assert all(len(c) == 3 and c.isupper() for c in codes)
    assert len(lines) == 51
    first = lines[1].split(",")
    assert sum(int(n) for n in first[1:5]) == 193
    assert set(first[5:]) <= {"yes", "abstain", "no", "absent"}
    assert "80 % of draws" in out


def test_draws_out_with_several_scenarios_writes_one_file_each(tmp_path) -> None:
    target = tmp_path / "draws.csv"
    args = ["2025", "--scenario", "baseline", "--scenario", "cable", "--draws", "5"]
    status, _, err = run([*args, "--draws-out", str(target)])
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draws-baseline.csv", "draws-cable.csv"]


def test_past_vote_with_scenarios_that_apply_then() -> None:
    status, out, err = run(
        ["2019", "--through", "2018", "--scenario", "baseline", "--scenario", "allies"]
    )
    assert status == 0, err
    assert "fitted on the votes of 2018 and before" in out
    assert "recorded 2018" in out


def test_past_vote_with_every_builtin() -> None:
    status, out, err = run(["2019", "--through", "2018"])
    assert status == 0, err
    assert "fitted on the votes of 2018 and before" in out
    # The Ukraine channel cannot act before the 2022 ES-11 votes: those scenarios are skipped.
    assert "skipped cable: channel 'ukraine-argument' selects no member in 2019" in out


# ----------------------------------------------------------------------------- subprocesses


def forecast_command() -> list[str]:
    """The installed ``forecast`` script beside this Python, else ``python -m unvote.cli``."""
    script = shutil.which("forecast", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "unvote.cli"]


def subprocess_run(argv: list[str], **kwargs) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=env, **kwargs)


def test_json_output_is_deterministic_and_has_the_documented_shape() -> None:
    argv = [sys.executable, "-m", "unvote.cli", "2025", "--json", "--seed", "3", "--draws", "2000"]
    first, second = subprocess_run(argv), subprocess_run(argv)
    assert first.returncode == 0, first.stderr.decode()
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert (data["year"], data["through"], data["members"]) == (2025, 2024, 193)
    assert [s["name"] for s in data["scenarios"]] == BUILTIN
    for scenario in data["scenarios"]:
        assert set(scenario["expected"]) == set(OUTCOMES)
        assert set(scenario["intervals"]) == {"80", "95"}
        for bounds in scenario["intervals"].values():
            assert set(bounds) == set(OUTCOMES)
            assert all(len(pair) == 2 and pair[0] <= pair[1] for pair in bounds.values())
        assert scenario["last_observed"] == {
            "year": 2024,
            "yes": 187,
            "no": 2,
            "abstain": 1,
            "absent": 3,
        }
        assert len(scenario["countries"]) == 193
        for country in scenario["countries"]:
            assert {"iso3", "country", "last_vote", "p_yes", "p_abstain", "p_no"} <= set(country)
            assert "p_absent" in country
        assert scenario["draws"]["n"] == 2000


def test_help_mentions_the_main_options() -> None:
    done = subprocess_run([*forecast_command(), "--help"])
    assert done.returncode == 0
    text = done.stdout.decode()
    for option in ("--scenario", "--json", "--plot", "--backtest"):
        assert option in text
    assert done.stderr == b""


def test_list_scenarios_through_the_installed_script() -> None:
    done = subprocess_run([*forecast_command(), "--list-scenarios"])
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 5
    assert [line.split()[0] for line in lines] == BUILTIN


def test_bad_input_in_a_real_process(tmp_path) -> None:
    done = subprocess_run([*forecast_command(), "2025", "--scenario", "cabel"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("forecast: error: ")
    assert "'cable'" in err


# ----------------------------------------------------------------------------- BAD_INPUTS.md


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def write_bad_inputs_md() -> None:
    """Run every case in a scratch directory and write the table of messages."""
    rows = []
    with tempfile.TemporaryDirectory() as folder, _cwd(Path(folder)):
        make_workdir(Path(folder))
        os.environ["UNVOTE_DATA_DIR"] = str(Path(folder) / "user-data")
        os.environ.pop("UNVOTE_GA_DATA", None)
        for case, (args, plot, _) in CASES.items():
            status, _, err = run_case(args, plot)
            assert status == 2 and err.count("\n") == 1, (case, status, err)
            rows.append(f"| {case} | `{_escape(command(args, plot))}` | `{_escape(err.strip())}` |")
    text = (
        "# Bad inputs and the messages they give\n\n"
        "Every one exits with status 2 and writes one line on stderr (nothing on stdout, "
        "no chart). Scenario files are named relative to the working directory. Generated "
        "by `python tests/test_cli.py` and checked by `tests/test_cli.py`. The `data import` "
        "cases import nothing.\n\n"
        "| case | command | message |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    BAD_INPUTS.write_text(text, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    table = "| case | command | message |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    README.write_text(f"{head}{README_START}\n{table}{README_END}{tail}", encoding="utf-8")


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
    print(f"wrote {BAD_INPUTS}")


def test_country_shows_the_member_under_every_scenario() -> None:
    status, out, err = run(["2025", "--top", "0", "--country", "Türkiye", "--country", "usa"])
    assert status == 0, err
    assert "Türkiye (TUR), last vote yes" in out
    assert "United States of America (USA), last vote no" in out
    block = out.split("United States of America (USA)")[1].splitlines()
    assert [line.split()[0] for line in block[2:7]] == BUILTIN


def test_below_sets_the_thresholds_of_the_table_and_the_json() -> None:
    status, out, err = run(["2025", "--scenario", "cable", "--top", "0", "--below", "150"])
    assert status == 0, err
    assert "P(yes <150: " in out and "<185" not in out
    status, out, err = run(["2025", "--scenario", "cable", "--json", "--below", "150"])
    assert status == 0, err
    assert list(json.loads(out)["scenarios"][0]["prob_yes_below"]) == ["150"]
