"""The vote model: estimator contract, fitting through a date, an oracle, the shock, persistence."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from unvote.errors import DataFileError, NotFittedError, UnvoteError
from unvote.model.estimator import (
    PROBABILITY_COLUMNS,
    SHIFTED_OUTCOMES,
    VoteModel,
    persistence_terms,
    softmax_against_reference,
)
from unvote.model.features import DEFAULT_FEATURES, training_rows
from unvote.vocabulary import OUTCOMES

THROUGH = "2024-08-31"  # the end of session 78


@pytest.fixture(scope="module")
def rows(record) -> pd.DataFrame:
    return training_rows(record, 76, 79)


@pytest.fixture(scope="module")
def model(rows) -> VoteModel:
    return VoteModel(window=2).fit(rows, through=THROUGH)


@pytest.fixture(scope="module")
def cuba(rows) -> pd.DataFrame:
    return rows[rows["id"] == "dgacm:A/RES/79/7"].set_index("iso3")


# -- estimator contract --------------------------------------------------------


def test_init_stores_its_arguments_unchanged():
    features = ("last_yes", "last_no")
    model = VoteModel(penalty=2.0, features=features, persistence=(), window=3, max_iter=7)
    assert (model.penalty, model.features, model.persistence) == (2.0, features, ())
    assert (model.window, model.max_iter) == (3, 7)
    assert not [name for name in vars(model) if name.endswith("_")]
    assert "not fitted" in repr(model)


def test_fit_returns_self_and_learned_attributes_end_in_underscore(rows):
    model = VoteModel(window=1)
    before = set(vars(model))
    assert model.fit(rows, through=THROUGH) is model
    learned = set(vars(model)) - before
    assert learned and all(name.endswith("_") for name in learned), learned
    assert model.classes_ == list(OUTCOMES)
    assert model.feature_names_ == [*DEFAULT_FEATURES, *persistence_terms()]
    assert list(model.coef_.columns) == list(SHIFTED_OUTCOMES)
    assert model.train_sessions_ == (78, 78)
    assert model.train_through_ <= pd.Timestamp(THROUGH)
    assert repr(model).startswith("VoteModel: fitted on ")


def test_predict_proba_columns_follow_classes(model, cuba):
    probs = model.predict_proba(cuba)
    assert list(probs.columns) == [f"p_{c}" for c in model.classes_] == list(PROBABILITY_COLUMNS)
    assert probs.index.equals(cuba.index)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert probs.loc["USA", "p_no"] > 0.9 and probs.loc["MEX", "p_yes"] > 0.9


# -- fitting through a date: the same as fitting on the slice ----------------------


def test_fit_through_equals_fitting_on_the_slice(rows):
    through = pd.Timestamp("2023-12-31")
    a = VoteModel(window=2, roll_call_shock=False).fit(rows, through=through)
    b = VoteModel(window=2, roll_call_shock=False).fit(rows[rows["date"] <= through])
    pd.testing.assert_frame_equal(a.coef_, b.coef_, check_exact=True)
    assert a.train_through_ == b.train_through_ <= through


def test_the_window_keeps_the_last_sessions(rows):
    model = VoteModel(window=1, roll_call_shock=False).fit(rows)
    assert model.train_sessions_ == (79, 79)
    assert model.n_train_ == int(rows.loc[rows["session"] == 79, "vote"].notna().sum())


def test_two_fits_are_identical(rows):
    a = VoteModel(window=1).fit(rows, through=THROUGH)
    b = VoteModel(window=1).fit(rows, through=THROUGH)
    pd.testing.assert_frame_equal(a.coef_, b.coef_, check_exact=True)
    assert a.shock_sd_ == b.shock_sd_


# -- an oracle: the unpenalised fit is the multinomial MLE of statsmodels --------------


def test_unpenalised_fit_equals_statsmodels_mnlogit():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(7)
    n = 3000
    x = pd.DataFrame({"a": rng.normal(size=n), "b": rng.binomial(1, 0.4, n).astype(float)})
    eta = np.column_stack(
        [0.5 * x["a"] - 1, -0.8 * x["b"] - 0.5, 0.3 * x["a"] + 0.2 * x["b"] - 1.5]
    )
    probs = softmax_against_reference(eta)
    y = np.array([rng.choice(4, p=p) for p in probs])
    rows = x.assign(
        id=np.arange(n) // 100,
        date=pd.Timestamp("2024-01-01"),
        session=78,
        vote=pd.Categorical.from_codes(y, categories=list(OUTCOMES)),
    )
    ours = VoteModel(
        penalty=0.0, features=("a", "b"), persistence=(), roll_call_shock=False, tol=1e-10
    ).fit(rows)
    theirs = sm.MNLogit(y, sm.add_constant(x.to_numpy())).fit(disp=False, method="newton")
    np.testing.assert_allclose(
        np.vstack([ours.intercept_.to_numpy(), ours.coef_.to_numpy()]), theirs.params, atol=1e-6
    )
    np.testing.assert_allclose(ours.coef_se_.to_numpy(), theirs.bse, rtol=1e-4)


# -- the roll-call shock --------------------------------------------------------------


def test_the_shock_is_recovered_from_simulated_roll_calls():
    """Members drawn with a shared shock of sd 0.8 per roll call: the fit finds about 0.8."""
    rng = np.random.default_rng(11)
    n_calls, n_members = 300, 150
    x = rng.normal(size=(n_calls, n_members))
    shock = rng.normal(0, 0.8, size=(n_calls, 1))
    eta = np.stack([x - 2.5 + shock, -3.0 + 0 * x + shock, -2.0 + 0 * x + shock], axis=-1)
    probs = softmax_against_reference(eta.reshape(-1, 3))
    u = rng.random(len(probs))[:, None]
    y = (u > probs.cumsum(axis=1)).sum(axis=1)
    rows = pd.DataFrame(
        {
            "a": x.ravel(),
            "id": np.repeat(np.arange(n_calls), n_members),
            "date": pd.Timestamp("2024-01-01"),
            "session": 78,
            "vote": pd.Categorical.from_codes(y, categories=list(OUTCOMES)),
        }
    )
    model = VoteModel(features=("a",), persistence=()).fit(rows)
    assert model.shock_sd_ == pytest.approx(0.8, abs=0.12)
    independent = VoteModel(features=("a",), persistence=(), roll_call_shock=False).fit(rows)
    assert independent.shock_sd_ == 0.0


def test_probabilities_average_over_the_shock(model, cuba):
    typical = model.predict_proba(cuba, shock=0.0)
    averaged = model.predict_proba(cuba)
    assert model.shock_sd_ > 0
    # A member almost sure to vote yes is a little less sure once the shock is averaged in.
    assert averaged.loc["MEX", "p_yes"] < typical.loc["MEX", "p_yes"]


# -- offsets --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["abstain", "no", "absent"])
def test_a_positive_offset_never_raises_p_yes(model, cuba, which):
    base = model.predict_proba(cuba, shock=0.0)
    shifted = model.predict_proba(cuba, offset={which: 1.5}, shock=0.0)
    assert (shifted["p_yes"] <= base["p_yes"] + 1e-12).all()
    assert (shifted[f"p_{which}"] >= base[f"p_{which}"] - 1e-12).all()


def test_offsets_must_be_finite(model, cuba):
    with pytest.raises(ValueError, match="finite"):
        model.predict_proba(cuba, offset={"no": float("inf")})


# -- reporting and persistence --------------------------------------------------------


def test_summary_table(model):
    table = model.summary()
    assert list(table.columns) == ["coef", "se", "z", "p_value"]
    assert table.index.names == ["outcome", "term"]
    assert len(table) == 3 * (1 + len(model.feature_names_))
    # A member's share of no votes on the text is a clear sign of another no.
    assert table.loc[("no", "share_no"), "coef"] > 1
    assert table.loc[("no", "share_no"), "z"] > 3


def test_json_round_trip(tmp_path, model, cuba):
    path = tmp_path / "model.json"
    model.save(path)
    again = VoteModel.load(path)
    pd.testing.assert_frame_equal(again.predict_proba(cuba), model.predict_proba(cuba))
    assert again.train_through_ == model.train_through_ and again.shock_sd_ == model.shock_sd_
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "not a saved unvote.VoteModel"),
        (lambda d: d.update(version=1), "format version 1"),
        (lambda d: d.pop("coef"), "missing or bad entry"),
        (lambda d: d["coef"]["no"].update(last_no="x"), "missing or bad entry"),
        (lambda d: d.update(shock_sd=float("nan")), "not finite"),
        (lambda d: d.update(shock_sd=-3.0), "shock_sd -3: a standard deviation cannot be negative"),
        (lambda d: d.update(new_text_shock_sd=-0.5), "new_text_shock_sd -0.5"),
    ],
    ids=["format", "version", "missing-key", "bad-number", "nan", "negative-sd", "negative-new"],
)
def test_from_dict_refuses_what_it_cannot_trust(model, change, message):
    data = json.loads(json.dumps(model.to_dict()))
    change(data)
    with pytest.raises(DataFileError, match=message):
        VoteModel.from_dict(data)


def test_a_corrupt_file_is_a_data_file_error(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("{not json")
    with pytest.raises(DataFileError, match="cannot read a saved model"):
        VoteModel.load(path)


# -- errors -------------------------------------------------------------------------


def test_predict_before_fit_raises(cuba):
    with pytest.raises(NotFittedError, match="not fitted"):
        VoteModel().predict_proba(cuba)
    with pytest.raises(AttributeError):  # as scikit-learn's NotFittedError
        VoteModel().summary()


@pytest.mark.parametrize("penalty", [-1.0, float("nan"), float("inf"), "1", True])
def test_bad_penalty_raises_in_fit(rows, penalty):
    with pytest.raises(ValueError, match="penalty"):
        VoteModel(penalty=penalty).fit(rows)


def test_nothing_to_fit_on(rows):
    with pytest.raises(UnvoteError, match="no recorded vote through 1990-01-01"):
        VoteModel().fit(rows, through="1990-01-01")
    with pytest.raises(UnvoteError, match="no recorded vote"):
        VoteModel().fit(rows.iloc[:0])


def test_missing_column_raises(rows):
    with pytest.raises(ValueError, match="lack column"):
        VoteModel().fit(rows.drop(columns=["us_agreement"]))
