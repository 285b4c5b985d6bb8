"""One self-contained HTML page a forecast, or a batch of coming roll calls, to hand on.

A reader opens the file from disk, offline, on a desk or a phone: the styles
are inline, the charts are inline SVG drawn by :mod:`unvote.report.charts`,
no font, script or image is fetched, and the only script is a dozen lines
that sort a table by the column clicked.  The pages are rendered from the
Jinja2 templates in ``report/templates`` (Jinja2 escapes every value it
writes, and every title, name and reason comes from the record or a
scenario file), and every number is written by the formatters of
:mod:`unvote.report.text`, as in the text tables.

:meth:`Forecast.to_html <unvote.forecasting.vote.Forecast.to_html>`, the
notebook's display of a forecast, and ``forecast 2026 --report FILE`` all
come from :func:`forecast_page`; ``forecast roll-calls FILE --report FILE``
from :func:`roll_calls_page`.

>>> from unvote.forecasting.vote import forecast
>>> page = forecast_page(forecast(2025, ["baseline"]))
>>> page.startswith("<!DOCTYPE html>"), "http" in page.split("<body")[0]
(True, False)
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unvote import __version__, files
from unvote.report import text
from unvote.vocabulary import LEVELS, OUTCOMES, level_key

if TYPE_CHECKING:
    import jinja2
    import pandas as pd
    from matplotlib.axes import Axes

    from unvote.forecasting.roll_calls import RollCallForecasts
    from unvote.forecasting.vote import Forecast, ScenarioForecast

FORWARD_TEST_SESSIONS = 6
"""The model card's forward test covers the record's last this many sessions."""


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2  # only when a page is made: it is no part of a forecast

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("unvote.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a name missing from the context fails, never blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        count=text.count,
        count_range=text.count_range,
        probability=text.probability,
        signed=text.signed,
        percentile=text.percentile,
        share=lambda p: f"{p:.2f}",
    )
    return env


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context, unvote_version=__version__)


def svg(figsize: tuple[float, float], chart: Callable[[Axes], object], label: str) -> str:
    """One chart as inline SVG markup: scales to the page's width, text drawn as paths.

    ``label`` is the chart's text alternative (``aria-label``).  Every id
    inside (and every reference to one) is prefixed by a digest of ``label``,
    so that several charts on a page never share one.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "unvote"}):
        fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasSVG(fig)
        chart(fig.add_subplot())
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        fig.clear()
    markup = buffer.getvalue()
    markup = markup[markup.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    opening = markup[: markup.index(">") + 1]
    sized = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    aria = f' role="img" aria-label="{escape(label, quote=True)}"'
    prefix = "c" + hashlib.sha256(label.encode()).hexdigest()[:8] + "-"
    body = _SVG_ID.sub(lambda m: m.group(1) + prefix, markup[len(opening) :])
    return sized[:-1] + aria + ">" + body


_SVG_ID = re.compile(r'(\sid="|href="#|url\(#)')
"""Where matplotlib's SVG names an id or refers to one."""


def forecast_page(fc: Forecast, *, top: int = 10, thresholds: Sequence[int] | None = None) -> str:
    """The forecast as one self-contained HTML page (see the module).

    In the order a reader needs it: the question and the record's cut-off;
    each scenario's expected counts, 80 % and 95 % intervals, P(yes < t) and
    P(adopted); the count distributions; the members the campaign moves and
    those likely to change anyway (``top`` of each); every member, in a table
    that sorts; the campaign's channels with their strengths, priors,
    reasoning and sources; the model card (training window, the forward
    test's scores against the baselines, known weak spots); and, for a vote
    already in the record, the retrospective.
    """
    from unvote.report import charts

    thresholds = fc.thresholds if thresholds is None else thresholds
    year, about = fc.year, fc.item.label
    names = list(fc.scenarios)
    campaigns = [n for n in names if fc.scenarios[n].scenario.channels]
    figures = {
        "history": svg(
            (10, 6),
            lambda ax: charts.history(fc, ax),
            f"Yes votes on {about} by year, and the {year} forecast under each scenario",
        ),
        "scenarios": svg(
            (10, 5.5),
            lambda ax: charts.scenario_comparison(fc, ax),
            f"The distribution of the {year} yes count under each scenario",
        ),
        "movers": [
            svg(
                (13, 7.6),
                lambda ax, sf=fc.scenarios[name]: charts.movers(sf, ax, year=year, about=about),
                f"The members the {name} scenario moves most, and those likely to change anyway",
            )
            for name in campaigns[:1]
        ],
    }
    retro = fc.retrospective
    if retro is not None:
        figures["retrospective"] = svg(
            (10, 1.1 * len(retro.summary) + 2.4),
            lambda ax: charts.retrospective(fc, ax),
            f"The recorded {year} yes count in each scenario's distribution",
        )
    return _render(
        "forecast.html",
        **_summary(fc, thresholds),
        movers=[_movers(fc.scenarios[name], top) for name in campaigns] if top else [],
        anyway=_anyway(fc, top) if top and names else [],
        members=_members(fc),
        campaigns=[_campaign(fc.scenarios[name], fc.features) for name in campaigns],
        card=_model_card(fc),
        retro=_retrospective(fc, top) if retro is not None else None,
        figures=figures,
    )


def forecast_cell(fc: Forecast) -> str:
    """The start of the forecast's page, for a notebook: the cards and the scenarios' tables.

    From the same templates as :func:`forecast_page`, styled within its own
    box (a notebook's page keeps its styles), without the charts (drawn in
    a second or two each, where a notebook's display should be instant); for
    a vote in the record, the retrospective's table.
    """
    retro = _retrospective(fc, 0) if fc.retrospective is not None else None
    return _render("forecast_cell.html", **_summary(fc, fc.thresholds), retro=retro)


def _summary(fc: Forecast, thresholds: Sequence[int]) -> dict[str, Any]:
    """What the start of a forecast's page shows: the question and every scenario's counts."""
    first_session, last_session = fc.model.train_sessions_
    return {
        "fc": fc,
        "title": f"Forecast of the {fc.year} General Assembly vote on {fc.item.phrase}",
        "held": "held" if fc.roll_call else "expected around",
        "outcomes": OUTCOMES,
        "levels": [level_key(level) for level in LEVELS],
        "scenarios": [_scenario(fc, name, thresholds) for name in fc.scenarios],
        "last": fc.last_observed,
        "trained": f"sessions {first_session}-{last_session}",
    }


def _scenario(fc: Forecast, name: str, thresholds: Sequence[int]) -> dict[str, Any]:
    sf = fc.scenarios[name]
    return {
        "name": name,
        "description": sf.description,
        "uncertain": sf.scenario.uncertain,
        "expected": {o: float(sf.expected[o]) for o in OUTCOMES},
        "intervals": sf.intervals,
        "below": [(t, sf.prob_yes_below(t)) for t in thresholds],
        "p_adopted": sf.p_adopted,
    }


def _movers(sf: ScenarioForecast, top: int) -> dict[str, Any]:
    from unvote.record.countries import display_name

    moved = sf.moved_by_campaign(top)
    return {
        "scenario": sf.name,
        "rows": [
            {
                "iso3": iso3,
                "country": display_name(row["country"]),
                "last_vote": row["last_vote"],
                "before": row["p_not_yes_baseline"],
                "after": row["p_not_yes"],
                "change": row["change"],
                "channels": sf.members.loc[iso3, "channels"],
            }
            for iso3, row in moved.iterrows()
        ],
    }


def _anyway(fc: Forecast, top: int) -> list[dict[str, Any]]:
    from unvote.record.countries import display_name

    sf = next(iter(fc.scenarios.values()))
    return [
        {"iso3": iso3, "country": display_name(row["country"]), "last_vote": row["last_vote"]}
        | {"p_change": row["p_change"], "probs": [row[f"p_{o}"] for o in OUTCOMES]}
        for iso3, row in sf.likely_to_change_anyway(top).iterrows()
    ]


def _members(fc: Forecast) -> list[dict[str, Any]]:
    """Every member: last vote, P(yes) under each scenario, the baseline's other outcomes."""
    first = next(iter(fc.scenarios.values()))
    rows = []
    for iso3, member in first.members.sort_values("country").iterrows():
        channels = sorted(
            {
                c
                for sf in fc.scenarios.values()
                for c in sf.members.loc[iso3, "channels"].split(", ")
                if c
            }
        )
        rows.append(
            {
                "iso3": iso3,
                "country": member["country"],
                "last_vote": member["last_vote"],
                "p_yes": [float(sf.members.loc[iso3, "p_yes"]) for sf in fc.scenarios.values()],
                "baseline": [float(first.baseline.loc[iso3, f"p_{o}"]) for o in OUTCOMES],
                "channels": ", ".join(channels),
            }
        )
    return rows


def _campaign(sf: ScenarioForecast, rows: pd.DataFrame) -> dict[str, Any]:
    scenario = sf.scenario
    targeted = scenario.selected(rows)
    return {
        "name": scenario.name,
        "description": scenario.description,
        "campaigner": scenario.campaigner,
        "evidence_through": scenario.evidence_through,
        "sources": list(scenario.sources),
        "channels": [
            {
                "name": c.name,
                "talking_point": c.talking_point,
                "kind": c.kind,
                "acts_on": ", ".join(c.acts_on),
                "strength": c.strength,
                "response": c.response,
                "basis": c.basis,
                "members": int(targeted[c.name].sum()) if c.name in targeted else 0,
                "select": _selector(c.select),
            }
            for c in scenario.channels
        ],
    }


def _selector(tables: Sequence[dict[str, Any]]) -> str:
    """A channel's selector in words: ``us_treaty_ally is true and un_group in African, ...``."""
    if not tables:
        return "every member but the campaigner"

    def condition(feature: str, rule: Any) -> str:
        if isinstance(rule, bool):
            return f"{feature} is {'true' if rule else 'false'}"
        if isinstance(rule, dict):
            bounds = [f"{k} {v}" for k, v in rule.items()]
            return f"{feature} {' and '.join(bounds)}"
        if isinstance(rule, list | tuple):
            return f"{feature} in {', '.join(map(str, rule))}"
        return f"{feature} = {rule}"

    return "; or ".join(" and ".join(condition(f, r) for f, r in t.items()) for t in tables)


def _model_card(fc: Forecast) -> dict[str, Any]:
    from unvote.evaluation.runs import known_scores

    last = int(fc.model.train_sessions_[1]) + 1
    scores = known_scores(last - FORWARD_TEST_SESSIONS + 1, last)
    return {
        "through": fc.model.train_through_,
        "member_votes": int(fc.model.n_train_),
        "roll_calls": int(fc.model.n_calls_),
        "shock_sd": fc.model.shock_sd(fc.features),
        "sessions": (last - FORWARD_TEST_SESSIONS + 1, last),
        "scores": scores,
    }


def _retrospective(fc: Forecast, top: int) -> dict[str, Any]:
    from unvote.record.countries import display_name

    retro = fc.retrospective
    assert retro is not None
    key = level_key(LEVELS[0])
    return {
        "recorded": {o: int(retro.recorded[o]) for o in OUTCOMES},
        "moved": retro.moved,
        "votes_moved": retro.votes_moved,
        "votes_moved_intervals": retro.votes_moved_intervals,
        "summary": [
            {
                "name": name,
                "expected": row["expected_yes"],
                "interval": (int(row[f"yes_lo{key}"]), int(row[f"yes_hi{key}"])),
                "percentile": row["percentile"],
                "log_score": row["log_score"],
            }
            for name, row in retro.summary.iterrows()
        ],
        "movers": [
            {
                "iso3": iso3,
                "country": display_name(m["country"]),
                "recorded": m["recorded"],
                "likeliest": m["likeliest"],
                "p_recorded": m["p_recorded"],
            }
            for iso3, m in retro.movers.head(top).iterrows()
        ],
        "expected_movers": retro.expected_movers,
        "baseline": retro.baseline,
    }


def roll_calls_page(result: RollCallForecasts, *, top: int = 10) -> str:
    """Coming roll calls as one self-contained page: a table that sorts, then a section each.

    The table has a row a roll call (P(adopted), expected counts, the 80 %
    yes interval); each section the counts with both intervals, P(adopted)
    by a simple and a two-thirds majority, and the ``top`` members likeliest
    to vote no or abstain.
    """
    from unvote.record.countries import display_name

    calls = []
    for rc in result:
        against = (rc.members["p_no"] + rc.members["p_abstain"]).sort_values(ascending=False)
        calls.append(
            {
                "rc": rc,
                "against": [
                    {"iso3": iso3, "country": display_name(member["country"]), "p": float(p)}
                    | {"probs": [float(member[f"p_{o}"]) for o in OUTCOMES]}
                    for iso3, p in against.head(top).items()
                    for member in [rc.members.loc[iso3]]
                ],
            }
        )
    return _render(
        "roll_calls.html",
        title=f"Forecasts of {len(result)} coming General Assembly roll call"
        + ("" if len(result) == 1 else "s"),
        result=result,
        calls=calls,
        outcomes=OUTCOMES,
        levels=[level_key(level) for level in LEVELS],
        key=level_key(LEVELS[0]),
    )


def write_page(page: str, path: str | Path, what: str = "") -> Path:
    """Write a page atomically (all or nothing, :mod:`unvote.files`); return the path."""
    return files.write_text(path, page, what)
