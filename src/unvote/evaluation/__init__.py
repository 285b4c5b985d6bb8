"""Forecast quality: backtests of one text and forward tests of whole sessions.

:mod:`~unvote.evaluation.runs` fits the model on what was known before each
session, forecasts it, and scores it against naive baselines on the same rows.
"""
