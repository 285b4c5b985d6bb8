"""The ``forecast`` command: a subcommand a task, each a thin caller of the library.

``forecast YEAR`` (:func:`unvote.forecast`), ``backtest``, ``forward-test``,
``roll-calls``, ``scenarios``, ``data`` and ``help``.  Every input is checked
before the record is read or a model fitted: argument types by argparse, then
scenarios, countries, files of roll calls and every file a run will write; the
library is imported only then.  The text is :mod:`unvote.report.text`'s; the
process boundary (one-line errors, exit status, signals) :mod:`unvote.cli.process`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from importlib.metadata import version
from typing import Any

from unvote import files
from unvote.cli import process as proc
from unvote.cli.process import EXIT_USAGE, UsageError, clean, emit, guarded, progress, say
from unvote.report import text

OLD_FLAGS = {"--backtest": "backtest 1995-2024", "--forward-test": "forward-test 60-79",
             "--roll-calls": "roll-calls FILE", "--list-scenarios": "scenarios"}  # fmt: skip
"""The modes of unvote 0.1, now subcommands: refused, naming the new form."""


def _whole(name: str, low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number within [low, high], with a message naming the option."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            message = f"{name} must be a whole number, not {text!r}"
            raise argparse.ArgumentTypeError(message) from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"{name} must be at least {low}, not {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{name} must be at most {high:,}, not {value:,}")
        return value

    return parse


def _shock_sd(text: str) -> float:
    """An argparse type for --bloc-sd: a number from 0 to the largest shock of the draws."""
    from unvote.forecasting.draws import MAX_SHOCK_SD as HIGH

    with suppress(ValueError):
        if 0 <= (value := float(text)) <= HIGH:
            return value
    message = f"--bloc-sd must be a number from 0 to {HIGH:g} (logit units), not {text!r}"
    raise argparse.ArgumentTypeError(message)


def _range(example: str) -> Callable[[str], tuple[int, int]]:
    """An argparse type: ``FIRST-LAST``, two whole numbers in order."""

    def parse(text: str) -> tuple[int, int]:
        first, _, last = text.partition("-")
        if not (first.isdigit() and last.isdigit()):
            message = f"FIRST-LAST must be two whole numbers, e.g. {example}, not {text!r}"
            raise argparse.ArgumentTypeError(message)
        if int(first) > int(last):
            raise argparse.ArgumentTypeError(f"FIRST-LAST needs FIRST <= LAST, not {text!r}")
        return int(first), int(last)

    return parse


def _day(text: str) -> Any:
    """An argparse type for --through: :func:`unvote.record.calendar.parse_day` of the text."""
    from unvote.errors import UnvoteError
    from unvote.record.calendar import parse_day

    try:
        return parse_day(text, "--through")
    except UnvoteError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _name(option: str, kind: str) -> Callable[[str], str]:
    """An argparse type: a name that is not empty."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{option} needs a {kind} name, not an empty one")
        return text

    return parse


def _typed(text: str) -> str:
    """A name as typed: bytes that a C locale could not decode are read as UTF-8 ("Türkiye")."""
    try:
        return os.fsencode(text).decode("utf-8")
    except UnicodeDecodeError:
        return text


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but its errors are one line (no usage dump), exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        head, _, rest = message.partition(": ")  # "argument --top: --top must be" -> "--top must"
        if head.startswith("argument ") and rest.startswith(head[9:].split("/")[0]):
            message = rest
        say(f"forecast: error: {clean(message)}")
        raise SystemExit(EXIT_USAGE)

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            (emit if file in (None, sys.stdout) else say)(message.rstrip("\n"))


# name: (metavar, type, help); metavar None: a switch; a name in APPEND is repeatable
OPTIONS: dict[str, tuple[str | None, Any, str]] = {
    "--item": ("ID|WORDS", _name("--item", "text's"), "the text: an item id or title words"),
    "--through": ("DATE", _day, "use the record up to DATE (YYYY-MM-DD, or a year's end)"),
    "--scenario": ("NAME|FILE", None, "a built-in scenario or a TOML file"),
    "--top": ("N", _whole("--top", 0, 200), "members listed per scenario (default 10; 0: none)"),
    "--country": ("NAME", _typed, "show this member first, under every scenario"),
    "--below": ("T", _whole("--below", 0, 400), "report P(yes < T) (default: the text's own)"),
    "--json": (None, None, "print JSON instead of text"),
    "--all-features": (None, None, "fit the model with every feature (docs/model.md)"),
    "--plot": ("DIR", _name("--plot", "folder"), "write this command's charts into DIR (PNG, SVG)"),
    "--report": ("FILE", _name("--report", "file"), "write one HTML page to hand on (offline)"),
    "--draws": ("N", _whole("--draws", 0, 1_000_000), "seeded random draws per scenario"),
    "--seed": ("S", _whole("--seed", 0, 2**32 - 1), "random seed of the draws (default 0)"),
    "--bloc": ("GROUP", None, "a group sharing a shock in the draws (eu, nato, oas, ...)"),
    "--bloc-sd": ("SD", _shock_sd, "the size of the bloc shock, logit units"),
    "--draws-out": ("FILE", _name("--draws-out", "file"), "write every draw as CSV (.gz: gzip)"),
}
APPEND = {"--scenario", "--country", "--below", "--bloc"}
# name: (one line, positional arguments (name, metavar, type, nargs, help), options)
COMMANDS: dict[str, tuple[str, list[tuple[str, str, Any, Any, str]], list[str]]] = {
    "vote": (
        "the vote of YEAR",
        [("year", "YEAR", _whole("year"), "?", "the year of the vote, e.g. 2026")],
        [o for o in OPTIONS if o != "--all-features"],
    ),
    "backtest": (
        "each vote of a text in years FIRST-LAST, forecast from the votes before it",
        [("years", "FIRST-LAST", _range("1995-2024"), None, "years, e.g. 1995-2024")],
        ["--item", "--json", "--plot"],
    ),
    "forward-test": (
        "every roll call of sessions FIRST-LAST, against baselines",
        [("sessions", "FIRST-LAST", _range("60-79"), None, "sessions, e.g. 60-79")],
        ["--json", "--all-features"],
    ),
    "roll-calls": (
        "forecast the coming roll calls of a CSV file (id, date, title[, sponsors, ...])",
        [("file", "FILE", _name("FILE", "file"), None, "a CSV file")],
        ["--through", "--json", "--report"],
    ),
    "scenarios": ("the built-in scenarios and where their files are", [], ["--json"]),
    "data": ("your copy of the record: import the UN's extracts, status, reset", [], []),
    "help": (
        "the help of the command, or of COMMAND",
        [("topic", "COMMAND", str, "*", "a command")],
        [],
    ),
}
DATA = {
    "import": ("import DGACM extract files (.json or .json.gz), all or none", "FILE", "+"),
    "status": ("what is shipped, imported, and the last vote in the record", "", None),
    "reset": ("remove every import (the shipped record remains)", "", None),
}


def _epilog() -> str:
    from unvote.scenarios.scenario import seed_dir

    return f"""\
examples:
  forecast 2026                          the next Cuba vote, every built-in scenario
  forecast 2025 --item "palestine refugees" --scenario cable --top 15 --country Poland
  forecast 2025 --scenario my.toml --json --plot charts
  forecast 2025 --draws 10000 --seed 1 --bloc eu --bloc-sd 0.5 --draws-out draws.csv.gz
  forecast 2019 --through 2018           a past vote as forecast then, and its retrospective
  forecast roll-calls coming.csv --json  any coming roll calls
  forecast backtest 1995-2024            each Cuba vote forecast from the votes before it
  forecast backtest 1995-2024 --plot charts  the same, and its charts
  forecast forward-test 60-79            every roll call of sessions 60-79
  forecast data import 80.json.gz        bring the record up to date from the UN's extract

The built-in scenario files, templates for your own: {seed_dir()}
Exit status: 0 done, 2 a mistake or a failed write (nothing written),
130 interrupted (143 on SIGTERM), 141 when the reader of the output goes away."""


def build_parser() -> ArgumentParser:
    """The ``forecast`` parser: a subparser a command; ``forecast YEAR`` is ``vote``, unnamed."""
    root = ArgumentParser(prog="forecast", description=build_parser.__doc__)
    commands = root.add_subparsers(
        dest="command", metavar="COMMAND", required=True, help="a command"
    )
    listing = "\n".join(f"  {n:<14}{c[0]}" for n, c in COMMANDS.items() if n != "vote")
    for name, (line, positionals, options) in COMMANDS.items():
        texts = {"help": line, "description": line}
        if name == "vote":  # forecast YEAR: the main help, with the commands and examples
            texts = {
                "usage": "forecast YEAR [options]\n       forecast COMMAND ...",
                "description": f"Forecast UN General Assembly votes.\n\ncommands:\n{listing}",
                "epilog": _epilog(),
            }
        raw = argparse.RawDescriptionHelpFormatter
        parser = commands.add_parser(name, formatter_class=raw, **texts)
        # each command runs run_<name>, below: forecast backtest -> run_backtest
        parser.set_defaults(run=globals()[f"run_{name.replace('-', '_')}"])
        for dest, metavar, kind, nargs, said in positionals:
            parser.add_argument(dest, metavar=metavar, type=kind, nargs=nargs, help=said)
        for option in options:
            metavar, kind, said = OPTIONS[option]
            act = "store_true" if metavar is None else "append" if option in APPEND else "store"
            typed = {} if metavar is None else {"metavar": metavar, "type": kind}
            parser.add_argument(option, action=act, help=said, **typed)
        if name == "vote":
            said = f"forecast (unvote) {version('unvote')}"
            parser.add_argument("--version", action="version", version=said, help="the version")
        if name == "data":
            actions = parser.add_subparsers(
                dest="action", metavar="COMMAND", required=True, help="an action"
            )
            for action, (said, metavar, nargs) in DATA.items():
                sub = actions.add_parser(action, help=said, description=said)
                if metavar:
                    sub.add_argument("files", metavar=metavar, nargs=nargs, help="an extract")
                if action != "reset":
                    sub.add_argument("--json", action="store_true", help=OPTIONS["--json"][2])
    return root


def subparser(parser: argparse.ArgumentParser, *names: str) -> argparse.ArgumentParser:
    """The parser of ``forecast NAME ...`` (``vote``: ``forecast YEAR``)."""
    for name in names:
        found = [a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not found or name not in found[0]:
            commands = ", ".join(c for c in COMMANDS if c != "vote")
            raise UsageError(f"no command {name!r}; the commands: {commands}")
        parser = found[0][name]
    return parser


def run_vote(args: argparse.Namespace) -> None:
    """``forecast YEAR ...``: every scenario's forecast as text or JSON, charts and draws."""
    from unvote.record.countries import to_iso3
    from unvote.scenarios.scenario import BOOLEAN_FEATURES, builtin_generations, get_scenario

    draws_n, bloc_sd, year = args.draws or 0, args.bloc_sd or 0.0, args.year
    for wrong, message in [
        (year is None, "give the YEAR to forecast, or a command (forecast help)"),
        ((args.draws_out or args.bloc or args.seed is not None) and not draws_n,
         "--draws-out, --bloc and --seed need --draws N with N > 0"),
        (args.bloc and not bloc_sd, "--bloc needs --bloc-sd SD > 0, the size of the shock"),
        (bloc_sd and not args.bloc, "--bloc-sd needs at least one --bloc GROUP sharing it"),
        *[(b not in BOOLEAN_FEATURES, f"--bloc {b!r} is not a group; use one of: "
           + ", ".join(BOOLEAN_FEATURES)) for b in args.bloc or []],
    ]:  # fmt: skip
        if wrong:
            raise UsageError(message)
    countries = list(dict.fromkeys(to_iso3(name) for name in args.country or []))
    # Checked now, before any work; forecast() resolves built-in names for the vote's date.
    chosen = [get_scenario(s).name for s in args.scenario or []]
    if args.plot:  # every file this run may write is checked before any work (and matplotlib)
        files.check_folder(args.plot, "--plot")
    plot = proc.import_plot() if args.plot else None
    if plot:
        names = chosen or list(dict.fromkeys(n for g in builtin_generations() for n in g.names))
        # a superset: the retrospective chart is drawn only for a vote already recorded
        targets = plot.chart_files(args.plot, year, names, retrospective=True)
        for name in [n for n in names if n != "baseline"]:  # a skipped one changes the charts
            targets += plot.chart_files(args.plot, year, ["baseline", name], sweep_scenario=name)
        files.check_files(list(dict.fromkeys(targets)), "--plot")
    for option, path in (("--draws-out", args.draws_out), ("--report", args.report)):
        if path:
            files.check_file(path, option)
    from unvote.forecasting.vote import DEFAULT_ITEM, forecast

    with progress("forecast") as report:
        item = args.item or DEFAULT_ITEM
        fc = forecast(year, args.scenario, through=args.through, item=item, progress=report)
    if args.item and args.item != fc.item.id:  # words, not an id: say which text they found
        say(clean(f"forecast: --item {args.item!r} is {fc.item.id} ({fc.item.label})"))
    absent = [c for c in countries if c not in fc.features.index]
    if absent:
        raise UsageError(f"--country {absent[0]} is not a UN member at the {year} vote")
    draws = None
    if draws_n:
        with progress("draws") as report:
            kwargs = {"blocs": args.bloc, "bloc_sd": bloc_sd, "progress": report}
            draws = fc.simulate(draws_n, random_state=args.seed or 0, **kwargs)
    below, top = args.below or list(fc.thresholds), 10 if args.top is None else args.top
    if args.json:
        data = fc.to_dict(top, below, draws=draws, countries=countries)
        out = json.dumps(data, allow_nan=False)
    else:
        out = text.format_forecast(fc, top, below, draws, countries)
    with files.staged() as stage:
        # the forecast's charts only: the evaluation's come with forecast backtest --plot
        written = plot.save_all(fc, args.plot) if plot else []
        notes = ["charts: " + ", ".join(str(p) for p in written)] if written else []
        if args.report:
            notes.append(_write_report(args.report, lambda: fc.to_html(top, below)))
        if draws is not None and args.draws_out:
            with progress(f"writing {args.draws_out}") as report:
                path = draws.to_csv(args.draws_out, progress=lambda n, of: report(f"{n:,}/{of:,}"))
            notes.append(text.format_draws_note(draws, path, stage.size(path)))
        _emit(args, out, notes)


def _emit(args: argparse.Namespace, out: str, notes: Sequence[str] = ()) -> None:
    """The output on stdout; notes after the text, or on stderr beside JSON."""
    if getattr(args, "json", False):
        emit(out)
        for note in notes:
            say(clean(note))
    else:
        out = "\n\n".join([out, "\n".join(map(text.wrap_note, notes))]) if notes else out
        emit("\n".join(clean(line) for line in out.split("\n")))


def run_backtest(args: argparse.Namespace) -> None:
    """``forecast backtest FIRST-LAST``: the summary table (or JSON), and its charts."""
    if args.plot:
        files.check_folder(args.plot, "--plot")
    plot = proc.import_plot() if args.plot else None
    if plot:
        targets = plot.chart_files(args.plot, 0, [], sweep_scenario="", backtest=True)
        files.check_files([t for t in targets if t.name.startswith("backtest")], "--plot")
    from unvote.evaluation.runs import backtest
    from unvote.forecasting.vote import DEFAULT_ITEM

    with progress("backtest") as report:
        result = backtest(*args.years, item=args.item or DEFAULT_ITEM, progress=report)
    out = (
        json.dumps(result.to_dict(), allow_nan=False) if args.json else text.format_backtest(result)
    )
    with files.staged():
        written = plot.save_backtest(result, args.plot) if plot else []
        _emit(args, out, ["charts: " + ", ".join(str(p) for p in written)] if written else [])


def run_forward_test(args: argparse.Namespace) -> None:
    """``forecast forward-test FIRST-LAST``: the tables of both footings (or JSON)."""
    from unvote.evaluation.runs import forward_test
    from unvote.model.estimator import VoteModel
    from unvote.model.features import MODEL_FEATURES

    model = VoteModel(features=MODEL_FEATURES) if args.all_features else None
    with progress("forward test") as report:
        result = forward_test(*args.sessions, model=model, progress=report)
    json_ = args.json and json.dumps(result.to_dict(), allow_nan=False)
    _emit(args, json_ or text.format_forward_test(result))


def run_roll_calls(args: argparse.Namespace) -> None:
    """``forecast roll-calls FILE``: a block per coming roll call (or JSON)."""
    from unvote.errors import DataFileError

    if not os.path.isfile(args.file):
        what = "is not a file" if os.path.exists(args.file) else "not found"
        raise DataFileError(f"roll-calls: {files.quoted(args.file)} {what}")
    import pandas as pd

    from unvote.forecasting.roll_calls import forecast_roll_calls

    try:
        calls = pd.read_csv(args.file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as err:
        message = f"roll-calls: {files.quoted(args.file)} cannot be read as CSV ({err})"
        raise DataFileError(message) from None
    if args.report:
        files.check_file(args.report, "--report")
    with progress("roll calls") as report:
        result = forecast_roll_calls(calls, through=args.through, progress=report)
    json_ = args.json and json.dumps(result.to_dict(), allow_nan=False)
    with files.staged():
        notes = [_write_report(args.report, result.to_html)] if args.report else []
        _emit(args, json_ or text.format_roll_calls(result), notes)


def _write_report(path: str, page: Callable[[], str]) -> str:
    """Write the HTML page ``page()`` makes to ``path`` (staged); the note that says so."""
    from unvote.report.html import write_page

    with progress("report") as report:
        report("charts and tables")
        markup = page()
        write_page(markup, path, "--report")
    return f"report: {path} ({text.file_size(len(markup.encode('utf-8')))})"


def run_scenarios(args: argparse.Namespace) -> None:
    """``forecast scenarios``: the built-in scenarios by generation, and where their files are."""
    _emit(args, text.list_scenarios(args.json))


def run_data(args: argparse.Namespace) -> None:
    """``forecast data import|status|reset``: thin callers of :mod:`unvote.record.store`."""
    from unvote.record import store
    from unvote.record.datadir import imports_dir

    if args.action == "import":  # progress for a person watching; scripts get the summary
        report = (lambda step: say(f"forecast data: {clean(step)}")) if proc.is_terminal() else None
        summary = store.import_extract(*args.files, progress=report)
        _emit(args, json.dumps(summary.to_dict()) if args.json else str(summary))
    elif args.action == "status":
        table = store.data_status()
        _emit(args, text.status_json(table) if args.json else text.format_status(table))
    else:
        _emit(args, f"removed the imports of {store.reset_imports()} file(s) from {imports_dir()}")


def run_help(args: argparse.Namespace) -> None:
    """``forecast help [COMMAND ...]``: the help of the command, or of a subcommand."""
    emit(subparser(build_parser(), *(args.topic or ["vote"])).format_help().rstrip("\n"))


def forecast_command(argv: Sequence[str]) -> None:
    """Parse ``argv`` (a first word that is no command's name: ``forecast YEAR``) and run it."""
    for flag in [word.partition("=")[0] for word in argv]:
        if flag in OLD_FLAGS:
            raise UsageError(f"{flag} is now a subcommand: forecast {OLD_FLAGS[flag]}")
    named = bool(argv) and argv[0] in COMMANDS
    args = build_parser().parse_args(list(argv) if named else ["vote", *argv])
    args.run(args)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``forecast`` command; returns its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return guarded(lambda: forecast_command(arguments))


if __name__ == "__main__":
    raise SystemExit(main())
