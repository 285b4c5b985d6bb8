"""The ``forecast`` command: a thin shell over the library.

What the command does is the library's (:func:`unvote.forecast`,
:meth:`unvote.Forecast.simulate`, :func:`unvote.backtest`,
:func:`unvote.report.charts.save_all`); this module parses options, checks every file
it will write before any work, formats text, and keeps the promises of a
well-behaved Unix tool at one boundary (:func:`guarded`):

* a user mistake, or a write that fails, is one line on stderr and exit
  status 2, and leaves no new file (every file is written to a temporary
  file and renamed into place: :mod:`unvote.files`);
* an interruption (Ctrl-C, SIGTERM) exits with status 130 (143 for SIGTERM)
  and leaves no partial file; a reader that goes away
  (``forecast 2025 --json | head -c 100``) ends the command silently with
  status 141, as SIGPIPE would; a closed or full standard output is an error,
  never a silent success;
* text that cannot be encoded for the terminal (``PYTHONIOENCODING=latin-1``,
  a C locale) is written in ASCII look-alikes; control characters in names
  and messages are shown escaped.

Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import codecs
import json
import math
import os
import select
import signal
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from unvote import files
from unvote.errors import UnvoteError
from unvote.vocabulary import LEVELS, OUTCOMES, YES_THRESHOLDS, level_key

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
EXIT_PIPE = 128 + 13  # 141, as a process killed by SIGPIPE
MAX_DRAWS = 1_000_000
MAX_TOP = 200
MAX_BELOW = 400


class UsageError(UnvoteError):
    """A command-line value that cannot be used."""


class _OutputFailed(UnvoteError):
    """Standard output could not be written (a full disk, an I/O error)."""


class _PipeClosed(Exception):
    """The reader of standard output went away."""


class _Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so staged files are removed."""


# ----------------------------------------------------------------------------- text out


_ASCII = {
    "…": "...",
    "–": "-",
    "—": "-",
    "−": "-",
    "×": "x",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "←": "<-",
    "→": "->",
    " ": " ",
}


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """Encode what the terminal cannot show as ASCII look-alikes ("…" -> "...", "ü" -> "u")."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    out = []
    for ch in text:
        plain = _ASCII.get(ch)
        if plain is None:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?"
        out.append(plain)
    return "".join(out), error.end


codecs.register_error("unvote-ascii", _fallback)


def clean(text: str) -> str:
    """``text`` with control characters (escape codes, newlines, tabs) shown escaped.

    >>> clean("evil\\x1b[31m\\nname")
    'evil\\\\x1b[31m\\\\nname'
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _clean_lines(text: str) -> str:
    return "\n".join(clean(line) for line in text.split("\n"))


def _stderr(message: str) -> None:
    """Write a line on stderr; a closed or broken stderr is ignored (the status still tells)."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(message + "\n")
        stream.flush()
    except (OSError, ValueError):
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


def _is_terminal() -> bool:
    """Is stderr a terminal (where progress is shown)?"""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (OSError, ValueError):
        return False


def _progress(label: str) -> Callable[..., None]:
    """A progress reporter writing ``label: ...`` on stderr, only when stderr is a terminal."""
    shown = _is_terminal()

    def report(*parts: object) -> None:
        if shown:
            _stderr_raw(f"\r{label}: {' '.join(str(p) for p in parts)} ...")

    return report


def _stderr_raw(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


def _end_progress(report: Callable[..., None]) -> None:
    if _is_terminal():
        _stderr_raw("\r\x1b[K")


# ----------------------------------------------------------------------------- options


def _typed(text: str) -> str:
    """A name as typed: bytes that a C locale could not decode are read as UTF-8 ("Türkiye")."""
    try:
        return os.fsencode(text).decode("utf-8")
    except UnicodeDecodeError:
        return text


def _whole(name: str, low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number within [low, high], with a message naming the option."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, not {text!r}"
            ) from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"{name} must be at least {low}, not {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{name} must be at most {high:,}, not {value:,}")
        return value

    parse.__name__ = name
    return parse


def _shock_sd(text: str) -> float:
    from unvote.forecasting.draws import MAX_SHOCK_SD

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_SHOCK_SD:
        raise argparse.ArgumentTypeError(
            f"--bloc-sd must be a number from 0 to {MAX_SHOCK_SD:g} (logit units), not {text!r}"
        )
    return value


def _range(option: str, example: str) -> Callable[[str], tuple[int, int]]:
    """An argparse type: ``FIRST-LAST``, two whole numbers in order."""

    def parse(text: str) -> tuple[int, int]:
        try:
            first_text, last_text = text.split("-")
            first, last = int(first_text), int(last_text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option} takes FIRST-LAST, e.g. {example}, not {text!r}"
            ) from None
        if first > last:
            raise argparse.ArgumentTypeError(
                f"{option} takes FIRST-LAST with FIRST <= LAST, not {text!r}"
            )
        return first, last

    parse.__name__ = option
    return parse


def _day(text: str) -> Any:
    """An argparse type for --through: a date YYYY-MM-DD, or a year (its last day)."""
    import datetime as dt

    import pandas as pd

    if text.strip().isdigit():
        return pd.Timestamp(int(text), 12, 31)
    try:
        return pd.Timestamp(dt.date.fromisoformat(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--through must be a date (YYYY-MM-DD) or a year, not {text!r}"
        ) from None


def _name(option: str, kind: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{option} needs a {kind} name, not an empty one")
        return text

    parse.__name__ = option
    return parse


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but its errors are one line (no usage dump), exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # "argument --top: --top must be ..." -> "--top must be ..."
        head, _, rest = message.partition(": ")
        if head.startswith("argument ") and rest.startswith(head[9:].split("/")[0]):
            message = rest
        _stderr(f"forecast: error: {clean(message)}")
        raise SystemExit(EXIT_USAGE)

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            if file is None or file is sys.stdout:
                emit(message.rstrip("\n"))
            else:
                _stderr(message.rstrip("\n"))


def _epilog() -> str:
    from unvote.scenarios.scenario import seed_dir

    return f"""\
examples:
  forecast 2026                          the next Cuba vote, every built-in scenario
  forecast 2025                          the Cuba vote, every built-in scenario
  forecast 2025 --item "palestine refugees"   another text's next vote
  forecast 2025 --scenario cable --top 15
  forecast 2025 --country Poland --country "Czech Republic"
  forecast 2025 --scenario my.toml --json
  forecast 2025 --draws 10000 --seed 1 --bloc eu --bloc-sd 0.5 --draws-out draws.csv.gz
  forecast 2025 --plot charts            also write the charts as PNG and SVG
  forecast 2019                          a past vote as forecast the day before, then its
                                         retrospective: votes moved, movers, each scenario's score
  forecast 2019 --through 2018           ... as forecast at the end of 2018
  forecast --roll-calls coming.csv --json   any coming roll calls
  forecast --backtest 1995-2024          each Cuba vote forecast from the votes before it
  forecast --forward-test 60-79          every roll call of sessions 60-79, against baselines
  forecast --list-scenarios
  forecast data status                   the record: shipped, imported (forecast data --help)

Scenarios are TOML files; built-in ones by name. The built-in files, to copy
as templates for your own, are in:
  {seed_dir()}
The draws file has a row a draw (scenario, draw, yes, abstain, no, absent,
then one column a member: 0 yes, 1 abstain, 2 no, 3 absent); a name ending
in .gz is written compressed.  Exit status: 0 done, 2 a mistake or a failed
write (nothing written), 130 interrupted (143 on SIGTERM), 141 when the
reader of the output goes away."""


def build_parser() -> ArgumentParser:
    """The parser of the ``forecast`` command (every option typed, numeric defaults)."""
    parser = ArgumentParser(
        prog="forecast",
        description="Forecast UN General Assembly votes: the next vote on a recurring text\n"
        "(by default the annual resolution on ending the US embargo against Cuba)\n"
        "under scenarios of a campaign for no votes and abstentions, or any coming\n"
        "roll calls listed in a file.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "year", nargs="?", type=_whole("year"), help="year of the vote to forecast, e.g. 2025"
    )
    parser.add_argument(
        "--item",
        metavar="ID|WORDS",
        type=_name("--item", "text's"),
        help="the recurring text to forecast: an item id or words of its title "
        "(default: the Cuba-embargo resolution)",
    )
    parser.add_argument(
        "--through",
        metavar="DATE",
        type=_day,
        help="use the record up to DATE (YYYY-MM-DD, or a year: its last day); default: "
        "the day before the vote, or the end of the record",
    )
    parser.add_argument(
        "--roll-calls",
        metavar="FILE",
        type=_name("--roll-calls", "file"),
        help="forecast the coming roll calls of a CSV file (columns id, date, title; "
        "optional agenda_item, committee, sponsors) instead",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME|FILE",
        help="a built-in scenario or a TOML file; repeat for several (default: all built-in)",
    )
    parser.add_argument(
        "--top",
        default=10,
        type=_whole("--top", 0, MAX_TOP),
        metavar="N",
        help="members listed per scenario, 0 for none (default: %(default)s)",
    )
    parser.add_argument(
        "--country",
        action="append",
        metavar="NAME",
        help="show this member first, under every scenario (a name or ISO code; repeatable)",
    )
    parser.add_argument(
        "--below",
        action="append",
        type=_whole("--below", 0, MAX_BELOW),
        metavar="T",
        help="report P(yes < T); repeatable (default: the text's own thresholds, for the "
        "Cuba text " + ", ".join(str(t) for t in YES_THRESHOLDS) + ")",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--plot",
        metavar="DIR",
        type=_name("--plot", "folder"),
        help="write the charts into DIR (PNG and SVG; with --backtest, its charts)",
    )
    draws = parser.add_argument_group("random draws (beside the exact distributions)")
    draws.add_argument(
        "--draws",
        default=0,
        type=_whole("--draws", 0, MAX_DRAWS),
        metavar="N",
        help="number of seeded draws per scenario (default: %(default)s, none)",
    )
    draws.add_argument(
        "--seed",
        default=0,
        type=_whole("--seed", 0, 2**32 - 1),
        metavar="S",
        help="random seed of the draws (default: %(default)s)",
    )
    draws.add_argument(
        "--bloc",
        action="append",
        metavar="GROUP",
        help="a group whose members share a shock in the draws (eu, nato, oas, ...)",
    )
    draws.add_argument(
        "--bloc-sd",
        default=0.0,
        type=_shock_sd,
        metavar="SD",
        help="standard deviation of the bloc shock, logit units (default: %(default)s)",
    )
    draws.add_argument(
        "--draws-out",
        metavar="FILE",
        type=_name("--draws-out", "file"),
        help="write every draw as CSV (FILE.csv.gz compressed, FILE.csv plain)",
    )
    parser.add_argument(
        "--backtest",
        metavar="FIRST-LAST",
        type=_range("--backtest", "1995-2024"),
        help="forecast each vote of the text (--item) in these years from the votes before it, "
        "against baselines, instead (with --json and --plot)",
    )
    parser.add_argument(
        "--forward-test",
        metavar="FIRST-LAST",
        type=_range("--forward-test", "60-79"),
        help="forecast every roll call of these sessions from the sessions before each, "
        "against baselines, instead (with --json)",
    )
    parser.add_argument(
        "--list-scenarios",
        action="store_true",
        help="list the built-in scenarios and where their files are, and exit",
    )
    return parser


def given_options(argv: Sequence[str]) -> set[str]:
    """The destinations of the options present on the command line (defaults excluded)."""
    parser = build_parser()
    for action in parser._actions:
        # No default is set, and no type applied (argparse would apply it to a string default).
        action.default, action.type = argparse.SUPPRESS, None
    return set(vars(parser.parse_args(argv)))


def _refuse_others(given: set[str], allowed: set[str], what: str) -> None:
    extra = sorted(given - allowed)
    if extra:
        shown = ", ".join("YEAR" if e == "year" else "--" + e.replace("_", "-") for e in extra)
        raise UsageError(f"{what}; it does not take {shown}")


# ----------------------------------------------------------------------------- formatting


def _fmt_range(bounds: Sequence[int]) -> str:
    return f"{bounds[0]}-{bounds[1]}"


def _signed(value: float, digits: int = 1) -> str:
    """``+1.5``, ``-0.9`` or ``0.0``: a rounded change, never ``-0.0``."""
    rounded = round(value, digits) + 0.0
    return f"{rounded:+.{digits}f}" if rounded else f"{0:.{digits}f}"


def _size(size: int) -> str:
    """A file size for people: ``812 bytes``, ``40.2 kB``, ``12.3 MB``."""
    if size < 1_000:
        return f"{size} bytes"
    return f"{size / 1e3:.1f} kB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"


def _wrap(text: str) -> str:
    """A note wrapped at 80 columns, paths kept whole."""
    return textwrap.fill(
        text, 80, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
    )


def _codes(names: Sequence[str]) -> dict[str, str]:
    return {name: str(k + 1) for k, name in enumerate(names)}


def format_scenario(
    fc: Any,
    name: str,
    top: int,
    draws: Any = None,
    thresholds: Sequence[int] | None = None,
) -> str:
    """One scenario as a compact block of text, at most 80 columns wide."""

    sf = fc.scenarios[name]
    last = fc.last_observed
    thresholds = fc.thresholds if thresholds is None else thresholds

    def row(label: str, cells: dict[str, Any]) -> str:
        return f"  {label:<18}" + "".join(f"{cells[o]:>10}" for o in OUTCOMES)

    lines = textwrap.wrap(f"{name}: {sf.description}", width=80, subsequent_indent="  ")
    if sf.scenario.uncertain:
        lines.append("  (the intervals include the uncertainty about the campaign's strength)")
    lines.append(row("", {o: o for o in OUTCOMES}))
    lines.append(row("expected", {o: f"{sf.expected[o] + 0.0:.1f}" for o in OUTCOMES}))
    for level in LEVELS:
        key = level_key(level)
        lines.append(
            row(f"{key} % interval", {o: _fmt_range(sf.intervals[key][o]) for o in OUTCOMES})
        )
    if draws is not None:
        bounds = draws.intervals(LEVELS[0])
        label = f"{level_key(LEVELS[0])} % of draws"
        lines.append(row(label, {o: _fmt_range(bounds[o]) for o in OUTCOMES}))
    if last["year"] is not None:
        lines.append(row(f"recorded {last['year']}", last))
    if fc.outcome is not None:
        lines.append(row(f"outcome {fc.year}", fc.outcome))
    below = ", ".join(f"<{t}: {sf.prob_yes_below(t):.1%}" for t in thresholds)
    said = [f"P(yes {below})"] if below else []
    if last["year"] is not None:
        shift = _signed(sf.expected["yes"] - last["yes"])
        said.insert(0, f"change in yes from {last['year']}: {shift};")
    if said and len("  " + "  ".join(said)) <= 80:
        lines.append("  " + "  ".join(said))
    else:  # probabilities of 100.0 %, or many thresholds: a line each, wrapped between them
        lines += [
            textwrap.fill(
                s.replace(": ", ":\0"), 80, initial_indent="  ", subsequent_indent="    "
            ).replace("\0", " ")
            for s in said
        ]
    if top:
        lines += _ranked_lists(sf, top)
    return "\n".join(lines)


def _ranked_lists(sf: Any, top: int) -> list[str]:
    """The scenario's two lists of members, labelled so that nobody confuses them."""
    from unvote.record.countries import display_name

    lines = []
    if sf.scenario.channels:
        codes = _codes([c.name for c in sf.scenario.channels])
        moved = sf.moved_by_campaign(top)
        lines.append("  moved by the campaign (P(not yes): without -> with it):")
        if moved.empty:
            lines.append("    none")
        for iso3, member in moved.iterrows():
            acting = ",".join(codes[c] for c in sf.members.loc[iso3, "channels"].split(", ") if c)
            lines.append(
                f"    {iso3} {member['last_vote']:<7} {member['p_not_yes_baseline']:.2f} -> "
                f"{member['p_not_yes']:.2f} ({_signed(member['change'], 2)})  {acting or '-':<6} "
                f"{display_name(member['country'])}"
            )
        lines.append("  channels: " + ", ".join(f"{k} {c}" for c, k in codes.items()))
    lines.append("  likely to change anyway, from history alone (no campaign):")
    lines.append(f"    ISO last    P(change)  {'P(yes/abstain/no/absent)':<25}  member")
    for iso3, member in sf.likely_to_change_anyway(top).iterrows():
        probs = " / ".join(f"{member[f'p_{o}']:.2f}" for o in OUTCOMES)
        lines.append(
            f"    {iso3} {member['last_vote']:<7} {member['p_change']:.2f}       {probs:<25}  "
            f"{display_name(member['country'])}"
        )
    return lines


def _signed_range(bounds: Sequence[int]) -> str:
    """A range of signed changes: ``-23 to -15``, ``+2 to +7``, ``-1 to +8``."""
    return " to ".join(f"{b:+d}" if b else "0" for b in bounds)


def _share(p: float) -> str:
    """A percentile for a narrow column: ``25.3 %``, ``0.03 %``, ``<0.01 %``, ``>99.99 %``."""
    if p < 0.00005:
        return "<0.01 %"
    if p > 0.99995:
        return ">99.99 %"
    return f"{100 * p:.2f} %" if p < 0.01 or p > 0.99 else f"{100 * p:.1f} %"


def format_retrospective(fc: Any, top: int) -> str:
    """The recorded vote against the forecasts of the day before, at most 80 columns wide."""
    from unvote.record.countries import display_name

    retro = fc.retrospective
    key, wide = level_key(LEVELS[0]), level_key(LEVELS[-1])
    recorded = int(retro.recorded["yes"])
    base = f"the {retro.baseline} forecast"

    def row(label: str, cells: Sequence[Any]) -> str:
        return f"  {label:<16}" + "".join(f"{c:>12}" for c in cells)

    def note(text: str) -> str:
        return _wrap("  " + text).replace("\n  ", "\n    ")

    moved = retro.moved
    lines = [
        f"retrospective: the recorded {fc.year} vote against the forecasts of "
        + ("the day before" if (fc.date - fc.through).days == 1 else f"{fc.through:%Y-%m-%d}"),
        row(f"vs {retro.baseline}", OUTCOMES),
        row("expected", [f"{moved.loc[o, 'expected'] + 0.0:.1f}" for o in OUTCOMES]),
        row("recorded", [int(moved.loc[o, "recorded"]) for o in OUTCOMES]),
        row("change", [_signed(moved.loc[o, "change"]) for o in OUTCOMES]),
    ]
    for level in LEVELS:
        k = level_key(level)
        bounds = [(moved.loc[o, f"change_lo{k}"], moved.loc[o, f"change_hi{k}"]) for o in OUTCOMES]
        lines.append(row(f"{k} % interval", [_signed_range(b) for b in bounds]))
    intervals = retro.votes_moved_intervals
    lo, hi = intervals[wide]
    verdict = (
        f"within what {base}'s own randomness allows (0 is inside its {wide} % interval)"
        if lo <= 0 <= hi
        else f"more than {base}'s own randomness explains (0 is outside its {wide} % interval)"
    )
    lines += [
        note(
            f"votes moved off yes: {retro.votes_moved + 0.0:.1f} ({key} % interval "
            f"{' to '.join(map(str, intervals[key]))}, {wide} % {lo} to {hi}), {verdict}"
        ),
        f"  the recorded {recorded} yes in each scenario's distribution:",
        f"    {'scenario':<18} {'expected':>8} {key + ' % int.':>11} {'percentile':>11} "
        f"{'log score':>9} {'log loss':>8}",
    ]
    for name, s in retro.summary.iterrows():
        bounds = _fmt_range((int(s[f"yes_lo{key}"]), int(s[f"yes_hi{key}"])))
        lines.append(
            f"    {name:<18} {s['expected_yes'] + 0.0:>8.1f} {bounds:>11} "
            f"{_share(s['percentile']):>11} {s['log_score'] + 0.0:>9.2f} "
            f"{s['member_log_loss'] + 0.0:>8.3f}"
        )
    lines.append(
        note(
            f"(percentile: P(yes < {recorded}) + P(yes = {recorded}) / 2; log score: "
            f"ln P(yes = {recorded}), higher is better; log loss: mean of -ln P(recorded vote) "
            "over the members, lower is better)"
        )
    )
    n = len(retro.movers)
    said = (
        f"voted otherwise than {base} expected: {n} member{'' if n == 1 else 's'} "
        f"({retro.expected_movers:.1f} expected)"
    )
    if n and top:
        said += f"; the most surprising (surprise: -ln P(recorded vote) under {base}):"
    lines.append(note(said))
    if n and top:
        lines.append(f"    ISO {'vote':<7} {'last':<7} {'P yes/abst/no/absent':<20} surp.  member")
        for iso3, m in retro.movers.head(top).iterrows():
            probs = "/".join(f"{m[f'p_{o}']:.2f}" for o in OUTCOMES)
            lines.append(
                f"    {iso3} {m['recorded']:<7} {m['last_vote']:<7} {probs:<20} "
                f"{m['surprise']:>5.2f}  {display_name(m['country'])}"
            )
    return "\n".join(lines)


def format_country(fc: Any, iso3: str) -> str:
    """One member under every scenario: its probabilities and the channels acting on it."""
    member = fc.member(iso3)
    lines = [
        f"{member['country']} ({iso3}), last vote {member['last_vote']}",
        f"  {'scenario':<18} {'P(yes/abstain/no/absent)':<31}  channels",
    ]
    codes: dict[str, str] = {}
    for name, values in member["scenarios"].items():
        probs = " / ".join(f"{values[f'p_{o}']:.3f}" for o in OUTCOMES)
        for channel in values["channels"]:
            codes.setdefault(channel, str(len(codes) + 1))
        acting = ",".join(codes[c] for c in values["channels"]) or "-"
        lines.append(f"  {name:<18} {probs:<31}  {acting}")
    if codes:
        lines.append("  channels: " + ", ".join(f"{k} {c}" for c, k in codes.items()))
    return "\n".join(lines)


_SHORT = {
    "member-votes": "votes",
    "log loss": "log loss",
    "log loss / item Markov": "x Markov",
    "Brier": "Brier",
    "RPS": "RPS",
    "accuracy": "accuracy",
    "macro-F1": "macro-F1",
    "F1 abstain": "F1 abst.",
    "F1 no": "F1 no",
    "F1 absent": "F1 abs.",
    "yes count error (expected - recorded)": "yes err.",
    "80 % interval hit (% of roll calls)": "in 80 %",
    "95 % interval hit (% of roll calls)": "in 95 %",
    "80 % interval width": "80 % wide",
}
"""Short headings of the evaluation tables printed by the command (the README shows them)."""


def format_scores(table: Any) -> list[str]:
    """A summary table of :mod:`unvote.evaluation.runs` as aligned text lines."""
    columns = [c for c in table.columns if c in _SHORT]

    def cell(column: str, value: float) -> str:
        if value != value:  # NaN: a score that does not exist
            return "-"
        if column.startswith(("80 % interval hit", "95 % interval hit")):
            return f"{value:.0f} %"
        if column.startswith("yes count error"):
            return _signed(value)
        if column == "member-votes":
            return f"{value:,.0f}"
        if column == "80 % interval width":
            return f"{value:.1f}"
        return f"{value:.3f}"

    cells = {_SHORT[c]: [cell(c, v) for v in table[c]] for c in columns}
    width = max(len(m) for m in table.index) + 2
    widths = {h: max(len(h), *(len(v) for v in vs)) + 2 for h, vs in cells.items()}
    lines = ["method".ljust(width) + "".join(h.rjust(widths[h]) for h in cells)]
    for k, method in enumerate(table.index):
        lines.append(method.ljust(width) + "".join(cells[h][k].rjust(widths[h]) for h in cells))
    return lines


_SCORE_NOTES = [
    "Means per member-vote: log loss, Brier and RPS (ranked probability score) lower is",
    "  better; accuracy, macro-F1 and F1 of the likeliest outcome. yes err.: expected minus",
    "  recorded yes count (negative: fewer yes votes forecast than cast). in 80 % / in 95 %:",
    "  share of the votes whose recorded yes count fell in the central 80 % / 95 % interval;",
    "  80 % wide: its mean width.",
]


def format_backtest(result: Any) -> str:
    """The backtest's summary as the README's table, with what each column means."""
    years = result.years
    return "\n".join(
        [
            f"Backtest of {result.item}, {years[0]}-{years[-1]}: {len(years)} votes, each "
            "forecast from the votes before it.",
            "",
            *format_scores(result.summary()),
            "",
            *_SCORE_NOTES,
        ]
    )


def format_forward_test(result: Any) -> str:
    """The forward test's tables: both footings, linked and new texts, UNSim's figures."""
    first, last = result.sessions
    blocks = [
        f"Forward test, sessions {first}-{last}: every roll call forecast by the model fitted on "
        "the sessions before its own, against baselines on the same member-votes.",
    ]
    footings = sorted(set(result.predictions["footing"]))
    for footing in footings:
        what = (
            "features as of the session's opening"
            if footing == "frozen"
            else "features as of the day before each vote"
        )
        blocks.append(
            f"\n{footing} ({what}):\n" + "\n".join(format_scores(result.summary(footing)))
        )
        for linked, label in ((True, "texts voted on before"), (False, "new texts")):
            table = result.summary(footing, linked=linked)
            blocks.append(f"  {footing}, {label}:\n" + "\n".join(format_scores(table)))
    if first <= 74:
        unsim = result.unsim(footings[0])
        lines = [
            f"{m:<28}{r['accuracy']:>10.3f}{r['F1 no']:>8.3f}{r['F1 abstain']:>12.3f}"
            for m, r in unsim.iterrows()
        ]
        blocks.append(
            "\nUNSim's published figures (sessions 60-74, in-sample, absences left out) beside "
            "ours on the same slice:\n"
            + f"{'':<28}{'accuracy':>10}{'F1 no':>8}{'F1 abstain':>12}\n"
            + "\n".join(lines)
        )
    blocks.append("\n" + "\n".join(_SCORE_NOTES))
    return "\n".join(blocks)


def format_roll_calls(result: Any) -> str:
    """Coming roll calls as a block of text each."""
    blocks = [
        f"Forecasts of {len(result)} coming roll call(s), record through {result.through:%Y-%m-%d}."
    ]
    for rc in result:
        text = "new text (no earlier recorded vote)" if not rc.linked else f"continues {rc.item}"
        lines = textwrap.wrap(
            f"{rc.id} ({rc.date:%Y-%m-%d}): {rc.title}", width=80, subsequent_indent="  "
        )
        lines.append(f"  {text}")
        lines.append(f"  {'':<18}" + "".join(f"{o:>10}" for o in OUTCOMES))
        lines.append(
            f"  {'expected':<18}" + "".join(f"{rc.expected[o] + 0.0:>10.1f}" for o in OUTCOMES)
        )
        for level in LEVELS:
            key = level_key(level)
            cells = "".join(f"{_fmt_range(rc.intervals[key][o]):>10}" for o in OUTCOMES)
            lines.append(f"  {key + ' % interval':<18}{cells}")
        lines.append(
            f"  P(adopted, simple majority) {rc.p_adopted:.1%};  P(two-thirds majority) "
            f"{rc.p_two_thirds:.1%}"
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def list_scenarios(as_json: bool = False) -> str:
    """The built-in scenarios by generation, newest first, and the folder holding their files.

    A forecast of a vote uses the newest generation whose evidence ends before the vote.
    """
    from unvote.scenarios.scenario import builtin_generations, read_scenario, seed_dir

    generations = builtin_generations()
    blocks, entries = [], []
    for k, generation in enumerate(generations):
        day = f"{generation.evidence_through:%Y-%m-%d}"
        if k == 0:
            applies = f"votes after {day}"
        else:
            newer = f"{generations[k - 1].evidence_through:%Y-%m-%d}"
            # The earliest generation also serves earlier votes (a what-if).
            applies = f"votes on or before {newer}"
            if k < len(generations) - 1:
                applies = f"votes after {day} up to {newer}"
        scenarios = [read_scenario(generation.folder / f"{n}.toml") for n in generation.names]
        where = generation.folder.relative_to(seed_dir()).as_posix()
        folder = "" if where == "." else f", files in {where}/"
        lines = [f"For {applies} (evidence through {day}{folder}):"]
        lines += [f"{s.name:<18} {s.description}" for s in scenarios]
        blocks.append("\n".join(lines))
        entries.append(
            {
                "evidence_through": day,
                "applies_to": applies,
                "folder": str(generation.folder),
                "scenarios": [
                    {"name": s.name, "description": s.description, "file": s.path}
                    for s in scenarios
                ],
            }
        )
    if as_json:
        return json.dumps(
            {
                "folder": str(seed_dir()),
                "scenarios": entries[0]["scenarios"],
                "generations": entries,
            },
            allow_nan=False,
        )
    blocks.append(f"Files (copy one as a template for your own): {seed_dir()}")
    return "\n\n".join(blocks)


# ----------------------------------------------------------------------------- commands


def _import_plot() -> Any:
    """:mod:`unvote.report.charts`, importable whatever ``MPLBACKEND`` says (they draw with Agg)."""
    if "matplotlib" in sys.modules:
        from unvote.report import charts as plot

        return plot
    saved = os.environ.pop("MPLBACKEND", None)
    try:
        from unvote.report import charts as plot
    finally:
        if saved is not None:
            os.environ["MPLBACKEND"] = saved
    return plot


BACKTEST_CHART_VOTES = 10
"""With --plot, the backtest charts cover the text's last votes before the one forecast."""


def run_backtest(args: argparse.Namespace) -> None:
    """``forecast --backtest FIRST-LAST``: the summary table (or JSON), and its charts."""
    from unvote.evaluation.runs import backtest
    from unvote.forecasting.vote import DEFAULT_ITEM

    first, last = args.backtest
    plot = _import_plot() if args.plot else None
    if args.plot:
        targets = plot.chart_files(args.plot, 0, [], sweep_scenario="", backtest=True)
        files.check_folder(args.plot, "--plot")
        files.check_files([t for t in targets if t.name.startswith("backtest")], "--plot")
    progress = _progress("backtest")
    result = backtest(first, last, item=args.item or DEFAULT_ITEM, progress=progress)
    _end_progress(progress)
    text = json.dumps(result.to_dict(), allow_nan=False) if args.json else format_backtest(result)
    with files.staged():
        written = plot.save_backtest(result, args.plot) if args.plot else []
        note = "charts: " + ", ".join(str(p) for p in written)
        if written and not args.json:
            text += "\n\n" + _wrap(note)
        emit(text if args.json else _clean_lines(text))
    if written and args.json:
        _stderr(clean(note))


def run_forward_test(args: argparse.Namespace) -> None:
    """``forecast --forward-test FIRST-LAST``: the tables of both footings (or JSON)."""
    from unvote.evaluation.runs import forward_test

    first, last = args.forward_test
    progress = _progress("forward test")
    result = forward_test(first, last, progress=progress)
    _end_progress(progress)
    text = (
        json.dumps(result.to_dict(), allow_nan=False) if args.json else format_forward_test(result)
    )
    emit(text if args.json else _clean_lines(text))


def read_roll_calls(path: str) -> Any:
    """A CSV file of coming roll calls, read as text (checked by ``forecast_roll_calls``)."""
    import pandas as pd

    from unvote.errors import DataFileError

    if not os.path.isfile(path):
        what = "is not a file" if os.path.exists(path) else "not found"
        raise DataFileError(f"--roll-calls: {files.quoted(path)} {what}")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as err:
        raise DataFileError(
            f"--roll-calls: {files.quoted(path)} cannot be read as CSV ({err})"
        ) from None


def run_roll_calls(args: argparse.Namespace) -> None:
    """``forecast --roll-calls FILE``: a block per coming roll call (or JSON)."""
    from unvote.forecasting.roll_calls import forecast_roll_calls

    calls = read_roll_calls(args.roll_calls)
    progress = _progress("roll calls")
    result = forecast_roll_calls(calls, through=args.through, progress=progress)
    _end_progress(progress)
    text = json.dumps(result.to_dict(), allow_nan=False) if args.json else format_roll_calls(result)
    emit(text if args.json else _clean_lines(text))


def run_forecast(args: argparse.Namespace, given: set[str]) -> None:
    """``forecast YEAR ...``: every scenario's forecast as tables or JSON, charts and draws."""
    from unvote.forecasting.vote import DEFAULT_ITEM, forecast
    from unvote.record.countries import to_iso3
    from unvote.scenarios.scenario import get_scenario

    if args.year is None:
        raise UsageError(
            "give the YEAR to forecast (or --roll-calls FILE, --backtest FIRST-LAST, "
            "--forward-test FIRST-LAST)"
        )
    year = args.year
    if (args.draws_out or args.bloc or "seed" in given) and args.draws == 0:
        raise UsageError("--draws-out, --bloc and --seed need --draws N with N > 0")
    if args.bloc and args.bloc_sd == 0:
        raise UsageError("--bloc needs --bloc-sd SD > 0, the size of the shock its members share")
    if args.bloc_sd > 0 and not args.bloc:
        raise UsageError("--bloc-sd needs at least one --bloc GROUP whose members share the shock")
    if args.bloc:
        from unvote.scenarios.scenario import BOOLEAN_FEATURES

        unknown = [b for b in args.bloc if b not in BOOLEAN_FEATURES]
        if unknown:
            raise UsageError(
                f"--bloc {unknown[0]!r} is not a group; use one of: {', '.join(BOOLEAN_FEATURES)}"
            )
    countries = list(dict.fromkeys(to_iso3(_typed(name)) for name in args.country or []))
    # Checked now, before any work; forecast() resolves built-in names for the vote's date.
    checked = [get_scenario(s) for s in args.scenario] if args.scenario else None
    scenarios = list(args.scenario) if args.scenario else None

    # Every file this run may write is checked before any work.
    plot = _import_plot() if args.plot else None
    if args.plot:
        from unvote.scenarios.scenario import builtin_generations

        every = dict.fromkeys(n for g in builtin_generations() for n in g.names)
        names = [s.name for s in checked] if checked else list(every)
        others = [n for n in names if n != "baseline"]
        files.check_folder(args.plot, "--plot")
        # a superset: the retrospective chart is drawn only for a vote already recorded
        targets = plot.chart_files(args.plot, year, names, backtest=True, retrospective=True)
        for name in others:  # a skipped scenario may change which charts are drawn
            targets += plot.chart_files(args.plot, year, ["baseline", name], sweep_scenario=name)
        files.check_files(list(dict.fromkeys(targets)), "--plot")
    if args.draws_out:
        files.check_file(args.draws_out, "--draws-out")

    progress = _progress("forecast")
    fc = forecast(
        year, scenarios, through=args.through, item=args.item or DEFAULT_ITEM, progress=progress
    )
    _end_progress(progress)
    thresholds = args.below or list(fc.thresholds)
    absent = [c for c in countries if c not in fc.features.index]
    if absent:
        raise UsageError(f"--country {absent[0]} is not a UN member at the {year} vote")
    draws = None
    if args.draws:
        progress = _progress("draws")
        draws = fc.simulate(
            args.draws,
            random_state=args.seed,
            blocs=args.bloc,
            bloc_sd=args.bloc_sd,
            progress=lambda name: progress(name),
        )
        _end_progress(progress)
    result = None
    earlier = fc.history[fc.history["date"] <= fc.through]["year"]
    if args.plot and len(earlier) > 1:
        from unvote.evaluation.runs import backtest

        years = sorted(set(earlier))[1:][-BACKTEST_CHART_VOTES:]
        progress = _progress("backtest for the charts")
        result = backtest(years[0], years[-1], item=fc.item.id, progress=progress)
        _end_progress(progress)

    if args.json:
        data = fc.to_dict(args.top, thresholds, draws=draws, countries=countries)
        text = json.dumps(data, allow_nan=False)
    else:
        first, last = fc.model.train_sessions_
        header = (
            f"Forecast of the {year} UN General Assembly vote on {fc.item.phrase} "
            f"({'held' if fc.roll_call else 'usually voted'} {fc.date:%Y-%m-%d})\n"
            f"{fc.members} members; record through {fc.through:%Y-%m-%d}; "
            f"model fitted on sessions {first}-{last}."
        )
        if fc.item.first_voted_after_consensus:
            header += f"\nThe text was {fc.item.first_voted_after_consensus}."
        blocks = [format_country(fc, code) for code in countries]
        blocks += [
            format_scenario(fc, name, args.top, draws[name] if draws else None, thresholds)
            for name in fc.scenarios
        ]
        skipped = "\n".join(f"skipped {name}: {reason}" for name, reason in fc.skipped.items())
        blocks += [skipped] if skipped else []
        if fc.retrospective is not None:  # a vote in the record: what the outcome says, last
            blocks.append(format_retrospective(fc, args.top))
        text = "\n\n".join([header, *blocks])

    notes = []
    with files.staged() as stage:
        written = plot.save_all(fc, args.plot, backtest=result) if args.plot else []
        if written:
            notes.append("charts: " + ", ".join(str(p) for p in written))
        if args.draws_out:
            progress = _progress(f"writing {args.draws_out}")
            path = draws.to_csv(
                args.draws_out, progress=lambda done, total: progress(f"{done:,}/{total:,}")
            )
            _end_progress(progress)
            size = stage.size(path)
            notes.append(
                f"draws: {len(draws)} scenarios x {draws.n:,} draws in {path} "
                f"({_size(size)}; member columns: 0 yes, 1 abstain, 2 no, 3 absent)"
            )
        if not args.json and notes:
            text += "\n\n" + "\n".join(_wrap(n) for n in notes)
        emit(text if args.json else _clean_lines(text))
    if args.json:
        for note in notes:
            _stderr(clean(note))


def forecast_command(argv: Sequence[str]) -> None:
    """The ``forecast`` command proper: parse, check, dispatch."""
    args = build_parser().parse_args(argv)
    given = given_options(argv)
    if args.list_scenarios:
        _refuse_others(given, {"list_scenarios", "json"}, "--list-scenarios lists the scenarios")
        text = list_scenarios(args.json)
        emit(text if args.json else _clean_lines(text))
    elif args.backtest:
        _refuse_others(
            given, {"backtest", "json", "plot", "item"}, "--backtest runs the backtest alone"
        )
        run_backtest(args)
    elif args.forward_test:
        _refuse_others(
            given, {"forward_test", "json"}, "--forward-test runs the forward test alone"
        )
        run_forward_test(args)
    elif args.roll_calls:
        _refuse_others(
            given, {"roll_calls", "through", "json"}, "--roll-calls forecasts the file's roll calls"
        )
        run_roll_calls(args)
    else:
        run_forecast(args, given)


# ----------------------------------------------------------------------------- the boundary


def _reopen_closed_fds() -> None:
    """A descriptor 0-2 closed at start-up is pointed at /dev/null, so no file we open takes it."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _tolerant_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(OSError, ValueError):
                reconfigure(errors="unvote-ascii")


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
    _reopen_closed_fds()
    _tolerant_streams()
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
        _stderr(f"forecast: error: {clean(str(err))}")
        return EXIT_USAGE
    except _PipeClosed:
        _silence_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        _stderr("forecast: interrupted")
        return EXIT_INTERRUPTED
    except _Terminated:
        _stderr("forecast: terminated")
        return EXIT_TERMINATED


def main(argv: Sequence[str] | None = None) -> int:
    """The ``forecast`` command; returns its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["data"]:  # the `forecast data ...` group, below
        return data_main(arguments[1:])
    return guarded(lambda: forecast_command(arguments))


# ============================================================================= forecast data
# The user's imports of the UN's resolution extracts: thin callers of unvote.record.store.

DATA_EPILOG = """\
examples:
  forecast data import 79.json.gz          bring the record up to date from the UN extract
  forecast data import ES-11.json 79.json.gz
  forecast data status                     what is shipped, what is imported, the last vote
  forecast data status --json
  forecast data reset                      remove every import

The files are the UN's machine-readable General Assembly resolutions (DGACM),
one resolution a line, .json or .json.gz. Imports go to the user data folder
($UNVOTE_DATA_DIR, else the platform's), never into the installed package; an
import is checked in full and then written at once, or not at all."""


def build_data_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="forecast data",
        description="Import the UN's resolution extracts into your copy of the record.",
        epilog=DATA_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    importing = commands.add_parser(
        "import",
        help="import DGACM extract files (.json or .json.gz)",
        description="Read, check and merge DGACM extract files into the user's record. A roll "
        "call the record already has must agree with it vote for vote.",
    )
    importing.add_argument("files", nargs="+", metavar="FILE", help="a DGACM extract file")
    importing.add_argument("--json", action="store_true", help="print JSON instead of text")
    status = commands.add_parser(
        "status", help="what is shipped, imported, and the last vote in the record"
    )
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    commands.add_parser("reset", help="remove every import (the shipped record remains)")
    return parser


def format_status(table: Any) -> str:
    """:func:`unvote.record.store.data_status` as a small table."""
    import pandas as pd

    def cell(value: Any, date: bool = False) -> str:
        if pd.isna(value):
            return "-"
        return f"{value:%Y-%m-%d}" if date else f"{int(value):,}"

    lines = [
        f"{'':<15}{'roll calls':>11}{'resolutions':>13}{'files':>7}  {'last vote':<11} location"
    ]
    for part, row in table.iterrows():
        lines.append(
            f"{part:<15}{cell(row['roll_calls']):>11}{cell(row['resolutions']):>13}"
            f"{cell(row['files']) if part != 'shipped' else '-':>7}  "
            f"{cell(row['last_vote'], date=True):<11} {row['location']}".rstrip()
        )
    return "\n".join(lines)


def _status_json(table: Any) -> str:
    import pandas as pd

    data = {}
    for part, row in table.iterrows():
        data[part] = {
            "roll_calls": None if pd.isna(row["roll_calls"]) else int(row["roll_calls"]),
            "resolutions": None if pd.isna(row["resolutions"]) else int(row["resolutions"]),
            "files": int(row["files"]),
            "last_vote": None if pd.isna(row["last_vote"]) else f"{row['last_vote']:%Y-%m-%d}",
            "location": row["location"],
        }
    return json.dumps(data, allow_nan=False)


def run_data(args: argparse.Namespace) -> str:
    from unvote.record import store

    if args.command == "import":

        def report(step: str) -> None:
            _stderr(f"forecast data: {clean(step)}")

        # Progress for a person watching; scripts and logs get the summary alone.
        summary = store.import_extract(*args.files, progress=report if _is_terminal() else None)
        return json.dumps(summary.to_dict()) if args.json else str(summary)
    if args.command == "status":
        table = store.data_status()
        return _status_json(table) if args.json else format_status(table)
    from unvote.record.datadir import imports_dir

    removed = store.reset_imports()
    return f"removed the imports of {removed} file(s) from {imports_dir()}"


def data_main(argv: Sequence[str]) -> int:
    """``forecast data COMMAND``: import, status, reset (at the same boundary as ``forecast``)."""

    def command() -> None:
        args = build_data_parser().parse_args(argv)
        text = run_data(args)
        emit(text if getattr(args, "json", False) else _clean_lines(text))

    return guarded(command)


if __name__ == "__main__":
    raise SystemExit(main())
