"""Compare model forms on the rolling backtest: why unvote uses a penalised multinomial logit.

Candidates, all on the same feature panel and the same rolling origins:

* ``multinomial`` (unvote's VoteModel) at several ridge penalties, and
  without its year shock;
* ``ordinal+absent``: a hurdle of two fits, an L2-penalised binary logit of
  being absent (scikit-learn) and an ordinal logit (OrderedModel, logit link) of
  yes > abstain > no among the members that voted;
* ``sklearn``: scikit-learn's multinomial LogisticRegression with an L2
  penalty of the same strength (a check on our Newton fit);
* the two baselines (last vote, Markov transitions).

Run from the repository root (takes a minute or two)::

    .venv/bin/python benchmarks/compare_models.py [--first 1995] [--last 2024]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from unvote.evaluation import backtest, last_vote_baseline, markov_baseline, model_forecaster
from unvote.load import VOTE_CATEGORIES
from unvote.model import PROBABILITY_COLUMNS, VoteModel
from unvote.panel import MODEL_FEATURES, feature_panel

# Features that are constant or collinear with others break unpenalised fits:
# the ordinal model drops the one-hot of the last vote's reference level and the
# shares that sum to one.
ORDINAL_FEATURES = [f for f in MODEL_FEATURES if f not in ("last_yes", "share_yes", "climate_yes")]


def ordinal_hurdle(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """P(absent) from an L2 logit; P(yes/abstain/no | voted) from an ordinal logit."""
    from sklearn.linear_model import LogisticRegression
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    train = train[(train["vote"].notna()) & (train["year"] >= 1993)]
    x_train = train[ORDINAL_FEATURES].astype(float)
    x_rows = rows[ORDINAL_FEATURES].astype(float)
    absent = (train["vote"] == "absent").astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The same L2 penalty as VoteModel keeps the absent logit finite under separation.
        participation = LogisticRegression(C=1.0, max_iter=5000).fit(x_train.to_numpy(), absent)
        voted = train["vote"] != "absent"
        outcome = pd.Series(
            pd.Categorical(
                train.loc[voted, "vote"].astype(str),
                categories=["no", "abstain", "yes"],
                ordered=True,
            ),
            index=x_train.index[voted.to_numpy()],
        )
        ordinal = OrderedModel(outcome, x_train[voted.to_numpy()], distr="logit").fit(
            method="bfgs", disp=False, maxiter=500
        )
    p_absent = participation.predict_proba(x_rows.to_numpy())[:, 1]
    p_vote = ordinal.predict(x_rows.to_numpy())  # columns: no, abstain, yes
    probs = (
        np.column_stack([p_vote[:, 2], p_vote[:, 1], p_vote[:, 0], np.zeros(len(rows))])
        * (1 - p_absent)[:, None]
    )
    probs[:, 3] = p_absent
    return pd.DataFrame(probs, index=rows.index, columns=list(PROBABILITY_COLUMNS))


def sklearn_multinomial(penalty: float = 1.0):
    """scikit-learn's L2 multinomial logit; its C is the inverse of our penalty."""

    def forecast(train: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
        from sklearn.linear_model import LogisticRegression

        train = train[(train["vote"].notna()) & (train["year"] >= 1993)]
        y = pd.Categorical(train["vote"], categories=list(VOTE_CATEGORIES)).codes
        fit = LogisticRegression(C=1 / penalty, max_iter=5000).fit(
            train[list(MODEL_FEATURES)].to_numpy(float), y
        )
        p = np.zeros((len(rows), len(VOTE_CATEGORIES)))
        p[:, fit.classes_] = fit.predict_proba(rows[list(MODEL_FEATURES)].to_numpy(float))
        return pd.DataFrame(p, index=rows.index, columns=list(PROBABILITY_COLUMNS))

    return forecast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=1995)
    parser.add_argument("--last", type=int, default=2024)
    args = parser.parse_args()
    forecasters = {
        f"multinomial, penalty {p}": model_forecaster(VoteModel(penalty=p))
        for p in (0.1, 0.3, 1.0, 3.0, 10.0)
    }
    forecasters |= {
        "multinomial, penalty 1.0, no year shock": model_forecaster(VoteModel(year_shock=False)),
        "sklearn multinomial, C=1": sklearn_multinomial(1.0),
        "ordinal + absent logit": ordinal_hurdle,
        "baseline: last vote": last_vote_baseline,
        "baseline: markov": markov_baseline,
    }
    table = backtest(args.first, args.last, forecasters, panel=feature_panel()).scores
    columns = ["log_loss", "brier", "accuracy", "f1_no", "f1_abstain", "in80_yes", "in95_yes"]
    summary = table.groupby("method", sort=False)[columns].mean()
    early = table[table["year"] <= 1999].groupby("method", sort=False)["log_loss"].mean()
    y2019 = table[table["year"] == 2019].set_index("method")["log_loss"]
    summary["log_loss 1995-99"] = early
    summary["log_loss 2019"] = y2019
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(f"Rolling-origin backtest {args.first}-{args.last}: means over years\n")
        print(summary.round(4).to_string())


if __name__ == "__main__":
    main()
