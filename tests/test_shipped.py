"""The fits shipped in the package: current, equal to a fresh fit, read-only, and only a fallback.

``scripts/ship_fits.py`` makes them (:mod:`unvote.model.cache`); a change to the
record or to the fitting code makes them miss, and these tests say so.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unvote.evaluation.runs import SCORES_KIND
from unvote.model import cache
from unvote.record import loaders as load

REGENERATE = "run `python scripts/ship_fits.py` to ship fits of this record and code"

# What a fresh install computes for the README's and the docs' commands, in a new process.
README_RUNS = """
import unvote
from unvote.model.fitting import fitted_model, model_cutoff
record = unvote.load_record()
fitted_model(record, model_cutoff(record, record.last_date))  # any text's forecast made now
unvote.forecast(2026)
unvote.forecast(2025)
unvote.backtest(1995, 2024, progress=False)
unvote.forward_test(80, 80, footings=["frozen"], progress=False)
"""


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def _entries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json"))


def test_the_readme_runs_compute_nothing_on_a_fresh_install(tmp_path) -> None:
    """Every fit, forecast input and linking they need ships: a fresh cache stays empty."""
    env = {k: v for k, v in os.environ.items() if k not in ("UNVOTE_GA_DATA", cache.SHIPPED_ENV)}
    env |= {"UNVOTE_CACHE_DIR": str(tmp_path / "cache"), "UNVOTE_DATA_DIR": str(tmp_path / "d")}
    result = subprocess.run(
        [sys.executable, "-c", README_RUNS], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # A forward test keeps its scores for later reports (known_scores): a result, not a fit.
    computed = [e for e in _entries(tmp_path / "cache") if not e.startswith(SCORES_KIND)]
    assert not computed, f"computed, not shipped: {computed}; {REGENERATE}"


@pytest.mark.slow
def test_the_shipped_fit_equals_a_fresh_fit(tmp_path, monkeypatch, record) -> None:
    """The default forecast read from the package, and fitted anew: the same to 1e-6."""
    from unvote.forecasting.vote import DEFAULT_ITEM, forecast, vote_key
    from unvote.model.estimator import VoteModel
    from unvote.model.features import training_rows

    key = vote_key(2026, DEFAULT_ITEM, None, VoteModel())
    assert cache.shipped_path("vote", key).is_file(), f"no shipped forecast 2026; {REGENERATE}"
    monkeypatch.setenv("UNVOTE_CACHE_DIR", str(tmp_path / "shipped"))
    shipped = forecast(2026)
    assert not _entries(tmp_path / "shipped")  # read from the package, nothing computed

    monkeypatch.setenv(cache.SHIPPED_ENV, "0")
    monkeypatch.setenv("UNVOTE_CACHE_DIR", str(tmp_path / "fresh"))
    fresh = forecast(2026, record=record)  # record given: the inputs are built, the model fitted
    assert "model" in {p.parent.name for p in (tmp_path / "fresh").rglob("*.json")}

    assert fresh.features.index.equals(shipped.features.index)
    features = list(fresh.model.features)
    np.testing.assert_allclose(
        fresh.features[features].to_numpy(float),
        shipped.features[features].to_numpy(float),
        rtol=0,
        atol=1e-12,
    )
    # Real rows: the forecast's members, and every member-vote of the last session.
    session = int(record.calls["session"].max())
    for rows in (fresh.features, training_rows(record, session, session)):
        gap = np.abs(fresh.model.predict_proba(rows) - shipped.model.predict_proba(rows))
        assert float(gap.to_numpy().max()) <= 1e-6
    for name, scenario in fresh.scenarios.items():
        gap = np.abs(scenario.probs.to_numpy(float) - shipped.scenarios[name].probs.to_numpy(float))
        assert float(gap.max()) <= 1e-6, name


def test_a_newer_record_misses_the_shipped_entries(tmp_path, monkeypatch) -> None:
    """A copy of the record keeps the shipped fits; one changed byte falls back to fitting."""
    from unvote.forecasting.vote import DEFAULT_ITEM, vote_key
    from unvote.model.estimator import VoteModel

    monkeypatch.setenv("UNVOTE_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "ga"
    shutil.copytree(load.data_path("ga"), copy, copy_function=shutil.copyfile)
    monkeypatch.setenv("UNVOTE_GA_DATA", str(copy))
    same = vote_key(2026, DEFAULT_ITEM, None, VoteModel())
    assert cache.fetch("vote", same) is not None, REGENERATE
    data = bytearray((copy / "sponsors.csv.gz").read_bytes())
    data[-1] ^= 1  # one byte of the record changed: a newer record, to the cache
    (copy / "sponsors.csv.gz").write_bytes(bytes(data))
    newer = vote_key(2026, DEFAULT_ITEM, None, VoteModel())
    assert newer["data"] != same["data"]
    assert not cache.shipped_path("vote", newer).exists()
    assert cache.fetch("vote", newer) is None


def test_fetch_reads_the_users_entry_then_the_shipped_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNVOTE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "SHIPPED_DIR", tmp_path / "shipped")
    key = {"data": "example", "through": "2024-09-09"}
    path = cache.shipped_path("model", key)
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(json.dumps({"key": key, "value": "shipped"}).encode()))
    assert cache.fetch("model", key) == "shipped"
    cache.store("model", key, "the user's")
    assert cache.fetch("model", key) == "the user's"
    (tmp_path / "cache" / "model" / path.name.removesuffix(".gz")).write_text("{")  # damaged
    assert cache.fetch("model", key) == "shipped"  # the user's removed, the shipped read
    monkeypatch.setenv(cache.SHIPPED_ENV, "0")
    assert cache.fetch("model", key) is None
    monkeypatch.delenv(cache.SHIPPED_ENV)
    path.write_bytes(b"not gzip")
    assert cache.fetch("model", key) is None and path.read_bytes() == b"not gzip"  # kept
    path.write_bytes(gzip.compress(json.dumps({"key": {"data": "other"}, "value": 1}).encode()))
    assert cache.fetch("model", key) is None and path.exists()


def test_the_shipped_folder_is_never_written_at_run_time(tmp_path, monkeypatch, record) -> None:
    """Reading the shipped fits, and fitting a model that does not ship, leave it as it was."""
    from unvote.forecasting.vote import forecast
    from unvote.model.estimator import VoteModel
    from unvote.model.fitting import fitted_model

    before = _snapshot(cache.SHIPPED_DIR)
    assert before, REGENERATE
    monkeypatch.setenv("UNVOTE_CACHE_DIR", str(tmp_path / "cache"))
    forecast(2026)
    small = VoteModel(window=1)  # a model nobody ships: fitted, stored for the user
    fitted_model(record, record.last_date, small)
    assert "model" in {p.parent.name for p in (tmp_path / "cache").rglob("*.json")}
    assert _snapshot(cache.SHIPPED_DIR) == before
