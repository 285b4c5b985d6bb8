"""The ``forecast`` command: a thin shell over the library.

User mistakes become one line on stderr and exit status 2; nothing else is
caught here, so a bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from unvote.errors import UnvoteError

EXIT_USAGE = 2


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but its errors are one line (no usage dump), exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"forecast: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="forecast",
        description="Show the recorded UN General Assembly vote on ending the US embargo "
        "against Cuba for a year.",
    )
    parser.add_argument("year", help="year of the vote, e.g. 2024")
    return parser


def parse_year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UnvoteError(f"year must be a number such as 2025, not {text!r}") from None


def show_record(year: int) -> str:
    from unvote.load import load_votes

    votes = load_votes()
    known = sorted(votes["year"].unique())
    if year not in known:
        raise UnvoteError(
            f"no vote recorded in {year}; votes: {known[0]}-{known[-1]} (none in 2020)"
        )
    this = votes[votes["year"] == year]
    counts = this["vote"].value_counts()
    lines = [
        f"{this['resolution'].iloc[0]} ({this['date'].iloc[0]:%Y-%m-%d}): "
        + ", ".join(f"{counts[v]} {v}" for v in ["yes", "no", "abstain", "absent"])
    ]
    for outcome in ["no", "abstain", "absent"]:
        names = this.loc[this["vote"] == outcome, "country"].tolist()
        if names:
            lines.append(f"  {outcome}: {', '.join(names)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(show_record(parse_year(args.year)))
    except UnvoteError as err:
        sys.stderr.write(f"forecast: error: {err}\n")
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
