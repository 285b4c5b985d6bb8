"""Forecasts: fit once, apply each scenario as an offset, and compute the count distributions.

:func:`forecast` returns a :class:`Forecast`, the one container that the
command line, the JSON output and the charts all read; its
:meth:`~Forecast.simulate` adds seeded random draws (:class:`unvote.draws.Draws`).
"""

from __future__ import annotations

import html
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from unvote.counts import expected_counts, integrate_shock, interval, marginals, prob_below
from unvote.draws import Draws, simulate_scenarios
from unvote.errors import (
    EmptySelectionError,
    InvalidTypeError,
    InvalidValueError,
    ScenarioError,
    UnknownNameError,
)
from unvote.load import load_totals
from unvote.model import VoteModel
from unvote.panel import feature_panel, last_vote
from unvote.scenario import BOOLEAN_FEATURES, Scenario, builtin_scenarios, get_scenario
from unvote.vocabulary import (
    LEVELS,
    OUTCOMES,
    PROBABILITY_COLUMNS,
    YES_THRESHOLDS,
    level_key,
)

ScenarioLike = str | Path | Scenario


def _round(value: float, digits: int) -> float:
    """``round`` without negative zero ("-0.0" never reaches a table or JSON)."""
    return round(float(value), digits) + 0.0


@dataclass(repr=False)
class ScenarioForecast:
    """One scenario's forecast: per-member probabilities and the exact count distributions.

    ``members``: one row a member (index iso3) with ``country, last_vote``,
    the four probabilities, the baseline ``p_yes`` (``p_yes_baseline``) and
    the ``channels`` acting on the member (comma-separated); probabilities are
    averaged over the model's year shock.  ``typical``: the probabilities in a
    year without a shock, and ``shock_sd`` the shock's standard deviation, from
    which ``marginals`` (the exact pmf of each outcome's count, index 0..n) is
    the mixture, and random draws are made.
    """

    scenario: Scenario
    members: pd.DataFrame
    marginals: pd.DataFrame
    expected: pd.Series
    intervals: dict[str, dict[str, tuple[int, int]]]
    typical: pd.DataFrame
    shock_sd: float

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

    def prob_yes_below(self, threshold: int) -> float:
        """P(yes count < threshold)."""
        return prob_below(self.marginals["yes"], threshold)

    def movers(self, top: int = 10) -> pd.DataFrame:
        """The members most likely not to vote as they did last time, most likely first.

        Adds ``p_move`` (1 - probability of repeating the last vote; of voting
        yes for a member with no earlier vote).
        """
        frame = self.members.copy()
        probs = frame[list(PROBABILITY_COLUMNS)].to_numpy()
        # A member with no earlier vote "moves" unless it votes yes.
        last = frame["last_vote"].map({c: k for k, c in enumerate(OUTCOMES)}).fillna(0)
        frame["p_move"] = 1 - probs[np.arange(len(frame)), last.to_numpy(dtype=int)]
        return frame.sort_values(["p_move", "country"], ascending=[False, True]).head(top)

    def __repr__(self) -> str:
        lo, hi = self.intervals[level_key(LEVELS[0])]["yes"]
        e = self.expected
        return (
            f"<ScenarioForecast {self.name!r}: expected yes {e['yes']:.1f} "
            f"({level_key(LEVELS[0])} %: {lo}-{hi}), abstain {e['abstain']:.1f}, "
            f"no {e['no']:.1f}, absent {e['absent']:.1f}; {len(self.scenario.channels)} channels>"
        )


@dataclass(repr=False)
class Forecast:
    """Forecasts of one vote under several scenarios, from one fitted model.

    In a notebook it shows as its :meth:`table`.  ``scenarios`` maps a
    scenario's name to its :class:`ScenarioForecast`; ``skipped`` lists the
    built-in scenarios that do not apply to the vote, with the reason.
    """

    year: int
    through: int
    as_of: pd.Timestamp
    model: VoteModel
    history: pd.DataFrame
    features: pd.DataFrame
    """The feature rows of the vote forecast, indexed by iso3."""
    scenarios: dict[str, ScenarioForecast] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Built-in scenarios that do not apply to this vote, with the reason."""

    def sweep(
        self,
        scenario: ScenarioLike,
        factors: Sequence[float] = tuple(np.linspace(0, 2, 21)),
    ) -> pd.DataFrame:
        """Expected yes count and its 80 % interval as a scenario's strengths are scaled.

        A factor of 1 is the scenario as written, 0 no campaign, 2 twice its
        strengths.  Returns one row a factor: ``factor, expected_yes, yes_lo80,
        yes_hi80, expected_abstain, expected_no, expected_absent``.
        """
        base = get_scenario(scenario)
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

    def recorded(self, year: int) -> dict[str, int] | None:
        """The recorded counts of the vote of ``year``, or None if it is not in the record."""
        rows = self.history[self.history["year"] == year]
        if rows.empty:
            return None
        row = rows.iloc[0]
        return {"year": int(year)} | {c: int(row[c]) for c in OUTCOMES}

    @property
    def last_observed(self) -> dict[str, int]:
        """The last vote used in training: year and counts."""
        counts = self.recorded(self.through)
        assert counts is not None  # forecast() only fits through recorded years
        return counts

    @property
    def outcome(self) -> dict[str, int] | None:
        """The recorded counts of the vote forecast, when it is already in the record."""
        return self.recorded(self.year)

    @property
    def members(self) -> int:
        return len(next(iter(self.scenarios.values())).members)

    def table(self, thresholds: Sequence[int] = YES_THRESHOLDS) -> pd.DataFrame:
        """One row a scenario: expected counts, their intervals and P(yes < t), rounded.

        Columns, for each outcome ``o`` of ``yes, abstain, no, absent``: ``o``,
        the expected count (1 decimal); ``o 80 %`` and ``o 95 %``, the central
        intervals of the count as ``"low-high"``; then ``P(yes<t)`` for each
        threshold ``t``, the probability that fewer than ``t`` members vote yes
        (3 decimals).  The index is the scenario's name.

        >>> fc = forecast(2025, ["baseline"])
        >>> fc.table().columns.tolist()[:4]
        ['yes', 'yes 80 %', 'yes 95 %', 'abstain']
        """
        rows = []
        for name, sf in self.scenarios.items():
            row: dict[str, Any] = {"scenario": name}
            for outcome in OUTCOMES:
                row[outcome] = _round(sf.expected[outcome], 1)
                for key, bounds in sf.intervals.items():
                    row[f"{outcome} {key} %"] = f"{bounds[outcome][0]}-{bounds[outcome][1]}"
            for threshold in thresholds:
                row[f"P(yes<{threshold})"] = _round(sf.prob_yes_below(threshold), 3)
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
        """Seeded random draws of the vote under every scenario: a :class:`~unvote.draws.Draws`.

        Each draw adds a year shock (the model's ``year_sd_``, so the draws
        follow the exact distributions) and, with ``blocs`` and ``bloc_sd``, a
        shock shared by the members of each bloc: group names such as ``"eu"``
        or ``["eu", "nato"]`` (a boolean feature of the vote's members), or a
        mapping of bloc names to ISO3 codes.  Every scenario uses the seed
        ``random_state`` (None: a fresh one, recorded in the result).

        >>> fc = forecast(2025, ["baseline", "cable"])
        >>> draws = fc.simulate(1000, random_state=1, blocs="eu", bloc_sd=0.5)
        >>> draws
        <Draws: 1,000 draws of 2 scenarios (baseline, cable), seed 1, bloc shock sd 0.5 on eu>
        >>> draws["cable"].counts.columns.tolist()
        ['yes', 'abstain', 'no', 'absent']
        """
        return simulate_scenarios(
            {name: sf.typical for name, sf in self.scenarios.items()},
            n,
            random_state=random_state,
            blocs=self._bloc_members(blocs),
            bloc_sd=bloc_sd,
            shock_sd=self.model.year_sd_,
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
        thresholds: Sequence[int] = YES_THRESHOLDS,
        *,
        draws: Draws | None = None,
        countries: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The forecast as JSON-ready data (the shape documented for ``forecast --json``).

        ``top``: how many members ``movers`` lists (0: none); ``thresholds``:
        the yes counts for ``prob_yes_below``; ``draws``: a
        :meth:`simulate` result, summarised under each scenario's ``draws``;
        ``countries``: ISO3 codes shown first, under ``countries_asked``, with
        their probabilities under every scenario.  Every number is a plain int
        or float (no numpy types), and outcomes come in the order
        ``yes, abstain, no, absent``.
        """
        last = self.last_observed
        summaries = draws.to_dict() if draws is not None else {}
        scenarios = []
        for sf in self.scenarios.values():
            members = sf.members.sort_index()
            probs = members[list(PROBABILITY_COLUMNS)].astype(float).round(6) + 0.0
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
            entry: dict[str, Any] = {
                "name": sf.name,
                "description": sf.description,
                "expected": {k: _round(sf.expected[k], 4) for k in OUTCOMES},
                "intervals": {
                    key: {k: [int(v) for v in bounds[k]] for k in OUTCOMES}
                    for key, bounds in sf.intervals.items()
                },
                "prob_yes_below": {
                    str(int(t)): _round(sf.prob_yes_below(t), 6) for t in thresholds
                },
                "last_observed": last,
                "expected_change": {k: _round(sf.expected[k] - last[k], 4) for k in OUTCOMES},
                "movers": [str(c) for c in sf.movers(top).index] if top else [],
                "countries": rows,
            }
            if sf.name in summaries:
                entry["draws"] = summaries[sf.name]
            scenarios.append(entry)
        return {
            "year": int(self.year),
            "through": int(self.through),
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "members": int(self.members),
            "outcome": self.outcome,
            "model": {
                "fitted_on": f"{self.model.first_year}-{self.model.train_through_}",
                "member_votes": int(self.model.n_train_),
                "year_shock_sd": _round(self.model.year_sd_, 4),
            },
            "countries_asked": [self.member(code) for code in countries],
            "scenarios": scenarios,
            "skipped": [{"name": n, "reason": r} for n, r in self.skipped.items()],
        }

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
            out["scenarios"][name] = {c: _round(values[c], 6) for c in PROBABILITY_COLUMNS} | {
                "channels": [c for c in values["channels"].split(", ") if c]
            }
        return out

    def __repr__(self) -> str:
        key = level_key(LEVELS[0])
        lines = [
            f"<Forecast of the {self.year} vote: {self.members} members, model fitted on "
            f"{self.model.first_year}-{self.through}; expected yes ({key} % interval):"
        ]
        width = max((len(n) for n in self.scenarios), default=0)
        for name, sf in self.scenarios.items():
            lo, hi = sf.intervals[key]["yes"]
            lines.append(f"  {name:<{width}}  {sf.expected['yes']:6.1f}  ({lo}-{hi})")
        for name, reason in self.skipped.items():
            lines.append(f"  {name:<{width}}  skipped: {reason}")
        return "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        caption = (
            f"Forecast of the {self.year} vote: {self.members} members, model fitted on "
            f"{self.model.first_year}-{self.through}"
        )
        skipped = "".join(
            f"<p>skipped {html.escape(n)}: {html.escape(r)}</p>" for n, r in self.skipped.items()
        )
        return f"<p>{html.escape(caption)}</p>{self.table().to_html()}{skipped}"


def scenario_forecast(
    model: VoteModel, rows: pd.DataFrame, scenario: Scenario, baseline_yes: pd.Series | None = None
) -> ScenarioForecast:
    """Apply one scenario to a fitted model's forecast of ``rows`` (feature rows, index iso3)."""
    chosen = scenario.selected(rows)
    offsets = scenario.offsets(rows, chosen)
    # The probabilities in a year without a shock, then averaged over the
    # shock exactly as VoteModel.predict_proba does.
    typical = model.predict_proba(rows, offset=offsets, shock=0.0)
    probs = integrate_shock(typical, model.year_sd_)
    members = pd.DataFrame(
        {"country": rows["country"], "last_vote": last_vote(rows)}, index=rows.index
    ).join(probs)
    members["p_yes_baseline"] = probs["p_yes"] if baseline_yes is None else baseline_yes
    # Few members differ in which channels act on them: join names once a pattern.
    patterns, which = np.unique(chosen.to_numpy(dtype=bool), axis=0, return_inverse=True)
    labels = np.array([", ".join(chosen.columns[p]) for p in patterns] or [""], dtype=object)
    members["channels"] = labels[which.ravel()] if len(chosen.columns) else ""
    pmfs = marginals(typical, shock_sd=model.year_sd_)
    return ScenarioForecast(
        scenario=scenario,
        members=members,
        marginals=pmfs,
        expected=expected_counts(probs),
        intervals={
            level_key(level): {o: interval(pmfs[o].to_numpy(), level) for o in pmfs}
            for level in LEVELS
        },
        typical=typical,
        shock_sd=model.year_sd_,
    )


def _whole(value: Any, what: str) -> int:
    """An int from an int-like value (``numpy.int64`` included), or InvalidValueError."""
    if isinstance(value, bool):
        raise InvalidTypeError(f"{what} must be a whole number, not {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise InvalidTypeError(f"{what} must be a whole number, not {value!r}") from None


def _scenario_list(scenarios: ScenarioLike | Iterable[ScenarioLike] | None) -> list[Scenario]:
    if scenarios is None:
        return [get_scenario(name) for name in builtin_scenarios()]
    if isinstance(scenarios, str | PurePath | Scenario):
        scenarios = [scenarios]  # one scenario, not the characters of its name
    elif not isinstance(scenarios, Iterable):
        raise InvalidTypeError(
            f"scenarios must be a name, a file, a Scenario or a list of them, not {scenarios!r}"
        )
    chosen = [get_scenario(s) for s in scenarios]
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


def forecast(
    year: int,
    scenarios: ScenarioLike | Iterable[ScenarioLike] | None = None,
    through: int | None = None,
    as_of: str | pd.Timestamp | None = None,
    model: VoteModel | None = None,
) -> Forecast:
    """Forecast the vote of ``year`` under each scenario.

    The model (default :class:`~unvote.model.VoteModel`) is fitted on every
    recorded vote before ``year``, or through ``through``; ``scenarios`` are
    built-in names, scenario files or :class:`~unvote.scenario.Scenario`
    objects, one or a list (default: every built-in scenario).  Two scenarios
    may not share a name.

    >>> fc = forecast(2025, ["baseline", "cable"])
    >>> fc.through, fc.members
    (2024, 193)
    >>> bool(fc.scenarios["cable"].expected["yes"] < fc.scenarios["baseline"].expected["yes"])
    True
    """
    year = _whole(year, "year")
    through = None if through is None else _whole(through, "through")
    chosen_by_user = scenarios is not None
    chosen = _scenario_list(scenarios)
    estimator = model or VoteModel()
    history = load_totals()
    recorded = sorted(int(y) for y in history["year"])
    # The model learns from its first_year on: a year can be forecast when a
    # recorded vote from then on comes before it, up to the year after the record.
    after = recorded[-1] + 1
    first = next(
        (y for y in [*recorded, after] if any(estimator.first_year <= t < y for t in recorded)),
        after,
    )
    if not first <= year <= after:
        raise UnknownNameError(
            f"year {year} cannot be forecast: the record runs {recorded[0]}-{recorded[-1]} and "
            f"the model learns from {estimator.first_year} on, so the years {first}-{after} "
            "can be forecast"
        )
    panel = feature_panel(year, as_of, totals=history)
    fit_years = [y for y in recorded if estimator.first_year <= y < year]
    if through is None:
        through = fit_years[-1]
    elif through not in fit_years:
        raise UnknownNameError(
            f"through must be a recorded year before {year} from which the model learns "
            f"({fit_years[0]}-{fit_years[-1]}), not {through}"
        )
    fitted = (model or VoteModel()).fit(panel, through=through)
    rows = panel[panel["year"] == year].set_index("iso3")
    baseline_yes = fitted.predict_proba(rows)["p_yes"]
    result = Forecast(
        year=year,
        through=through,
        as_of=pd.Timestamp(rows["date"].iloc[0]),
        model=fitted,
        history=history,
        features=rows,
    )
    for scenario in chosen:
        try:
            result.scenarios[scenario.name] = scenario_forecast(
                fitted, rows, scenario, baseline_yes
            )
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


def sweep(
    year: int,
    scenario: ScenarioLike,
    factors: Sequence[float] = tuple(np.linspace(0, 2, 21)),
    through: int | None = None,
) -> pd.DataFrame:
    """:meth:`Forecast.sweep` of a scenario for the vote of ``year`` (fitted as :func:`forecast`).

    >>> table = sweep(2025, "cable", [0, 1, 2])
    >>> bool(table["expected_yes"].is_monotonic_decreasing)
    True
    """
    return forecast(year, [scenario], through=through).sweep(scenario, factors)
