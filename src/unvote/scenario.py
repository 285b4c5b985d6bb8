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

A scenario's ``name`` is part of chart file names, so it must be a short slug
(letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit, at
most 64 characters); channel names may not hold control characters; shifts
are at most :data:`MAX_SHIFT`.  Two scenarios of one forecast, or two channels
of one scenario, may not share a name.
"""

from __future__ import annotations

import difflib
import math
import re
import reprlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path, PurePath
from typing import Any, Literal

import numpy as np
import pandas as pd

from unvote.errors import EmptySelectionError, InvalidTypeError, ScenarioError, UnknownNameError
from unvote.panel import MODEL_FEATURES, TREATY_GROUPS, last_vote
from unvote.vocabulary import COUNTRY_GROUPS, OUTCOMES, SHIFTED_OUTCOMES, UN_GROUPS

Level = Literal["low", "central", "high"]
SHIFTS: tuple[str, ...] = ("vote_shift", "absence_shift")
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

SCENARIO_KEYS = {"name", "description", "sources", "channel"}
CHANNEL_KEYS = {"name", "talking_point", "select", "basis", "level", "strength", *SHIFTS}
SHIFT_KEYS = {"central", "range"}

MAX_SHIFT = 50.0
"""Largest shift a channel may state (logit units).

A shift of 50 takes a member certain to vote yes to a probability of about
1e-16; larger ones change nothing but can add up to infinity.
"""

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read (a scenario is a few kilobytes)."""

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A scenario name: it becomes part of file names (``movers-<name>-2025.png``)."""

assert set(TREATY_GROUPS) <= set(COUNTRY_GROUPS)

_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40


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
    """One lever of the campaign: whom it selects and how hard it pushes.

    Checked when built, in code as from a file: ``select`` is a table of
    feature conditions (or a sequence of them), the shifts finite numbers from
    0 to :data:`MAX_SHIFT`.  A mistake raises :class:`~unvote.errors.ScenarioError`.

    >>> Channel("eu", "abstain, please", {"eu": True}, vote_shift=0.5).select
    ({'eu': True},)
    >>> Channel("eu", "abstain, please", "eu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unvote.errors.ScenarioError: channel 'eu': select must be a table ... not 'eu'
    """

    name: str
    talking_point: str
    select: tuple[Mapping[str, Any], ...]
    shifts: Mapping[str, Shift] = field(default_factory=dict)
    vote_shift: float = 0.0
    absence_shift: float = 0.0
    basis: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ScenarioError(f"channel {_show(self.name)}: name must be a non-empty string")
        where = f"channel {self.name!r}"
        if _control_characters(self.name):
            raise ScenarioError(f"{where}: name may not hold control characters")
        if not isinstance(self.talking_point, str):
            raise ScenarioError(f"{where}: talking_point must be a string")
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
        for key in SHIFTS:
            value = getattr(self, key)
            if not _is_number(value) or not 0 <= value <= MAX_SHIFT:
                raise ScenarioError(
                    f"{where}: {key} must be a number from 0 to {MAX_SHIFT:g}, not {_show(value)}"
                )
            object.__setattr__(self, key, float(value))


@dataclass(frozen=True)
class Scenario:
    """A named set of channels; :meth:`offsets` turns it into shifts per member.

    The name must be a slug (:func:`check_name`) and the channel names unique.
    """

    name: str
    description: str
    channels: tuple[Channel, ...] = ()
    sources: tuple[str, ...] = ()
    path: str = ""

    def __post_init__(self) -> None:
        where = self.path or "scenario"
        check_name(self.name, where)
        if not isinstance(self.description, str):
            raise ScenarioError(f"{where}: description must be a string")
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
                observed = "; ".join(
                    dict.fromkeys(
                        _observed(rows, feature) for table in channel.select for feature in table
                    )
                )
                raise EmptySelectionError(
                    f"{self.path or self.name}: channel {channel.name!r} selects no member "
                    f"(among the {len(rows)} members at this vote, {observed})",
                    channel=channel.name,
                )
        # members x channels, times channels x (abstain, no, absent) shifts
        shifts = np.array(
            [[c.vote_shift, c.vote_shift, c.absence_shift] for c in self.channels]
        ).reshape(-1, len(SHIFTED_OUTCOMES))
        values = chosen[[c.name for c in self.channels]].to_numpy(dtype=float) @ shifts
        if not np.isfinite(values).all():
            raise ScenarioError(
                f"{self.path or self.name}: the channels' shifts add up to infinity"
            )
        return pd.DataFrame(values, index=rows.index, columns=list(SHIFTED_OUTCOMES))


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

    >>> from unvote.panel import features
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
    unknown = sorted(set(data) - allowed, key=str)
    if unknown:
        listed = ", ".join(_show(k) if not str(k).isidentifier() else str(k) for k in unknown)
        hint = _did_you_mean(unknown[0], sorted(allowed)) if len(unknown) == 1 else ""
        raise _fail(where, f"unknown key(s) {listed}{hint}; allowed: {', '.join(sorted(allowed))}")


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
    if high > MAX_SHIFT:
        raise _fail(where, f"the range may reach at most {MAX_SHIFT:g}, not {high}")
    return Shift(float(central), float(low), float(high))


def _channel(data: Any, where: str) -> Channel:
    if not isinstance(data, dict):
        raise _fail(where, "must be a table")
    _check_keys(data, CHANNEL_KEYS, where)
    name = _text(data, "name", where)
    where = f"{where} ({_show(name)[1:-1]})"
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
    if not isinstance(level, str) or level not in ("low", "central", "high"):
        raise _fail(where, f"level must be low, central or high, not {_show(level)}")
    values = {key: shift.at(level) for key, shift in shifts.items()}
    strength = data.get("strength", {})
    if not isinstance(strength, dict) or set(strength) - set(shifts):
        raise _fail(where, f"strength must be a table with keys among {', '.join(shifts)}")
    for key, value in strength.items():
        shift = shifts[key]
        if not _is_number(value) or not shift.low <= value <= shift.high:
            raise _fail(
                where,
                f"strength.{key} = {_show(value)} is outside its range [{shift.low}, {shift.high}]",
            )
        values[key] = float(value)
    if _control_characters(name):
        raise _fail(where, "name may not hold control characters")
    # Check the selector's names and rules now, before any data are at hand.
    for table in tables:
        for feature, rule in table.items():
            check_condition(feature, rule, where)
    return Channel(
        name=name,
        talking_point=_text(data, "talking_point", where),
        select=tuple(tables),
        shifts=shifts,
        basis=_text(data, "basis", where, required=False),
        **values,
    )


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
        name=check_name(_text(data, "name", where), where),
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


def seed_dir() -> Path:
    """The folder where the built-in scenario files are installed (copy one as a template).

    >>> (seed_dir() / "cable.toml").is_file()
    True
    """
    return Path(str(files("unvote").joinpath("seeds")))


BUILTIN_ORDER = ("baseline", "cable", "ukraine-argument", "allies", "strong")


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``seeds/``, the main ones first."""
    found = sorted(p.stem for p in seed_dir().glob("*.toml"))
    return [n for n in BUILTIN_ORDER if n in found] + [n for n in found if n not in BUILTIN_ORDER]


def get_scenario(name_or_path: str | Path | Scenario) -> Scenario:
    """A built-in scenario by name, or a scenario file by path.

    >>> get_scenario("baseline").channels
    ()
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
    if text in builtin_scenarios():
        return read_scenario(seed_dir() / f"{text}.toml")
    if text.endswith(".toml") or "/" in text or Path(text).exists():
        return read_scenario(text)
    known = builtin_scenarios()
    hint = _did_you_mean(text, known)
    raise UnknownNameError(
        f"unknown scenario {text!r}{hint}; built-in: {', '.join(known)}; or give a .toml file"
    )
