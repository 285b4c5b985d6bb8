"""Measure how much earlier episodes of US pressure moved votes in the General Assembly.

Three episodes, each compared with the same members' own votes on comparable texts:

* ``jerusalem-2017``: A/RES/ES-10/19 (2017-12-21), voted after the US threatened to cut aid
  to those voting yes, against the widely supported Palestine-question texts of sessions
  70-72 that the US voted against (``jerusalem-2017-jerusalem-texts``: only the three annual
  "Jerusalem" resolutions).
* ``cuba-1992``: the first Cuba-embargo vote against the same members' votes of 2000-2018.
* ``cuba-2019``: members that left yes between 2018 and 2019 against the usual rate of leaving
  yes from one Cuba vote to the next (2000-2018).

Groups (NATO, EU, US treaty allies, major non-NATO allies) come from data/country_groups.csv,
taken on the episode date.  Shifts are in log-odds of not voting yes (abstain, no or absent)
and of being absent.  Writes seeds/episodes.csv.  Run from anywhere::

    python scripts/estimate_pressure_episodes.py [--ga-data ../shared/data/unga]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.discrete.conditional_models import ConditionalLogit

from unvote.load import GA_DATA_ENV, load_ga_votes, load_roll_calls, load_votes

ROOT = Path(__file__).resolve().parents[1]
GROUPS_FILE = ROOT / "data" / "country_groups.csv"
OUT_FILE = ROOT / "seeds" / "episodes.csv"

JERUSALEM_VOTE = "A/RES/ES-10/19"
BASELINE_SESSIONS = (70, 72)
# Palestine-question texts; the three annual texts titled "Jerusalem" form the narrow baseline.
PALESTINE_TITLE = r"Palestin|Jerusalem|Israeli"
# The institutional texts (Committee, Division, Special Committee) get about 100 yes votes
# because many European and other states abstain on them every year; ES-10/19 is compared
# with the texts those states support, so only texts with yes >= 70% of members are kept.
WIDE_SUPPORT = 0.70
CUBA_BASELINE_YEARS = (2000, 2018)
# The pressuring state and the state the text concerns are not "members that moved".
PRINCIPALS = {"jerusalem": {"USA", "ISR"}, "cuba": {"USA", "CUB"}}
TREATY_GROUPS = ("nato", "rio_treaty", "anzus", "us_bilateral_treaty")
ALLY_GROUPS = (*TREATY_GROUPS, "mnna", "cofa", "eu")
BOOTSTRAP_DRAWS = 2000
SEED = 20171221

COLUMNS = [
    "episode",
    "group",
    "n_members",
    "baseline_p_nonyes",
    "episode_p_nonyes",
    "shift_logit_nonyes",
    "se",
    "shift_logit_absent",
    "se_absent",
    "note",
]


def default_ga_data() -> Path:
    """UNVOTE_GA_DATA if set, else the shared copy next to the repository."""
    return Path(os.environ.get(GA_DATA_ENV, ROOT.parent / "shared" / "data" / "unga"))


def load_groups(path: Path = GROUPS_FILE) -> pd.DataFrame:
    """country_groups.csv with parsed dates (a blank end means the membership goes on)."""
    groups = pd.read_csv(path, dtype=str, keep_default_na=False)
    groups["start"] = pd.to_datetime(groups["start"])
    groups["end"] = pd.to_datetime(groups["end"].replace("", None))
    return groups


def groups_on(groups: pd.DataFrame, date: pd.Timestamp, members: set[str]) -> dict[str, set[str]]:
    """The analysis groups among ``members`` on ``date``: named groups plus derived unions."""
    day = pd.Timestamp(date)
    live = groups[(groups["start"] <= day) & (groups["end"].isna() | (groups["end"] > day))]

    def named(*names: str) -> set[str]:
        return set(live.loc[live["group"].isin(names), "iso3"]) & members

    return {
        "all": set(members),
        "nato": named("nato"),
        "eu": named("eu"),
        "us_treaty_allies": named(*TREATY_GROUPS),
        "mnna": named("mnna"),
        # Members in none of the US alliance or association groups nor the EU: the contrast.
        "other": members - named(*ALLY_GROUPS),
    }


def empirical_logit(share: float, n: int) -> float:
    """Log-odds of a share of ``n`` countries, with half a country added to each side.

    The same ``n`` on both sides of a comparison keeps zero-vs-zero at a shift of 0.
    """
    k = share * n
    return float(np.log((k + 0.5) / (n - k + 0.5)))


def pooled_shift(panel: pd.DataFrame, outcome: str, rng: np.random.Generator) -> dict:
    """Group-level shift: logit(episode share) - logit(baseline share).

    ``panel`` has one row per country and text: ``iso3, episode (0/1)`` and the outcome (0/1).
    Each country counts once on each side (its share over its baseline texts), so a member
    with many baseline texts does not outweigh the others.  The standard error comes from
    resampling countries, which keeps each country's texts together.
    """
    shares = panel.groupby(["iso3", "episode"])[outcome].mean().unstack("episode")
    shares = shares.dropna()  # countries seen in both the baseline and the episode
    base, epi = shares[0].to_numpy(), shares[1].to_numpy()
    n = len(shares)

    def shift(rows: np.ndarray) -> float:
        return empirical_logit(epi[rows].mean(), n) - empirical_logit(base[rows].mean(), n)

    boot = [shift(draw) for draw in rng.integers(0, n, size=(BOOTSTRAP_DRAWS, n))]
    return {
        "n": n,
        "k_base": int(panel.loc[panel["episode"] == 0, outcome].sum()),
        "k_epi": int(panel.loc[panel["episode"] == 1, outcome].sum()),
        "p_base": base.mean(),
        "p_epi": epi.mean(),
        "shift": shift(np.arange(n)),
        "se": float(np.std(boot, ddof=1)),
    }


def within_country_shift(panel: pd.DataFrame, outcome: str) -> tuple[float, float]:
    """Logit with country fixed effects (conditional logit): the shift of a member's own log-odds.

    Only members whose outcome varies contribute.  The estimate is infinite when no member
    moved against the episode's direction (e.g. no one back to yes), so it is reported as NaN.
    """
    varying = panel.groupby("iso3")[outcome].transform("nunique") > 1
    data = panel[varying]
    flags = data.groupby("iso3").apply(
        lambda c: (
            bool(((c["episode"] == 1) & (c[outcome] == 1)).any()),
            bool(((c["episode"] == 1) & (c[outcome] == 0)).any()),
        )
    )
    if data.empty or not any(up for up, _ in flags) or not any(down for _, down in flags):
        return float("nan"), float("nan")
    model = ConditionalLogit(
        data[outcome].to_numpy(), data[["episode"]].to_numpy(float), groups=data["iso3"].to_numpy()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(disp=0)
    return float(fit.params[0]), float(fit.bse[0])


def estimate(
    episode: str,
    panel: pd.DataFrame,
    groups: dict[str, set[str]],
    note: str,
    rng: np.random.Generator,
) -> list[dict]:
    """One result row per group: pooled shifts (the CSV columns) and the within-country ones."""
    rows = []
    for name, members in groups.items():
        sub = panel[panel["iso3"].isin(members)]
        if sub.empty:
            continue
        nonyes, absent = pooled_shift(sub, "nonyes", rng), pooled_shift(sub, "absent", rng)
        fe, fe_se = within_country_shift(sub, "nonyes")
        fe_abs, fe_abs_se = within_country_shift(sub, "absent")
        caveats = [
            f"no {what} in {when}"
            for what, res in [("non-yes", nonyes), ("absence", absent)]
            for when, k in [("baseline", res["k_base"]), ("episode", res["k_epi"])]
            if k == 0
        ]
        if caveats:
            caveats.append("shift there set by the 0.5 correction, se understated")
        rows.append(
            {
                "episode": episode,
                "group": name,
                "n_members": nonyes["n"],
                "baseline_p_nonyes": nonyes["p_base"],
                "episode_p_nonyes": nonyes["p_epi"],
                "shift_logit_nonyes": nonyes["shift"],
                "se": nonyes["se"],
                "shift_logit_absent": absent["shift"],
                "se_absent": absent["se"],
                "baseline_p_absent": absent["p_base"],
                "episode_p_absent": absent["p_epi"],
                "fe_nonyes": fe,
                "fe_se": fe_se,
                "fe_absent": fe_abs,
                "fe_absent_se": fe_abs_se,
                "note": "; ".join([note, *caveats]),
            }
        )
    return rows


def with_outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the 0/1 outcomes: not voting yes, and absent."""
    return frame.assign(
        nonyes=(frame["vote"] != "yes").astype(int), absent=(frame["vote"] == "absent").astype(int)
    )


def jerusalem_panels(ga_data: Path) -> tuple[pd.Timestamp, dict[str, pd.DataFrame]]:
    """Country-by-text panels for ES-10/19 and its two baselines (broad and Jerusalem-only)."""
    calls = load_roll_calls(ga_data)
    votes = load_ga_votes(ga_data)
    calls = calls[(calls["vote_on"] == "resolution") & (calls["identical_to"] == "")]
    episode = calls[calls["resolution"] == JERUSALEM_VOTE].iloc[0]

    lo, hi = BASELINE_SESSIONS
    texts = calls[
        calls["session"].between(lo, hi)
        & (calls["session_type"] == "regular")
        & calls["title"].str.contains(PALESTINE_TITLE, case=False)
    ]
    us_vote = votes[votes["iso3"] == "USA"].set_index("id")["vote"]
    texts = texts[texts["id"].map(us_vote) == "no"]
    texts = texts[pd.to_numeric(texts["yes"]) >= WIDE_SUPPORT * pd.to_numeric(texts["members"])]
    narrow = texts[texts["title"].str.strip() == "Jerusalem"]

    panels = {}
    for name, base in [("jerusalem-2017", texts), ("jerusalem-2017-jerusalem-texts", narrow)]:
        ids = [*base["id"], episode["id"]]
        panel = votes[votes["id"].isin(ids) & ~votes["iso3"].isin(PRINCIPALS["jerusalem"])]
        panel = panel.assign(episode=(panel["id"] == episode["id"]).astype(int))
        panels[name] = with_outcomes(panel)
        print(f"{name}: {len(base)} baseline texts: {', '.join(base['resolution'])}")
    return episode["date"], panels


def cuba_1992_panel(cuba: pd.DataFrame) -> pd.DataFrame:
    """Country-by-year panel: 1992 (episode) and 2000-2018 (baseline)."""
    lo, hi = CUBA_BASELINE_YEARS
    panel = cuba[(cuba["year"] == 1992) | cuba["year"].between(lo, hi)]
    panel = panel[~panel["iso3"].isin(PRINCIPALS["cuba"])]
    return with_outcomes(panel.assign(episode=(panel["year"] == 1992).astype(int)))


def cuba_2019_panel(cuba: pd.DataFrame) -> pd.DataFrame:
    """Year-to-year moves away from yes: one row per member that voted yes at the previous vote.

    ``nonyes`` = no longer yes at the next vote, ``absent`` = absent at the next vote;
    ``episode`` marks the 2018 -> 2019 step, the baseline is every step from 2000 to 2018.
    """
    cuba = cuba[~cuba["iso3"].isin(PRINCIPALS["cuba"])]
    wide = cuba.pivot(index="iso3", columns="year", values="vote")
    lo, hi = CUBA_BASELINE_YEARS
    steps = [(y, y + 1) for y in range(lo, hi)] + [(2018, 2019)]
    rows = []
    for before, after in steps:
        stayed = wide[(wide[before] == "yes") & wide[after].notna()]
        rows.append(
            pd.DataFrame(
                {
                    "iso3": stayed.index,
                    "year": after,
                    "vote": stayed[after].astype(str).to_numpy(),
                    "episode": int(after == 2019),
                }
            )
        )
    return with_outcomes(pd.concat(rows, ignore_index=True))


def describe_cuba(cuba: pd.DataFrame, groups: pd.DataFrame) -> None:
    """Print the allies' non-yes share per year 1992-2000 and the 2018 -> 2019 switches."""
    print("\nCuba text, share not voting yes (groups on each vote date, USA/CUB left out):")
    for year in range(1992, 2001):
        votes = cuba[(cuba["year"] == year) & ~cuba["iso3"].isin(PRINCIPALS["cuba"])]
        sets = groups_on(groups, votes["date"].iloc[0], set(votes["iso3"]))
        nonyes = set(votes.loc[votes["vote"] != "yes", "iso3"])
        shares = "  ".join(f"{g} {len(s & nonyes) / len(s):.2f}" for g, s in sets.items() if s)
        print(f"  {year}: {shares}")
    wide = cuba.pivot(index="iso3", columns="year", values="vote")
    moved = wide[(wide[2018] != wide[2019]) & wide[2019].notna()]
    print(
        "\nCuba 2018 -> 2019 changes:",
        ", ".join(f"{c} {r[2018]}->{r[2019]}" for c, r in moved.iterrows()),
    )
    years = sorted(y for y in wide.columns if y >= CUBA_BASELINE_YEARS[0])
    print("Members leaving yes from one vote to the next (to abstain/no | to absent):")
    for before, after in itertools.pairwise(years):
        was_yes = wide[before] == "yes"
        to_vote = int((was_yes & wide[after].isin(["abstain", "no"])).sum())
        to_absent = int((was_yes & (wide[after] == "absent")).sum())
        print(f"  {before}->{after}: {to_vote} | {to_absent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--ga-data",
        type=Path,
        default=default_ga_data(),
        help=f"folder of the full GA record (default: ${GA_DATA_ENV} or "
        "../shared/data/unga next to the repository)",
    )
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args()
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    if not GROUPS_FILE.is_file():
        raise SystemExit(f"{GROUPS_FILE} not found: the group definitions are needed")
    groups = load_groups()

    rows = []
    date, panels = jerusalem_panels(args.ga_data)
    members = set(panels["jerusalem-2017"].query("episode == 1")["iso3"])
    sets = groups_on(groups, date, members)
    rows += estimate(
        "jerusalem-2017",
        panels["jerusalem-2017"],
        sets,
        "ES-10/19 vs Palestine-question texts of sessions 70-72 (US no, wide support)",
        rng,
    )
    rows += estimate(
        "jerusalem-2017-jerusalem-texts",
        panels["jerusalem-2017-jerusalem-texts"],
        sets,
        "ES-10/19 vs A/RES/70/16, 71/25, 72/15 (Jerusalem)",
        rng,
    )

    cuba = load_votes("cuba-embargo")
    cuba = cuba[cuba["year"] < 2025]
    first = cuba[cuba["year"] == 1992]
    sets = groups_on(groups, first["date"].iloc[0], set(first["iso3"]) - PRINCIPALS["cuba"])
    rows += estimate(
        "cuba-1992",
        cuba_1992_panel(cuba),
        sets,
        "1992 vote vs same members' votes 2000-2018; groups as of 1992",
        rng,
    )
    step = cuba_2019_panel(cuba)
    date_2019 = cuba.loc[cuba["year"] == 2019, "date"].iloc[0]
    sets = groups_on(groups, date_2019, set(step.query("episode == 1")["iso3"]))
    rows += estimate(
        "cuba-2019",
        step,
        sets,
        "share of previous-yes members not yes at the next vote: "
        "2018->2019 vs 2000->2001 ... 2017->2018",
        rng,
    )

    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\n" + table.drop(columns="note").round(3).to_string(index=False))
    describe_cuba(cuba, groups)

    # The within-country (fixed-effects) shift goes into the note, not a separate column.
    def fe_text(r: pd.Series) -> str:
        def one(est: float, se: float) -> str:
            return "not identified" if np.isnan(est) else f"{est:.2f} (se {se:.2f})"

        nonyes, absent = one(r["fe_nonyes"], r["fe_se"]), one(r["fe_absent"], r["fe_absent_se"])
        return f"{r['note']}; within-country FE logit: nonyes {nonyes}, absent {absent}"

    table["note"] = table.apply(fe_text, axis=1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table[COLUMNS].to_csv(args.out, index=False, float_format="%.4f")
    print(f"\nwrote {args.out} ({len(table)} rows) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
