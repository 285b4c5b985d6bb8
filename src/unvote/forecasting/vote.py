"""Forecasts: fit the pooled model once, apply each scenario as an offset, count exactly.

Two entry points, one model:

* :func:`forecast` forecasts one vote of a recurring text (an *item*, by
  default the annual Cuba-embargo resolution) in a given year, under every
  scenario of a campaign, and returns a :class:`Forecast`: the one container
  that the command line, the JSON output and the charts all read; its
  :meth:`~Forecast.simulate` adds seeded random draws.
* :func:`unvote.forecasting.roll_calls.forecast_roll_calls` forecasts any
  coming roll calls, given their date and title (and sponsors, when known).

The vote model (:class:`unvote.model.estimator.VoteModel`) is fitted on the last
sessions of the record up to the cut-off ``through`` and cached on disk
(:mod:`unvote.model.cache`), so a forecast made again on the same data does not refit.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from unvote.errors import (
    DataFileError,
    EmptySelectionError,
    InvalidTypeError,
    InvalidValueError,
    ScenarioError,
    UnknownNameError,
)
from unvote.forecasting.counts import (
    expected_counts,
    integrate_shock,
    marginal_intervals,
    mixture_marginals,
    mixture_prob_adopted,
    mixture_probs,
    prob_below,
)
from unvote.forecasting.draws import Draws, simulate_scenarios
from unvote.forecasting.retrospective import Retrospective, retrospective
from unvote.items.catalogue import Item, get_item, load_items, thresholds_for
from unvote.model import cache
from unvote.model.estimator import VoteModel
from unvote.model.features import (
    MODEL_FEATURES,
    US,
    Record,
    agreement_with,
    coming_targets,
    feature_rows,
    last_vote,
    load_record,
    recorded_targets,
)
from unvote.model.fitting import Progress, fitted_model, model_cutoff, model_key
from unvote.numbers import rounded, rounded_frame
from unvote.record.calendar import parse_day
from unvote.scenarios.scenario import BOOLEAN_FEATURES, Scenario, builtin_scenarios, get_scenario
from unvote.vocabulary import LEVELS, OUTCOMES, PROBABILITY_COLUMNS, level_key

ScenarioLike = str | Path | Scenario

DEFAULT_ITEM = "cuba embargo"
"""The item ``forecast YEAR`` forecasts unless told otherwise: the annual Cuba-embargo text."""


# ----------------------------------------------------------------------------- one scenario


class ForecastJSON(dict):
    """The JSON of a forecast (:meth:`Forecast.to_dict`): a plain dict, with a short repr.

    Every member's probabilities under every scenario make it some 180,000
    characters; in a notebook or a REPL it says what it holds instead, and
    ``json.dumps`` or ``print(dict(...))`` shows it whole.

    >>> data = ForecastJSON({"year": 2026, "scenarios": [{"name": "cable"}]})
    >>> data
    <JSON of the forecast of the 2026 vote: year, scenarios (1: cable); 48 characters as JSON>
    >>> data == {"year": 2026, "scenarios": [{"name": "cable"}]}
    True
    """

    def __repr__(self) -> str:
        import json

        names = [str(s.get("name")) for s in self.get("scenarios", [])]
        keys = ", ".join(
            f"scenarios ({len(names)}: {', '.join(names)})" if k == "scenarios" else str(k)
            for k in self
        )
        size = f"{len(json.dumps(self)):,} characters as JSON"
        return f"<JSON of the forecast of the {self.get('year')} vote: {keys}; {size}>"


ALREADY_THE_CAMPAIGNS_WAY: tuple[str, ...] = ("abstain", "no")
"""Last votes that already do what a campaign against a text asks: such members are not movers."""


@dataclass(repr=False)
class ScenarioForecast:
    """One scenario's forecast: per-member probabilities and the exact count distributions.

    ``members``: one row a member (index iso3) with ``country, last_vote``,
    the four probabilities (averaged over the roll-call shock and the
    scenario's strength prior), ``p_not_yes_baseline`` (without any campaign)
    and the ``channels`` acting on the member (comma-separated).
    ``marginals`` is the exact pmf of each outcome's count (index 0..n), a
    mixture over the strength prior and the shock; ``components`` are the
    (weight, probabilities at a roll call without a shock) at each node of
    the prior, from which random draws are made; ``shock_sd`` the shock's sd.
    ``baseline`` holds every member's probabilities without a campaign.
    """

    scenario: Scenario
    members: pd.DataFrame
    marginals: pd.DataFrame
    expected: pd.Series
    intervals: dict[str, dict[str, tuple[int, int]]]
    components: tuple[tuple[float, pd.DataFrame], ...]
    shock_sd: float
    baseline: pd.DataFrame

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def description(self) -> str:
        return self.scenario.description

    @property
    def probs(self) -> pd.DataFrame:
        """The four probabilities per member (index iso3)."""
        return self.members[list(PROBABILITY_COLUMNS)]

    @property
    def typical(self) -> pd.DataFrame:
        """The probabilities at a roll call without a shock, at the prior's median strength."""
        return self.components[len(self.components) // 2][1]

    def prob_yes_below(self, threshold: int) -> float:
        """P(yes count < threshold)."""
        return prob_below(self.marginals["yes"], threshold)

    @property
    def p_adopted(self) -> float:
        """P(more yes than no votes): adopted by the simple majority most texts need.

        Exact (:func:`~unvote.forecasting.counts.prob_adopted`), over the
        roll-call shock and the strength prior, as the count distributions.
        """
        return mixture_prob_adopted(self.components, self.shock_sd)

    def moved_by_campaign(self, top: int = 10) -> pd.DataFrame:
        """The members whose vote the campaign moves most: the change in P(not yes) it makes.

        Columns ``country, last_vote, p_not_yes_baseline, p_not_yes, change``,
        largest change first.  Left out: the campaigner, members no channel
        acts on, and members whose last vote already was the campaign's way
        (:data:`ALREADY_THE_CAMPAIGNS_WAY`).
        """
        frame = self.members[["country", "last_vote", "p_not_yes_baseline"]].copy()
        frame["p_not_yes"] = 1.0 - self.members["p_yes"]
        frame["change"] = frame["p_not_yes"] - frame["p_not_yes_baseline"]
        keep = (frame.index != self.scenario.campaigner) & ~frame["last_vote"].isin(
            ALREADY_THE_CAMPAIGNS_WAY
        )
        targeted = self.members["channels"] != ""
        frame = frame[keep & targeted & (frame["change"] > 0)]
        return frame.sort_values(["change", "country"], ascending=[False, True]).head(top)

    def likely_to_change_anyway(self, top: int = 10) -> pd.DataFrame:
        """The members likeliest to vote otherwise than last time without any campaign.

        From history alone (the baseline): ``p_change`` is 1 minus the
        probability of repeating the last vote (of voting yes, for a member
        with none).  Columns ``country, last_vote`` and the four baseline
        probabilities, largest ``p_change`` first.
        """
        frame = self.members[["country", "last_vote"]].join(self.baseline)
        probs = self.baseline.to_numpy()
        last = frame["last_vote"].map({c: k for k, c in enumerate(OUTCOMES)}).fillna(0)
        frame["p_change"] = 1 - probs[np.arange(len(frame)), last.to_numpy(dtype=int)]
        return frame.sort_values(["p_change", "country"], ascending=[False, True]).head(top)

    def __repr__(self) -> str:
        lo, hi = self.intervals[level_key(LEVELS[0])]["yes"]
        e = self.expected
        return (
            f"<ScenarioForecast {self.name!r}: expected yes {e['yes']:.1f} "
            f"({level_key(LEVELS[0])} %: {lo}-{hi}), abstain {e['abstain']:.1f}, "
            f"no {e['no']:.1f}, absent {e['absent']:.1f}; {len(self.scenario.channels)} channels>"
        )


def scenario_forecast(
    model: VoteModel,
    rows: pd.DataFrame,
    scenario: Scenario,
    baseline: pd.DataFrame | None = None,
) -> ScenarioForecast:
    """Apply one scenario to a fitted model's forecast of ``rows`` (feature rows, index iso3).

    The scenario's offsets are taken at each node of its strength prior
    (:meth:`unvote.scenarios.scenario.Scenario.strength_grid`); the count distributions
    are exact mixtures over the prior and the roll-call shock.  ``baseline``:
    the members' probabilities without a campaign, if at hand.
    """
    chosen = scenario.selected(rows)
    shock_sd = model.shock_sd(rows)
    nodes, weights = scenario.strength_grid()
    log_odds = model.linear_predictor(rows)
    offsets = scenario.offset_grid(rows, chosen, nodes)
    components = tuple(
        (float(w), model.predict_proba(rows, offset=offset, shock=0.0, log_odds=log_odds))
        for offset, w in zip(offsets, weights, strict=True)
    )
    probs = mixture_probs(components, shock_sd)
    if baseline is None:  # computed as the scenario's, so untargeted members do not move
        untouched = model.predict_proba(rows, shock=0.0, log_odds=log_odds)
        baseline = mixture_probs(((1.0, untouched),), shock_sd)
    members = pd.DataFrame(
        {"country": rows["country"], "last_vote": last_vote(rows)}, index=rows.index
    ).join(probs)
    members["p_not_yes_baseline"] = 1.0 - baseline["p_yes"]
    # Few members differ in which channels act on them: join names once a pattern.
    patterns, which = np.unique(chosen.to_numpy(dtype=bool), axis=0, return_inverse=True)
    labels = np.array([", ".join(chosen.columns[p]) for p in patterns] or [""], dtype=object)
    members["channels"] = labels[which.ravel()] if len(chosen.columns) else ""
    pmfs = mixture_marginals(components, shock_sd)
    return ScenarioForecast(
        scenario=scenario,
        members=members,
        marginals=pmfs,
        expected=expected_counts(probs),
        intervals=marginal_intervals(pmfs),
        components=components,
        shock_sd=shock_sd,
        baseline=baseline[list(PROBABILITY_COLUMNS)],
    )


# ----------------------------------------------------------------------------- one vote of an item


def _counts(row: Mapping[str, Any]) -> dict[str, Any]:
    date = pd.Timestamp(row["date"])
    return {"year": int(date.year), "date": f"{date:%Y-%m-%d}"} | {o: int(row[o]) for o in OUTCOMES}


@dataclass(repr=False)
class Forecast:
    """Forecasts of one vote of an item under several scenarios, from one fitted model.

    In a notebook it shows as its :meth:`table`.  ``item`` is the text
    forecast (:class:`unvote.items.catalogue.Item`), ``date`` the vote's date (its
    recorded date, or the item's usual date in ``year``), ``through`` the last
    day of the record the forecast uses; ``history`` the item's recorded roll
    calls (``id, date, year, session`` and the four counts); ``features``
    the feature rows of the vote, indexed by iso3.  ``scenarios`` maps a
    scenario's name to its :class:`ScenarioForecast`; ``skipped`` lists the
    built-in scenarios that do not apply to the vote, with the reason.
    """

    item: Item
    year: int
    date: pd.Timestamp
    through: pd.Timestamp
    model: VoteModel
    history: pd.DataFrame
    features: pd.DataFrame
    roll_call: str | None = None
    """The record's id of the vote forecast, when it is in the record."""
    scenarios: dict[str, ScenarioForecast] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    _retrospective: tuple[Any, Retrospective] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def strength_sweep(
        self,
        scenario: ScenarioLike,
        factors: Sequence[float] = tuple(np.linspace(0, 2, 21)),
    ) -> pd.DataFrame:
        """Expected yes count and its 80 % interval as a scenario's strengths are scaled.

        A factor of 1 is the scenario as written, 0 no campaign, 2 twice its
        strengths.  Returns one row a factor: ``factor, expected_yes, yes_lo80,
        yes_hi80, expected_abstain, expected_no, expected_absent``.
        """
        base = get_scenario(scenario, on=self.date)
        key = level_key(LEVELS[0])
        out = []
        for factor in factors:
            sf = scenario_forecast(self.model, self.features, base.scaled(float(factor)))
            lo, hi = sf.intervals[key]["yes"]
            out.append(
                {"factor": float(factor), "expected_yes": sf.expected["yes"]}
                | {f"yes_lo{key}": lo, f"yes_hi{key}": hi}
                | {f"expected_{o}": sf.expected[o] for o in OUTCOMES[1:]}
            )
        return pd.DataFrame(out)

    def recorded(self, year: int) -> dict[str, Any] | None:
        """The counts of the item's last recorded roll call in ``year``, or None."""
        rows = self.history[self.history["year"] == year]
        return None if rows.empty else _counts(rows.iloc[-1])

    @property
    def last_observed(self) -> dict[str, Any]:
        """The item's last roll call known on ``through``: year, date and counts."""
        known = self.history[self.history["date"] <= self.through]
        if known.empty:
            return {"year": None, "date": None} | dict.fromkeys(OUTCOMES)
        return _counts(known.iloc[-1])

    @property
    def outcome(self) -> dict[str, Any] | None:
        """The recorded counts of the vote forecast, when it is already in the record."""
        if self.roll_call is None:
            return None
        return _counts(self.history.set_index("id").loc[self.roll_call].to_dict() | {})

    @property
    def retrospective(self) -> Retrospective | None:
        """The recorded vote against the forecasts made the day before; None for a coming vote.

        A :class:`~unvote.forecasting.retrospective.Retrospective`: the votes moved
        against the no-campaign forecast (computed even when the
        ``baseline`` scenario was not asked for), with the interval the
        baseline's own randomness allows; the members that voted otherwise
        than it expected, most surprising first; and where the recorded yes
        count fell in each scenario's distribution, with its log score (the
        definitions are in :mod:`unvote.forecasting.retrospective`).

        >>> retro = forecast(2025, ["cable"]).retrospective
        >>> retro.summary.index.tolist()
        ['baseline', 'cable']
        >>> round(retro.votes_moved, 1), retro.votes_moved_intervals["80"]
        (19.2, (15, 23))
        >>> forecast(2026, ["baseline"]).retrospective is None
        True
        """
        if self.roll_call is None:
            return None
        key = tuple((name, id(sf)) for name, sf in self.scenarios.items())
        if self._retrospective is None or self._retrospective[0] != key:
            base = self._no_campaign()
            forecasts = {base.name: base} | self.scenarios
            result = retrospective(
                self.features["vote"],
                {name: sf.probs for name, sf in forecasts.items()},
                baseline=base.name,
                pmfs={name: sf.marginals for name, sf in forecasts.items()},
                members=base.members[["country", "last_vote"]],
            )
            self._retrospective = (key, result)
        return self._retrospective[1]

    def _no_campaign(self) -> ScenarioForecast:
        """The no-campaign forecast: a scenario of this forecast without channels, or one made."""
        for sf in self.scenarios.values():
            if not sf.scenario.channels:
                return sf
        name = "no-campaign" if "baseline" in self.scenarios else "baseline"
        scenario = Scenario(name, "No campaign: the model's forecast from the record alone")
        return scenario_forecast(self.model, self.features, scenario)

    @property
    def members(self) -> int:
        return len(self.features)

    @property
    def thresholds(self) -> tuple[int, ...]:
        """The yes counts worth asking about: :func:`~unvote.items.catalogue.thresholds_for`
        the last yes count known on ``through`` (so a past vote's own count never sets them)."""
        last_yes = self.last_observed["yes"]
        return self.item.thresholds if last_yes is None else thresholds_for(int(last_yes))

    def table(self, thresholds: Sequence[int] | None = None) -> pd.DataFrame:
        """One row a scenario: expected counts, their intervals and P(yes < t), rounded.

        Columns, for each outcome ``o`` of ``yes, abstain, no, absent``: ``o``,
        the expected count (1 decimal); ``o 80 %`` and ``o 95 %``, the central
        intervals of the count as ``"low-high"``; then ``P(yes<t)`` for each
        threshold ``t`` (default: the item's :attr:`thresholds`), the
        probability that fewer than ``t`` members vote yes (3 decimals).  The
        index is the scenario's name.

        >>> fc = forecast(2025, ["baseline"])
        >>> fc.table().columns.tolist()[:4]
        ['yes', 'yes 80 %', 'yes 95 %', 'abstain']
        """
        thresholds = self.thresholds if thresholds is None else thresholds
        rows = []
        for name, sf in self.scenarios.items():
            row: dict[str, Any] = {"scenario": name}
            for outcome in OUTCOMES:
                row[outcome] = rounded(sf.expected[outcome], 1)
                for key, bounds in sf.intervals.items():
                    row[f"{outcome} {key} %"] = f"{bounds[outcome][0]}-{bounds[outcome][1]}"
            for threshold in thresholds:
                row[f"P(yes<{threshold})"] = rounded(sf.prob_yes_below(threshold), 3)
            rows.append(row)
        return pd.DataFrame(rows).set_index("scenario")

    def simulate(
        self,
        n: int,
        *,
        random_state: int | None = None,
        blocs: str | Sequence[str] | Mapping[str, Iterable[str]] | None = None,
        bloc_sd: float = 0.0,
        progress: Callable[[str], None] | None = None,
    ) -> Draws:
        """Seeded random draws of the vote under every scenario (:class:`~.draws.Draws`).

        Each draw adds a roll-call shock (the model's, so the
        draws follow the exact distributions) and, with ``blocs`` and
        ``bloc_sd``, a shock shared by the members of each bloc: group names
        such as ``"eu"`` or ``["eu", "nato"]`` (a boolean feature of the vote's
        members), or a mapping of bloc names to ISO3 codes.  Every scenario
        uses the seed ``random_state`` (None: a fresh one, recorded in the result).

        >>> fc = forecast(2025, ["baseline", "cable"])
        >>> draws = fc.simulate(1000, random_state=1, blocs="eu", bloc_sd=0.5)
        >>> draws
        <Draws: 1,000 draws of 2 scenarios (baseline, cable), seed 1, bloc shock sd 0.5 on eu>
        >>> draws["cable"].counts.columns.tolist()
        ['yes', 'abstain', 'no', 'absent']
        """
        return simulate_scenarios(
            {name: sf.components for name, sf in self.scenarios.items()},
            n,
            random_state=random_state,
            blocs=self._bloc_members(blocs),
            bloc_sd=bloc_sd,
            shock_sd=self.model.shock_sd(self.features),
            progress=progress,
        )

    def _bloc_members(
        self, blocs: str | Sequence[str] | Mapping[str, Iterable[str]] | None
    ) -> dict[str, list[str]] | None:
        if blocs is None or isinstance(blocs, Mapping):
            return None if blocs is None else {k: list(v) for k, v in blocs.items()}
        names = [blocs] if isinstance(blocs, str) else list(blocs)
        out = {}
        for name in names:
            if name not in BOOLEAN_FEATURES:
                raise UnknownNameError(
                    f"bloc {name!r} is not a group; use one of: {', '.join(BOOLEAN_FEATURES)}"
                )
            column = self.features[name].astype(bool)
            out[name] = list(self.features.index[column])
        return out

    def to_dict(
        self,
        top: int = 10,
        thresholds: Sequence[int] | None = None,
        *,
        draws: Draws | None = None,
        countries: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The forecast as JSON-ready data (the shape documented for ``forecast --json``).

        ``top``: how many members ``movers`` lists (0: none); ``thresholds``:
        the yes counts for ``prob_yes_below`` (default: the item's);
        ``draws``: a :meth:`simulate` result, summarised under each
        scenario's ``draws``; ``countries``: ISO3 codes shown first, under
        ``countries_asked``, with their probabilities under every scenario.
        ``retrospective`` is :meth:`Retrospective.to_dict
        <unvote.forecasting.retrospective.Retrospective.to_dict>` of :attr:`retrospective`
        (its ``top`` movers), null for a coming vote.
        Every number is a plain int or float (no numpy types), and outcomes
        come in the order ``yes, abstain, no, absent``.
        """
        thresholds = self.thresholds if thresholds is None else thresholds
        last = self.last_observed
        summaries = draws.to_dict() if draws is not None else {}
        scenarios = []
        for sf in self.scenarios.values():
            members = sf.members.sort_index()
            probs = rounded_frame(members[list(PROBABILITY_COLUMNS)].astype(float), 6)
            rows = [
                {"iso3": iso3, "country": country, "last_vote": vote, **p, "channels": channels}
                for iso3, country, vote, p, channels in zip(
                    members.index,
                    members["country"],
                    members["last_vote"],
                    probs.to_dict("records"),
                    [[c for c in text.split(", ") if c] for text in members["channels"]],
                    strict=True,
                )
            ]
            change = {
                k: None if last[k] is None else rounded(sf.expected[k] - last[k], 4)
                for k in OUTCOMES
            }
            entry: dict[str, Any] = {
                "name": sf.name,
                "description": sf.description,
                "expected": {k: rounded(sf.expected[k], 4) for k in OUTCOMES},
                "intervals": {
                    key: {k: [int(v) for v in bounds[k]] for k in OUTCOMES}
                    for key, bounds in sf.intervals.items()
                },
                "prob_yes_below": {
                    str(int(t)): rounded(sf.prob_yes_below(t), 6) for t in thresholds
                },
                "p_adopted": rounded(sf.p_adopted, 6),
                "last_observed": last,
                "expected_change": change,
                "campaign": sf.scenario.describe(),
                "moved_by_campaign": _member_list(sf.moved_by_campaign(top), "change")
                if top
                else [],
                "likely_to_change_anyway": (
                    _member_list(sf.likely_to_change_anyway(top), "p_change") if top else []
                ),
                "countries": rows,
            }
            if sf.name in summaries:
                entry["draws"] = summaries[sf.name]
            scenarios.append(entry)
        first, last_session = self.model.train_sessions_
        retro = self.retrospective
        return ForecastJSON(
            {
                "year": int(self.year),
                "item": {
                    "id": self.item.id,
                    "title": self.item.title,
                    "label": self.item.label,
                    "first_voted_after_consensus": self.item.first_voted_after_consensus,
                },
                "date": f"{self.date:%Y-%m-%d}",
                "through": f"{self.through:%Y-%m-%d}",
                "members": int(self.members),
                "outcome": self.outcome,
                "retrospective": None if retro is None else retro.to_dict(top),
                "model": {
                    "fitted_on": f"sessions {first}-{last_session}",
                    "fitted_through": f"{self.model.train_through_:%Y-%m-%d}",
                    "member_votes": int(self.model.n_train_),
                    "roll_calls": int(self.model.n_calls_),
                    "roll_call_shock_sd": rounded(self.model.shock_sd(self.features), 4),
                },
                "countries_asked": [self.member(code) for code in countries],
                "scenarios": scenarios,
                "skipped": [{"name": n, "reason": r} for n, r in self.skipped.items()],
            }
        )

    def member(self, iso3: str) -> dict[str, Any]:
        """One member under every scenario: its last vote, probabilities and channels."""
        first = next(iter(self.scenarios.values())).members
        if iso3 not in first.index:
            raise UnknownNameError(f"{iso3} is not a UN member at the {self.year} vote")
        row = first.loc[iso3]
        out: dict[str, Any] = {
            "iso3": iso3,
            "country": str(row["country"]),
            "last_vote": str(row["last_vote"]),
            "scenarios": {},
        }
        for name, sf in self.scenarios.items():
            values = sf.members.loc[iso3]
            out["scenarios"][name] = {c: rounded(values[c], 6) for c in PROBABILITY_COLUMNS} | {
                "channels": [c for c in values["channels"].split(", ") if c]
            }
        return out

    def _caption(self) -> str:
        first, last = self.model.train_sessions_
        return (
            f"Forecast of the {self.year} vote on {self.item.phrase} ({self.date:%Y-%m-%d}): "
            f"{self.members} members; model fitted on sessions {first}-{last}, "
            f"record through {self.through:%Y-%m-%d}"
        )

    def __repr__(self) -> str:
        key = level_key(LEVELS[0])
        retro = self.retrospective
        recorded = "" if retro is None else f", percentile of the {retro.recorded['yes']} recorded"
        lines = [f"<{self._caption()}; expected yes ({key} % interval){recorded}:"]
        width = max((len(n) for n in [*self.scenarios, "recorded"]), default=0)
        for name, sf in self.scenarios.items():
            lo, hi = sf.intervals[key]["yes"]
            where = "" if retro is None else f"  {retro.summary.loc[name, 'percentile']:.1%}"
            lines.append(f"  {name:<{width}}  {sf.expected['yes']:6.1f}  ({lo}-{hi}){where}")
        if self.outcome is not None:
            counts = ", ".join(f"{o} {self.outcome[o]}" for o in OUTCOMES)
            lines.append(f"  {'recorded':<{width}}  {counts}")
        by_reason: dict[str, list[str]] = {}
        for name, reason in self.skipped.items():
            by_reason.setdefault(reason, []).append(name)
        for reason, names in by_reason.items():
            lines.append(f"  skipped {', '.join(names)}: {reason}")
        return "\n".join(lines) + ">"

    def to_html(self, top: int = 10, thresholds: Sequence[int] | None = None) -> str:
        """The forecast as one self-contained HTML page to hand on (``forecast --report``).

        Works offline from a file: inline styles and SVG charts, nothing
        fetched.  Its sections and their order: :func:`unvote.report.html.forecast_page`.

        >>> page = forecast(2025, ["baseline"]).to_html()
        >>> 'id="model">Model card</h2>' in page
        True
        """
        from unvote.report.html import forecast_page

        return forecast_page(self, top=top, thresholds=thresholds)

    def _repr_html_(self) -> str:
        # The start of its report (report.html.forecast_cell), as a page opens with it.
        from unvote.report.html import forecast_cell

        return forecast_cell(self)


def _member_list(frame: pd.DataFrame, measure: str) -> list[dict[str, Any]]:
    """A ranked list of members as JSON: iso3, country, last vote and the measure ranked by."""
    return [
        {
            "iso3": str(iso3),
            "country": str(row["country"]),
            "last_vote": str(row["last_vote"]),
            measure: rounded(row[measure], 6),
        }
        for iso3, row in frame.iterrows()
    ]


def _whole(value: Any, what: str) -> int:
    """An int from an int-like value (``numpy.int64`` included), or InvalidValueError."""
    if isinstance(value, bool):
        raise InvalidTypeError(f"{what} must be a whole number, not {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise InvalidTypeError(f"{what} must be a whole number, not {value!r}") from None


def _scenario_list(
    scenarios: ScenarioLike | Iterable[ScenarioLike] | None, on: pd.Timestamp | None = None
) -> list[Scenario]:
    """The scenarios of a forecast; built-in names resolve for a vote on ``on``.

    Without ``on`` (the vote's date not yet known) the names and files are
    checked against every generation of built-in scenarios.
    """
    if scenarios is None:
        return [get_scenario(name, on=on) for name in builtin_scenarios(on)]
    if isinstance(scenarios, str | PurePath | Scenario):
        scenarios = [scenarios]  # one scenario, not the characters of its name
    elif not isinstance(scenarios, Iterable):
        raise InvalidTypeError(
            f"scenarios must be a name, a file, a Scenario or a list of them, not {scenarios!r}"
        )
    chosen = [get_scenario(s, on=on) for s in scenarios]
    if not chosen:
        raise InvalidValueError("no scenario given: name at least one (or pass None for all)")
    seen: dict[str, Scenario] = {}
    for scenario in chosen:
        if scenario.name in seen:
            first, second = seen[scenario.name].path, scenario.path
            if first == second:
                raise ScenarioError(f"scenario {scenario.name!r} is given twice")
            raise ScenarioError(
                f"two scenarios are named {scenario.name!r} ({first or 'in code'} and "
                f"{second or 'in code'}); each scenario of a forecast needs its own name"
            )
        seen[scenario.name] = scenario
    return chosen


def item_history(record: Record, item: Item) -> pd.DataFrame:
    """The item's recorded roll calls: ``id, date, year, session`` and the four counts."""
    calls = record.calls.iloc[record.item_calls(item.id)]
    calls = calls[calls["identical_to"].fillna("") == ""]
    frame = calls[["id", "date", "session", *OUTCOMES]].reset_index(drop=True)
    frame.insert(2, "year", frame["date"].dt.year)
    return frame


def _vote_of(
    record: Record, item: Item, year: int, through: Any
) -> tuple[pd.Timestamp, str | None, pd.Timestamp]:
    """The vote of ``item`` in ``year``: its date, its record id (None if coming), the cut-off."""
    history = item_history(record, item)
    years = sorted(set(history["year"]))
    last_date = record.last_date
    next_year = max(years[-1] + 1 if years else item.first_year, last_date.year)
    if not item.first_year <= year <= next_year:
        raise InvalidValueError(
            f"year {year} cannot be forecast: {item.phrase} was voted "
            f"{years[0] if years[0] == years[-1] else f'{years[0]}-{years[-1]}'} and "
            f"the record runs to {last_date:%Y-%m-%d}, so the years {item.first_year}-"
            f"{next_year} can be forecast"
        )
    held = history[history["year"] == year]
    if not held.empty:
        vote = held.iloc[-1]
        date, call = pd.Timestamp(vote["date"]), str(vote["id"])
    elif year <= last_date.year and year in range(years[0], years[-1] + 1):
        raise InvalidValueError(
            f"no vote on {item.phrase} was held in {year}; recorded votes: "
            f"{', '.join(str(y) for y in years)}"
        )
    else:
        date, call = item.usual_date(year), None
        if date <= last_date:  # its usual date has passed without a vote in the record
            date = last_date + pd.Timedelta(days=1)
    day_before = date - pd.Timedelta(days=1)
    cutoff = day_before if through is None else parse_day(through, "through")
    if cutoff >= date:
        raise InvalidValueError(
            f"through must be before the vote forecast ({date:%Y-%m-%d}), not {cutoff:%Y-%m-%d}"
        )
    return date, call, min(cutoff, last_date)


def forecast(
    year: int,
    scenarios: ScenarioLike | Iterable[ScenarioLike] | None = None,
    through: str | pd.Timestamp | int | None = None,
    *,
    item: str | Item = DEFAULT_ITEM,
    model: VoteModel | None = None,
    record: Record | None = None,
    progress: Progress | None = None,
) -> Forecast:
    """Forecast the vote of ``item`` in ``year`` under each scenario.

    ``item`` is an item id or words that find it (:func:`unvote.items.catalogue.get_item`;
    default: the Cuba-embargo resolution).  The vote is the item's roll call
    in ``year`` when the record holds one (a past vote, forecast as it could
    have been the day before, with its outcome beside it), else the next one,
    on the item's usual date.  ``through`` (a date, or a year meaning its last
    day) is the last day of the record used, by default the day before the
    vote or the end of the record.  ``scenarios`` are built-in names,
    scenario files or :class:`~unvote.scenarios.scenario.Scenario` objects, one or a
    list (default: every built-in scenario); two may not share a name.
    Built-in scenarios are dated like features: a name resolves to the newest
    generation of built-in files whose evidence ends before the vote
    (:func:`unvote.scenarios.scenario.builtin_generation`), so the 2025 vote is forecast
    with the strengths known before it; a file or a Scenario is used as given.
    ``model`` is the estimator to fit (default
    :class:`~unvote.model.estimator.VoteModel`); ``record`` the record if already loaded
    (:func:`unvote.model.features.load_record`).

    >>> fc = forecast(2025, ["baseline", "cable"])  # a past vote, as of the day before
    >>> fc.item.label, f"{fc.through:%Y-%m-%d}", fc.members, fc.outcome["yes"]
    ('Ending the US embargo against Cuba', '2025-10-28', 193, 165)
    >>> bool(fc.scenarios["cable"].expected["yes"] < fc.scenarios["baseline"].expected["yes"])
    True
    """
    year = _whole(year, "year")
    chosen_by_user = scenarios is not None
    _scenario_list(scenarios)  # names and files checked before any work
    inputs = _vote_inputs(year, item, through, model, record, progress)
    chosen = _scenario_list(scenarios, on=inputs["date"])
    fitted, rows = inputs["model"], inputs["rows"]
    shock_sd = fitted.shock_sd(rows)
    baseline = integrate_shock(fitted.predict_proba(rows, shock=0.0), shock_sd)
    result = Forecast(
        item=inputs["item"],
        year=year,
        date=inputs["date"],
        through=inputs["through"],
        model=fitted,
        history=inputs["history"],
        features=rows,
        roll_call=inputs["roll_call"],
    )
    agreements = _campaigner_agreements(chosen, rows, inputs["through"], record)
    for scenario in chosen:
        try:
            these = rows.assign(campaigner_agreement=agreements[scenario.campaigner])
            result.scenarios[scenario.name] = scenario_forecast(fitted, these, scenario, baseline)
        except EmptySelectionError as err:
            # A built-in scenario may not apply to a past year (no ES-11 votes
            # before 2022): skip it and say why.  A scenario the user asked
            # for must apply.
            if chosen_by_user:
                raise
            result.skipped[scenario.name] = f"channel {err.channel!r} selects no member in {year}"
    if not result.scenarios:
        raise ScenarioError(f"no scenario applies to the {year} vote")
    return result


def _campaigner_agreements(
    scenarios: Sequence[Scenario], rows: pd.DataFrame, through: pd.Timestamp, record: Record | None
) -> dict[str, pd.Series]:
    """Each campaigner's agreement with every member over the 12 months through ``through``."""
    out = {US: rows["us_agreement"]}
    others = {s.campaigner for s in scenarios} - {US}
    if others:
        record = record if record is not None else load_record()
        for code in others:
            out[code] = agreement_with(record, code, through, members=rows.index)
    return out


def _vote_inputs(
    year: int,
    item: str | Item,
    through: Any,
    model: VoteModel | None,
    record: Record | None,
    progress: Progress | None,
) -> dict[str, Any]:
    """Everything a forecast of one vote needs but the scenarios, from the cache when there.

    The cache key is the data version, the item asked for, the year, the
    cut-off and the estimator: on a warm cache no record is loaded at all.
    """
    estimator = model if model is not None else VoteModel()
    query = item.id if isinstance(item, Item) else str(item)
    key = vote_key(year, query, through, estimator)
    saved = cache.fetch("vote", key) if record is None else None
    if saved is not None:
        try:
            return _decode_inputs(saved)
        except Exception:  # whatever is wrong with an entry, it is rebuilt, never trusted
            cache.discard("vote", key)
    record = record if record is not None else load_record()
    if not isinstance(item, Item):
        item = get_item(query, _items_of(record))
    date, call, cutoff = _vote_of(record, item, year, through)
    fitted = fitted_model(record, model_cutoff(record, cutoff), estimator, progress=progress)
    if call is not None:
        targets = recorded_targets(record, record.calls["id"] == call)
        targets["tau"] = cutoff + pd.Timedelta(days=1)
    else:
        coming = pd.DataFrame({"id": [f"{item.id}-{year}"], "date": [date], "title": [item.title]})
        sponsors = _last_sponsors(record, item)
        targets = coming_targets(record, coming, cutoff, items=[item.id])
        targets["sponsors"] = [sponsors]
    rows = feature_rows(record, targets).set_index("iso3")
    rows.insert(0, "country", rows.index.map(record.country_names))
    inputs = {
        "item": item,
        "date": date,
        "through": cutoff,
        "roll_call": call,
        "model": fitted,
        "history": item_history(record, item),
        "rows": rows,
    }
    cache.store("vote", key, _encode_inputs(inputs))
    return inputs


def vote_key(year: int, item: str, through: Any, estimator: VoteModel) -> dict[str, Any]:
    """The cache key of a forecast's inputs: the data, the code, the question and the estimator.

    ``item`` as asked (an id or words), ``through`` as given (None: the day
    before the vote).  Cheap: it reads no record, so a warm forecast loads none.

    >>> sorted(vote_key(2026, DEFAULT_ITEM, None, VoteModel()))
    ['code', 'data', 'estimator', 'item', 'through', 'year']
    """
    return {
        "data": cache.data_version(),
        "code": cache.code_version("forecasting"),  # how the inputs are assembled from the fit
        "item": item,
        "year": year,
        "through": None if through is None else f"{parse_day(through, 'through'):%Y-%m-%d}",
        "estimator": model_key(estimator, pd.Timestamp(0), "")["params"],
    }


def _last_sponsors(record: Record, item: Item) -> frozenset[str] | None:
    """The sponsors of the item's last roll call, when known: the likeliest sponsors of the next."""
    calls = record.calls.iloc[record.item_calls(item.id)]
    for symbol in calls["resolution"].iloc[::-1]:
        sponsors = record.sponsors.get(symbol)
        if isinstance(sponsors, frozenset):
            return sponsors
    return None


def _items_of(record: Record) -> pd.DataFrame:
    """The items table of a record (its roll calls already carry their items)."""
    return load_items(record.calls)


def _encode_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    item = inputs["item"]
    return {
        "item": {k: (str(v) if isinstance(v, pd.Timestamp) else v) for k, v in vars(item).items()},
        "date": f"{inputs['date']:%Y-%m-%d}",
        "through": f"{inputs['through']:%Y-%m-%d}",
        "roll_call": inputs["roll_call"],
        "model": inputs["model"].to_dict(),
        "history": _encode_frame(inputs["history"]),
        "rows": _encode_frame(inputs["rows"]),
    }


def _decode_inputs(saved: Mapping[str, Any]) -> dict[str, Any]:
    item = dict(saved["item"])
    item["last_date"] = pd.Timestamp(item["last_date"])
    history = _decode_frame(saved["history"]).reset_index(drop=True)
    rows = _decode_frame(saved["rows"])
    missing = [c for c in MODEL_FEATURES if c not in rows.columns]
    if missing or len(rows) == 0:
        raise DataFileError(f"a cached forecast lacks feature column(s) {missing}")
    rows["vote"] = pd.Categorical(rows["vote"], categories=list(OUTCOMES))
    rows.index.name = "iso3"
    return {
        "item": Item(**item),
        "date": pd.Timestamp(saved["date"]),
        "through": pd.Timestamp(saved["through"]),
        "roll_call": saved["roll_call"],
        "model": VoteModel.from_dict(saved["model"]),
        "history": history,
        "rows": rows,
    }


def _encode_frame(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as JSON-ready columns, each with its kind: date, integer, number or text."""
    columns = {}
    for name, values in frame.items():
        if pd.api.types.is_datetime64_any_dtype(values):
            columns[str(name)] = {"date": values.dt.strftime("%Y-%m-%d").tolist()}
        elif pd.api.types.is_integer_dtype(values):
            columns[str(name)] = {"integer": values.astype(int).tolist()}
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            columns[str(name)] = {"number": values.astype(float).tolist()}
        else:
            columns[str(name)] = {
                "text": values.astype(object).where(values.notna(), None).tolist()
            }
    return {"index": [str(i) for i in frame.index], "columns": columns}


def _decode_frame(data: Mapping[str, Any]) -> pd.DataFrame:
    columns = {}
    for name, value in data["columns"].items():
        ((kind, values),) = value.items()
        if kind == "date":
            columns[name] = pd.to_datetime(values, format="%Y-%m-%d")
        elif kind == "integer":
            columns[name] = np.asarray(values, dtype=np.int64)
        elif kind == "number":
            columns[name] = np.asarray(values, dtype=float)
        else:
            columns[name] = np.asarray(values, dtype=object)
    frame = pd.DataFrame(columns, index=pd.Index(data["index"]))
    return frame


def strength_sweep(
    year: int,
    scenario: ScenarioLike,
    factors: Sequence[float] = tuple(np.linspace(0, 2, 21)),
    through: str | pd.Timestamp | int | None = None,
    *,
    item: str | Item = DEFAULT_ITEM,
) -> pd.DataFrame:
    """:meth:`Forecast.strength_sweep` of a scenario for the vote of ``year``.

    >>> table = strength_sweep(2025, "cable", [0, 1, 2])
    >>> bool(table["expected_yes"].is_monotonic_decreasing)
    True
    """
    return forecast(year, [scenario], through=through, item=item).strength_sweep(scenario, factors)
