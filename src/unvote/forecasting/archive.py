"""Forecasts kept on record as they were made, and scored once the vote is held.

A forecast is judged fairly only as it stood before the vote, not as later
code would redo it.  :func:`archive_record` turns a forecast into one JSON
document: ``forecast YEAR --json`` (every scenario's expected counts,
intervals, channels and every member's probabilities), each scenario's exact
count distributions, the record's cut-off, the versions of the package and of
the data, and the day it was made.  ``scripts/archive_forecast.py`` writes it
into ``forecasts/`` and never overwrites a file there.

When the vote is in the record (an import of the UN's extract of the session
that held it), :func:`score_archived` scores the document as it stands,
with the same measures as a forecast's own retrospective
(:mod:`unvote.forecasting.retrospective`): votes moved against the no-campaign forecast,
the members that surprised it, and each scenario's percentile, log score and
member log loss.  Nothing is refitted.

>>> import json, tempfile
>>> made = archive_record(2025, scenarios=["baseline", "cable"], made="2025-10-28")
>>> made["through"], made["vote_date"], sorted(made["marginals"])
('2025-10-28', '2025-10-29', ['baseline', 'cable'])
>>> retro = score_archived(made)  # the 2025 vote is in the record
>>> retro.summary.loc["cable", "percentile"].round(3)
np.float64(0.253)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from unvote.errors import DataFileError, InvalidValueError
from unvote.numbers import rounded
from unvote.vocabulary import OUTCOMES, PROBABILITY_COLUMNS

ARCHIVE_FORMAT = 1
"""Bumped when the layout of an archived forecast changes."""


def archive_record(
    year: int,
    *,
    item: str | None = None,
    scenarios: Iterable[str] | None = None,
    made: str | dt.date | None = None,
    top: int = 15,
) -> dict[str, Any]:
    """A forecast of ``item``'s vote in ``year`` as a document to keep (see the module).

    ``item`` as :func:`unvote.forecasting.vote.forecast` takes it (default: the
    Cuba text); ``scenarios`` the built-in scenarios or files (default: every
    built-in one that applies); ``made`` the day it is made (default: today);
    ``top`` how many members each mover list holds.
    """
    from importlib.metadata import PackageNotFoundError, version

    from unvote.forecasting.vote import DEFAULT_ITEM, forecast
    from unvote.model import cache

    fc = forecast(year, None if scenarios is None else list(scenarios), item=item or DEFAULT_ITEM)
    try:
        package = version("unvote")
    except PackageNotFoundError:
        package = "source"
    day = dt.date.today() if made is None else pd.Timestamp(made).date()
    return {
        "format": ARCHIVE_FORMAT,
        "made": f"{day:%Y-%m-%d}",
        "unvote": package,
        "data_version": cache.data_version(),
        "item": fc.item.id,
        "year": int(fc.year),
        "vote_date": f"{fc.date:%Y-%m-%d}",
        "through": f"{fc.through:%Y-%m-%d}",
        "forecast": fc.to_dict(top),
        "marginals": {
            name: {o: [rounded(p, 10) for p in sf.marginals[o]] for o in OUTCOMES}
            for name, sf in fc.scenarios.items()
        },
    }


def read_archived(path: str | os.PathLike[str]) -> dict[str, Any]:
    """An archived forecast read from its file, checked to be one.

    Raises :class:`~unvote.errors.DataFileError` naming the file for anything
    that is not such a document.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise DataFileError(f"{path}: cannot be read as an archived forecast ({err})") from None
    _check(data, str(path))
    return data


def _check(data: Any, where: str) -> None:
    needed = ("format", "item", "year", "through", "forecast", "marginals")
    if not isinstance(data, Mapping) or any(k not in data for k in needed):
        raise DataFileError(f"{where}: not an archived forecast (needs {', '.join(needed)})")
    if data["format"] != ARCHIVE_FORMAT:
        raise DataFileError(
            f"{where}: archive format {data['format']!r}; this unvote reads {ARCHIVE_FORMAT}"
        )


def score_archived(
    archived: str | os.PathLike[str] | Mapping[str, Any], *, votes: pd.DataFrame | None = None
) -> Any:
    """Score an archived forecast against the recorded vote, as it stands.

    Returns a :class:`~unvote.forecasting.retrospective.Retrospective`.

    ``archived`` is a file written by ``scripts/archive_forecast.py`` or the
    document :func:`archive_record` returns.  The vote is the item's first
    roll call in the document's year after its cut-off, read from the record
    (or from ``votes``, :func:`unvote.items.catalogue.load_item_votes` output).  Raises
    :class:`~unvote.errors.InvalidValueError` when the record does not hold
    it yet (import the UN's extract of its session first).
    """
    from unvote.forecasting.retrospective import retrospective
    from unvote.items.catalogue import load_item_votes

    data = read_archived(archived) if not isinstance(archived, Mapping) else archived
    _check(data, "the archived forecast")
    votes = load_item_votes(data["item"]) if votes is None else votes
    through = pd.Timestamp(data["through"])
    held = votes[(votes["year"] == data["year"]) & (votes["date"] > through)]
    if held.empty:
        raise InvalidValueError(
            f"the {data['year']} vote on {data['item']} is not in the record yet: import the "
            "UN's extract of the session that held it (forecast data import FILE)"
        )
    first = held["date"].min()
    recorded = held[held["date"] == first].set_index("iso3")["vote"].astype(str)
    probs, pmfs = {}, {}
    for scenario in data["forecast"]["scenarios"]:
        name = scenario["name"]
        rows = pd.DataFrame(scenario["countries"]).set_index("iso3")
        missing = recorded.index.difference(rows.index)
        if len(missing):
            raise InvalidValueError(
                f"scenario {name!r} of the archived forecast has no probabilities for "
                f"{', '.join(missing[:5])}, who voted on {first:%Y-%m-%d}"
            )
        table = rows.loc[recorded.index, list(PROBABILITY_COLUMNS)].astype(float)
        probs[name] = table.div(table.sum(axis=1), axis=0)  # stored to 6 decimals
        pmfs[name] = pd.DataFrame(data["marginals"][name]).rename_axis("count")
    if "baseline" not in probs:
        raise InvalidValueError("the archived forecast has no baseline (no-campaign) scenario")
    members = pd.DataFrame(data["forecast"]["scenarios"][0]["countries"]).set_index("iso3")
    return retrospective(
        recorded, probs, pmfs=pmfs, members=members.loc[recorded.index, ["country", "last_vote"]]
    )
