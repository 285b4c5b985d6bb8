"""Forecasts on record: archived as made, scored as they stand once the vote is held."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unvote
from unvote.errors import DataFileError, InvalidValueError
from unvote.forecasting.archive import archive_record, read_archived, score_archived

ROOT = Path(__file__).resolve().parents[1]
FORECASTS = ROOT / "forecasts"


@pytest.fixture(scope="module")
def made_2025() -> dict:
    return archive_record(2025, scenarios=["baseline", "cable"], made="2025-10-28")


def test_an_archived_forecast_scores_as_the_forecast_itself(made_2025) -> None:
    """Scored from the file alone, the 2025 forecast gives its own retrospective's numbers."""
    data = json.loads(json.dumps(made_2025, allow_nan=False))  # as it comes back from disk
    scored = score_archived(data)
    own = unvote.forecast(2025, ["baseline", "cable"]).retrospective
    columns = ["expected_yes", "percentile", "log_score", "member_log_loss"]
    pd.testing.assert_frame_equal(
        scored.summary[columns], own.summary[columns], check_exact=False, atol=1e-5
    )
    assert scored.votes_moved == pytest.approx(own.votes_moved, abs=1e-4)
    assert list(scored.movers.index[:5]) == list(own.movers.index[:5])


def test_an_archive_holds_each_scenarios_distributions(made_2025) -> None:
    assert (made_2025["through"], made_2025["vote_date"]) == ("2025-10-28", "2025-10-29")
    for pmfs in made_2025["marginals"].values():
        for outcome in ("yes", "abstain", "no", "absent"):
            assert len(pmfs[outcome]) == 194 and sum(pmfs[outcome]) == pytest.approx(1, abs=1e-6)


def test_a_vote_not_yet_held_cannot_be_scored(made_2025) -> None:
    later = made_2025 | {"year": 2026, "through": "2026-06-04"}
    with pytest.raises(InvalidValueError, match="is not in the record yet"):
        score_archived(later)


def test_what_is_not_an_archive_is_refused(tmp_path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"year": 2026}')
    with pytest.raises(DataFileError, match="not an archived forecast"):
        read_archived(path)
    path.write_text("{")
    with pytest.raises(DataFileError, match="cannot be read"):
        read_archived(path)


def test_the_2026_forecast_on_record() -> None:
    """The forecast kept in forecasts/: made before the vote, from the record to 2026-06-04."""
    (path,) = FORECASTS.glob("*-2026-through-*.json")
    data = read_archived(path)
    assert data["through"] == "2026-06-04" and data["year"] == 2026
    assert data["item"] == "necessity-ending-economic-commercial-financial-embargo-cuba"
    names = [s["name"] for s in data["forecast"]["scenarios"]]
    assert names[0] == "baseline" and "cable" in names
    for scenario in data["forecast"]["scenarios"]:
        yes = np.array(data["marginals"][scenario["name"]]["yes"])
        assert float((np.arange(len(yes)) * yes).sum()) == pytest.approx(
            scenario["expected"]["yes"], abs=1e-3
        )
    assert path.name in (FORECASTS / "README.md").read_text(encoding="utf-8")


def test_the_script_never_rewrites_a_forecast_on_record(tmp_path, capsys) -> None:
    spec = importlib.util.spec_from_file_location(
        "archive_forecast", ROOT / "scripts" / "archive_forecast.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["2025", "--out", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("*.json")
    before = written.read_bytes()
    assert script.main(["2025", "--out", str(tmp_path)]) == 2
    assert "never rewritten" in capsys.readouterr().err
    assert written.read_bytes() == before
