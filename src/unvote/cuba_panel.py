"""The feature panel: one row a member for each vote, built only from earlier facts.

For the vote of year ``Y`` held on date ``d``, every feature of a member is
known before ``d``: its votes on this resolution in earlier years, its
memberships and alliances on ``d``, its votes in the emergency session on
Ukraine held before ``d``, and its agreement with the United States across all
General Assembly roll calls of the calendar year before ``Y``.  For a vote not
in the record yet, ``d`` is the ``as_of`` date (default: 31 October of that
year or today, whichever is earlier), and the members are those on ``d``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from unvote.errors import UnknownNameError
from unvote.load import (
    VOTE_CATEGORIES,
    load_country_groups,
    load_members,
    load_regions,
    load_totals,
    load_ukraine_votes,
    load_us_agreement,
    load_votes,
    membership_matrix,
)

HISTORY = 3
"""How many earlier votes of a member the ``share_*`` features average over."""

REGION_COLUMNS: dict[str, str] = {
    "Asia-Pacific": "region_asia_pacific",
    "Eastern European": "region_eastern_europe",
    "Latin American and Caribbean": "region_latin_america",
    "Western European and Others": "region_weog",
}
"""UN regional groups as indicator columns; the African Group is the reference."""

MODEL_FEATURES: tuple[str, ...] = (
    "last_yes",
    "last_abstain",
    "last_no",
    "last_absent",
    "share_yes",
    "share_abstain",
    "share_no",
    "share_absent",
    "yes_streak",
    "ever_no",
    "us_agreement",
    "ideal_point",
    "eu",
    "nato",
    "us_treaty_ally",
    "mnna",
    "cofa",
    "oas",
    "ukraine_support",
    "climate_yes",
    *REGION_COLUMNS.values(),
)
"""The columns of the panel that the vote model uses, in order.

``last_*``: the member's previous vote on this resolution (all zero for a
member's first vote); ``share_*``: its outcomes over its last three votes;
``yes_streak``: log(1 + consecutive yes votes up to the last); ``ever_no``:
voted no at least once; ``us_agreement`` and ``ideal_point``: agreement with
the United States and a one-dimensional score over all GA roll calls of the
previous calendar year; alliance and membership indicators on the vote date
(``us_treaty_ally``: NATO, Rio Treaty, ANZUS or a bilateral US defence treaty);
``ukraine_support``: share of the ES-11 resolutions held before the vote that
the member voted for (0 before March 2022); ``climate_yes``: the share of all
members that voted yes at the previous vote (the same for every member).
"""

TREATY_GROUPS = ("nato", "rio_treaty", "anzus", "us_bilateral_treaty")


@dataclass(frozen=True)
class VoteDate:
    """A vote to build features for: its year and the date information stops."""

    year: int
    date: pd.Timestamp
    recorded: bool


def default_as_of(year: int, today: dt.date | None = None) -> pd.Timestamp:
    """31 October of ``year``, or ``today`` if that is earlier.

    >>> default_as_of(2025, today=dt.date(2026, 1, 1))
    Timestamp('2025-10-31 00:00:00')
    """
    today = today or dt.date.today()
    return pd.Timestamp(min(dt.date(year, 10, 31), today))


def vote_dates(
    totals: pd.DataFrame, year: int | None = None, as_of: str | pd.Timestamp | None = None
) -> list[VoteDate]:
    """The recorded votes, plus ``year`` when it is the one after the record.

    Raises :class:`~unvote.errors.UnknownNameError` (a ``ValueError``) for a
    year before the first vote, a year with no vote, or a year more than one
    past the record.
    """
    dates = [
        VoteDate(int(y), pd.Timestamp(d), True)
        for y, d in zip(totals["year"], totals["date"], strict=True)
    ]
    if year is None:
        return dates
    first, last = dates[0].year, dates[-1].year
    recorded = {v.year for v in dates}
    if year < first or year > last + 1:
        raise UnknownNameError(
            f"year {year} is out of range: the record runs {first}-{last}, "
            f"so years {first}-{last + 1} can be asked for"
        )
    if year <= last and year not in recorded:
        raise UnknownNameError(f"no vote was held in {year}; recorded votes: {first}-{last}")
    if year in recorded:
        return dates
    day = pd.Timestamp(as_of) if as_of is not None else default_as_of(year)
    if day <= dates[-1].date:
        raise UnknownNameError(f"as_of {day:%Y-%m-%d} is not after the last recorded vote")
    return [*dates, VoteDate(year, day, False)]


def _history_features(codes: np.ndarray, member: np.ndarray) -> dict[str, np.ndarray]:
    """Lagged features from a (votes x countries) matrix of outcome codes.

    ``codes[t, j]`` is country j's outcome at vote t (index into
    VOTE_CATEGORIES, -1 when not a member); row ``t`` of each result uses
    votes ``0..t-1`` only.
    """
    n_votes, n_countries = codes.shape
    k = len(VOTE_CATEGORIES)
    out = {f"last_{v}": np.zeros((n_votes, n_countries)) for v in VOTE_CATEGORIES}
    out |= {f"share_{v}": np.zeros((n_votes, n_countries)) for v in VOTE_CATEGORIES}
    out["yes_streak"] = np.zeros((n_votes, n_countries))
    out["ever_no"] = np.zeros((n_votes, n_countries))
    window = np.full((HISTORY, n_countries), -1)  # the last HISTORY votes, newest last
    streak = np.zeros(n_countries)
    ever_no = np.zeros(n_countries)
    onehot = np.vstack([np.eye(k), np.zeros((1, k))])  # code -1 (no vote) -> all zero
    for t in range(n_votes):
        last = onehot[window[-1]]
        counts = onehot[window].sum(axis=0)
        seen = counts.sum(axis=1, keepdims=True)
        shares = np.divide(counts, seen, out=np.zeros_like(counts), where=seen > 0)
        for c, outcome in enumerate(VOTE_CATEGORIES):
            out[f"last_{outcome}"][t] = last[:, c]
            out[f"share_{outcome}"][t] = shares[:, c]
        out["yes_streak"][t] = np.log1p(streak)
        out["ever_no"][t] = ever_no
        voted = member[t]
        window[:, voted] = np.vstack([window[1:, voted], codes[t, voted]])
        streak[voted] = np.where(codes[t, voted] == 0, streak[voted] + 1, 0)
        ever_no[voted] = np.maximum(ever_no[voted], codes[t, voted] == 2)
    return out


def _group_indicators(rows: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Booleans, one column a group: was the member in the group on the row's date?"""
    names = list(dict.fromkeys(groups["group"]))
    pairs = rows[["iso3", "date"]].reset_index(names="row").merge(groups, on="iso3")
    active = (pairs["start"] <= pairs["date"]) & (
        pairs["end"].isna() | (pairs["date"] < pairs["end"])
    )
    pairs = pairs[active]
    rows_at = rows.index.get_indexer(pairs["row"])
    values = np.zeros((len(rows), len(names)), dtype=bool)
    values[rows_at, [names.index(g) for g in pairs["group"]]] = True
    return pd.DataFrame(values, index=rows.index, columns=names)


def _ukraine_support(rows: pd.DataFrame, es11: pd.DataFrame) -> pd.Series:
    """Share of the ES-11 votes held before the row's date that the member voted for."""
    pairs = (
        rows[["iso3", "date"]]
        .reset_index()
        .merge(es11[["iso3", "date", "vote"]].rename(columns={"date": "es11_date"}), on="iso3")
    )
    pairs = pairs[pairs["es11_date"] < pairs["date"]]
    share = (pairs["vote"] == "yes").groupby(pairs["index"]).mean()
    return share.reindex(rows.index, fill_value=0.0).astype(float)


def _us_agreement(rows: pd.DataFrame, agreement: pd.DataFrame) -> pd.DataFrame:
    """Agreement and ideal point of the calendar year before the vote; gaps get that year's mean."""
    previous = agreement.assign(year=agreement["year"] + 1)[
        ["iso3", "year", "agreement", "ideal_point"]
    ]
    merged = rows[["iso3", "year"]].merge(previous, on=["iso3", "year"], how="left")
    merged.index = rows.index
    for column in ["agreement", "ideal_point"]:
        yearly_mean = previous.groupby("year")[column].mean()
        merged[column] = merged[column].fillna(merged["year"].map(yearly_mean)).fillna(0.0)
    return merged.rename(columns={"agreement": "us_agreement"})[["us_agreement", "ideal_point"]]


def feature_panel(
    year: int | None = None,
    as_of: str | pd.Timestamp | None = None,
    resolution: str = "cuba-embargo",
    *,
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The feature panel of every recorded vote, and of ``year`` if it is the next one.

    One row a member at each vote: ``year, date, iso3, country, vote`` (``vote``
    is missing for a vote not yet held), the descriptive columns ``un_group``
    and one boolean column a country group, then the numeric
    :data:`MODEL_FEATURES`.  Every value in a row is known before that row's
    date.  ``totals`` takes :func:`~unvote.load.load_totals` output already at hand.

    >>> panel = feature_panel(2025)
    >>> panel.groupby("year").size().loc[[1992, 2024, 2025]].tolist()
    [179, 193, 193]
    """
    members = load_members()
    totals = load_totals(resolution, members=members) if totals is None else totals
    votes = load_votes(resolution, totals=totals, members=members)
    dates = vote_dates(totals, year, as_of)

    # One row a member at each vote: every (vote, membership spell) pair current that day.
    current = membership_matrix([v.date for v in dates], members)
    which_vote, which_spell = np.nonzero(current)
    spells = members.iloc[which_spell]
    panel = pd.DataFrame(
        {
            "year": np.array([v.year for v in dates])[which_vote],
            "date": np.array([v.date for v in dates], dtype="datetime64[ns]")[which_vote],
            "iso3": spells["iso3"].to_numpy(),
            "country": spells["country"].to_numpy(),
        }
    ).drop_duplicates(["year", "iso3"], ignore_index=True)
    panel = panel.merge(votes[["year", "iso3", "vote"]], on=["year", "iso3"], how="left")
    panel["vote"] = pd.Categorical(panel["vote"], categories=list(VOTE_CATEGORIES))

    # Lagged votes: a (votes x countries) matrix of outcome codes, walked in date order.
    years = [v.year for v in dates]
    countries, j = np.unique(panel["iso3"].to_numpy(dtype=str), return_inverse=True)
    t = pd.Index(years).get_indexer(panel["year"])
    codes = np.full((len(years), len(countries)), -1, dtype=np.int64)
    codes[t, j] = panel["vote"].cat.codes.to_numpy()
    member = np.zeros(codes.shape, dtype=bool)
    recorded = np.array([v.recorded for v in dates])
    member[t, j] = recorded[t]
    history = _history_features(codes, member)
    lagged = pd.DataFrame({name: matrix[t, j] for name, matrix in history.items()})
    panel = pd.concat([panel, lagged.set_axis(panel.index)], axis=1)

    groups = _group_indicators(panel, load_country_groups())
    panel = pd.concat([panel, groups], axis=1)
    panel["us_treaty_ally"] = panel[list(TREATY_GROUPS)].any(axis=1)

    regions = load_regions().set_index("iso3")["un_group"]
    # The United States sits in no regional group; it observes in WEOG.
    panel["un_group"] = panel["iso3"].map(regions).replace("none", "Western European and Others")
    for group, column in REGION_COLUMNS.items():
        panel[column] = (panel["un_group"] == group).astype(float)

    panel["ukraine_support"] = _ukraine_support(panel, load_ukraine_votes())
    panel[["us_agreement", "ideal_point"]] = _us_agreement(panel, load_us_agreement())

    yes_share = (totals["yes"] / totals["members"]).to_numpy()
    climate = pd.Series(np.r_[np.nan, yes_share][: len(years)], index=years)
    panel["climate_yes"] = panel["year"].map(climate).fillna(0.0)

    panel[list(MODEL_FEATURES)] = panel[list(MODEL_FEATURES)].astype(float)
    return panel


def last_vote(rows: pd.DataFrame) -> pd.Series:
    """Each row's previous vote on the resolution as a label (``none`` before its first).

    >>> last_vote(features(2025)).loc[["USA", "MDA"]].tolist()
    ['no', 'abstain']
    """
    last = rows[[f"last_{c}" for c in VOTE_CATEGORIES]].to_numpy()
    labels = np.array(VOTE_CATEGORIES, dtype=object)[last.argmax(axis=1)]
    return pd.Series(np.where(last.any(axis=1), labels, "none"), index=rows.index)


def features(
    year: int, as_of: str | pd.Timestamp | None = None, resolution: str = "cuba-embargo"
) -> pd.DataFrame:
    """The feature rows of one vote, indexed by iso3.

    ``year`` may be a recorded vote or the one after the record (then built
    from facts dated before ``as_of``).

    >>> x = features(2025)
    >>> len(x), bool(x.loc["POL", "nato"]), float(x.loc["USA", "last_no"])
    (193, True, 1.0)
    """
    panel = feature_panel(year, as_of, resolution)
    return panel[panel["year"] == year].set_index("iso3")
