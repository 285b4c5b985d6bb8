"""Items: titles normalised, roll calls linked across sessions, the items table and lookups."""

from __future__ import annotations

import csv
import importlib.util
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unvote.errors import DataFileError, UnknownNameError
from unvote.items import catalogue as items_module
from unvote.items.catalogue import (
    Item,
    find_items,
    get_item,
    link_items,
    link_reasons,
    load_items,
    normalise_title,
    roll_calls_with_items,
    thresholds_for,
)

ROOT = Path(__file__).resolve().parents[1]
PAIRS = Path(__file__).parent / "data" / "item_pairs.csv"
CUBA = "necessity-ending-economic-commercial-financial-embargo-cuba"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


coverage_script = _script("item_coverage")


def calls_frame(rows: list[tuple]) -> pd.DataFrame:
    """Roll calls from (id, date, session, title, vote_on[, identical_to[, resolution]])."""
    records = []
    for row in rows:
        rid, date, session, title, vote_on, *rest = row
        twin = rest[0] if rest else ""
        resolution = rest[1] if len(rest) > 1 else ""
        records.append(
            {
                "id": rid,
                "date": pd.Timestamp(date),
                "session": session,
                "resolution": resolution,
                "title": title,
                "vote_on": vote_on,
                "identical_to": twin,
                "yes": 100,
            }
        )
    return pd.DataFrame(records)


# ---------------------------------------------------------------- normalise_title


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Programme budget for the biennium 1982-1983", "Programme budget for 2021"),
        ("Financing of appropriations for the financial year 1972", "Financing of appropriations"),
        (
            "United Nations Decade for Afforestation and Reforestation (2027–2036)",
            "United Nations Decade for Afforestation and Reforestation",
        ),
        ("The right to food : resolution / adopted by the General Assemly", "The right to food"),
        (
            "Transparency in armaments : resolultion / adopted by the General Assembly",
            "TRANSPARENCY IN ARMAMENTS",
        ),
        ("Financing of UNIFIL : resolution", "Financing of UNIFIL"),
        ("Question of the Falkland Islands (Malvinas)", "The Falkland Islands (Malvinas)"),
        ("UN Fund for Namibia", "United Nations Fund for Namibia"),
        ("International co-operation for disarmament", "International cooperation for disarmament"),
        ("Palestine refugees' properties", "Palestine refugees’ properties"),
        ("Nuclear-weapon-free zone", "Nuclear weapon free zone"),
        ("A — B – C", "a - b - c"),
        (
            "Credentials of representatives to the 33rd session",
            "Credentials of representatives to the sixty-sixth session",
        ),
        (
            "Implementation of General Assembly resolution 37/71 concerning the signature",
            "Implementation of General Assembly resolution 3079 (XXVIII) concerning the signature",
        ),
        ("Côte d'Ivoire  ", "cote divoire"),
    ],
)
def test_drift_folds_into_one_key(a, b):
    assert normalise_title(a) == normalise_title(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fiftieth anniversary of the Declaration", "Sixtieth anniversary of the Declaration"),
        ("Second International Decade", "Third International Decade"),
        ("Review of the 10th special session", "Review of the 11th special session"),
        ("Additional Protocol I of the Treaty", "Additional Protocol II of the Treaty"),
        (
            "Implementation of Security Council resolution 435",
            "Implementation of Security Council resolution 436",
        ),
        ("Nuclear disarmament", "Nuclear disarmament verification"),
        ("Assistance to the Palestinian people", "Assistance to Palestine refugees"),
    ],
)
def test_what_names_a_text_is_kept(a, b):
    assert normalise_title(a) != normalise_title(b)


def test_ordinals_become_numbers_and_anniversaries_stay():
    assert normalise_title("Fiftieth anniversary of the UN") == "50th anniversary of united nations"
    assert normalise_title("Twenty-fifth anniversary") == "25th anniversary"


def test_a_cut_title_loses_its_partial_word_and_is_marked():
    key = normalise_title("Implementation of Agenda 21, the Programme for the Furt[...]")
    assert key == "implementation of agenda 21 programme for ..."


_WORDS = st.sampled_from(
    ["Question", "of", "the", "The", "UN", "U.N.", "co-operation", "1999", "2019-2028", "for",
     "biennium", "first", "session", "General", "Assembly", "resolution", "37/71", "concerning",
     "Cuba", "embargo", "Iran", "peace-keeping", "people's", "Côte", "(1978)", "—", ":", "/",
     "adopted", "by", "x", "II", "anniversary", "fiftieth"]
)  # fmt: skip
_TITLES = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TITLES)
def test_normalising_twice_changes_nothing(title):
    key = normalise_title(title)
    assert normalise_title(key) == key


@settings(max_examples=300, deadline=None)
@given(_TITLES)
def test_keys_are_lower_case_words(title):
    key = normalise_title(title)
    assert re.fullmatch(r"([a-z0-9]+( [a-z0-9]+)*)?", key)


@settings(max_examples=200, deadline=None)
@given(_TITLES)
def test_case_dashes_and_the_catalogue_tail_do_not_matter(title):
    key = normalise_title(title)
    assert normalise_title(title.upper()) == key
    assert normalise_title(title.replace("-", "–")) == key
    assert normalise_title(f"{title} : resolution / adopted by the General Assembly") == key


# ---------------------------------------------------------------- link_items on small frames


def test_separate_votes_never_share_the_item_of_the_text():
    calls = calls_frame(
        [
            ("a", "2001-12-01", 56, "Nuclear disarmament", "resolution", "", "A/RES/56/1"),
            ("b", "2001-12-01", 56, "NUCLEAR DISARMAMENT", "paragraph", "", "A/RES/56/1"),
            ("c", "2002-12-01", 57, "Nuclear disarmament", "resolution", "", "A/RES/57/1"),
            ("d", "2002-12-01", 57, "", "paragraph", "", "A/RES/57/1"),
            ("e", "2002-12-01", 57, "Nuclear disarmament", "amendment", "", "A/RES/57/1"),
        ]
    )
    items = link_items(calls)
    assert items.tolist() == [
        "nuclear-disarmament",
        "nuclear-disarmament-paragraph",
        "nuclear-disarmament",
        "nuclear-disarmament-paragraph",
        "nuclear-disarmament-amendment",
    ]


def test_a_twin_takes_the_item_of_the_roll_call_it_repeats():
    calls = calls_frame(
        [
            ("a", "1983-12-01", 38, "Dissemination of information on Namibia", "resolution"),
            ("b", "1983-12-01", 38, "UN Fund for Namibia", "resolution", "a"),
            ("c", "1984-12-01", 39, "United Nations Fund for Namibia", "resolution"),
        ]
    )
    items = link_items(calls)
    assert items.tolist() == [
        "dissemination-of-information-on-namibia",
        "dissemination-of-information-on-namibia",
        "united-nations-fund-for-namibia",
    ]


def test_misspellings_link_only_across_sessions_and_never_countries():
    calls = calls_frame(
        [
            ("a", "1991-12-01", 46, "Situation of human rights in Iraq", "resolution"),
            ("b", "1992-12-01", 47, "Situation of human rights in Iran", "resolution"),
            ("c", "1993-12-01", 48, "Situtation of human rights in Iraq", "resolution"),
            ("d", "1994-12-01", 49, "Situation of human rights in Gambia", "resolution"),
            ("e", "1995-12-01", 50, "Situation of human rights in Zambia", "resolution"),
        ]
    )
    items = link_items(calls)
    assert items[0] == items[2]
    assert len({items[0], items[1], items[3], items[4]}) == 4


def test_one_added_word_links_inside_a_long_title_not_at_its_head():
    practices = "Israeli practices in the occupied territory, including {}Jerusalem"
    declaration = "eclaration on the granting of independence to colonial countries"
    calls = calls_frame(
        [
            ("a", "1999-12-01", 54, practices.format(""), "resolution"),
            ("b", "2003-12-01", 58, practices.format("East "), "resolution"),
            ("c", "1960-12-14", 15, f"D{declaration}", "resolution"),
            ("d", "1965-12-01", 20, f"Implementation of the D{declaration}", "resolution"),
        ]
    )
    items = link_items(calls)
    assert items[0] == items[1]
    assert items[2] != items[3]


def test_an_agenda_title_before_the_text_title_links_to_the_text():
    calls = calls_frame(
        [
            ("a", "1982-12-01", 37, "Protection of Palestine refugees", "resolution"),
            ("b", "1985-12-01", 40, "UNRWA : protection of Palestine refugees", "resolution"),
            ("c", "2005-12-01", 60, "Arms : report of the Conference on Disarmament", "resolution"),
            ("d", "2006-12-01", 61, "Report of the Conference on Disarmament", "resolution"),
        ]
    )  # fmt: skip
    items = link_items(calls)
    assert items[0] == items[1] == "protection-of-palestine-refugees"
    assert items[2] != items[3]


def test_agenda_items_link_a_retitled_text_and_a_theme_of_the_year():
    calls = calls_frame(
        [
            ("a", "2020-12-16", 75, "Violence against women", "resolution", "", "A/RES/75/1"),
            ("b", "2022-12-15", 77, "Violence against women: news", "resolution", "", "A/RES/77/1"),
            ("c", "2022-12-15", 77, "Girls in science", "resolution", "", "A/RES/77/2"),
        ]
    )  # fmt: skip
    assert len(set(link_items(calls))) == 3  # without the agenda items: three texts
    resolutions = pd.DataFrame(
        {
            "symbol": ["A/RES/75/1", "A/RES/77/1", "A/RES/77/2"],
            "session": [75, 77, 77],
            "title": calls["title"],
            "agenda_item": ["27", "30", "30"],
            "agenda_item_name": ["Advancement of women"] * 3,
            "adoption": ["recorded vote"] * 3,
            "roll_call": ["a", "b", "c"],
        }
    )
    items = link_items(calls, resolutions)
    assert items[0] == items[1] != items[2]


def test_an_untitled_roll_call_links_to_nothing():
    calls = calls_frame(
        [
            ("a", "2016-12-08", 71, "", "amendment", "", "A/RES/71/129"),
            ("b", "2017-12-08", 72, "", "amendment", "", "A/RES/72/163"),
        ]
    )
    assert link_items(calls).tolist() == [
        "untitled-a-res-71-129-amendment",
        "untitled-a-res-72-163-amendment",
    ]


def test_colliding_ids_are_numbered_by_first_roll_call():
    long = (
        "Report of the Special Committee to Investigate Israeli Practices Affecting the Human"
        " Rights of the {} of the Occupied Territories"
    )
    calls = calls_frame(
        [
            ("a", "1980-12-01", 35, long.format("Population"), "resolution"),
            ("b", "1970-12-01", 25, long.format("People"), "resolution"),
        ]
    )  # fmt: skip
    items = link_items(calls)
    assert items[1] == items[0][: -len("-2")]
    assert items[0].endswith("-2")


def test_missing_columns_are_named():
    with pytest.raises(DataFileError, match="identical_to"):
        link_items(
            calls_frame([("a", "2000-01-01", 54, "X", "resolution")]).drop(columns="identical_to")
        )


_TEXTS = st.sampled_from(
    ["Nuclear disarmament", "Nuclear disarmament verification", "Situation of human rights in Iran",
     "Situation of human rights in Iraq", "UNRWA : assistance to Palestine refugees",
     "Assistance to Palestine refugees", "Assistance to the Palestinian people",
     "Programme budget for 2020",
     "Programme budget for 2022", "Oceans and the law of the sea", "Oceans and the law of sea"]
)  # fmt: skip
_ROWS = st.lists(
    st.tuples(_TEXTS, st.integers(50, 60), st.sampled_from(["resolution", "paragraph"])),
    min_size=1,
    max_size=15,
)


@settings(max_examples=60, deadline=None)
@given(_ROWS, st.randoms(use_true_random=False))
def test_items_do_not_depend_on_row_order(rows, random):
    calls = calls_frame(
        [(f"r{i}", f"{1945 + s}-12-01", s, t, v) for i, (t, s, v) in enumerate(rows)]
    )
    items = link_items(calls)
    shuffled = calls.sample(frac=1, random_state=random.randint(0, 10**6))
    again = link_items(shuffled)
    assert again.sort_index().tolist() == items.tolist()
    # Equal keys and votes share an item; a separate vote never shares the text's.
    keys = calls["title"].map(normalise_title) + "|" + calls["vote_on"]
    assert (items.groupby(keys).nunique() == 1).all()
    assert not set(items[calls["vote_on"] == "resolution"]) & set(
        items[calls["vote_on"] != "resolution"]
    )


# ---------------------------------------------------------------- thresholds and Item


@settings(max_examples=200)
@given(st.integers(1, 193))
def test_thresholds_are_positive_decreasing_multiples_of_five_below_the_last_count(last):
    found = thresholds_for(last)
    assert all(t > 0 and t % 5 == 0 for t in found)
    assert list(found) == sorted(found, reverse=True)
    assert not found or (found[0] <= last < found[0] + 5)


def test_the_cuba_rule_from_its_last_yes_count():
    assert thresholds_for(187) == (185, 180, 170)


def test_usual_date_is_the_median_day_of_the_last_votes():
    calls = calls_frame(
        [
            (f"r{y}", d, y - 1945, "Necessity of ending the embargo against Cuba", "resolution")
            for y, d in [(2018, "2018-11-01"), (2019, "2019-11-07"), (2021, "2021-06-23"),
                         (2022, "2022-11-03"), (2023, "2023-11-02"), (2024, "2024-10-30")]
        ]
    )  # fmt: skip
    empty = pd.DataFrame(columns=list(items_module.LINKED_RESOLUTION_COLUMNS))
    item = Item.from_row(load_items(calls, empty).iloc[0])
    # The last five dates: 23 June is an outlier the median ignores.
    assert item.usual_date(2025) == pd.Timestamp("2025-11-02")
    assert (item.usual_month, item.first_year, item.n_roll_calls) == (11, 2018, 6)


def test_item_is_frozen():
    item = Item("x", "X", "X", "resolution", 2000, pd.Timestamp("2000-12-01"), 1, 0.0, 50, 12, 1)
    with pytest.raises(AttributeError):
        item.title = "Y"  # type: ignore[misc]
    assert (
        Item(
            "x", "X", "X", "motion", 2000, pd.Timestamp("2000-12-01"), 1, 0.0, None, 12, 1
        ).thresholds
        == ()
    )


# ---------------------------------------------------------------- the full record


@pytest.fixture(scope="module")
def record():
    """The shipped record and the UN's resolutions (sessions 74-80), as the library loads them."""
    from unvote.record.loaders import load_resolutions, load_roll_calls

    return load_roll_calls(), load_resolutions()


@pytest.fixture(scope="module")
def calls(record):
    return roll_calls_with_items(*record)


@pytest.fixture(scope="module")
def items(record):
    return load_items(*record)


def _pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_hand_checked_pairs_hold_enough_of_both_kinds():
    pairs = _pairs()
    assert {p["link"] for p in pairs} == {"yes", "no"}
    assert sum(p["link"] == "yes" for p in pairs) >= 25
    assert sum(p["link"] == "no" for p in pairs) >= 25
    assert all(p["reason"].strip() for p in pairs)


@pytest.mark.parametrize("pair", _pairs(), ids=lambda p: f"{p['link']}:{p['title_a'][:40]}")
def test_hand_checked_pairs_link_or_stay_apart(pair, calls):
    whole = calls[(calls["vote_on"] == "resolution") & (calls["identical_to"] == "")]
    found = []
    for title in (pair["title_a"], pair["title_b"]):
        matched = whole.loc[whole["title"] == title, "item"]
        assert len(matched), f"not a title of the record: {title!r}"
        assert matched.nunique() == 1
        found.append(matched.iloc[0])
    assert (found[0] == found[1]) == (pair["link"] == "yes"), pair["reason"]


def test_every_roll_call_has_an_item_and_separate_votes_keep_their_own(calls):
    assert calls["item"].notna().all() and (calls["item"] != "").all()
    whole = set(calls.loc[calls["vote_on"] == "resolution", "item"])
    for vote_on in ["paragraph", "amendment", "motion", "other"]:
        separate = calls.loc[(calls["vote_on"] == vote_on) & (calls["identical_to"] == ""), "item"]
        assert not set(separate) & whole
        assert separate.str.contains(rf"-{vote_on}(?:-\d+)?$").all()


def test_twins_share_the_item_of_the_roll_call_they_repeat(calls):
    twins = calls[calls["identical_to"] != ""]
    assert len(twins) == 71
    item_of = calls.set_index("id")["item"]
    assert (twins["item"].to_numpy() == twins["identical_to"].map(item_of).to_numpy()).all()


def test_ids_are_unique_readable_slugs(items):
    assert items["item"].is_unique
    assert items["item"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    base = items["item"].str.replace(r"-\d+$", "", regex=True)
    assert (base.str.len() <= items_module.MAX_ID_LENGTH).all()


def test_the_cuba_item(items):
    cuba = get_item("embargo cuba", items)
    assert cuba.id == CUBA
    assert (cuba.first_year, cuba.last_date.year, cuba.n_roll_calls) == (1992, 2025, 33)
    assert cuba.last_yes == 165
    assert cuba.thresholds == (165, 160, 150)
    assert cuba.usual_date(2026) == pd.Timestamp("2026-10-30")
    assert cuba.label == "Ending the US embargo against Cuba"
    assert cuba.consensus_adoptions == 0
    assert cuba.consensus_before_first_vote == 0 and cuba.first_voted_after_consensus is None
    assert get_item("cuba-embargo", items) == cuba == get_item(CUBA, items)


def test_find_items_ranks_the_cuba_text_first(items):
    found = find_items("embargo cuba", items)
    assert found["item"].iloc[0] == CUBA
    assert find_items("EMBARGO  Cuba", items)["item"].tolist() == found["item"].tolist()
    refugees = find_items("palestine refugee", items)
    assert refugees["item"].iloc[0] == "assistance-to-palestine-refugees"
    recent = refugees[refugees["match"].str.startswith("resolution, voted until")]
    assert recent.index.tolist() == refugees.index[: len(recent)].tolist()
    assert recent["n_roll_calls"].is_monotonic_decreasing


@pytest.mark.parametrize(
    ("words", "meant"),
    [
        ("palestine refugees", "assistance-to-palestine-refugees"),
        ("cuba", CUBA),
        ("human rights iran", "situation-of-human-rights-in-islamic-republic-of-iran"),
        ("nuclear disarmament", "nuclear-disarmament"),
    ],
)
def test_plain_words_take_the_text_a_user_means(items, words, meant):
    """The resolution as a whole, still voted, over its motions, amendments and old namesakes."""
    assert len(find_items(words, items)) > 1
    assert get_item(words, items).id == meant
    first = find_items(words, items).iloc[0]
    assert first["match"].startswith("resolution, ") and "voted until" in first["match"]


def test_get_item_explains_unknown_and_ambiguous_names(items):
    with pytest.raises(UnknownNameError, match="did you mean necessity-ending-economic"):
        get_item("necessity-ending-economic-commercial-financial-embargo-cube", items)
    with pytest.raises(
        UnknownNameError,
        match=r"'human rights' matches \d+ items, none clearly best: .* and \d+ more",
    ):
        get_item("human rights", items)
    with pytest.raises(UnknownNameError, match="no item id or title matches it"):
        get_item("zzzz", items)
    with pytest.raises(UnknownNameError, match="no words"):
        find_items(" - ", items)


def test_consensus_adoptions_come_from_the_dgacm_table(items):
    table = items.set_index("item")
    # Voted until 2020, adopted without a vote in sessions 76-79.
    assert table.at["prevention-of-an-arms-race-in-outer-space", "consensus_adoptions"] == 4
    # Last voted in 1989, before the sessions the table covers: unknown.
    assert pd.isna(
        table.at["report-special-committee-investigate-israeli-territories", "consensus_adoptions"]
    )
    assert table.loc[table["vote_on"] != "resolution", "consensus_adoptions"].isna().all()


def test_a_text_first_voted_after_adoptions_without_a_vote_says_so(items):
    """Session 80 put many texts adopted by consensus in sessions 74-79 to a recorded vote."""
    table = items.set_index("item")
    row = table.loc["american-samoa"]
    assert row["first_date"] == pd.Timestamp("2025-12-05")
    assert row["consensus_before_first_vote"] == row["consensus_adoptions"] == 6
    item = get_item("american-samoa", items)
    assert item.first_voted_after_consensus == (
        "first put to a recorded vote in 2025, after 6 adoptions without a vote"
    )
    # Adoptions after the first vote do not count: voted in 2020, by consensus from 2021.
    assert table.at["prevention-of-an-arms-race-in-outer-space", "consensus_before_first_vote"] == 0
    first_voted_in_80 = table[table["first_date"] >= pd.Timestamp("2025-10-01")]
    assert (first_voted_in_80["consensus_before_first_vote"] > 0).sum() >= 40


def test_hand_written_labels_name_items_of_the_record(items):
    labels = pd.read_csv(ROOT / "data" / "item-labels.csv")
    assert labels["item"].is_unique
    assert set(labels["item"]) <= set(items["item"])
    assert (labels["label"].str.len() <= items_module.MAX_LABEL_LENGTH).all()


def test_item_links_say_which_rule_linked(record):
    links = link_reasons(*record)
    assert set(links["rule"]) <= {
        "agenda : title",
        "spelling",
        "added word",
        "agenda item",
        "roll call",
    }
    unites = links[
        links["key_b"].str.contains("unites states") | links["key_a"].str.contains("unites states")
    ]
    assert unites["item"].tolist() == [CUBA]


def test_linking_the_record_is_fast(record):
    started = time.perf_counter()
    load_items(*record)
    # Typically under a second; the bound only catches a quadratic slip.
    assert time.perf_counter() - started < 10


def test_the_readme_figures_are_current():
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert coverage_script.START in text
    written = text.split(coverage_script.START, 1)[1].split(coverage_script.END, 1)[0]
    fresh = coverage_script.build()
    assert coverage_script.START + written + coverage_script.END + "\n" == fresh, (
        "data/README.md is stale: run python scripts/item_coverage.py --write"
    )
