"""The words unvote speaks, defined once: outcomes, probability columns, labels, groups, levels.

Every table, JSON object and chart lists the outcomes in one order, from
support to not voting: ``yes, abstain, no, absent``.  ``absent`` is a member
that cast no vote, whatever the reason (not in the hall, present and not
voting, or barred by arrears under Article 19); the official tally counts only
the other three.  In random draws the outcomes are coded 0, 1, 2, 3 in this
order.

>>> OUTCOMES
('yes', 'abstain', 'no', 'absent')
>>> PROBABILITY_COLUMNS
('p_yes', 'p_abstain', 'p_no', 'p_absent')
>>> [level_key(level) for level in LEVELS]
['80', '95']
"""

from typing import Literal

Outcome = Literal["yes", "abstain", "no", "absent"]

OUTCOMES: tuple[str, ...] = ("yes", "abstain", "no", "absent")
"""The outcomes of a member at a roll call, from support to not voting."""

PROBABILITY_COLUMNS: tuple[str, ...] = tuple(f"p_{outcome}" for outcome in OUTCOMES)
"""The columns of every table of probabilities, in the order of :data:`OUTCOMES`."""

SHIFTED_OUTCOMES: tuple[str, ...] = OUTCOMES[1:]
"""The outcomes whose log-odds against ``yes`` the model (and a scenario's offset) moves."""

OUTCOME_LABELS: dict[str, str] = {
    "yes": "yes",
    "abstain": "abstain",
    "no": "no",
    "absent": "absent",
}
"""How an outcome is named in tables, JSON keys and chart legends (the same word everywhere)."""

OUTCOME_VERBS: dict[str, str] = {
    "yes": "vote yes",
    "abstain": "abstain",
    "no": "vote no",
    "absent": "be absent",
}
"""An outcome as a verb phrase, for sentences such as "probability to abstain"."""

LEVELS: tuple[float, ...] = (0.8, 0.95)
"""Coverage of the central intervals reported for every count."""

YES_THRESHOLDS: tuple[int, ...] = (185, 180, 170)
"""Yes counts ``t`` for which P(yes < t) is reported by default."""


def level_key(level: float) -> str:
    """The key of an interval level in tables and JSON: ``0.8`` -> ``"80"``.

    >>> level_key(0.975)
    '97.5'
    """
    return format(round(level * 100.0, 10), "g")


METHOD_LABELS: dict[str, str] = {
    "model": "vote model",
    "markov": "Markov transitions",
    "last_vote": "as last time",
    "always_yes": "always yes",
    "issue_shares": "issue-code shares",
}
"""Names of the backtest's forecasting methods as tables and charts show them."""

COUNTRY_GROUPS: tuple[str, ...] = (
    "eu",
    "nato",
    "rio_treaty",
    "anzus",
    "us_bilateral_treaty",
    "mnna",
    "cofa",
    "oas",
)
"""Groups in ``country_groups.csv``: memberships, alliances and US designations."""

UN_GROUPS: tuple[str, ...] = (
    "African",
    "Asia-Pacific",
    "Eastern European",
    "Latin American and Caribbean",
    "Western European and Others",
)
"""The UN regional groups (``regions.csv`` also has ``none``, for the United States)."""

OBSERVERS: dict[str, str] = {"PSE": "State of Palestine", "VAT": "Holy See"}
"""Non-member observer States: they take part in the General Assembly but do not vote."""

SPONSOR_KINDS: tuple[str, ...] = ("member", "observer", "group", "officer", "other")
"""Kinds of the rows of a sponsor list (:mod:`unvote.record.sponsors`): a member State, an observer
State, a group named alone, an officer or organ of the Assembly, an entry naming no State."""

SPONSOR_ROLES: tuple[str, ...] = ("sponsor", "additional")
"""A sponsor named on the draft, or one that joined later (the UN's additional sponsors)."""
