"""Forecasts of any coming roll calls, given their date and title (and sponsors, when known).

:func:`forecast_roll_calls` links each roll call to the text it continues
(or to none: a new text), builds every member's features on the cut-off,
applies the model fitted at the session's opening (:mod:`unvote.model.fitting`)
and counts exactly; it returns :class:`RollCallForecasts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from unvote.errors import (
    InvalidTypeError,
    InvalidValueError,
)
from unvote.forecasting.counts import (
    expected_counts,
    integrate_shock,
    marginal_intervals,
    marginals,
    prob_adopted,
)
from unvote.items.catalogue import link_items
from unvote.model.estimator import VoteModel
from unvote.model.features import (
    Record,
    coming_targets,
    feature_rows,
    load_record,
)
from unvote.model.fitting import Progress, fitted_model, model_cutoff
from unvote.numbers import rounded, rounded_frame
from unvote.record.calendar import parse_day
from unvote.record.sponsors import SponsorReader
from unvote.vocabulary import LEVELS, OUTCOMES, PROBABILITY_COLUMNS, level_key


@dataclass(repr=False)
class RollCallForecast:
    """The forecast of one coming roll call.

    ``item`` is the text it continues (``linked``: an earlier roll call of the
    record is on the same text; otherwise a new item, forecast from the
    members' alignment, participation, sponsorship and votes on similar
    titles).  ``members``: one row a member (index iso3) with ``country`` and
    the four probabilities (averaged over the roll-call shock); ``marginals``
    the exact pmf of each count; ``p_adopted`` the probability of more yes
    than no votes (a simple majority of those present and voting),
    ``p_two_thirds`` of the two-thirds majority important questions need.
    """

    id: str
    date: pd.Timestamp
    title: str
    item: str
    linked: bool
    members: pd.DataFrame
    marginals: pd.DataFrame
    expected: pd.Series
    intervals: dict[str, dict[str, tuple[int, int]]]
    p_adopted: float
    p_two_thirds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the shape of one entry of ``forecast roll-calls FILE --json``."""
        probs = rounded_frame(self.members[list(PROBABILITY_COLUMNS)].astype(float), 6)
        return {
            "id": self.id,
            "date": f"{self.date:%Y-%m-%d}",
            "title": self.title,
            "item": self.item,
            "linked": bool(self.linked),
            "expected": {o: rounded(self.expected[o], 4) for o in OUTCOMES},
            "intervals": {
                key: {o: [int(v) for v in bounds[o]] for o in OUTCOMES}
                for key, bounds in self.intervals.items()
            },
            "p_adopted": rounded(self.p_adopted, 6),
            "p_two_thirds": rounded(self.p_two_thirds, 6),
            "members": [
                {"iso3": str(i), **p}
                for i, p in zip(probs.index, probs.to_dict("records"), strict=True)
            ],
        }

    def __repr__(self) -> str:
        lo, hi = self.intervals[level_key(LEVELS[0])]["yes"]
        return (
            f"<RollCallForecast {self.id!r} ({self.date:%Y-%m-%d}): expected yes "
            f"{self.expected['yes']:.1f} ({lo}-{hi}), no {self.expected['no']:.1f}; "
            f"P(adopted) {self.p_adopted:.3f}{'' if self.linked else '; a new text'}>"
        )


@dataclass(repr=False)
class RollCallForecasts(Sequence[RollCallForecast]):
    """Forecasts of coming roll calls (:func:`forecast_roll_calls`), in the order given."""

    through: pd.Timestamp
    model: VoteModel
    forecasts: list[RollCallForecast]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, str):
            for rc in self.forecasts:
                if rc.id == index:
                    return rc
            raise KeyError(index)
        return self.forecasts[index]

    def __len__(self) -> int:
        return len(self.forecasts)

    def table(self) -> pd.DataFrame:
        """One row a roll call: item, linked, expected counts, the 80 % yes interval, P(adopted)."""
        key = level_key(LEVELS[0])
        rows = []
        for rc in self.forecasts:
            lo, hi = rc.intervals[key]["yes"]
            rows.append(
                {"id": rc.id, "date": rc.date, "item": rc.item, "linked": rc.linked}
                | {o: rounded(rc.expected[o], 1) for o in OUTCOMES}
                | {f"yes {key} %": f"{lo}-{hi}", "P(adopted)": rounded(rc.p_adopted, 3)}
            )
        return pd.DataFrame(rows).set_index("id")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"through": ..., "roll_calls": [...]}``."""
        return {
            "through": f"{self.through:%Y-%m-%d}",
            "roll_calls": [rc.to_dict() for rc in self.forecasts],
        }

    def __repr__(self) -> str:
        shown = self.table().drop(columns=["date", "item"])
        more = f"\n... and {len(self) - 20} more" if len(self) > 20 else ""
        return (
            f"<Forecasts of {len(self)} coming roll call{'s' if len(self) != 1 else ''}, "
            f"record through {self.through:%Y-%m-%d}: expected counts, yes interval, "
            f"P(adopted)\n{shown.head(20).to_string()}{more}>"
        )

    def to_html(self, top: int = 10) -> str:
        """One self-contained HTML page: a row a roll call that sorts, then a section each.

        ``top``: how many members each section lists as likeliest to vote no
        or abstain (:func:`unvote.report.html.roll_calls_page`).
        """
        from unvote.report.html import roll_calls_page

        return roll_calls_page(self, top=top)

    def _repr_html_(self) -> str:
        return self.table().to_html()


COMING_ROLL_CALL_COLUMNS: tuple[str, ...] = ("id", "date", "title")
"""Columns a table of coming roll calls must have; ``agenda_item``, ``committee`` and
``sponsors`` (a sponsor list as the UN writes it, or names or ISO3 codes separated by
``;``: see :mod:`unvote.record.sponsors`) are optional."""


def _check_calls(calls: pd.DataFrame, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table of coming roll calls checked whole, sponsors read: no record needed.

    Returns a copy with ``date`` parsed and ``sponsors`` (when given) as
    :class:`~unvote.record.sponsors.SponsorList` (or None); ``members`` as
    :func:`unvote.record.loaders.load_members` returns them, read when not given.
    """
    if not isinstance(calls, pd.DataFrame):
        raise InvalidTypeError(f"calls must be a DataFrame, not {type(calls).__name__}")
    missing = [c for c in COMING_ROLL_CALL_COLUMNS if c not in calls.columns]
    if missing:
        raise InvalidValueError(
            f"the roll calls lack column(s) {', '.join(missing)}; needed: "
            f"{', '.join(COMING_ROLL_CALL_COLUMNS)} (optional: agenda_item, committee, sponsors)"
        )
    if calls.empty:
        raise InvalidValueError("no roll call to forecast: the table is empty")
    calls = calls.reset_index(drop=True).copy()
    calls["id"] = calls["id"].astype(str).str.strip()
    blank = calls["id"] == ""
    if blank.any():
        raise InvalidValueError(f"roll call {int(blank.idxmax()) + 1} has no id")
    twice = calls["id"].duplicated()
    if twice.any():
        raise InvalidValueError(f"roll call id {calls.loc[twice, 'id'].iloc[0]!r} appears twice")
    dates = pd.to_datetime(calls["date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    if bad.any():
        row = calls[bad].iloc[0]
        raise InvalidValueError(
            f"roll call {row['id']!r}: date {row['date']!r} is not a date (YYYY-MM-DD)"
        )
    calls["date"] = dates
    calls["title"] = calls["title"].fillna("").astype(str)
    if "sponsors" in calls.columns:
        reader = SponsorReader(members)
        calls["sponsors"] = [
            reader.read(text, where=f"roll call {call_id!r}")
            for call_id, text in zip(calls["id"], calls["sponsors"], strict=True)
        ]
    return calls


def _check_dates(calls: pd.DataFrame, through: pd.Timestamp) -> None:
    """Every coming roll call is dated after the cut-off ``through``."""
    early = calls["date"] <= through
    if early.any():
        row = calls[early].iloc[0]
        raise InvalidValueError(
            f"roll call {row['id']!r} is dated {row['date']:%Y-%m-%d}, on or before the cut-off "
            f"{through:%Y-%m-%d}: a forecast may only use what came before the vote"
        )


def _link_coming(record: Record, calls: pd.DataFrame, cutoff: pd.Timestamp) -> list[str]:
    """The record's item for each coming call (linked as the record's titles), else a new one.

    Only roll calls through ``cutoff`` count: a text first voted after it is new to a
    forecast made then.
    """
    from unvote.items.catalogue import LINKED_ROLL_CALL_COLUMNS

    known = record.calls.loc[record.calls["date"] <= cutoff, list(LINKED_ROLL_CALL_COLUMNS)]
    new = pd.DataFrame(
        {
            "id": [f"coming:{i}" for i in calls["id"]],
            "date": calls["date"],
            "session": 0,
            "resolution": "",
            "title": calls["title"],
            "vote_on": "resolution",
            "identical_to": "",
        }
    )
    joint = link_items(pd.concat([known, new], ignore_index=True)).to_numpy()
    ours = pd.Series(record.calls.loc[known.index, "item"].to_numpy(), index=joint[: len(known)])
    ours = ours[~ours.index.duplicated()]
    return [
        str(ours.get(j, f"new:{i}")) for i, j in zip(calls["id"], joint[len(known) :], strict=True)
    ]


def forecast_roll_calls(
    calls: pd.DataFrame,
    through: str | pd.Timestamp | int | None = None,
    *,
    model: VoteModel | None = None,
    record: Record | None = None,
    progress: Progress | None = None,
) -> RollCallForecasts:
    """Forecast coming roll calls: one :class:`RollCallForecast` a row of ``calls``.

    ``calls`` has the columns ``id, date, title`` and optionally
    ``agenda_item, committee, sponsors`` (the sponsor list as the UN writes
    it, "Iraq (on behalf of ... the Group of 77 and China), Kyrgyzstan and
    Uzbekistan", or member names or ISO3 codes separated by ``;``: see
    :mod:`unvote.record.sponsors`).  The whole table is checked, sponsors included,
    before the record is read or a model fitted.  ``through`` (a date, or a
    year meaning its last day) is the last day of the record used, by default
    the last date in the record (shipped or imported); a call dated on or
    before it is refused, as a forecast of it would be fitted on its answer.  Each call is linked
    to the text it continues by its title, as the record's own titles are;
    one that continues none is forecast as a new text.

    >>> calls = pd.DataFrame({"id": ["x"], "date": ["2025-12-01"],
    ...     "title": ["Assistance to Palestine refugees"], "sponsors": ["Egypt; Jordan"]})
    >>> result = forecast_roll_calls(calls, through="2025-09-19")
    >>> rc = result["x"]
    >>> rc.linked, bool(rc.p_adopted > 0.9), bool(rc.expected["yes"] > 100)
    (True, True, True)
    """
    asked = None if through is None else parse_day(through, "through")
    calls = _check_calls(calls, None if record is None else record.members)
    record = record if record is not None else load_record()
    cutoff = record.last_date if asked is None else min(asked, record.last_date)
    _check_dates(calls, cutoff)
    items = _link_coming(record, calls, cutoff)
    fitted = fitted_model(record, model_cutoff(record, cutoff), model, progress=progress)
    targets = coming_targets(record, calls, cutoff, items=items)
    rows = feature_rows(record, targets)
    names = record.country_names
    out = []
    for call, item in zip(calls.itertuples(index=False), items, strict=True):
        mine = rows[rows["id"] == call.id].set_index("iso3")
        typical = fitted.predict_proba(mine, shock=0.0)
        shock_sd = fitted.shock_sd(mine)
        probs = integrate_shock(typical, shock_sd)
        pmfs = marginals(typical, shock_sd=shock_sd)
        members = probs.copy()
        members.insert(0, "country", members.index.map(names))
        out.append(
            RollCallForecast(
                id=call.id,
                date=pd.Timestamp(call.date),
                title=call.title,
                item=item,
                linked=not item.startswith("new:"),
                members=members,
                marginals=pmfs,
                expected=expected_counts(probs),
                intervals=marginal_intervals(pmfs),
                p_adopted=prob_adopted(typical, shock_sd),
                p_two_thirds=prob_adopted(typical, shock_sd, majority="two-thirds"),
            )
        )
    return RollCallForecasts(through=cutoff, model=fitted, forecasts=out)
