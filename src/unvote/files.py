"""Writing files safely: every target checked before any work, every write atomic.

Two steps, both for the charts, the draws file and a saved model:

* :func:`check_file` and :func:`check_folder` look at a target before any
  work is done and raise :class:`~unvote.errors.OutputError` (one line, naming
  the path and why) for a folder where a file should go, an existing file that
  is read-only or not a regular file, a dangling symbolic link, a name longer
  than the file system allows, or a folder that cannot be created or written
  (tried with a probe file, so read-only mounts and ``/proc`` are caught too).
* :func:`staged` collects writes: each file is written to a hidden temporary
  file in its own folder (``.unvote-*.tmp``) and renamed into place
  (:func:`os.replace`, atomic on POSIX) only when every write has succeeded.
  On any failure or interruption (a full disk, Ctrl-C, SIGTERM) the temporary
  files, and the folders made for them, are removed: no new file is left
  behind, and a reader never sees a half-written file.  Two processes writing
  the same file each rename a complete file into place; the last one wins.

Stagings nest: a write inside an active :func:`staged` block joins it, so a
caller can make several library writes (charts and draws) succeed or fail as one.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     target = pathlib.Path(tmp) / "out" / "note.txt"
...     with staged():
...         _ = write_text(target, "hello")
...         print(target.exists())            # not yet: renamed into place at the end
...     print(target.read_text(), sorted(p.name for p in target.parent.iterdir()))
False
hello ['note.txt']
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from unvote.errors import OutputError, UnvoteError

NAME_MAX = 255
"""Longest file or folder name (bytes) accepted; the limit of common file systems."""

PATH_MAX = 4096
"""Longest path (bytes) accepted."""

TEMP_PREFIX = ".unvote-"
TEMP_SUFFIX = ".tmp"

PathLike = str | os.PathLike[str]


def quoted(path: PathLike) -> str:
    """A path as it appears in messages: quoted, with control characters escaped.

    >>> quoted("out/a\\nb.png")
    "'out/a\\\\nb.png'"
    """
    return repr(os.fspath(path))


def _fail(what: str, path: PathLike, reason: str) -> OutputError:
    prefix = f"{what}: " if what else ""
    return OutputError(f"{prefix}{quoted(path)} {reason}")


def _check_text(text: str, what: str, kind: str) -> None:
    if not text:
        raise OutputError(f"{what}: needs a {kind} name, not an empty one")
    if "\0" in text:
        raise _fail(what, text, "contains a NUL character")
    encoded = os.fsencode(text)
    if len(encoded) > PATH_MAX:
        raise _fail(what, text[:40] + "...", f"is {len(encoded):,} bytes long; at most {PATH_MAX}")
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            shown = part[:20] + "..." + part[-10:]
            raise _fail(
                what, text.replace(part, shown), f"has a name of {size} bytes; at most {NAME_MAX}"
            )


def _check_writable_folder(folder: Path, what: str, target: PathLike) -> None:
    """The nearest existing ancestor of ``folder`` (itself included) must be a writable folder."""
    existing = Path(folder)  # as given, so that messages show the path the user wrote
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if existing.is_symlink() and not existing.exists():
        raise _fail(what, target, f"cannot be written: {quoted(existing)} is a dangling link")
    if not existing.is_dir():
        raise _fail(what, target, f"cannot be written: {quoted(existing)} is not a folder")
    # Permission bits do not tell (root, read-only mounts, /proc): try a probe file.
    try:
        probe = _create_temp(existing, ".probe")
    except OSError as err:
        reason = err.strerror or str(err)
        raise _fail(what, target, f"cannot be written in {quoted(existing)} ({reason})") from None
    with contextlib.suppress(OSError):
        probe.unlink()


def check_folder(path: PathLike, what: str = "") -> Path:
    """Check that files can be written into folder ``path`` (made if missing); return it.

    Nothing is created (a probe file is made and removed at once).
    ``what`` (e.g. ``"--plot"``) starts the message of the error.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (pathlib.Path(tmp) / "file").touch()
    ...     check_folder(pathlib.Path(tmp) / "file" / "charts", "--plot")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unvote.errors.OutputError: --plot: '...' cannot be written: '.../file' is not a folder
    """
    text = os.fspath(path)
    _check_text(text, what, "folder")
    folder = Path(text)
    if folder.is_symlink() and not folder.exists():
        raise _fail(what, text, "is a symbolic link to something that does not exist")
    if folder.exists() and not folder.is_dir():
        raise _fail(what, text, "is not a folder")
    _check_writable_folder(folder, what, text)
    return folder


def check_file(path: PathLike, what: str = "") -> Path:
    """Check that a file can be written at ``path``; return the path to write.

    A symbolic link to an existing regular file is followed: the file it
    points to is replaced.  Nothing is created.

    >>> check_file("/dev/full", "--draws-out")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unvote.errors.OutputError: --draws-out: '/dev/full' is not a regular file (...)
    """
    text = os.fspath(path)
    _check_text(text, what, "file")
    if text.endswith((os.sep, "/")):
        raise _fail(what, text, "names a folder; give a file name")
    target = Path(text)
    if target.is_symlink():
        resolved = target.resolve()
        if not resolved.exists():
            pointed = quoted(os.readlink(target))
            raise _fail(what, text, f"is a symbolic link to {pointed}, which does not exist")
        target = resolved
    try:
        info = target.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None  # the folder check below says what is wrong
    except OSError as err:
        raise _fail(what, text, f"cannot be checked ({err.strerror or err})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise _fail(what, text, "is a folder; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise _fail(what, text, "is not a regular file (a device, pipe or socket)")
        if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise _fail(what, text, "exists and is read-only; remove it or make it writable")
    _check_writable_folder(target.parent, what, text)
    return target


def check_files(paths: Iterator[PathLike] | list[PathLike], what: str = "") -> list[Path]:
    """:func:`check_file` of every path, in order; the first problem raises."""
    return [check_file(path, what) for path in paths]


# ----------------------------------------------------------------------------- staging


def _create_temp(folder: Path, suffix: str = TEMP_SUFFIX) -> Path:
    """A new empty file in ``folder`` with a short random hidden name (mode 0666 less umask)."""
    for _ in range(100):
        path = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"no free temporary name in {folder}")


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while files are renamed into place, so a set is never cut."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class Staging:
    """Writes in progress: temporary files waiting to be renamed into place together.

    Use through :func:`staged`; :meth:`temporary` gives the file to write for a target.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path, bool]] = []  # (temporary, target, existed)
        self._made: list[Path] = []
        self.current: Path | None = None
        """The target being written, named in the error of a failed write."""

    def temporary(self, target: PathLike) -> Path:
        """A new temporary file beside ``target`` (its folders made if missing)."""
        target = Path(target)
        self.current = target
        self._make_folders(target.parent)
        existed = os.path.lexists(target)
        while True:
            temp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
            # Recorded before it exists: an interruption in between still removes it.
            self._pending.append((temp, target, existed))
            try:
                os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                break
            except FileExistsError:
                self._pending.pop()
        with contextlib.suppress(OSError):
            # A file that is replaced keeps its permissions.
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        return temp

    def size(self, target: PathLike) -> int:
        """The size in bytes of what will be (or was) written to ``target``."""
        for temp, staged_target, _ in self._pending:
            if staged_target == Path(target):
                return temp.stat().st_size
        return Path(target).stat().st_size

    @property
    def targets(self) -> list[Path]:
        """The files that :meth:`commit` will put in place, in the order they were staged."""
        return [target for _, target, _ in self._pending]

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not os.path.lexists(folder) and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            self._made.append(path)  # recorded first, as temporary files are
            path.mkdir()

    def commit(self) -> None:
        """Rename every temporary file into place; undo the new ones if a rename fails."""
        done: list[tuple[Path, bool]] = []
        with _signals_deferred():
            try:
                for temp, target, existed in self._pending:
                    self.current = target
                    os.replace(temp, target)
                    done.append((target, existed))
            except BaseException:
                for target, existed in done:
                    if not existed:
                        with contextlib.suppress(OSError):
                            target.unlink()
                raise
        self._pending.clear()
        self._made.clear()

    def abort(self) -> None:
        """Remove the temporary files and the folders made for them."""
        for temp, _, _ in self._pending:
            with contextlib.suppress(OSError):
                temp.unlink()
        self._pending.clear()
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: never a user's file
        self._made.clear()


_ACTIVE: contextvars.ContextVar[Staging | None] = contextvars.ContextVar(
    "unvote_staging", default=None
)


@contextlib.contextmanager
def staged() -> Iterator[Staging]:
    """Collect the writes made inside the block and put them in place together at its end.

    Inside an active staging, joins it (the outermost block commits).  A
    failed write (``OSError``) becomes :class:`~unvote.errors.OutputError`
    naming the file; on any exception or interruption nothing new is left.
    """
    outer = _ACTIVE.get()
    if outer is not None:
        yield outer
        return
    stage = Staging()
    token = _ACTIVE.set(stage)
    try:
        try:
            yield stage
            stage.commit()
        except UnvoteError:
            stage.abort()
            raise
        except OSError as err:
            stage.abort()
            where = quoted(stage.current) if stage.current is not None else "a file"
            raise OutputError(f"cannot write {where}: {err.strerror or err}") from err
        except BaseException:
            stage.abort()
            raise
    finally:
        _ACTIVE.reset(token)


@contextlib.contextmanager
def open_for_writing(path: PathLike, what: str = "", mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file that replaces ``path`` when the (outermost) staging ends.

    ``path`` is checked first (:func:`check_file`).
    """
    target = check_file(path, what)
    with staged() as stage:
        temp = stage.temporary(target)
        with open(temp, mode) as handle:
            yield handle


def write_with(path: PathLike, writer: Callable[[Path], None], what: str = "") -> Path:
    """Let ``writer(temporary_path)`` write the file that replaces ``path``; return ``path``.

    For writers that want a path rather than a handle (``Figure.savefig``).
    """
    target = check_file(path, what)
    with staged() as stage:
        writer(stage.temporary(target))
    return Path(path)


def write_text(path: PathLike, text: str, what: str = "", encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; return ``path``."""
    with open_for_writing(path, what, "wb") as handle:
        handle.write(text.encode(encoding))
    return Path(path)
