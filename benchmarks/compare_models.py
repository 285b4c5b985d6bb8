"""Compare solvers and model forms for the pooled vote model, on the same rows.

Two parts, written to ``benchmarks/compare_models.txt``:

1. **Solvers** for one fit of the default window (15 sessions, about 280,000
   member-votes, 107 predictors and 3 outcomes): unvote's Newton method in
   numpy, scikit-learn's multinomial ``LogisticRegression`` (lbfgs) with the
   same ridge penalty, and statsmodels' ``MNLogit`` (Newton, unpenalised, so
   on the base features only: the persistence terms make it singular).
   Seconds, and the largest difference in fitted probabilities from ours.
2. **Model forms** on the frozen forward test of sessions 75-78: the
   multinomial logit as shipped, without the persistence terms, without item
   memory, and scikit-learn's gradient-boosted trees on the same features;
   log loss per member-vote and its ratio to the item Markov baseline.

Needs the test extra (scikit-learn, statsmodels).  Run from the repository
root (several minutes)::

    .venv/bin/python benchmarks/compare_models.py
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from unvote.evaluation.runs import markov_baseline, member_scores
from unvote.model.estimator import VoteModel, softmax_against_reference
from unvote.model.features import (
    MODEL_FEATURES,
    feature_rows,
    load_record,
    recorded_targets,
    training_rows,
)
from unvote.model.fitting import model_cutoff
from unvote.vocabulary import OUTCOMES

OUT = Path(__file__).with_name("compare_models.txt")
SOLVER_SESSIONS = (64, 78)
TEST_SESSIONS = range(75, 79)


def codes(rows: pd.DataFrame) -> np.ndarray:
    return pd.Categorical(rows["vote"], categories=list(OUTCOMES)).codes.astype(int)


def solvers(rows: pd.DataFrame) -> list[str]:
    from sklearn.linear_model import LogisticRegression
    from statsmodels.discrete.discrete_model import MNLogit

    train = rows[rows["session"].between(*SOLVER_SESSIONS) & rows["vote"].notna()]
    lines = [f"Solvers: one fit on {len(train):,} member-votes (sessions {SOLVER_SESSIONS})", ""]
    start = time.perf_counter()
    ours = VoteModel(window=99, roll_call_shock=False, item_memory=False).fit(train)
    ours_seconds = time.perf_counter() - start
    x = ours._design(train)
    ours_p = softmax_against_reference(x @ np.vstack([ours.intercept_, ours.coef_]))
    lines.append(f"unvote Newton (numpy)          {ours_seconds:7.1f} s  {ours.n_iter_} steps")

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The same prior: scikit-learn's C is the inverse of the penalty on the summed loss.
        sk = LogisticRegression(C=1.0 / ours.penalty, max_iter=2000, tol=1e-8)
        sk.fit(x[:, 1:], codes(train))
    sk_seconds = time.perf_counter() - start
    sk_p = sk.predict_proba(x[:, 1:])
    lines.append(
        f"scikit-learn lbfgs             {sk_seconds:7.1f} s  "
        f"max |p - ours| {np.abs(sk_p - ours_p).max():.2e}  (its softmax is symmetric: "
        "under a ridge penalty a different prior, so not the same fit)"
    )

    base = VoteModel(window=99, persistence=(), roll_call_shock=False, item_memory=False)
    start = time.perf_counter()
    base.fit(train, through=None)
    base_seconds = time.perf_counter() - start
    xb = base._design(train)
    keep = np.abs(xb).sum(axis=0) > 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = MNLogit(codes(train), xb[:, keep]).fit(method="newton", disp=False, maxiter=50)
    sm_seconds = time.perf_counter() - start
    # Near-unanimous rows separate the classes: a vanishing penalty keeps ours finite.
    unpenalised = VoteModel(
        window=99,
        persistence=(),
        roll_call_shock=False,
        item_memory=False,
        penalty=1e-3,
        max_iter=200,
    ).fit(train)
    up = softmax_against_reference(xb @ np.vstack([unpenalised.intercept_, unpenalised.coef_]))
    lines.append(
        f"statsmodels MNLogit (Newton)   {sm_seconds:7.1f} s  on the base features, "
        f"unpenalised; max |p - ours with penalty 0.001| "
        f"{np.abs(sm.predict(xb[:, keep]) - up).max():.2e}"
        f" (ours: {base_seconds:.1f} s penalised)"
    )
    return lines


def forms(record, rows: pd.DataFrame) -> list[str]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    starts = record.calls.groupby("session")["date"].min()
    variants = {
        "multinomial logit (as shipped)": {},
        "  without the persistence terms": {"persistence": ()},
        "  without item memory": {"item_memory": False},
    }
    totals: dict[str, list[tuple[int, float]]] = {
        name: [] for name in [*variants, "trees", "markov"]
    }
    seconds: dict[str, float] = dict.fromkeys(totals, 0.0)
    for session in TEST_SESSIONS:
        through = model_cutoff(record, starts[session] - pd.Timedelta(days=1))
        test = feature_rows(
            record, recorded_targets(record, record.calls["session"] == session, "frozen")
        )
        test = test[test["vote"].notna()]
        truth = codes(test)
        train = rows[
            (rows["date"] <= through) & (rows["session"] > session - 16) & rows["vote"].notna()
        ]
        for name, params in variants.items():
            start = time.perf_counter()
            model = VoteModel(roll_call_shock=False, **params).fit(rows, through=through)
            seconds[name] += time.perf_counter() - start
            p = model.predict_proba(test).to_numpy()
            totals[name].append((len(truth), member_scores(p, truth)["log_loss"]))
        start = time.perf_counter()
        trees = HistGradientBoostingClassifier(max_iter=300, l2_regularization=1.0, random_state=0)
        trees.fit(train[list(MODEL_FEATURES)].to_numpy(), codes(train))
        seconds["trees"] += time.perf_counter() - start
        p = trees.predict_proba(test[list(MODEL_FEATURES)].to_numpy())
        totals["trees"].append((len(truth), member_scores(p, truth)["log_loss"]))
        p = markov_baseline(train, test).to_numpy()
        totals["markov"].append((len(truth), member_scores(p, truth)["log_loss"]))

    def mean(name: str) -> float:
        n = np.array([t[0] for t in totals[name]])
        return float(np.array([t[1] for t in totals[name]]) @ n / n.sum())

    markov = mean("markov")
    lines = [
        f"Model forms: frozen forward test, sessions {TEST_SESSIONS.start}-{TEST_SESSIONS.stop - 1}"
        " (log loss per member-vote; fit seconds over the sessions)",
        "",
    ]
    for name in [*variants, "trees", "markov"]:
        label = {"trees": "gradient-boosted trees (sklearn)", "markov": "item Markov baseline"}
        lines.append(
            f"{label.get(name, name):<34} {mean(name):.4f}  x{mean(name) / markov:.3f}  "
            f"{seconds[name]:6.0f} s"
        )
    return lines


def main() -> None:
    record = load_record()
    rows = training_rows(record, SOLVER_SESSIONS[0], TEST_SESSIONS.stop - 1)
    lines = solvers(rows)
    lines += ["", *forms(record, training_rows(record, TEST_SESSIONS.start - 15, 78))]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
