"""Reports of forecasts and evaluations for people: charts and text.

:mod:`~unvote.report.charts` draws the history of a text, the scenarios,
the movers, strength sweeps, backtests and retrospectives with matplotlib;
:mod:`~unvote.report.text` writes the plain-text reports the ``forecast``
command prints (forecasts, evaluations, the record's status), every number
formatted there once.
"""
