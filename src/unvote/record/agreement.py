"""Agreement with the United States across General Assembly roll calls, per calendar year.

A country-year feature for the vote model, computed from the full plenary
record (see :func:`~unvote.record.loaders.load_roll_calls` and
:func:`~unvote.record.loaders.load_ga_votes`):

* ``agreement``: the usual agreement index.  Over the roll calls of a
  calendar year at which both the country and the United States cast a vote
  (yes, no or abstain), a roll call scores 1 when the two votes are the same,
  0.5 when exactly one of the two abstained and 0 when one voted yes and the
  other no; ``agreement`` is the mean and ``n_votes`` the number of such roll
  calls.
* ``ideal_point``: a one-dimensional score from a principal-component
  analysis of the year's vote matrix, signed so that the United States is
  positive.  It is a quick PCA approximation, **not** the Bailey-Strezhnev-Voeten
  ideal points (no item-response model, no bridging between years: a score is
  only comparable with the other scores of the same year).

Only votes on resolutions as a whole count (``vote_on == "resolution"``);
records that duplicate another record (non-empty ``identical_to``) are dropped,
and so are the roll calls whose symbols the caller passes in ``exclude``
(``scripts/build_us_agreement.py`` leaves out the Cuba-embargo votes).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from unvote.errors import DataFileError
from unvote.record.loaders import load_ga_votes, load_roll_calls

US = "USA"
"""ISO code of the United States, the reference country."""

VOTE_SCORES: dict[str, float] = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
"""Numeric code of a cast vote; ``absent`` (no vote cast) is missing."""

COLUMNS: tuple[str, ...] = ("iso3", "year", "n_votes", "agreement", "ideal_point")
"""Columns of the table returned by :func:`us_agreement`."""

_VOTE_VALUES = frozenset([*VOTE_SCORES, "absent"])


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(f"{name}: missing column(s) {', '.join(missing)}")


def _scored_votes(
    roll_calls: pd.DataFrame, votes: pd.DataFrame, exclude: Iterable[str]
) -> pd.DataFrame:
    """The cast votes that count: columns ``id, year, iso3, score``."""
    _require(roll_calls, "roll_calls", ["id", "date", "resolution", "vote_on", "identical_to"])
    _require(votes, "votes", ["id", "iso3", "vote"])

    calls = roll_calls
    duplicate = calls["identical_to"].fillna("").astype(str).str.strip() != ""
    excluded = calls["resolution"].isin({exclude} if isinstance(exclude, str) else set(exclude))
    calls = calls.loc[(calls["vote_on"] == "resolution") & ~duplicate & ~excluded, ["id", "date"]]
    years = pd.Series(
        pd.to_datetime(calls["date"]).dt.year.to_numpy(dtype="int64"), index=calls["id"].to_numpy()
    )

    text = votes["vote"].astype(str).to_numpy()
    bad = ~np.isin(text, list(_VOTE_VALUES))
    if bad.any():
        allowed = ", ".join(sorted(_VOTE_VALUES))
        raise DataFileError(f"votes: vote {text[bad][0]!r} is not one of {allowed}")
    if votes.duplicated(["id", "iso3"]).any():
        row = votes.loc[votes.duplicated(["id", "iso3"])].iloc[0]
        raise DataFileError(f"votes: {row['iso3']} votes twice at roll call {row['id']}")

    score = pd.Series(text).map(VOTE_SCORES).to_numpy(dtype=float)
    cast = ~np.isnan(score) & votes["id"].isin(years.index).to_numpy()
    scored = pd.DataFrame(
        {
            "id": votes["id"].to_numpy()[cast],
            "iso3": votes["iso3"].to_numpy()[cast],
            "score": score[cast],
        }
    )
    scored["year"] = years.reindex(scored["id"].to_numpy()).to_numpy()
    return scored


def _first_component(matrix: np.ndarray, us_row: int | None) -> np.ndarray:
    """Standardised first principal-component scores of the rows of ``matrix`` (NaN = missing)."""
    means = np.nanmean(matrix, axis=0)
    centred = np.nan_to_num(matrix - means, nan=0.0)  # missing -> the roll call's mean
    left, singular, _ = np.linalg.svd(centred, full_matrices=False)
    scores = left[:, 0] * singular[0]
    spread = scores.std()
    if not np.isfinite(spread) or spread <= 1e-12 * max(1.0, singular[0]):
        return np.full(matrix.shape[0], np.nan)  # no variation that year
    scores = scores / spread
    # Sign: the USA positive; if the USA sits at 0, the largest score (first on ties) positive.
    anchor = scores[us_row] if us_row is not None else 0.0
    if abs(anchor) <= 1e-12:
        anchor = scores[int(np.argmax(np.abs(scores)))]
    return scores if anchor > 0 else -scores


def _ideal_points(scored: pd.DataFrame) -> pd.DataFrame:
    """One score per country-year: ``iso3, year, ideal_point``."""
    pieces = []
    for year, group in scored.groupby("year", sort=True):
        matrix = group.pivot(index="iso3", columns="id", values="score").sort_index(axis=1)
        rows = matrix.index.tolist()
        us_row = rows.index(US) if US in rows else None
        points = _first_component(matrix.to_numpy(dtype=float), us_row)
        pieces.append(pd.DataFrame({"iso3": rows, "year": year, "ideal_point": points}))
    if not pieces:
        return pd.DataFrame({"iso3": [], "year": [], "ideal_point": []})
    return pd.concat(pieces, ignore_index=True)


def us_agreement(
    roll_calls: pd.DataFrame,
    votes: pd.DataFrame,
    *,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Each member's agreement with the United States, per calendar year.

    Parameters
    ----------
    roll_calls : pandas.DataFrame
        The roll calls, as from :func:`unvote.record.loaders.load_roll_calls`; needs
        ``id, date, resolution, vote_on, identical_to``.  Only rows with
        ``vote_on == "resolution"`` and an empty ``identical_to`` are used.
    votes : pandas.DataFrame
        Every member's vote, as from :func:`unvote.record.loaders.load_ga_votes`:
        ``id, iso3, vote`` with ``vote`` in ``yes, no, abstain, absent``.
    exclude : iterable of str, optional
        Resolution symbols whose roll calls are left out (default: none).

    Returns
    -------
    pandas.DataFrame
        One row per (iso3, year) with at least one roll call at which both
        the country and the USA voted, sorted by ``year, iso3``:

        ``iso3``
            ISO 3166-1 alpha-3 code (historical states: SUN, YUG, ...).
        ``year``
            Calendar year of the roll calls (int).
        ``n_votes``
            Roll calls of that year at which both cast yes / no / abstain.
        ``agreement``
            Mean over those roll calls of 1 (same vote), 0.5 (exactly one of
            the two abstained) or 0 (yes against no).  The USA's own row is 1.
        ``ideal_point``
            First principal component of the year's vote matrix (countries x
            roll calls; yes 1, abstain 0.5, no 0; each roll call centred and a
            missing vote set to the roll call's mean), signed so that the USA
            is positive and scaled to mean 0 and unit (population) variance
            over the countries that voted that year.  A PCA approximation,
            not the Bailey-Strezhnev-Voeten ideal points; comparable only
            within a year.  NaN in a year without any split vote.

    Notes
    -----
    The score is deterministic: the vote matrix is ordered by ``iso3`` and
    roll-call ``id`` before the SVD and the sign is fixed by the USA.  A year
    of the record that is still running (the record ends in September 2025)
    gives a partial year.

    Examples
    --------
    >>> calls = pd.DataFrame({
    ...     "id": ["a", "b"], "date": ["2001-10-01", "2001-12-01"],
    ...     "resolution": ["A/RES/56/1", "A/RES/56/2"],
    ...     "vote_on": ["resolution", "resolution"], "identical_to": ["", ""]})
    >>> votes = pd.DataFrame({
    ...     "id": ["a", "a", "a", "b", "b", "b"],
    ...     "iso3": ["USA", "GBR", "CUB"] * 2,
    ...     "vote": ["yes", "yes", "no", "no", "abstain", "yes"]})
    >>> table = us_agreement(calls, votes)
    >>> table[["iso3", "n_votes", "agreement"]].to_numpy().tolist()
    [['CUB', 2, 0.0], ['GBR', 2, 0.75], ['USA', 2, 1.0]]
    >>> bool(table.set_index("iso3")["ideal_point"]["USA"] > 0)
    True
    """
    scored = _scored_votes(roll_calls, votes, exclude)

    us = scored.loc[scored["iso3"] == US, ["id", "score"]]
    paired = scored.merge(us, on="id", suffixes=("", "_us"))
    paired["agree"] = 1.0 - (paired["score"] - paired["score_us"]).abs()
    table = (
        paired.groupby(["iso3", "year"], sort=False)["agree"]
        .agg(n_votes="size", agreement="mean")
        .reset_index()
    )
    table = table.merge(_ideal_points(scored), on=["iso3", "year"], how="left")
    table["year"] = table["year"].astype("int64")
    table["n_votes"] = table["n_votes"].astype("int64")
    table["agreement"] = table["agreement"].astype(float)
    table["ideal_point"] = table["ideal_point"].astype(float)
    table = table.sort_values(["year", "iso3"], ignore_index=True)
    return table[list(COLUMNS)]


def recompute_us_agreement(
    path: str | os.PathLike[str] | None = None, *, exclude: Iterable[str] = ()
) -> pd.DataFrame:
    """:func:`us_agreement` over the whole plenary record, unrounded, every year included.

    The record is read as :func:`unvote.record.loaders.load_roll_calls` reads it (the
    shipped copy, ``path`` or ``$UNVOTE_GA_DATA``).  The shipped table
    (:func:`unvote.record.loaders.load_us_agreement`) leaves out the Cuba-embargo votes:
    pass their symbols as ``exclude`` to reproduce it.

    >>> table = recompute_us_agreement()
    >>> float(table.query("iso3 == 'USA' and year == 2024")["agreement"].iloc[0])
    1.0
    """
    calls = load_roll_calls(path)
    return us_agreement(calls, load_ga_votes(path, roll_calls=calls), exclude=exclude)
