"""Keep a forecast on record as it was made: one dated JSON file in ``forecasts/``.

A forecast is worth most when it can be scored as it stood, not as the code
would redo it later.  This script writes ``forecast YEAR --json`` for one
text, with what is needed to score it once the UN publishes the vote (each
scenario's exact distribution of the yes count, every member's
probabilities), the record's cut-off, the package and data versions and the
day it was made.  It never overwrites a file: a forecast on record is not
rewritten.  :func:`unvote.forecasting.archive.score_archived` scores such a file
against the record once the vote is in it.  Run from the repository root::

    python scripts/archive_forecast.py 2026                    # the Cuba text
    python scripts/archive_forecast.py 2026 --item "palestine refugees"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year", type=int, help="the year of the vote to forecast")
    parser.add_argument("--item", help="the text, by id or words (default: the Cuba text)")
    parser.add_argument("--out", type=Path, default=ROOT / "forecasts", help="folder to write")
    args = parser.parse_args(argv)

    from unvote.errors import UnvoteError
    from unvote.forecasting.archive import archive_record

    try:
        record = archive_record(args.year, item=args.item, made=dt.date.today())
    except UnvoteError as err:
        print(f"archive_forecast: {err}", file=sys.stderr)
        return 2
    label = re.sub(r"[^a-z0-9]+", "-", record["forecast"]["item"]["label"].lower()).strip("-")
    name = f"{label}-{args.year}-through-{record['through']}.json"
    path = args.out / name
    if path.exists():
        print(
            f"archive_forecast: {path} exists; a forecast on record is never rewritten",
            file=sys.stderr,
        )
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
