"""Scenarios: a campaign of diplomatic pressure, written as data.

A scenario is a TOML file (the built-in ones live in ``seeds/``)::

    name = "allies"
    description = "US missions press treaty allies to vote no or abstain"
    sources = ["State Department cable of 2 October 2025 (as reported)"]

    [[channel]]
    name = "allies"
    talking_point = "Missions are asked to persuade allies to vote no or abstain"
    select = { us_treaty_ally = true }           # through features, never country lists
    vote_shift = { central = 1.0, range = [0.5, 2.0] }
    absence_shift = { central = 0.5, range = [0.0, 1.0] }
    basis = "why these numbers"

``vote_shift`` is added to the log-odds of ``abstain`` and of ``no`` against
``yes`` (a push away from yes), ``absence_shift`` to the log-odds of
``absent``; both in logit units, non-negative, with a central value and a
plausible range.  A channel uses its central value unless it sets
``level = "low" | "central" | "high"`` or ``strength = {vote_shift = x}``
within the range.  Shifts of several channels on one member add up.

``select`` is a table of conditions on the feature panel, all of which must
hold (a list of tables: any of them).  A condition is ``true``/``false`` for a
group, a string or list of strings for ``un_group`` or ``last_vote``, a number
or ``{ min = a, max = b }`` for a numeric feature.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from unvote.errors import ScenarioError, UnknownNameError
from unvote.load import COUNTRY_GROUPS, UN_GROUPS, VOTE_CATEGORIES
from unvote.cuba_model import SHIFTED_CLASSES
from unvote.cuba_panel import MODEL_FEATURES, TREATY_GROUPS, last_vote

Level = Literal["low", "central", "high"]
SHIFTS: tuple[str, ...] = ("vote_shift", "absence_shift")
BOOLEAN_FEATURES: tuple[str, ...] = (*COUNTRY_GROUPS, "us_treaty_ally")
CATEGORY_FEATURES: dict[str, tuple[str, ...]] = {
    "un_group": UN_GROUPS,
    "last_vote": (*VOTE_CATEGORIES, "none"),
}
NUMERIC_FEATURES: tuple[str, ...] = tuple(
    f for f in MODEL_FEATURES if f not in BOOLEAN_FEATURES and not f.startswith("region_")
)
SELECTABLE: tuple[str, ...] = (*BOOLEAN_FEATURES, *CATEGORY_FEATURES, *NUMERIC_FEATURES)
"""Features a selector may name.  Country names and codes are deliberately not among them."""

SCENARIO_KEYS = {"name", "description", "sources", "channel"}
CHANNEL_KEYS = {"name", "talking_point", "select", "basis", "level", "strength", *SHIFTS}
SHIFT_KEYS = {"central", "range"}

assert set(TREATY_GROUPS) <= set(COUNTRY_GROUPS)


@dataclass(frozen=True)
class Shift:
    """A strength in logit units: a central value inside a plausible range."""

    central: float
    low: float
    high: float

    def at(self, level: Level) -> float:
        return {"low": self.low, "central": self.central, "high": self.high}[level]


@dataclass(frozen=True)
class Channel:
    """One lever of the campaign: whom it selects and how hard it pushes."""

    name: str
    talking_point: str
    select: tuple[Mapping[str, Any], ...]
    shifts: Mapping[str, Shift]
    vote_shift: float = 0.0
    absence_shift: float = 0.0
    basis: str = ""


@dataclass(frozen=True)
class Scenario:
    """A named set of channels; :meth:`offsets` turns it into shifts per member."""

    name: str
    description: str
    channels: tuple[Channel, ...] = ()
    sources: tuple[str, ...] = ()
    path: str = ""

    def scaled(self, factor: float) -> Scenario:
        """The same scenario with every channel's shifts multiplied by ``factor`` (sweeps).

        Scaling may leave the stated range: it is for sensitivity analysis.
        """
        if factor < 0 or not math.isfinite(factor):
            raise ScenarioError(f"scale factor must be a non-negative number, not {factor!r}")
        channels = tuple(
            replace(c, vote_shift=c.vote_shift * factor, absence_shift=c.absence_shift * factor)
            for c in self.channels
        )
        return replace(self, channels=channels)

    def at_level(self, level: Level) -> Scenario:
        """Every channel at the low, central or high end of its stated range."""
        channels = tuple(
            replace(
                c,
                vote_shift=c.shifts["vote_shift"].at(level) if "vote_shift" in c.shifts else 0.0,
                absence_shift=(
                    c.shifts["absence_shift"].at(level) if "absence_shift" in c.shifts else 0.0
                ),
            )
            for c in self.channels
        )
        return replace(self, channels=channels)

    def selected(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Booleans, members x channels: which channel acts on which member."""
        return pd.DataFrame(
            {
                c.name: select(rows, c.select, where=f"{self.name}: channel {c.name!r}")
                for c in self.channels
            },
            index=rows.index,
            dtype=bool,
        )

    def offsets(self, rows: pd.DataFrame, chosen: pd.DataFrame | None = None) -> pd.DataFrame:
        """Log-odds shifts per member: columns ``abstain, no, absent``.

        ``rows`` are feature rows of one vote (indexed by iso3); ``chosen`` is
        :meth:`selected` of them, if already at hand.  Raises
        :class:`~unvote.errors.ScenarioError` when a channel selects no member.
        """
        chosen = self.selected(rows) if chosen is None else chosen
        for channel in self.channels:
            if not chosen[channel.name].any():
                raise ScenarioError(
                    f"{self.path or self.name}: channel {channel.name!r} selects no member"
                )
        # members x channels, times channels x (abstain, no, absent) shifts
        shifts = np.array(
            [[c.vote_shift, c.vote_shift, c.absence_shift] for c in self.channels]
        ).reshape(-1, len(SHIFTED_CLASSES))
        values = chosen[[c.name for c in self.channels]].to_numpy(dtype=float) @ shifts
        return pd.DataFrame(values, index=rows.index, columns=list(SHIFTED_CLASSES))


# ----------------------------------------------------------------------------- selectors


def check_condition(feature: str, rule: Any, where: str = "") -> tuple[str, Any]:
    """Validate one selector condition; return it as (kind, value).

    Kinds: ``("is", bool)`` for a group, ``("in", [names])`` for ``un_group``
    and ``last_vote``, ``("range", (low, high))`` for a numeric feature.
    Raises :class:`~unvote.errors.ScenarioError` naming the key and what is allowed.
    """
    if feature not in SELECTABLE:
        raise ScenarioError(
            f"{where}: unknown feature {feature!r} in select; allowed: {', '.join(SELECTABLE)}"
        )
    if feature in BOOLEAN_FEATURES:
        if not isinstance(rule, bool):
            raise ScenarioError(f"{where}: select.{feature} must be true or false, not {rule!r}")
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
        f"numbers a <= b, not {rule!r}"
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


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool); TOML integers may be too large for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def select(rows: pd.DataFrame, selector: Sequence[Mapping[str, Any]], where: str = "") -> pd.Series:
    """Members matched by a selector: any of its tables, each with all conditions true.

    >>> from unvote.cuba_panel import features
    >>> rows = features(2024)
    >>> sorted(rows.index[select(rows, [{"cofa": True}])])
    ['FSM', 'MHL', 'PLW']
    """
    chosen = pd.Series(False, index=rows.index)
    for table in selector:
        match = pd.Series(True, index=rows.index)
        for feature, rule in table.items():
            match &= _condition(rows, feature, rule, where)
        chosen |= match
    return chosen


# ----------------------------------------------------------------------------- parsing


def _fail(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}")


def _text(data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(where, f"{key} must be a non-empty string")
    return value


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        listed = ", ".join(sorted(unknown))
        raise _fail(where, f"unknown key(s) {listed}; allowed: {', '.join(sorted(allowed))}")


def _shift(value: Any, where: str) -> Shift:
    if not isinstance(value, dict) or "central" not in value:
        raise _fail(where, "must be a table { central = x, range = [low, high] }")
    _check_keys(value, SHIFT_KEYS, where)
    central = value["central"]
    bounds = value.get("range", [central, central])
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise _fail(where, "range must be a list of two numbers [low, high]")
    low, high = bounds
    if not all(_is_number(v) for v in (central, low, high)):
        raise _fail(where, "central and the two ends of range must be finite numbers")
    if not 0 <= low <= central <= high:
        raise _fail(where, f"needs 0 <= low <= central <= high, got [{low}, {high}], {central}")
    return Shift(float(central), float(low), float(high))


def _channel(data: Any, where: str) -> Channel:
    if not isinstance(data, dict):
        raise _fail(where, "must be a table")
    _check_keys(data, CHANNEL_KEYS, where)
    name = _text(data, "name", where)
    where = f"{where} ({name})"
    select_value = data.get("select")
    tables = [select_value] if isinstance(select_value, dict) else select_value
    if (
        not isinstance(tables, list)
        or not tables
        or not all(isinstance(t, dict) and t for t in tables)
    ):
        raise _fail(where, "select must be a table of feature conditions, or a list of them")
    shifts = {key: _shift(data[key], f"{where}.{key}") for key in SHIFTS if key in data}
    if not shifts:
        raise _fail(where, "needs vote_shift and/or absence_shift")
    level = data.get("level", "central")
    if level not in ("low", "central", "high"):
        raise _fail(where, f"level must be low, central or high, not {level!r}")
    values = {key: shift.at(level) for key, shift in shifts.items()}
    strength = data.get("strength", {})
    if not isinstance(strength, dict) or set(strength) - set(shifts):
        raise _fail(where, f"strength must be a table with keys among {', '.join(shifts)}")
    for key, value in strength.items():
        shift = shifts[key]
        if not _is_number(value) or not shift.low <= value <= shift.high:
            raise _fail(
                where,
                f"strength.{key} = {value!r} is outside its range [{shift.low}, {shift.high}]",
            )
        values[key] = float(value)
    channel = Channel(
        name=name,
        talking_point=_text(data, "talking_point", where),
        select=tuple(tables),
        shifts=shifts,
        basis=_text(data, "basis", where, required=False),
        **values,
    )
    # Check the selector's names and rules now, before any data are at hand.
    for table in channel.select:
        for feature, rule in table.items():
            check_condition(feature, rule, where)
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
    return Scenario(
        name=_text(data, "name", where),
        description=_text(data, "description", where),
        channels=parsed,
        sources=tuple(sources),
        path=where,
    )


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises :class:`~unvote.errors.ScenarioError` (a ``ValueError``) naming
    the file, the key and what is allowed.
    """
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found")
    if not path.is_file():
        raise ScenarioError(f"{path}: is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot be read ({err})") from err
    if not text.strip():
        raise ScenarioError(f"{path}: is empty; a scenario needs name, description and channels")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML ({err})") from err
    return parse_scenario(data, where=str(path))


def _seed_dir() -> Path:
    return Path(str(files("unvote").joinpath("seeds")))


BUILTIN_ORDER = ("baseline", "cable", "ukraine-argument", "allies", "strong")


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``seeds/``, the main ones first."""
    found = sorted(p.stem for p in _seed_dir().glob("*.toml"))
    return [n for n in BUILTIN_ORDER if n in found] + [n for n in found if n not in BUILTIN_ORDER]


def get_scenario(name_or_path: str | Path | Scenario) -> Scenario:
    """A built-in scenario by name, or a scenario file by path.

    >>> get_scenario("baseline").channels
    ()
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    text = str(name_or_path)
    if not text.strip():
        raise UnknownNameError("a scenario must be named: give a built-in name or a .toml file")
    if text in builtin_scenarios():
        return read_scenario(_seed_dir() / f"{text}.toml")
    if text.endswith(".toml") or "/" in text or Path(text).exists():
        return read_scenario(text)
    import difflib

    known = builtin_scenarios()
    near = difflib.get_close_matches(text, known, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise UnknownNameError(
        f"unknown scenario {text!r}{hint}; built-in: {', '.join(known)}; or give a .toml file"
    )
