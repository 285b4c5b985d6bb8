"""Benchmarks of unvote: start-up, loading, the fit, a warm forecast, counts, the forward test.

Kept out of the test suite: timings belong in a benchmark, not in assertions.
Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/run.py [--repeat 5] [--forward-test]

Process timings (imports and the end-to-end command) are wall-clock times of
fresh interpreters, reported also as a ratio to a bare ``python -c "import
pandas"`` measured in the same run, so they compare across machines.  The
command runs on a warm cache (a fitted model on disk): the first run in a
fresh cache fits the model, which the cold-fit line measures.  Each figure is
the median of ``--repeat`` runs, except the cold fit (one run in a fresh cache
folder) and the forward test (``--forward-test``: one cold run, several minutes).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Peak memory is read from /proc (VmHWM, this process alone): getrusage's
# ru_maxrss survives exec, so a child started by a large parent reports the parent's.
LOAD_RECORD = """
import re, resource, time
from pathlib import Path
import unvote.record.loaders as load
start = time.perf_counter()
calls = load.load_roll_calls()
votes = load.load_member_votes(roll_calls=calls)
seconds = time.perf_counter() - start
status = Path("/proc/self/status")
if status.exists():
    peak = int(re.search(r"VmHWM:\\s*(\\d+)", status.read_text()).group(1)) / 1024
else:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(seconds, peak)
"""


def wall(commands: list[list[str]], repeat: int, env: dict[str, str]) -> list[float]:
    """Median wall-clock seconds of each command, each run in a fresh process.

    The commands take turns in every round, so a burst of load on the machine
    falls on all of them alike and the ratios between them stay fair.
    """
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, record in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=Path.home(), env=env)
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


def record_load(repeat: int) -> tuple[float, float]:
    """Median seconds to load and check the whole record; the process's peak memory (MB)."""
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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--forward-test", action="store_true", help="also time sessions 60-79")
    args = parser.parse_args()
    python = sys.executable
    forecast = shutil.which("forecast", path=str(Path(python).parent)) or "forecast"
    cache = Path(tempfile.mkdtemp(prefix="unvote-bench-"))
    env = os.environ | {"UNVOTE_CACHE_DIR": str(cache / "warm")}
    os.environ.update(env)

    from unvote.forecasting.counts import joint_yes_no, marginals, mixture_marginals
    from unvote.forecasting.vote import forecast as forecast_fn
    from unvote.model.features import load_record, training_rows
    from unvote.model.fitting import fitted_model, model_cutoff

    # The cold fit: one run, in a cache of its own, the shipped fits ignored (they hold this one).
    record = load_record()
    through = model_cutoff(record, record.last_date)
    os.environ["UNVOTE_CACHE_DIR"] = str(cache / "cold")
    os.environ["UNVOTE_SHIPPED_FITS"] = "0"
    rows = training_rows(record, 65, 79)
    start = time.perf_counter()
    fitted_model(record, through, rows=rows)
    cold_fit = time.perf_counter() - start
    os.environ["UNVOTE_CACHE_DIR"] = env["UNVOTE_CACHE_DIR"]
    os.environ.pop("UNVOTE_SHIPPED_FITS")
    subprocess.run([forecast, "2025", "--json"], check=True, stdout=subprocess.DEVNULL, env=env)

    pandas_import, unvote_import, end_to_end = wall(
        [
            [python, "-c", "import pandas"],
            [python, "-c", "import unvote"],
            [forecast, "2025", "--json"],
        ],
        args.repeat,
        env,
    )
    load_seconds, load_peak = record_load(args.repeat)
    load_all = inprocess(load_record, max(1, args.repeat // 2))
    features = inprocess(lambda: training_rows(record, 65, 79), 1)
    fc = forecast_fn(2025, ["cable"], record=record)
    cable = fc.scenarios["cable"]
    exact = inprocess(lambda: marginals(cable.typical), args.repeat)
    joint = inprocess(lambda: joint_yes_no(cable.typical), args.repeat)
    mixture = inprocess(lambda: mixture_marginals(cable.components, cable.shock_sd), args.repeat)

    rows_out = [
        ("python -c 'import pandas' (reference)", pandas_import, "", pandas_import),
        ("python -c 'import unvote'", unvote_import, "", unvote_import),
        ("forecast 2025 --json, warm cache (5 scenarios)", end_to_end, "<= 2x", end_to_end),
        ("load and check the whole record (6,821 roll calls)", load_seconds, "<= 1.5 s", None),
        ("load_record(): record, items, sponsors, similar titles", load_all, "", None),
        ("features of 15 sessions (training rows)", features, "", None),
        ("cold fit of the default window (15 sessions)", cold_fit, "< 20 s", None),
        ("exact marginals, 193 members, no shock", exact, "", None),
        ("exact joint (yes, no), 193 members", joint, "", None),
        ("exact marginals, mixture over shock and strength prior", mixture, "", None),
    ]
    if args.forward_test:
        from unvote.evaluation.runs import forward_test

        os.environ["UNVOTE_CACHE_DIR"] = str(cache / "forward")
        os.environ["UNVOTE_SHIPPED_FITS"] = "0"  # cold: fitted here, not read from the package
        start = time.perf_counter()
        forward_test(60, 79, record=record)
        rows_out.append(
            ("forward test, sessions 60-79, cold", time.perf_counter() - start, "< 300 s", None)
        )

    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"median of {args.repeat} runs (cold fit and forward test: one run)\n")
    print("| what | seconds | target | ratio to import pandas |")
    print("|---|---:|---|---:|")
    for name, seconds, target, ratio in rows_out:
        ratio_text = f"{ratio / pandas_import:.2f}" if ratio is not None else ""
        print(f"| {name} | {seconds:.4f} | {target} | {ratio_text} |")
    print(
        f"\npeak memory of a process loading the whole record: {load_peak:.0f} MB (target 400 MB)"
    )
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
