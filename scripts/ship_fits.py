"""Ship the results every user computes alike from the shipped record: ``unvote/model/shipped``.

A fresh install would otherwise fit the same models as every other: the
default forecast's model and inputs, the items' linking, the fits behind the
README's and the docs' backtest and forward-test tables.  This script runs
those computations with the package's defaults, into an empty temporary cache
with the shipped entries switched off (``UNVOTE_SHIPPED_FITS=0``), no imports
and no ``$UNVOTE_GA_DATA``; then it replaces the shipped folder's entries with
the ones the runs stored or read, gzipped, under the cache's own names
(:mod:`unvote.model.cache`), and prints what it shipped and how big.

Run it from the repository root whenever the record or the fitting code
changes (``tests/test_shipped.py`` fails, naming this script, until it is)::

    python scripts/ship_fits.py              # about 13 minutes on a busy 2-core machine
    python scripts/ship_fits.py --cache DIR  # reuse the fits already in a cache folder
    python scripts/ship_fits.py --reuse      # keep the shipped entries that still match

With ``--cache`` the runs read and add to that folder; with ``--reuse`` they
read the shipped entries too, so after a change to the forecasting code alone
only the forecasts' inputs are computed again.  Either way only entries of this
record and code are reused: they are keyed by both.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BACKTEST = (1995, 2024)
"""``forecast backtest 1995-2024``: the README's Cuba backtest."""
FORWARD_TESTS = ((60, 80), (75, 80))
"""Sessions 60-80: the fits of docs/model.md's forward test (60-79) and the README's (75-80);
75-80 again for its scores, which the model card of every report shows (``known_scores``)."""
YEARS = (2026, 2025)
"""``forecast 2026``, the README's first command, and ``forecast 2025``, its retrospective."""


def _model_of_today() -> Any:
    """The model every forecast made now uses: any text's, ``forecast roll-calls``'."""
    from unvote.model.features import load_record
    from unvote.model.fitting import fitted_model, model_cutoff

    record = load_record()
    return fitted_model(record, model_cutoff(record, record.last_date))


def runs() -> list[tuple[str, Callable[[], Any]]]:
    """The computations whose cache entries ship, each with the defaults a user gets."""
    import unvote

    return [
        # first: a fit from nothing, not started from another (the test compares it afresh)
        ("the model of a forecast made now", _model_of_today),
        *[(f"forecast {y}", lambda y=y: unvote.forecast(y)) for y in YEARS],
        (f"backtest {BACKTEST[0]}-{BACKTEST[1]}", lambda: unvote.backtest(*BACKTEST)),
        *[
            (f"forward test {first}-{last}", lambda f=first, t=last: unvote.forward_test(f, t))
            for first, last in FORWARD_TESTS
        ],
    ]


def _tracked(cache: Any, used: set[tuple[str, str]]) -> None:
    """Note every entry the runs store or find: those, and only those, ship."""
    fetch, store = cache.fetch, cache.store

    def fetch_noted(kind: str, key: Any) -> Any:
        value = fetch(kind, key)
        if value is not None:
            used.add((kind, cache._path(kind, key).name))
        return value

    def store_noted(kind: str, key: Any, value: Any) -> None:
        store(kind, key, value)
        used.add((kind, cache._path(kind, key).name))

    cache.fetch, cache.store = fetch_noted, store_noted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="a cache folder to reuse (default: a new one)")
    parser.add_argument("--reuse", action="store_true", help="reuse matching shipped entries")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="unvote-ship-") as scratch:
        # Set before unvote is imported: the shipped record alone, nothing of the user's.
        os.environ.pop("UNVOTE_GA_DATA", None)
        os.environ["UNVOTE_DATA_DIR"] = str(Path(scratch) / "data")
        os.environ["UNVOTE_CACHE_DIR"] = str(args.cache or Path(scratch) / "cache")
        if args.reuse:
            os.environ.pop("UNVOTE_SHIPPED_FITS", None)
        else:
            os.environ["UNVOTE_SHIPPED_FITS"] = "0"
        from unvote.model import cache
        from unvote.record.datadir import cache_dir

        used: set[tuple[str, str]] = set()
        _tracked(cache, used)
        print(f"data version {cache.data_version()}, cache {cache_dir()}")
        for name, run in runs():
            start = time.perf_counter()
            run()
            print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)

        shipped = cache.SHIPPED_DIR
        entries = {}  # read before the folder is emptied: --reuse reads shipped ones
        for kind, name in sorted(used):
            computed = cache_dir() / kind / name
            if computed.is_file():
                # mtime 0: the same entries make the same bytes, so an unchanged fit is no diff
                data = gzip.compress(computed.read_bytes(), compresslevel=9, mtime=0)
            else:  # found among the shipped entries (--reuse)
                data = (shipped / kind / f"{name}.gz").read_bytes()
            entries[kind, name] = data
        for folder in [p for p in shipped.iterdir() if p.is_dir()] if shipped.is_dir() else []:
            shutil.rmtree(folder)  # entries of an older record or code: all replaced
        sizes: dict[str, list[int]] = {}
        for (kind, name), data in entries.items():
            target = shipped / kind / f"{name}.gz"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            sizes.setdefault(kind, []).append(len(data))
    total = sum(map(sum, sizes.values()))
    root = Path(__file__).resolve().parents[1]
    where = shipped.relative_to(root) if shipped.is_relative_to(root) else shipped
    print(f"shipped into {where}:")
    for kind, these in sizes.items():
        print(f"  {kind:<8} {len(these):3d} entries {sum(these) / 1e6:6.2f} MB")
    print(f"  {'in all':<8} {sum(map(len, sizes.values())):3d} entries {total / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
