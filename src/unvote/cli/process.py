"""The process boundary of the ``forecast`` command: streams, signals, exit status.

:func:`guarded` keeps the promises of a well-behaved Unix tool in one place: a
user mistake, or a write that fails, is one line on stderr, exit status 2, and
no new file (files are staged and renamed into place: :mod:`unvote.files`);
Ctrl-C exits with 130 and SIGTERM with 143, leaving no partial file; a reader
that goes away (``forecast 2025 --json | head -c 100``) ends the command
silently with 141, as SIGPIPE would; a closed or full stdout is an error, never
a silent success. Text the terminal cannot encode (``PYTHONIOENCODING=latin-1``)
is written in ASCII look-alikes, and control characters are shown escaped
(:func:`clean`). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import codecs
import os
import select
import signal
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from unvote.errors import UnvoteError

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
EXIT_PIPE = 128 + 13  # 141, as a process killed by SIGPIPE


class UsageError(UnvoteError):
    """A command-line value that cannot be used."""


class _OutputFailed(UnvoteError):
    """Standard output could not be written (a full disk, an I/O error)."""


class _PipeClosed(Exception):
    """The reader of standard output went away."""


class _Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so staged files are removed."""


_ASCII = dict(zip("…–—−×’‘“”←→\u00a0", ["...", *"---x''\"\"", "<-", "->", " "], strict=True))


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """Encode what the terminal cannot show as ASCII look-alikes ("…" -> "...", "ü" -> "u")."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(
        _ASCII.get(ch)
        or unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        or "?"
        for ch in error.object[error.start : error.end]
    ), error.end


codecs.register_error("unvote-ascii", _fallback)


def clean(text: str) -> str:
    """``text`` with control characters (escape codes, newlines, tabs) shown escaped.

    >>> clean("evil\\x1b[31m\\nname")
    'evil\\\\x1b[31m\\\\nname'
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def say(message: str, end: str = "\n") -> None:
    """Write a line on stderr; a closed or broken stderr is ignored (the status still tells)."""
    try:
        sys.stderr.write(message + end)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


def emit(text: str) -> None:
    """Write ``text`` and a newline on stdout, flushed, turning failures into exceptions.

    Bytes go out in a loop that checks what was written: a reader that goes
    away in the middle of a large write otherwise loses the rest silently.
    """
    stream = sys.stdout
    if stream is None:
        raise _OutputFailed("standard output is closed: there is nowhere to write the output")
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (io.StringIO)
            stream.write(text + "\n")
            stream.flush()
            return
        stream.flush()
        data = memoryview((text + "\n").encode(stream.encoding, stream.errors or "strict"))
        while data:
            written = buffer.write(data)
            buffer.flush()
            if not written:  # a non-blocking stdout that is full: wait until it drains
                select.select([], [buffer], [])
            data = data[written or 0 :]
    except BrokenPipeError:
        raise _PipeClosed from None
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise _OutputFailed(f"cannot write the output ({reason})") from None


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so the flush at exit cannot fail again (no second message)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def is_terminal() -> bool:
    """Is stderr a terminal (where progress is shown)?"""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (OSError, ValueError):
        return False


@contextmanager
def progress(label: str) -> Iterator[Callable[..., None]]:
    """A reporter writing ``label: ...`` on stderr while inside, only when it is a terminal."""
    shown = is_terminal()

    def report(*parts: object) -> None:
        if shown:
            say(f"\r{label}: {' '.join(str(p) for p in parts)} ...", end="")

    yield report
    if shown:
        say("\r\x1b[K", end="")


def _usable_streams() -> None:
    """Descriptors 0-2 closed at start-up point at /dev/null (no file we open takes one), and
    stdout and stderr write what they cannot encode as ASCII look-alikes."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, OSError, ValueError):
            stream.reconfigure(errors="unvote-ascii")  # type: ignore[union-attr]


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`_Terminated` (main thread only)."""

    def handler(signum: int, frame: object) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def guarded(command: Callable[[], None]) -> int:
    """Run ``command`` at the error boundary and return the exit status (see the module doc)."""
    stdout_closed = sys.stdout is None
    _usable_streams()
    try:
        with _sigterm_unwinds():
            if stdout_closed:
                raise _OutputFailed(
                    "standard output is closed: there is nowhere to write the output"
                )
            command()
        return EXIT_OK
    except UnvoteError as err:
        if isinstance(err, _OutputFailed):
            _silence_stdout()
        say(f"forecast: error: {clean(str(err))}")
        return EXIT_USAGE
    except _PipeClosed:
        _silence_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        say("forecast: interrupted")
        return EXIT_INTERRUPTED
    except _Terminated:
        say("forecast: terminated")
        return EXIT_TERMINATED


def import_plot() -> Any:
    """:mod:`unvote.report.charts`, importable whatever ``MPLBACKEND`` says (they draw with Agg)."""
    saved = None if "matplotlib" in sys.modules else os.environ.pop("MPLBACKEND", None)
    try:
        from unvote.report import charts
    finally:
        if saved is not None:
            os.environ["MPLBACKEND"] = saved
    return charts
