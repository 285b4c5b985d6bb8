"""The ``forecast`` command: a thin shell over the library.

User mistakes become one line on stderr and exit status 2; anything else is a
bug and keeps its traceback.  Heavy modules are imported only by the options
that need them, so ``forecast 2025 --json`` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from unvote.errors import UnvoteError

EXIT_USAGE = 2
MAX_DRAWS = 1_000_000

EPILOG = """\
examples:
  forecast 2025                          every built-in scenario, fitted on the record to 2024
  forecast 2025 --scenario cable --top 15
  forecast 2025 --country Poland --country "Czech Republic"
  forecast 2025 --scenario my.toml --json
  forecast 2025 --draws 10000 --seed 1 --bloc eu --bloc-sd 0.5 --draws-out draws.csv
  forecast 2025 --plot charts            also write the charts as PNG and SVG
  forecast 2019 --through 2018           a forecast of a past vote, with its outcome
  forecast --backtest 1995-2024          rolling-origin backtest against baselines
  forecast --list-scenarios

Scenarios are TOML files (see seeds/README.md); built-in ones by name."""


class UsageError(UnvoteError):
    """A command-line value that cannot be used."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but its errors are one line (no usage dump), exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"forecast: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="forecast",
        description="Forecast the UN General Assembly vote on ending the US embargo against\n"
        "Cuba, under scenarios of a US campaign for no votes and abstentions.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("year", nargs="?", help="year of the vote to forecast, e.g. 2025")
    parser.add_argument(
        "--through", metavar="T", help="fit on recorded votes up to year T (default: all before)"
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME|FILE",
        help="a built-in scenario or a TOML file; repeat for several (default: all built-in)",
    )
    parser.add_argument(
        "--top", default="10", metavar="N", help="members listed per scenario (default 10)"
    )
    parser.add_argument(
        "--country",
        action="append",
        metavar="NAME",
        help="show this member under every scenario (a name or ISO code; repeatable)",
    )
    parser.add_argument(
        "--below",
        action="append",
        metavar="T",
        help="report P(yes < T); repeatable (default: 185, 180, 170)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--plot", metavar="DIR", help="write the charts into DIR (PNG and SVG)")
    draws = parser.add_argument_group("random draws (beside the exact distributions)")
    draws.add_argument("--draws", default="0", metavar="N", help="number of seeded draws")
    draws.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    draws.add_argument(
        "--bloc",
        action="append",
        metavar="GROUP",
        help="a group whose members share a shock in the draws (eu, nato, oas, ...)",
    )
    draws.add_argument("--bloc-sd", default="0", metavar="SD", help="sd of the bloc shock (logit)")
    draws.add_argument("--draws-out", metavar="FILE", help="write the draws as CSV")
    parser.add_argument(
        "--backtest", metavar="FIRST-LAST", help="run the rolling-origin backtest instead"
    )
    parser.add_argument(
        "--list-scenarios", action="store_true", help="list the built-in scenarios and exit"
    )
    return parser


# ----------------------------------------------------------------------------- parsing values


def _integer(text: str, what: str, low: int | None = None, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{what} must be a whole number, not {text!r}") from None
    if low is not None and value < low:
        raise UsageError(f"{what} must be at least {low}, not {value}")
    if high is not None and value > high:
        raise UsageError(f"{what} must be at most {high:,}, not {value:,}")
    return value


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what} must be a number, not {text!r}") from None
    if not 0 <= value < float("inf"):
        raise UsageError(f"{what} must be a non-negative number, not {text!r}")
    return value


def _writable_dir(text: str) -> Path:
    """Check that DIR exists as a writable folder or can be made; create nothing yet."""
    path = Path(text)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--plot: cannot create directory {text!r} ({existing} is not a folder)")
    if not os.access(existing, os.W_OK):
        raise UsageError(f"--plot: {text!r} is not writable")
    return path


def _writable_file(text: str) -> Path:
    path = Path(text)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise UsageError(f"--draws-out: cannot write the file {text!r}")
    return path


# ----------------------------------------------------------------------------- output


def _fmt_range(bounds: tuple[int, int]) -> str:
    return f"{bounds[0]}-{bounds[1]}"


def format_scenario(
    fc: Any,
    name: str,
    top: int,
    draws: dict[str, Any] | None = None,
    thresholds: Sequence[int] = (185, 180, 170),
) -> str:
    """One scenario as a compact block of text, at most 80 columns wide."""
    sf = fc.scenarios[name]
    last = fc.last_observed
    outcomes = ("yes", "no", "abstain", "absent")

    def row(label: str, cells: dict[str, Any]) -> str:
        return f"  {label:<18}" + "".join(f"{cells[o]:>10}" for o in outcomes)

    lines = textwrap.wrap(f"{name}: {sf.description}", width=80, subsequent_indent="  ")
    lines.append(row("", {o: o for o in outcomes}))
    lines.append(row("expected", {o: f"{sf.expected[o]:.1f}" for o in outcomes}))
    for key in ("80", "95"):
        lines.append(
            row(f"{key} % interval", {o: _fmt_range(sf.intervals[key][o]) for o in outcomes})
        )
    if draws:
        lines.append(row("80 % of draws", {o: _fmt_range(draws[o]) for o in outcomes}))
    lines.append(row(f"recorded {last['year']}", last))
    if fc.outcome is not None:
        lines.append(row(f"outcome {fc.year}", fc.outcome))
    shift = sf.expected["yes"] - last["yes"]
    below = ", ".join(f"<{t}: {sf.prob_yes_below(t):.1%}" for t in thresholds)
    lines.append(f"  change in yes from {last['year']}: {shift:+.1f};  P(yes {below})")
    if top:
        codes = {c.name: str(k + 1) for k, c in enumerate(sf.scenario.channels)}
        legend = ", ".join(f"{k} {name}" for name, k in codes.items())
        lines.append("  most likely to move   last vote  P(yes / abstain / no / absent)  channels")
        for iso3, row in sf.movers(top).iterrows():
            probs = " / ".join(f"{row[f'p_{o}']:.2f}" for o in ("yes", "abstain", "no", "absent"))
            country = row["country"] if len(row["country"]) <= 18 else row["country"][:17] + "…"
            acting = ",".join(codes[c] for c in row["channels"].split(", ") if c) or "-"
            lines.append(f"    {iso3} {country:<18} {row['last_vote']:<9} {probs:<31} {acting}")
        if legend:
            lines.append(f"  channels: {legend}")
    return "\n".join(lines)


def format_country(fc: Any, iso3: str) -> str:
    """One member under every scenario: its probabilities and the channels acting on it."""
    first = next(iter(fc.scenarios.values())).members.loc[iso3]
    lines = [
        f"{first['country']} ({iso3}), last vote {first['last_vote']}",
        f"  {'scenario':<18} P(yes / abstain / no / absent)   channels",
    ]
    codes: dict[str, str] = {}
    for name, sf in fc.scenarios.items():
        row = sf.members.loc[iso3]
        probs = " / ".join(f"{row[f'p_{o}']:.3f}" for o in ("yes", "abstain", "no", "absent"))
        acting = [c for c in row["channels"].split(", ") if c]
        for channel in acting:
            codes.setdefault(channel, str(len(codes) + 1))
        lines.append(f"  {name:<18} {probs}   {','.join(codes[c] for c in acting) or '-'}")
    if codes:
        lines.append("  channels: " + ", ".join(f"{k} {name}" for name, k in codes.items()))
    return "\n".join(lines)


def run_backtest(spec: str) -> str:
    from unvote.evaluation import backtest, summarise

    try:
        first_text, last_text = spec.split("-")
    except ValueError:
        raise UsageError(f"--backtest takes FIRST-LAST, e.g. 1995-2024, not {spec!r}") from None
    first = _integer(first_text, "--backtest first year")
    last = _integer(last_text, "--backtest last year")
    if first > last:
        raise UsageError(f"--backtest takes FIRST-LAST with FIRST <= LAST, not {spec!r}")

    try:
        table = backtest(first, last, progress=_progress("backtest: forecasting"))
    except ValueError as err:
        raise UsageError(str(err)) from None
    sys.stderr.write("\n")
    import pandas as pd

    columns = [
        "log_loss",
        "brier",
        "accuracy",
        "f1_no",
        "f1_abstain",
        "err_yes",
        "in80_yes",
        "in95_yes",
    ]
    wide = table.pivot(index="year", columns="method", values="log_loss")
    with pd.option_context("display.width", 80, "display.max_columns", 20):
        per_year = wide.round(3).to_string()
        means = summarise(table)[columns].round(3).to_string()
    return (
        f"Mean log loss per member-vote, by year and method:\n{per_year}\n\n"
        f"Means over {first}-{last} (in80/in95: share of years whose yes count fell in the "
        f"interval):\n{means}"
    )


def run_forecast(args: argparse.Namespace) -> str:
    from unvote.countries import to_iso3
    from unvote.forecasting import forecast

    if args.year is None:
        raise UsageError("give the YEAR to forecast (or --backtest FIRST-LAST)")
    year = _integer(args.year, "year")
    through = None if args.through is None else _integer(args.through, "--through")
    if through is not None and through >= year:
        raise UsageError(f"--through must be before the year forecast ({year}), not {through}")
    top = _integer(args.top, "--top", low=0, high=200)
    thresholds = [_integer(t, "--below", low=0, high=400) for t in args.below or []]
    thresholds = thresholds or [185, 180, 170]
    n_draws = _integer(args.draws, "--draws", low=0, high=MAX_DRAWS)
    seed = _integer(args.seed, "--seed", low=0)
    bloc_sd = _number(args.bloc_sd, "--bloc-sd")
    if (args.draws_out or args.bloc) and n_draws == 0:
        raise UsageError("--draws-out and --bloc need --draws N with N > 0")
    if bloc_sd > 0 and not args.bloc:
        raise UsageError("--bloc-sd needs at least one --bloc GROUP whose members share the shock")
    plot_dir = _writable_dir(args.plot) if args.plot else None
    draws_out = _writable_file(args.draws_out) if args.draws_out else None

    countries = [to_iso3(name) for name in args.country or []]
    fc = forecast(year, args.scenario, through=through)
    absent = [c for c in countries if c not in fc.scenarios[next(iter(fc.scenarios))].members.index]
    if absent:
        raise UsageError(f"--country {absent[0]} is not a UN member at the {year} vote")
    draw_summaries = simulate_draws(fc, n_draws, seed, args.bloc or [], bloc_sd, draws_out)
    if args.json:
        data = fc.to_dict(top=top, thresholds=thresholds)
        for scenario in data["scenarios"]:
            if scenario["name"] in draw_summaries:
                scenario["draws"] = draw_summaries[scenario["name"]]
        text = json.dumps(data)
    else:
        header = (
            f"Forecast of the {year} UN vote on ending the US embargo against Cuba\n"
            f"{fc.members} members; model fitted on the votes of {fc.through} and before."
        )
        blocks = [
            format_scenario(fc, name, top, draw_summaries.get(name, {}).get("80"), thresholds)
            for name in fc.scenarios
        ]
        blocks += [format_country(fc, code) for code in countries]
        skipped = "\n".join(f"skipped {name}: {reason}" for name, reason in fc.skipped.items())
        text = "\n\n".join([header, *blocks, *([skipped] if skipped else [])])
    if plot_dir is not None:
        paths = write_charts(fc, plot_dir)
        text += "\n" if args.json else "\n\nCharts:\n" + "\n".join(f"  {p}" for p in paths)
        if args.json:
            sys.stderr.write("charts: " + ", ".join(str(p) for p in paths) + "\n")
    return text


def _progress(label: str):
    def report(year: int) -> None:
        sys.stderr.write(f"\r{label}: {year} ...")
        sys.stderr.flush()

    return report


def write_charts(fc: Any, directory: Path) -> list[Path]:
    """Every chart, the backtest ones included (votes from 1995 through the training year)."""
    from unvote.evaluation import rolling_predictions, score_predictions
    from unvote.plot import save_all

    predictions = table = None
    if fc.through >= 1995:
        predictions = rolling_predictions(1995, fc.through, progress=_progress("backtest"))
        sys.stderr.write("\n")
        table = score_predictions(predictions)
    return save_all(fc, directory, backtest_table=table, predictions=predictions)


def simulate_draws(
    fc: Any, n_draws: int, seed: int, blocs: list[str], bloc_sd: float, out: Path | None
) -> dict[str, dict[str, Any]]:
    """Seeded draws per scenario: 80 % and 95 % ranges of the drawn counts (and a CSV)."""
    if n_draws == 0:
        return {}
    from unvote.scenario import BOOLEAN_FEATURES
    from unvote.simulate import draw_counts, draw_votes, draws_to_csv

    unknown = [b for b in blocs if b not in BOOLEAN_FEATURES]
    if unknown:
        raise UsageError(
            f"--bloc {unknown[0]!r} is not a group; use one of: {', '.join(BOOLEAN_FEATURES)}"
        )
    rows = fc.features
    bloc_map = {b: list(rows.index[rows[b].astype(bool)]) for b in blocs} if blocs else None
    summaries: dict[str, dict[str, Any]] = {}
    for k, (name, sf) in enumerate(fc.scenarios.items()):
        # Draws start from a year without a shock and draw the year shock
        # themselves, so they follow the same mixture as the exact counts.
        draws = draw_votes(
            sf.typical,
            n_draws,
            random_state=seed + k,
            blocs=bloc_map,
            bloc_sd=bloc_sd,
            common_sd=sf.shock_sd,
        )
        counts = draw_counts(draws)
        summary: dict[str, Any] = {"n": n_draws, "seed": seed + k, "mean": {}}
        for level in (0.8, 0.95):
            tail = (1 - level) / 2
            summary[str(round(level * 100))] = {
                o: [int(counts[o].quantile(tail)), int(counts[o].quantile(1 - tail))]
                for o in ("yes", "no", "abstain", "absent")
            }
        summary["mean"] = {
            o: round(float(counts[o].mean()), 4) for o in ("yes", "no", "abstain", "absent")
        }
        summaries[name] = summary
        if out is not None:
            target = (
                out if len(fc.scenarios) == 1 else out.with_name(f"{out.stem}-{name}{out.suffix}")
            )
            draws_to_csv(draws, target)
    return summaries


def list_scenarios() -> str:
    from unvote.scenario import builtin_scenarios, get_scenario

    lines = []
    for name in builtin_scenarios():
        scenario = get_scenario(name)
        lines.append(f"{name:<18} {scenario.description}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["data"]:  # the `forecast data ...` group, below
        return data_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.list_scenarios:
            print(list_scenarios())
        elif args.backtest:
            print(run_backtest(args.backtest))
        else:
            print(run_forecast(args))
    except UnvoteError as err:
        sys.stderr.write(f"forecast: error: {err}\n")
        return EXIT_USAGE
    return 0


# ============================================================================= forecast data
# The user's imports of the UN's resolution extracts: thin callers of unvote.store.

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
    """:func:`unvote.store.data_status` as a small table."""
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
    return json.dumps(data)


def run_data(args: argparse.Namespace) -> str:
    from unvote import store

    if args.command == "import":

        def report(step: str) -> None:
            sys.stderr.write(f"forecast data: {step}\n")
            sys.stderr.flush()

        # Progress for a person watching; scripts and logs get the summary alone.
        summary = store.import_extract(
            *args.files, progress=report if sys.stderr.isatty() else None
        )
        return json.dumps(summary.to_dict()) if args.json else str(summary)
    if args.command == "status":
        table = store.data_status()
        return _status_json(table) if args.json else format_status(table)
    from unvote.datadir import imports_dir

    removed = store.reset_imports()
    return f"removed the imports of {removed} file(s) from {imports_dir()}"


def data_main(argv: Sequence[str]) -> int:
    """``forecast data COMMAND``: import, status, reset."""
    args = build_data_parser().parse_args(argv)
    try:
        print(run_data(args))
    except UnvoteError as err:
        sys.stderr.write(f"forecast: error: {err}\n")
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
