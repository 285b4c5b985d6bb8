"""Country lookup: the names people write, mapped to ISO 3166-1 alpha-3 codes.

Users write "Czech Republic", "Czechia", "Türkiye", "Turkey", "USA" or "CZ";
unvote keys everything by ISO3.  Names come from three places: the UN short
names of the membership table, the ISO 3166 names in ``pycountry`` (name,
official name, common name, alpha-2 code), and a short list of common English
names that ISO no longer uses.  pycountry is used rather than
country_converter, which fails at start-up under pandas 3.1.

The two non-member observer States, the Holy See and the State of Palestine,
are recognised: they take part in the General Assembly but do not vote, and
:func:`to_iso3` says so (or returns their code when asked to).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from unvote.errors import UnknownCountryError
from unvote.vocabulary import OBSERVERS

if TYPE_CHECKING:
    import pandas as pd

OBSERVER_ALIASES: dict[str, str] = {
    "holy see": "VAT",
    "vatican": "VAT",
    "vatican city": "VAT",
    "va": "VAT",
    "vat": "VAT",
    "palestine": "PSE",
    "state of palestine": "PSE",
    "ps": "PSE",
    "pse": "PSE",
}
"""Names of the observer States (:data:`unvote.vocabulary.OBSERVERS`), normalised."""

UN_NAMES: dict[str, str] = {
    # The UN's own spellings that neither the membership table nor ISO 3166 carries.
    "TÜRKÝYE": "TUR",  # a mis-encoded İ, in 19 roll calls of session 79
    "BAHAMAS (THE)": "BHS",
    "STATE OF PALESTINE": "PSE",
    "PALESTINE": "PSE",
    "HOLY SEE": "VAT",
}
"""Names as the UN writes them in its extracts, mapped by hand (normalised on use)."""

DISPLAY_WIDTH = 28
"""Longest member name printed in a table; longer names take their short form below."""

SHORT_NAMES: dict[str, str] = {
    "Micronesia (Federated States of)": "Micronesia",
    "Democratic Republic of the Congo": "DR Congo",
    "Bolivia (Plurinational State of)": "Bolivia",
    "Saint Vincent and the Grenadines": "Saint Vincent & Grenadines",
    "Lao People's Democratic Republic": "Lao PDR",
    "Venezuela (Bolivarian Republic of)": "Venezuela",
    "Union of Soviet Socialist Republics": "USSR",
    "Democratic People's Republic of Korea": "DPR Korea",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
}
"""Short forms of the UN names longer than :data:`DISPLAY_WIDTH`, as commonly written."""


def display_name(name: str, width: int = DISPLAY_WIDTH) -> str:
    """A member's name for a narrow table: its short form when longer than ``width``.

    Names are never cut: a long name without a short form is kept whole.

    >>> display_name("Democratic People's Republic of Korea"), display_name("Republic of Korea")
    ('DPR Korea', 'Republic of Korea')
    """
    return name if len(name) <= width else SHORT_NAMES.get(name, name)


# Common English names that neither the UN short names nor ISO 3166 carry.
ALIASES: dict[str, str] = {
    "usa": "USA",
    "us": "USA",
    "united states": "USA",
    "america": "USA",
    "uk": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "turkey": "TUR",
    "russia": "RUS",
    "soviet union": "SUN",
    "ussr": "SUN",
    "south korea": "KOR",
    "north korea": "PRK",
    "dprk": "PRK",
    "iran": "IRN",
    "syria": "SYR",
    "laos": "LAO",
    "vietnam": "VNM",
    "moldova": "MDA",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "micronesia": "FSM",
    "ivory coast": "CIV",
    "cape verde": "CPV",
    "east timor": "TLS",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "burma": "MMR",
    "holland": "NLD",
    "drc": "COD",
    "dr congo": "COD",
    "congo kinshasa": "COD",
    "congo brazzaville": "COG",
    "czech republic": "CZE",
    "yugoslavia": "YUG",
    "czechoslovakia": "CSK",
    "east germany": "DDR",
    "vatican": "VAT",
}


def normalise(name: str) -> str:
    """Fold case, accents and punctuation: ``"Côte d'Ivoire"`` -> ``"cote d ivoire"``.

    >>> normalise("  Türkiye ")
    'turkiye'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text.casefold())
    text = re.sub(r"^the ", "", text.strip())
    return text


def name_index(codes: Iterable[str], names: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Map every normalised name and code of ``codes`` to its ISO3 code.

    ``names`` adds (name, iso3) pairs, e.g. the UN short names.
    """
    import pycountry  # imported here: only a lookup needs it

    wanted = set(codes)
    index: dict[str, str] = {}
    for alias, code in ALIASES.items():
        if code in wanted:
            index[alias] = code
    for country in pycountry.countries:
        if country.alpha_3 not in wanted:
            continue
        for attribute in ("name", "official_name", "common_name", "alpha_2"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(normalise(value), country.alpha_3)
    for name, code in names:
        index[normalise(name)] = code
    for code in wanted:
        index[normalise(code)] = code
    return index


class CountryNames:
    """The names of UN members (past and present) and of the observer States, mapped to ISO3.

    Built once from the membership table (:func:`unvote.record.loaders.load_members`):
    its UN names, the ISO 3166 names, the common English names above and the
    UN's own spellings (:data:`UN_NAMES`).  :meth:`code` is an exact lookup
    (case, accents, punctuation and a leading "the" folded), as a roll call's
    lists of voters need; :meth:`find` adds the readings that lists written by
    hand need, exact first and loose only when asked.

    >>> from unvote.record.loaders import load_members
    >>> names = CountryNames(load_members())
    >>> names.code("NETHERLANDS (KINGDOM OF THE)"), names.code("Holy See")
    ('NLD', 'VAT')
    >>> names.find("CONGO (DEMOCRATIC REPUBLIC OF THE)"), names.find("NAMBIA", loose=True)
    ('COD', 'NAM')
    """

    def __init__(self, members: pd.DataFrame) -> None:
        pairs = list(zip(members["country"], members["iso3"], strict=True))
        self.index = name_index(set(members["iso3"]), pairs)
        codes = set(members["iso3"])
        self.index.update({normalise(name): c for name, c in UN_NAMES.items() if c in codes})
        self.index.update({normalise(name): code for code, name in OBSERVERS.items()})
        self.index.update(OBSERVER_ALIASES)
        self.compact = {key.replace(" ", ""): code for key, code in self.index.items()}
        self.labels = dict(zip(members["iso3"], members["country"], strict=False)) | OBSERVERS
        self._found: dict[tuple[str, bool], str | None] = {}

    def resolve(self, name: str, *, observers: bool = False) -> str:
        """The code of a member as a user names it, or :class:`UnknownCountryError`.

        Exact names and codes win; failing that, a name contained in exactly
        one member's name (``"Moldova"`` in ``"Republic of Moldova"``).  A name
        that matches nothing, or several members, is refused with the nearest
        names.  An observer State (the Holy See, the State of Palestine) is
        refused with the reason (it does not vote), unless ``observers``.
        """
        key = normalise(name)
        code = self.index.get(key)
        if code is None and key:
            within = sorted({c for known, c in self.index.items() if f" {key} " in f" {known} "})
            if len(within) > 1:
                listed = "; ".join(f"{self.labels.get(c, c)} ({c})" for c in within)
                raise UnknownCountryError(f"country {name!r} is ambiguous: it could be {listed}")
            code = within[0] if within else None
        if code is None:
            suggestions = self.nearest(name)
            hint = f"; nearest: {', '.join(suggestions)}" if suggestions else ""
            raise UnknownCountryError(f"unknown country {name!r}{hint}")
        if code in OBSERVERS and not observers:
            raise UnknownCountryError(
                f"{OBSERVERS[code]} ({code}) is a non-member observer State of the UN: it takes "
                "part in the General Assembly but does not vote, so it has no vote to forecast"
            )
        return code

    def code(self, name: str) -> str | None:
        """The code of an exact name (or code), else None."""
        return self.index.get(normalise(name))

    def find(self, name: str, *, loose: bool = False) -> str | None:
        """The code of a name as people write it, else None.

        Exact readings: the name; ISO's inverted form ("Congo (Democratic
        Republic of the)" is "Democratic Republic of the Congo"); the name with
        its spaces lost ("THEUNITED REPUBLIC OF TANZANIA").  ``loose`` adds a
        near miss of one name ("NAMBIA") and a name contained in exactly one
        member's name ("Moldova", "SOLOMON"): right for a list whose words the
        UN's layout broke, never for a vote.
        """
        key = (name, loose)
        if key not in self._found:
            self._found[key] = self._find(name, loose)
        return self._found[key]

    def _find(self, name: str, loose: bool) -> str | None:
        text = normalise(name)
        if not text:
            return None
        if code := self.index.get(text):
            return code
        inverted = re.fullmatch(r"\s*(.+?)\s*\((.+)\)\s*", name)
        if inverted and (code := self.index.get(normalise(f"{inverted[2]} {inverted[1]}"))):
            return code
        if code := self.compact.get(re.sub(r"^the", "", text.replace(" ", ""))):
            return code
        if not loose or len(text) < 5:
            return None
        near = difflib.get_close_matches(text, list(self.index), n=3, cutoff=0.85)
        codes = {self.index[k] for k in near}
        if len(codes) == 1:
            return codes.pop()
        within = {code for known, code in self.index.items() if f" {text} " in f" {known} "}
        return within.pop() if len(within) == 1 else None

    def nearest(self, name: str) -> list[str]:
        """Up to three names close to ``name``, as ``"Name (ISO)"``, for an error message."""
        near = difflib.get_close_matches(normalise(name), list(self.index), n=8, cutoff=0.6)
        found = dict.fromkeys(f"{self.labels[self.index[k]]} ({self.index[k]})" for k in near)
        return list(found)[:3]


def to_iso3(name: str, members: Iterable[str] | None = None, *, observers: bool = False) -> str:
    """The ISO3 code of a UN member (past or present) from a name or code.

    :meth:`CountryNames.resolve` over the membership table, or over the
    members whose codes are ``members``.

    >>> [to_iso3(n) for n in ["Czech Republic", "Czechia", "Türkiye", "Turkey", "USA", "cz"]]
    ['CZE', 'CZE', 'TUR', 'TUR', 'USA', 'CZE']
    >>> to_iso3("Holy See", observers=True)
    'VAT'
    """
    if not isinstance(name, str):
        raise UnknownCountryError(f"a country is a name or an ISO code, not {name!r}")
    return _names(None if members is None else frozenset(members)).resolve(
        name, observers=observers
    )


@functools.lru_cache(maxsize=8)
def _names(codes: frozenset[str] | None) -> CountryNames:
    from unvote.record.loaders import load_members

    table = load_members()
    return CountryNames(table if codes is None else table[table["iso3"].isin(codes)])
