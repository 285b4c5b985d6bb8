"""Estimate the shifts of the pressure episodes in seeds/episodes.csv, in members' own log-odds.

For each episode the pooled vote model is fitted on the 15 sessions before the
vote (through the day before), each member's forecast is the offset, and the
campaign's shift is fitted on top of it (:mod:`unvote.campaigns.episodes`).  Writes

    seeds/episode_estimates.csv      one row an episode: shifts, standard errors, counts
    seeds/episode_groups.csv         the shifts within alliance groups
    seeds/episode_heterogeneity.csv  the shift as a function of member features
    seeds/episode_pooled.csv         shifts pooled over episodes, and response functions
    seeds/episode_validation.csv     leave-one-episode-out predictions
    seeds/episode_channels.csv       the shifts by the channels of the built-in cable scenario
    seeds/episode_priors.csv         the strength priors of the newest cable, from these estimates

and rewrites the tables of seeds/EPISODES.md between their markers
(``<!-- table: name -->`` ... ``<!-- end -->``).  About three minutes::

    python scripts/estimate_pressure_episodes.py [--no-docs]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from unvote.campaigns.episodes import (
    GROUPS,
    HETEROGENEITY_FEATURES,
    NO_CHANNEL,
    PORTABLE_FEATURES,
    channel_groups,
    channel_shapes,
    channel_strengths,
    describe_episode,
    episode_rows,
    estimate_episode,
    fit_episode_model,
    group_shifts,
    heterogeneity,
    load_episodes,
    locate_episodes,
    loeo,
    pool_shifts,
    response_function,
)
from unvote.errors import UnvoteError
from unvote.model.features import load_record
from unvote.scenarios.scenario import Scenario, get_scenario

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DOC = SEEDS / "EPISODES.md"
WINDOW = 15

Z80 = 1.2816
"""The 90th percentile of a standard normal: a prior's 80 % range is its 10th to 90th."""

CHANNELS_OF = pd.Timestamp("2025-10-29")
"""The channels are those of the built-in ``cable`` scenario in use for the vote of this day
(defined before it): its selectors, with every target's shift uniform (no response), so
that the fit says whether a slope is needed."""

TERM_LABELS = {
    "shift": "shift at the average member",
    "campaigner_agreement": "agreement with the campaigner (0 → 1)",
    "missed_12m": "share of roll calls missed (0 → 1)",
    "us_treaty_ally": "US treaty ally",
    "eu": "EU member",
    "region_asia_pacific": "Asia-Pacific Group",
    "region_eastern_europe": "Eastern European Group",
    "region_latin_america": "Latin American and Caribbean Group",
    "region_weog": "Western European and Others Group",
}

# Response functions shift_i = a + b (x_i - center) fitted over a set of episodes:
# label -> (episodes, outcome, members selected, feature x).
AGREEMENT = "campaigner_agreement"
RESPONSES: dict[str, tuple[str, str, str | None, str]] = {
    "vote shift of US allies ~ agreement with the US": ("US", "vote", "us_ally", AGREEMENT),
    "vote shift ~ agreement with the US": ("US", "vote", None, AGREEMENT),
    "vote shift ~ agreement with the campaigner": ("all", "vote", None, AGREEMENT),
    "not yes ~ agreement with the US": ("US", "nonyes", None, AGREEMENT),
    "absence shift ~ share missed (US)": ("US", "absence", None, "missed_12m"),
    "absence shift ~ share missed (all)": ("all", "absence", None, "missed_12m"),
}


def fmt(value: float, digits: int = 2) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return f"{value:.{digits}f}".replace("-", "−")


def with_se(value: float, se: float) -> str:
    return f"{fmt(value)} ({fmt(se)})" if np.isfinite(value) else "—"


def cells(render: Callable[..., str], *columns: Iterable) -> list[str]:
    """One formatted cell a row, from several columns at once."""
    return [render(*values) for values in zip(*columns, strict=True)]


def markdown(frame: pd.DataFrame, right: Iterable[int] = ()) -> str:
    right = set(right)
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---:" if i in right else "---" for i in range(frame.shape[1])) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.to_numpy()]
    return "\n".join([head, rule, *body])


def catalogue_table(episodes: pd.DataFrame) -> str:
    e = episodes
    table = pd.DataFrame(
        {
            "episode": e.index,
            "vote": cells(lambda s, d: f"{s}, {d:%Y-%m-%d}", e["symbol"], e["date"]),
            "campaigner": cells(
                lambda c, o: "; ".join([c, *o]), e["campaigner"], e["other_campaigners"]
            ),
            "asked": e["aim"],
            "of": e["addressed"],
            "forecast as a vote on": [r or "its own text" for r in e["reference"]],
            "confidence": e["confidence"],
        }
    )
    return markdown(table)


def source_list(episodes: pd.DataFrame) -> str:
    lines = []
    for name, episode in episodes.iterrows():
        day = f"{episode['date'].day} {episode['date']:%B %Y}"
        lines.append(f"**{name}** ({episode['symbol']}, {day}). {episode['campaign']}")
        lines.extend(f"- {source.strip()}" for source in episode["sources"].split(" | "))
        lines.append("")
    return "\n".join(lines[:-1])


def description_table(e: pd.DataFrame) -> str:
    table = pd.DataFrame(
        {
            "episode": e.index,
            "comparison votes": e["comparison_votes"].astype(int),
            "members": e["members_compared"].astype(int),
            "not yes: comparison → episode": cells(
                lambda a, b: f"{fmt(a)} → {fmt(b)}",
                e["comparison_nonyes_share"],
                e["episode_nonyes_share"],
            ),
            "always yes before": e["usual_yes"].astype(int),
            "of them, not yes (abstain / no / absent)": cells(
                lambda n, a, o, s: f"{int(n)} ({int(a)} / {int(o)} / {int(s)})",
                e["left_yes"],
                e["to_abstain"],
                e["to_no"],
                e["to_absent"],
            ),
            "never yes before, yes now": e["came_to_yes"].astype(int),
        }
    )
    return markdown(table, right=(1, 2, 4, 6))


def estimate_table(e: pd.DataFrame) -> str:
    table = pd.DataFrame(
        {
            "episode": e.index,
            "campaigner": e["campaigner"],
            "n": e["n_members"].astype(int),
            "yes: forecast → observed": cells(
                lambda y, o: f"{y:.1f} → {int(o)}", e["yes_expected"], e["yes_observed"]
            ),
            "δ (not yes)": e["delta"].map(fmt),
            "se sampling": e["se_sampling"].map(fmt),
            "se with shock": e["se_total"].map(fmt),
            "vote shift": cells(with_se, e["vote_shift"], e["vote_shift_se"]),
            "absence shift": cells(with_se, e["absence_shift"], e["absence_shift_se"]),
            "abstain / no": cells(
                lambda a, n: f"{fmt(a)} / {fmt(n)}", e["abstain_shift"], e["no_shift"]
            ),
            "δ against the comparison votes": cells(
                with_se, e["delta_comparison"], e["delta_comparison_se"]
            ),
        }
    )
    return markdown(table, right=range(2, 11))


def firm_table(e: pd.DataFrame) -> str:
    table = pd.DataFrame(
        {
            "episode": e.index,
            "δ, all members": cells(with_se, e["delta"], e["se_sampling"]),
            "firm yes (P(yes) ≥ 0.95): members, not yes": cells(
                lambda n, m: f"{int(n)}, {int(m)}", e["n_firm_yes"], e["moved_firm_yes"]
            ),
            "δ, firm yes": cells(with_se, e["delta_firm_yes"], e["delta_firm_yes_se"]),
            "change of the shift per unit of a_i": cells(
                with_se, e["baseline_slope"], e["baseline_slope_se"]
            ),
        }
    )
    return markdown(table, right=range(1, 5))


def group_table(groups: pd.DataFrame, column: str, order: list[str]) -> str:
    wide = groups.assign(
        cell=cells(
            lambda d, s, n: f"{with_se(d, s)} [{n}]",
            groups[column],
            groups[f"{column}_se" if column != "delta" else "se_sampling"],
            groups["n"],
        )
    )
    pivot = wide.pivot(index="episode", columns="group", values="cell").loc[order, list(GROUPS)]
    pivot.columns = [GROUPS[c] for c in pivot.columns]
    return markdown(pivot.reset_index(), right=range(1, len(GROUPS) + 1))


def heterogeneity_table(terms: pd.DataFrame, outcome: str) -> str:
    terms = terms[terms["outcome"] == outcome]
    wide = terms.assign(cell=cells(with_se, terms["coef"], terms["se"]))
    pivot = wide.pivot(index="term", columns="episode", values="cell").fillna("—")
    pivot = pivot.reindex([t for t in TERM_LABELS if t in pivot.index])
    pivot.index = [TERM_LABELS[t] for t in pivot.index]
    pivot = pivot[list(terms["episode"].unique())]
    return markdown(pivot.reset_index(names="term"), right=range(1, pivot.shape[1] + 1))


def pooled_table(pooled: pd.DataFrame) -> str:
    table = pd.DataFrame(
        {
            "shift": pooled["shift"],
            "episodes": pooled["episodes"],
            "k": pooled["k"].astype(int),
            "mean": cells(with_se, pooled["mean"], pooled["se"]),
            "τ": np.sqrt(pooled["tau2"]).map(fmt),
            "Q": pooled["q"].map(fmt),
        }
    )
    return markdown(table, right=range(2, 6))


def response_table(responses: pd.DataFrame) -> str:
    r = responses
    table = pd.DataFrame(
        {
            "response": r.index,
            "episodes": r["episodes"],
            "members": r["n"].astype(int),
            "a (at x = center)": cells(with_se, r["a"], r["a_se"]),
            "τ": r["tau"].map(fmt),
            "b (per unit of x)": cells(with_se, r["b"], r["b_se"]),
            "center": r["center"].map(fmt),
            "x: 10th-90th percentile": cells(
                lambda lo, hi: f"{fmt(lo)} to {fmt(hi)}", r["x_low"], r["x_high"]
            ),
        }
    )
    return markdown(table, right=range(2, 8))


def validation_table(v: pd.DataFrame) -> str:
    table = pd.DataFrame(
        {
            "pool": v["pool"],
            "left out": v.index,
            "δ from the others": cells(with_se, v["delta_pooled"], v["delta_pooled_se"]),
            "δ observed": v["delta_observed"].map(fmt),
            "yes lost: observed": v["lost_observed"].map(lambda x: f"{x:.1f}"),
            "predicted, one shift": v["lost_uniform"].map(lambda x: f"{x:.1f}"),
            "predicted, δ_i": v["lost_predicted"].map(lambda x: f"{x:.1f}"),
            "80 % interval": cells(
                lambda lo, hi: f"{lo:.0f} to {hi:.0f}", v["lost_low"], v["lost_high"]
            ),
            "inside": v["inside"].map({True: "yes", False: "no"}),
            "movers / at risk": cells(lambda m, r: f"{m} / {r}", v["movers"], v["at_risk"]),
            "AUC history": v["auc_history"].map(fmt),
            "AUC one shift": v["auc_uniform"].map(fmt),
            "AUC δ_i": v["auc_predicted"].map(fmt),
        }
    )
    return markdown(table, right=range(2, 13))


def channel_measure() -> Scenario:
    """The cable's channels as measured: its selectors and kinds, a uniform shift per target."""
    return uniform(get_scenario("cable", on=CHANNELS_OF))


def channel_table(channels: pd.DataFrame, order: list[str]) -> str:
    """Per episode and channel: the group's own shifts, and the joint fit that adds up."""
    c = channels
    table = pd.DataFrame(
        {
            "episode": c["episode"],
            "channel": c["channel"],
            "members": c["n"].map(lambda n: f"{int(n)}" if np.isfinite(n) else "0"),
            "yes: forecast → observed": cells(
                lambda y, o: f"{y:.1f} → {int(o)}" if np.isfinite(y) else "—",
                c["yes_expected"],
                c["yes_observed"],
            ),
            "group: vote shift": cells(with_se, c["vote_shift"], c["vote_shift_se"]),
            "group: absence shift": cells(with_se, c["absence_shift"], c["absence_shift_se"]),
            "joint strength (se; with shock)": cells(
                lambda v, se, total: (
                    f"{fmt(v)} ({fmt(se)}; {fmt(total)})" if np.isfinite(v) else "—"
                ),
                c["strength"],
                c["strength_se"],
                c["strength_se_total"],
            ),
        }
    )
    table["_order"] = table["episode"].map({n: i for i, n in enumerate(order)})
    table = table.sort_values("_order", kind="stable").drop(columns="_order")
    return markdown(table, right=range(2, 7))


def channel_slope_table(slopes: pd.DataFrame) -> str:
    s = slopes
    table = pd.DataFrame(
        {
            "episode": s.index,
            "targets": s["n"].astype(int),
            "vote shift at the targets' mean": cells(with_se, s["shift"], s["shift_se"]),
            "per unit of agreement with the campaigner": cells(with_se, s["slope"], s["slope_se"]),
            "mean agreement (10th-90th percentile)": cells(
                lambda m, lo, hi: f"{fmt(m)} ({fmt(lo)} to {fmt(hi)})",
                s["mean"],
                s["low"],
                s["high"],
            ),
        }
    )
    return markdown(table, right=range(1, 5))


def uniform(scenario: Scenario) -> Scenario:
    """A scenario's channels with a uniform shift per target (no response), to be measured."""
    return replace(scenario, channels=tuple(replace(c, response=None) for c in scenario.channels))


def next_priors(
    rows: dict[str, pd.DataFrame], estimates: pd.DataFrame, pooled: pd.DataFrame
) -> pd.DataFrame:
    """The strength priors of the newest built-in cable, from the estimates (one row a channel).

    The channels are those of the newest ``cable.toml`` (its selectors and kinds).  Each is
    measured jointly (:func:`channel_strengths`) at every US episode where it selects
    members; the latest episode gives the median.  The spread of the campaign's force
    about it has two parts: the latest estimate's own standard error with its roll
    call's shock (``se_total``), and the spread between US campaigns, ``tau``: of this
    channel's strengths over the US episodes where it is measured, or, where only the
    latest measures it, of the all-member shift of its kind over the US campaigns
    (``pooled``).  ``sd = sqrt(se_total**2 + tau**2)``; the 80 % range runs from
    ``median**2 / high`` to ``high = median + Z80 * sd``, so the median is its geometric
    middle (a log-normal prior, as every built-in scenario states).
    """
    cable = get_scenario("cable")
    measure = uniform(cable)
    us = estimates.index[(estimates["campaigner"] == "USA") & (estimates["direction"] == "against")]
    latest = max(us, key=lambda n: estimates.loc[n, "date"])
    fits = {}
    for name in us:
        try:
            fit = channel_strengths(rows[name], measure)
        except UnvoteError:
            continue
        fits[name] = fit
    out = []
    for channel in cable.channels:
        seen = [n for n in us if n in fits and channel.name in fits[n].coef.index]
        values = np.array([fits[n].coef[channel.name] for n in seen])
        totals = np.array(
            [np.hypot(fits[n].se[channel.name], estimates.loc[n, "shock_sd"]) for n in seen]
        )
        if len(seen) > 1:
            spread = pool_shifts(values, totals**2)
            tau, tau_from = float(np.sqrt(spread["tau2"])), f"{len(seen)} US episodes"
        else:
            shift = "vote_shift" if channel.kind == "vote" else "absence_shift"
            row = pooled[(pooled["shift"] == shift) & (pooled["episodes"] == "US")].iloc[0]
            tau, tau_from = float(np.sqrt(row["tau2"])), f"{shift}, US campaigns"
        median = float(fits[latest].coef[channel.name])
        se_total = float(np.hypot(fits[latest].se[channel.name], estimates.loc[latest, "shock_sd"]))
        sd = float(np.hypot(se_total, tau))
        high = median + Z80 * sd
        out.append(
            {
                "channel": channel.name,
                "kind": channel.kind,
                "from": latest,
                "median": median,
                "se": float(fits[latest].se[channel.name]),
                "se_total": se_total,
                "tau": tau,
                "tau_from": tau_from,
                "sd": sd,
                "low": median**2 / high,
                "high": high,
                "episodes": ";".join(seen),
                "strengths": ";".join(f"{v:.4f}" for v in values),
            }
        )
    return pd.DataFrame(out).set_index("channel")


def prior_table(priors: pd.DataFrame) -> str:
    p = priors
    table = pd.DataFrame(
        {
            "channel": p.index,
            "kind": p["kind"],
            "median: 2025 strength (se; with shock)": cells(
                lambda m, se, t: f"{fmt(m)} ({fmt(se)}; {fmt(t)})",
                p["median"],
                p["se"],
                p["se_total"],
            ),
            "τ (from)": cells(lambda t, f: f"{fmt(t)} ({f})", p["tau"], p["tau_from"]),
            "sd": p["sd"].map(fmt),
            "80 % range": cells(lambda lo, hi: f"{lo:.1f} to {hi:.1f}", p["low"], p["high"]),
            "strengths in the US episodes": p["strengths"].map(
                lambda v: ", ".join(fmt(float(x)) for x in v.split(";"))
            ),
        }
    )
    return markdown(table, right=range(2, 5))


def replace_tables(text: str, tables: dict[str, str]) -> str:
    for name, table in tables.items():
        pattern = re.compile(rf"(<!-- table: {name} -->\n).*?(<!-- end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{DOC}: no marker for table {name!r}")
        text = pattern.sub(lambda m, t=table: f"{m.group(1)}{t}\n{m.group(2)}", text)
    return text


def channel_rows(rows: pd.DataFrame, measure: Scenario, shock_sd: float) -> pd.DataFrame:
    """Each channel's group shifts (alone) and joint strength (added up), one row a channel."""
    groups = channel_groups(rows, measure).rename(columns={"group": "channel"})
    try:
        fit = channel_strengths(rows, measure)
        strength, se = fit.coef, fit.se
    except UnvoteError:
        strength = se = pd.Series(dtype=float)
    groups["kind"] = groups["channel"].map({c.name: c.kind for c in measure.channels})
    groups["strength"] = groups["channel"].map(strength).astype(float)
    groups["strength_se"] = groups["channel"].map(se).astype(float)
    groups["strength_se_total"] = np.hypot(groups["strength_se"], shock_sd)
    groups.loc[groups["channel"] == NO_CHANNEL, "kind"] = ""
    return groups


def target_slope(rows: pd.DataFrame, measure: Scenario) -> pd.Series:
    """The vote shift among the members any channel selects, linear in agreement with the
    campaigner (``heterogeneity`` on those members alone)."""
    targets = rows[(channel_shapes(rows, measure) > 0).any(axis=1)]
    terms = heterogeneity(targets, ["campaigner_agreement"], outcome="vote")
    x = targets["campaigner_agreement"]
    return pd.Series(
        {
            "n": float(len(targets)),
            "shift": terms.loc["shift", "coef"],
            "shift_se": terms.loc["shift", "se"],
            "slope": terms.loc["campaigner_agreement", "coef"],
            "slope_se": terms.loc["campaigner_agreement", "se"],
            "mean": float(x.mean()),
            "low": float(x.quantile(0.1)),
            "high": float(x.quantile(0.9)),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite EPISODES.md")
    args = parser.parse_args()
    started = time.perf_counter()
    record = load_record()
    episodes = load_episodes()
    calls = locate_episodes(record, episodes)

    measure = channel_measure()
    rows, estimates, groups, terms, channels, slopes = {}, [], [], [], [], {}
    for name, episode in episodes.iterrows():
        clock = time.perf_counter()
        model = fit_episode_model(record, episode["date"], window=WINDOW)
        mine = episode_rows(record, episode, model, call=int(calls[name]))
        rows[name] = mine
        estimate = estimate_episode(mine, model.shock_sd_)
        about = {
            "episode": name,
            "symbol": episode["symbol"],
            "date": f"{episode['date']:%Y-%m-%d}",
            "campaigner": episode["campaigner"],
            "direction": episode["direction"],
            "confidence": episode["confidence"],
            "train_sessions": "{}-{}".format(*model.train_sessions_),
        }
        estimates.append(pd.concat([pd.Series(about), estimate, describe_episode(mine)]))
        groups.append(group_shifts(mine).assign(episode=name))
        for outcome in ("nonyes", "vote", "absence"):
            table = heterogeneity(mine, HETEROGENEITY_FEATURES, outcome=outcome)
            terms.append(table.assign(episode=name, outcome=outcome))
        if episode["campaigner"] == measure.campaigner:
            channels.append(channel_rows(mine, measure, model.shock_sd_).assign(episode=name))
            slopes[name] = target_slope(mine, measure)
        print(
            f"{name}: sessions {model.train_sessions_}, shock sd {model.shock_sd_:.2f}, "
            f"delta {estimate['delta']:.2f} (se {estimate['se_sampling']:.2f}, "
            f"with shock {estimate['se_total']:.2f}) [{time.perf_counter() - clock:.0f} s]"
        )

    estimates = pd.DataFrame(estimates).set_index("episode")
    groups = pd.concat(groups, ignore_index=True)
    channels = pd.concat(channels, ignore_index=True)
    slopes = pd.DataFrame(slopes).T.rename_axis("episode")
    terms = pd.concat(terms).rename_axis("term").reset_index()

    against = estimates[estimates["direction"] == "against"]
    pools = {
        "all": list(against.index),
        "high confidence": list(against.index[against["confidence"] == "high"]),
        "US": list(against.index[against["campaigner"] == "USA"]),
    }
    pooled = []
    for shift, se in [("delta", "se_sampling"), ("vote_shift", "vote_shift_se"),
                      ("absence_shift", "absence_shift_se")]:  # fmt: skip
        for label, names in pools.items():
            e = against.loc[names]
            variance = e[se] ** 2 + e["shock_sd"] ** 2
            pooled.append({"shift": shift, "episodes": label, **pool_shifts(e[shift], variance)})
    pooled = pd.DataFrame(pooled)

    shock = against["shock_sd"].to_dict()
    responses = {}
    for label, (pool, outcome, select, feature) in RESPONSES.items():
        fitted = response_function(
            {n: rows[n] for n in pools[pool]}, feature, shock, outcome=outcome, select=select
        )
        responses[label] = pd.concat([pd.Series({"episodes": pool, "outcome": outcome}), fitted])
    responses = pd.DataFrame(responses).T.rename_axis("response")
    responses[responses.columns[2:]] = responses[responses.columns[2:]].astype(float)

    validation = pd.concat(
        [
            loeo({n: rows[n] for n in names}, against, PORTABLE_FEATURES).assign(pool=label)
            for label, names in pools.items()
            if label != "high confidence"
        ]
    )

    estimates.to_csv(SEEDS / "episode_estimates.csv", float_format="%.4f")
    groups[["episode", *[c for c in groups.columns if c != "episode"]]].to_csv(
        SEEDS / "episode_groups.csv", index=False, float_format="%.4f"
    )
    terms[["episode", "outcome", "term", "coef", "se", "per_sd", "mean"]].to_csv(
        SEEDS / "episode_heterogeneity.csv", index=False, float_format="%.4f"
    )
    pd.concat([pooled.assign(kind="pooled"), responses.reset_index().assign(kind="response")])[
        ["kind", "shift", "response", "episodes", "outcome", "k", "mean", "se", "tau2", "q",
         "a", "a_se", "tau", "b", "b_se", "center", "n", "x_low", "x_high"]
    ].to_csv(SEEDS / "episode_pooled.csv", index=False, float_format="%.4f")  # fmt: skip
    validation.to_csv(SEEDS / "episode_validation.csv", float_format="%.4f")
    priors = next_priors(rows, estimates, pooled)
    priors.to_csv(SEEDS / "episode_priors.csv", float_format="%.4f")
    channels[["episode", *[c for c in channels.columns if c != "episode"]]].to_csv(
        SEEDS / "episode_channels.csv", index=False, float_format="%.4f"
    )

    order = list(estimates.index)
    tables = {
        "catalogue": catalogue_table(episodes),
        "sources": source_list(episodes),
        "description": description_table(estimates),
        "estimates": estimate_table(estimates),
        "firm": firm_table(estimates),
        "groups-nonyes": group_table(groups, "delta", order),
        "groups-vote": group_table(groups, "vote_shift", order),
        "groups-absence": group_table(groups, "absence_shift", order),
        "heterogeneity-nonyes": heterogeneity_table(terms, "nonyes"),
        "heterogeneity-vote": heterogeneity_table(terms, "vote"),
        "heterogeneity-absence": heterogeneity_table(terms, "absence"),
        "pooled": pooled_table(pooled),
        "responses": response_table(responses),
        "validation": validation_table(validation),
        "channels": channel_table(channels, order),
        "channel-slopes": channel_slope_table(slopes),
        "priors": prior_table(priors),
    }
    for name, table in tables.items():
        print(f"\n{name}\n{table}")
    if not args.no_docs:
        DOC.write_text(replace_tables(DOC.read_text(encoding="utf-8"), tables), encoding="utf-8")
    print(f"\nwrote seeds/episode_*.csv in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
