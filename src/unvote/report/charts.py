"""Charts of the record, the forecasts and the backtest (matplotlib).

Every function takes ``ax=None``, draws on that axes (or on a new figure with
``layout="constrained"``) and returns the axes.  Nothing here calls
``plt.show()`` or changes matplotlib's global settings.  Outcomes keep one
colour-blind-safe palette throughout (:data:`OUTCOME_COLOURS`), and every
chart carries the source note :data:`SOURCE_NOTE` under its x-axis label.

>>> from unvote.forecasting.vote import forecast
>>> fc = forecast(2025, ["baseline", "cable"])
>>> ax = history(fc)
>>> ax.get_title().startswith("UN General Assembly")
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullFormatter, PercentFormatter
from mpl_toolkits.axes_grid1 import make_axes_locatable

from unvote import files
from unvote.record.countries import display_name
from unvote.vocabulary import (
    LEVELS,
    METHOD_LABELS,
    OUTCOME_LABELS,
    OUTCOME_VERBS,
    OUTCOMES,
    PROBABILITY_COLUMNS,
    level_key,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from unvote.evaluation.runs import Backtest
    from unvote.forecasting.vote import Forecast, ScenarioForecast

SOURCE_NOTE = "UN General Assembly record; forecast by unvote"

OUTCOME_COLOURS: dict[str, str] = {
    "yes": "#1b9e77",
    "abstain": "#d95f02",
    "no": "#7570b3",
    "absent": "#999999",
}
"""One colour an outcome (ColorBrewer Dark2, safe for the common colour-vision deficiencies)."""

# Scenarios: Okabe-Ito colours that stay apart from the outcome palette, and a marker each.
_SCENARIO_COLOURS = ("#000000", "#0072B2", "#CC79A7", "#E69F00", "#56B4E9", "#D55E00", "#009E73")
_SCENARIO_MARKERS = ("o", "s", "D", "^", "v", "P", "X")
_LOGIT_TICKS = (1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999)


def _about(label: str) -> str:
    """An item's label inside a sentence (as :attr:`unvote.items.catalogue.Item.phrase`)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


# --- shared helpers -----------------------------------------------------------------------------


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _source_note(ax: Axes) -> None:
    """The source line in small grey text, left-aligned under the x-axis label."""
    ax.annotate(
        SOURCE_NOTE,
        xy=(0, 0),
        # x: left edge of the axes; y: bottom of the x-axis label, so the two never overlap.
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize="x-small",
        color="#666666",
        annotation_clip=False,
    )


def _scenario_styles(names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker of each scenario; the baseline is always black circles."""
    others = [n for n in names if n != "baseline"]
    styles = {"baseline": (_SCENARIO_COLOURS[0], _SCENARIO_MARKERS[0])}
    for k, name in enumerate(others, start=1):
        styles[name] = (
            _SCENARIO_COLOURS[k % len(_SCENARIO_COLOURS)],
            _SCENARIO_MARKERS[k % len(_SCENARIO_MARKERS)],
        )
    return styles


def _percent(share: float) -> str:
    """A probability as a short percentage ("<0.1%" for tiny ones)."""
    if share < 0.0005:
        return "<0.1%"
    return f"{100 * share:.1f}%" if share < 0.1 else f"{100 * share:.0f}%"


def _percentile(share: float) -> str:
    """A percentile with the decimals its extremes need: "<0.1%", "2.3%", "25%", "99.7%"."""
    if share < 0.0005:
        return "<0.1%"
    if share > 0.9995:
        return ">99.9%"
    return f"{100 * share:.1f}%" if min(share, 1 - share) < 0.1 else f"{100 * share:.0f}%"


def _logit_label(share: float) -> str:
    """A tick on a logit axis as a percentage with just enough decimals (0.01%, 50%, 99.9%)."""
    decimals = max(0, round(-np.log10(min(share, 1 - share))) - 2)
    return f"{100 * share:.{decimals}f}%"


# --- the record and the forecast ----------------------------------------------------------------


def _by_year(frame: pd.DataFrame, last: int | None = None) -> pd.DataFrame:
    """``frame`` indexed by every year from its first to ``last``: a year without a vote
    (2020) becomes a row of NaN, so that lines break there instead of bridging it."""
    frame = frame.drop_duplicates("year", keep="last")  # two votes in a year: the later one
    years = frame["year"].astype(int)
    last = int(years.max()) if last is None else last
    return frame.set_index("year").reindex(range(int(years.min()), last + 1))


def record(totals: pd.DataFrame, ax: Axes | None = None, *, last: int | None = None) -> Axes:
    """The recorded counts of every vote: yes, abstain, no and absent on one scale.

    ``totals``: one row a vote with ``year`` and the four counts (as
    :func:`unvote.items.catalogue.load_item_totals`).  Lines break at a year without a vote
    (2020), marked in grey.  ``last`` extends the x-axis to that year.

    >>> from unvote.items.catalogue import load_item_totals
    >>> ax = record(load_item_totals("cuba embargo"))
    >>> ax.get_ylabel()
    'Members'
    """
    ax = _new_axes(ax, (10, 5.5))
    full = _by_year(totals)
    years = full.index.to_numpy()
    markers = {"yes": "o", "abstain": "s", "no": "^", "absent": "D"}
    for outcome in OUTCOMES:
        ax.plot(
            years,
            full[outcome],
            marker=markers[outcome],
            markersize=4 if outcome == "yes" else 3.5,
            linewidth=2.2 if outcome == "yes" else 1.4,
            color=OUTCOME_COLOURS[outcome],
            label=OUTCOME_LABELS[outcome],
        )
    for gap in (int(y) for y in years if pd.isna(full.loc[y, "yes"])):
        ax.axvspan(gap - 0.5, gap + 0.5, color="#f0f0f0", zorder=0, linewidth=0)
        ax.annotate(
            f"no vote in {gap}",
            xy=(gap, 0.5),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="center",
            rotation=90,
            fontsize="x-small",
            color="#666666",
        )
    members = (
        int(totals["members"].max())
        if "members" in totals
        else int(full[list(OUTCOMES)].sum(axis=1).max())
    )
    ax.set_ylim(0, members + 8)
    ax.set_xlim(years[0] - 0.7, (last if last is not None else years[-1]) + 0.7)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Year of the vote")
    ax.set_ylabel("Members")
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


def history(fc: Forecast, ax: Axes | None = None, scenarios: Sequence[str] | None = None) -> Axes:
    """Every recorded vote's counts, with each scenario's yes forecast for ``fc.year``.

    The four outcomes share one scale, members, so a reader compares them
    honestly (see :func:`record`); lines break at a year without a vote.  At
    ``fc.year`` each scenario's forecast: a point (expected yes count) with
    its 80 % (thick) and 95 % (thin) interval, in a panel of its own beside
    the record, one column a scenario, on a scale of its own.  ``scenarios``
    picks which to draw (default: all of ``fc.scenarios``).
    :func:`scenario_comparison` shows the forecasts in detail.

    >>> from unvote.forecasting.vote import forecast
    >>> ax = history(forecast(2025, ["baseline", "cable"]))
    >>> ax.get_ylabel()
    'Members'
    """
    ax = _new_axes(ax, (11, 6))
    first, last = int(fc.history["year"].min()), int(fc.history["year"].max())
    record(fc.history, ax, last=last)
    ax.set_xlim(first - 0.7, last + 0.7)
    ax.set_ylabel("Members")
    names = list(fc.scenarios) if scenarios is None else list(scenarios)
    # The forecast gets a panel of its own beside the record, one column a scenario and
    # its own scale, so that every interval and label is readable whatever their number.
    side = make_axes_locatable(ax).append_axes("right", size=f"{10 + 5 * len(names)}%", pad=0.5)
    styles = _scenario_styles(names)
    low80, high95 = level_key(LEVELS[0]), level_key(LEVELS[-1])
    lows, highs = [], []
    for x, name in enumerate(names):
        sf = fc.scenarios[name]
        colour, marker = styles[name]
        lo95, hi95 = sf.intervals[high95]["yes"]
        lo80, hi80 = sf.intervals[low80]["yes"]
        lows.append(lo95)
        highs.append(hi95)
        side.vlines(x, lo95, hi95, color=colour, linewidth=1)
        side.vlines(x, lo80, hi80, color=colour, linewidth=6)
        side.plot(
            x,
            sf.expected["yes"],
            marker=marker,
            markersize=6,
            color=colour,
            markeredgecolor="white",
            linestyle="none",
        )
        side.annotate(
            f"{sf.expected['yes']:.0f}",
            (x, sf.expected["yes"]),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
            color=colour,
        )
    labels = [n.replace("-", "-\n") if len(names) > 3 else n for n in names]
    side.set_xticks(range(len(names)), labels, fontsize="x-small")
    side.set_xlim(-0.6, len(names) - 0.2)
    margin = max(3.0, 0.08 * (max(highs) - min(lows)))
    side.set_ylim(max(min(lows) - margin, 0), max(highs) + margin)
    side.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    side.set_axisbelow(True)
    side.set_title(f"forecast {fc.year}: yes votes", fontsize="small")
    side.set_xlabel(f"bar {low80} %, line {high95} % interval", fontsize="x-small")
    ax.set_title(
        f"UN General Assembly votes on {_about(fc.item.label)}, {first}–{last},\n"
        f"and the forecast yes count for {fc.year}"
        + (" under each scenario of a campaign" if len(names) > 1 else "")
    )
    ax.legend(
        loc="center",
        bbox_to_anchor=(0.6, 0.45),
        fontsize="small",
        title="recorded counts",
        title_fontsize="small",
        framealpha=0.95,
    )
    _source_note(ax)
    return ax


def scenario_comparison(
    fc: Forecast, ax: Axes | None = None, thresholds: Sequence[int] | None = None
) -> Axes:
    """The exact distribution of the yes count under each scenario.

    One outline a scenario (probability of each yes count), zoomed on the
    counts with visible probability; last year's yes count as a dashed line
    and ``thresholds`` as dotted lines.  The legend gives each scenario's
    expected count and its probability of falling below each threshold.

    >>> from unvote.forecasting.vote import forecast
    >>> ax = scenario_comparison(forecast(2025, ["baseline", "cable"]))
    >>> ax.get_xlabel()
    'Members voting yes'
    """
    ax = _new_axes(ax, (10, 5.5))
    thresholds = list(fc.thresholds if thresholds is None else thresholds)
    names = list(fc.scenarios)
    styles = _scenario_styles(names)
    visible = np.zeros(0, dtype=int)
    for name in names:
        pmf = fc.scenarios[name].marginals["yes"]
        visible = np.union1d(visible, pmf.index[pmf.to_numpy() > 1e-4].to_numpy())
    last = fc.last_observed
    known = [] if last["yes"] is None else [last["yes"]]
    lo = min([int(visible.min()), *thresholds, *known]) - 4  # room for threshold labels
    hi = max([int(visible.max()), *known]) + 1

    peak = 0.0
    for name in names:
        sf = fc.scenarios[name]
        pmf = sf.marginals["yes"].reindex(range(lo, hi + 1), fill_value=0.0)
        peak = max(peak, float(pmf.max()))
        below = ", ".join(f"P(<{t}) {_percent(sf.prob_yes_below(t))}" for t in thresholds)
        colour, _ = styles[name]
        edges = np.arange(lo, hi + 2) - 0.5
        ax.stairs(
            pmf.to_numpy(),
            edges,
            color=colour,
            linewidth=2.4 if name == "baseline" else 1.8,
            fill=False,
            label=f"{name}: expected {sf.expected['yes']:.1f}; {below}",
        )
        if name == "baseline":
            ax.stairs(pmf.to_numpy(), edges, color=colour, alpha=0.08, fill=True)

    def marked_line(
        x: float, label: str, line: dict[str, Any], text_colour: str, row: int = 0
    ) -> None:
        """A vertical line with its label just left of it, ``row`` lines below the top."""
        ax.axvline(x, **line)
        ax.annotate(
            label,
            xy=(x, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-4, -4 - 12 * row),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize="small",
            color=text_colour,
        )

    last_line = {"color": "#333333", "linestyle": "--", "linewidth": 1.2}
    if known:
        marked_line(last["yes"], f"{last['year']} vote:\n{last['yes']} yes", last_line, "black")
    threshold_line = {"color": "#d95f02", "linestyle": ":", "linewidth": 1.4}
    # Staggered below the label of the last vote, so that close thresholds stay legible.
    for row, t in enumerate(sorted(thresholds, reverse=True), start=2):
        marked_line(t - 0.5, f"← fewer than {t}", threshold_line, "#a64500", row)
    ax.set_xlim(lo - 0.5, hi + 0.5)
    ax.set_ylim(0, peak * (1.18 + 0.04 * len(thresholds)))
    ax.set_xlabel("Members voting yes")
    ax.set_ylabel("Probability of each yes count")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    ax.set_title(
        f"Forecast yes count in the {fc.year} UN General Assembly vote on "
        f"{_about(fc.item.label)},\nby scenario of a campaign (exact distributions; "
        f"record through {fc.through:%Y-%m-%d})"
    )
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0, 0.62),
        fontsize="small",
        title="scenario: expected yes count; probability of fewer yes votes than",
        title_fontsize="small",
        framealpha=0.95,
    )
    _source_note(ax)
    return ax


def movers(
    sf: ScenarioForecast,
    ax: Axes | None = None,
    top: int = 15,
    *,
    year: int | None = None,
    about: str = "the text",
) -> Axes:
    """Two ranked lists of members, side by side, as the command line and the JSON give them.

    Left, "moved by the campaign": the members whose probability of not
    voting yes the scenario raises most, each drawn from its value without
    the campaign (a tick) to its value with it (the bar's end), the
    campaigner and members already voting the campaign's way left out.
    Right, "likely to change anyway": the members likeliest to vote otherwise
    than last time without any campaign, from history alone.  Both lists are
    ``top`` long, the largest at the top.  Returns the left axes (``ax`` when
    given; the right one is added beside it in the same figure).

    >>> from unvote.forecasting.vote import forecast
    >>> fc = forecast(2025, ["baseline", "cable"])
    >>> ax = movers(fc.scenarios["cable"], top=10, year=fc.year)
    >>> ax.get_title(loc="left").startswith("Moved by the campaign")
    True
    """
    from matplotlib.figure import Figure

    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(13, 0.34 * top + 2.6), layout="constrained")
        left_ax, right_ax = fig.subplots(1, 2)
    else:
        figure = ax.figure
        assert isinstance(figure, Figure)
        spec = ax.get_subplotspec()
        assert spec is not None
        inner = spec.subgridspec(1, 2, wspace=0.35)
        ax.set_subplotspec(inner[0])
        left_ax, right_ax = ax, figure.add_subplot(inner[1])

    moved = sf.moved_by_campaign(top).iloc[::-1]  # barh draws bottom-up: largest at the top
    rows = np.arange(len(moved))
    colour = OUTCOME_COLOURS["abstain"]
    left_ax.barh(
        rows,
        moved["change"],
        left=moved["p_not_yes_baseline"],
        color=colour,
        height=0.6,
        label="added by the campaign",
    )
    left_ax.scatter(
        moved["p_not_yes_baseline"],
        rows,
        marker="|",
        s=160,
        linewidths=2,
        color="black",
        zorder=3,
        label="without a campaign",
    )
    for row, end, change in zip(rows, moved["p_not_yes"], moved["change"], strict=True):
        left_ax.annotate(
            f"+{100 * change:.0f} pts",  # percentage points: a change of a probability
            xy=(end, row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
        )
    left_ax.set_yticks(
        rows,
        [
            display_name(c) + ("" if last == "yes" else f" (last: {last})")
            for c, last in zip(moved["country"], moved["last_vote"], strict=True)
        ],
    )
    top_value = float(moved["p_not_yes"].max()) if len(moved) else 0.01
    left_ax.set_xlim(0, max(top_value, 0.01) * 1.25)
    left_ax.set_ylim(-0.6, max(len(moved), 1) - 0.4)
    left_ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    left_ax.set_xlabel("Probability of not voting yes")
    left_ax.set_title("Moved by the campaign", loc="left", fontsize="medium")
    if len(moved):
        # below the axes: inside, it would cover the lowest bars and their labels
        left_ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize="small", frameon=False
        )
    else:
        left_ax.annotate("no member moved", xy=(0.5, 0.5), xycoords="axes fraction", ha="center")

    anyway = sf.likely_to_change_anyway(top).iloc[::-1]
    rows = np.arange(len(anyway))
    left = np.zeros(len(anyway))
    last_codes = anyway["last_vote"].map({c: k for k, c in enumerate(OUTCOMES)}).fillna(0)
    for k, outcome in enumerate(OUTCOMES):
        # the outcomes other than the member's last vote, stacked
        values = np.where(last_codes.to_numpy() == k, 0.0, anyway[f"p_{outcome}"].to_numpy())
        right_ax.barh(
            rows,
            values,
            left=left,
            color=OUTCOME_COLOURS[outcome],
            height=0.6,
            label=f"to {OUTCOME_VERBS[outcome]}",
        )
        left += values
    right_ax.set_yticks(
        rows,
        [
            f"{display_name(c)} (last: {last})"
            for c, last in zip(anyway["country"], anyway["last_vote"], strict=True)
        ],
    )
    right_ax.yaxis.tick_right()  # names on the outer side: no gap between the two panels
    right_ax.set_xlim(0, 1)
    right_ax.set_ylim(-0.6, max(len(anyway), 1) - 0.4)
    right_ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    right_ax.set_xlabel("Probability of voting otherwise than last time")
    right_ax.set_title("Likely to change anyway (history alone)", loc="left", fontsize="medium")
    right_ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, fontsize="small", frameon=False
    )
    for axes in (left_ax, right_ax):
        axes.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        axes.set_axisbelow(True)
    when = f"the {year} vote" if year is not None else "the next vote"
    left_ax.figure.suptitle(
        f"Members in {when} on {_about(about)}: scenario {sf.name!r} ({sf.description})",
        fontsize="medium",
    )
    _source_note(left_ax)
    return left_ax


def strength_sweep(
    table: pd.DataFrame,
    ax: Axes | None = None,
    scenario_name: str = "",
    *,
    year: int | None = None,
    about: str = "the text",
) -> Axes:
    """Expected yes count as a scenario's strengths are scaled (output of ``strength_sweep``).

    The line is the expected yes count at each factor, the band its 80 %
    interval; factor 0 is no campaign, 1 the scenario as written.

    >>> from unvote.forecasting import vote
    >>> table = vote.strength_sweep(2025, "cable", [0, 1, 2])
    >>> ax = strength_sweep(table, scenario_name="cable", year=2025)
    >>> ax.get_xlabel()
    'Strength of the campaign (× the scenario as written)'
    """
    ax = _new_axes(ax, (9, 5))
    table = table.sort_values("factor")
    colour = OUTCOME_COLOURS["yes"]
    key = level_key(LEVELS[0])
    low, high = table[f"yes_lo{key}"], table[f"yes_hi{key}"]
    ax.fill_between(
        table["factor"], low, high, color=colour, alpha=0.2, linewidth=0, label=f"{key} % interval"
    )
    ax.plot(
        table["factor"],
        table["expected_yes"],
        color=colour,
        marker="o",
        markersize=3.5,
        linewidth=2,
        label="expected yes count",
    )
    ax.axvline(1, color="#333333", linestyle="--", linewidth=1.2, label="scenario as written (1×)")
    ax.set_ylim(float(low.min()) - 1.5, float(high.max()) + 1.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Strength of the campaign (× the scenario as written)")
    ax.set_ylabel("Members voting yes")
    name = f"scenario {scenario_name!r}" if scenario_name else "the scenario"
    vote = f"the {year} UN vote" if year is not None else "the UN vote"
    ax.set_title(
        f"Forecast yes count in {vote} on {_about(about)}\n"
        f"as the strengths of {name} are scaled from none (0×) to double (2×)"
    )
    ax.legend(loc="best", fontsize="small", framealpha=0.95)
    ax.grid(color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    _source_note(ax)
    return ax


def retrospective(fc: Forecast, ax: Axes | None = None) -> Axes:
    """The recorded yes count against each scenario's forecast of it, made the day before.

    One row a scenario (as forecast with the record through ``fc.through``,
    by default the day before the vote), the no-campaign forecast at the top: the exact
    distribution of the yes count (each scaled to its own peak, so that a
    wide one stays visible beside a narrow one), its 80 % (thick) and 95 %
    (thin) intervals and its expected count (a dot).  A vertical line marks
    the recorded count, with the votes moved against the no-campaign
    forecast; each row's label gives the recorded count's percentile in that
    distribution and the scenario's log score (see :mod:`unvote.forecasting.retrospective`).
    Only for a vote in the record (:attr:`Forecast.retrospective
    <unvote.forecasting.vote.Forecast.retrospective>` is not None).

    >>> from unvote.forecasting.vote import forecast
    >>> ax = retrospective(forecast(2025, ["cable"]))
    >>> [t.get_text().split("\\n")[0] for t in ax.get_yticklabels()]
    ['baseline (no campaign)', 'cable']
    """
    from unvote.errors import InvalidValueError

    retro = fc.retrospective
    if retro is None:
        raise InvalidValueError(
            f"the {fc.year} vote is not in the record yet: a retrospective needs its outcome"
        )
    names = list(retro.summary.index)
    ax = _new_axes(ax, (10, 1.1 * len(names) + 2.4))
    styles = _scenario_styles(names)
    styles[retro.baseline] = styles.get("baseline", styles[retro.baseline])
    pmfs = retro.yes_pmfs
    recorded = int(retro.recorded["yes"])
    visible = pmfs.index[(pmfs.to_numpy() > 1e-4).any(axis=1)]
    lo = min(int(visible.min()), recorded) - 2
    hi = max(int(visible.max()), recorded) + 2
    key, wide = level_key(LEVELS[0]), level_key(LEVELS[-1])
    edges = np.arange(lo, hi + 2) - 0.5
    labels = []
    for k, name in enumerate(names):
        y = len(names) - 1 - k  # the first row at the top
        row = retro.summary.loc[name]
        colour, marker = styles[name]
        pmf = pmfs[name].reindex(range(lo, hi + 1), fill_value=0.0).to_numpy()
        height = 0.62 * pmf / max(float(pmf.max()), 1e-300)
        ax.stairs(height + y, edges, baseline=y, color=colour, alpha=0.18, fill=True)
        ax.stairs(height + y, edges, baseline=None, color=colour, linewidth=1.4)
        ax.hlines(y - 0.1, row[f"yes_lo{wide}"], row[f"yes_hi{wide}"], color=colour, linewidth=1)
        ax.hlines(y - 0.1, row[f"yes_lo{key}"], row[f"yes_hi{key}"], color=colour, linewidth=4)
        ax.plot(
            row["expected_yes"],
            y - 0.1,
            marker=marker,
            color=colour,
            markeredgecolor="white",
            markersize=7,
            linestyle="none",
        )
        label = f"{name} (no campaign)" if name == retro.baseline else name
        where = _percentile(row["percentile"])
        labels.append(f"{label}\npercentile {where}, log score {row['log_score']:.1f}")
    ax.set_yticks(range(len(names))[::-1], labels)
    ax.axvline(recorded, color="#b2182b", linewidth=2, zorder=4)
    moved_lo, moved_hi = retro.votes_moved_intervals[key]
    expected = float(retro.moved.loc["yes", "expected"])
    left = recorded >= (lo + hi) / 2  # the label sits on the roomier side of the line
    ax.annotate(
        f"recorded: {recorded} yes\nexpected without a campaign: {expected:.1f}\n"
        f"votes moved off yes: {retro.votes_moved:.1f}\n"
        f"({key} % interval {moved_lo} to {moved_hi})",
        xy=(recorded, 1),
        xycoords=("data", "axes fraction"),
        xytext=(-6 if left else 6, -6),
        textcoords="offset points",
        ha="right" if left else "left",
        va="top",
        fontsize="small",
        color="#b2182b",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
        zorder=5,
    )
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor="#dddddd", edgecolor="#555555", label="yes count (scaled to its peak)"),
        Line2D([], [], color="#555555", linewidth=4, label=f"{key} % interval"),
        Line2D([], [], color="#555555", linewidth=1, label=f"{wide} % interval"),
        Line2D([], [], color="#555555", marker="o", linestyle="none", label="expected"),
        Line2D([], [], color="#b2182b", linewidth=2, label=f"recorded yes count ({fc.year})"),
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        ncols=1,
        fontsize="small",
        title="percentile: where the recorded count falls;\n"
        "log score: ln of its probability (higher is better)",
        title_fontsize="small",
        alignment="left",
        framealpha=0.95,
    )
    ax.set_xlim(lo - 0.5, hi + 0.5)
    ax.set_ylim(-0.45, len(names) - 0.2)
    ax.set_xlabel("Members voting yes")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(
        f"The {fc.year} UN General Assembly vote on {_about(fc.item.label)}:\n"
        f"the recorded yes count against each scenario's forecast\n"
        f"({'made the day before: ' if fc.through == fc.date - pd.Timedelta(days=1) else ''}"
        f"record through {fc.through:%Y-%m-%d}; exact distributions)"
    )
    _source_note(ax)
    return ax


# --- the backtest -------------------------------------------------------------------------------


def _wilson(events: np.ndarray, n: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion."""
    share = events / n
    centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def calibration(
    predictions: pd.DataFrame | Backtest, ax: Axes | None = None, bins: int = 10
) -> Axes:
    """Reliability diagram: forecast probability against how often the outcome happened.

    Pools every member-vote and all four outcomes (one forecast probability
    and one 0/1 event each), groups them into ``bins`` bins evenly spaced on
    the logit scale (so the many tiny probabilities, and the many close to 1,
    get bins of their own), and plots for each method the mean forecast
    against the observed frequency with a 95 % (Wilson) interval, both axes
    on the logit scale.  A bin where the outcome never (always) happened is
    drawn as a hollow triangle on the bottom (top) edge.

    ``predictions``: a :func:`unvote.evaluation.runs.backtest` result, or its
    long table with ``method, year, iso3, vote`` and the four probabilities
    (see :func:`unvote.evaluation.runs.rolling_predictions`).

    >>> from unvote.evaluation.runs import backtest
    >>> ax = calibration(backtest(2018, 2019))
    >>> ax.get_xscale()
    'logit'
    """
    predictions = getattr(predictions, "predictions", predictions)
    ax = _new_axes(ax, (7.5, 7.5))
    columns = list(PROBABILITY_COLUMNS)
    floor = 1e-6
    pooled = np.clip(predictions[columns].to_numpy(dtype=float), floor, 1 - floor)
    logit = np.log(pooled / (1 - pooled))
    edges = np.linspace(np.quantile(logit, 0.005), np.quantile(logit, 0.995), bins + 1)

    methods = list(dict.fromkeys(predictions["method"]))
    tables = {}
    for method in methods:
        part = predictions[predictions["method"] == method]
        p = np.clip(part[columns].to_numpy(dtype=float), floor, 1 - floor).ravel()
        happened = part["vote"].astype(str).to_numpy()[:, None] == np.array(OUTCOMES)
        which = np.digitize(np.log(p / (1 - p)), edges[1:-1])
        frame = pd.DataFrame({"bin": which, "p": p, "event": happened.ravel()})
        table = frame.groupby("bin").agg(p=("p", "mean"), events=("event", "sum"), n=("p", "size"))
        table["share"] = table["events"] / table["n"]
        table["lo"], table["hi"] = _wilson(
            table["events"].to_numpy(float), table["n"].to_numpy(float)
        )
        tables[method] = table

    # Common limits for both axes: whole decades beyond everything drawn.
    drawn = pd.concat(tables.values())
    values = np.r_[drawn["p"], drawn["lo"][drawn["lo"] > 0], drawn["hi"][drawn["hi"] < 1]]
    low = 10 ** np.floor(np.log10(max(values.min(), floor)))
    high = 1 - 10 ** np.floor(np.log10(max(1 - values.max(), floor)))
    limits = (low, high)

    styles = _scenario_styles(["baseline", *methods])
    for k, method in enumerate(methods):
        table = tables[method]
        colour, marker = styles[method]
        colour = colour if k else OUTCOME_COLOURS["yes"]  # the model in the palette's green
        share = table["share"].to_numpy()
        inner = (share > 0) & (share < 1)
        ax.vlines(
            table["p"],
            np.clip(table["lo"], *limits),
            np.clip(table["hi"], *limits),
            color=colour,
            alpha=0.5,
        )
        ax.plot(
            table["p"][inner],
            share[inner],
            marker=marker,
            color=colour,
            linewidth=1.2,
            markersize=6,
            label=METHOD_LABELS.get(method, method),
        )
        for edge, flag, tri in ((limits[0], share == 0, "v"), (limits[1], share == 1, "^")):
            ax.plot(
                table["p"][flag],
                np.full(int(flag.sum()), edge),
                marker=tri,
                linestyle="none",
                markersize=7,
                markerfacecolor="none",
                markeredgecolor=colour,
                clip_on=False,
            )
    ax.plot(
        limits, limits, color="#555555", linestyle="--", linewidth=1, label="perfect calibration"
    )
    ticks = [t for t in _LOGIT_TICKS if limits[0] <= t <= limits[1]]
    labels = [_logit_label(t) for t in ticks]
    ax.set_xscale("logit")
    ax.set_yscale("logit")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_ticks(ticks, labels)
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlim(*limits)
    ax.set_ylim(*limits)
    ax.set_aspect("equal")
    ax.set_xlabel("Forecast probability of the outcome (logit scale)")
    ax.set_ylabel("Observed frequency of the outcome (logit scale)")
    ax.annotate(
        "Bars: 95 % intervals of the observed frequency.\n"
        "Hollow triangle on the bottom edge: the outcome\nnever happened in that bin.",
        xy=(0.98, 0.03),
        xycoords="axes fraction",
        ha="right",
        va="bottom",
        fontsize="x-small",
        color="#444444",
    )
    years = predictions["year"]
    member_votes = len(predictions) // max(len(methods), 1)
    ax.set_title(
        f"Calibration of the backtest forecasts (each year from the years before), "
        f"{years.min()}–{years.max()}\n"
        f"{member_votes:,} member-votes × 4 outcomes, binned by forecast probability",
        fontsize="medium",
    )
    ax.legend(loc="upper left", fontsize="small", framealpha=0.95)
    ax.grid(color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    _source_note(ax)
    return ax


def backtest_log_loss(
    table: pd.DataFrame | Backtest, ax: Axes | None = None, about: str | None = None
) -> Axes:
    """Each method's mean log loss per member in each year of the backtest (log scale).

    ``table``: :func:`unvote.evaluation.runs.backtest`'s result, or its ``scores``
    (then ``about`` names the text in the title).
    Lines break at a year without a vote (2020).

    >>> from unvote.evaluation.runs import backtest
    >>> ax = backtest_log_loss(backtest(2018, 2019))
    >>> ax.get_yscale()
    'log'
    """
    about = _about(about or getattr(table, "item", "the text"))
    table = getattr(table, "scores", table)
    ax = _new_axes(ax, (10, 5))
    methods = list(dict.fromkeys(table["method"]))
    styles = _scenario_styles(["baseline", *methods])
    for k, method in enumerate(methods):
        part = _by_year(table[table["method"] == method][["year", "log_loss"]])
        colour, marker = styles[method]
        colour = colour if k else "#1b9e77"
        mean = part["log_loss"].mean()
        ax.plot(
            part.index,
            part["log_loss"],
            marker=marker,
            color=colour,
            linewidth=2 if k == 0 else 1.3,
            markersize=5,
            label=f"{METHOD_LABELS.get(method, method)} (mean {mean:.3f})",
        )
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(
        FuncFormatter(
            lambda v, _: f"{v:g}" if round(v / 10 ** np.floor(np.log10(v))) in (2, 5) else ""
        )
    )
    ax.set_xlabel("Year of the vote forecast (trained on the votes before it)")
    ax.set_ylabel("Mean log loss per member-vote (log scale)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(
        f"Backtest of the forecasts of the UN General Assembly votes on {about},\n"
        f"{table['year'].min()}–{table['year'].max()}: mean log loss per member-vote "
        "(lower is better)"
    )
    ax.legend(fontsize="small", framealpha=0.95)
    ax.grid(which="both", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    _source_note(ax)
    return ax


# --- writing every chart ------------------------------------------------------------------------


def _save_chart(
    directory: str | Path, stem: str, figsize: tuple[float, float], chart: Callable[[Axes], object]
) -> list[Path]:
    """Draw one chart off-screen (Agg) and stage it in every format; return the paths."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    chart(fig.add_subplot())
    paths = []
    for suffix, options in FORMATS:
        path = Path(directory) / f"{stem}.{suffix}"
        files.write_with(path, lambda temp, f=suffix, o=options: fig.savefig(temp, format=f, **o))
        paths.append(path)
    fig.clear()
    return paths


def save_backtest(backtest: Backtest, directory: str | Path) -> list[Path]:
    """Write the backtest charts (``backtest-log-loss``, ``backtest-calibration``); return paths.

    Checked first and written atomically, all or none, as :func:`save_all`.
    """
    stems = ["backtest-log-loss", "backtest-calibration"]
    files.check_folder(directory)
    files.check_files([Path(directory) / f"{s}.{suffix}" for s in stems for suffix, _ in FORMATS])
    with files.staged():
        return [
            *_save_chart(directory, stems[0], (10, 5), lambda ax: backtest_log_loss(backtest, ax)),
            *_save_chart(directory, stems[1], (7.5, 7.5), lambda ax: calibration(backtest, ax)),
        ]


FORMATS: tuple[tuple[str, dict[str, Any]], ...] = (("png", {"dpi": 150}), ("svg", {}))
"""The formats every chart is written in, with their ``savefig`` options."""


def chart_stems(
    year: int,
    scenarios: Sequence[str],
    *,
    sweep_scenario: str = "cable",
    backtest: bool = False,
    retrospective: bool = False,
) -> list[str]:
    """The file names (without suffix) :func:`save_all` writes for a forecast's scenarios.

    ``history-<year>``, ``scenarios-<year>``, ``movers-<scenario>-<year>``
    (``cable`` if forecast, else every scenario but the baseline),
    ``sweep-<scenario>-<year>`` (``sweep_scenario`` if forecast, else the
    first scenario but the baseline; none for ``""``), with ``retrospective``
    (a vote whose outcome is recorded) ``retrospective-<year>``, and with a
    backtest ``backtest-log-loss`` and ``backtest-calibration``.

    >>> chart_stems(2025, ["baseline", "cable"], backtest=True)
    ['history-2025', 'scenarios-2025', 'movers-cable-2025', 'sweep-cable-2025', \
'backtest-log-loss', 'backtest-calibration']
    >>> chart_stems(2025, ["baseline"], retrospective=True)
    ['history-2025', 'scenarios-2025', 'retrospective-2025']
    """
    names = list(scenarios)
    others = [n for n in names if n != "baseline"]
    stems = [f"history-{year}", f"scenarios-{year}"]
    stems += [f"movers-{n}-{year}" for n in (["cable"] if "cable" in names else others)]
    swept = _swept(names, sweep_scenario)
    if swept:
        stems.append(f"sweep-{swept}-{year}")
    if retrospective:
        stems.append(f"retrospective-{year}")
    if backtest:
        stems += ["backtest-log-loss", "backtest-calibration"]
    return stems


def _swept(names: Sequence[str], sweep_scenario: str) -> str:
    if not sweep_scenario:
        return ""
    if sweep_scenario in names:
        return sweep_scenario
    return next((n for n in names if n != "baseline"), "")


def chart_files(
    directory: str | Path,
    year: int,
    scenarios: Sequence[str],
    *,
    sweep_scenario: str = "cable",
    backtest: bool = False,
    retrospective: bool = False,
) -> list[Path]:
    """Every file :func:`save_all` writes: :func:`chart_stems` in each of :data:`FORMATS`."""
    stems = chart_stems(
        year,
        scenarios,
        sweep_scenario=sweep_scenario,
        backtest=backtest,
        retrospective=retrospective,
    )
    return [Path(directory) / f"{stem}.{suffix}" for stem in stems for suffix, _ in FORMATS]


def save_all(
    fc: Forecast,
    directory: str | Path,
    *,
    sweep_scenario: str = "cable",
    backtest: Backtest | None = None,
    backtest_table: pd.DataFrame | None = None,
    predictions: pd.DataFrame | None = None,
) -> list[Path]:
    """Write every chart as PNG (150 dpi) and SVG into ``directory``; return the paths.

    The charts are those of :func:`chart_stems`; the retrospective when the
    vote's outcome is in the record (:func:`retrospective`); the backtest ones when
    ``backtest`` (a :func:`unvote.evaluation.runs.backtest` result) is given, or
    ``backtest_table`` / ``predictions`` (its ``scores`` / ``predictions``).
    Every target is checked before anything is drawn, and the files are
    written atomically, all or none (:mod:`unvote.files`): on any error no new
    file is left.  Figures are drawn off-screen (Agg) and closed; pyplot's
    state is not touched.

    >>> import tempfile
    >>> from unvote.forecasting.vote import forecast
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = save_all(forecast(2025, ["baseline", "cable"]), tmp)
    >>> sorted(p.name for p in paths)[:2]
    ['history-2025.png', 'history-2025.svg']
    """
    if backtest is not None:
        backtest_table, predictions = backtest.scores, backtest.predictions
    year = fc.year
    names = list(fc.scenarios)
    recorded = fc.roll_call is not None
    targets = chart_files(
        directory, year, names, sweep_scenario=sweep_scenario, retrospective=recorded
    )
    targets += [
        Path(directory) / f"{stem}.{suffix}"
        for stem, given in (
            ("backtest-log-loss", backtest_table),
            ("backtest-calibration", predictions),
        )
        if given is not None
        for suffix, _ in FORMATS
    ]
    files.check_folder(directory)
    files.check_files(targets)
    written: list[Path] = []

    def draw(stem: str, figsize: tuple[float, float], chart: Callable[[Axes], object]) -> None:
        written.extend(_save_chart(directory, stem, figsize, chart))

    with files.staged():
        draw(f"history-{year}", (10, 6), lambda ax: history(fc, ax))
        draw(f"scenarios-{year}", (10, 5.5), lambda ax: scenario_comparison(fc, ax))
        others = [n for n in names if n != "baseline"]
        for name in ["cable"] if "cable" in names else others:
            sf = fc.scenarios[name]
            draw(
                f"movers-{name}-{year}",
                (13, 7.6),
                lambda ax, sf=sf: movers(sf, ax, year=year, about=fc.item.label),
            )
        swept = _swept(names, sweep_scenario)
        if swept:
            table = fc.strength_sweep(fc.scenarios[swept].scenario)
            draw(
                f"sweep-{swept}-{year}",
                (9, 5),
                lambda ax: strength_sweep(table, ax, swept, year=year, about=fc.item.label),
            )
        if recorded:
            rows = len(fc.retrospective.summary) if fc.retrospective is not None else 1
            draw(f"retrospective-{year}", (10, 1.1 * rows + 2.4), lambda ax: retrospective(fc, ax))
        if backtest_table is not None:
            draw(
                "backtest-log-loss",
                (10, 5),
                lambda ax: backtest_log_loss(backtest_table, ax, about=fc.item.label),
            )
        if predictions is not None:
            draw("backtest-calibration", (7.5, 7.5), lambda ax: calibration(predictions, ax))
    return written
