"""Benchmarks of unvote on the shipped data: start-up, forecast, fit, exact counts, backtest.

Kept out of the test suite: timings belong in a benchmark, not in assertions.
Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/run.py [--repeat 7]

Each figure is the median of ``--repeat`` runs.  Process timings (imports and
the end-to-end command) are wall-clock times of fresh interpreters, reported
also as a ratio to a bare ``python -c "import pandas"`` measured in the same
run, so they compare across machines.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def wall(commands: list[list[str]], repeat: int) -> list[float]:
    """Median wall-clock seconds of each command, each run in a fresh process.

    The commands take turns in every round, so a burst of load on the machine
    falls on all of them alike and the ratios between them stay fair.
    """
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, record in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=Path.home())
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def inprocess(function: Callable[[], object], repeat: int) -> float:
    """Median seconds of a call, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


LOAD_RECORD = """
import resource, time
import unvote.load as load
start = time.perf_counter()
calls = load.load_roll_calls()
votes = load.load_ga_votes(roll_calls=calls)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def record_load(repeat: int) -> tuple[float, float]:
    """Median seconds to load and check the whole record, and the peak memory (MB) of the process.

    Each run is a fresh interpreter, so nothing is cached and the peak
    resident memory is the whole process's: Python, pandas and the record.
    """
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_RECORD], check=True, capture_output=True, text=True
        )
        seconds, peak = out.stdout.split()
        runs.append((float(seconds), float(peak)))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    forecast = shutil.which("forecast", path=str(Path(python).parent)) or "forecast"

    from unvote.counts import joint_yes_no, marginals
    from unvote.evaluation import backtest
    from unvote.forecasting import forecast as forecast_fn
    from unvote.model import VoteModel
    from unvote.panel import feature_panel

    pandas_import, unvote_import, end_to_end = wall(
        [
            [python, "-c", "import pandas"],
            [python, "-c", "import unvote"],
            [forecast, "2025", "--json"],
        ],
        args.repeat,
    )
    panel = feature_panel(2025)
    cable = forecast_fn(2025, ["cable"]).scenarios["cable"]
    probs = cable.probs
    fit = inprocess(lambda: VoteModel().fit(panel, through=2024), args.repeat)
    features = inprocess(lambda: feature_panel(2025), args.repeat)
    exact = inprocess(lambda: marginals(probs), args.repeat)
    joint = inprocess(lambda: joint_yes_no(probs), args.repeat)
    mixture = inprocess(lambda: marginals(cable.typical, cable.shock_sd), args.repeat)
    full_backtest = inprocess(lambda: backtest(1995, 2024), max(1, args.repeat // 3))
    load_seconds, load_peak = record_load(args.repeat)

    rows = [
        ("python -c 'import pandas' (reference)", pandas_import, "", ""),
        ("load and check the whole record (6,821 roll calls)", load_seconds, "<= 1.5 s", ""),
        ("python -c 'import unvote'", unvote_import, "<= 1.2x", unvote_import / pandas_import),
        ("forecast 2025 --json (5 scenarios)", end_to_end, "<= 2x", end_to_end / pandas_import),
        ("feature panel 1992-2025", features, "", ""),
        ("model fit, 1993-2024", fit, "< 1 s", ""),
        ("exact marginals, 193 members", exact, "< 10 ms", ""),
        ("exact joint (yes, no), 193 members", joint, "", ""),
        ("exact marginals, mixture over the year shock", mixture, "", ""),
        ("backtest 1995-2024 (model + 2 baselines)", full_backtest, "< 20 s", ""),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"median of {args.repeat} runs\n")
    print("| what | seconds | target | ratio to import pandas |")
    print("|---|---:|---|---:|")
    for name, seconds, target, ratio in rows:
        ratio_text = f"{ratio:.2f}" if ratio != "" else ""
        print(f"| {name} | {seconds:.4f} | {target} | {ratio_text} |")
    print(
        f"\npeak memory of a process loading the whole record: {load_peak:.0f} MB (target 400 MB)"
    )


if __name__ == "__main__":
    main()
