"""Scenarios: a campaign of diplomatic pressure, written as data.

A scenario is a TOML file (the built-in ones live in ``seeds/``)::

    name = "allies"
    description = "US missions press allies to vote no or abstain"
    campaigner = "USA"                     # the campaigning state: never a target
    sources = ["State Department cable of October 2025 (as reported)"]

    [[channel]]
    name = "allies"
    talking_point = "Missions are asked to persuade allies to vote no or abstain"
    kind = "vote"                          # what the shift acts on: see KINDS
    select = { us_treaty_ally = true }     # whom: through features, never country lists
    strength = { central = 0.9, range = [0.3, 1.8] }
    response = { feature = "us_agreement", slope = 2.0 }
    basis = "why these numbers"

A channel adds a shift to the log-odds, against yes, of the outcomes its
``kind`` names (:data:`KINDS`: ``vote`` pushes toward abstaining and voting
no, ``absence`` toward staying away, ``abstain`` and ``no`` toward one of
them), for every member ``select`` matches (default: every member but the
campaigner; the campaigner is never a target).  The shift is in each
member's own log-odds:

* ``strength`` is the shift of a typical targeted member.  A table
  ``{ central, range }`` is a stated prior, log-normal with median ``central``
  and 80 % of its mass within a band as wide as ``range`` (``range`` itself
  when ``central`` is its geometric middle): the forecast's count distributions
  and intervals integrate over it, so they say how unsure the force of the
  campaign is.  A number fixes it (a what-if); ``level = "low" | "central" |
  "high"`` fixes it at that point of the range.
* ``response`` makes the shift differ by member: ``strength × max(0, 1 +
  slope × (x − mean x))``, ``x`` the member's value of ``feature`` (a numeric
  feature of the panel, or ``campaigner_agreement``: agreement with the
  campaigner over the 12 months before the vote) and the mean over the
  targeted members, so ``strength`` stays the shift of an average target.
  Without it every target gets the same shift.

Shifts of several channels on one member add up.  The strengths of a
scenario's channels move together (comonotone): at the low end of one
channel's prior the others are at the low end of theirs, as a campaign
pushes hard or softly on all its arguments at once.

``select`` is a table of conditions on the feature panel, all of which must
hold (a list of tables: any of them).  A condition is ``true``/``false`` for a
group, a string or list of strings for ``un_group`` or ``last_vote``, a number
or ``{ min = a, max = b }`` for a numeric feature.

A scenario's ``name`` is part of chart file names, so it must be a short slug
(letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit, at
most 64 characters); channel names may not hold control characters; shifts
are at most :data:`MAX_SHIFT`.  Two scenarios of one forecast, or two channels
of one scenario, may not share a name.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import reprlib
import statistics
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path, PurePath
from typing import Any, Literal

import numpy as np
import pandas as pd

from unvote.errors import (
    EmptySelectionError,
    InvalidTypeError,
    InvalidValueError,
    ScenarioError,
    UnknownNameError,
)
from unvote.model.features import MODEL_FEATURES, TREATY_GROUPS, US, last_vote
from unvote.model.shock import normal_quadrature
from unvote.numbers import rounded
from unvote.record.calendar import parse_day
from unvote.vocabulary import COUNTRY_GROUPS, OUTCOMES, SHIFTED_OUTCOMES, UN_GROUPS

Level = Literal["low", "central", "high"]
LEVELS_OF_STRENGTH: tuple[str, ...] = ("low", "central", "high")


@dataclass(frozen=True)
class Kind:
    """What a channel's shift acts on: the outcomes whose log-odds against yes it raises."""

    acts_on: tuple[str, ...]
    description: str


KINDS: dict[str, Kind] = {
    "vote": Kind(("abstain", "no"), "away from yes, toward abstaining or voting no"),
    "abstain": Kind(("abstain",), "toward abstaining"),
    "no": Kind(("no",), "toward voting no"),
    "absence": Kind(("absent",), "toward staying away from the vote"),
}
"""The kinds of channel.  Every kind takes the same parameters: ``select``,
``strength`` (or ``level``) and ``response``."""

BOOLEAN_FEATURES: tuple[str, ...] = (*COUNTRY_GROUPS, "us_treaty_ally")
CATEGORY_FEATURES: dict[str, tuple[str, ...]] = {
    "un_group": UN_GROUPS,
    "last_vote": (*OUTCOMES, "none"),
}
NUMERIC_FEATURES: tuple[str, ...] = tuple(
    f for f in MODEL_FEATURES if f not in BOOLEAN_FEATURES and not f.startswith("region_")
)
SELECTABLE: tuple[str, ...] = (*BOOLEAN_FEATURES, *CATEGORY_FEATURES, *NUMERIC_FEATURES)
"""Features a selector may name.  Country names and codes are deliberately not among them."""

CAMPAIGNER_AGREEMENT = "campaigner_agreement"
RESPONSE_FEATURES: tuple[str, ...] = (CAMPAIGNER_AGREEMENT, *NUMERIC_FEATURES)
"""Features a channel's response may follow."""

SCENARIO_KEYS = {"name", "description", "sources", "channel", "campaigner", "evidence_through"}
CHANNEL_KEYS = {
    *("name", "talking_point", "kind", "select", "strength", "level", "response", "basis"),
}
PRIOR_KEYS = {"central", "range"}
RESPONSE_KEYS = {"feature", "slope"}
OLD_KEYS = {"vote_shift", "absence_shift"}

MAX_SHIFT = 50.0
"""Largest shift a channel may state (logit units).

A shift of 50 takes a member certain to vote yes to a probability of about
1e-16; larger ones change nothing but can add up to infinity.
"""

MAX_SLOPE = 20.0
"""Largest response slope accepted (a shift doubling over a twentieth of the feature's range)."""

PRIOR_COVERAGE = 0.8
"""The share of a strength prior's mass within the stated range, when its central value is
the range's geometric middle (:attr:`Strength.mass_in_range` gives it for any prior)."""

STRENGTH_NODES = 21
"""Quadrature nodes over the strength prior (on the log scale), evenly spaced as the shock's.

Gauss-Hermite nodes (7 of them) left the 2025 cable forecast's yes pmf with
false humps and its 95 % interval 12 votes too low; from 15 evenly spaced
nodes on, its intervals no longer move."""

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read (a scenario is a few kilobytes)."""

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A scenario name: it becomes part of file names (``movers-<name>-2025.png``)."""

assert set(TREATY_GROUPS) <= set(COUNTRY_GROUPS)

_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40
_NORMAL = statistics.NormalDist()
_Z80 = _NORMAL.inv_cdf(0.5 + PRIOR_COVERAGE / 2)  # 1.2816, the 90th percentile


def _show(value: Any) -> str:
    """A value in a message: its repr, cut short and never deep (a hostile file may nest)."""
    return _REPR.repr(value)


def _control_characters(text: str) -> bool:
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text)


def check_name(name: Any, where: str = "scenario") -> str:
    """A valid scenario name (see :data:`SLUG`), or :class:`~unvote.errors.ScenarioError`.

    >>> check_name("my-campaign.v2")
    'my-campaign.v2'
    >>> check_name("x/../../escape")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unvote.errors.ScenarioError: scenario: name 'x/../../escape' must be a short slug: ...
    """
    if not isinstance(name, str) or not SLUG.fullmatch(name):
        raise ScenarioError(
            f"{where}: name {_show(name)} must be a short slug: letters, digits, '-', '_' and "
            "'.', starting with a letter or digit, at most 64 characters"
        )
    return name


def _did_you_mean(word: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool); TOML integers may be too large for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


# ----------------------------------------------------------------------------- strengths


@dataclass(frozen=True)
class Strength:
    """A channel's strength: a log-normal prior over ``[low, high]``, or a fixed value.

    ``central`` is the prior's median; the range sets its spread: 80 % of its
    mass lies in a band as wide as ``[low, high]`` on the log scale, centred
    on ``central`` (the range itself when ``central`` is its geometric
    middle).  The spread does not depend on ``central``, so a stronger
    central value is a stronger campaign at every quantile.  A range
    starting at 0 is set by its upper end (90 % of the mass below ``high``).
    ``fixed``: no uncertainty (``low == central == high``, or a what-if).
    Strengths beyond :data:`MAX_SHIFT` at the prior's far tail count as
    :data:`MAX_SHIFT` (they change nothing, and cannot overflow).

    >>> prior = Strength(0.9, 0.3, 2.7)
    >>> round(prior.sigma, 3), round(prior.at(1.2816), 2), prior.mass_in_range
    (0.857, 2.7, 0.8)
    >>> Strength.fixed_at(1.5).at(2.0)
    1.5
    """

    central: float
    low: float
    high: float
    fixed: bool = False

    @classmethod
    def fixed_at(cls, value: float) -> Strength:
        return cls(float(value), float(value), float(value), True)

    @property
    def uncertain(self) -> bool:
        # A range from 0 up to the median itself has no spread: it states no prior.
        spread = self.high > self.low and (self.low > 0 or self.high > self.central)
        return not self.fixed and self.central > 0 and spread

    @property
    def sigma(self) -> float:
        """The standard deviation of the log-strength (0 when fixed)."""
        if not self.uncertain:
            return 0.0
        # Logs apart: a ratio of a large and a tiny strength would overflow.
        if self.low > 0:
            return (math.log(self.high) - math.log(self.low)) / (2 * _Z80)
        return (math.log(self.high) - math.log(self.central)) / _Z80

    @property
    def mass_in_range(self) -> float:
        """The share of the prior's mass within ``[low, high]`` (1 when fixed), to 3 digits."""
        if not self.uncertain:
            return 1.0
        centre, sigma = math.log(self.central), self.sigma
        below = _NORMAL.cdf((math.log(self.low) - centre) / sigma) if self.low else 0.0
        above = _NORMAL.cdf((math.log(self.high) - centre) / sigma)
        return rounded(above - below, 3)

    def at(self, z: float) -> float:
        """The strength at the standard-normal quantile ``z`` of the prior (0: the median)."""
        if not self.uncertain:
            return self.central
        # On the log scale: a tiny median with a wide range would overflow exp().
        exponent = math.log(self.central) + self.sigma * float(z)
        return MAX_SHIFT if exponent >= math.log(MAX_SHIFT) else math.exp(exponent)

    def at_level(self, level: Level) -> Strength:
        return Strength.fixed_at(
            {"low": self.low, "central": self.central, "high": self.high}[level]
        )

    def scaled(self, factor: float) -> Strength:
        return Strength(self.central * factor, self.low * factor, self.high * factor, self.fixed)

    def to_dict(self) -> dict[str, Any]:
        if not self.uncertain:
            return {"fixed": rounded(self.central, 6)}
        return {
            "central": rounded(self.central, 6),
            "range": [rounded(self.low, 6), rounded(self.high, 6)],
            "prior": "log-normal",
            "median": rounded(self.central, 6),
            "sigma_log": rounded(self.sigma, 6),
            "mass_in_range": self.mass_in_range,
        }


def strength_nodes(n: int = STRENGTH_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights over a standard normal: ``sum(w * f(z)) ~ E[f(Z)]``.

    >>> z, w = strength_nodes()
    >>> round(float(w.sum()), 6), round(float(w @ z**2), 3)
    (1.0, 1.0)
    """
    return normal_quadrature(n)


@dataclass(frozen=True)
class Response:
    """How a channel's shift differs by member: ``max(0, 1 + slope × (x - mean over targets))``."""

    feature: str
    slope: float

    def factors(self, values: pd.Series, targets: pd.Series) -> pd.Series:
        centre = float(values[targets].mean()) if targets.any() else 0.0
        return (1.0 + self.slope * (values.astype(float) - centre)).clip(lower=0.0)


def _strength(value: Any, where: str) -> Strength:
    """A strength from a number (fixed), a table ``{central, range}`` or a :class:`Strength`."""
    if isinstance(value, Strength):
        values = (value.central, value.low, value.high)
        strength = value
        # Built in code, it is checked as a table from a file would be.
        if not all(_is_number(v) and 0 <= v <= MAX_SHIFT for v in values):
            raise ScenarioError(
                f"{where}: strength must lie from 0 to {MAX_SHIFT:g} (log-odds), not {_show(value)}"
            )
        if not value.low <= value.central <= value.high:
            raise ScenarioError(
                f"{where}: strength needs 0 <= low <= central <= high, got range "
                f"[{value.low:g}, {value.high:g}] and central {value.central:g}"
            )
    elif _is_number(value):
        strength = Strength.fixed_at(float(value))
        values = (strength.central,) * 3
    elif isinstance(value, Mapping) and "central" in value:
        unknown = sorted(set(value) - PRIOR_KEYS, key=str)
        if unknown:
            raise ScenarioError(
                f"{where}: unknown key(s) in strength: {', '.join(map(_show, unknown))}"
                f"{_did_you_mean(unknown[0], sorted(PRIOR_KEYS))}; allowed: central, range"
            )
        central = value["central"]
        bounds = value.get("range", [central, central])
        if not isinstance(bounds, list | tuple) or len(bounds) != 2:
            raise ScenarioError(
                f"{where}: strength.range must be a list of two numbers [low, high]"
            )
        values = (central, *bounds)
        if not all(_is_number(v) for v in values):
            raise ScenarioError(
                f"{where}: strength: central and the two ends of range must be finite numbers"
            )
        low, high = (float(b) for b in bounds)
        if not 0 <= low <= float(central) <= high:
            raise ScenarioError(
                f"{where}: strength needs 0 <= low <= central <= high, got range "
                f"[{low:g}, {high:g}] and central {float(central):g}"
            )
        strength = Strength(float(central), low, high)
    else:
        raise ScenarioError(
            f"{where}: strength must be a number (fixed) or a table "
            f"{{ central = x, range = [low, high] }} (a prior), not {_show(value)}"
        )
    if not all(0 <= v <= MAX_SHIFT for v in values):
        raise ScenarioError(
            f"{where}: strength must lie from 0 to {MAX_SHIFT:g} (log-odds), not {_show(value)}"
        )
    return strength


def _response(value: Any, where: str) -> Response | None:
    if value is None or isinstance(value, Response):
        response = value
    elif isinstance(value, Mapping):
        unknown = sorted(set(value) - RESPONSE_KEYS, key=str)
        if unknown or set(value) != RESPONSE_KEYS:
            hint = _did_you_mean(unknown[0], sorted(RESPONSE_KEYS)) if unknown else ""
            raise ScenarioError(
                f"{where}: response must be a table {{ feature = name, slope = number }}{hint}"
            )
        response = Response(value["feature"], value["slope"])
    else:
        raise ScenarioError(
            f"{where}: response must be a table {{ feature = name, slope = number }}, "
            f"not {_show(value)}"
        )
    if response is not None:
        if response.feature not in RESPONSE_FEATURES:
            raise ScenarioError(
                f"{where}: unknown response feature {_show(response.feature)}"
                f"{_did_you_mean(response.feature, RESPONSE_FEATURES)}; allowed: "
                f"{', '.join(RESPONSE_FEATURES)}"
            )
        if not _is_number(response.slope) or abs(response.slope) > MAX_SLOPE:
            raise ScenarioError(
                f"{where}: response.slope must be a number from {-MAX_SLOPE:g} to "
                f"{MAX_SLOPE:g}, not {_show(response.slope)}"
            )
        response = Response(str(response.feature), float(response.slope))
    return response


@dataclass(frozen=True)
class Channel:
    """One lever of the campaign: whom it targets, on which outcomes, and how hard.

    Checked when built, in code as from a file: ``kind`` one of :data:`KINDS`;
    ``select`` a table of feature conditions or a sequence of them (None:
    every member but the campaigner); ``strength`` a number (fixed), a table
    ``{central, range}`` or a :class:`Strength`; ``response`` a table
    ``{feature, slope}`` or a :class:`Response`.  A mistake raises
    :class:`~unvote.errors.ScenarioError`.

    >>> channel = Channel("eu", "abstain, please", select={"eu": True}, strength=0.5)
    >>> channel.select, channel.kind, channel.strength.fixed
    (({'eu': True},), 'vote', True)
    >>> Channel("eu", "abstain, please", select="eu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unvote.errors.ScenarioError: channel 'eu': select must be a table ... not 'eu'
    """

    name: str
    talking_point: str
    kind: str = "vote"
    select: Any = None
    strength: Any = 0.0
    response: Any = None
    basis: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ScenarioError(f"channel {_show(self.name)}: name must be a non-empty string")
        where = f"channel {self.name!r}"
        if _control_characters(self.name):
            raise ScenarioError(f"{where}: name may not hold control characters")
        if not isinstance(self.talking_point, str):
            raise ScenarioError(f"{where}: talking_point must be a string")
        if self.kind not in KINDS:
            raise ScenarioError(
                f"{where}: kind must be one of {', '.join(KINDS)}, not {_show(self.kind)}"
                f"{_did_you_mean(self.kind, list(KINDS))}"
            )
        if self.select is None or self.select == ():  # () as stored: every member
            tables: Any = ()
        else:
            tables = (self.select,) if isinstance(self.select, Mapping) else self.select
            if (
                isinstance(tables, str | bytes)
                or not isinstance(tables, Sequence)
                or not tables
                or not all(isinstance(t, Mapping) and t for t in tables)
            ):
                raise ScenarioError(
                    f"{where}: select must be a table of feature conditions, or a list of them, "
                    f"not {_show(self.select)}"
                )
            for table in tables:
                for feature, rule in table.items():
                    check_condition(feature, rule, where)
        object.__setattr__(self, "select", tuple(tables))
        object.__setattr__(self, "strength", _strength(self.strength, where))
        object.__setattr__(self, "response", _response(self.response, where))
        if not isinstance(self.basis, str):
            raise ScenarioError(f"{where}: basis must be a string")

    @property
    def acts_on(self) -> tuple[str, ...]:
        return KINDS[self.kind].acts_on

    def targets(self, rows: pd.DataFrame, campaigner: str) -> pd.Series:
        """The members this channel acts on: those it selects, never the campaigner."""
        chosen = (
            select(rows, self.select, where=f"channel {self.name!r}")
            if self.select
            else pd.Series(True, index=rows.index)
        )
        return chosen & (rows.index != campaigner)

    def shifts(
        self, rows: pd.DataFrame, targets: pd.Series, campaigner: str, z: float
    ) -> pd.Series:
        """Each member's shift at the strength quantile ``z`` (0 for members not targeted)."""
        return self.strength.at(z) * self.shape(rows, targets, campaigner)

    def shape(self, rows: pd.DataFrame, targets: pd.Series, campaigner: str) -> pd.Series:
        """Each member's shift per unit of strength: 0 off target, else the response's factor."""
        base = pd.Series(np.where(targets, 1.0, 0.0), index=rows.index)
        if self.response is None:
            return base
        values = _response_values(rows, self.response.feature, campaigner)
        return base * self.response.factors(values, targets)

    def describe(self) -> dict[str, Any]:
        """The channel as JSON-ready data: what produced a forecast."""
        return {
            "name": self.name,
            "kind": self.kind,
            "acts_on": list(self.acts_on),
            "strength": self.strength.to_dict(),
            "response": None
            if self.response is None
            else {"feature": self.response.feature, "slope": self.response.slope},
            "select": [dict(t) for t in self.select] or "every member but the campaigner",
        }


def _response_values(rows: pd.DataFrame, feature: str, campaigner: str) -> pd.Series:
    if feature != CAMPAIGNER_AGREEMENT:
        return rows[feature].astype(float)
    if CAMPAIGNER_AGREEMENT in rows:
        return rows[CAMPAIGNER_AGREEMENT].astype(float)
    if campaigner == US:
        return rows["us_agreement"].astype(float)
    raise ScenarioError(
        f"the rows lack agreement with the campaigner {campaigner}: build them with "
        "unvote.forecast, which measures it"
    )


@dataclass(frozen=True)
class Scenario:
    """A named set of channels of one campaigner; :meth:`offsets` turns it into shifts per member.

    The name must be a slug (:func:`check_name`), the channel names unique,
    ``campaigner`` an ISO3 code (default the United States).
    ``evidence_through`` is the last day of the evidence its strengths rest
    on (every built-in scenario states it; see :func:`builtin_generation`);
    None when not stated, as in most users' files.
    """

    name: str
    description: str
    channels: tuple[Channel, ...] = ()
    sources: tuple[str, ...] = ()
    path: str = ""
    campaigner: str = US
    evidence_through: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        where = self.path or "scenario"
        check_name(self.name, where)
        object.__setattr__(self, "evidence_through", _evidence_date(self.evidence_through, where))
        if not isinstance(self.description, str):
            raise ScenarioError(f"{where}: description must be a string")
        if not isinstance(self.campaigner, str) or not re.fullmatch(r"[A-Z]{3}", self.campaigner):
            raise ScenarioError(
                f"{where}: campaigner must be an ISO3 code such as 'USA', "
                f"not {_show(self.campaigner)}"
            )
        channels = tuple(self.channels)
        if not all(isinstance(c, Channel) for c in channels):
            raise ScenarioError(f"{where}: channels must be Channel objects")
        names = [c.name for c in channels]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ScenarioError(
                f"{where}: channel names must be unique; repeated: {', '.join(repeated)}"
            )
        object.__setattr__(self, "channels", channels)

    @property
    def uncertain(self) -> bool:
        """Whether any channel's strength is a prior rather than a fixed value."""
        return any(c.strength.uncertain for c in self.channels)

    def strength_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Quantiles of the campaign's force to integrate over, and their weights."""
        return strength_nodes() if self.uncertain else (np.zeros(1), np.ones(1))

    def scaled(self, factor: float) -> Scenario:
        """The same scenario with every channel's strength multiplied by ``factor`` (sweeps).

        Scaling may leave the stated range: it is for sensitivity analysis.
        """
        if isinstance(factor, bool) or not _is_number(factor) or factor < 0:
            raise ScenarioError(f"scale factor must be a non-negative number, not {factor!r}")
        channels = tuple(
            replace(c, strength=c.strength.scaled(float(factor))) for c in self.channels
        )
        return replace(self, channels=channels)

    def at_level(self, level: Level) -> Scenario:
        """Every channel fixed at the low, central or high end of its stated range."""
        if level not in LEVELS_OF_STRENGTH:
            raise ScenarioError(f"level must be low, central or high, not {_show(level)}")
        channels = tuple(replace(c, strength=c.strength.at_level(level)) for c in self.channels)
        return replace(self, channels=channels)

    def selected(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Booleans, members x channels: which channel acts on which member."""
        return pd.DataFrame(
            {c.name: c.targets(rows, self.campaigner) for c in self.channels},
            index=rows.index,
            dtype=bool,
        )

    def offsets(
        self, rows: pd.DataFrame, chosen: pd.DataFrame | None = None, z: float = 0.0
    ) -> pd.DataFrame:
        """Log-odds shifts per member at strength quantile ``z``: columns ``abstain, no, absent``.

        ``rows`` are feature rows of one vote (indexed by iso3); ``chosen`` is
        :meth:`selected` of them, if already at hand.  Raises
        :class:`~unvote.errors.EmptySelectionError` when a channel selects no member.
        """
        return self.offset_grid(rows, chosen, [z])[0]

    def offset_grid(
        self, rows: pd.DataFrame, chosen: pd.DataFrame | None, zs: Sequence[float]
    ) -> list[pd.DataFrame]:
        """:meth:`offsets` at each strength quantile of ``zs``, the members' shapes found once."""
        chosen = self.selected(rows) if chosen is None else chosen
        shapes = []
        for channel in self.channels:
            targets = chosen[channel.name]
            if not targets.any():
                observed = (
                    "; ".join(
                        dict.fromkeys(
                            _observed(rows, feature)
                            for table in channel.select
                            for feature in table
                        )
                    )
                    or "no member but the campaigner"
                )
                raise EmptySelectionError(
                    f"{self.path or self.name}: channel {channel.name!r} selects no member "
                    f"(among the {len(rows)} members at this vote, {observed})",
                    channel=channel.name,
                )
            shapes.append(channel.shape(rows, targets, self.campaigner).to_numpy())
        grid = []
        for z in zs:
            values = np.zeros((len(rows), len(SHIFTED_OUTCOMES)))
            for channel, shape in zip(self.channels, shapes, strict=True):
                shift = channel.strength.at(z) * shape
                for outcome in channel.acts_on:
                    values[:, SHIFTED_OUTCOMES.index(outcome)] += shift
            if not np.isfinite(values).all():
                raise ScenarioError(
                    f"{self.path or self.name}: the channels' shifts add up to infinity"
                )
            grid.append(pd.DataFrame(values, index=rows.index, columns=list(SHIFTED_OUTCOMES)))
        return grid

    def describe(self) -> dict[str, Any]:
        """The scenario as JSON-ready data: campaigner, channels, strengths and priors."""
        evidence = self.evidence_through
        return {
            "name": self.name,
            "campaigner": self.campaigner,
            "evidence_through": None if evidence is None else f"{evidence:%Y-%m-%d}",
            "strengths_move_together": True,
            "channels": [c.describe() for c in self.channels],
        }


# ----------------------------------------------------------------------------- selectors


def _observed(rows: pd.DataFrame, feature: str) -> str:
    """What ``feature`` looks like among ``rows``: a range, a count or the values present."""
    if feature not in SELECTABLE or (feature not in rows and feature != "last_vote"):
        return f"no feature {feature!r}"
    if feature in BOOLEAN_FEATURES:
        return f"{feature} is true for {int(rows[feature].astype(bool).sum())}"
    if feature in CATEGORY_FEATURES:
        column = last_vote(rows) if feature == "last_vote" else rows[feature]
        return f"{feature} takes the values {', '.join(sorted(set(column.astype(str))))}"
    column = rows[feature].astype(float)
    return f"{feature} runs from {column.min():.3g} to {column.max():.3g}"


def check_condition(feature: str, rule: Any, where: str = "") -> tuple[str, Any]:
    """Validate one selector condition; return it as (kind, value).

    Kinds: ``("is", bool)`` for a group, ``("in", [names])`` for ``un_group``
    and ``last_vote``, ``("range", (low, high))`` for a numeric feature.
    Raises :class:`~unvote.errors.ScenarioError` naming the key and what is allowed.
    """
    if feature not in SELECTABLE:
        raise ScenarioError(
            f"{where}: unknown feature {_show(feature)} in select"
            f"{_did_you_mean(feature, SELECTABLE)}; allowed: {', '.join(SELECTABLE)}"
        )
    if feature in BOOLEAN_FEATURES:
        if not isinstance(rule, bool):
            raise ScenarioError(
                f"{where}: select.{feature} must be true or false, not {_show(rule)}"
            )
        return "is", rule
    if feature in CATEGORY_FEATURES:
        allowed = CATEGORY_FEATURES[feature]
        values = [rule] if isinstance(rule, str) else rule
        if not isinstance(values, list) or not values or not all(v in allowed for v in values):
            raise ScenarioError(
                f"{where}: select.{feature} must be one or a list of: {', '.join(allowed)}"
            )
        return "in", values
    if _is_number(rule):
        return "range", (float(rule), float(rule))
    valid_table = isinstance(rule, dict) and rule and not set(rule) - {"min", "max"}
    if valid_table and all(_is_number(b) for b in rule.values()):
        low, high = float(rule.get("min", -math.inf)), float(rule.get("max", math.inf))
        if low <= high:
            return "range", (low, high)
    raise ScenarioError(
        f"{where}: select.{feature} must be a number or {{ min = a, max = b }} with "
        f"numbers a <= b, not {_show(rule)}"
    )


def _condition(rows: pd.DataFrame, feature: str, rule: Any, where: str) -> pd.Series:
    kind, value = check_condition(feature, rule, where)
    if kind == "is":
        return rows[feature].astype(bool) == value
    if kind == "in":
        column = last_vote(rows) if feature == "last_vote" else rows[feature]
        return column.isin(value)
    column = rows[feature].astype(float)
    return (column >= value[0]) & (column <= value[1])


def select(rows: pd.DataFrame, selector: Sequence[Mapping[str, Any]], where: str = "") -> pd.Series:
    """Members matched by a selector: any of its tables, each with all conditions true.

    >>> rows = pd.DataFrame({"cofa": [1.0, 0.0, 1.0]}, index=["FSM", "USA", "PLW"])
    >>> sorted(rows.index[select(rows, [{"cofa": True}])])
    ['FSM', 'PLW']
    """
    chosen = pd.Series(False, index=rows.index)
    for table in selector:
        match = pd.Series(True, index=rows.index)
        for feature, rule in table.items():
            match &= _condition(rows, feature, rule, where)
        chosen |= match
    return chosen


# ----------------------------------------------------------------------------- parsing


EVIDENCE_KEY = "evidence_through"
"""The key of a scenario file that dates its evidence (``evidence_through = 2025-10-29``)."""


def _evidence_date(value: Any, where: str) -> pd.Timestamp | None:
    """``evidence_through`` as a day: a TOML date, a ``YYYY-MM-DD`` string or a Timestamp."""
    if value is None:
        return None
    try:
        return parse_day(value, EVIDENCE_KEY, years=False)
    except (InvalidTypeError, InvalidValueError):
        raise ScenarioError(
            f"{where}: {EVIDENCE_KEY} must be a date without a time of day, such as "
            f"{EVIDENCE_KEY} = 2025-10-29, not {_show(value)}"
        ) from None


def _fail(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}")


def _text(data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(where, f"{key} must be a {'non-empty ' if required else ''}string")
    return value


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    old = sorted(OLD_KEYS & set(data))
    if old:
        raise _fail(
            where,
            f"{old[0]} is the format of unvote 0.1: a channel now has one kind "
            '(kind = "vote" for vote_shift, "absence" for absence_shift) and a strength '
            "= { central = x, range = [low, high] }; see seeds/README.md",
        )
    unknown = sorted(set(data) - allowed, key=str)
    if unknown:
        listed = ", ".join(_show(k) if not str(k).isidentifier() else str(k) for k in unknown)
        hint = _did_you_mean(unknown[0], sorted(allowed)) if len(unknown) == 1 else ""
        raise _fail(where, f"unknown key(s) {listed}{hint}; allowed: {', '.join(sorted(allowed))}")


def _channel(data: Any, where: str) -> Channel:
    if not isinstance(data, dict):
        raise _fail(where, "must be a table")
    _check_keys(data, CHANNEL_KEYS, where)
    name = _text(data, "name", where)
    where = f"{where} ({_show(name)[1:-1]})"
    if _control_characters(name):
        raise _fail(where, "name may not hold control characters")
    select_value = data.get("select")
    if select_value is not None:
        tables = [select_value] if isinstance(select_value, dict) else select_value
        if (
            not isinstance(tables, list)
            or not tables
            or not all(isinstance(t, dict) and t for t in tables)
        ):
            raise _fail(where, "select must be a table of feature conditions, or a list of them")
        for table in tables:  # check names and rules now, before any data are at hand
            for feature, rule in table.items():
                check_condition(feature, rule, where)
    if "strength" not in data:
        raise _fail(where, "needs a strength: a number, or { central = x, range = [low, high] }")
    try:
        channel = Channel(
            name=name,
            talking_point=_text(data, "talking_point", where),
            kind=data.get("kind", "vote"),
            select=select_value,
            strength=data["strength"],
            response=data.get("response"),
            basis=_text(data, "basis", where, required=False),
        )
    except ScenarioError as err:
        raise _fail(where, str(err).split(": ", 1)[-1]) from None
    level = data.get("level")
    if level is not None:
        if not isinstance(level, str) or level not in LEVELS_OF_STRENGTH:
            raise _fail(where, f"level must be low, central or high, not {_show(level)}")
        if channel.strength.fixed:
            raise _fail(where, "level picks a point of the strength's range: give the range")
        channel = replace(channel, strength=channel.strength.at_level(level))
    return channel


def parse_scenario(data: Mapping[str, Any], where: str = "scenario") -> Scenario:
    """Build a :class:`Scenario` from parsed TOML, checking every key and value."""
    _check_keys(data, SCENARIO_KEYS, where)
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise _fail(where, "sources must be a list of strings")
    channels = data.get("channel", [])
    if not isinstance(channels, list):
        raise _fail(where, "channel must be an array of tables ([[channel]])")
    parsed = tuple(_channel(c, f"{where}: channel {i + 1}") for i, c in enumerate(channels))
    names = [c.name for c in parsed]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _fail(where, f"channel names must be unique; repeated: {', '.join(repeated)}")
    campaigner = data.get("campaigner", US)
    if not isinstance(campaigner, str):
        raise _fail(
            where, f"campaigner must be an ISO3 code such as 'USA', not {_show(campaigner)}"
        )
    try:
        return Scenario(
            name=check_name(_text(data, "name", where), where),
            description=_text(data, "description", where),
            channels=parsed,
            sources=tuple(sources),
            path=where,
            campaigner=campaigner,
            evidence_through=data.get(EVIDENCE_KEY),
        )
    except ScenarioError as err:
        message = str(err)
        raise ScenarioError(
            message if message.startswith(where) else f"{where}: {message}"
        ) from None


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises :class:`~unvote.errors.ScenarioError` (a ``ValueError``) naming
    the file, the key and what is allowed.
    """
    path = Path(path)
    try:
        exists, is_file = path.exists(), path.is_file()
    except OSError as err:  # a name too long for the file system, a folder without access
        raise ScenarioError(f"{_shortened(str(path))}: cannot be read ({err.strerror})") from None
    if not exists:
        raise ScenarioError(f"{path}: scenario file not found")
    if not is_file:
        raise ScenarioError(f"{path}: is not a file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{path}: is {size:,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot be read ({err})") from err
    if not text.strip():
        raise ScenarioError(f"{path}: is empty; a scenario needs name, description and channels")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML ({err})") from err
    except RecursionError:
        # tomllib recurses once a level of nesting: thousands of nested arrays exhaust the stack.
        raise ScenarioError(f"{path}: not valid TOML (nested too deeply)") from None
    try:
        return parse_scenario(data, where=str(path))
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply to be a scenario") from None


def _exists(path: str) -> bool:
    try:
        return Path(path).exists()
    except OSError:  # a name too long to be a file: not a file, then
        return False


def _shortened(text: str, keep: int = 60) -> str:
    """A long name cut in the middle, so that an error about it stays one readable line."""
    return text if len(text) <= keep else f"{text[: keep // 2]}...{text[-keep // 2 :]}"


def seed_dir() -> Path:
    """The folder where the built-in scenario files are installed (copy one as a template).

    >>> (seed_dir() / "cable.toml").is_file()
    True
    """
    return Path(str(files("unvote").joinpath("seeds")))


BUILTIN_ORDER = ("baseline", "cable", "ukraine-argument", "allies", "strong")


@dataclass(frozen=True)
class Generation:
    """Built-in scenarios that rest on the same evidence, dated like a feature.

    ``evidence_through`` is the last day of the evidence (campaign episodes,
    reports) their strengths rest on; ``folder`` holds their files; ``names``
    the scenarios, the main ones first.  A forecast of a vote uses the newest
    generation whose evidence ends before the vote (:func:`builtin_generation`).
    """

    evidence_through: pd.Timestamp
    folder: Path
    names: tuple[str, ...]

    def __str__(self) -> str:
        return f"evidence through {self.evidence_through:%Y-%m-%d}"


def builtin_generations() -> list[Generation]:
    """The generations of built-in scenarios, newest first.

    The newest are the files at the top of :func:`seed_dir`; each earlier
    generation keeps its files in a folder of its own there.  Every built-in
    file states ``evidence_through``, the same within a folder, and each
    generation's date is later than the one before it.

    >>> [f"{g.evidence_through:%Y-%m-%d}" for g in builtin_generations()]
    ['2025-10-29', '2025-10-05']
    """
    root = seed_dir()
    folders = [root, *sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.toml")))]
    generations = []
    for folder in folders:
        paths = sorted(folder.glob("*.toml"))
        dates = {}
        for path in paths:
            stat = path.stat()
            evidence = _evidence_of(str(path), stat.st_mtime_ns, stat.st_size)
            if evidence is None:
                raise ScenarioError(f"{path}: a built-in scenario must state {EVIDENCE_KEY}")
            dates[path.stem] = evidence
        if len(set(dates.values())) > 1:
            listed = ", ".join(f"{n} {d:%Y-%m-%d}" for n, d in dates.items())
            raise ScenarioError(
                f"{folder}: the built-in scenarios disagree on {EVIDENCE_KEY}: {listed}"
            )
        found = sorted(dates)
        names = [n for n in BUILTIN_ORDER if n in found] + [
            n for n in found if n not in BUILTIN_ORDER
        ]
        generations.append(Generation(next(iter(dates.values())), folder, tuple(names)))
    newest_first = sorted(generations, key=lambda g: g.evidence_through, reverse=True)
    if newest_first[0].folder != root or len({g.evidence_through for g in generations}) < len(
        generations
    ):
        raise ScenarioError(
            f"{root}: the files at the top must be the newest generation of built-in "
            "scenarios, and each generation needs a date of its own"
        )
    return newest_first


@functools.lru_cache(maxsize=64)
def _evidence_of(path: str, mtime_ns: int, size: int) -> pd.Timestamp | None:
    """A file's ``evidence_through``, read once while the file stays as it is."""
    return read_scenario(path).evidence_through


def builtin_generation(on: Any = None) -> Generation:
    """The generation of built-in scenarios for a vote on ``on`` (default: the newest).

    The newest generation whose evidence ends *before* the vote, so that a
    forecast of a vote never rests on that vote or anything after it.  A vote
    earlier than every generation's evidence gets the earliest, as a what-if
    (its strengths rest on campaigns that may come after that vote).

    >>> f"{builtin_generation('2025-10-29').evidence_through:%Y-%m-%d}"
    '2025-10-05'
    >>> f"{builtin_generation('2026-10-28').evidence_through:%Y-%m-%d}"
    '2025-10-29'
    """
    generations = builtin_generations()
    if on is None:
        return generations[0]
    day = _vote_day(on)
    for generation in generations:
        if generation.evidence_through < day:
            return generation
    return generations[-1]


def _vote_day(on: Any) -> pd.Timestamp:
    return parse_day(on, "the date of a vote", years=False)


def builtin_scenarios(on: Any = None) -> list[str]:
    """Names of the built-in scenarios for a vote on ``on`` (default: the newest), main ones first.

    >>> builtin_scenarios()
    ['baseline', 'cable', 'strong']
    """
    return list(builtin_generation(on).names)


def get_scenario(name_or_path: str | Path | Scenario, on: Any = None) -> Scenario:
    """A built-in scenario by name, or a scenario file by path (used as given).

    ``on`` is the date of the vote forecast: a built-in name resolves to the
    generation of :func:`builtin_generation` for it, and a name that
    generation lacks is an error.  Without ``on``, a name resolves to the
    newest generation that has it.

    >>> get_scenario("baseline").channels
    ()
    >>> f"{get_scenario('cable', on='2025-10-29').evidence_through:%Y-%m-%d}"
    '2025-10-05'
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    if not isinstance(name_or_path, str | PurePath):
        raise InvalidTypeError(
            f"a scenario is a built-in name, a file path or a Scenario, not {_show(name_or_path)}"
        )
    text = str(name_or_path)
    if not text.strip():
        raise UnknownNameError("a scenario must be named: give a built-in name or a .toml file")
    generations = builtin_generations()
    if on is not None:
        generation = builtin_generation(on)
        if text in generation.names:
            return read_scenario(generation.folder / f"{text}.toml")
        if any(text in g.names for g in generations):
            raise UnknownNameError(
                f"scenario {text!r} is not built in for a vote on {_vote_day(on):%Y-%m-%d}: the "
                f"built-in scenarios there ({generation}) are {', '.join(generation.names)}; "
                "see seeds/README.md, or give a .toml file"
            )
    else:
        for generation in generations:
            if text in generation.names:
                return read_scenario(generation.folder / f"{text}.toml")
    if text.endswith(".toml") or "/" in text or _exists(text):
        return read_scenario(text)
    known = list(dict.fromkeys(n for g in generations for n in g.names))
    if on is not None:
        known = list(builtin_generation(on).names)
    hint = _did_you_mean(text, known)
    raise UnknownNameError(
        f"unknown scenario {text!r}{hint}; built-in: {', '.join(known)}; or give a .toml file"
    )
