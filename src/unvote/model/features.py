"""The feature panel: one row a member at each roll call, every value known before a cut-off.

A row describes member ``j`` at roll call ``t`` as of a cut-off date ``tau``:
only roll calls dated strictly before ``tau`` inform it.  Footings:

* *rolling*: ``tau`` is the roll call's own date, so the day before the vote
  is the last one known (the model is trained on such rows);
* *frozen*: ``tau`` is the first day of the roll call's session, as a forecast
  made before the session would see it;
* a forecast made on date ``T`` (``through``) uses ``tau = T + 1 day``.

Features (:data:`MODEL_FEATURES`), in groups:

* the member's history on the text (the roll call's *item*,
  :mod:`unvote.items.catalogue`): its last vote, its shares over the item's last three
  roll calls, whether it never voted on the item; and the item's own history:
  the last outcome, how often and how long ago it was voted, how many members
  changed their vote between its last two roll calls, whether its latest
  decision was an adoption without a vote;
* for a text with no earlier roll call, the member's vote on the most similar
  earlier title (:func:`unvote.items.catalogue.similar_items`);
* sponsorship of the draft, where the UN's extract lists the sponsors;
* alignment over the 12 months before ``tau``: agreement with the United
  States, with the Assembly majority, with the text's sponsors, and with the
  members that voted yes and no at the item's last roll call; the member's
  shares of abstentions and no votes; how often it changed its vote on a text;
* participation: the share of roll calls missed over the 12 months, in the
  session so far and over its last ten, and its current run of absences;
* dated memberships and alliances, the UN regional group, and the stance on
  Russia's war on Ukraine (the emergency-session votes held before ``tau``).

>>> record = load_record()
>>> targets = recorded_targets(record, record.calls["resolution"] == "A/RES/79/7")
>>> rows = feature_rows(record, targets).set_index("iso3")
>>> float(rows.loc["USA", "last_no"]), rows.loc["USA", "vote"]
(1.0, 'no')
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from unvote.errors import UnknownCountryError
from unvote.items.catalogue import (
    link_resolutions,
    linking_digest,
    normalise_title,
    restore_links,
    saved_links,
    similar_items,
)
from unvote.memo import Recent
from unvote.model import cache
from unvote.model.cache import code_version, data_version
from unvote.record.calendar import regular_session
from unvote.record.loaders import (
    load_country_groups,
    load_member_votes,
    load_members,
    load_regions,
    load_resolutions,
    load_roll_calls,
    load_sponsors,
    membership_matrix,
)
from unvote.record.sponsors import SponsorList, SponsorReader
from unvote.vocabulary import COUNTRY_GROUPS, OUTCOMES

US = "USA"
"""The member whose agreement with every member is a feature."""

WINDOW = pd.Timedelta(days=365)
"""The alignment and participation features look back this far from the cut-off."""

HISTORY = 3
"""How many of an item's earlier roll calls the ``share_*`` features average over."""

MARKOV_PAIRS = 5
"""How many of an item's latest pairs of consecutive roll calls ``item_markov_*`` count."""

RECENT = 10
"""How many of a member's latest roll calls ``missed_recent`` looks at."""

NEAREST = 3
"""How many of the most similar earlier titles the ``near_*`` features of a new text average."""

SESSION_PRIOR = 5.0
"""``missed_session`` counts the 12-month share as this many roll calls of the session."""

TREATY_GROUPS: tuple[str, ...] = ("nato", "rio_treaty", "anzus", "us_bilateral_treaty")
"""Groups whose members are US treaty allies (``us_treaty_ally``)."""

GROUP_FEATURES: tuple[str, ...] = ("eu", "nato", "us_treaty_ally", "mnna", "cofa", "oas")

REGION_COLUMNS: dict[str, str] = {
    "Asia-Pacific": "region_asia_pacific",
    "Eastern European": "region_eastern_europe",
    "Latin American and Caribbean": "region_latin_america",
    "Western European and Others": "region_weog",
}
"""UN regional groups as indicator columns; the African Group is the reference."""

HISTORY_FEATURES: tuple[str, ...] = (
    *(f"last_{o}" for o in OUTCOMES),
    *(f"share_{o}" for o in OUTCOMES),
    "item_new",
    "member_new",
    *(f"item_{o}_share" for o in OUTCOMES),
    "item_calls",
    "item_gap",
    "item_volatility",
    "item_trend",
    "item_consensus",
    *(f"item_{o}_logit" for o in OUTCOMES),
    *(f"item_markov_{o}" for o in OUTCOMES[1:]),
)
NEIGHBOUR_FEATURES: tuple[str, ...] = (*(f"near_{o}" for o in OUTCOMES), "near_yes_share")
"""The votes on a new text's nearest titles (:data:`SIMILAR_FEATURES` beyond the nearest)."""
SIMILAR_FEATURES: tuple[str, ...] = (
    *(f"similar_{o}" for o in OUTCOMES),
    "similarity",
    *NEIGHBOUR_FEATURES,
)
ALIGNMENT_FEATURES: tuple[str, ...] = (
    "sponsor",
    "sponsors_known",
    "sponsor_agreement",
    "us_agreement",
    "majority_agreement",
    "yes_camp_agreement",
    "no_camp_agreement",
    "abstain_12m",
    "no_12m",
    "member_volatility",
)
PARTICIPATION_FEATURES: tuple[str, ...] = (
    "missed_12m",
    "missed_session",
    "missed_recent",
    "absent_streak",
)
SCHEDULE_FEATURES: tuple[str, ...] = (
    "batch_size",
    "batch_change",
    "december",
    "part_vote",
    "amendment_vote",
)
"""When and on what the vote is held: members stay away from a lone roll call in June, not
from the December batch (sessions 55-74: 21 % absent at a day's only roll call, 7 % on days
of more than 16), and more often from a vote on a paragraph or an amendment; an amendment
or a motion, most often put by one side against a text, draws far fewer yes votes.  A
text voted on before is measured against its own last day: the Cuba-embargo text, voted
alone each autumn with a full hall, is no lone roll call in June."""
RATE_LOGITS: tuple[str, ...] = (
    "missed_12m",
    "missed_session",
    "missed_recent",
    "abstain_12m",
    "no_12m",
)
"""Rates that also enter the model on the log-odds scale (``<rate>_logit``): a member that
misses 1 % of votes and one that misses 8 % differ by two units there, by 0.07 as shares."""
FACT_FEATURES: tuple[str, ...] = (*GROUP_FEATURES, "ukraine_support", *REGION_COLUMNS.values())

MODEL_FEATURES: tuple[str, ...] = (
    *HISTORY_FEATURES,
    *SIMILAR_FEATURES,
    *ALIGNMENT_FEATURES,
    *PARTICIPATION_FEATURES,
    *(f"{rate}_logit" for rate in RATE_LOGITS),
    *SCHEDULE_FEATURES,
    *FACT_FEATURES,
)
"""The numeric columns of the panel, in order.

History on the item: ``last_*`` the member's previous vote on it (all zero
when it has none), ``share_*`` its outcomes over the item's last three roll
calls, ``item_new`` (no earlier roll call on the text), ``member_new`` (the
text has one, the member never voted on it), ``item_*_share`` the outcome
shares at the item's last roll call, ``item_calls`` log(1 + earlier roll
calls, at most three counted), ``item_gap`` log(1 + years since the last),
``item_volatility`` the share of members whose cast vote changed between its
last two roll calls, ``item_trend`` the change of its yes share between them,
``item_consensus`` its latest decision was an adoption without a vote (known
from session 74), ``item_*_logit`` the outcome shares of its last roll call
on the log-odds scale (0 for a new text).  A new text: ``similar_*`` the
member's vote at the last roll call on the most similar earlier title,
``similarity`` how similar (0-1); ``near_*`` its votes at the last roll
calls on the three most similar titles, weighted by similarity, and
``near_yes_share`` the yes share at those roll calls.  Alignment over the 12 months before the
cut-off: ``sponsor`` (a sponsor of this draft), ``sponsors_known`` (the
sponsors are listed: session 74 on), ``sponsor_agreement`` (mean agreement
with the sponsors), ``us_agreement``, ``majority_agreement`` (with the
majority's vote), ``yes_camp_agreement`` / ``no_camp_agreement`` (with the
members that voted yes / no at the item's last roll call), ``abstain_12m`` /
``no_12m`` (shares of the member's cast votes), ``member_volatility`` (share
of its cast votes that differed from its previous vote on the same text).
Participation: ``missed_12m``, ``missed_session`` (this session so far,
shrunk toward the 12-month share as if it were five roll calls of it),
``missed_recent`` (its last ten roll calls), ``absent_streak`` (log(1 +
roll calls missed in a row)), and the rates of :data:`RATE_LOGITS` again
on the log-odds scale (``*_logit``).  The schedule: ``batch_size``
(log of the number of roll calls held that day, the day's agenda set before
the vote; for a new text only), ``batch_change`` (for a text voted on
before: the same log against that of the day of its last roll call),
``december`` (held in December, the main batch),
``part_vote`` (a vote on a paragraph, an amendment or a motion rather than
on the text as a whole), ``amendment_vote`` (on an amendment, a motion or
another question than a text or its paragraphs).
Dated facts: groups on the vote date, ``ukraine_support`` (share of the
ES-11 resolutions held before the cut-off that the member voted for), and
the regional group (African Group the reference).
"""

DEFAULT_FEATURES: tuple[str, ...] = tuple(
    c for c in MODEL_FEATURES if c not in {*NEIGHBOUR_FEATURES, *SCHEDULE_FEATURES}
)
"""The features :class:`~unvote.model.estimator.VoteModel` uses unless told otherwise.

:data:`MODEL_FEATURES` less the schedule and the new texts' nearest titles.
Those forecast better (the forward test of sessions 75-80: 0.749x the item
Markov chain's log loss against 0.77x; ``docs/model.md``), but the built-in
scenarios' strengths were measured on past campaigns against the model
without them, and with them the 2017 Jerusalem campaign measures 0.18 rather
than above 0.5 (a lone emergency-session roll call, which members skip):
they become the default once the campaigns are measured again against them.
``VoteModel(features=MODEL_FEATURES)`` fits the model with every feature.
"""

Footing = Literal["rolling", "frozen"]

TARGET_COLUMNS: tuple[str, ...] = ("id", "call", "date", "session", "item", "tau", "sponsors")
"""Columns of a targets table: which roll calls to describe, and as of when.

``call`` is the roll call's position in ``Record.calls`` (-1 for one not in
the record, which may then give its ``title``: a new text's neighbours are
found by it); ``sponsors`` a frozenset of ISO3 codes, or None when unknown."""


# ----------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Record:
    """The plenary record as arrays, with what the features need beside it.

    ``calls`` are the roll calls in date order (columns of
    :func:`unvote.record.loaders.load_roll_calls` and ``item``); ``codes[t, j]`` is
    country ``countries[j]``'s outcome at roll call ``t`` (0 yes, 1 abstain,
    2 no, 3 absent; -1 when not a member that day).  ``counted`` marks the
    roll calls that count for alignment and participation: votes on a text as
    a whole, each vote once.  ``consensus`` dates each item's adoptions
    without a vote, ``sponsors`` lists the member sponsors of each symbol,
    ``similar`` the nearest titles of each item.
    """

    calls: pd.DataFrame
    countries: pd.Index
    codes: np.ndarray
    counted: np.ndarray
    consensus: pd.DataFrame
    sponsors: pd.Series
    similar: pd.DataFrame
    members: pd.DataFrame
    groups: pd.DataFrame
    regions: pd.DataFrame
    _item_calls: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def dates(self) -> np.ndarray:
        return self.calls["date"].to_numpy(dtype="datetime64[ns]")

    @property
    def last_date(self) -> pd.Timestamp:
        """The date of the last roll call in the record."""
        return pd.Timestamp(self.dates[-1])

    @property
    def country_names(self) -> pd.Series:
        """Each country's name in the membership table (its latest, index iso3)."""
        return self.members.drop_duplicates("iso3", keep="last").set_index("iso3")["country"]

    def cutoff(self, tau: Iterable[pd.Timestamp] | np.ndarray) -> np.ndarray:
        """How many roll calls are dated strictly before each cut-off."""
        return np.searchsorted(self.dates, np.asarray(tau, dtype="datetime64[ns]"), side="left")

    def item_calls(self, item: str) -> np.ndarray:
        """Positions of an item's roll calls, in date order (empty for an unknown item)."""
        return self._item_calls.get(item, np.empty(0, dtype=np.int64))

    @property
    def version(self) -> str:
        """A digest of the votes and items: fitted models are cached under it."""
        digest = hashlib.sha256(np.ascontiguousarray(self.codes).tobytes())
        digest.update("\n".join(self.calls["id"] + " " + self.calls["item"]).encode())
        digest.update(str(self.calls["date"].astype("int64").sum()).encode())
        return digest.hexdigest()[:16]

    def __repr__(self) -> str:
        return (
            f"<Record: {len(self.calls):,} roll calls, {len(self.countries)} countries, "
            f"{self.calls['date'].min():%Y-%m-%d} to {self.last_date:%Y-%m-%d}>"
        )


def build_record(
    calls: pd.DataFrame,
    votes: pd.DataFrame,
    resolutions: pd.DataFrame | None = None,
    sponsors: pd.DataFrame | None = None,
) -> Record:
    """A :class:`Record` from the loaders' tables.

    ``calls`` and ``votes`` as :func:`unvote.record.loaders.load_roll_calls` and
    :func:`unvote.record.loaders.load_member_votes` return them; the roll calls are linked
    into items here (with ``resolutions``, the DGACM table, as evidence and
    for the adoptions without a vote).  ``sponsors`` as
    :func:`unvote.record.loaders.load_sponsors` returns them (members only are used).
    """
    calls = calls.sort_values("date", kind="stable", ignore_index=True)
    if resolutions is not None:
        resolutions = resolutions.reset_index(drop=True)
        items, resolution_items, similar = _linked(calls, resolutions)
        calls["item"] = items.to_numpy()
        adopted = resolutions["adoption"].eq("without a vote").to_numpy() & (
            resolution_items.to_numpy() != ""
        )
        consensus = pd.DataFrame(
            {
                "item": resolution_items.to_numpy()[adopted],
                "date": resolutions["date"].to_numpy()[adopted],
            }
        ).dropna()
    else:
        from unvote.items.catalogue import link_items

        calls["item"] = link_items(calls).to_numpy()
        consensus = pd.DataFrame({"item": [], "date": pd.to_datetime([])})
        similar = None
    countries = pd.Index(sorted(pd.unique(votes["iso3"].astype(str))))
    row = pd.Index(calls["id"]).get_indexer(votes["id"].astype(str))
    col = countries.get_indexer(votes["iso3"].astype(str))
    codes = np.full((len(calls), len(countries)), -1, dtype=np.int8)
    codes[row, col] = pd.Categorical(votes["vote"], categories=list(OUTCOMES)).codes
    counted = calls["vote_on"].eq("resolution").to_numpy() & (
        calls["identical_to"].fillna("").to_numpy() == ""
    )
    if sponsors is not None:
        members = sponsors[sponsors["kind"] == "member"]
        by_symbol = members.groupby("symbol")["iso3"].agg(frozenset)
    else:
        by_symbol = pd.Series(dtype=object)
    if similar is None:
        similar = similar_items(calls.groupby("item", sort=False)["title"].last())
    positions = pd.Series(np.arange(len(calls))).groupby(calls["item"].to_numpy()).indices
    return Record(
        calls=calls,
        countries=countries,
        codes=codes,
        counted=counted,
        consensus=consensus,
        sponsors=by_symbol,
        similar=similar,
        members=load_members(),
        groups=load_country_groups(),
        regions=load_regions(),
        _item_calls={str(k): np.asarray(v, dtype=np.int64) for k, v in positions.items()},
    )


def _linked(
    calls: pd.DataFrame, resolutions: pd.DataFrame
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """:func:`link_resolutions` and the items' similar titles, kept in the cache (and shipped).

    Both take seconds and depend only on the tables and the code, so a record
    loaded anew (each process) reads them: keyed by
    :func:`unvote.items.catalogue.linking_digest` and the fitting layers' code.
    """
    digest = linking_digest(calls, resolutions)
    key = {"inputs": digest, "code": code_version()}
    saved = cache.fetch("links", key) if digest else None
    if saved is not None:
        try:
            restore_links(calls, resolutions, saved["links"])
            items, resolution_items = link_resolutions(calls, resolutions)
            similar = pd.DataFrame(saved["similar"], columns=["item", "neighbour", "similarity"])
            return items, resolution_items, similar.astype({"similarity": float})
        except Exception:  # whatever is wrong with an entry, it is rebuilt, never trusted
            cache.discard("links", key)
    items, resolution_items = link_resolutions(calls, resolutions)
    titles = calls.assign(item=items.to_numpy()).groupby("item", sort=False)["title"].last()
    similar = similar_items(titles)
    if digest:
        value = {"links": saved_links(calls, resolutions), "similar": similar.to_numpy().tolist()}
        cache.store("links", key, value)
    return items, resolution_items, similar


_BUILT: Recent[Record] = Recent()
"""The records built in this process, by :func:`unvote.model.cache.data_version` (the last two)."""


def load_record() -> Record:
    """The whole record as a :class:`Record`: roll calls, votes, items, sponsors, adoptions.

    Reads what the loaders read (the shipped record, ``$UNVOTE_GA_DATA``,
    imported extracts).  About a second the first time; later calls on the
    same data (the same :func:`unvote.model.cache.data_version`: the same files'
    contents) take a copy of the record already built, a few milliseconds.
    Each call returns a record of its own: changing it changes no other.
    """
    return _copy(_BUILT.get(data_version(), _build_record))


def _build_record() -> Record:
    calls = load_roll_calls()
    votes = load_member_votes(roll_calls=calls)
    return build_record(calls, votes, load_resolutions(), load_sponsors())


def _copy(record: Record) -> Record:
    """A copy of ``record`` that shares nothing mutable with it."""
    return replace(
        record,
        calls=record.calls.copy(),
        codes=record.codes.copy(),
        counted=record.counted.copy(),
        consensus=record.consensus.copy(),
        sponsors=record.sponsors.copy(),
        similar=record.similar.copy(),
        members=record.members.copy(),
        groups=record.groups.copy(),
        regions=record.regions.copy(),
        _item_calls={item: calls.copy() for item, calls in record._item_calls.items()},
    )


# ----------------------------------------------------------------------------- targets


def session_starts(record: Record) -> pd.Series:
    """The date of each session's first roll call (the frozen footing's cut-off)."""
    return record.calls.groupby("session")["date"].min()


def recorded_targets(
    record: Record, which: pd.Series | np.ndarray | Sequence[bool], footing: Footing = "rolling"
) -> pd.DataFrame:
    """Targets for roll calls of the record (``which``: a boolean mask over ``record.calls``).

    ``footing="rolling"`` describes each as of the day before its vote,
    ``"frozen"`` as of its session's first roll call (see the module docstring).
    """
    if footing not in ("rolling", "frozen"):
        raise ValueError(f"footing must be 'rolling' or 'frozen', not {footing!r}")
    calls = record.calls
    at = np.flatnonzero(np.asarray(which, dtype=bool))
    chosen = calls.iloc[at]
    if footing == "rolling":
        tau = chosen["date"].to_numpy()
    else:
        tau = chosen["session"].map(session_starts(record)).to_numpy()
    sponsors = chosen["resolution"].map(record.sponsors)
    return pd.DataFrame(
        {
            "id": chosen["id"].to_numpy(),
            "call": at,
            "date": chosen["date"].to_numpy(),
            "session": chosen["session"].to_numpy(),
            "item": chosen["item"].to_numpy(),
            "tau": tau,
            "sponsors": [s if isinstance(s, frozenset) else None for s in sponsors],
        }
    )


def coming_targets(
    record: Record,
    calls: pd.DataFrame,
    through: pd.Timestamp,
    items: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Targets for roll calls not in the record: ``calls`` has ``id, date, title``.

    Each is described as of ``through`` (cut-off the day after).  Its item is
    the record's item whose normalised title is the same (``items`` overrides
    this: an id per call), else a new item of its own; ``sponsors``, when
    present, are sponsor lists as :class:`unvote.record.sponsors.SponsorReader`
    reads them (the UN's own strings, names or ISO3 codes, separated by ``;``)
    or already read: the member sponsors count, observers and officers not.
    """
    dates = pd.to_datetime(calls["date"]).to_numpy()
    if items is None:
        keys = record.calls.assign(key=record.calls["title"].map(normalise_title))
        by_key = keys.groupby("key")["item"].last()
        items = [
            by_key.get(normalise_title(str(title)), f"new:{call_id}")
            for call_id, title in zip(calls["id"], calls["title"], strict=True)
        ]
    sponsors = calls["sponsors"] if "sponsors" in calls else [None] * len(calls)
    reader: SponsorReader | None = None  # made for the first list to read

    def members(text: object, where: str) -> frozenset[str] | None:
        nonlocal reader
        if text is not None and not isinstance(text, SponsorList):
            reader = reader or SponsorReader(record.members)
            text = reader.read(text, where=where)  # type: ignore[arg-type]
        if not isinstance(text, SponsorList):
            return None
        # As in the record: a list without a member sponsor says nothing of the members.
        return frozenset(text.members) or None

    return pd.DataFrame(
        {
            "id": calls["id"].astype(str).to_numpy(),
            "call": -1,
            "date": dates,
            "session": [regular_session(pd.Timestamp(d)) for d in dates],
            "item": list(items),
            "title": calls["title"].astype(str).to_numpy(),
            "tau": pd.Timestamp(through) + pd.Timedelta(days=1),
            "sponsors": [
                members(s, f"roll call {i!r}") for i, s in zip(calls["id"], sponsors, strict=True)
            ],
        }
    )


# ----------------------------------------------------------------------------- features


def feature_rows(record: Record, targets: pd.DataFrame) -> pd.DataFrame:
    """One row a member at each target roll call: ``id, date, item, iso3, vote``, then the features.

    ``targets`` as :data:`TARGET_COLUMNS` (from :func:`recorded_targets` or
    :func:`coming_targets`).  The members of a recorded roll call are those the
    record lists; of a coming one, the members on its date.  ``vote`` is the
    recorded outcome (a Categorical; missing for a coming roll call).  Every
    feature comes from roll calls dated strictly before the row's ``tau``.
    Also: ``un_group`` (the regional group, for charts and selectors) and a
    0/1 column for every group of :data:`unvote.vocabulary.COUNTRY_GROUPS`
    (the model uses some; scenarios may select on any).
    """
    missing = [c for c in TARGET_COLUMNS if c not in targets]
    if missing:
        raise ValueError(f"targets lack column(s) {', '.join(missing)}")
    targets = targets.reset_index(drop=True)
    cut = record.cutoff(targets["tau"])
    present = _members_present(record, targets)
    t_of, j_of = np.nonzero(present)
    out: dict[str, np.ndarray] = {
        "id": targets["id"].to_numpy()[t_of],
        "date": targets["date"].to_numpy(dtype="datetime64[ns]")[t_of],
        "item": targets["item"].to_numpy()[t_of],
        "iso3": record.countries.to_numpy()[j_of],
    }
    call = targets["call"].to_numpy()
    vote = np.full(len(t_of), -1, dtype=np.int8)
    known = call[t_of] >= 0
    vote[known] = record.codes[call[t_of[known]], j_of[known]]
    out["vote"] = pd.Categorical.from_codes(vote, categories=list(OUTCOMES))

    previous = _previous_item_calls(record, targets["item"].to_numpy(), cut)
    out |= _history(record, targets, previous, t_of, j_of)
    out |= _similar(record, targets, cut, previous[:, 0] < 0, t_of, j_of)
    out |= _alignment(record, targets, cut, previous[:, 0], t_of, j_of)
    schedule = _schedule(record, targets, previous[:, 0])
    out |= {name: values[t_of] for name, values in schedule.items()}
    for rate in RATE_LOGITS:  # as if each rate were measured on 60 roll calls
        out[f"{rate}_logit"] = _logit(out[rate], 60.0)
    out |= _facts(record, out["iso3"], out["date"], cut[t_of], j_of)
    frame = pd.DataFrame(out)
    frame[list(MODEL_FEATURES)] = frame[list(MODEL_FEATURES)].astype(float)
    return frame


def _schedule(
    record: Record, targets: pd.DataFrame, last_call: np.ndarray
) -> dict[str, np.ndarray]:
    """:data:`SCHEDULE_FEATURES` of each target (one value a target).

    A day's roll calls are those of the record on that date and the coming
    targets on it; a coming roll call, often asked about alone, counts at
    least as many as the day its text was last voted on (the Assembly keeps
    its calendar from year to year).  A coming roll call is a vote on a text
    as a whole unless the targets' optional ``vote_on`` column says otherwise.
    """
    dates = targets["date"].to_numpy(dtype="datetime64[ns]")
    call = targets["call"].to_numpy()
    recorded = pd.Series(record.dates).value_counts()
    coming = pd.Series(dates[call < 0]).value_counts()
    batch = recorded.add(coming, fill_value=0).reindex(dates).to_numpy(dtype=float, copy=True)
    for r in np.flatnonzero(call < 0):
        earlier = record.item_calls(targets["item"].iloc[r])
        earlier = earlier[record.dates[earlier] < dates[r]]
        if earlier.size:
            batch[r] = max(batch[r], recorded[record.dates[earlier[-1]]])
    vote_on = np.asarray(targets.get("vote_on", pd.Series("resolution", index=targets.index)))
    vote_on = np.where(
        call >= 0, record.calls["vote_on"].to_numpy()[np.clip(call, 0, None)], vote_on
    )
    size = np.log(np.maximum(batch, 1.0))
    # A text voted on before is held against its own record: its attendance then
    # (item_absent_*) already says how a day like that one fills the hall.
    known = last_call >= 0
    before = recorded.reindex(record.dates[np.clip(last_call, 0, None)]).to_numpy(dtype=float)
    return {
        "batch_size": np.where(known, 0.0, size),
        "batch_change": np.where(known, size - np.log(np.maximum(before, 1.0)), 0.0),
        "december": (pd.DatetimeIndex(dates).month == 12).astype(float),
        "part_vote": (vote_on != "resolution").astype(float),
        "amendment_vote": np.isin(vote_on, ["amendment", "motion", "other"]).astype(float),
    }


def _members_present(record: Record, targets: pd.DataFrame) -> np.ndarray:
    """Booleans, targets x countries: the record's list, else the membership on the day."""
    present = np.zeros((len(targets), len(record.countries)), dtype=bool)
    call = targets["call"].to_numpy()
    known = call >= 0
    present[known] = record.codes[call[known]] >= 0
    if (~known).any():
        members = record.members
        spells = membership_matrix(targets.loc[~known, "date"], members)
        column = record.countries.get_indexer(members["iso3"].to_numpy())
        for r, row in zip(np.flatnonzero(~known), spells, strict=True):
            present[r, column[row & (column >= 0)]] = True
    return present


def _previous_item_calls(record: Record, items: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """Each target's item's last HISTORY roll calls before its cut-off: (targets, HISTORY).

    Newest first; -1 where the item has fewer.
    """
    out = np.full((len(items), HISTORY), -1, dtype=np.int64)
    for r, (item, k) in enumerate(zip(items, cut, strict=True)):
        calls = record.item_calls(item)
        stop = int(np.searchsorted(calls, k, side="left"))
        earlier = calls[max(0, stop - HISTORY) : stop][::-1]
        out[r, : len(earlier)] = earlier
    return out


def _history(
    record: Record, targets: pd.DataFrame, previous: np.ndarray, t_of: np.ndarray, j_of: np.ndarray
) -> dict[str, np.ndarray]:
    """The member's and the item's history before the cut-off."""
    k = len(OUTCOMES)
    prev = previous[t_of]
    codes_at = np.where(prev >= 0, record.codes[np.clip(prev, 0, None), j_of[:, None]], -1)
    present = codes_at >= 0
    onehot = np.zeros((*codes_at.shape, k))
    rows, cols = np.nonzero(present)
    onehot[rows, cols, codes_at[rows, cols]] = 1.0
    voted = present.any(axis=1)
    last = onehot[np.arange(len(codes_at)), np.argmax(present, axis=1)] * voted[:, None]
    seen = present.sum(axis=1, keepdims=True)
    shares = np.divide(onehot.sum(axis=1), seen, out=np.zeros((len(seen), k)), where=seen > 0)
    out = {f"last_{o}": last[:, c] for c, o in enumerate(OUTCOMES)}
    out |= {f"share_{o}": shares[:, c] for c, o in enumerate(OUTCOMES)}

    last_call = previous[:, 0]
    has_item = last_call >= 0
    out["item_new"] = (~has_item[t_of]).astype(float)
    out["member_new"] = (has_item[t_of] & ~voted).astype(float)
    at = record.codes[np.clip(last_call, 0, None)]
    members_then = np.maximum((at >= 0).sum(axis=1), 1)
    for c, o in enumerate(OUTCOMES):
        out[f"item_{o}_share"] = np.where(has_item, (at == c).sum(axis=1) / members_then, 0)[t_of]
    for c, o in enumerate(OUTCOMES):
        share = np.where(has_item, (at == c).sum(axis=1) / members_then, 0)
        out[f"item_{o}_logit"] = np.where(has_item, _logit(share, members_then), 0.0)[t_of]
    out["item_calls"] = np.log1p((previous >= 0).sum(axis=1))[t_of]
    years = (
        targets["date"].to_numpy(dtype="datetime64[ns]") - record.dates[np.clip(last_call, 0, None)]
    )
    years = years / np.timedelta64(365, "D")
    out["item_gap"] = np.where(has_item, np.log1p(np.clip(years, 0, None)), 0.0)[t_of]
    before = record.codes[np.clip(previous[:, 1], 0, None)]
    cast_both = (at >= 0) & (at <= 2) & (before >= 0) & (before <= 2)
    changed = ((at != before) & cast_both).sum(axis=1)
    volatility = np.divide(
        changed, cast_both.sum(axis=1), out=np.zeros(len(at)), where=cast_both.any(axis=1)
    )
    out["item_volatility"] = np.where(previous[:, 1] >= 0, volatility, 0.0)[t_of]
    yes_before = (before == 0).sum(axis=1) / np.maximum((before >= 0).sum(axis=1), 1)
    yes_last = (at == 0).sum(axis=1) / members_then
    out["item_trend"] = np.where(previous[:, 1] >= 0, yes_last - yes_before, 0.0)[t_of]
    out["item_consensus"] = _last_consensus(record, targets, last_call)[t_of]
    out |= _item_markov(record, targets, codes_at, t_of)
    return out


def _item_markov(
    record: Record, targets: pd.DataFrame, codes_at: np.ndarray, t_of: np.ndarray
) -> dict[str, np.ndarray]:
    """How the item's members moved after each vote: log-odds of each outcome against yes.

    From the transitions of every member between the item's last
    :data:`MARKOV_PAIRS` pairs of consecutive roll calls before the cut-off,
    with half a member added to each cell; applied to the member's own last
    vote on the item (``codes_at``, newest first).  A text whose dissenters
    have been coming round to yes, as on the Cuba embargo in the 1990s, shows
    it here.
    """
    k = len(OUTCOMES)
    cut = targets["tau"].to_numpy(dtype="datetime64[ns]")
    tables = np.zeros((len(targets), k, k))
    for r, item in enumerate(targets["item"]):
        calls = record.item_calls(item)
        calls = calls[record.dates[calls] < cut[r]][-(MARKOV_PAIRS + 1) :]
        for before, after in itertools.pairwise(calls):
            a, b = record.codes[before], record.codes[after]
            both = (a >= 0) & (b >= 0)
            np.add.at(tables[r], (a[both], b[both]), 1.0)
    tables += 0.5
    present = codes_at >= 0
    last = np.where(
        present.any(axis=1), codes_at[np.arange(len(codes_at)), np.argmax(present, 1)], -1
    )
    rows = tables[t_of, np.clip(last, 0, None)]
    logits = np.log(rows[:, 1:]) - np.log(rows[:, [0]])
    return {
        f"item_markov_{o}": np.where(last >= 0, logits[:, c], 0.0)
        for c, o in enumerate(OUTCOMES[1:])
    }


def _logit(share: np.ndarray, n: np.ndarray | float) -> np.ndarray:
    """log-odds of a share of ``n``, with half an observation added each side (0 % stays finite)."""
    smoothed = (share * n + 0.5) / (n + 1.0)
    return np.log(smoothed / (1.0 - smoothed))


def _last_consensus(record: Record, targets: pd.DataFrame, last_call: np.ndarray) -> np.ndarray:
    """1 where the item's latest decision before the cut-off was an adoption without a vote."""
    out = np.zeros(len(targets))
    adopted = record.consensus.groupby("item")["date"].agg(lambda d: np.sort(d.to_numpy()))
    if adopted.empty:
        return out
    last_vote = record.dates[np.clip(last_call, 0, None)]
    taus = targets["tau"].to_numpy(dtype="datetime64[ns]")
    for r, item in enumerate(targets["item"]):
        dates = adopted.get(item)
        if dates is None:
            continue
        before = dates[dates < taus[r]]
        if before.size and (last_call[r] < 0 or before[-1] > last_vote[r]):
            out[r] = 1.0
    return out


def _neighbours(record: Record, targets: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Ranked similar items of each target's item; a new title is compared on the fly."""
    ranked = {
        item: (group["neighbour"].to_numpy(), group["similarity"].to_numpy())
        for item, group in record.similar.groupby("item", sort=False)
    }
    unknown = [
        (item, title)
        for item, title in zip(
            targets["item"], targets.get("title", [""] * len(targets)), strict=True
        )
        if item not in record._item_calls and title
    ]
    if unknown:
        known = record.calls.groupby("item", sort=False)["title"].last()
        fresh = pd.Series({item: title for item, title in unknown})
        table = similar_items(pd.concat([known, fresh[~fresh.index.isin(known.index)]]))
        table = table[table["item"].isin(fresh.index) & ~table["neighbour"].isin(fresh.index)]
        for item, group in table.groupby("item", sort=False):
            ranked[item] = (group["neighbour"].to_numpy(), group["similarity"].to_numpy())
    return ranked


def _similar(
    record: Record,
    targets: pd.DataFrame,
    cut: np.ndarray,
    new: np.ndarray,
    t_of: np.ndarray,
    j_of: np.ndarray,
) -> dict[str, np.ndarray]:
    """A new text: the member's votes at the last roll calls on the most similar earlier titles.

    ``similar_*``: at the nearest title already voted on before the cut-off;
    ``near_*``: over the :data:`NEAREST` nearest, weighted by similarity, with
    the yes share of those roll calls (``near_yes_share``).
    """
    neighbour_calls = np.full((len(targets), NEAREST), -1, dtype=np.int64)
    weights = np.zeros((len(targets), NEAREST))
    ranked = _neighbours(record, targets) if new.any() else {}
    for r in np.flatnonzero(new):
        neighbours, values = ranked.get(targets["item"].iloc[r], ((), ()))
        found = 0
        for neighbour, value in zip(neighbours, values, strict=True):
            calls = record.item_calls(neighbour)
            stop = int(np.searchsorted(calls, cut[r], side="left"))
            if stop:  # a similar title already voted on before the cut-off
                neighbour_calls[r, found], weights[r, found] = calls[stop - 1], value
                found += 1
                if found == NEAREST:
                    break
    at = neighbour_calls[t_of]
    codes = np.where(at >= 0, record.codes[np.clip(at, 0, None), j_of[:, None]], -1)
    out = {f"similar_{o}": (codes[:, 0] == c).astype(float) for c, o in enumerate(OUTCOMES)}
    out["similarity"] = np.where(codes[:, 0] >= 0, weights[t_of, 0], 0.0)
    # Weighted over the neighbours the member sat in (those it voted at).
    w = np.where(codes >= 0, weights[t_of], 0.0)
    total = w.sum(axis=1)
    for c, o in enumerate(OUTCOMES):
        out[f"near_{o}"] = _ratio((w * (codes == c)).sum(axis=1), total)
    members = record.codes[np.clip(neighbour_calls, 0, None)]  # targets x NEAREST x countries
    yes_share = (members == 0).sum(axis=2) / np.maximum((members >= 0).sum(axis=2), 1)
    near_yes = _ratio((weights * yes_share).sum(axis=1), weights.sum(axis=1))
    out["near_yes_share"] = near_yes[t_of]
    return {name: np.nan_to_num(values) for name, values in out.items()}


@dataclass(frozen=True)
class _Window:
    """What the 12 months before a cut-off say of every country (arrays over countries)."""

    agreement: np.ndarray  # countries x countries; NaN where two never both voted
    columns: dict[str, np.ndarray]


def _fill(values: np.ndarray) -> np.ndarray:
    """NaN (a member with nothing to measure, e.g. newly admitted) becomes the others' mean."""
    finite = np.isfinite(values)
    return np.where(finite, values, values[finite].mean() if finite.any() else 0.0)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(
        numerator, denominator, out=np.full(np.shape(numerator), np.nan), where=denominator > 0
    )


def _window(
    record: Record, calls: np.ndarray, changed: np.ndarray, comparable: np.ndarray, k: int
) -> _Window:
    """Alignment and participation over the roll calls ``calls`` (the 12 months before ``k``).

    Agreement index: 1 for the same vote, 0.5 when exactly one of the two
    abstained, 0 for yes against no; absences and non-members do not count.
    """
    codes = record.codes[calls]
    yes, abstain, no = ((codes == c).astype(np.float64) for c in range(3))
    cast = yes + abstain + no
    same = yes.T @ yes + abstain.T @ abstain + no.T @ no
    half = abstain.T @ (yes + no)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = (same + 0.5 * (half + half.T)) / (cast.T @ cast)
    # The majority's vote at each roll call: the most common vote cast.
    majority = np.argmax(np.stack([yes.sum(1), abstain.sum(1), no.sum(1)]), axis=0)
    score = np.array([1.0, 0.0, -1.0])
    distance = np.abs(score[np.clip(codes, 0, 2)] - score[majority][:, None]) / 2
    member = (codes >= 0).sum(axis=0)
    n_cast = cast.sum(axis=0)
    columns = {
        "us_agreement": agreement[:, record.countries.get_loc(US)],
        "majority_agreement": _ratio(((1 - distance) * cast).sum(axis=0), n_cast),
        "abstain_12m": _ratio(abstain.sum(axis=0), n_cast),
        "no_12m": _ratio(no.sum(axis=0), n_cast),
        "member_volatility": _ratio(changed[calls].sum(axis=0), comparable[calls].sum(axis=0)),
        "missed_12m": _ratio((codes == 3).sum(axis=0), member),
    }
    columns = {name: _fill(values) for name, values in columns.items()}
    columns["missed_recent"], columns["absent_streak"] = _recent_absence(record, k)
    return _Window(agreement, columns)


def _changes(record: Record) -> tuple[np.ndarray, np.ndarray]:
    """Per roll call and member: did its cast vote differ from its previous one on the text?

    ``comparable`` marks the cells where both votes were cast (yes, abstain or
    no) on an item with an earlier roll call.
    """
    previous = np.full(len(record.calls), -1, dtype=np.int64)
    for calls in record._item_calls.values():
        previous[calls[1:]] = calls[:-1]
    before = np.where(previous[:, None] >= 0, record.codes[np.clip(previous, 0, None)], -1)
    now = record.codes
    comparable = (now >= 0) & (now <= 2) & (before >= 0) & (before <= 2)
    return comparable & (now != before), comparable


def _recent_absence(record: Record, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Share of its last RECENT roll calls before ``k`` each member missed, and its absent streak.

    The streak, log(1 + roll calls missed in a row up to ``k``), is long for a
    member without a vote under Article 19 (arrears) or staying away.
    """
    latest = np.flatnonzero(record.counted[:k])[-200:][::-1]  # newest first
    codes = record.codes[latest]
    recent = np.zeros(codes.shape[1])
    streak = np.zeros(codes.shape[1])
    for j in range(codes.shape[1]):
        mine = codes[:, j][codes[:, j] >= 0]
        if mine.size:
            recent[j] = np.mean(mine[:RECENT] == 3)
            voted = np.flatnonzero(mine != 3)
            streak[j] = np.log1p(voted[0] if voted.size else mine.size)
    return recent, streak


def _camp(agreement: np.ndarray, j: np.ndarray, camp: np.ndarray) -> np.ndarray:
    """Mean agreement of each member ``j`` with the members of ``camp`` (itself left out)."""
    if camp.size == 0:
        return np.zeros(len(j))
    block = agreement[np.ix_(j, camp)]
    block = np.where(j[:, None] == camp[None, :], np.nan, block)
    counts = np.isfinite(block).sum(axis=1)
    mean = _ratio(np.nansum(block, axis=1), counts)
    return _fill(mean) if np.isfinite(mean).any() else np.zeros(len(j))


def _alignment(
    record: Record,
    targets: pd.DataFrame,
    cut: np.ndarray,
    last_call: np.ndarray,
    t_of: np.ndarray,
    j_of: np.ndarray,
) -> dict[str, np.ndarray]:
    """Alignment and participation of each row, one 12-month window per distinct cut-off."""
    names = (*ALIGNMENT_FEATURES, *PARTICIPATION_FEATURES)
    out = {name: np.zeros(len(t_of)) for name in names}
    changed, comparable = _changes(record)
    dates, sessions = record.dates, record.calls["session"].to_numpy()
    rows_of = pd.Series(np.arange(len(t_of))).groupby(t_of).indices
    taus = targets["tau"].to_numpy(dtype="datetime64[ns]")
    for tau in np.unique(taus):
        k = int(np.searchsorted(dates, tau, side="left"))
        start = int(np.searchsorted(dates, tau - WINDOW.to_timedelta64(), side="left"))
        calls = np.arange(start, k)[record.counted[start:k]]
        window = _window(record, calls, changed, comparable, k)
        for r in np.flatnonzero(taus == tau):
            rows = rows_of.get(r)
            if rows is None:
                continue
            j = j_of[rows]
            for name, values in window.columns.items():
                out[name][rows] = values[j]
            # This session so far, shrunk toward the 12-month share: one roll call
            # missed is weak evidence, ten are strong.
            in_session = calls[sessions[calls] == targets["session"].iloc[r]]
            codes = record.codes[np.ix_(in_session, j)]
            prior = out["missed_12m"][rows]
            missed = (codes == 3).sum(axis=0)
            out["missed_session"][rows] = (missed + SESSION_PRIOR * prior) / (
                (codes >= 0).sum(axis=0) + SESSION_PRIOR
            )
            sponsors = targets["sponsors"].iloc[r]
            if sponsors is not None:
                columns = record.countries.get_indexer(sorted(sponsors))
                columns = columns[columns >= 0]
                out["sponsors_known"][rows] = 1.0
                out["sponsor"][rows] = np.isin(j, columns).astype(float)
                out["sponsor_agreement"][rows] = _camp(window.agreement, j, columns)
            if last_call[r] >= 0:
                at = record.codes[last_call[r]]
                out["yes_camp_agreement"][rows] = _camp(
                    window.agreement, j, np.flatnonzero(at == 0)
                )
                out["no_camp_agreement"][rows] = _camp(window.agreement, j, np.flatnonzero(at == 2))
    return out


def _facts(
    record: Record, iso3: np.ndarray, dates: np.ndarray, cut: np.ndarray, j_of: np.ndarray
) -> dict[str, np.ndarray]:
    """Dated group memberships, the regional group and the stance on the war on Ukraine."""
    groups = record.groups
    flags = {g: np.zeros(len(iso3), dtype=bool) for g in COUNTRY_GROUPS}
    for spell in groups.itertuples():
        end = spell.end if pd.notna(spell.end) else pd.Timestamp.max
        flags[spell.group] |= (iso3 == spell.iso3) & (dates >= spell.start) & (dates < end)
    flags["us_treaty_ally"] = np.logical_or.reduce([flags[g] for g in TREATY_GROUPS])
    out: dict[str, np.ndarray] = {
        g: flags[g].astype(float) for g in (*COUNTRY_GROUPS, "us_treaty_ally")
    }
    region = pd.Series(iso3).map(record.regions.set_index("iso3")["un_group"]).fillna("").to_numpy()
    for group, column in REGION_COLUMNS.items():
        out[column] = (region == group).astype(float)
    # The United States sits in no regional group; it observes in WEOG.
    out["un_group"] = np.where(region == "none", "Western European and Others", region)
    out["ukraine_support"] = _ukraine_support(record, cut, j_of)
    return out


def _ukraine_support(record: Record, cut: np.ndarray, j_of: np.ndarray) -> np.ndarray:
    """Share of the ES-11 resolutions before each cut-off the member voted for (0 before any)."""
    es11 = np.flatnonzero(
        record.calls["resolution"].fillna("").str.startswith("A/RES/ES-11/").to_numpy()
        & record.counted
    )
    codes = record.codes[es11]
    yes = np.vstack([np.zeros(codes.shape[1]), np.cumsum(codes == 0, axis=0)])
    member = np.vstack([np.zeros(codes.shape[1]), np.cumsum(codes >= 0, axis=0)])
    m = np.searchsorted(es11, cut, side="left")
    return np.nan_to_num(_ratio(yes[m, j_of], member[m, j_of]))


# ----------------------------------------------------------------------------- conveniences


def training_rows(
    record: Record, first_session: int, last_session: int | None = None
) -> pd.DataFrame:
    """Rolling rows of every roll call of sessions ``first_session`` to ``last_session``.

    What :class:`unvote.model.estimator.VoteModel` is fitted on.  Adds ``session``.
    """
    sessions = record.calls["session"]
    which = sessions >= first_session
    if last_session is not None:
        which &= sessions <= last_session
    targets = recorded_targets(record, which)
    rows = feature_rows(record, targets)
    rows.insert(
        2,
        "session",
        np.repeat(
            targets["session"].to_numpy(),
            rows.groupby("id", sort=False).size().reindex(targets["id"]).to_numpy(),
        ),
    )
    return rows


def last_vote(rows: pd.DataFrame) -> pd.Series:
    """Each row's previous vote on the item as a label (``none`` before its first).

    >>> rows = pd.DataFrame({"last_yes": [1.0, 0.0], "last_abstain": [0.0, 0.0],
    ...     "last_no": [0.0, 0.0], "last_absent": [0.0, 0.0]}, index=["CUB", "SSD"])
    >>> last_vote(rows).tolist()
    ['yes', 'none']
    """
    last = rows[[f"last_{c}" for c in OUTCOMES]].to_numpy()
    labels = np.array(OUTCOMES, dtype=object)[last.argmax(axis=1)]
    return pd.Series(np.where(last.any(axis=1), labels, "none"), index=rows.index)


def agreement_with(
    record: Record, code: str, through: pd.Timestamp, members: pd.Index | None = None
) -> pd.Series:
    """Every member's agreement with ``code`` over the 12 months through ``through`` (index iso3).

    The one agreement index of unvote: ``us_agreement`` of :data:`MODEL_FEATURES`
    with any member in place of the United States, and what a scenario's
    response to another campaigner follows.  1 for the same vote, 0.5 when
    exactly one of the two abstained, 0 for yes against no, over the roll calls
    on texts as a whole; absences do not count.  A member with no such roll
    call beside ``code`` (newly admitted, or not in the record: ``members``
    names the rows wanted, default every country of the record) gets the mean
    of the others.

    >>> agreement = agreement_with(load_record(), "RUS", pd.Timestamp("2024-12-31"))
    >>> bool(agreement["BLR"] > agreement["POL"])
    True
    """
    if code not in record.countries:
        raise UnknownCountryError(f"{code!r} is not a member in the record")
    tau = pd.Timestamp(through) + pd.Timedelta(days=1)
    k = int(np.searchsorted(record.dates, tau.to_datetime64(), side="left"))
    start = int(np.searchsorted(record.dates, (tau - WINDOW).to_datetime64(), side="left"))
    calls = np.arange(start, k)[record.counted[start:k]]
    unused = np.zeros(record.codes.shape, dtype=bool)  # vote changes: not needed for agreement
    column = _window(record, calls, unused, unused, k).agreement[:, record.countries.get_loc(code)]
    agreement = pd.Series(column, index=record.countries, name=f"agreement_with_{code}")
    if members is not None:
        agreement = agreement.reindex(members)
    return pd.Series(_fill(agreement.to_numpy()), index=agreement.index, name=agreement.name)
