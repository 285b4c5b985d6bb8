"""Retrospectives: a recorded vote against the forecasts that could have been made the day before.

The question a user asks after a campaign is how many votes it moved.  A
retrospective answers it from three angles, all from the exact distributions
the forecast already has (no simulation):

* **Votes moved**, against the *no-campaign* forecast (the baseline: the
  model alone, no scenario channel).  For each outcome the ``change`` is the
  recorded count minus the count expected without a campaign; for yes, the
  *votes moved off yes* are the expected count minus the recorded one (19
  means 19 fewer yes votes than the model expected).  The interval says how
  many of those the ordinary vote-to-vote randomness could account for: the
  count without a campaign is a random variable ``Y0`` with the baseline's
  exact pmf (members' own chances and the roll-call shock every member
  shares), so ``Y0 - recorded`` has the baseline's central interval shifted
  by the recorded count.  An 80 % interval of votes moved of 15 to 23 reads:
  without a campaign the yes count would have fallen 15 to 23 votes above
  the one recorded, 8 times in 10.  An interval that excludes 0 is a shift
  the baseline does not explain.  What it leaves out: doubt about the
  model's coefficients, and anything besides the campaign that happened
  between the cut-off and the vote: the difference is *what moved*, not
  proof of *who moved it*.
* **Movers**: the members whose recorded vote was not the one the baseline
  thought likeliest, ranked by their *surprise*, ``-ln P(recorded vote)``
  under the baseline (in nats: 2.3 is a 1-in-10 event, 4.6 a 1-in-100).
  ``expected_movers`` is how many such members the baseline itself expected
  (the sum over members of 1 minus their largest probability): the count of
  movers means something only beside it.
* **Each scenario's score**: where the recorded yes count fell in the
  scenario's distribution and how likely the scenario made it.  The
  ``percentile`` is the *mid-percentile* ``P(Y < y) + P(Y = y) / 2`` of the
  recorded count ``y``: for a count, ``P(Y <= y)`` alone leans high (it holds
  all the mass at ``y``), while the mid-percentile is centred on 50 % when
  the forecast is right, so that a percentile near 2.5 % or 97.5 % marks the
  outer edge of the 95 % interval on either side.  ``p_below`` and
  ``p_at_most`` give the two ends it is the middle of.  The ``log_score`` is
  ``ln P(Y = y)``, the log of the probability the scenario gave the recorded
  yes count (higher is better; the difference of two scenarios' log scores
  is the log of their Bayes factor), and ``member_log_loss`` the mean over
  members of ``-ln P(recorded vote)`` under the scenario's probabilities
  (lower is better), the measure of the backtest.

Probabilities below :data:`FLOOR` count as :data:`FLOOR`, so that every score
is a finite number (a JSON document holds no infinity).

>>> import pandas as pd
>>> probs = pd.DataFrame({"p_yes": [0.9, 0.5], "p_abstain": [0.1, 0.5], "p_no": 0.0,
...                       "p_absent": 0.0}, index=["AAA", "BBB"])
>>> votes = pd.Series(["abstain", "yes"], index=["AAA", "BBB"])
>>> retro = retrospective(votes, {"baseline": probs})
>>> retro
<Retrospective: 1 yes recorded, 1.4 expected without a campaign: 0.4 votes moved off yes \
(80 % interval 0 to 1); 1 member voted otherwise than the baseline expected (0.6 expected)>
>>> retro.summary.loc["baseline", ["p_below", "p_at_most", "percentile", "log_score"]].round(4)
p_below       0.0500
p_at_most     0.5500
percentile    0.3000
log_score    -0.6931
Name: baseline, dtype: float64
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from unvote.errors import InvalidTypeError, InvalidValueError
from unvote.forecasting.counts import check_probs, interval, marginals
from unvote.numbers import rounded
from unvote.vocabulary import LEVELS, OUTCOMES, PROBABILITY_COLUMNS, level_key

FLOOR = 1e-300
"""Smallest probability a score takes the log of (``ln FLOOR`` is about -690.8)."""

SCORE_COLUMNS: tuple[str, ...] = (
    "expected_yes",
    "yes_error",
    *(f"yes_{end}{level_key(level)}" for level in LEVELS for end in ("lo", "hi")),
    "p_below",
    "p_at_most",
    "percentile",
    "log_score",
    "member_log_loss",
)
"""The columns of :attr:`Retrospective.summary`, one row a scenario."""

MOVER_COLUMNS: tuple[str, ...] = (
    "country",
    "last_vote",
    "recorded",
    "likeliest",
    *PROBABILITY_COLUMNS,
    "p_recorded",
    "surprise",
)
"""The columns of :attr:`Retrospective.movers`, one row a member (index iso3)."""


@dataclass(frozen=True, repr=False)
class Retrospective:
    """A recorded vote against the no-campaign forecast and every scenario's (see the module).

    ``baseline`` names the no-campaign forecast; ``recorded`` holds the
    recorded counts (index ``yes, abstain, no, absent``).

    ``moved``, one row an outcome: ``recorded``, ``expected`` (without a
    campaign), ``change`` (recorded minus expected) and, for each level of
    :data:`~unvote.vocabulary.LEVELS`, ``change_lo80, change_hi80, ...``: the
    interval of the change that the baseline's own randomness allows.

    ``summary``, one row a scenario, the baseline first
    (:data:`SCORE_COLUMNS`): ``expected_yes``, ``yes_error`` (expected
    minus recorded), the yes count's central intervals ``yes_lo80`` ...
    ``yes_hi95``, ``p_below`` = P(yes < recorded), ``p_at_most`` = P(yes <=
    recorded), ``percentile`` (their mean, the mid-percentile), ``log_score``
    = ln P(yes = recorded), ``member_log_loss``.

    ``movers``, the members whose recorded vote was not the baseline's
    likeliest, most surprising first (:data:`MOVER_COLUMNS`): ``country``,
    ``last_vote`` (the member's last vote on the text before this one),
    ``recorded``, ``likeliest``, the baseline's four probabilities,
    ``p_recorded`` and ``surprise`` = -ln ``p_recorded``.

    ``p_recorded``: every member's probability of its recorded vote under
    each scenario (index iso3, a column a scenario); ``yes_pmfs``: each
    scenario's exact distribution of the yes count (index ``count`` 0..n, a
    column a scenario), from which the summary's figures come.

    >>> import pandas as pd
    >>> probs = pd.DataFrame({"p_yes": [0.9, 0.5], "p_abstain": [0.1, 0.5], "p_no": 0.0,
    ...                       "p_absent": 0.0}, index=["AAA", "BBB"])
    >>> votes = pd.Series(["abstain", "yes"], index=["AAA", "BBB"])
    >>> retro = retrospective(votes, {"baseline": probs})
    >>> round(retro.votes_moved, 2), retro.votes_moved_intervals["80"]
    (0.4, (0, 1))
    >>> retro.movers[["recorded", "likeliest", "p_recorded"]]  # doctest: +NORMALIZE_WHITESPACE
         recorded likeliest  p_recorded
    iso3
    AAA   abstain       yes         0.1
    """

    baseline: str
    recorded: pd.Series
    moved: pd.DataFrame
    summary: pd.DataFrame
    movers: pd.DataFrame
    p_recorded: pd.DataFrame
    yes_pmfs: pd.DataFrame
    expected_movers: float

    @property
    def votes_moved(self) -> float:
        """Yes votes moved: the yes count expected without a campaign minus the recorded one."""
        return -float(self.moved.loc["yes", "change"])

    @property
    def votes_moved_intervals(self) -> dict[str, tuple[int, int]]:
        """Central intervals of :attr:`votes_moved` from the baseline, keyed ``"80"``, ``"95"``."""
        row = self.moved.loc["yes"]
        return {
            level_key(level): (
                -int(row[f"change_hi{level_key(level)}"]),
                -int(row[f"change_lo{level_key(level)}"]),
            )
            for level in LEVELS
        }

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready, every number a plain int or float, rounded; ``top`` movers (None: all)."""
        movers = self.movers if top is None else self.movers.head(top)
        summary = self.summary
        return {
            "baseline": self.baseline,
            "recorded": {o: int(self.recorded[o]) for o in OUTCOMES},
            "votes_moved": {
                "yes": rounded(self.votes_moved, 4),
                "intervals": {
                    k: [int(v) for v in b] for k, b in self.votes_moved_intervals.items()
                },
            },
            "change": {
                o: {
                    "expected": rounded(self.moved.loc[o, "expected"], 4),
                    "recorded": int(self.moved.loc[o, "recorded"]),
                    "change": rounded(self.moved.loc[o, "change"], 4),
                    "intervals": {
                        level_key(level): [
                            int(self.moved.loc[o, f"change_lo{level_key(level)}"]),
                            int(self.moved.loc[o, f"change_hi{level_key(level)}"]),
                        ]
                        for level in LEVELS
                    },
                }
                for o in OUTCOMES
            },
            "members_moved": len(self.movers),
            "members_moved_expected": rounded(self.expected_movers, 4),
            "scenarios": [
                {
                    "name": str(name),
                    "expected_yes": rounded(row["expected_yes"], 4),
                    "yes_error": rounded(row["yes_error"], 4),
                    "intervals": {
                        level_key(level): [
                            int(row[f"yes_lo{level_key(level)}"]),
                            int(row[f"yes_hi{level_key(level)}"]),
                        ]
                        for level in LEVELS
                    },
                    "p_below": rounded(row["p_below"], 6),
                    "p_at_most": rounded(row["p_at_most"], 6),
                    "percentile": rounded(row["percentile"], 6),
                    "log_score": rounded(row["log_score"], 6),
                    "member_log_loss": rounded(row["member_log_loss"], 6),
                }
                for name, row in summary.iterrows()
            ],
            "movers": [
                {
                    "iso3": str(iso3),
                    "country": str(row["country"]),
                    "last_vote": str(row["last_vote"]),
                    "recorded": str(row["recorded"]),
                    "likeliest": str(row["likeliest"]),
                    **{c: rounded(row[c], 6) for c in PROBABILITY_COLUMNS},
                    "p_recorded": rounded(row["p_recorded"], 6),
                    "surprise": rounded(row["surprise"], 6),
                }
                for iso3, row in movers.iterrows()
            ],
        }

    def __repr__(self) -> str:
        lo, hi = self.votes_moved_intervals[level_key(LEVELS[0])]
        n = len(self.movers)
        return (
            f"<Retrospective: {int(self.recorded['yes'])} yes recorded, "
            f"{self.moved.loc['yes', 'expected']:.1f} expected without a campaign: "
            f"{self.votes_moved:.1f} votes moved off yes ({level_key(LEVELS[0])} % interval "
            f"{lo} to {hi}); {n} member{'' if n == 1 else 's'} voted otherwise than the "
            f"baseline expected ({self.expected_movers:.1f} expected)>"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p>{html.escape(repr(self)[1:-1])}</p>"
            f"{self.moved.round(1).to_html()}{self.summary.round(3).to_html()}"
            f"{self.movers.round(3).to_html()}"
        )


def _votes(votes: Any) -> pd.Series:
    if not isinstance(votes, pd.Series):
        raise InvalidTypeError(f"votes must be a pandas Series, not {type(votes).__name__}")
    if votes.index.has_duplicates:
        raise InvalidValueError("votes names a member twice; give each member one vote")
    values = votes.astype(object)
    bad = ~values.isin(OUTCOMES)
    if bad.any():
        member = votes.index[bad.to_numpy()][0]
        raise InvalidValueError(
            f"the recorded vote of {member!r} is {votes[member]!r}, "
            f"not one of {', '.join(OUTCOMES)}"
        )
    return values.astype(str)


def _aligned(probs: pd.DataFrame, members: pd.Index, name: str) -> np.ndarray:
    if not isinstance(probs, pd.DataFrame):
        raise InvalidTypeError(f"scenario {name!r}: probabilities must be a DataFrame")
    if set(probs.index) != set(members):
        missing = sorted(set(members) - set(probs.index))[:3]
        extra = sorted(set(probs.index) - set(members))[:3]
        raise InvalidValueError(
            f"scenario {name!r}: the members differ from the recorded votes' "
            f"(missing {missing}, not in the vote {extra})"
        )
    return check_probs(probs.loc[members])


def _yes_scores(pmf: np.ndarray, recorded: int) -> dict[str, float]:
    """Where ``recorded`` falls in a yes-count pmf: P(<), P(<=), the mid-percentile, log P(=)."""
    below = float(min(1.0, pmf[:recorded].sum()))
    at = float(pmf[recorded]) if recorded < len(pmf) else 0.0
    at_most = min(1.0, below + at)
    return {
        "p_below": below,
        "p_at_most": at_most,
        "percentile": (below + at_most) / 2,
        "log_score": math.log(max(at, FLOOR)),
    }


def retrospective(
    votes: pd.Series,
    probs: Mapping[str, pd.DataFrame],
    *,
    baseline: str = "baseline",
    pmfs: Mapping[str, pd.DataFrame] | None = None,
    members: pd.DataFrame | None = None,
) -> Retrospective:
    """Score a recorded vote against the no-campaign forecast and each scenario's.

    ``votes``: each member's recorded vote (``yes, abstain, no, absent``),
    indexed by ISO3.  ``probs``: each scenario's probability table (columns
    ``p_yes, p_abstain, p_no, p_absent``, the same members), the no-campaign
    forecast among them under the name ``baseline``.  ``pmfs``: each
    scenario's exact count pmfs (:func:`unvote.forecasting.counts.marginals` or a
    mixture: index 0..n, a column an outcome); a scenario missing there gets
    the pmfs of its table with members independent.  ``members``: ``country``
    and ``last_vote`` of each member, shown beside the movers.

    >>> import pandas as pd
    >>> probs = pd.DataFrame({"p_yes": [0.9, 0.5], "p_abstain": [0.1, 0.5], "p_no": 0.0,
    ...                       "p_absent": 0.0}, index=["AAA", "BBB"])
    >>> votes = pd.Series(["abstain", "yes"], index=["AAA", "BBB"])
    >>> retrospective(votes, {"baseline": probs}).summary["percentile"].round(3).tolist()
    [0.3]
    """
    votes = _votes(votes)
    if baseline not in probs:
        raise InvalidValueError(
            f"no forecast named {baseline!r} among {', '.join(map(str, probs))}: "
            "a retrospective needs the no-campaign forecast"
        )
    levels = LEVELS
    pmfs = {} if pmfs is None else dict(pmfs)
    index = votes.index
    order = [baseline, *(name for name in probs if name != baseline)]
    tables = {name: _aligned(probs[name], index, name) for name in order}
    counts = {
        name: (
            pmfs[name]
            if name in pmfs
            else marginals(pd.DataFrame(tables[name], columns=list(PROBABILITY_COLUMNS)))
        )
        for name in order
    }
    for name, table in counts.items():
        if len(table) != len(index) + 1 or list(table.columns) != list(OUTCOMES):
            raise InvalidValueError(
                f"scenario {name!r}: count pmfs must have rows 0..{len(index)} and the columns "
                f"{', '.join(OUTCOMES)}"
            )
    recorded = votes.value_counts().reindex(list(OUTCOMES), fill_value=0).astype(int)
    which = votes.map({o: k for k, o in enumerate(OUTCOMES)}).to_numpy(dtype=int)
    rows = np.arange(len(index))

    # Votes moved, against the baseline: recorded minus Y0, Y0 ~ the baseline's pmf.
    base = tables[baseline]
    moved = pd.DataFrame(
        {"recorded": recorded, "expected": pd.Series(base.sum(axis=0), index=list(OUTCOMES))}
    )
    moved["change"] = moved["recorded"] - moved["expected"]
    for level in levels:
        lo, hi = np.array([interval(counts[baseline][o].to_numpy(), level) for o in OUTCOMES]).T
        moved[f"change_lo{level_key(level)}"] = recorded.to_numpy() - hi
        moved[f"change_hi{level_key(level)}"] = recorded.to_numpy() - lo
    moved.index.name = "outcome"

    # Every scenario: the recorded yes count in its distribution, and its members' log loss.
    p_recorded = pd.DataFrame(
        {name: table[rows, which] for name, table in tables.items()}, index=index
    )
    summary = []
    for name, table in tables.items():
        pmf = counts[name]["yes"].to_numpy(dtype=float)
        expected_yes = float(table[:, 0].sum())
        row: dict[str, Any] = {
            "scenario": name,
            "expected_yes": expected_yes,
            "yes_error": expected_yes - recorded["yes"],
        }
        for level in levels:
            lo, hi = interval(pmf, level)
            row |= {f"yes_lo{level_key(level)}": lo, f"yes_hi{level_key(level)}": hi}
        row |= _yes_scores(pmf, int(recorded["yes"]))
        row["member_log_loss"] = float(-np.log(np.maximum(p_recorded[name], FLOOR)).mean())
        summary.append(row)

    # Movers: members whose recorded vote was not the baseline's likeliest.
    likeliest = base.argmax(axis=1)
    chance = base[rows, which]
    frame = pd.DataFrame(base, index=index, columns=list(PROBABILITY_COLUMNS))
    if members is not None:
        info = members.reindex(index)
        frame.insert(0, "country", info["country"].astype(object).fillna("").astype(str))
        frame.insert(1, "last_vote", info["last_vote"].astype(object).fillna("none").astype(str))
    else:
        frame.insert(0, "country", [str(i) for i in index])
        frame.insert(1, "last_vote", "none")
    frame.insert(2, "recorded", votes)
    frame.insert(3, "likeliest", np.array(OUTCOMES, dtype=object)[likeliest])
    frame["p_recorded"] = chance
    frame["surprise"] = -np.log(np.maximum(chance, FLOOR))
    frame.index.name = "iso3"
    beaten = chance < base[rows, likeliest]
    movers = frame[beaten].sort_values(["surprise", "iso3"], ascending=[False, True])
    return Retrospective(
        baseline=baseline,
        recorded=recorded,
        moved=moved,
        summary=pd.DataFrame(summary).set_index("scenario"),
        movers=movers,
        p_recorded=p_recorded,
        yes_pmfs=pd.DataFrame(
            {name: counts[name]["yes"].to_numpy(dtype=float) for name in order},
            index=pd.RangeIndex(len(index) + 1, name="count"),
        ),
        expected_movers=float((1.0 - base.max(axis=1)).sum()),
    )
