"""Random draws of the vote: seeded, reproducible, with shocks shared by a bloc or by all.

The exact count distributions (:mod:`unvote.forecasting.counts`) assume members vote
independently given the year shock.  Draws add what they cannot give: a shock
shared by the members of a bloc (the EU, NATO, ...), and per-draw lists of who
voted how.  :func:`draw_votes` draws from one probability table;
:class:`Draws`, what :meth:`unvote.Forecast.simulate` returns, holds the draws
of every scenario of a forecast with their counts, summaries, JSON and a
compact CSV file (:meth:`Draws.to_csv`).

In draws, outcomes are coded 0 yes, 1 abstain, 2 no, 3 absent (the order of
:data:`unvote.vocabulary.OUTCOMES`).

>>> import pandas as pd
>>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
>>> draw_counts(draw_votes(probs, 4, random_state=1)).sum(axis=1).tolist()
[2, 2, 2, 2]
"""

from __future__ import annotations

import contextlib
import gzip
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from unvote import files
from unvote.errors import InvalidTypeError, InvalidValueError
from unvote.forecasting.counts import check_probs, interval
from unvote.model.shock import check_shock, nonyes_log_odds, shocked_yes
from unvote.numbers import rounded
from unvote.vocabulary import LEVELS, OUTCOMES, level_key

DRAW_CHUNK = 10_000
"""Draws simulated (and written) at a time, bounding memory for large ``n_draws``."""

MAX_DRAWS = 1_000_000
"""Most draws a forecast simulates per scenario."""

MAX_SHOCK_SD = 10.0
"""Largest standard deviation of a bloc shock (logit units).

At 10 a shocked member is almost surely at yes or at not-yes in each draw;
larger values only make the arithmetic overflow.
"""


def _bloc_matrix(blocs: Mapping[str, Iterable[str]] | pd.Series, members: pd.Index) -> np.ndarray:
    """Membership matrix ``(n_blocs, n_members)`` of 0/1 floats."""
    if isinstance(blocs, pd.Series):
        labels = blocs.dropna()
        groups: dict[object, list[object]] = {}
        for iso3, label in labels.items():
            groups.setdefault(label, []).append(iso3)
    elif isinstance(blocs, Mapping):
        groups = {}
        for name, codes in blocs.items():
            if isinstance(codes, str):
                raise InvalidValueError(
                    f"bloc {name!r} must list ISO3 codes, not the string {codes!r}"
                )
            groups[name] = list(codes)
    else:
        raise InvalidValueError(
            "blocs must map bloc names to lists of ISO3 codes, or be a Series ISO3 -> bloc label"
        )
    matrix = np.zeros((len(groups), len(members)))
    for row, (name, codes) in enumerate(groups.items()):
        unknown = [c for c in codes if c not in members]
        if unknown:
            raise InvalidValueError(f"bloc {name!r} names member(s) not in probs: {unknown}")
        matrix[row, members.get_indexer(codes)] = 1.0
    return matrix


def _cut_layout(values: np.ndarray) -> np.ndarray:
    """Where the non-yes outcomes split ``1 - p_yes``, whatever ``p_yes`` is.

    Returns ``(n, 2)``: the share of the non-yes probability taken by the
    outcomes before no and before absent, or ``inf`` when no outcome from
    there on is possible (so that a cut point can never select it).
    """
    rest = values[:, 1:]
    nonyes = rest.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(nonyes > 0, rest / nonyes, 0.0)
    before = np.cumsum(shares, axis=1)[:, :2]
    possible = rest[:, ::-1].cumsum(axis=1)[:, ::-1] > 0
    return np.where(possible[:, 1:], before, np.inf)


def _cuts(p_yes: np.ndarray, before: np.ndarray) -> list[np.ndarray]:
    """Cut points for sampling with one uniform ``u`` in [0, 1) per member and draw.

    A member's outcome code is the number of cut points ``t`` with ``u >= t``:
    yes below ``p_yes``, then the non-yes outcomes in their shares of the rest
    (``before`` from :func:`_cut_layout`).  ``p_yes`` may vary by draw (shape
    ``(draws, n)``).  Impossible outcomes get cut points of ``inf`` (or NaN
    when ``p_yes`` is 1), which no ``u`` reaches.
    """
    rest = 1.0 - p_yes
    with np.errstate(invalid="ignore"):
        return [p_yes, p_yes + rest * before[:, 0], p_yes + rest * before[:, 1]]


def draw_votes(
    probs: pd.DataFrame,
    n_draws: int,
    *,
    random_state: int | np.random.Generator | None = None,
    blocs: Mapping[str, Iterable[str]] | pd.Series | None = None,
    bloc_sd: float = 0.0,
    common_sd: float = 0.0,
) -> pd.DataFrame:
    """Random votes of every member, optionally with shocks shared within blocs or by all.

    Parameters
    ----------
    probs : DataFrame
        Probability table indexed by ISO3.
    n_draws : int
        Number of simulated votes.
    random_state : int, Generator or None
        Seed or generator (``numpy.random.default_rng`` semantics); the global
        numpy generator is never used.
    blocs : mapping or Series, optional
        Bloc name -> list of ISO3 codes, or a Series ISO3 -> bloc label (NaN:
        no bloc).  In each draw every bloc gets a shock ``z ~ Normal(0,
        bloc_sd)`` added to the log-odds of abstain, no and absent relative to
        yes for its members (a member of several blocs gets the sum), so
        shocked members swing together towards or away from yes.  Members
        outside every bloc are unshocked.
    bloc_sd : float
        Standard deviation of the bloc shock; 0 means independent members.
    common_sd : float
        Standard deviation of one more shock shared by every member (the
        model's year shock): draws then follow the mixture that
        ``marginals(probs, shock_sd=common_sd)`` computes exactly.

    Returns
    -------
    DataFrame
        ``n_draws`` rows (index ``draw``) by one column per member, holding
        ``int8`` outcome codes: 0 yes, 1 abstain, 2 no, 3 absent (see
        :data:`OUTCOMES`; :func:`draw_counts` tallies them).

    Notes
    -----
    One uniform per member and draw comes from the main generator; bloc shocks
    come from a child generator spawned from it.  So with the same seed the
    uniforms are the same whatever ``blocs`` and ``bloc_sd`` are: ``bloc_sd=0``
    gives exactly the unshocked draws, and members outside the blocs vote the
    same way in every shock scenario (common random numbers).

    Examples
    --------
    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> draws = draw_votes(probs, 1000, random_state=1)
    >>> draws.shape
    (1000, 2)
    >>> sorted(draws["USA"].unique().tolist())
    [0, 2]
    """
    values = check_probs(probs)
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 0:
        raise InvalidValueError(f"n_draws must be a non-negative integer, got {n_draws!r}")
    n_draws = int(n_draws)
    if isinstance(bloc_sd, bool) or not 0 <= bloc_sd <= MAX_SHOCK_SD:
        raise InvalidValueError(
            f"bloc_sd must be a number from 0 to {MAX_SHOCK_SD:g}, got {bloc_sd!r}"
        )
    common_sd = check_shock(common_sd)
    members = probs.index
    rng = np.random.default_rng(random_state)
    membership = _bloc_matrix(blocs, members) if blocs is not None else np.zeros((0, len(members)))
    if bloc_sd > 0 and not membership.any():
        raise InvalidValueError("bloc_sd > 0 needs blocs with at least one member to shock")
    # Each shock row: its members (a row of ones for the common shock) and its sd.
    sds = np.full(len(membership), bloc_sd)
    if common_sd > 0:
        membership = np.vstack([membership, np.ones(len(members))])
        sds = np.append(sds, common_sd)
    # Shocks come from a child generator, so the uniforms below never depend on them.
    shock_rng = rng.spawn(1)[0] if bloc_sd > 0 or common_sd > 0 else None
    cols = np.flatnonzero(membership.any(axis=0))  # the members that some shock moves
    weights = membership[:, cols]
    before = _cut_layout(values)
    cuts = _cuts(values[:, 0], before)
    log_odds = nonyes_log_odds(values[cols])

    codes = np.empty((n_draws, len(members)), dtype=np.int8)
    for start in range(0, n_draws, DRAW_CHUNK):
        stop = min(start + DRAW_CHUNK, n_draws)
        u = rng.random((stop - start, len(members)))
        block = codes[start:stop]
        block[:] = (u >= cuts[0]).astype(np.int8)
        block += u >= cuts[1]
        block += u >= cuts[2]
        if shock_rng is not None:
            z = shock_rng.normal(0.0, 1.0, size=(stop - start, len(weights))) * sds
            p_yes = shocked_yes(log_odds, z @ weights)
            sub = _cuts(p_yes, before[cols])
            us = u[:, cols]
            block[:, cols] = (
                (us >= sub[0]).astype(np.int8) + (us >= sub[1]) + (us >= sub[2])
            ).astype(np.int8)
    return pd.DataFrame(codes, index=pd.RangeIndex(n_draws, name="draw"), columns=members)


def draw_counts(draws: pd.DataFrame) -> pd.DataFrame:
    """Tally each draw: the number of members with each outcome.

    Parameters
    ----------
    draws : DataFrame
        Outcome codes as returned by :func:`draw_votes`.

    Returns
    -------
    DataFrame
        Same index as ``draws``; integer columns ``yes, abstain, no, absent``
        summing to the number of members.

    Examples
    --------
    >>> draws = pd.DataFrame({"CUB": [0, 0], "USA": [2, 3]}, dtype="int8")
    >>> draw_counts(draws).to_numpy().tolist()
    [[1, 0, 1, 0], [1, 0, 0, 1]]
    """
    codes = _check_codes(draws)
    counts = np.stack([(codes == k).sum(axis=1) for k in range(len(OUTCOMES))], axis=1)
    return pd.DataFrame(counts.astype(np.int64), index=draws.index, columns=list(OUTCOMES))


def _check_codes(draws: pd.DataFrame) -> np.ndarray:
    if not isinstance(draws, pd.DataFrame):
        raise InvalidTypeError(f"draws must be a pandas DataFrame, not {type(draws).__name__}")
    codes = draws.to_numpy()
    if codes.size and (
        not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0 or codes.max() > 3
    ):
        raise InvalidValueError("draws must hold outcome codes 0-3 (as returned by draw_votes)")
    return codes


# ----------------------------------------------------------------------------- the file


_DIGITS = np.frombuffer(b"0123", dtype=np.uint8)


def _member_bytes(codes: np.ndarray) -> list[bytes]:
    """Each row of codes as ``,c,c,...,c`` in ASCII digits (fast: no per-cell Python)."""
    rows, width = codes.shape
    if width == 0:
        return [b""] * rows
    buffer = np.full((rows, 2 * width), ord(","), dtype=np.uint8)
    buffer[:, 1::2] = _DIGITS[codes]
    return [row.tobytes() for row in buffer]


def _write_rows(
    handle: IO[bytes],
    votes: pd.DataFrame,
    members: list[str],
    scenario: str | None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write one scenario's draws: the lead columns, the counts, then a code per member."""
    codes = _check_codes(votes[members] if members else votes)
    counts = np.stack([(codes == k).sum(axis=1) for k in range(len(OUTCOMES))], axis=1)
    lead = "" if scenario is None else f"{scenario},"
    for start in range(0, len(votes), DRAW_CHUNK):
        stop = min(start + DRAW_CHUNK, len(votes))
        heads = [
            f"{lead}{draw},{a},{b},{c},{d}".encode()
            for draw, (a, b, c, d) in zip(
                votes.index[start:stop], counts[start:stop].tolist(), strict=True
            )
        ]
        tails = _member_bytes(codes[start:stop])
        handle.write(b"".join(h + t + b"\n" for h, t in zip(heads, tails, strict=True)))
        if progress is not None:
            progress(stop - start)


def _header(members: list[str], with_scenario: bool) -> bytes:
    clash = sorted(set(members) & {"scenario", "draw", *OUTCOMES})
    if clash:
        raise InvalidValueError(f"member column(s) {clash} clash with the count columns")
    lead = ["scenario"] if with_scenario else []
    return (",".join([*lead, "draw", *OUTCOMES, *members]) + "\n").encode()


@contextlib.contextmanager
def _open_csv(path: files.PathLike, what: str) -> Iterator[IO[bytes]]:
    """A staged file for ``path``; gzip-compressed when the name ends in ``.gz``.

    The gzip header carries no time or name, so the same draws give the same bytes.
    Level 6 compresses the digits six times faster than level 9, for a file a fifth larger.
    """
    with files.open_for_writing(path, what, "wb") as raw:
        if os.fspath(path).endswith(".gz"):
            with gzip.GzipFile(
                fileobj=raw, mode="wb", filename="", mtime=0, compresslevel=6
            ) as packed:
                yield packed
        else:
            yield raw


def draws_to_csv(draws: pd.DataFrame, path: files.PathLike) -> Path:
    """Write one table of draws (from :func:`draw_votes`) as CSV; return the path.

    Columns ``draw, yes, abstain, no, absent`` (the counts of each draw), then
    one column per member holding its outcome code: 0 yes, 1 abstain, 2 no,
    3 absent.  A name ending in ``.gz`` is written gzip-compressed.  The file
    is written atomically (see :mod:`unvote.files`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> draws = pd.DataFrame({"CUB": [0, 0], "USA": [2, 3]}, dtype="int8")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = draws_to_csv(draws, pathlib.Path(tmp) / "draws.csv")
    ...     print(path.read_text().strip())
    draw,yes,abstain,no,absent,CUB,USA
    0,1,0,1,0,0,2
    1,1,0,0,1,0,3
    """
    members = [str(c) for c in draws.columns]
    header = _header(members, with_scenario=False)
    with _open_csv(path, "") as handle:
        handle.write(header)
        _write_rows(handle, draws.set_axis(members, axis=1), members, None)
    return Path(path)


# ----------------------------------------------------------------------------- containers


def _empirical_interval(counts: pd.Series, size: int, level: float) -> tuple[int, int]:
    """The central interval of drawn counts, defined as for the exact distributions."""
    pmf = np.bincount(counts.to_numpy(), minlength=size + 1) / max(len(counts), 1)
    return interval(pmf, level) if len(counts) else (0, 0)


@dataclass(frozen=True, repr=False, eq=False)  # tables inside: equal only to itself
class ScenarioDraws:
    """The draws of one scenario: ``n`` simulated votes of every member.

    ``counts`` (one row a draw: ``yes, abstain, no, absent``) is kept;
    ``votes`` (draws x members, outcome codes 0-3) is drawn again from the
    seed when asked for, so that memory holds one scenario's votes at a time.
    """

    name: str
    probs: pd.DataFrame
    """The members' probabilities at a roll call without a shock (the draws add the shocks)."""
    n: int
    seed: int
    blocs: Mapping[str, tuple[str, ...]]
    bloc_sd: float
    shock_sd: float
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    components: tuple[tuple[float, pd.DataFrame], ...] = ()
    """A scenario of uncertain strength: (weight, probabilities) at each node of its prior;
    each draw first draws the node, then the votes (``probs`` is then the central one)."""

    @property
    def votes(self) -> pd.DataFrame:
        """Every draw's votes: draws x members (index ``draw``), codes 0 yes ... 3 absent."""
        options = {
            "blocs": dict(self.blocs) or None,
            "bloc_sd": self.bloc_sd,
            "common_sd": self.shock_sd,
        }
        if not self.components:
            return draw_votes(self.probs, self.n, random_state=self.seed, **options)
        # The node of the strength prior, from a stream of its own: the same for
        # every scenario of a forecast, as are the votes' uniforms (common numbers).
        weights = np.array([w for w, _ in self.components])
        node = np.random.default_rng([self.seed, 1]).choice(len(weights), self.n, p=weights)
        codes = np.empty((self.n, len(self.probs)), dtype=np.int8)
        for k, (_, table) in enumerate(self.components):
            rows = np.flatnonzero(node == k)
            if rows.size:
                rng = np.random.default_rng([self.seed, 2, k])
                codes[rows] = draw_votes(table, rows.size, random_state=rng, **options).to_numpy()
        return pd.DataFrame(
            codes, index=pd.RangeIndex(self.n, name="draw"), columns=self.probs.index
        )

    def intervals(self, level: float) -> dict[str, tuple[int, int]]:
        """The central interval of each drawn count, as :func:`.counts.interval`."""
        size = len(self.probs)
        return {o: _empirical_interval(self.counts[o], size, level) for o in OUTCOMES}

    def summary(self, levels: Iterable[float] = LEVELS) -> pd.DataFrame:
        """One row an outcome: the mean drawn count and the ends of each central interval."""
        table = pd.DataFrame({"mean": self.counts.mean()}, index=list(OUTCOMES))
        for level in levels:
            bounds = self.intervals(level)
            key = level_key(level)
            table[f"lo{key}"] = [bounds[o][0] for o in OUTCOMES]
            table[f"hi{key}"] = [bounds[o][1] for o in OUTCOMES]
        return table.rename_axis("outcome")

    def to_dict(self, levels: Iterable[float] = LEVELS) -> dict[str, Any]:
        """JSON-ready: ``n, seed, blocs, bloc_sd, mean`` and, per level, each outcome's interval."""
        data: dict[str, Any] = {
            "n": self.n,
            "seed": self.seed,
            "blocs": sorted(self.blocs),
            "bloc_sd": self.bloc_sd,
            "mean": {o: rounded(self.counts[o].mean(), 4) for o in OUTCOMES},
        }
        for level in levels:
            data[level_key(level)] = {o: list(b) for o, b in self.intervals(level).items()}
        return data

    def __repr__(self) -> str:
        mean = self.counts.mean()
        lo, hi = self.intervals(0.8)["yes"]
        return (
            f"<ScenarioDraws {self.name!r}: {self.n:,} draws, seed {self.seed}; "
            f"mean yes {mean['yes']:.1f} (80 % of draws {lo}-{hi}), abstain "
            f"{mean['abstain']:.1f}, no {mean['no']:.1f}, absent {mean['absent']:.1f}>"
        )


class Draws(Mapping[str, ScenarioDraws]):
    """Seeded draws of every scenario of a forecast (:meth:`unvote.Forecast.simulate`).

    A mapping from scenario name to :class:`ScenarioDraws`.  Every scenario
    uses the same seed (common random numbers), so differences between
    scenarios come from the scenarios, not from the noise of the draws.

    ``counts``: one long table (``scenario, draw, yes, abstain, no, absent``);
    :meth:`summary`: the mean and intervals of each count; :meth:`to_dict`:
    the same as JSON; :meth:`to_csv`: every draw and every member's vote.
    """

    def __init__(self, scenarios: Mapping[str, ScenarioDraws]) -> None:
        self.scenarios: dict[str, ScenarioDraws] = dict(scenarios)
        first = next(iter(self.scenarios.values()), None)
        self.n = first.n if first else 0
        self.seed = first.seed if first else 0
        self.blocs = dict(first.blocs) if first else {}
        self.bloc_sd = first.bloc_sd if first else 0.0

    def __getitem__(self, name: str) -> ScenarioDraws:
        return self.scenarios[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.scenarios)

    def __len__(self) -> int:
        return len(self.scenarios)

    @property
    def counts(self) -> pd.DataFrame:
        """Every draw's counts: ``scenario, draw, yes, abstain, no, absent``."""
        frames = [
            sd.counts.reset_index().assign(scenario=name) for name, sd in self.scenarios.items()
        ]
        if not frames:
            return pd.DataFrame(columns=["scenario", "draw", *OUTCOMES])
        return pd.concat(frames, ignore_index=True)[["scenario", "draw", *OUTCOMES]]

    def summary(self, levels: Iterable[float] = LEVELS) -> pd.DataFrame:
        """One row a (scenario, outcome): the mean drawn count and each interval's ends."""
        levels = list(levels)
        return pd.concat(
            {name: sd.summary(levels) for name, sd in self.scenarios.items()}, names=["scenario"]
        )

    def to_dict(self, levels: Iterable[float] = LEVELS) -> dict[str, dict[str, Any]]:
        """Scenario name -> :meth:`ScenarioDraws.to_dict`."""
        levels = list(levels)
        return {name: sd.to_dict(levels) for name, sd in self.scenarios.items()}

    def to_csv(
        self, path: files.PathLike, progress: Callable[[int, int], None] | None = None
    ) -> Path:
        """Write every draw of every scenario as one CSV file; return its path.

        Columns ``scenario, draw, yes, abstain, no, absent``, then one column a
        member (ISO3, alphabetical) holding its outcome code: 0 yes, 1 abstain,
        2 no, 3 absent.  A name ending in ``.gz`` is written gzip-compressed,
        about 25 times smaller (read either with ``pandas.read_csv``).  The
        path is checked before anything is drawn, and the file is written
        atomically (:mod:`unvote.files`).  ``progress(done, total)`` is called
        as rows are written.
        """
        files.check_file(path)
        members = sorted(str(c) for c in next(iter(self.scenarios.values())).probs.index)
        total, done = self.n * len(self.scenarios), 0

        def report(rows: int) -> None:
            nonlocal done
            done += rows
            if progress is not None:
                progress(done, total)

        with _open_csv(path, "") as handle:
            handle.write(_header(members, with_scenario=True))
            for name, sd in self.scenarios.items():
                _write_rows(handle, sd.votes, members, name, report)
        return Path(path)

    def __repr__(self) -> str:
        blocs = f", bloc shock sd {self.bloc_sd:g} on {', '.join(self.blocs)}" if self.blocs else ""
        names = ", ".join(self.scenarios)
        return (
            f"<Draws: {self.n:,} draws of {len(self)} scenarios ({names}), seed {self.seed}{blocs}>"
        )


def simulate_scenarios(
    probs: Mapping[str, pd.DataFrame | Sequence[tuple[float, pd.DataFrame]]],
    n: int,
    *,
    random_state: int | None = None,
    blocs: Mapping[str, Iterable[str]] | None = None,
    bloc_sd: float = 0.0,
    shock_sd: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> Draws:
    """Draws of several probability tables (scenarios) with one seed; see :class:`Draws`.

    ``probs`` maps a scenario name to its probabilities at a roll call without
    a shock, or to a mixture of them (weight, table) for a scenario of
    uncertain strength; ``shock_sd`` is the roll-call shock drawn on top,
    ``blocs`` and ``bloc_sd`` as in :func:`draw_votes`.  A seed of None draws
    one from fresh entropy, and records it.

    >>> probs = pd.DataFrame({"p_yes": [0.75, 0.5], "p_abstain": [0.25, 0.0],
    ...                       "p_no": [0.0, 0.5], "p_absent": 0.0}, index=["CUB", "USA"])
    >>> simulate_scenarios({"a": probs}, 100, random_state=3)
    <Draws: 100 draws of 1 scenarios (a), seed 3>
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_DRAWS:
        raise InvalidValueError(f"the number of draws must be from 1 to {MAX_DRAWS:,}, not {n!r}")
    if random_state is None:
        seed = int(np.random.SeedSequence().entropy % 2**32)
    elif isinstance(random_state, bool) or not isinstance(random_state, int | np.integer):
        raise InvalidTypeError(f"random_state must be a whole number or None, not {random_state!r}")
    elif random_state < 0:
        raise InvalidValueError(f"random_state must be at least 0, not {random_state}")
    else:
        seed = int(random_state)
    if isinstance(blocs, str | bytes) or (blocs is not None and not isinstance(blocs, Mapping)):
        raise InvalidTypeError("blocs must map bloc names to lists of ISO3 codes")
    groups = {str(k): tuple(v) for k, v in (blocs or {}).items()}
    if bloc_sd and not groups:
        raise InvalidValueError("bloc_sd > 0 needs at least one bloc whose members share the shock")
    if isinstance(bloc_sd, bool) or not 0 <= bloc_sd <= MAX_SHOCK_SD:
        raise InvalidValueError(
            f"bloc_sd must be a number from 0 to {MAX_SHOCK_SD:g}, not {bloc_sd!r}"
        )
    shock_sd = check_shock(shock_sd)
    out = {}
    for name, table in probs.items():
        if progress is not None:
            progress(name)
        components: tuple[tuple[float, pd.DataFrame], ...] = ()
        if not isinstance(table, pd.DataFrame):
            components = tuple((float(w), t) for w, t in table)
            table = components[len(components) // 2][1]  # the central node
        kept = ScenarioDraws(
            name, table, int(n), seed, groups, float(bloc_sd), shock_sd, components=components
        )
        counts = draw_counts(kept.votes)
        out[name] = ScenarioDraws(**{**kept.__dict__, "counts": counts})
    return Draws(out)
