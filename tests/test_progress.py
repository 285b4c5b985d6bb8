"""Tests of unvote.progress: a bar on stderr by default, silence when asked, a caller's reporter."""

from __future__ import annotations

from unvote.progress import steps


def test_the_default_is_a_bar_on_stderr(capsys) -> None:
    assert list(steps(range(3), "forward test (sessions)")) == [0, 1, 2]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "forward test (sessions)" in captured.err and "3/3" in captured.err


def test_false_none_and_the_environment_silence_it(capsys, monkeypatch) -> None:
    assert list(steps(range(3), "backtest", progress=False)) == [0, 1, 2]
    assert list(steps(range(3), "backtest", progress=None)) == [0, 1, 2]
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert list(steps(range(3), "backtest")) == [0, 1, 2]
    assert capsys.readouterr().err == ""


def test_a_callable_is_told_each_step_before_it_runs() -> None:
    seen: list[int] = []
    for year in steps([2023, 2024], "backtest", progress=seen.append):
        assert seen[-1] == year
    assert seen == [2023, 2024]
