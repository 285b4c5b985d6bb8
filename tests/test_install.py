"""The installed package works from any directory: its data travel with it."""

from __future__ import annotations

import subprocess
import sys


def test_import_and_load_from_another_directory(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import unvote; print(unvote.load_votes().shape)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "(6086, 7)"


def test_data_files_are_inside_the_installed_package():
    from importlib.resources import files

    shipped = files("unvote").joinpath("data")
    assert shipped.joinpath("cuba-embargo").joinpath("votes.csv").is_file()
    assert shipped.joinpath("members.csv").is_file()
