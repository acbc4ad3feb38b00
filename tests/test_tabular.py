"""skreg._utils.tabular: the practitioner's preprocessing of a table."""

import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from skreg._utils.tabular import (
    CATEGORICAL,
    NUMERIC,
    infer_column_kinds,
    missing_mask,
    tabular_preprocessing,
)

NAMES = ["age", "colour", "height", "town"]


def _table():
    """Two numeric and two categorical columns, with missing values in each."""
    return np.array(
        [
            [31, "red", "1.80", "Lyon"],
            [np.nan, "blue", "1.65", "Paris"],
            [45, None, "NA", "Paris"],
            [28, "red", "1.72", ""],
            [52, "green", "1.90", "Paris"],
            [39, "red", "1.60", "Lyon"],
        ],
        dtype=object,
    )


def _fitted(X=None, **kwargs):
    X = _table() if X is None else X
    plan = tabular_preprocessing(X, NAMES, **kwargs)
    return plan, clone(plan.transformer).fit(X)


def test_kinds_are_inferred_from_the_values():
    kinds = infer_column_kinds(_table(), NAMES)
    assert kinds == {
        "age": NUMERIC,
        "colour": CATEGORICAL,
        "height": NUMERIC,  # strings that read as numbers
        "town": CATEGORICAL,
    }


def test_missing_markers():
    cells = np.array([None, np.nan, "", " NA ", "nan", "null", "0", 0, "x", 1.5])
    cells = cells.astype(object)
    expected = [True] * 6 + [False] * 4
    assert missing_mask(cells).tolist() == expected
    assert not missing_mask(np.arange(3)).any()
    assert missing_mask(np.array([1.0, np.nan])).tolist() == [False, True]


def test_numeric_columns_are_imputed_with_the_median_then_standardised():
    _, transformer = _fitted()
    out = transformer.transform(_table())
    age = np.array([31, np.nan, 45, 28, 52, 39])
    height = np.array([1.80, 1.65, np.nan, 1.72, 1.90, 1.60])
    for j, column in enumerate((age, height)):
        filled = np.where(np.isnan(column), np.nanmedian(column), column)
        expected = (filled - filled.mean()) / filled.std()
        np.testing.assert_allclose(out[:, j], expected)
    imputer = transformer.named_transformers_[NUMERIC][1]
    np.testing.assert_allclose(imputer.statistics_, [39.0, 1.72])


def test_categorical_columns_are_imputed_with_the_mode_then_one_hot_encoded():
    _, transformer = _fitted()
    names = list(transformer.get_feature_names_out())
    assert names == [
        "numeric__age",
        "numeric__height",
        "categorical__colour_blue",
        "categorical__colour_green",
        "categorical__colour_red",
        "categorical__town_Lyon",
        "categorical__town_Paris",
    ]
    out = transformer.transform(_table())
    colour = out[:, 2:5]
    # the missing colour (row 2) becomes "red", the most frequent level
    np.testing.assert_array_equal(colour[2], [0, 0, 1])
    np.testing.assert_array_equal(colour.sum(axis=1), np.ones(6))
    town = out[:, 5:]
    np.testing.assert_array_equal(town[3], [0, 1])  # "" is missing: "Paris"
    np.testing.assert_array_equal(town[0], [1, 0])


def test_a_level_unseen_in_training_gives_zeros_without_warning():
    _, transformer = _fitted()
    new = np.array([[40, "purple", "1.70", "Lyon"]], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = transformer.transform(new)
    np.testing.assert_array_equal(out[0, 2:], [0, 0, 0, 1, 0])


def test_missing_values_at_transform_time_get_the_training_fill():
    _, transformer = _fitted()
    new = np.array([[None, None, "", None]], dtype=object)
    out = transformer.transform(new)
    reference = transformer.transform(
        np.array([[39, "red", "1.72", "Paris"]], dtype=object)
    )
    np.testing.assert_allclose(out, reference)


def test_description_says_what_is_done_to_every_column():
    plan = tabular_preprocessing(_table(), NAMES)
    assert plan.numeric == ("age", "height")
    assert plan.categorical == ("colour", "town")
    age, colour, height, town = plan.columns
    assert (age.kind, age.n_missing, age.n_levels) == (NUMERIC, 1, None)
    assert (colour.kind, colour.n_missing, colour.n_levels) == (CATEGORICAL, 1, 3)
    assert (town.n_missing, town.n_levels) == (1, 2)
    lines = plan.describe()
    assert lines[0] == (
        "age: numeric: 1 missing value filled with the training median, then "
        "standardised (mean 0 and standard deviation 1 in training)"
    )
    assert lines[1].startswith("colour: categorical: 1 missing value filled with")
    assert "one-hot encoded (3 levels in this table" in lines[1]
    complete = tabular_preprocessing(np.array([[1.0], [2.0]]), ["x"])
    assert complete.describe() == [
        "x: numeric: standardised (mean 0 and standard deviation 1 in training)"
    ]


def test_an_identifier_column_is_flagged():
    ids = np.array([[f"id{i}", i % 3] for i in range(30)], dtype=object)
    plan = tabular_preprocessing(ids, ["name", "group"])
    assert plan.columns[0].looks_like_identifier
    assert plan.describe()[0].endswith("is it an identifier?")
    assert not plan.columns[1].looks_like_identifier


def test_declared_categorical_columns_are_one_hot_encoded():
    X = np.array([[1, 10.0], [2, 20.0], [1, 30.0], [3, 40.0]])
    plan = tabular_preprocessing(X, ["store", "price"], categorical=["store"])
    assert plan.categorical == ("store",)
    out = clone(plan.transformer).fit_transform(X)
    assert out.shape == (4, 1 + 3)
    np.testing.assert_array_equal(out[:, 1:].argmax(axis=1), [0, 1, 0, 2])
    by_position = tabular_preprocessing(X, ["store", "price"], categorical=[0])
    assert by_position.categorical == ("store",)


def test_numpy_object_input_needs_no_pandas():
    code = textwrap.dedent(
        """
        import sys

        class NoPandas:  # any import of pandas now fails
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "pandas":
                    raise ImportError("no pandas here")

        sys.meta_path.insert(0, NoPandas())
        import numpy as np
        from skreg._utils.tabular import tabular_preprocessing
        X = np.array([[1, "a"], [None, "b"], [3, None]], dtype=object)
        plan = tabular_preprocessing(X, ["n", "c"])
        out = plan.transformer.fit_transform(X)
        assert out.shape == (3, 3), out.shape
        assert "pandas" not in sys.modules
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_dataframe_gives_the_same_result_as_its_array():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_table(), columns=NAMES)
    frame["age"] = pd.array([31, None, 45, 28, 52, 39], dtype="Int64")
    plan = tabular_preprocessing(frame)
    assert plan.numeric == ("age", "height")
    out = clone(plan.transformer).fit_transform(frame)
    np.testing.assert_allclose(out, _fitted()[1].transform(_table()))


def test_the_transformer_pickles_and_clones():
    _, transformer = _fitted()
    restored = pickle.loads(pickle.dumps(transformer))
    np.testing.assert_array_equal(
        restored.transform(_table()), transformer.transform(_table())
    )


@pytest.mark.parametrize(
    "X, names, kwargs, message",
    [
        (np.array([[1, None], [2, None]], dtype=object), ["a", "b"], {}, "'b'"),
        (np.empty((3, 0)), [], {}, "no columns"),
        (np.empty((0, 2)), ["a", "b"], {}, "no rows"),
        (np.ones((2, 2)), ["a"], {}, "1 column names for a table of 2"),
        (np.ones((2, 2)), ["a", "a"], {}, "not unique"),
        (np.ones((2, 2)), ["a", "b"], {"categorical": ["c"]}, "no column named"),
        (np.ones((2, 2)), ["a", "b"], {"categorical": [5]}, "no column at position"),
        (np.array([["x", 1]], dtype=object), ["a", "b"], {"categorical": []}, "'a'"),
        (np.ones(3), None, {}, "2-D"),
    ],
)
def test_clear_errors(X, names, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tabular_preprocessing(X, names, **kwargs)


def test_a_non_number_at_transform_time_in_a_numeric_column_is_an_error():
    _, transformer = _fitted()
    with pytest.raises(ValueError, match="'tall' in a numeric column"):
        transformer.transform(np.array([[40, "red", "tall", "Lyon"]], dtype=object))
