"""A user's imports: the round trip on the UN's files, overlaps, atomic writes, status, reset."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import unvote
from unvote.cli.main import main
from unvote.errors import DataDirError, RecordConflictError
from unvote.record import loaders as load
from unvote.record import store

FILES = [*(f"{n}.json.gz" for n in range(74, 80)), "ES-10.json.gz", "ES-11.json.gz"]


@pytest.fixture(autouse=True)
def user_data(monkeypatch, tmp_path) -> Path:
    """Each test has its own empty data directory and the shipped record as base."""
    monkeypatch.delenv("UNVOTE_GA_DATA", raising=False)
    folder = tmp_path / "user-data"
    monkeypatch.setenv("UNVOTE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def base_without_dgacm(tmp_path_factory) -> Path:
    """The shipped record without its DGACM roll calls (2022-2025): a base that lacks them."""
    folder = tmp_path_factory.mktemp("base")
    shipped = load.data_path("ga")
    calls = pd.read_csv(shipped / "roll_calls.csv.gz", dtype=str, keep_default_na=False)
    votes = pd.read_csv(shipped / "votes.csv.gz", dtype=str, keep_default_na=False)
    calls = calls[calls["source"] != "dgacm"]
    votes = votes[votes["id"].isin(calls["id"])]
    for name, frame in (("roll_calls", calls), ("votes", votes)):
        data = frame.to_csv(index=False).encode("utf-8")
        (folder / f"{name}.csv.gz").write_bytes(gzip.compress(data, compresslevel=1))
    return folder


@pytest.fixture
def without_dgacm(monkeypatch, base_without_dgacm) -> Path:
    monkeypatch.setenv("UNVOTE_GA_DATA", str(base_without_dgacm))
    return base_without_dgacm


@pytest.fixture
def no_shipped_resolutions(monkeypatch, tmp_path) -> None:
    """Shipped resolution and sponsor tables with their header only."""
    real = load.data_path
    folder = tmp_path / "shipped"
    folder.mkdir()
    headers = {
        "ga/resolutions.csv.gz": ",".join(load.RESOLUTION_COLUMNS),
        "ga/sponsors.csv.gz": "symbol,role,kind,iso3,name",
    }
    for name, header in headers.items():
        (folder / Path(name).name).write_bytes(gzip.compress(f"{header}\n".encode()))
    monkeypatch.setattr(
        load, "data_path", lambda name: folder / Path(name).name if name in headers else real(name)
    )


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the data directory), by relative name."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def altered_es11(shared_data: Path, folder: Path) -> Path:
    """ES-11 as published, but Belarus voting yes on ES-11/1 (it voted no)."""
    lines = gzip.decompress((shared_data / "dgacm" / "ES-11.json.gz").read_bytes()).splitlines()
    first = json.loads(lines[0])
    assert first["symbol"] == "A/RES/ES-11/1" and "BELARUS" in first["MS_against"]
    first["MS_against"].remove("BELARUS")
    first["MS_in_favour"].append("BELARUS")
    first["MS_against_count"] = str(len(first["MS_against"]))
    first["MS_in_favour_count"] = str(len(first["MS_in_favour"]))
    lines[0] = json.dumps(first, ensure_ascii=False).encode("utf-8")
    path = folder / "ES-11-altered.json"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


# ----------------------------------------------------------------------------- the round trip


@pytest.mark.slow
def test_the_un_files_rebuild_the_recorded_votes_of_2022_2025(
    shared_data, without_dgacm, no_shipped_resolutions, user_data
) -> None:
    before = unvote.load_roll_calls()
    assert before["date"].max() == pd.Timestamp("2021-12-24") and len(before) == 6522
    status, out, err = cli("data", "import", *(str(shared_data / "dgacm" / f) for f in FILES))
    assert status == 0, err
    assert err == ""  # progress only on a terminal
    assert "added: 298 roll calls (57,514 member-votes), 1,929 resolutions" in out
    assert "already in the record (agreeing): 266 roll calls, 0 resolutions" in out

    calls = unvote.load_roll_calls()
    votes = unvote.load_member_votes(roll_calls=calls)
    assert len(calls) == 6522 + 298 and len(votes) == len(unvote.load_member_votes(without_dgacm))
    new = calls[calls["date"] >= "2022-01-01"].set_index("id")
    truth = pd.read_csv(shared_data / "unga" / "roll_calls.csv.gz", dtype=str)
    truth = truth[truth["source"] == "dgacm"].set_index("id")
    # The one roll call of session 80 in the record comes from a file not provided.
    assert sorted(set(truth.index) - set(new.index)) == ["dgacm:A/RES/80/1"]
    truth = truth.loc[new.index]
    assert (new["date"].dt.strftime("%Y-%m-%d") == truth["date"]).all()
    for column in ["session", "yes", "no", "abstain", "absent", "members"]:
        assert (new[column].astype(str) == truth[column]).all(), column
    for column in ["session_type", "resolution"]:
        assert (new[column] == truth[column]).all(), column
    assert set(new["source"]) == {"import"}
    truth_votes = pd.read_csv(shared_data / "unga" / "votes.csv.gz", dtype=str)
    truth_votes = truth_votes[truth_votes["id"].isin(new.index)]
    mine = votes[votes["id"].isin(new.index)].astype(str)
    pd.testing.assert_frame_equal(
        mine.sort_values(["id", "iso3"], ignore_index=True),
        truth_votes.sort_values(["id", "iso3"], ignore_index=True),
    )
    assert len(mine) == 57_514

    resolutions = load.load_resolutions()
    assert len(resolutions) == 1929
    recorded = resolutions[resolutions["adoption"] == "recorded vote"]
    assert recorded["roll_call"].isin(calls["id"]).all() and len(recorded) == 565
    # Overlaps with the UN Digital Library link to its records, the part-less symbol included.
    linked = recorded.set_index("symbol")["roll_call"]
    assert linked["A/RES/75/250"] == calls.set_index("resolution").loc["A/RES/75/250 A", "id"]
    assert linked["A/RES/75/254 A-C"].startswith("undl:")
    assert linked["A/RES/79/7"] == "dgacm:A/RES/79/7"
    sponsors = load.load_sponsors()
    assert set(sponsors["symbol"]) <= set(resolutions["symbol"])
    assert sponsors.query("kind == 'observer'")["iso3"].unique().tolist() == ["PSE"]

    status, out, err = cli("data", "status")
    assert status == 0, err
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["imported"][1:5] == ["298", "1,929", "8", "2025-09-05"]
    assert rows["all"][1:5] == ["6,820", "1,929", "8", "2025-09-05"]


def test_importing_what_the_record_holds_adds_nothing(shared_data, user_data) -> None:
    files = [shared_data / "dgacm" / f for f in ("77.json.gz", "ES-10.json.gz", "ES-11.json.gz")]
    summary = unvote.import_extract(*files)
    assert (summary.roll_calls, summary.votes, summary.resolutions, summary.sponsors) == (0,) * 4
    assert summary.in_record == 88 + 3 + 6
    assert summary.known_resolutions == 343 + 3 + 6
    assert summary.last_vote == pd.Timestamp("2026-06-04")
    assert any("A/RES/77/293" in note for note in summary.notes)
    assert len(unvote.load_roll_calls()) == 6986
    manifest = json.loads((user_data / "imports" / "manifest.json").read_text())
    assert [Path(e["file"]).name for e in manifest["imports"]] == [f.name for f in files]


def test_imports_check_against_a_compiled_copy_of_the_record(shared_data, monkeypatch) -> None:
    # The compiled format (absent and members columns, no member_diff) as UNVOTE_GA_DATA.
    monkeypatch.setenv("UNVOTE_GA_DATA", str(shared_data / "unga"))
    summary = unvote.import_extract(shared_data / "dgacm" / "ES-11.json.gz")
    assert (summary.roll_calls, summary.in_record) == (0, 6)
    assert len(unvote.load_member_votes()) == 1_076_611


def test_the_same_file_twice_gives_byte_identical_tables(shared_data, without_dgacm, user_data):
    path = shared_data / "dgacm" / "ES-11.json.gz"
    first = unvote.import_extract(path)
    assert (first.roll_calls, first.votes) == (6, 6 * 193)
    tables = {k: v for k, v in snapshot(user_data).items() if k.endswith(".csv.gz")}
    again = unvote.import_extract(path)
    assert (again.roll_calls, again.in_record) == (0, 6)
    assert {k: v for k, v in snapshot(user_data).items() if k.endswith(".csv.gz")} == tables
    entries = json.loads((user_data / "imports" / "manifest.json").read_text())["imports"]
    assert [e["repeat"] for e in entries] == [False, True]
    assert len(unvote.load_roll_calls()) == 6522 + 6


# ----------------------------------------------------------------------------- overlaps


def test_a_disagreement_with_the_record_is_refused_and_named(shared_data, user_data, tmp_path):
    path = altered_es11(shared_data, tmp_path)
    with pytest.raises(RecordConflictError) as info:
        unvote.import_extract(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 1: A/RES/ES-11/1: disagrees with roll call ")
    assert "dgacm:A/RES/ES-11/1" in message
    assert "BLR voted yes in the extract, no there; nothing imported" in message
    assert snapshot(user_data) == {}


def test_a_disagreement_with_an_earlier_import_is_refused(shared_data, without_dgacm, user_data):
    unvote.import_extract(shared_data / "dgacm" / "ES-11.json.gz")
    before = snapshot(user_data)
    with pytest.raises(RecordConflictError, match="BLR voted yes in the extract, no there"):
        unvote.import_extract(altered_es11(shared_data, user_data.parent))
    assert snapshot(user_data) == before


def test_a_resolution_or_roll_call_with_another_date_is_refused(shared_data, user_data, tmp_path):
    for name, date, fragment in [
        # Adopted without a vote: checked against the shipped resolutions.
        ("77.json.gz", "30 September 2022", "A/RES/77/1: date 2022-09-30 in the extract"),
        # A recorded vote: checked against the roll call first.
        ("ES-10.json.gz", "28 October 2023", "dated 2023-10-28 in the extract, 2023-12-12 there"),
    ]:
        lines = gzip.decompress((shared_data / "dgacm" / name).read_bytes()).splitlines()
        first = json.loads(lines[0])
        first["adoption_date"] = date
        path = tmp_path / "altered.json"
        path.write_text(json.dumps(first, ensure_ascii=False) + "\n", encoding="utf-8")
        with pytest.raises(RecordConflictError) as info:
            unvote.import_extract(path)
        assert str(info.value).startswith(f"{path}, line 1: A/RES/")
        assert fragment in str(info.value)
    assert snapshot(user_data) == {}


# ----------------------------------------------------------------------------- atomic writes


def test_an_interrupted_write_leaves_the_previous_state(
    shared_data, without_dgacm, user_data, monkeypatch
) -> None:
    unvote.import_extract(shared_data / "dgacm" / "ES-10.json.gz")
    before = snapshot(user_data)
    written = []
    real = store.write_table

    def interrupted(path, frame):
        if written:
            raise KeyboardInterrupt  # Ctrl-C while the second table is written
        written.append(path)
        real(path, frame)

    monkeypatch.setattr(store, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        unvote.import_extract(shared_data / "dgacm" / "ES-11.json.gz")
    assert written and snapshot(user_data) == before
    assert sorted(p.name for p in user_data.iterdir()) == ["imports"]
    assert len(unvote.load_roll_calls()) == 6522 + 3


def test_a_failed_swap_puts_the_previous_imports_back(
    shared_data, without_dgacm, user_data, monkeypatch
) -> None:
    unvote.import_extract(shared_data / "dgacm" / "ES-10.json.gz")
    before = snapshot(user_data)
    real, calls = store.os.replace, []

    def failing(source, target):
        calls.append(target)
        if len(calls) == 2:  # the new folder into place: the disk is full
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(store.os, "replace", failing)
    with pytest.raises(DataDirError, match=r"No space left on device\); nothing imported"):
        unvote.import_extract(shared_data / "dgacm" / "ES-11.json.gz")
    monkeypatch.setattr(store.os, "replace", real)
    assert snapshot(user_data) == before


def test_a_process_killed_between_the_two_renames_is_repaired(
    shared_data, without_dgacm, user_data
) -> None:
    unvote.import_extract(shared_data / "dgacm" / "ES-10.json.gz")
    before = snapshot(user_data)
    (user_data / "imports").rename(user_data / ".imports-old-12345")
    status = unvote.data_status()
    assert status.loc["imported", "roll_calls"] == 3
    assert snapshot(user_data) == before


def test_an_unwritable_data_directory_is_one_clear_error(shared_data, monkeypatch, tmp_path):
    (tmp_path / "file").write_text("a file\n")
    monkeypatch.setenv("UNVOTE_DATA_DIR", str(tmp_path / "file" / "data"))
    with pytest.raises(DataDirError, match="UNVOTE_DATA_DIR"):
        unvote.import_extract(shared_data / "dgacm" / "ES-10.json.gz")


# ----------------------------------------------------------------------------- status and reset


def test_status_of_the_shipped_record(user_data) -> None:
    status = unvote.data_status()
    assert list(status.index) == ["shipped", "imported", "all"]
    assert status.loc["shipped", ["roll_calls", "resolutions"]].tolist() == [6986, 2192]
    assert status.loc["all", "last_vote"] == pd.Timestamp("2026-06-04")
    assert status.loc["imported", "roll_calls"] == 0
    assert pd.isna(status.loc["imported", "last_vote"])
    assert status.loc["imported", "location"] == str(user_data / "imports")
    assert not user_data.exists()  # asking creates nothing


def test_status_names_a_newer_copy(without_dgacm) -> None:
    status = unvote.data_status()
    assert list(status.index) == ["shipped", "UNVOTE_GA_DATA", "imported", "all"]
    assert status.loc["UNVOTE_GA_DATA", "roll_calls"] == 6522
    assert status.loc["all", "last_vote"] == pd.Timestamp("2021-12-24")


def test_reset_removes_every_import(shared_data, without_dgacm, user_data) -> None:
    unvote.import_extract(shared_data / "dgacm" / "ES-11.json.gz")
    assert unvote.data_status().loc["all", "last_vote"] == pd.Timestamp("2023-02-23")
    status, out, err = cli("data", "reset")
    assert status == 0, err
    assert out == f"removed the imports of 1 file(s) from {user_data / 'imports'}\n"
    assert not (user_data / "imports").exists()
    assert len(unvote.load_roll_calls()) == 6522
    assert unvote.reset_imports() == 0


def test_progress_goes_to_a_terminal_only(shared_data, user_data, monkeypatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = io.StringIO(), Terminal()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["data", "import", str(shared_data / "dgacm" / "ES-10.json.gz")]) == 0
    steps = err.getvalue().splitlines()
    assert steps[0].startswith("forecast data: reading ") and steps[-1].startswith(
        "forecast data: writing"
    )
    assert out.getvalue().startswith("imported ES-10.json.gz\n")


def test_json_output_of_import_and_status(shared_data, user_data) -> None:
    status, out, _ = cli("data", "import", "--json", str(shared_data / "dgacm" / "ES-10.json.gz"))
    assert status == 0
    data = json.loads(out)
    assert data["added"]["roll_calls"] == 0 and data["already_in_record"]["roll_calls"] == 3
    status, out, _ = cli("data", "status", "--json")
    data = json.loads(out)
    assert data["shipped"] == {
        "roll_calls": 6986,
        "resolutions": 2192,
        "files": 0,
        "last_vote": "2026-06-04",
        "location": str(load.data_path("ga")),
    }
    assert data["imported"]["files"] == 1


def test_data_help_and_the_forecast_command_side_by_side() -> None:
    status, out, err = cli("data", "--help")
    assert status == 0 and "import" in out and "status" in out and "reset" in out
    status, out, err = cli("data")
    assert status == 2 and err.count("\n") == 1 and "COMMAND" in err
