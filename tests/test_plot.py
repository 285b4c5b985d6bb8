"""The charts: each returns an axes with a title, labels, a legend and the source note."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from unvote import plot
from unvote.evaluation import backtest, rolling_predictions
from unvote.forecasting import forecast, sweep


@pytest.fixture(scope="module")
def fc():
    return forecast(2025, ["baseline", "cable"])


@pytest.fixture(scope="module")
def sweep_table():
    return sweep(2025, "cable", [0.0, 0.5, 1.0, 1.5, 2.0])


@pytest.fixture(scope="module")
def backtest_table():
    return backtest(2018, 2019)


@pytest.fixture(scope="module")
def predictions():
    return rolling_predictions(2018, 2019)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _charts(fc, sweep_table, backtest_table, predictions):
    return {
        "history": lambda ax=None: plot.history(fc, ax),
        "scenarios": lambda ax=None: plot.scenario_comparison(fc, ax),
        "movers": lambda ax=None: plot.movers(fc.scenarios["cable"], ax, year=fc.year),
        "sweep": lambda ax=None: plot.strength_sweep(sweep_table, ax, "cable", year=2025),
        "calibration": lambda ax=None: plot.calibration(predictions, ax),
        "log_loss": lambda ax=None: plot.backtest_log_loss(backtest_table, ax),
    }


CHARTS = ["history", "scenarios", "movers", "sweep", "calibration", "log_loss"]


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_labelled(name, fc, sweep_table, backtest_table, predictions):
    ax = _charts(fc, sweep_table, backtest_table, predictions)[name]()
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title()
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    assert ax.get_legend() is not None
    assert plot.SOURCE_NOTE in [t.get_text() for t in ax.texts]
    ax.figure.canvas.draw()  # lays out without error


@pytest.mark.parametrize("name", CHARTS)
def test_chart_draws_on_the_given_axes(name, fc, sweep_table, backtest_table, predictions):
    fig, ax = plt.subplots()
    assert _charts(fc, sweep_table, backtest_table, predictions)[name](ax) is ax
    assert len(fig.axes) >= 1 and fig.axes[0] is ax


def test_history_marks_each_scenario(fc):
    ax = plot.history(fc)
    labels = ax.get_legend_handles_labels()[1]
    assert any(label.startswith("baseline") for label in labels)
    assert any(label.startswith("cable") for label in labels)


def test_history_draws_every_outcome_on_one_scale_without_an_inset(fc):
    ax = plot.history(fc)
    assert ax.child_axes == [] and len(ax.figure.axes) == 1  # no inset, no twin axis
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:4] == ["yes", "abstain", "no", "absent"]
    low, high = ax.get_ylim()
    assert low == 0 and high >= fc.members


@pytest.mark.parametrize("chart", ["history", "log_loss"])
def test_lines_break_at_the_year_without_a_vote(chart, fc, backtest_table):
    if chart == "history":
        ax = plot.history(fc)
    else:
        ax = plot.backtest_log_loss(backtest(2019, 2021))
    for line in ax.get_lines():
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        if len(x) > 2 and 2019 in x and 2021 in x:
            assert 2020 in x, line.get_label()
            assert np.isnan(y[list(x).index(2020)]), line.get_label()


def test_record_chart_of_the_totals_alone():
    from unvote.load import load_totals

    ax = plot.record(load_totals())
    assert [line.get_label() for line in ax.get_lines()] == ["yes", "abstain", "no", "absent"]
    assert any("no vote in 2020" in t.get_text() for t in ax.texts)


def test_backtest_charts_take_the_backtest_result(tmp_path):
    result = backtest(2018, 2019)
    assert plot.backtest_log_loss(result).get_yscale() == "log"
    assert plot.calibration(result).get_xscale() == "logit"
    paths = plot.save_backtest(result, tmp_path)
    assert sorted(p.name for p in paths) == sorted(p.name for p in tmp_path.iterdir())
    assert {p.stem for p in paths} == {"backtest-log-loss", "backtest-calibration"}


def test_save_all_lists_what_chart_files_promise(fc, tmp_path):
    paths = plot.save_all(fc, tmp_path / "charts")
    assert paths == plot.chart_files(tmp_path / "charts", 2025, list(fc.scenarios))


def test_movers_shows_top_members_largest_first(fc):
    ax = plot.movers(fc.scenarios["cable"], top=8)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 8
    assert all(len(label) <= 28 for label in labels)
    members = fc.scenarios["cable"].members
    yes = members[members["last_vote"] == "yes"]
    top = yes.loc[(1 - yes["p_yes"]).idxmax(), "country"]
    assert labels[-1].rstrip("…") == top[: len(labels[-1].rstrip("…"))]  # top row is drawn last


def test_rolling_predictions_columns(predictions):
    assert list(predictions.columns) == [
        "method",
        "year",
        "iso3",
        "vote",
        "p_yes",
        "p_abstain",
        "p_no",
        "p_absent",
        "p0_yes",
        "p0_abstain",
        "p0_no",
        "p0_absent",
        "shock_sd",
    ]
    assert set(predictions["year"]) == {2018, 2019}
    sums = predictions[["p_yes", "p_abstain", "p_no", "p_absent"]].sum(axis=1)
    assert sums.round(9).eq(1).all()


def test_save_all_writes_png_and_svg(fc, backtest_table, predictions, tmp_path):
    target = tmp_path / "charts"
    paths = plot.save_all(fc, target, backtest_table=backtest_table, predictions=predictions)
    assert set(paths) == set(plot.save_all(fc, target, backtest=backtest(2018, 2019)))
    stems = [
        "history-2025",
        "scenarios-2025",
        "movers-cable-2025",
        "sweep-cable-2025",
        "backtest-log-loss",
        "backtest-calibration",
    ]
    expected = {f"{stem}{suffix}" for stem in stems for suffix in (".png", ".svg")}
    assert {p.name for p in paths} == expected
    for path in paths:
        assert path.parent == target
        assert path.stat().st_size > 0
    assert plt.get_fignums() == []  # pyplot's state untouched


def test_save_all_without_backtest(fc, tmp_path):
    paths = plot.save_all(fc, tmp_path, sweep_scenario="")
    assert sorted(p.name for p in paths) == sorted(
        f"{stem}-2025{suffix}"
        for stem in ("history", "scenarios", "movers-cable")
        for suffix in (".png", ".svg")
    )
