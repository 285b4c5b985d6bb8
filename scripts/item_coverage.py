"""How well roll calls link into items: the figures of ``data/README.md`` ("Items").

Links the full General Assembly record into items (:mod:`unvote.items.catalogue`), with
the UN's DGACM resolution extracts (sessions 74-80, as shipped) as secondary
evidence and for adoptions without a vote, then reports:

* coverage: the share of roll calls since session 60 whose item has a roll
  call on an earlier date, for votes on resolutions as a whole and for all
  roll calls (a vote recorded under several symbols, ``identical_to``,
  counted once), overall and per session;
* the hardest cases both ways: the most similar titles that stay apart (and
  why), and the least similar titles that were linked (and by which rule);
* the most-voted items.

Run from the repository root::

    python scripts/item_coverage.py [--ga-data DIR] [--write]

``--ga-data`` defaults to the record unvote loads (``$UNVOTE_GA_DATA``, else the
shipped one), with the shipped resolutions.  Without ``--write`` the section is
printed; with it, the section between the ``item-coverage`` markers of
``data/README.md`` is replaced.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

import pandas as pd

from unvote.errors import UnvoteError
from unvote.items import catalogue as items_module
from unvote.items.catalogue import link_reasons, load_items, roll_calls_with_items
from unvote.record.loaders import load_resolutions, load_roll_calls

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "data" / "README.md"
START = "<!-- item-coverage:start (scripts/item_coverage.py writes this section) -->"
END = "<!-- item-coverage:end -->"
SINCE_SESSION = 60


def coverage(calls: pd.DataFrame, since: int = SINCE_SESSION) -> pd.DataFrame:
    """Per session from ``since``: roll calls, and the share whose item was voted on an earlier day.

    ``calls`` is :func:`unvote.items.catalogue.roll_calls_with_items` output.  Columns
    ``session, roll_calls, linked, share`` for votes on resolutions as a whole
    and ``all_roll_calls, all_linked, all_share`` for every roll call.
    """
    calls = calls[calls["identical_to"] == ""].copy()
    first = calls.groupby("item")["date"].transform("min")
    calls["linked"] = calls["date"] > first
    recent = calls[calls["session"] >= since]
    whole = recent[recent["vote_on"] == "resolution"]
    table = pd.DataFrame(
        {
            "roll_calls": whole.groupby("session").size(),
            "linked": whole.groupby("session")["linked"].sum(),
            "all_roll_calls": recent.groupby("session").size(),
            "all_linked": recent.groupby("session")["linked"].sum(),
        }
    ).fillna(0)
    table = table.astype(int)
    table["share"] = table["linked"] / table["roll_calls"]
    table["all_share"] = table["all_linked"] / table["all_roll_calls"]
    return table.rename_axis("session").reset_index()


def _why_apart(
    a: str, b: str, sessions_a: set[int], sessions_b: set[int], protected: frozenset[str]
) -> str:
    words_a, words_b = set(a.split()), set(b.split())
    gone, new = sorted(words_a - words_b), sorted(words_b - words_a)
    changed = [*gone, *new]
    if a.endswith("...") and b.endswith("...") and a.split()[:-3] == b.split()[:-3]:
        return f"cut short where they differ ({' / '.join([*gone, *new][:2])})"
    if any(any(ch.isdigit() for ch in w) or w in items_module._ROMAN for w in changed):
        why = "a number differs"
    elif any(w in protected for w in changed):
        why = "a country differs"
    elif sessions_a & sessions_b:
        why = "both voted in one session"
    elif len(changed) > 2:
        why = "several words differ"
    else:
        why = "a word is not a misspelling"
    return f"{why} ({' / '.join(' '.join(ws) or '-' for ws in (gone, new))})"


def near_misses(calls: pd.DataFrame, n: int = 12) -> pd.DataFrame:
    """The most similar titles of different items (votes on resolutions as a whole)."""
    whole = calls[(calls["vote_on"] == "resolution") & (calls["identical_to"] == "")]
    keys = whole.assign(key=whole["title"].map(items_module.normalise_title))
    by_item = keys.groupby("item").agg(
        key=("key", lambda s: s.value_counts().index[0]),
        sessions=("session", lambda s: set(s)),
        n=("id", "size"),
    )
    item_of_key = dict(zip(by_item["key"], by_item.index, strict=True))
    word_keys: dict[str, set[str]] = {}
    for key in item_of_key:
        for word in key.split():
            word_keys.setdefault(word, set()).add(key)
    rows = []
    protected = items_module._protected_words()
    for a, b in sorted(items_module._candidate_pairs(sorted(item_of_key), word_keys)):
        ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        if ratio >= 0.85:
            ia, ib = item_of_key[a], item_of_key[b]
            sessions = by_item.at[ia, "sessions"], by_item.at[ib, "sessions"]
            why = _why_apart(a, b, *sessions, protected)
            rows.append({"similarity": ratio, "item_a": ia, "item_b": ib, "why": why})
    frame = pd.DataFrame(rows).sort_values(["similarity", "item_a"], ascending=[False, True])
    # A number or a country that differs keeps texts apart by design, and titles cut short
    # before they differ cannot tell; show the rest first.
    by_design = frame["why"].str.startswith(("a number", "a country", "cut short"))
    return pd.concat([frame[~by_design].head(n), frame[by_design].head(4)], ignore_index=True)


def loosest_links(links: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` links between the least similar titles under each rule."""
    links = links[links["rule"] != "roll call"].copy()
    links["similarity"] = [
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        for a, b in zip(links["key_a"], links["key_b"], strict=True)
    ]
    links = links.sort_values(["rule", "similarity", "key_a"])
    return links.groupby("rule", sort=True).head(n).reset_index(drop=True)


def _percent(x: float) -> str:
    return f"{100 * x:.1f} %"


def section(calls: pd.DataFrame, items: pd.DataFrame, links: pd.DataFrame) -> str:
    """The markdown section for ``data/README.md``."""
    table = coverage(calls)
    total = table[["roll_calls", "linked", "all_roll_calls", "all_linked"]].sum()
    first_year = calls.loc[calls["session"] >= SINCE_SESSION, "date"].min().year
    last_day = calls["date"].max()
    whole = items[items["vote_on"] == "resolution"]
    recurring = whole[whole["n_roll_calls"] >= 2]
    lines = [
        START,
        "## Items: texts linked across sessions",
        "",
        "`unvote.items` links the roll calls of the record into *items*, one a text that returns",
        "session after session (`load_items()`, `roll_calls_with_items()`, `get_item()`; the rules",
        "are in the module's docstring, the hand-checked title pairs in",
        "`tests/data/item_pairs.csv`).",
        f"The record's {len(calls):,} roll calls make {len(items):,} items: {len(whole):,} on",
        f"texts as a whole, {len(recurring):,} of them voted more than once, and"
        f" {len(items) - len(whole):,} of separate votes",
        "(paragraphs, amendments, motions), which never share an item with the vote on the text.",
        "`item-labels.csv` holds short chart labels written by hand for the most-voted items.",
        "",
        f"**Coverage.** Since session {SINCE_SESSION} ({first_year}),"
        f" {_percent(total['linked'] / total['roll_calls'])} of the roll calls on resolutions as a",
        f"whole ({total['linked']:,} of {total['roll_calls']:,}) belong to an item voted on an"
        f" earlier day; {_percent(total['all_linked'] / total['all_roll_calls'])} of all roll"
        " calls",
        f"({total['all_linked']:,} of {total['all_roll_calls']:,}). A vote recorded under several"
        " symbols counts once. The rest",
        "are texts voted for the first time (new items, one-off texts, texts until then adopted",
        "without a vote), or retitled beyond what the rules link (below). The record ends on",
        f"{last_day:%Y-%m-%d}, in session {table['session'].max()}.",
        "",
        "| session | resolutions | with an earlier vote | share | all roll calls | share |",
        "|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        lines.append(
            f"| {row.session} | {row.roll_calls} | {row.linked} | {_percent(row.share)} |"
            f" {row.all_roll_calls} | {_percent(row.all_share)} |"
        )
    lines += [
        "",
        "**Hardest cases: titles that almost link but stay apart** (most similar first; a",
        "differing number or country keeps texts apart by design, as the last rows show, and two",
        "titles the source cut short just where they differ are not counted among the cases):",
        "",
        "| similarity | item | item | why apart |",
        "|---|---|---|---|",
    ]
    for row in near_misses(calls).itertuples():
        lines.append(f"| {row.similarity:.2f} | `{row.item_a}` | `{row.item_b}` | {row.why} |")
    lines += [
        "",
        "**Hardest cases: titles that link though they differ most** (the least similar three",
        "under each rule; `agenda item` is the DGACM evidence, sessions 74 onwards):",
        "",
        "| similarity | rule | title key | title key |",
        "|---|---|---|---|",
    ]
    for row in loosest_links(links).itertuples():
        lines.append(f"| {row.similarity:.2f} | {row.rule} | {row.key_a} | {row.key_b} |")
    lines += [
        "",
        "**The most-voted items** (roll calls on the text as a whole):",
        "",
        "| item | roll calls | first | last |",
        "|---|---|---|---|",
    ]
    top = whole.sort_values(["n_roll_calls", "last_date"], ascending=False).head(20)
    for row in top.itertuples():
        lines.append(
            f"| `{row.item}` | {row.n_roll_calls} | {row.first_date:%Y} | {row.last_date:%Y} |"
        )
    lines.append(END)
    return "\n".join(lines) + "\n"


def build(ga_data: Path | None = None) -> str:
    """The README section, from the record (shipped, or ``ga_data``) and the UN's extracts."""
    roll_calls = load_roll_calls(ga_data)
    resolutions = load_resolutions()
    calls = roll_calls_with_items(roll_calls, resolutions)
    items = load_items(roll_calls, resolutions)
    links = link_reasons(roll_calls, resolutions)
    return section(calls, items, links)


def replace_section(text: str, new: str) -> str:
    """``text`` with the marked section replaced by ``new`` (appended when absent)."""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        return head + new + tail
    return text.rstrip("\n") + "\n\n" + new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ga-data", help="folder of roll_calls.csv.gz (default: the record unvote loads)"
    )
    parser.add_argument("--write", action="store_true", help="update data/README.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        text = build(Path(args.ga_data) if args.ga_data else None)
    except UnvoteError as err:
        print(f"item_coverage: {err}", file=sys.stderr)
        return 2
    if args.write:
        README.write_text(replace_section(README.read_text(encoding="utf-8"), text), "utf-8")
        print(f"wrote {README.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
