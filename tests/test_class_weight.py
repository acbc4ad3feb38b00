"""class_weight: the balanced and dict weights as sample weights, and their errors."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.metrics import balanced_accuracy_score
from sklearn.utils.class_weight import compute_sample_weight

from skreg import RegularizedMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _same_weights(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(p, q)


@pytest.mark.parametrize(
    "solver, early_stopping", [("lbfgs", False), ("adam", False), ("adam", True)]
)
def test_balanced_class_weight_is_the_balanced_sample_weight(
    imbalanced, solver, early_stopping
):
    X, _, y, _ = imbalanced
    params = dict(
        hidden_layer_sizes=(8,),
        solver=solver,
        max_iter=30,
        early_stopping=early_stopping,
        random_state=0,
    )
    weighted = RegularizedMLPClassifier(class_weight="balanced", **params).fit(X, y)
    reference = RegularizedMLPClassifier(**params).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    _same_weights(weighted, reference)


def test_class_weight_dict_multiplies_sample_weight_in_partial_fit(imbalanced):
    X, _, y, _ = imbalanced
    sw = np.random.default_rng(0).uniform(0.5, 1.5, len(y))
    params = dict(hidden_layer_sizes=(8,), random_state=0)
    a = RegularizedMLPClassifier(class_weight={0: 1.0, 1: 7.0}, **params)
    b = RegularizedMLPClassifier(**params)
    for chunk in np.array_split(np.arange(len(y)), 4):
        a.partial_fit(X[chunk], y[chunk], sample_weight=sw[chunk], classes=[0, 1])
        b.partial_fit(
            X[chunk],
            y[chunk],
            classes=[0, 1],
            sample_weight=sw[chunk] * np.where(y[chunk] == 1, 7.0, 1.0),
        )
    _same_weights(a, b)


def test_balanced_class_weight_raises_balanced_accuracy(imbalanced):
    """Figures seen: balanced accuracy 0.606 unweighted, 0.712 balanced."""
    X_train, X_test, y_train, y_test = imbalanced
    params = dict(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        alpha=1.0,
        max_iter=300,
        random_state=0,
    )
    plain = RegularizedMLPClassifier(**params).fit(X_train, y_train)
    balanced = RegularizedMLPClassifier(class_weight="balanced", **params)
    balanced.fit(X_train, y_train)
    plain_score = balanced_accuracy_score(y_test, plain.predict(X_test))
    balanced_score = balanced_accuracy_score(y_test, balanced.predict(X_test))
    assert balanced_score > plain_score + 0.08


def test_class_weight_is_rejected_for_multilabel():
    Y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match="multilabel"):
        RegularizedMLPClassifier(class_weight="balanced").fit(np.eye(4), Y)


def test_class_weights_that_zero_every_sample_are_rejected(iris_standardized):
    X, y = iris_standardized
    model = RegularizedMLPClassifier(class_weight={0: 0.0, 1: 0.0, 2: 0.0})
    with pytest.raises(ValueError, match="sum to zero"):
        model.fit(X, y)
