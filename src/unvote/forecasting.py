"""Forecasts: fit once, apply each scenario as an offset, and compute the count distributions.

:func:`forecast` returns a :class:`Forecast`, the one container that the
command line, the JSON output and the charts all read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from unvote.errors import ScenarioError, UnknownNameError
from unvote.load import VOTE_CATEGORIES, load_totals
from unvote.cuba_model import PROBABILITY_COLUMNS, VoteModel
from unvote.cuba_panel import feature_panel, last_vote
from unvote.scenario import Scenario, builtin_scenarios, get_scenario
from unvote.simulate import expected_counts, integrate_shock, interval, marginals, prob_below

LEVELS = (0.8, 0.95)
YES_THRESHOLDS = (185, 180, 170, 97)
"""Yes counts worth asking about by default: below 185, 180, 170, and a majority of 193."""


@dataclass
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
        last = frame["last_vote"].map({c: k for k, c in enumerate(VOTE_CATEGORIES)}).fillna(0)
        frame["p_move"] = 1 - probs[np.arange(len(frame)), last.to_numpy(dtype=int)]
        return frame.sort_values(["p_move", "country"], ascending=[False, True]).head(top)


@dataclass
class Forecast:
    """Forecasts of one vote under several scenarios, from one fitted model."""

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
        scenario: str | Path | Scenario,
        factors: Sequence[float] = tuple(np.linspace(0, 2, 21)),
    ) -> pd.DataFrame:
        """Expected yes count and its 80 % interval as a scenario's strengths are scaled.

        A factor of 1 is the scenario as written, 0 no campaign, 2 twice its
        strengths.  Returns one row a factor: ``factor, expected_yes, yes_lo80,
        yes_hi80, expected_no, expected_abstain, expected_absent``.
        """
        base = get_scenario(scenario)
        out = []
        for factor in factors:
            sf = scenario_forecast(self.model, self.features, base.scaled(float(factor)))
            lo, hi = sf.intervals["80"]["yes"]
            out.append(
                {"factor": float(factor), "expected_yes": sf.expected["yes"]}
                | {"yes_lo80": lo, "yes_hi80": hi}
                | {f"expected_{o}": sf.expected[o] for o in ("no", "abstain", "absent")}
            )
        return pd.DataFrame(out)

    def recorded(self, year: int) -> dict[str, int] | None:
        """The recorded counts of the vote of ``year``, or None if it is not in the record."""
        rows = self.history[self.history["year"] == year]
        if rows.empty:
            return None
        row = rows.iloc[0]
        return {"year": int(year)} | {c: int(row[c]) for c in _OUTCOME_ORDER}

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
        """One row a scenario: expected counts, the 80 % and 95 % intervals, P(yes < t)."""
        rows = []
        for name, sf in self.scenarios.items():
            row: dict[str, Any] = {"scenario": name}
            for outcome in ("yes", "no", "abstain", "absent"):
                row[outcome] = sf.expected[outcome]
                for key, bounds in sf.intervals.items():
                    row[f"{outcome}_{key}"] = f"{bounds[outcome][0]}-{bounds[outcome][1]}"
            for threshold in thresholds:
                row[f"P(yes<{threshold})"] = sf.prob_yes_below(threshold)
            rows.append(row)
        return pd.DataFrame(rows).set_index("scenario")

    def to_dict(
        self, top: int | None = None, thresholds: Sequence[int] = YES_THRESHOLDS
    ) -> dict[str, Any]:
        """The forecast as JSON-ready data (the shape documented for ``forecast --json``).

        ``top``: how many members ``movers`` lists; ``thresholds``: the yes
        counts for ``prob_yes_below``.
        """
        last = self.last_observed
        scenarios = []
        for sf in self.scenarios.values():
            members = sf.members.sort_index()
            probs = members[list(PROBABILITY_COLUMNS)].astype(float).round(6)
            countries = [
                {"iso3": iso3, "country": country, "last_vote": last, **p, "channels": channels}
                for iso3, country, last, p, channels in zip(
                    members.index,
                    members["country"],
                    members["last_vote"],
                    probs.to_dict("records"),
                    [[c for c in text.split(", ") if c] for text in members["channels"]],
                    strict=True,
                )
            ]
            scenarios.append(
                {
                    "name": sf.name,
                    "description": sf.description,
                    "expected": {k: round(float(sf.expected[k]), 4) for k in _OUTCOME_ORDER},
                    "intervals": {
                        key: {k: list(bounds[k]) for k in _OUTCOME_ORDER}
                        for key, bounds in sf.intervals.items()
                    },
                    "prob_yes_below": {str(t): round(sf.prob_yes_below(t), 6) for t in thresholds},
                    "last_observed": last,
                    "expected_change": {
                        k: round(float(sf.expected[k]) - last[k], 4) for k in _OUTCOME_ORDER
                    },
                    "movers": list(sf.movers(top or 10).index),
                    "countries": countries,
                }
            )
        return {
            "year": self.year,
            "through": self.through,
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "members": self.members,
            "outcome": self.outcome,
            "model": {
                "fitted_on": f"{self.model.first_year}-{self.model.train_through_}",
                "member_votes": self.model.n_train_,
                "year_shock_sd": round(self.model.year_sd_, 4),
            },
            "scenarios": scenarios,
            "skipped": [{"name": n, "reason": r} for n, r in self.skipped.items()],
        }


_OUTCOME_ORDER = ("yes", "no", "abstain", "absent")


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
            f"{round(level * 100)}": {o: interval(pmfs[o].to_numpy(), level) for o in pmfs}
            for level in LEVELS
        },
        typical=typical,
        shock_sd=model.year_sd_,
    )


def forecast(
    year: int,
    scenarios: Iterable[str | Path | Scenario] | None = None,
    through: int | None = None,
    as_of: str | pd.Timestamp | None = None,
    model: VoteModel | None = None,
) -> Forecast:
    """Forecast the vote of ``year`` under each scenario.

    The model (default :class:`~unvote.model.VoteModel`) is fitted on every
    recorded vote before ``year``, or through ``through``; ``scenarios`` are
    built-in names or scenario files (default: every built-in scenario).

    >>> fc = forecast(2025, ["baseline", "cable"])
    >>> fc.through, fc.members
    (2024, 193)
    >>> bool(fc.scenarios["cable"].expected["yes"] < fc.scenarios["baseline"].expected["yes"])
    True
    """
    history = load_totals()
    panel = feature_panel(year, as_of, totals=history)
    before = sorted(int(y) for y in history["year"] if y < year)
    if not before:
        raise UnknownNameError(
            f"no recorded vote comes before {year} to fit on; the first year that can be "
            f"forecast is {int(history['year'].min()) + 1}"
        )
    if through is None:
        through = before[-1]
    elif through not in before:
        raise UnknownNameError(
            f"--through must be a recorded year before {year} ({before[0]}-{before[-1]}), "
            f"not {through}"
        )
    chosen_by_user = scenarios is not None
    names: Sequence[str | Path | Scenario] = (
        list(scenarios) if chosen_by_user else builtin_scenarios()
    )
    chosen = [get_scenario(s) for s in names]
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
        except ScenarioError as err:
            # A built-in scenario may not apply to a past year (no ES-11 votes
            # before 2022): skip it and say why.  A scenario the user asked
            # for must apply.
            if chosen_by_user or "selects no member" not in str(err):
                raise
            result.skipped[scenario.name] = f"{str(err).split(': ', 1)[-1]} in {year}"
    return result


def sweep(
    year: int,
    scenario: str | Path | Scenario,
    factors: Sequence[float] = tuple(np.linspace(0, 2, 21)),
    through: int | None = None,
) -> pd.DataFrame:
    """:meth:`Forecast.sweep` of a scenario for the vote of ``year`` (fitted as :func:`forecast`).

    >>> table = sweep(2025, "cable", [0, 1, 2])
    >>> bool(table["expected_yes"].is_monotonic_decreasing)
    True
    """
    return forecast(year, [scenario], through=through).sweep(scenario, factors)
