"""The installed package works from any directory: its data travel with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_import_and_load_from_another_directory(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import unvote; print(unvote.load_item_votes('cuba embargo').shape)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "(6279, 7)"  # 33 votes, 1992-2025


def test_data_files_are_inside_the_installed_package():
    from importlib.resources import files

    shipped = files("unvote").joinpath("data")
    assert shipped.joinpath("ga").joinpath("sponsors.csv.gz").is_file()
    assert shipped.joinpath("members.csv").is_file()
    assert shipped.joinpath("ga").joinpath("votes.csv.gz").is_file()


def test_the_full_record_loads_with_no_environment_variable(tmp_path):
    code = "import unvote; print(len(unvote.load_roll_calls()), len(unvote.load_member_votes()))"
    env = {k: v for k, v in os.environ.items() if k != "UNVOTE_GA_DATA"}
    env["UNVOTE_DATA_DIR"] = str(tmp_path / "empty")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["6986", "1108456"]


def test_a_fresh_install_says_the_record_runs_to_june_2026(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "UNVOTE_GA_DATA"}
    env["UNVOTE_DATA_DIR"] = str(tmp_path / "empty")
    forecast = Path(sys.executable).with_name("forecast")
    result = subprocess.run(
        [str(forecast), "data", "status"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    shipped = next(line for line in result.stdout.splitlines() if line.startswith("shipped"))
    assert "6,986" in shipped and "2026-06-04" in shipped
