"""Safe writes: every target checked before any work, every write staged and atomic."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from unvote import files
from unvote.errors import OutputError


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ----------------------------------------------------------------------------- checks


@pytest.fixture
def place(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "read-only").write_text("x", encoding="utf-8")
    (tmp_path / "read-only").chmod(0o444)
    (tmp_path / "folder").mkdir()
    (tmp_path / "dangling").symlink_to("nowhere/at/all")
    (tmp_path / "linked").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to("linked")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "needs a file name"),
        ("folder", "is a folder"),
        ("new/", "names a folder"),
        ("read-only", "is read-only"),
        ("dangling", "symbolic link to 'nowhere/at/all', which does not exist"),
        ("file/sub.csv", "'file' is not a folder"),
        ("x" * 256, "has a name of 256 bytes; at most 255"),
        ("a\0b", "NUL"),
    ],
)
def test_check_file_refuses_what_cannot_be_written(place, monkeypatch, name, reason) -> None:
    monkeypatch.chdir(place)
    before = listing(place)
    with pytest.raises(OutputError, match="^--out: .*" + reason.replace("(", r"\(")):
        files.check_file(name, "--out")
    assert listing(place) == before  # the probe leaves nothing


def test_check_file_refuses_devices_and_proc() -> None:
    with pytest.raises(OutputError, match="not a regular file"):
        files.check_file("/dev/full")
    with pytest.raises(OutputError, match="cannot be written"):
        files.check_file("/proc/unvote.csv")


def test_check_file_accepts_new_files_existing_ones_and_links(place) -> None:
    assert (
        files.check_file(place / "new" / "deeper" / "draws.csv") == place / "new/deeper/draws.csv"
    )
    assert files.check_file(place / "file") == place / "file"
    assert files.check_file(place / "link") == (place / "linked").resolve()
    assert not (place / "new").exists()  # checked, not made


def test_check_folder(place) -> None:
    assert files.check_folder(place / "charts") == place / "charts"
    with pytest.raises(OutputError, match="is not a folder"):
        files.check_folder(place / "file")
    with pytest.raises(OutputError, match=r"'.*file' is not a folder"):
        files.check_folder(place / "file" / "charts")
    with pytest.raises(OutputError, match="symbolic link"):
        files.check_folder(place / "dangling")
    assert not (place / "charts").exists()


# ----------------------------------------------------------------------------- staging


def test_files_appear_together_at_the_end_of_the_staging(tmp_path) -> None:
    with files.staged():
        files.write_text(tmp_path / "a.txt", "a")
        files.write_text(tmp_path / "sub" / "b.txt", "b")
        assert not (tmp_path / "a.txt").exists()
        assert all(p.name.startswith(".unvote-") for p in tmp_path.rglob("*.tmp"))
    assert listing(tmp_path) == ["a.txt", "sub", "sub/b.txt"]
    assert (tmp_path / "sub" / "b.txt").read_text() == "b"


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError, OutputError])
def test_a_failure_or_interruption_leaves_nothing(tmp_path, error) -> None:
    (tmp_path / "kept.txt").write_text("old", encoding="utf-8")
    with pytest.raises(error), files.staged():
        files.write_text(tmp_path / "kept.txt", "new")
        files.write_text(tmp_path / "made" / "deep" / "c.txt", "c")
        raise error("stop")
    assert listing(tmp_path) == ["kept.txt"]  # no temporary file, no folder made
    assert (tmp_path / "kept.txt").read_text() == "old"


def test_a_full_disk_is_one_output_error_naming_the_file(tmp_path) -> None:
    # (A real full disk is met in tests/test_cli.py, with a file size limit.)
    with pytest.raises(OutputError, match=r"cannot write '.*b\.bin': No space left on device"):
        with files.staged():
            files.write_text(tmp_path / "a.txt", "a")
            with files.open_for_writing(tmp_path / "b.bin") as handle:
                handle.write(b"x" * 100_000)
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert listing(tmp_path) == []


def test_a_failed_rename_undoes_the_new_files(tmp_path, monkeypatch) -> None:
    real_replace = os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "I/O error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OutputError, match="I/O error"), files.staged():
        files.write_text(tmp_path / "first.txt", "1")
        files.write_text(tmp_path / "second.txt", "2")
    assert listing(tmp_path) == []


def test_stagings_nest_and_commit_once(tmp_path) -> None:
    with files.staged() as outer:
        with files.staged() as inner:
            files.write_text(tmp_path / "a.txt", "a")
        assert inner is outer and not (tmp_path / "a.txt").exists()
        assert outer.size(tmp_path / "a.txt") == 1
    assert (tmp_path / "a.txt").read_text() == "a"


def test_a_replaced_file_keeps_its_permissions_and_new_ones_follow_the_umask(tmp_path) -> None:
    old = tmp_path / "old.txt"
    old.write_text("x", encoding="utf-8")
    old.chmod(0o640)
    files.write_text(old, "y")
    assert (old.stat().st_mode & 0o777, old.read_text()) == (0o640, "y")
    umask = os.umask(0o022)
    try:
        files.write_text(tmp_path / "new.txt", "z")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_writing_through_a_link_replaces_the_file_it_points_to(tmp_path) -> None:
    (tmp_path / "real.txt").write_text("old", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("real.txt")
    files.write_text(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "real.txt").read_text() == "new"
