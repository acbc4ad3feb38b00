"""Early stopping: small multiclass data, stratification, the validation loss curve.

(Parity of early stopping with scikit-learn's MLP is in test_sklearn_parity.py.)
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skreg import RegularizedMLPClassifier


@pytest.mark.parametrize(
    "y",
    [
        np.r_[np.zeros(20), np.ones(19), 2],  # a class with one member
        np.repeat(np.arange(10), 6),  # 60 samples of 10 classes
    ],
    ids=["one-member class", "60 samples 10 classes"],
)
def test_early_stopping_on_small_multiclass_data_fits(y):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((len(y), 3))
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), early_stopping=True, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_


def test_early_stopping_stays_stratified_when_it_can(iris_standardized):
    X, y = iris_standardized
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), early_stopping=True, validation_fraction=0.2,
        random_state=0,
    )  # fmt: skip
    Y = model.fit(X, y)._label_binarizer.transform(y)
    labels = model._stratify_labels(Y, 0.2)
    assert_array_equal(labels, y)  # iris: 50 of each class, stratified


def test_binary_early_stopping_raises_scikit_learns_error():
    with pytest.raises(
        ValueError, match=r"Classes with too few members are: \['True'\]"
    ):
        RegularizedMLPClassifier(early_stopping=True).fit(
            [[1, 2], [2, 3], [3, 4], [4, 5]], [0, 0, 0, 1]
        )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_validation_loss_curve_matches_the_held_out_loss(imbalanced):
    X, _, y, _ = imbalanced
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=40, random_state=0
    ).fit(X, y)
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    # the held-out split, rebuilt with the same random stream
    rng = np.random.RandomState(0)
    for W, b in zip(clf.coefs_, clf.intercepts_, strict=True):
        rng.uniform(size=W.shape), rng.uniform(size=b.shape)
    _, X_val, _, y_val = train_test_split(
        X, y, test_size=0.1, random_state=rng, stratify=y
    )
    # coefs_ holds the best epoch's weights: its recorded loss must match
    best = int(np.argmax(clf.validation_scores_))
    proba = clf.predict_proba(X_val)[np.arange(len(y_val)), y_val]
    assert clf.validation_loss_curve_[best] == pytest.approx(
        -np.log(proba).mean(), rel=1e-10
    )
    no_split = RegularizedMLPClassifier(hidden_layer_sizes=(8,), max_iter=3).fit(X, y)
    assert no_split.validation_loss_curve_ is None
