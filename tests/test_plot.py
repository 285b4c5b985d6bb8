"""The charts: each returns an axes with a title, labels, a legend and the source note."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import unvote
from unvote.errors import InvalidValueError
from unvote.evaluation.runs import backtest
from unvote.forecasting.vote import forecast
from unvote.record.countries import display_name
from unvote.report import charts as plot


@pytest.fixture(scope="module")
def fc(record):
    return forecast(2025, ["baseline", "cable"], record=record)


@pytest.fixture(scope="module")
def sweep_table(fc):
    return fc.strength_sweep("cable", [0.0, 0.5, 1.0, 1.5, 2.0])


@pytest.fixture(scope="module")
def result(record):
    return backtest(2023, 2024, record=record)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _charts(fc, sweep_table, result):
    return {
        "history": lambda ax=None: plot.history(fc, ax),
        "scenarios": lambda ax=None: plot.scenario_comparison(fc, ax),
        "movers": lambda ax=None: plot.movers(fc.scenarios["cable"], ax, year=fc.year),
        "sweep": lambda ax=None: plot.strength_sweep(sweep_table, ax, "cable", year=2025),
        "calibration": lambda ax=None: plot.calibration(result, ax),
        "log_loss": lambda ax=None: plot.backtest_log_loss(result, ax),
        "retrospective": lambda ax=None: plot.retrospective(fc, ax),
    }


CHARTS = ["history", "scenarios", "movers", "sweep", "calibration", "log_loss", "retrospective"]


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_labelled(name, fc, sweep_table, result):
    ax = _charts(fc, sweep_table, result)[name]()
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() or ax.get_title(loc="left")
    assert ax.get_xlabel()
    assert ax.get_legend() is not None
    assert plot.SOURCE_NOTE in [t.get_text() for t in ax.texts]
    ax.figure.canvas.draw()  # lays out without error


@pytest.mark.parametrize("name", CHARTS)
def test_chart_draws_on_the_given_axes(name, fc, sweep_table, result):
    fig, ax = plt.subplots()
    assert _charts(fc, sweep_table, result)[name](ax) is ax
    assert fig.axes[0] is ax


def _forecast_panel(ax):
    (side,) = [other for other in ax.figure.axes if other is not ax]
    return side


def test_history_marks_each_scenario_and_names_the_text(fc):
    ax = plot.history(fc)
    side = _forecast_panel(ax)
    names = [tick.get_text() for tick in side.get_xticklabels()]
    assert names == list(fc.scenarios)  # a column a scenario, named
    values = {text.get_text() for text in side.texts}
    assert {f"{sf.expected['yes']:.0f}" for sf in fc.scenarios.values()} <= values
    assert "ending the US embargo against Cuba" in ax.get_title()


def test_history_draws_every_outcome_on_one_scale_and_the_forecast_beside_it(fc):
    ax = plot.history(fc)
    assert ax.child_axes == []  # no inset: the forecast has a panel of its own
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:4] == ["yes", "abstain", "no", "absent"]
    low, high = ax.get_ylim()
    assert low == 0 and high >= fc.members
    # The forecast's own scale holds every 95 % interval, so none is cut off.
    side = _forecast_panel(ax)
    bottom, top = side.get_ylim()
    for sf in fc.scenarios.values():
        lo, hi = sf.intervals["95"]["yes"]
        assert bottom <= lo and hi <= top
    ax.figure.canvas.draw()  # the panel is placed when the figure is drawn
    assert side.get_window_extent().x0 > ax.get_window_extent().x1  # beside, not over it


def test_lines_break_at_the_year_without_a_vote(fc):
    scores = pd.DataFrame(
        {"year": [2019, 2021, 2019, 2021], "method": ["model", "model", "markov", "markov"]}
    ).assign(log_loss=[0.1, 0.2, 0.15, 0.25])
    for ax in (plot.history(fc), plot.backtest_log_loss(scores)):
        for line in ax.get_lines():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if len(x) > 1 and 2019 in x and 2021 in x:
                assert 2020 in x, line.get_label()
                assert np.isnan(y[list(x).index(2020)]), line.get_label()


def test_record_chart_of_any_texts_totals():
    ax = plot.record(unvote.load_item_totals("cuba embargo"))
    assert [line.get_label() for line in ax.get_lines()] == ["yes", "abstain", "no", "absent"]
    assert any("no vote in 2020" in t.get_text() for t in ax.texts)


def test_movers_shows_the_two_lists_as_the_forecast_ranks_them(fc):
    sf = fc.scenarios["cable"]
    ax = plot.movers(sf, top=8)
    left, right = ax.figure.axes[:2]
    moved = [t.get_text() for t in left.get_yticklabels()][::-1]  # drawn bottom-up
    expected = [display_name(c) for c in sf.moved_by_campaign(8)["country"]]
    assert [m.split(" (last:")[0] for m in moved] == expected
    anyway = [t.get_text().split(" (last:")[0] for t in right.get_yticklabels()][::-1]
    assert anyway == [display_name(c) for c in sf.likely_to_change_anyway(8)["country"]]
    assert left.get_title(loc="left") == "Moved by the campaign"
    assert right.get_title(loc="left").startswith("Likely to change anyway")
    assert not any("…" in label for label in moved + anyway)  # names whole or in short form


def test_backtest_charts_take_the_backtest_result(result, tmp_path):
    assert plot.backtest_log_loss(result).get_yscale() == "log"
    # the title names the text, from the result or, given only its scores, from ``about``
    assert "the US embargo against Cuba" in plot.backtest_log_loss(result).get_title()
    titled = plot.backtest_log_loss(result.scores, about="Ending the US embargo against Cuba")
    assert "the US embargo against Cuba" in titled.get_title()
    assert plot.calibration(result).get_xscale() == "logit"
    paths = plot.save_backtest(result, tmp_path)
    assert sorted(p.name for p in paths) == sorted(p.name for p in tmp_path.iterdir())
    assert {p.stem for p in paths} == {"backtest-log-loss", "backtest-calibration"}


def test_save_all_writes_png_and_svg(fc, result, tmp_path):
    target = tmp_path / "charts"
    paths = plot.save_all(fc, target, backtest=result)
    stems = [
        "history-2025",
        "scenarios-2025",
        "movers-cable-2025",
        "sweep-cable-2025",
        "retrospective-2025",  # the 2025 vote is in the record
        "backtest-log-loss",
        "backtest-calibration",
    ]
    expected = {f"{stem}{suffix}" for stem in stems for suffix in (".png", ".svg")}
    assert {p.name for p in paths} == expected
    for path in paths:
        assert path.parent == target and path.stat().st_size > 0
    assert plt.get_fignums() == []  # pyplot's state untouched


def test_save_all_without_backtest(fc, tmp_path):
    paths = plot.save_all(fc, tmp_path, sweep_scenario="")
    assert paths == plot.chart_files(
        tmp_path, 2025, list(fc.scenarios), sweep_scenario="", retrospective=True
    )
    assert sorted(p.name for p in paths) == sorted(
        f"{stem}-2025{suffix}"
        for stem in ("history", "scenarios", "movers-cable", "retrospective")
        for suffix in (".png", ".svg")
    )


def test_retrospective_marks_the_recorded_count_and_each_percentile(fc):
    ax = plot.retrospective(fc)
    retro = fc.retrospective
    labels = [t.get_text() for t in ax.get_yticklabels()]  # the first row at the top
    assert [label.split("\n")[0] for label in labels] == ["baseline (no campaign)", "cable"]
    assert "percentile <0.1%" in labels[0]
    assert f"log score {retro.summary.loc['cable', 'log_score']:.1f}" in labels[1]
    recorded = [line for line in ax.get_lines() if list(line.get_xdata()) == [165, 165]]
    assert len(recorded) == 1
    assert any(t.get_text().startswith("recorded: 165 yes") for t in ax.texts)


def test_retrospective_of_a_coming_vote_is_refused(record):
    coming = forecast(2026, ["baseline"], record=record)
    with pytest.raises(InvalidValueError, match="not in the record yet"):
        plot.retrospective(coming)
    assert "retrospective-2026" not in plot.chart_stems(2026, ["baseline"])
