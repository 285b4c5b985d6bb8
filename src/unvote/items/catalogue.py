"""Items: the roll calls on one text, linked across sessions.

Most General Assembly resolutions come back every year or two under the same
title: the Cuba-embargo text every autumn since 1992, the December batch on the
Middle East, disarmament, human rights, decolonisation and development.  An
*item* is such a text: every roll call on it, whatever the session.

Titles drift without the text changing, and :func:`normalise_title` folds that
drift into one key: case, accents, dashes, quotes and punctuation; "the"; a
leading "Question of"; years and year ranges ("for 2024", "biennium
1984-1985", "(2027–2036)"); the ordinal of a regular session ("to the 66th
session"); the number of an earlier resolution a text implements
("resolution 37/71 concerning ..."); the " : resolution / adopted by the
General Assembly" tail the UN Digital Library appends; "UN" for "United
Nations"; "co-operation".  Ordinals that name a thing ("fiftieth
anniversary", "10th special session", "Protocol II") are kept.

:func:`link_items` then links keys that still differ, each rule
conservative and each one measured on the record (``scripts/item_coverage.py``
lists the hardest cases both ways):

* a separate vote on a paragraph, an amendment or a motion is never merged
  with the vote on the text as a whole: its item is keyed by ``vote_on`` too,
  and it takes the title of the resolution it belongs to where the record has
  it (the secondary source names such votes after the whole agenda item);
* ``"Agenda title : text title"`` links to the text title when that is itself
  the title of a roll call ("UNRWA : assistance to Palestine refugees" ->
  "Assistance to Palestine refugees"), but "X : report of ..." stays X;
* misspellings ("Unites States", "Assemly", "isareli"), spelling variants
  ("behavior", "territories", "peace-keeping", "73eof") and one word added
  inside a title of five words or more ("including [East] Jerusalem", never
  at its head: "Implementation of the Declaration" is not the Declaration)
  link when the two keys were never used in the same session; no number may
  differ and no country name ("Iran" / "Iraq", "Gambia" / "Zambia");
* a title the source cut at 150 characters (``[...]``) is compared with the
  start of the others;
* the agenda items of the DGACM resolutions (sessions 74 onwards) link a
  retitled text within one agenda item when the titles share three words in
  four, or differ only in this year's theme after a colon ("Global health and
  foreign policy: ..."), and were never used in the same session;
* a DGACM resolution and its own roll call are one text, whatever the titles;
* a roll call recorded with exactly the same vote as another part of the same
  resolution (``identical_to``) takes the item of its twin.

The hand-checked pairs in ``tests/data/item_pairs.csv`` (real titles that must
and must not link, with reasons) keep these rules honest.

>>> normalise_title("Necessity of ending the embargo imposed by the Unites States against Cuba")
'necessity of ending embargo imposed by unites states against cuba'
>>> normalise_title("Programme budget for the biennium 2008-2009")
'programme budget'
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd

from unvote.errors import DataFileError, UnknownNameError
from unvote.memo import Recent

LINKED_ROLL_CALL_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "session",
    "resolution",
    "title",
    "vote_on",
    "identical_to",
)
"""Columns :func:`link_items` reads from the roll calls."""

LINKED_RESOLUTION_COLUMNS: tuple[str, ...] = (
    "symbol",
    "session",
    "title",
    "agenda_item",
    "adoption",
)
"""Columns :func:`link_items` reads from the DGACM resolutions (``roll_call`` and
``agenda_item_name`` are used when present)."""

ITEM_COLUMNS: tuple[str, ...] = (
    "item",
    "title",
    "label",
    "vote_on",
    "first_roll_call",
    "last_roll_call",
    "first_date",
    "last_date",
    "n_roll_calls",
    "consensus_adoptions",
    "consensus_before_first_vote",
    "last_yes",
    "usual_month",
    "usual_day",
)
"""Columns of the table returned by :func:`load_items`."""

MAX_ID_LENGTH = 60
"""Item ids are at most this long, before a ``-2`` telling apart two items (see
:func:`link_items`)."""

RECENT_ROLL_CALLS = 5
"""How many of an item's latest vote dates give its usual date."""

# --------------------------------------------------------------------------
# Normalising titles

# fmt: off
_ORDINAL_UNITS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
)
_ORDINAL_TEENS = (
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# fmt: on


def _suffixed(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ordinal_words() -> dict[str, str]:
    """``"sixty-sixth" -> "66th"``, first to ninety-ninth (sessions count past 80)."""
    words: dict[str, str] = {}
    for n, word in enumerate(_ORDINAL_UNITS, start=1):
        words[word] = _suffixed(n)
    for n, word in enumerate(_ORDINAL_TEENS, start=10):
        words[word] = _suffixed(n)
    for tens, word in enumerate(_TENS, start=2):
        words[word[:-1] + "ieth"] = _suffixed(10 * tens)
        for n, unit in enumerate(_ORDINAL_UNITS, start=1):
            words[f"{word} {unit}"] = words[f"{word}-{unit}"] = _suffixed(10 * tens + n)
    return words


_ORDINALS = _ordinal_words()
_ORDINAL_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True)) + r")\b"
)
_ORDINAL_HINT = re.compile(r"(?:st|nd|rd|th)\b")
_YEAR = r"(?:19|20)\d\d"
# A year or a range, with the words that only introduce it ("for the biennium").
_YEARS_RE = re.compile(
    r"\b(?:(?:for|in|of|since|from|at|during)\s+)?(?:the\s+)?"
    r"(?:(?:(?:fiscal|financial)\s+)?(?:years?|biennium|period)\s+)?"
    rf"\(?{_YEAR}(?:\s*(?:-|to|and)\s*(?:{_YEAR}|\d\d)\b)?\)?"
)
# The regular session a recurring text is about ("to the 66th session").  A special
# or emergency special session names a different text, so "10th special session" stays.
_SESSION_RE = re.compile(r"\b(?:\d+(?:st|nd|rd|th)\s+(?:and\s+)?)+(?=sessions?\b)")
# The number of the earlier resolution a recurring text implements.
_CITED_RE = re.compile(
    r"\b(general assembly resolutions?)\s+\d+(?:/\d+)?(?:\s+[a-z])?(?:\s*\([^)]*\))?"
    r"(?=\s+(?:concerning|on)\b)"
)
# The UN Digital Library's catalogue tail, misspellings included.
_ADOPTED_RE = re.compile(
    r"\s*:?\s*\bresol\w*\s*/\s*adopted by .*$|\s*:\s*resol\w*\s*$", re.IGNORECASE
)
_TRUNCATED = "[...]"
_MARK = "\x00"


def _fold(text: str) -> str:
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def normalise_title(title: str) -> str:
    """The key of a title: the same for every session's version of one text.

    Lower-case words separated by single spaces (see the module docstring for
    what is folded and what is kept).  A title the source cut short (ending
    in ``[...]``) loses its last, partial word and ends in ``" ..."``.

    >>> normalise_title("Question of the Comorian island of Mayotte")
    'comorian island of mayotte'
    >>> normalise_title("The right to food : resolution / adopted by the General Assemly")
    'right to food'
    >>> normalise_title("Credentials of representatives to the 33rd session")
    'credentials of representatives to session'
    >>> normalise_title("Observance of the fiftieth anniversary of the UN")
    'observance of 50th anniversary of united nations'
    >>> normalise_title("Nuclear disarmament verification")
    'nuclear disarmament verification'
    >>> normalise_title("Financing of UNIFIL : resolution")
    'financing of unifil'
    """
    text = title.replace(_TRUNCATED, f" {_MARK} ")
    # Until nothing changes: a tail removed may uncover another (": resolution : resolution / ...").
    while (shorter := _ADOPTED_RE.sub("", text)) != text:
        text = shorter
    text = _fold(text)
    text = re.sub(r"['’‘`´]", "", text)  # people's, refugees' -> peoples, refugees
    text = re.sub(r"[‐‑‒–—―]", "-", text)
    text = re.sub(r"\bco-(?=o)", "co", text)  # co-operation, co-ordination
    text = text.replace("-", " ")
    if _ORDINAL_HINT.search(text):  # most titles have none; the full pattern is slow
        text = _ORDINAL_RE.sub(lambda m: _ORDINALS[m.group(1)], text)
    text = _CITED_RE.sub(r"\1", text)
    text = _YEARS_RE.sub(" ", text)
    text = re.sub(r"\bu\.?\s?n\.?(?![a-z])", " united nations ", text)
    text = text.replace("&", " and ")
    words = re.sub(rf"[^a-z0-9{_MARK}]+", " ", text).split()
    truncated = _MARK in words
    if truncated:
        words = words[: words.index(_MARK)][:-1]  # the last word was cut mid-way
    words = _SESSION_RE.sub(" ", " ".join(w for w in words if w != "the")).split()
    while words[:2] == ["question", "of"] and len(words) > 2:
        words = words[2:]
    return " ".join(words) + (" ..." if truncated else "")


def _tails(title: str) -> list[str]:
    """Keys of what follows each ``" : "`` of a title ("Agenda item : text title")."""
    parts = re.split(r"\s+:\s+|:\s+|:#", title)
    return [normalise_title(" : ".join(parts[i:])) for i in range(1, len(parts))]


# --------------------------------------------------------------------------
# Comparing keys

# fmt: off
_STOPWORDS = frozenset((
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "its", "of", "on", "or",
    "their", "to", "with", "within", "under",
))
# fmt: on
_ROMAN = frozenset(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"])


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit ("isareli")."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, start=1):
        row = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


@functools.lru_cache(maxsize=1 << 16)  # a pure function of a word, called on every comparison
def _variant(word: str) -> str:
    """A spelling-neutral, singular form: behaviour/behavior, territories/territory."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("ses", "xes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    word = re.sub(r"our$", "or", word)
    word = word.replace("dgement", "dgment")  # judgement, acknowledgement
    word = re.sub(r"is(e|ation|ing|ed)$", r"iz\1", word)
    return re.sub(r"(.)\1", r"\1", word)


_DIGIT_RE = re.compile(r"\d")


def _numeric(word: str) -> bool:
    return word in _ROMAN or _DIGIT_RE.search(word) is not None


@dataclass(frozen=True)
class _Vocabulary:
    """What the comparison needs to know about the words of the record."""

    rare: frozenset[str]  # words of titles of at most two sessions: where misspellings live
    protected: frozenset[str]  # words of country names


def _typo(a: str, b: str, vocabulary: _Vocabulary) -> int:
    """0 if ``a`` and ``b`` are spellings of one word, 1 if one misspells the other, else 2.

    A misspelling is a rare word one or two edits from the other (two only
    in long words); two country names are never spellings of each other
    ("iran" / "iraq"), nor is a country name and a common word.
    """
    if _numeric(a) or _numeric(b):
        return 2
    if _variant(a) == _variant(b) or a == f"the{b}" or b == f"the{a}":  # "thesignature"
        return 0
    rare_a, rare_b = a in vocabulary.rare, b in vocabulary.rare
    if not (rare_a or rare_b):
        return 2
    protected_a, protected_b = a in vocabulary.protected, b in vocabulary.protected
    if (protected_a and (protected_b or not rare_b)) or (protected_b and not rare_a):
        return 2
    shortest = min(len(a), len(b))
    distance = min(_distance(a, b), _distance(_variant(a), _variant(b)))  # "sytems"
    return 1 if (distance == 1 and shortest >= 4) or (distance == 2 and shortest >= 8) else 2


def _compare(
    a: Sequence[str],
    b: Sequence[str],
    vocabulary: _Vocabulary,
    *,
    relaxed: bool = False,
    cut: bool = False,
) -> int | None:
    """How far two word sequences are from being one title: ``None`` when too far.

    Strict: stop words may be added, dropped or swapped, words split or
    joined ("peace keeping"), up to two words misspelt, or one word added
    after the first word of a title of five words or more ("including [east]
    Jerusalem"; it counts as two misspellings).  ``relaxed`` (same agenda item) also allows a
    changed word or two when three words in four are shared.  No number and
    no country name may change.  ``cut``: ``a`` or ``b`` is the start of a
    title the source cut short; no word may be added near the cut, where
    the rest of the title is unknown.  The result counts the misspellings.
    """
    typos = 0
    added: list[str] = []
    changed: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        left, right = a[i1:i2], b[j1:j2]
        if "".join(left) == "".join(right):
            continue
        left = [w for w in left if w not in _STOPWORDS]
        right = [w for w in right if w not in _STOPWORDS]
        if len(left) == len(right):
            costs = [_typo(x, y, vocabulary) for x, y in zip(left, right, strict=True)]
            if not costs or max(costs) < 2:
                typos += sum(costs)
                continue
        elif (
            len(left) + len(right) == 1
            and i1 > 0  # not at the head: "Implementation of the Declaration" is not it
            and j1 > 0
            and (not cut or (i2 < len(a) - 2 and j2 < len(b) - 2))  # nor by a cut
        ):
            added.extend(left or right)
            continue
        changed.extend([*left, *right])
    content = min(sum(w not in _STOPWORDS for w in a), sum(w not in _STOPWORDS for w in b))
    guarded = [*changed, *added]
    moved = set(a) & set(b)  # a word in both titles moved; it did not change
    if any(_numeric(w) or w in vocabulary.protected for w in guarded if w not in moved):
        return None
    if not changed and not added:
        return typos if typos <= 2 else None
    if not changed and len(added) == 1 and typos == 0 and content >= 5:
        return 2
    if not relaxed or typos > 2:
        return None
    words_a = {w for w in a if w not in _STOPWORDS}
    words_b = {w for w in b if w not in _STOPWORDS}
    shared = len(words_a & words_b) / max(len(words_a | words_b), 1)
    return typos + len(guarded) if shared >= 0.75 and content >= 3 else None


# --------------------------------------------------------------------------
# Linking


class _Groups:
    """Union-find over keys, tracking the sessions and roll calls of each group."""

    def __init__(self, keys: Iterable[str], sessions: dict[str, set[int]], counts: dict[str, int]):
        self.parent = {k: k for k in keys}
        self.sessions = {k: set(sessions.get(k, ())) for k in self.parent}
        self.counts = {k: counts.get(k, 0) for k in self.parent}
        self.links: list[tuple[str, str, str]] = []  # (key, key, rule) of every merge

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def disjoint(self, a: str, b: str) -> bool:
        return not self.sessions[self.find(a)] & self.sessions[self.find(b)]

    def union(self, a: str, b: str, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.links.append((a, b, rule))
            self.parent[rb] = ra
            self.sessions[ra] |= self.sessions.pop(rb)
            self.counts[ra] += self.counts.pop(rb)


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(f"{name}: missing column(s) {', '.join(missing)}")


def _protected_words() -> frozenset[str]:
    path = files("unvote").joinpath("data").joinpath("members.csv")
    with path.open(encoding="utf-8") as handle:
        names = [row["country"] for row in csv.DictReader(handle)]
    words = {w for name in names for w in normalise_title(name).split()}
    return frozenset(w for w in words if len(w) > 2 and w not in _STOPWORDS)


@dataclass
class _Linked:
    """The result of linking, before it is shaped into tables."""

    roll_call_items: pd.Series
    resolution_items: pd.Series | None
    text_titles: pd.Series
    keys: pd.Series | None  # the key of each roll call's title (None: restored, not linked)
    links: pd.DataFrame | None  # key_a, key_b, rule, item: the merges beyond equal keys


def _text_titles(roll_calls: pd.DataFrame) -> pd.Series:
    """The title that names each roll call's text.

    A separate vote takes the title of the roll call on its resolution as a
    whole when the record has one; a roll call with no title at all is named
    after its resolution symbol (or its id), which links it to nothing else.
    """
    whole = roll_calls[(roll_calls["vote_on"] == "resolution") & (roll_calls["title"] != "")]
    parent = whole.drop_duplicates("resolution").set_index("resolution")["title"]
    parent = parent[parent.index != ""]
    titles = roll_calls["title"].copy()
    separate = (roll_calls["vote_on"] != "resolution") & roll_calls["resolution"].isin(parent.index)
    titles[separate] = roll_calls.loc[separate, "resolution"].map(parent)
    return titles


def _untitled_key(resolution: str, roll_call: str) -> str:
    name = resolution or roll_call
    return "untitled " + " ".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())


def _link(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None) -> _Linked:
    """:func:`_link_anew`, kept by :func:`_inputs_digest`: the record, the items table, the
    search and the link reasons each link the same roll calls (seconds each time)."""
    linked = _LINKED.get(
        linking_digest(roll_calls, resolutions), lambda: _link_anew(roll_calls, resolutions)
    )
    return _Linked(
        roll_call_items=linked.roll_call_items.copy(),
        resolution_items=None
        if linked.resolution_items is None
        else linked.resolution_items.copy(),
        text_titles=linked.text_titles.copy(),
        keys=None if linked.keys is None else linked.keys.copy(),
        links=None if linked.links is None else linked.links.copy(),
    )


_LINKED: Recent[_Linked] = Recent()
"""The linkings made in this process, by :func:`linking_digest` (the last two)."""


def linking_digest(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None) -> str | None:
    """A digest of what the linking of these tables reads; None if they cannot be digested.

    Only the roll calls' :data:`LINKED_ROLL_CALL_COLUMNS` count, so the
    record's roll calls (which carry their ``item`` already) and the loader's
    share one linking.
    """
    columns = [c for c in LINKED_ROLL_CALL_COLUMNS if c in roll_calls.columns]
    return _inputs_digest(roll_calls[columns], resolutions)


def saved_links(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None) -> dict[str, Any]:
    """The items of the tables' roll calls and resolutions as lists, for a cache on disk.

    :func:`restore_links` takes them back in another process, which then need
    not link (seconds) the same tables again.
    """
    linked = _link(roll_calls, resolutions)
    return {
        "roll_call_items": linked.roll_call_items.tolist(),
        "resolution_items": None
        if linked.resolution_items is None
        else linked.resolution_items.tolist(),
    }


def restore_links(
    roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None, saved: dict[str, Any]
) -> None:
    """Take :func:`saved_links` of the same tables as this process's linking of them.

    Raises ValueError when ``saved`` does not fit the tables.
    """
    key = linking_digest(roll_calls, resolutions)
    rows, found = len(roll_calls), saved["roll_call_items"]
    found_res = saved["resolution_items"]
    if key is None or len(found) != rows or (found_res is None) != (resolutions is None):
        raise ValueError("saved links do not fit the tables")
    if resolutions is not None and len(found_res) != len(resolutions):
        raise ValueError("saved links do not fit the resolutions")
    titles = _text_titles(_prepared(roll_calls))
    items = pd.Series(found, index=roll_calls.index, name="item", dtype=object)
    res_items = None
    if resolutions is not None:
        res_items = pd.Series(found_res, index=resolutions.index, name="item", dtype=object)
    _LINKED.get(key, lambda: _Linked(items, res_items, titles, None, None))


def _inputs_digest(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None) -> str | None:
    """A digest of what the linking reads: its two tables and the shipped files it reads.

    None (linked anew each time) when a table holds values pandas cannot hash.
    """
    digest = hashlib.sha256()
    try:
        for table in (roll_calls, resolutions):
            if table is None:
                digest.update(b"\0none")
                continue
            shape = (list(map(str, table.columns)), list(map(str, table.dtypes)), table.shape)
            digest.update(repr(shape).encode())
            digest.update(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    except TypeError:  # unhashable cells (lists)
        return None
    for name in ("members.csv", "item-labels.csv"):
        digest.update(files("unvote").joinpath("data").joinpath(name).read_bytes())
    return digest.hexdigest()


def _prepared(roll_calls: pd.DataFrame) -> pd.DataFrame:
    """The columns the linking reads, as text where they are text."""
    _require(roll_calls, "roll_calls", LINKED_ROLL_CALL_COLUMNS)
    rc = roll_calls[list(LINKED_ROLL_CALL_COLUMNS)].astype(
        {c: str for c in LINKED_ROLL_CALL_COLUMNS if c not in ("date", "session")}
    )
    return rc.fillna({"resolution": "", "title": "", "identical_to": ""})


def _link_anew(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None) -> _Linked:
    rc = _prepared(roll_calls)
    titles = _text_titles(rc)
    title_keys = {t: normalise_title(t) for t in titles.unique() if t}
    keys = pd.Series([title_keys.get(t, "") for t in titles], index=titles.index, dtype=object)
    untitled = titles == ""
    keys[untitled] = [
        _untitled_key(r, i)
        for r, i in zip(rc.loc[untitled, "resolution"], rc.loc[untitled, "id"], strict=True)
    ]
    sessions_of: dict[str, set[int]] = defaultdict(set)
    for key, session in zip(keys, rc["session"].astype(int), strict=True):
        sessions_of[key].add(session)
    counts = keys.value_counts().to_dict()

    res_keys: pd.Series | None = None
    res = None
    if resolutions is not None:
        _require(resolutions, "resolutions", LINKED_RESOLUTION_COLUMNS)
        res = resolutions.reset_index(drop=True)
        res_titles = res["title"].fillna("").astype(str)
        for title in res_titles.unique():
            if title and title not in title_keys:
                title_keys[title] = normalise_title(title)
        res_keys = res_titles.map(lambda t: title_keys.get(t, ""))
        for key, session in zip(res_keys, res["session"], strict=True):
            if key and pd.notna(session):
                sessions_of[key].add(int(session))

    all_keys = {k for k in title_keys.values() if k} | set(keys)
    groups = _Groups(all_keys, sessions_of, counts)
    untitled_keys = set(keys[untitled])
    linkable = sorted(k for k in all_keys if k not in untitled_keys)

    # A DGACM resolution and its own roll call are one text, whatever the titles say.
    if res is not None and res_keys is not None:
        by_symbol = dict(zip(rc["resolution"], keys, strict=True))
        by_id = dict(zip(rc["id"], keys, strict=True))
        links = res["roll_call"].fillna("").astype(str) if "roll_call" in res else None
        for i, key in res_keys.items():
            if not key:
                continue
            own = by_id.get(links[i]) if links is not None and links[i] else None
            own = own or by_symbol.get(str(res.at[i, "symbol"]))
            if own and own not in untitled_keys:
                groups.union(own, key, "roll call")

    # "Agenda title : text title" -> the text title, when some roll call bears it alone.
    standalone = set(linkable)
    for title, key in title_keys.items():
        if key in untitled_keys:
            continue
        for tail in _tails(title):
            # "X : report of the Conference on Disarmament" is text X on that report.
            if tail.startswith(("report ", "reports ")):
                break
            if tail != key and tail in standalone and len(tail.split()) >= 2:
                groups.union(tail, key, "agenda : title")
                break

    # Misspellings and variants.
    word_keys: dict[str, set[str]] = defaultdict(set)
    word_sessions: dict[str, set[int]] = defaultdict(set)
    for key in linkable:
        for word in key.split():
            word_keys[word].add(key)
            word_sessions[word] |= sessions_of.get(key, set())
    vocabulary = _Vocabulary(
        rare=frozenset(w for w, s in word_sessions.items() if len(s) <= 2),
        protected=_protected_words(),
    )
    split = _Keys(vocabulary)
    for a, b in sorted(_candidate_pairs(linkable, word_keys)):
        if groups.find(a) == groups.find(b):
            continue
        typos = split.compare(a, b)
        if typos is None:
            continue
        if groups.disjoint(a, b) or (typos <= 1 and min(counts.get(a, 0), counts.get(b, 0)) <= 1):
            groups.union(a, b, "spelling" if typos < 2 else "added word")

    # Agenda items of the DGACM resolutions: a retitled text in the same item.
    if res is not None and res_keys is not None:
        _link_by_agenda(res, res_keys, groups, split, untitled_keys)

    canonical = _canonical_keys(groups, keys, rc)
    roots = keys.map(groups.find)
    items = _item_ids(roots.map(canonical), rc)
    whole = rc["vote_on"] == "resolution"
    root_items = dict(zip(roots[whole], items[whole], strict=True))
    twins = rc["identical_to"]
    has_twin = (twins != "") & twins.isin(rc["id"])
    if has_twin.any():
        by_id = pd.Series(items.to_numpy(), index=rc["id"].to_numpy())
        items[has_twin] = twins[has_twin].map(by_id).to_numpy()

    resolution_items = None
    if res is not None and res_keys is not None:
        resolution_items = pd.Series(
            [root_items.get(groups.find(k), "") if k else "" for k in res_keys],
            index=resolutions.index,
            name="item",
        )
    links = pd.DataFrame(groups.links, columns=["key_a", "key_b", "rule"])
    links["item"] = [root_items.get(groups.find(k), "") for k in links["key_a"]]
    return _Linked(items, resolution_items, titles, keys, links)


class _Keys:
    """Words of each key, split once: comparisons run on tens of thousands of pairs."""

    def __init__(self, vocabulary: _Vocabulary):
        self.vocabulary = vocabulary
        self.words: dict[str, tuple[list[str], bool, list[str]]] = {}
        self.variants: dict[str, str] = {}

    def split(self, key: str) -> tuple[list[str], bool, list[str]]:
        """Words, whether the title was cut, and the spelling-neutral content words."""
        if key not in self.words:
            words = key.split()
            cut = words[-1:] == ["..."]
            words = words[:-1] if cut else words
            content = []
            for w in words:
                if w in _STOPWORDS:
                    content.append("")
                    continue
                if w not in self.variants:
                    self.variants[w] = _variant(w)
                content.append(self.variants[w])
            self.words[key] = (words, cut, content)
        return self.words[key]

    def compare(self, a: str, b: str, *, relaxed: bool = False) -> int | None:
        """:func:`_compare` for two keys, a cut title compared with the start of the other."""
        wa, cut_a, ca = self.split(a)
        wb, cut_b, cb = self.split(b)
        if cut_a and cut_b:
            n = min(len(wa), len(wb))
            spans = [(n, n), (n, n - 1), (n - 1, n)]  # a word added before the cut
        elif cut_a or cut_b:
            n, whole = (len(wa), len(wb)) if cut_a else (len(wb), len(wa))
            if whole < n - 1:
                return None  # a complete title shorter than the start of another is not that one
            # An added or dropped stop word shifts where the cut falls in the other.
            spans = [(len(wa), m) if cut_a else (m, len(wb)) for m in (n, n - 1, n + 1)]
        else:
            spans = [(len(wa), len(wb))]
        best = None
        cut = cut_a or cut_b
        for i, j in spans:
            # Cheap test first: most candidate pairs differ in many words.
            words_a, words_b = set(ca[:i]) - {""}, set(cb[:j]) - {""}
            differ = len(words_a ^ words_b)
            if differ > (0.25 * len(words_a | words_b) + 2 if relaxed else 4):
                continue
            result = _compare(wa[:i], wb[:j], self.vocabulary, relaxed=relaxed, cut=cut)
            if result is not None and (best is None or result < best):
                best = result
        return best


def _candidate_pairs(keys: Sequence[str], word_keys: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs of keys worth comparing: sharing one of their three rarest content words."""
    content = {k: {w for w in k.split() if w not in _STOPWORDS and w != "..."} for k in keys}
    pairs: set[tuple[str, str]] = set()
    for key in keys:
        words = content[key]
        rarest = sorted(words, key=lambda w: (len(word_keys[w]), w))[:3]
        for word in rarest:
            for other in word_keys[word]:
                if other <= key:
                    continue
                near = abs(len(content[other]) - len(words)) <= 2
                if near or key.endswith("...") or other.endswith("..."):
                    pairs.add((key, other))
    return pairs


def _link_by_agenda(
    res: pd.DataFrame,
    res_keys: pd.Series,
    groups: _Groups,
    split: _Keys,
    untitled: set[str],
) -> None:
    """Link near-identical titles within one agenda item across sessions.

    Agenda items are renumbered every session, so an item is identified
    across sessions by the texts it shares (and by its name when the table
    has ``agenda_item_name``).
    """
    agenda = res["agenda_item"].fillna("").astype(str).str.strip()
    session = res["session"]
    nodes = [
        f"{int(s)}|{a}" if a and pd.notna(s) else "" for s, a in zip(session, agenda, strict=True)
    ]
    parent: dict[str, str] = {n: n for n in nodes if n}

    def find(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    first_node: dict[str, str] = {}
    names = res["agenda_item_name"] if "agenda_item_name" in res else pd.Series([None] * len(res))
    name_list = names.tolist()
    for node, key, name in zip(nodes, res_keys.tolist(), name_list, strict=True):
        if not node:
            continue
        handles = [f"text|{groups.find(key)}"] if key else []
        if isinstance(name, str) and name:
            handles.append(f"name|{normalise_title(name)}")
        for handle in handles:
            if handle in first_node:
                parent[find(node)] = find(first_node[handle])
            else:
                first_node[handle] = node
    by_agenda: dict[str, set[str]] = defaultdict(set)
    heads: dict[str, set[str]] = defaultdict(set)
    for node, key, title in zip(nodes, res_keys, res["title"].fillna(""), strict=True):
        if node and key and key not in untitled:
            by_agenda[find(node)].add(key)
            head = _head(str(title)) or key
            if len(_content(head)) >= 3:
                heads[key].add(head)
    for ordered in sorted(sorted(members) for members in by_agenda.values()):
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if groups.find(a) == groups.find(b) or not groups.disjoint(a, b):
                    continue
                # "Text: this year's theme" is the text, whatever the theme.
                if heads[a] & heads[b] or split.compare(a, b, relaxed=True) is not None:
                    groups.union(a, b, "agenda item")


def _head(title: str) -> str:
    """The key of what precedes a title's first colon ("" when it has none)."""
    parts = re.split(r"\s*:\s+|:#", title, maxsplit=1)
    return normalise_title(parts[0]) if len(parts) > 1 else ""


def _content(key: str) -> list[str]:
    return [w for w in key.split() if w not in _STOPWORDS and w != "..."]


def _canonical_keys(groups: _Groups, keys: pd.Series, rc: pd.DataFrame) -> dict[str, str]:
    """The key that names each group: its most used complete key.

    Ties go to the shorter key (the text's own title rather than "agenda :
    title"), then to the latest.
    """
    stats = pd.DataFrame({"key": keys.to_numpy(), "date": pd.to_datetime(rc["date"]).to_numpy()})
    stats = stats.groupby("key")["date"].agg(["size", "max"])
    best: dict[str, tuple] = {}
    for key, size, last in zip(stats.index, stats["size"], stats["max"], strict=True):
        root = groups.find(key)
        rank = (not key.endswith("..."), size, -key.count(" "), last, key)
        if root not in best or rank > best[root]:
            best[root] = rank
    return {root: rank[-1] for root, rank in best.items()}


_SLUG_STOPWORDS = _STOPWORDS | {"the"}
# Words that end many titles and say little about the text ("... of the United Nations").
_GENERIC_ENDINGS = frozenset(
    ("nations", "united", "assembly", "charter", "organization", "secretariat", "council")
)


def _slug(key: str, budget: int = MAX_ID_LENGTH) -> str:
    """A readable id: the key's words joined by '-', shortened past ``MAX_ID_LENGTH``.

    Too long a key first loses its stop words, then its middle words: the
    head says what kind of text it is and the last word, unless it is as
    general as "nations", whom it is about.

    >>> _slug("situation of human rights in islamic republic of iran")
    'situation-of-human-rights-in-islamic-republic-of-iran'
    >>> _slug("necessity of ending economic commercial and financial embargo imposed by "
    ...       "united states of america against cuba")
    'necessity-ending-economic-commercial-financial-embargo-cuba'
    """
    words = [w for w in key.split() if w != "..."]
    slug = "-".join(words)
    if len(slug) <= budget:
        return slug
    words = [w for w in words if w not in _SLUG_STOPWORDS] or words
    slug = "-".join(words)
    if len(slug) <= budget:
        return slug
    tail = [] if words[-1] in _GENERIC_ENDINGS else [words[-1]]
    head: list[str] = []
    for word in words[: len(words) - len(tail)]:
        if len("-".join([*head, word, *tail])) > budget:
            break
        head.append(word)
    return "-".join([*head, *tail])


def _item_ids(canonical: pd.Series, rc: pd.DataFrame) -> pd.Series:
    """Ids of (vote_on, canonical key) pairs; collisions numbered by first appearance."""
    frame = pd.DataFrame(
        {"key": canonical.to_numpy(), "vote_on": rc["vote_on"].to_numpy(), "date": rc["date"]}
    )
    first = frame.groupby(["vote_on", "key"])["date"].min().reset_index()
    first = first.sort_values(["date", "key", "vote_on"], ignore_index=True)
    used: set[str] = set()
    ids = []
    for key, vote_on in zip(first["key"], first["vote_on"], strict=True):
        if vote_on == "resolution":
            slug = _slug(key)
        else:
            slug = f"{_slug(key, MAX_ID_LENGTH - len(vote_on) - 1)}-{vote_on}"
        item, n = slug, 1
        while item in used:
            n += 1
            item = f"{slug}-{n}"
        used.add(item)
        ids.append(item)
    lookup = pd.Series(ids, index=pd.MultiIndex.from_frame(first[["vote_on", "key"]]))
    index = pd.MultiIndex.from_arrays([frame["vote_on"], frame["key"]])
    return pd.Series(lookup.reindex(index).to_numpy(), index=rc.index, name="item")


def link_items(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None = None) -> pd.Series:
    """The item of every roll call: a Series of item ids aligned on ``roll_calls``.

    ``roll_calls`` needs the columns :data:`LINKED_ROLL_CALL_COLUMNS` (as
    :func:`unvote.record.loaders.load_roll_calls` returns them).  ``resolutions`` (as
    ``load_resolutions`` returns the DGACM table: ``symbol, session, title,
    agenda_item, adoption`` and ``roll_call``) adds evidence for sessions 74
    onwards: a resolution and its roll call are one text, and agenda items
    link retitled texts.  The rules are in the module docstring.

    An id is the normalised title of the item's most used version, words
    joined by ``-`` (``"nuclear-disarmament"``); a separate vote adds its
    ``vote_on`` (``"nuclear-disarmament-paragraph"``).  Ids longer than
    :data:`MAX_ID_LENGTH` characters lose stop words, then middle words; two
    items with one id are told apart by ``-2``, ``-3`` in order of their first
    roll call.  A roll call with no title and no resolution to name it gets an
    ``untitled-...`` item of its own.

    >>> calls = pd.DataFrame({
    ...     "id": ["a", "b", "c", "d"],
    ...     "date": pd.to_datetime(["2003-11-04", "2004-10-28", "2004-10-28", "2005-11-08"]),
    ...     "session": [58, 59, 59, 60],
    ...     "resolution": ["A/RES/58/7", "A/RES/59/11", "A/RES/59/11", "A/RES/60/12"],
    ...     "title": ["Necessity of ending the embargo against Cuba",
    ...               "Necessity of ending the embargo againts Cuba", "",
    ...               "Necessity of ending the embargo against Cuba : resolution"],
    ...     "vote_on": ["resolution", "resolution", "paragraph", "resolution"],
    ...     "identical_to": ["", "", "", ""]})
    >>> for item in link_items(calls):
    ...     print(item)
    necessity-of-ending-embargo-against-cuba
    necessity-of-ending-embargo-against-cuba
    necessity-of-ending-embargo-against-cuba-paragraph
    necessity-of-ending-embargo-against-cuba
    """
    return _link(roll_calls, resolutions).roll_call_items


def link_resolutions(
    roll_calls: pd.DataFrame, resolutions: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """The items of the roll calls and of the DGACM resolutions, linked together.

    Returns ``(roll_call_items, resolution_items)``: the first as
    :func:`link_items`, the second aligned on ``resolutions`` ("" for a
    resolution whose text never had a roll call on it as a whole).  Used to
    date each item's adoptions without a vote.

    >>> calls = pd.DataFrame({
    ...     "id": ["a"], "date": pd.to_datetime(["2023-12-01"]), "session": [78],
    ...     "resolution": ["A/RES/78/9"], "title": ["Oceans and the law of the sea"],
    ...     "vote_on": ["resolution"], "identical_to": [""]})
    >>> res = pd.DataFrame({"symbol": ["A/RES/77/3"], "session": [77],
    ...     "title": ["Oceans and the law of the sea"], "agenda_item": ["75 a"],
    ...     "adoption": ["without a vote"]})
    >>> link_resolutions(calls, res)[1].tolist()
    ['oceans-and-law-of-sea']
    """
    linked = _link(roll_calls, resolutions)
    assert linked.resolution_items is not None
    return linked.roll_call_items, linked.resolution_items


def link_reasons(roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Why titles were linked: one row a merge beyond equal keys.

    Columns ``key_a, key_b`` (normalised titles), ``rule`` (``agenda :
    title``, ``spelling``, ``added word``, ``agenda item`` or ``roll call``:
    a DGACM resolution and its own roll call) and ``item`` (the item they
    ended in, "" for a text with no roll call on it as a whole).  For
    auditing the linking; the arguments are those of :func:`link_items`.

    >>> calls = pd.DataFrame({
    ...     "id": ["a", "b"], "date": pd.to_datetime(["1985-12-10", "1986-12-03"]),
    ...     "session": [40, 41], "resolution": ["", ""],
    ...     "title": ["UNRWA : protection of Palestine refugees",
    ...               "Protection of Palestine refugees"],
    ...     "vote_on": ["resolution"] * 2, "identical_to": [""] * 2})
    >>> link_reasons(calls)[["key_a", "rule"]].to_dict("records")
    [{'key_a': 'protection of palestine refugees', 'rule': 'agenda : title'}]
    """
    links = _link(roll_calls, resolutions).links
    if links is None:  # a linking restored from the cache keeps only the items
        links = _link_anew(roll_calls, resolutions).links
    assert links is not None
    return links


def roll_calls_with_items(
    roll_calls: pd.DataFrame, resolutions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of ``roll_calls`` with an ``item`` column (see :func:`link_items`).

    >>> calls = unvote.load_roll_calls()  # doctest: +SKIP
    >>> calls = roll_calls_with_items(calls)  # doctest: +SKIP
    >>> calls.query("resolution == 'A/RES/79/7'")["item"].item()  # doctest: +SKIP
    'necessity-ending-economic-commercial-financial-embargo-cuba'
    """
    out = roll_calls.copy()
    out["item"] = link_items(roll_calls, resolutions)
    return out


# --------------------------------------------------------------------------
# The items table


def _curated_labels() -> dict[str, str]:
    """Labels written by hand for the most-voted items (``data/item-labels.csv``)."""
    path = files("unvote").joinpath("data").joinpath("item-labels.csv")
    with path.open(encoding="utf-8") as handle:
        return {row["item"]: row["label"] for row in csv.DictReader(handle)}


_LABEL_REWRITES: tuple[tuple[str, str], ...] = (
    (r"^Necessity of ", ""),
    (r"^Situation of human rights in (?:the )?", "Human rights in "),
    (r"\bUnited States of America\b", "US"),
    (r"\bUnited Nations\b", "UN"),
    (r"\bDemocratic People's Republic of Korea\b", "DPRK"),
    (r"\b(?:the )?Islamic Republic of Iran\b", "Iran"),
    (r"\b(?:the )?Syrian Arab Republic\b", "Syria"),
    (r"\bOccupied Palestinian Territory\b", "OPT"),
)
MAX_LABEL_LENGTH = 60
"""Automatic labels longer than this are cut at a word and end in an ellipsis."""


def _display_title(title: str) -> str:
    """A title as the UN wrote it, without the catalogue's tail; ``[...]`` becomes an ellipsis."""
    title = _ADOPTED_RE.sub("", title).strip()
    return title.replace(" " + _TRUNCATED, "…").replace(_TRUNCATED, "…")


def short_label(title: str) -> str:
    """A label for charts made from a title: common long names shortened, at most 60 characters.

    Labels of the most-voted items are written by hand instead
    (``data/item-labels.csv``): cutting a long title cannot know which words
    carry its point.

    >>> short_label("Situation of human rights in the Islamic Republic of Iran")
    'Human rights in Iran'
    >>> short_label("Financing of the United Nations Interim Force in Lebanon")
    'Financing of the UN Interim Force in Lebanon'
    """
    label = _display_title(title)
    for pattern, repl in _LABEL_REWRITES:
        label = re.sub(pattern, repl, label)
    label = " ".join(label.split())
    if len(label) > MAX_LABEL_LENGTH:
        label = label[: MAX_LABEL_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return label[:1].upper() + label[1:]


def thresholds_for(last_yes: int) -> tuple[int, ...]:
    """Yes counts worth reporting for an item last adopted with ``last_yes`` votes in favour.

    The last yes count rounded down to a multiple of 5, then 5 and 15 below
    it (counts of 0 or less left out): a forecast says how likely the text is
    to keep its support, to lose a few votes, and to lose many.

    >>> thresholds_for(187)
    (185, 180, 170)
    >>> thresholds_for(12)
    (10, 5)
    """
    top = last_yes // 5 * 5
    return tuple(t for t in (top, top - 5, top - 15) if t > 0)


def _usual_days(dates: pd.Series, items: pd.Series) -> pd.DataFrame:
    """Per item, the (lower) median day of the year of ``dates`` as ``usual_month, usual_day``.

    Days count on a calendar without 29 February, so that a leap year does
    not move the usual date.
    """
    day = dates.dt.day_of_year - (dates.dt.is_leap_year & (dates.dt.day_of_year > 59))
    median = day.groupby(items.to_numpy()).quantile(0.5, interpolation="lower")
    usual = pd.Timestamp(2001, 1, 1) + pd.to_timedelta(median - 1, unit="D")
    return pd.DataFrame({"usual_month": usual.dt.month, "usual_day": usual.dt.day})


def _items_table(
    rc: pd.DataFrame, linked: _Linked, resolutions: pd.DataFrame | None
) -> pd.DataFrame:
    calls = pd.DataFrame(
        {
            "item": linked.roll_call_items.to_numpy(),
            "id": rc["id"].astype(str).to_numpy(),
            "date": pd.to_datetime(rc["date"]).to_numpy(),
            "session": rc["session"].to_numpy(),
            "vote_on": rc["vote_on"].astype(str).to_numpy(),
            "title": linked.text_titles.to_numpy(),
            "yes": rc["yes"].to_numpy() if "yes" in rc else np.nan,
            "twin": (rc["identical_to"].fillna("").astype(str) != "").to_numpy(),
        }
    )
    # A vote recorded under several symbols (identical_to) counts once.
    calls = calls[~calls["twin"]].sort_values(["date", "id"], kind="stable")
    grouped = calls.groupby("item", sort=False)
    table = grouped.agg(
        vote_on=("vote_on", "first"),
        first_roll_call=("id", "first"),
        last_roll_call=("id", "last"),
        first_date=("date", "first"),
        last_date=("date", "last"),
        n_roll_calls=("id", "size"),
        title=("title", "last"),
        last_yes=("yes", "last"),
    )
    recent = calls.drop_duplicates(["item", "date"]).groupby("item").tail(RECENT_ROLL_CALLS)
    table = table.join(_usual_days(recent["date"], recent["item"]))
    table["last_yes"] = pd.to_numeric(table["last_yes"], errors="coerce").astype("Int64")

    curated = _curated_labels()
    table["label"] = [
        curated.get(item) or short_label(title)
        for item, title in zip(table.index, table["title"], strict=True)
    ]
    table["title"] = table["title"].map(_display_title)
    table["consensus_adoptions"] = _consensus(table, calls, linked, resolutions)
    table["consensus_before_first_vote"] = _consensus(
        table, calls, linked, resolutions, before_first_vote=True
    )
    table = table.rename_axis("item").reset_index()
    table = table.sort_values(["first_date", "item"], ignore_index=True)
    return table[list(ITEM_COLUMNS)]


def _consensus(
    table: pd.DataFrame,
    calls: pd.DataFrame,
    linked: _Linked,
    resolutions: pd.DataFrame | None,
    *,
    before_first_vote: bool = False,
) -> pd.Series:
    """Resolutions of each item adopted without a vote; NaN where the table cannot say.

    With ``before_first_vote``, only those adopted before the item's first roll call.
    """
    unknown = pd.Series(np.nan, index=table.index)
    if resolutions is None or linked.resolution_items is None:
        return unknown
    adopted = resolutions["adoption"].fillna("").astype(str).str.casefold() == "without a vote"
    if before_first_vote and "date" in resolutions:
        first = linked.resolution_items.map(table["first_date"])
        dated = pd.to_datetime(resolutions["date"], errors="coerce")
        adopted &= (dated < first).fillna(False).to_numpy()
    items = linked.resolution_items[adopted.to_numpy()]
    counts = items[items != ""].value_counts()
    covered = set(pd.to_numeric(resolutions["session"], errors="coerce").dropna().astype(int))
    in_covered = calls[calls["session"].isin(covered)].groupby("item").size()
    known = (table["vote_on"] == "resolution") & (
        table.index.isin(in_covered.index) | table.index.isin(counts.index)
    )
    out = counts.reindex(table.index).fillna(0).astype(float)
    return out.where(known)


def _default_resolutions() -> pd.DataFrame | None:
    """The DGACM resolutions table when the loaders provide one."""
    from unvote.record import loaders as load

    loader = getattr(load, "load_resolutions", None)
    return loader() if loader is not None else None


def load_items(
    roll_calls: pd.DataFrame | None = None, resolutions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every item of the record: one row an item, columns :data:`ITEM_COLUMNS`.

    * ``item``: the id (see :func:`link_items`); ``vote_on``: ``resolution``
      for votes on a text as a whole, else the kind of separate vote;
    * ``title``: the latest title, as the UN wrote it (a title the source cut
      short ends in "…"); ``label``: a short label for charts (written by
      hand in ``data/item-labels.csv`` for the most-voted items, otherwise
      shortened from the title);
    * ``first_roll_call, last_roll_call`` (ids), ``first_date, last_date``,
      ``n_roll_calls``: the roll calls on the item, a vote recorded under
      several symbols (``identical_to``) counted once;
    * ``consensus_adoptions``: resolutions of the item the DGACM table lists
      as adopted without a vote.  It counts only the sessions that table
      covers (74-80 in the UN extract): 0 means none there; NaN means unknown
      (no table, a separate vote, or an item with no roll call in those
      sessions and no resolution there);
    * ``consensus_before_first_vote``: those adopted before the item's first
      roll call: a text put to a recorded vote for the first time after years
      of adoptions without a vote has a positive count (same NaN rule);
    * ``last_yes``: the yes count of the last roll call; ``usual_month,
      usual_day``: the median day of the year of its last
      :data:`RECENT_ROLL_CALLS` vote dates (see :class:`Item`).

    ``roll_calls`` defaults to :func:`unvote.record.loaders.load_roll_calls`;
    ``resolutions`` to the loaders' DGACM table when they have one.

    >>> calls = pd.DataFrame({
    ...     "id": ["a", "b", "c"],
    ...     "date": pd.to_datetime(["2022-11-03", "2023-11-02", "2024-10-30"]),
    ...     "session": [77, 78, 79], "resolution": ["A/RES/77/7", "A/RES/78/7", "A/RES/79/7"],
    ...     "title": ["Necessity of ending the embargo against Cuba"] * 3,
    ...     "vote_on": ["resolution"] * 3, "identical_to": [""] * 3, "yes": [185, 187, 187]})
    >>> res = pd.DataFrame({"symbol": ["A/RES/79/7", "A/RES/79/8"], "session": [79, 79],
    ...     "title": ["Necessity of ending the embargo against Cuba", "Something else"],
    ...     "agenda_item": ["38", "39"], "adoption": ["recorded vote", "without a vote"]})
    >>> items = load_items(calls, res)
    >>> print(items[["n_roll_calls", "last_yes", "usual_month", "usual_day"]].to_string())
       n_roll_calls  last_yes  usual_month  usual_day
    0             3       187           11          2
    >>> get_item("cuba", items).thresholds
    (185, 180, 170)
    """
    if roll_calls is None:
        from unvote.record.loaders import load_roll_calls

        roll_calls = load_roll_calls()
    if resolutions is None:
        resolutions = _default_resolutions()
    key = _inputs_digest(roll_calls, resolutions)
    items = _BUILT.get(
        key, lambda: _items_table(roll_calls, _link(roll_calls, resolutions), resolutions)
    )
    return items.copy()


_BUILT: Recent[pd.DataFrame] = Recent()
"""The items tables built in this process, by :func:`_inputs_digest` (the last two): a
forecast, a search or a notebook asks for the table again and again."""


# --------------------------------------------------------------------------
# Finding items


@functools.lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    """The words of a title as :func:`find_items` compares them (kept: each search reads all)."""
    return tuple(normalise_title(text).replace("...", " ").split())


RECENT_YEARS = 3
"""A text voted within this many years of the record's last vote is recurring now."""

CLEARLY_MORE = 1.5
"""Between two otherwise equal matches, one with this many times the other's roll calls wins."""


def find_items(query: str, items: pd.DataFrame | None = None) -> pd.DataFrame:
    """Items whose title, label or id hold every word of ``query``, best match first.

    Case, accents, punctuation and word order do not matter; a query word
    matches the start of a word ("refugee" finds "refugees").  The ranking
    is what a user means by a few words: a vote on a resolution as a whole
    before its motions, amendments and paragraph votes; a text still voted
    (within :data:`RECENT_YEARS` of the last vote of ``items``) before an old
    one; a title the words spell out whole before one that merely holds them;
    then the most roll calls, the most recent, the id.  The column ``match``
    says why each row ranks where it does.  ``items`` defaults to
    :func:`load_items`.

    >>> items = pd.DataFrame({
    ...     "item": ["ending-embargo-against-cuba", "oil-embargo-against-south-africa"],
    ...     "title": ["Ending the embargo against Cuba", "Oil embargo against South Africa"],
    ...     "label": ["ending the US embargo against Cuba", "oil embargo against South Africa"],
    ...     "vote_on": ["resolution", "resolution"], "n_roll_calls": [32, 11],
    ...     "last_date": pd.to_datetime(["2024-10-30", "1991-12-13"])})
    >>> find_items("Embargo", items)[["item", "match"]].to_numpy().tolist()
    [['ending-embargo-against-cuba', 'resolution, voted until 2024, 32 roll calls'], \
['oil-embargo-against-south-africa', 'resolution, last voted 1991, 11 roll calls']]
    >>> find_items("cuba embargo", items)["item"].tolist()
    ['ending-embargo-against-cuba']
    """
    wanted = _words(query)
    if not wanted:
        raise UnknownNameError(f"no words to look for in {query!r}")
    items = load_items() if items is None else items
    haystacks = [
        set(_words(f"{title} {label} {item.replace('-', ' ')}"))
        for item, title, label in zip(items["item"], items["title"], items["label"], strict=True)
    ]
    keep = [all(any(word.startswith(w) for word in words) for w in wanted) for words in haystacks]
    found = items[keep].copy()
    recent_since = items["last_date"].max() - pd.DateOffset(years=RECENT_YEARS)
    key = normalise_title(query)
    found["_whole"] = found["vote_on"] == "resolution"
    found["_recent"] = found["last_date"] >= recent_since
    found["_exact"] = [
        normalise_title(t) == key or normalise_title(label) == key
        for t, label in zip(found["title"], found["label"], strict=True)
    ]
    found["match"] = [
        ", ".join(
            [
                "resolution" if whole else f"{vote_on} vote",
                *(["the whole title"] if exact else []),
                f"voted until {last:%Y}" if recent else f"last voted {last:%Y}",
                f"{n} roll call{'s' if n != 1 else ''}",
            ]
        )
        for whole, exact, recent, vote_on, last, n in zip(
            found["_whole"],
            found["_exact"],
            found["_recent"],
            found["vote_on"],
            found["last_date"],
            found["n_roll_calls"],
            strict=True,
        )
    ]
    ranked = found.sort_values(
        ["_whole", "_recent", "_exact", "n_roll_calls", "last_date", "item"],
        ascending=[False, False, False, False, False, True],
        kind="stable",
    )
    return ranked.drop(columns=["_whole", "_recent", "_exact"])


def clearly_best(found: pd.DataFrame) -> bool:
    """Whether the first row of :func:`find_items` is clearly what was meant, not a tie.

    It is when it beats the second on the kind of vote, on being voted
    recently or on spelling out the whole title, or when, equal on those, it
    has :data:`CLEARLY_MORE` times the second's roll calls.
    """
    if len(found) < 2:
        return len(found) == 1
    first, second = (_standing(row) for _, row in found.head(2).iterrows())
    if first != second:
        return True
    return bool(found["n_roll_calls"].iloc[0] >= CLEARLY_MORE * found["n_roll_calls"].iloc[1])


def _standing(row: pd.Series) -> tuple[bool, bool, bool]:
    """What :func:`find_items` ranks on before counting roll calls, read back from ``match``."""
    return (
        row["vote_on"] == "resolution",
        "voted until" in row["match"],
        "the whole title" in row["match"],
    )


@dataclass(frozen=True)
class Item:
    """A recurring text, as the forecasting stack needs it.

    ``thresholds`` are the yes counts worth reporting (:func:`thresholds_for`
    applied to ``last_yes``); :meth:`usual_date` is when the item is usually
    voted, from the median day of the year of its last few vote dates.

    >>> item = Item(id="necessity-ending-economic-commercial-financial-embargo-cuba",
    ...     title="Necessity of ending the economic, commercial and financial embargo "
    ...           "imposed by the United States of America against Cuba",
    ...     label="ending the US embargo against Cuba", vote_on="resolution",
    ...     first_year=1992, last_date=pd.Timestamp("2024-10-30"), n_roll_calls=32,
    ...     consensus_adoptions=0.0, last_yes=187, usual_month=11, usual_day=2)
    >>> item.thresholds
    (185, 180, 170)
    >>> item.usual_date(2025)
    Timestamp('2025-11-02 00:00:00')
    """

    id: str
    title: str
    label: str
    vote_on: str
    first_year: int
    last_date: pd.Timestamp
    n_roll_calls: int
    consensus_adoptions: float
    last_yes: int | None
    usual_month: int
    usual_day: int
    consensus_before_first_vote: float = float("nan")
    """Adoptions without a vote before the first roll call (see :func:`load_items`)."""

    @property
    def phrase(self) -> str:
        """The label inside a sentence: "Ending the US embargo" -> "ending the US embargo"."""
        label = self.label
        return label[:1].lower() + label[1:] if label[1:2].islower() else label

    @property
    def thresholds(self) -> tuple[int, ...]:
        """Yes counts worth reporting: see :func:`thresholds_for`."""
        return thresholds_for(self.last_yes) if self.last_yes is not None else ()

    @property
    def first_voted_after_consensus(self) -> str | None:
        """A sentence when the text was first put to a vote after adoptions without one.

        >>> Item(id="x", title="X", label="X", vote_on="resolution", first_year=2025,
        ...     last_date=pd.Timestamp("2025-12-15"), n_roll_calls=1, consensus_adoptions=3.0,
        ...     last_yes=120, usual_month=12, usual_day=15,
        ...     consensus_before_first_vote=3.0).first_voted_after_consensus
        'first put to a recorded vote in 2025, after 3 adoptions without a vote'
        """
        count = self.consensus_before_first_vote
        if not count or np.isnan(count):
            return None
        times = "an adoption" if count == 1 else f"{int(count)} adoptions"
        return f"first put to a recorded vote in {self.first_year}, after {times} without a vote"

    def usual_date(self, year: int) -> pd.Timestamp:
        """The item's usual vote date in ``year``."""
        return pd.Timestamp(year, self.usual_month, self.usual_day)

    @classmethod
    def from_row(cls, row: pd.Series) -> Item:
        """The item of one row of :func:`load_items`."""
        last_yes = row["last_yes"]
        return cls(
            id=str(row["item"]),
            title=str(row["title"]),
            label=str(row["label"]),
            vote_on=str(row["vote_on"]),
            first_year=int(pd.Timestamp(row["first_date"]).year),
            last_date=pd.Timestamp(row["last_date"]),
            n_roll_calls=int(row["n_roll_calls"]),
            consensus_adoptions=float(row["consensus_adoptions"]),
            last_yes=None if pd.isna(last_yes) else int(last_yes),
            usual_month=int(row["usual_month"]),
            usual_day=int(row["usual_day"]),
            consensus_before_first_vote=float(row.get("consensus_before_first_vote", np.nan)),
        )


def get_item(id_or_words: str, items: pd.DataFrame | None = None) -> Item:
    """The :class:`Item` with this id, or the item these words clearly mean.

    Words are looked up as in :func:`find_items` (``"cuba-embargo"`` and
    ``"embargo Cuba"`` both work), and its first match is taken when it is
    :func:`clearly_best`; a caller that took words, not an id, can say which
    item that was (the command line does, on stderr).  Raises
    :class:`~unvote.errors.UnknownNameError` naming the nearest ids when
    nothing matches, and listing the candidates when several do.
    ``items`` defaults to :func:`load_items`.

    >>> items = pd.DataFrame({
    ...     "item": ["oil-embargo", "arms-embargo"],
    ...     "title": ["Oil embargo against South Africa", "Arms embargo against South Africa"],
    ...     "label": ["oil embargo against South Africa", "arms embargo against South Africa"],
    ...     "vote_on": ["resolution", "resolution"],
    ...     "first_date": pd.to_datetime(["1979-12-12", "1974-12-16"]),
    ...     "last_date": pd.to_datetime(["1991-12-13", "1990-12-17"]),
    ...     "n_roll_calls": [11, 9], "consensus_adoptions": [float("nan")] * 2,
    ...     "last_yes": [120, 114], "usual_month": [12, 12], "usual_day": [13, 16]})
    >>> get_item("oil embargo", items).title
    'Oil embargo against South Africa'
    >>> get_item("embargo south africa", items)
    Traceback (most recent call last):
    ...
    unvote.errors.UnknownNameError: 'embargo south africa' matches 2 items, none clearly best: ...
    >>> get_item("oil-enbargo", items)
    Traceback (most recent call last):
    ...
    unvote.errors.UnknownNameError: unknown item 'oil-enbargo'; did you mean oil-embargo?
    """
    items = load_items() if items is None else items
    exact = items[items["item"] == id_or_words]
    if len(exact) == 1:
        return Item.from_row(exact.iloc[0])
    words = " ".join(re.split(r"[\s_-]+", id_or_words))
    found = find_items(words, items) if _words(words) else items.iloc[:0]
    if len(found) and clearly_best(found):
        return Item.from_row(found.iloc[0])
    if len(found) > 1:
        shown = ", ".join(found["item"].head(5))
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise UnknownNameError(
            f"{id_or_words!r} matches {len(found)} items, none clearly best: {shown}{more}; "
            "give an id (find_items lists them with the reason)"
        )
    near = difflib.get_close_matches(id_or_words, list(items["item"]), n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(near)}?" if near else ": no item id or title matches it"
    raise UnknownNameError(f"unknown item {id_or_words!r}{hint}")


# --------------------------------------------------------------------------
# Similar titles

SIMILAR_TOP = 10
"""How many neighbours :func:`similar_items` keeps per item."""

SIMILAR_MIN = 0.2
"""Cosine similarity below which two titles are not neighbours."""

_COMMON_TERM = 0.05
"""Terms in more than this share of titles (e.g. "united nations") carry almost no
weight under TF-IDF; leaving them out of the pairing keeps it fast (they still
count in each title's norm)."""


def _terms(key: str) -> list[str]:
    words = [w for w in key.split() if w not in _STOPWORDS and w != "..."]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def similar_items(titles: pd.Series, top: int = SIMILAR_TOP) -> pd.DataFrame:
    """The most similar other items of each item, by the words of their titles.

    ``titles`` maps item ids to a title each (e.g. ``load_items()`` indexed by
    ``item``).  Similarity is the cosine of TF-IDF vectors of the normalised
    titles (words and pairs of neighbouring words, stop words left out,
    sublinear term frequency).  Returns ``item, neighbour, similarity``: up to
    ``top`` neighbours an item with similarity at least :data:`SIMILAR_MIN`,
    best first.  A text voted on for the first time is forecast from the
    member's votes on its nearest neighbours (:mod:`unvote.model.features`).

    >>> titles = pd.Series({
    ...     "a": "Nuclear disarmament", "b": "Nuclear disarmament verification",
    ...     "c": "Assistance to Palestine refugees"})
    >>> similar_items(titles).round(2).to_numpy().tolist()
    [['a', 'b', 0.68], ['b', 'a', 0.68]]
    """
    items = titles.index.to_numpy()
    docs = [_terms(normalise_title(str(t))) for t in titles]
    vocabulary: dict[str, int] = {}
    doc_of, term_of, counts = [], [], []
    for d, terms in enumerate(docs):
        for term, count in pd.Series(terms, dtype=object).value_counts().items():
            doc_of.append(d)
            term_of.append(vocabulary.setdefault(str(term), len(vocabulary)))
            counts.append(count)
    doc = np.asarray(doc_of, dtype=np.int64)
    term = np.asarray(term_of, dtype=np.int64)
    df = np.bincount(term, minlength=len(vocabulary))
    weight = (1 + np.log(np.asarray(counts, float))) * (np.log((1 + len(docs)) / (1 + df)) + 1)[
        term
    ]
    norm = np.sqrt(np.bincount(doc, weights=weight**2, minlength=len(docs)))
    weight = weight / norm[doc]
    # Pair every two titles that share a term no more common than _COMMON_TERM.
    useful = (df[term] >= 2) & (df[term] <= max(2, _COMMON_TERM * len(docs)))
    order = np.argsort(term[useful], kind="stable")
    t, d, w = term[useful][order], doc[useful][order], weight[useful][order]
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    ends = np.r_[starts[1:], len(t)]
    left, right, product = [], [], []
    for a, b in zip(starts, ends, strict=True):
        i, j = np.meshgrid(np.arange(a, b), np.arange(a, b), indexing="ij")
        keep = i != j
        left.append(d[i[keep]])
        right.append(d[j[keep]])
        product.append(w[i[keep]] * w[j[keep]])
    if not left:
        return pd.DataFrame({"item": [], "neighbour": [], "similarity": []})
    pairs = pd.DataFrame(
        {"a": np.concatenate(left), "b": np.concatenate(right), "s": np.concatenate(product)}
    )
    pairs = pairs.groupby(["a", "b"], sort=False)["s"].sum().reset_index()
    pairs = pairs[pairs["s"] >= SIMILAR_MIN]
    pairs = pairs.sort_values(["a", "s", "b"], ascending=[True, False, True], kind="stable")
    pairs = pairs.groupby("a", sort=False).head(top)
    return pd.DataFrame(
        {
            "item": items[pairs["a"].to_numpy()],
            "neighbour": items[pairs["b"].to_numpy()],
            "similarity": pairs["s"].to_numpy(),
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------
# One item's votes


def _item_calls(item: str | Item, roll_calls: pd.DataFrame | None) -> tuple[Item, pd.DataFrame]:
    """The item and its roll calls on the text as a whole, a vote recorded twice counted once."""
    from unvote.record.loaders import load_resolutions, load_roll_calls

    calls = load_roll_calls() if roll_calls is None else roll_calls
    if "item" not in calls:
        calls = roll_calls_with_items(calls, load_resolutions())
    found = item if isinstance(item, Item) else get_item(str(item), load_items(calls))
    mine = calls[(calls["item"] == found.id) & (calls["identical_to"].fillna("") == "")]
    return found, mine.sort_values("date", kind="stable")


def load_item_totals(item: str | Item, *, roll_calls: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tallies of every recorded vote on one text: one row a roll call.

    Columns ``year, date, session, resolution, yes, abstain, no, absent,
    members, id``; ``item`` is an item id or words that find it
    (:func:`get_item`).  ``roll_calls`` takes :func:`unvote.record.loaders.load_roll_calls`
    output already at hand.

    >>> totals = load_item_totals("cuba embargo")
    >>> totals.loc[totals["year"] == 2025, ["yes", "no", "abstain", "absent"]].to_numpy().tolist()
    [[165, 7, 12, 9]]
    >>> len(totals), int(totals["year"].min())
    (33, 1992)
    """
    _, calls = _item_calls(item, roll_calls)
    frame = calls.assign(year=calls["date"].dt.year)
    columns = ["year", "date", "session", "resolution", "yes", "abstain", "no", "absent"]
    return frame[[*columns, "members", "id"]].reset_index(drop=True)


def load_item_votes(
    item: str | Item,
    *,
    roll_calls: pd.DataFrame | None = None,
    votes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every member's vote at every recorded vote on one text.

    Columns ``year, date, session, resolution, iso3, country, vote``;
    ``vote`` is a Categorical (``yes, abstain, no, absent``; absent: a member
    that cast no vote, whatever the reason), one row a member on the day of
    each vote.  ``item`` is an item id or words (:func:`get_item`);
    ``roll_calls`` and ``votes`` take the loaders' output already at hand.

    >>> votes = load_item_votes("cuba embargo")
    >>> votes.shape
    (6279, 7)
    >>> votes.query("year == 2025 and vote == 'no'")["iso3"].tolist()
    ['ARG', 'HUN', 'ISR', 'MKD', 'PRY', 'UKR', 'USA']
    """
    from unvote.record.loaders import load_member_votes, load_members

    _, calls = _item_calls(item, roll_calls)
    if votes is None:
        votes = load_member_votes()
    chosen = votes[votes["id"].isin(calls["id"])]
    frame = chosen.assign(id=chosen["id"].astype(str), iso3=chosen["iso3"].astype(str)).merge(
        calls[["id", "date", "session", "resolution"]], on="id"
    )
    names = load_members().drop_duplicates("iso3", keep="last").set_index("iso3")["country"]
    frame["country"] = frame["iso3"].map(names)
    frame["year"] = frame["date"].dt.year
    frame = frame.sort_values(["date", "iso3"], ignore_index=True)
    return frame[["year", "date", "session", "resolution", "iso3", "country", "vote"]]
