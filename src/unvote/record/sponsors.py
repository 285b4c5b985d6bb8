"""Sponsor lists as the UN writes them: one reader for the extracts, the library and the CLI.

The UN names the authors of a draft in its own words: "Austria and Uruguay",
"BAHAMAS (THE)", "NETHERLANDS (KINGDOM OF THE)", "Iraq (on behalf of the
States Members of the United Nations that are members of the Group of 77 and
China)", "submitted by the President of the General Assembly".
:class:`SponsorReader` reads such a list (one string whose entries are
separated by ``;``, or a list of entries) into a :class:`SponsorList` of
:class:`Sponsor` rows, each of one kind (:data:`~unvote.vocabulary.SPONSOR_KINDS`):

* ``member``: a State that sponsors the text, by its ISO3 code;
* ``observer``: the State of Palestine or the Holy See
  (:data:`~unvote.vocabulary.OBSERVERS`): they sponsor texts but cannot vote,
  so they are kept apart from the members;
* ``group``: a group named with no State speaking for it ("Group of 77 and
  China" written alone);
* ``officer``: an officer or organ of the Assembly, not a State sponsoring:
  "submitted by the President of the General Assembly", "submitted by the
  Vice-Chair of the Committee, ... (Peru) and on the basis of informal
  consultations", "the representative of Brazil, on behalf of the Bureau",
  "MOROCCO (IN ITS CAPACITY AS CHAIR OF THE COMMITTEE ON THE PEACEFUL USES OF
  OUTER SPACE)", "ON THE BASIS OF THE REPORT OF THE CREDENTIALS COMMITTEE";
  ``iso3`` is the officer's State where the text names one (Peru, Brazil,
  Morocco), blank otherwise;
* ``other``: an entry that names no State clearly, as the UN's layout
  sometimes breaks a list ("ANGOLA BAHAMAS", "THE OF KOREA").  Only when the
  caller keeps such entries (``unknown="keep"``, the extract reader, which
  reports each); otherwise an unknown name raises
  :class:`~unvote.errors.UnknownCountryError` naming it.

The group a State speaks for ("on behalf of the States Members of the United
Nations that are members of the Group of 77 and China", "in its capacity as
Chair of the Arab Group") is kept in ``group`` of that State's row: a code of
:data:`SPONSOR_GROUPS` (``G77``, ``NAM``, ``AFRICAN``, ``ARAB``, ``OIC``,
``EU``, ...), or ``other`` for a group not listed there.  It is a strong
signal: a text tabled for the Group of 77 is voted as one.
:attr:`SponsorList.groups` lists them; the extract's sponsor table has them
in its ``group`` column.

Reading rules.  Entries are split at ``;``.  An entry naming several States
is split at ",", "and", "&" and ". " outside parentheses, and every way of
joining the pieces is tried, so that "Trinidad and Tobago and Uruguay" is two
States.  A name is read exactly (the UN's names, ISO 3166's, common English
ones and codes, case, accents and punctuation aside), in ISO's inverted form
("CONGO (DEMOCRATIC REPUBLIC OF THE)"), or with its spaces lost ("GE RMANY");
failing that, a near miss of one name ("NAMBIA"), a name contained in one
member's name only ("Moldova", "SOLOMON"), or names that lost the separator
between them ("COMOROS CONGO").  A parenthesis that is not a
qualifier belongs to the name ("(THE)", "(KINGDOM OF THE)").  A qualifier
written without parentheses ("CUBA, ON BEHALF OF THE MOVEMENT OF NON-ALIGNED
COUNTRIES") runs to the end of its entry.  A State listed twice counts once.

>>> reader = SponsorReader()
>>> read = reader.read(
...     "Iraq (on behalf of the States Members of the United Nations that are members of "
...     "the Group of 77 and China), Kyrgyzstan and Uzbekistan; STATE OF PALESTINE; "
...     "submitted by the President of the General Assembly")
>>> read.members, read.groups, read.observers, len(read.officers)
(('IRQ', 'KGZ', 'UZB'), ('G77',), ('PSE',), 1)
>>> reader.read("Atlantis; Cuba", where="roll call 'x'")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
unvote.errors.UnknownCountryError: roll call 'x': unknown sponsor 'Atlantis': not a UN member, ...
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from unvote.errors import InvalidValueError, UnknownCountryError
from unvote.record.countries import CountryNames, normalise
from unvote.vocabulary import OBSERVERS, SPONSOR_KINDS

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SPONSOR_GROUPS",
    "SPONSOR_KINDS",
    "Sponsor",
    "SponsorList",
    "SponsorReader",
    "read_sponsors",
]

SPONSOR_GROUPS: dict[str, tuple[str, str]] = {
    "G77": ("the Group of 77 and China", r"group of 77(?: and china)?|g ?77(?: and china)?"),
    "NAM": ("the Movement of Non-Aligned Countries", r"(?:movement of )?non aligned \w+|nam"),
    "AFRICAN": ("the Group of African States", r"group of african states|african group"),
    "ARAB": (
        "the Group of Arab States (League of Arab States)",
        r"league of arab states|arab league|(?:group of )?arab (?:states )?group"
        r"|group of arab states",
    ),
    "OIC": (
        "the Organization of Islamic Cooperation",
        r"organi[sz]ation of (?:the )?islamic (?:cooperation|conference)|oic",
    ),
    "EU": ("the European Union", r"european union(?: and its member states)?|eu"),
    "AU": ("the African Union", r"african union"),
    "ASEAN": (
        "the Association of Southeast Asian Nations",
        r"association of south ?east asian nations|asean",
    ),
    "ECOWAS": (
        "the Economic Community of West African States",
        r"economic community of west african states|ecowas",
    ),
    "ECCAS": (
        "the Economic Community of Central African States",
        r"economic community of central african states|eccas",
    ),
    "SADC": (
        "the Southern African Development Community",
        r"southern african development community|sadc",
    ),
    "UNSAC": (
        "the UN Standing Advisory Committee on Security Questions in Central Africa",
        r"(?:united nations )?standing advisory committee on security questions in central africa",
    ),
    "GRULAC": (
        "the Group of Latin American and Caribbean States",
        r"group of latin american and caribbean states|grulac",
    ),
    "CELAC": (
        "the Community of Latin American and Caribbean States",
        r"community of latin american and caribbean states|celac",
    ),
    "CARICOM": ("the Caribbean Community", r"caribbean community|caricom"),
    "SICA": (
        "the Central American Integration System",
        r"central american integration system|sica",
    ),
    "AOSIS": ("the Alliance of Small Island States", r"alliance of small island states|aosis"),
    "PIF": ("the Pacific Islands Forum", r"pacific islands forum"),
    "LDC": ("the least developed countries", r"(?:group of )?least developed countries|ldcs?"),
    "LLDC": (
        "the landlocked developing countries",
        r"(?:group of )?landlocked developing countries|lldcs?",
    ),
    "GCC": (
        "the Gulf Cooperation Council",
        r"gulf cooperation council|cooperation council for the arab states of the gulf",
    ),
    "CIS": ("the Commonwealth of Independent States", r"commonwealth of independent states"),
    "CPLP": (
        "the Community of Portuguese-speaking Countries",
        r"community of portuguese speaking countries",
    ),
    "NORDIC": ("the Nordic countries", r"nordic countries"),
    "APG": ("the Group of Asia-Pacific States", r"group of asia pacific states|asia pacific group"),
    "EEG": (
        "the Group of Eastern European States",
        r"group of eastern european states|eastern european group",
    ),
    "WEOG": (
        "the Group of Western European and other States",
        r"group of western european and others? states|western european and others group",
    ),
}
"""Groups a State may speak for: code -> (name, pattern of the name, normalised)."""

OTHER_GROUP = "other"
"""``group`` of a State speaking for a group not in :data:`SPONSOR_GROUPS`."""

_GROUPS = {code: re.compile(rf"\b(?:{pattern})\b") for code, (_, pattern) in SPONSOR_GROUPS.items()}
_BARE_GROUP = {
    code: re.compile(
        rf"(?:(?:the )?states members of the united nations that are )?(?:members of (?:the )?)?"
        rf"(?:{pattern})"
    )
    for code, (_, pattern) in SPONSOR_GROUPS.items()
}
_QUALIFIER = re.compile(r"(?:on|of) behalf of\b|in (?:its|his|her) capacity as\b", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:[,;&]|\.(?=\s)|\band\b)\s*", re.IGNORECASE)
_OFFICER = re.compile(
    r"\b(?:submitted|introduced|representative|president|vice chair|chair|chairman|chairperson|"
    r"rapporteur|bureau|committee|commission|working group|consultations|on the basis of)\b"
)
_REPRESENTATIVE = re.compile(r"representative of (.+?)(?:,|\(|\bon behalf\b|$)", re.IGNORECASE)
_MAX_SPAN = 6
"""Most pieces one name is made of ("United Kingdom of Great Britain and Northern Ireland": 2)."""
_EXACT, _LOOSE, _UNKNOWN = 1, 3, 1000
"""Costs of a reading: exact names are preferred, then the fewest names, unknown pieces last."""


@dataclass(frozen=True)
class Sponsor:
    """One row of a sponsor list.

    ``kind`` one of :data:`~unvote.vocabulary.SPONSOR_KINDS`; ``iso3`` the
    State (blank for a group, for an officer whose State is not named, and
    for ``other``); ``group`` the group the State speaks for (a code of
    :data:`SPONSOR_GROUPS`, ``other``, or blank); ``name`` the entry as written.
    """

    kind: str
    iso3: str = ""
    group: str = ""
    name: str = ""


@dataclass(frozen=True)
class SponsorList:
    """A sponsor list as read: its rows, and the members, groups, observers and officers in it.

    >>> sponsors = SponsorList((Sponsor("member", "CUB", "NAM", "Cuba (on behalf of ...)"),))
    >>> sponsors.members, sponsors.groups
    (('CUB',), ('NAM',))
    """

    entries: tuple[Sponsor, ...] = ()

    def _of(self, kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.iso3 for s in self.entries if s.kind == kind and s.iso3))

    @property
    def members(self) -> tuple[str, ...]:
        """ISO3 codes of the member sponsors, in the order listed, each once."""
        return self._of("member")

    @property
    def observers(self) -> tuple[str, ...]:
        """ISO3 codes of the observer States among the sponsors (``PSE``, ``VAT``)."""
        return self._of("observer")

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups the sponsors speak for (codes of :data:`SPONSOR_GROUPS`), each once."""
        return tuple(dict.fromkeys(s.group for s in self.entries if s.group))

    @property
    def officers(self) -> tuple[str, ...]:
        """The entries naming an officer or organ of the Assembly, as written."""
        return tuple(dict.fromkeys(s.name for s in self.entries if s.kind == "officer"))

    @property
    def unread(self) -> tuple[str, ...]:
        """The entries that name no State clearly (kept only by ``unknown="keep"``)."""
        return tuple(dict.fromkeys(s.name for s in self.entries if s.kind == "other"))


@dataclass
class _Piece:
    """A stretch of an entry between two separators: text, the separator before it, qualifiers."""

    text: str
    sep: str
    qualifiers: list[str]


class SponsorReader:
    """Reads sponsor lists against one membership table (see the module docstring).

    ``members`` as :func:`unvote.record.loaders.load_members` returns them (read when
    not given).  A reader remembers the entries it has read, so one reader
    for a whole file or extract reads each distinct entry once.

    >>> reader = SponsorReader()
    >>> reader.read("BAHAMAS (THE), Austria and Uruguay; Trinidad and Tobago").members
    ('BHS', 'AUT', 'URY', 'TTO')
    >>> reader.read("  ") is None
    True
    """

    def __init__(self, members: pd.DataFrame | None = None) -> None:
        if members is None:
            from unvote.record.loaders import load_members

            members = load_members()
        self.names = CountryNames(members)
        self._entries: dict[str, tuple[tuple[Sponsor, ...], tuple[str, ...]]] = {}
        self._spans: dict[str, tuple[str, str, int] | None] = {}

    def read(
        self,
        text: str | Iterable[str] | SponsorList | None,
        *,
        where: str = "sponsors",
        unknown: Literal["raise", "keep"] = "raise",
    ) -> SponsorList | None:
        """A sponsor list: ``text`` with entries separated by ``;``, or the entries in a list.

        None, NaN or a blank list is None (sponsors not known).  An unknown
        name raises :class:`~unvote.errors.UnknownCountryError` prefixed by
        ``where``, unless ``unknown="keep"``: then it is a row of kind ``other``.
        """
        if isinstance(text, SponsorList):
            return text
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return None
        if isinstance(text, str):
            entries = _split_entries(text)
        elif isinstance(text, Iterable):
            entries = [str(entry) for entry in text]
        else:
            raise InvalidValueError(f"{where}: a sponsor list is text or a list, not {text!r}")
        rows: list[Sponsor] = []
        for entry in entries:
            rows += self.entry(entry, where=where, unknown=unknown)
        return SponsorList(tuple(rows)) if rows else None

    def entry(
        self, text: str, *, where: str = "sponsors", unknown: Literal["raise", "keep"] = "raise"
    ) -> tuple[Sponsor, ...]:
        """The rows of one entry of a list (one of the UN's strings)."""
        if unknown not in ("raise", "keep"):
            raise InvalidValueError(f"unknown must be 'raise' or 'keep', not {unknown!r}")
        entry = " ".join(text.split()).strip(" ,.;")
        if entry not in self._entries:
            self._entries[entry] = self._read_entry(entry)
        rows, missing = self._entries[entry]
        if missing and unknown == "raise":
            near = self.names.nearest(missing[0])
            hint = f"; nearest: {', '.join(near)}" if near else ""
            raise UnknownCountryError(
                f"{where}: unknown sponsor {missing[0]!r}: not a UN member, observer State "
                f"or group{hint}"
            )
        return rows

    # ------------------------------------------------------------------------- one entry

    def _read_entry(self, entry: str) -> tuple[tuple[Sponsor, ...], tuple[str, ...]]:
        if not entry:
            return (), ()
        pieces = _pieces(entry)
        if not pieces:  # a qualifier alone: "on behalf of the Group of 77 and China"
            role, group = _qualifier(entry)
            if role == "member" and group != OTHER_GROUP:
                return (Sponsor("group", "", group, entry),), ()
            return (Sponsor("other", "", "", entry),), (entry,)
        outside = " ".join(p.text for p in pieces)
        if _OFFICER.search(normalise(outside)):
            return (Sponsor("officer", self._officer_state(entry), "", entry),), ()
        rows: list[Sponsor] = []
        missing: list[str] = []
        for start, stop, found in self._segment(pieces):
            qualifiers = [q for p in pieces[start:stop] for q in p.qualifiers]
            if found is not None and found[0] == "group":
                rows.append(Sponsor("group", "", found[1], entry))
                continue
            codes = [found[1]] if found is not None else self._words(pieces[start].text)
            if not codes:
                missing.append(pieces[start].text)
                continue
            for k, code in enumerate(codes, start=1):
                rows.append(self._state(code, qualifiers if k == len(codes) else [], entry))
        if missing:
            rows.append(Sponsor("other", "", "", entry))
        return tuple(rows), tuple(missing)

    @staticmethod
    def _state(code: str, qualifiers: list[str], entry: str) -> Sponsor:
        """A State's row: a member or observer, speaking for a group or acting as an officer."""
        kind = "observer" if code in OBSERVERS else "member"
        group = ""
        for qualifier in qualifiers:
            role, spoken_for = _qualifier(qualifier)
            if role == "officer":
                kind = "officer"
            group = group or spoken_for
        return Sponsor(kind, code, "" if kind == "officer" else group, entry)

    def _words(self, text: str) -> list[str]:
        """States named one after the other with no separator ("COMOROS CONGO"), else [].

        Only exact names, at least two of them, that use every word.
        """
        words = text.split()
        reach: list[list[str] | None] = [[]] + [None] * len(words)
        for start in range(len(words)):
            if reach[start] is None:
                continue
            for stop in range(start + 1, min(len(words), start + _MAX_SPAN) + 1):
                found = self._lookup(" ".join(words[start:stop]), loose=False)
                if found and found[0] == "state" and reach[stop] is None:
                    reach[stop] = [*reach[start], found[1]]  # type: ignore[misc]
        codes = reach[-1]
        return codes if codes is not None and len(codes) >= 2 else []

    def _segment(self, pieces: list[_Piece]) -> list[tuple[int, int, tuple[str, str, int] | None]]:
        """The cheapest reading of the pieces as names: (start, stop, found or None) each."""
        found = self._best(pieces, loose=set())
        unknown = {start for start, _, what in found if what is None}
        if not unknown:
            return found
        # Loose readings only where no exact one exists: a near miss is slow to find.
        return self._best(pieces, loose=unknown)

    def _best(
        self, pieces: list[_Piece], loose: set[int]
    ) -> list[tuple[int, int, tuple[str, str, int] | None]]:
        n = len(pieces)
        cost: list[float] = [0.0] + [math.inf] * n
        back: list[tuple[int, tuple[str, str, int] | None]] = [(0, None)] * (n + 1)
        for start in range(n):
            if cost[start] == math.inf:
                continue
            text = ""
            for stop in range(start + 1, min(n, start + _MAX_SPAN) + 1):
                piece = pieces[stop - 1]
                text = piece.text if stop == start + 1 else f"{text}{piece.sep}{piece.text}"
                allow_loose = all(k in loose for k in range(start, stop))
                what = self._name(text, allow_loose)
                if what is not None and cost[start] + what[2] < cost[stop]:
                    cost[stop], back[stop] = cost[start] + what[2], (start, what)
            if cost[start] + _UNKNOWN < cost[start + 1]:
                cost[start + 1], back[start + 1] = cost[start] + _UNKNOWN, (start, None)
        path = []
        stop = n
        while stop > 0:
            start, what = back[stop]
            path.append((start, stop, what))
            stop = start
        return path[::-1]

    def _name(self, text: str, loose: bool) -> tuple[str, str, int] | None:
        """("state", iso3, cost) or ("group", code, cost) for a candidate name, else None."""
        key = f"{int(loose)}{text}"
        if key not in self._spans:
            self._spans[key] = self._lookup(text, loose)
        return self._spans[key]

    def _lookup(self, text: str, loose: bool) -> tuple[str, str, int] | None:
        key = normalise(text)
        if len(key.replace(" ", "")) <= 2:  # "ST. KITTS": a piece, not Sao Tome's ISO 3166 code
            return None
        if code := self.names.find(text):
            return ("state", code, _EXACT)
        for group, pattern in _BARE_GROUP.items():
            if pattern.fullmatch(key):
                return ("group", group, _EXACT)
        if loose and (code := self.names.find(text, loose=True)):
            return ("state", code, _LOOSE)
        return None

    def _officer_state(self, entry: str) -> str:
        """The State an officer's entry names: "(Peru)", "the representative of Brazil"."""
        for inner in re.findall(r"\(([^()]*)\)", entry):
            if code := self.names.find(inner):
                return code
        if match := _REPRESENTATIVE.search(entry):
            return self.names.find(match.group(1)) or ""
        return ""


def read_sponsors(
    text: str | Iterable[str] | None,
    *,
    where: str = "sponsors",
    members: pd.DataFrame | None = None,
    unknown: Literal["raise", "keep"] = "raise",
) -> SponsorList | None:
    """Read one sponsor list (see :class:`SponsorReader`, better for many lists).

    >>> read_sponsors("Mexico; CUB ;Türkiye; Holy See").members
    ('MEX', 'CUB', 'TUR')
    """
    return SponsorReader(members).read(text, where=where, unknown=unknown)


# ----------------------------------------------------------------------------- text


def _split_entries(text: str) -> list[str]:
    """The entries of a list written as one string: split at ``;`` outside parentheses.

    >>> _split_entries("Cuba (on behalf of A; B); Chile")
    ['Cuba (on behalf of A; B)', ' Chile']
    """
    parts, depth, start = [], 0, 0
    for k, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    return [*parts, text[start:]]


def _closing(text: str, start: int) -> int:
    """The index just after the parenthesis that closes the one at ``start`` (or the end)."""
    depth = 0
    for k in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k + 1
    return len(text)


def _pieces(entry: str) -> list[_Piece]:
    """An entry cut at its separators outside parentheses, qualifiers set apart.

    >>> [(p.sep, p.text, len(p.qualifiers)) for p in _pieces(
    ...     "Austria and Uruguay (on behalf of the Group of 77 and China), BAHAMAS (THE)")]
    [('', 'Austria', 0), (' and ', 'Uruguay', 1), (', ', 'BAHAMAS (THE)', 0)]
    >>> [(p.text, p.qualifiers) for p in _pieces("CUBA, ON BEHALF OF THE NON-ALIGNED MOVEMENT")]
    [('CUBA', ['ON BEHALF OF THE NON-ALIGNED MOVEMENT'])]
    """
    pieces = [_Piece("", "", [])]
    text: list[str] = []
    k = 0
    while k < len(entry):
        char = entry[k]
        if char == "(":
            end = _closing(entry, k)
            inner = entry[k + 1 : end].removesuffix(")").strip()
            if _QUALIFIER.match(inner):
                pieces[-1].qualifiers.append(inner)
            else:
                text.append(entry[k:end])
            k = end
            continue
        if char == ")":
            k += 1
            continue
        at_word = k == 0 or not entry[k - 1].isalnum()
        if at_word and _QUALIFIER.match(entry, k):
            # Without parentheses a qualifier runs to the end of the entry.
            pieces[-1].qualifiers.append(entry[k:].strip(" ,.;"))
            break
        if (separator := _SEPARATOR.match(entry, k)) and separator.group().strip():
            pieces[-1].text = "".join(text).strip()
            pieces.append(_Piece("", separator.group(), []))
            text = []
            k = separator.end()
            continue
        text.append(char)
        k += 1
    pieces[-1].text = "".join(text).strip()
    kept: list[_Piece] = []
    for piece in pieces:
        if piece.text:
            kept.append(piece)
        elif kept:  # "CUBA, ON BEHALF OF ...": the qualifier is the previous name's
            kept[-1].qualifiers += piece.qualifiers
    return kept


def _qualifier(text: str) -> tuple[str, str]:
    """("member" or "officer", the group spoken for) of a qualifier such as "on behalf of ..."."""
    key = normalise(text)
    hits = [(m.start(), code) for code, pattern in _GROUPS.items() if (m := pattern.search(key))]
    if hits:
        return "member", min(hits)[1]
    if key.startswith("in its capacity") or _OFFICER.search(key):
        return "officer", ""
    return "member", OTHER_GROUP
