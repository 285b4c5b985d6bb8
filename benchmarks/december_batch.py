"""The December batch forecast as a user lives it: from the record through 30 November.

For each session, the roll calls held from 1 to 31 December are forecast by
the model fitted at the session's opening (as the forward test's), on two
footings: *frozen* (features as of the opening) and *through 30 November*
(features as of 1 December: the session's votes and absences so far, the
texts already voted on in it).  The model is the same, with every feature
(``MODEL_FEATURES``: the schedule's among them); only what the features know
changes.  Written to ``benchmarks/december_batch.txt``.

Run from the repository root (a minute with the forward test's fits cached,
about 20 s a session more without)::

    .venv/bin/python benchmarks/december_batch.py 75 80
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from unvote.evaluation.runs import (
    ForwardTest,
    _call_table,
    _model_probs,
    _with_typical,
    markov_baseline,
)
from unvote.model.estimator import VoteModel
from unvote.model.features import (
    MODEL_FEATURES,
    feature_rows,
    load_record,
    recorded_targets,
    training_rows,
)
from unvote.model.fitting import fitted_model, model_cutoff

OUT = Path(__file__).with_name("december_batch.txt")
FOOTINGS = {"frozen": "at the session's opening", "rolling": "through 30 November"}


def december_batch(first: int, last: int) -> ForwardTest:
    """The December roll calls of sessions ``first`` to ``last`` on both footings.

    A :class:`~unvote.evaluation.runs.ForwardTest` whose ``rolling`` footing
    holds the forecasts through 30 November.
    """
    record = load_record()
    model = VoteModel(features=MODEL_FEATURES)
    starts = record.calls.groupby("session")["date"].min()
    rolling = training_rows(record, first - model.window, last)
    frames = []
    for session in range(first, last + 1):
        through = model_cutoff(record, starts[session] - pd.Timedelta(days=1))
        fitted = fitted_model(record, through, model, rows=rolling)
        train = rolling[
            (rolling["date"] <= through)
            & (rolling["session"] > session - 1 - model.window)
            & rolling["vote"].notna()
        ]
        year = starts[session].year
        december = (record.calls["session"] == session) & record.calls["date"].between(
            pd.Timestamp(f"{year}-12-01"), pd.Timestamp(f"{year}-12-31")
        )
        frozen = recorded_targets(record, december, "frozen")
        footings = {"frozen": frozen, "rolling": frozen.assign(tau=pd.Timestamp(f"{year}-12-01"))}
        for footing, targets in footings.items():
            rows = feature_rows(record, targets)
            rows = rows[rows["vote"].notna()].reset_index(drop=True)
            methods = {
                "model": _model_probs(fitted, rows),
                "markov": _with_typical(markov_baseline(train, rows)),
            }
            for method, probs in methods.items():
                base = rows[["id", "iso3", "vote", "item_new"]]
                frame = probs.astype("float32").join(base)
                frame["linked"] = base["item_new"] == 0
                frames.append(
                    frame.drop(columns="item_new").assign(
                        footing=footing, method=method, session=session
                    )
                )
    predictions = pd.concat(frames, ignore_index=True)
    return ForwardTest((first, last), predictions, _call_table(predictions))


def main(first: int, last: int) -> None:
    result = december_batch(first, last)
    columns = [
        "member-votes",
        "log loss",
        "log loss / item Markov",
        "macro-F1",
        "F1 absent",
        "80 % interval hit (% of roll calls)",
        "80 % interval width",
    ]
    lines = [f"December batches of sessions {first}-{last}, the model fitted at each opening", ""]
    for footing, label in FOOTINGS.items():
        for linked, which in ((None, "all texts"), (False, "new texts")):
            table = result.summary(footing, linked=linked)[columns]
            lines += [f"{label}, {which}:", table.to_string(), ""]
    text = "\n".join(lines)
    print(text)
    OUT.write_text(text)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
