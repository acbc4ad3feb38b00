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
    TableError,
    check_magnitude,
    check_table,
    finite_numbers,
    infer_column_kinds,
    infer_task,
    missing_mask,
    numeric_values,
    read_csv,
    table_problems,
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


def test_similar_columns_are_summarised_together():
    X = np.array([[1, 2, "a", 3], [4, 5, "b", None], [7, 8, "a", 9]], dtype=object)
    plan = tabular_preprocessing(X, ["p", "q", "c", "r"])
    scaled = "numeric: standardised (mean 0 and standard deviation 1 in training)"
    assert plan.summary() == [
        f"p, q: {scaled}",
        plan.describe()[2],
        "r: numeric: 1 missing value filled with the training median, then "
        "standardised (mean 0 and standard deviation 1 in training)",
    ]


def test_numeric_values_are_c_contiguous_whatever_the_layout():
    # Selecting columns gives a Fortran-ordered array; a matrix product on it
    # rounds differently, so a scaler after it would not give a plain
    # StandardScaler's fits bit for bit.
    cells = np.array([["1.5", "2", "x"], ["3", "", "y"]], dtype=object)[:, [0, 1]]
    assert not cells.flags["C_CONTIGUOUS"]
    values = numeric_values(cells)
    assert values.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(values, [[1.5, 2.0], [3.0, np.nan]])
    assert numeric_values(np.asfortranarray(np.ones((2, 2)))).flags["C_CONTIGUOUS"]


# ------------------------------------------------------------- CSV files
def _write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def test_read_csv_strips_fields_and_skips_blank_lines(tmp_path):
    path = _write(tmp_path, "\ufeff a , b\n1, x \n\n 2 ,\n")
    table = read_csv(path)
    assert table.header == ("a", "b")
    assert table.cells.tolist() == [["1", "x"], ["2", ""]]
    assert table.line_numbers.tolist() == [2, 4]
    assert table.column("b").tolist() == ["x", ""]
    np.testing.assert_array_equal(table.numbers("a", "a"), [1.0, 2.0])
    kept = table.rows(np.array([False, True]))
    assert kept.cells.tolist() == [["2", ""]] and kept.line_numbers.tolist() == [4]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file: "),
        (b"", "' is empty"),
        (b"\xff\xfe\x00\x81", "' is not a UTF-8 text file"),
        ("a,\n1,2\n", "the header has an empty column name"),
        ("a,a\n1,2\n", "the column name 'a' appears twice"),
        ("a,b\n1,2\n3\n", "', line 3: 1 fields, expected 2 as in the header"),
        ("a,b\n\n", "' has a header but no data rows"),
    ],
)
def test_read_csv_errors(tmp_path, content, message):
    path = str(tmp_path / "none.csv") if content is None else _write(tmp_path, content)
    with pytest.raises(TableError, match=message):
        read_csv(path)
    with pytest.raises(TableError, match="is a directory"):
        read_csv(tmp_path)


def test_a_non_numeric_column_counts_and_locates_its_cells(tmp_path):
    rows = "".join(f"{v},1\n" for v in ["1", "x", "", "inf", "2", "y"])
    table = read_csv(_write(tmp_path, "a,b\n" + rows))
    message = (
        "'.*t.csv', column 'a': 4 values are not finite numbers: 'x' \\(line 3\\), "
        "a missing value \\(line 4\\), 'inf' \\(line 5\\), ... \\(the input must "
        "be numeric\\)$"
    )
    with pytest.raises(TableError, match=message):
        table.numbers("a", "the input")
    with pytest.raises(TableError, match=r"has no column 'c' \(2 columns: a, b\)$"):
        table.index("c")


def test_finite_numbers():
    values = finite_numbers(["1", " 2.5", "x", "", None, "inf", "nan", 3])
    np.testing.assert_array_equal(values, [1, 2.5, *[np.nan] * 5, 3])


@pytest.mark.parametrize(
    "values, task",
    [
        (["a", "b", "a", "b"], "classification"),
        (["0", "1", "1", "0", "1"], "classification"),
        (["0.5", "1", "1", "0", "1"], "regression"),
        ([str(v) for v in range(30)], "regression"),
        ([0.0, 1.0, 1.0, 0.0, 1.0], "classification"),
    ],
)
def test_infer_task(values, task):
    assert infer_task(values) == task


# ------------------------------------------------------------ the checks
def test_magnitude_check_names_the_columns():
    columns = {
        "a": np.array([1.0, 2.0, 3.0]),
        "b": np.array([1e300, -1e300, 0.0]),
        "c": np.array([0.0, 1e200, 2e200]),  # squares of deviations overflow
        "d": np.full(3, 1e300),  # constant: StandardScaler takes it
        "e": np.array([0.0, 1e100, -1e100]),
        "f": np.array([np.nan, 1.0, np.nan]),  # missing values are left aside
    }
    message = (
        r"^f\.csv: columns 'b', 'c' have values too large in magnitude to "
        r"standardize \(up to 1e\+300\): rescale them$"
    )
    with pytest.raises(TableError, match=message):
        check_magnitude("f.csv", columns)
    check_magnitude("f.csv", {k: columns[k] for k in "adef"})
    with pytest.raises(TableError, match="^g: column 'b' has .* rescale it$"):
        check_magnitude("g", {"b": columns["b"]})


def test_every_problem_column_is_named_at_once():
    X = np.array(
        [["", "inf", "1e300", "x", "", "1"], ["NA", "2", "-1e300", "y", "", "-inf"]],
        dtype=object,
    )
    names = ["a", "b", "c", "d", "e", "f"]
    problems = table_problems(X, names)
    assert problems == [
        "every value is missing in columns 'a', 'e': there is nothing to impute "
        "from; drop them",
        "columns 'b', 'f' have infinite values: replace them with numbers, or "
        "empty those cells to have them imputed",
        "column 'c' has values too large in magnitude to standardize (up to "
        "1e+300): rescale it",
    ]
    with pytest.raises(TableError, match="^t: every value is missing in columns"):
        check_table(X, names, "t")
    check_table(X[:, [3]], ["d"], "t")  # a usable table


def test_a_table_of_single_values_has_nothing_to_learn():
    X = np.array([["1", "x", ""], ["1", "x", "2"], ["1", "x", ""]], dtype=object)
    assert table_problems(X, ["a", "b", "c"]) == [
        "every column holds a single value: there is nothing to learn"
    ]
    X[0, 1] = "z"
    assert table_problems(X, ["a", "b", "c"]) == []


def test_a_target_leaves_out_the_rows_where_it_is_missing(tmp_path):
    table = read_csv(_write(tmp_path, "x,y,c\n1,2.5,a\n2,,b\n3,NA,\n4,4,a\n"))
    kept, y, dropped = table.target("y", "regression")
    assert dropped == (3, 4) and kept.line_numbers.tolist() == [2, 5]
    np.testing.assert_array_equal(y, [2.5, 4.0])
    kept, labels, dropped = table.target("c", "classification")
    assert labels.tolist() == ["a", "b", "a"] and dropped == (4,)
    _, numbers, _ = table.target("x", "classification")  # numeric labels
    assert numbers.dtype == np.float64
    with pytest.raises(TableError, match="the target 'x' has the single value 1"):
        table.rows(np.array([True, False, False, False])).target("x", "regression")
    assert infer_task(["1", "", "0", "1", "NA", "0", "1"]) == "classification"


# ----------------------------------------- column names and delimiters
_WIDE = [f"feature_{j}" for j in range(10)] + ["target"]


@pytest.mark.parametrize(
    "header, given, suggested",
    [
        # past the columns the message lists: the suggestion names it
        (_WIDE, "Target", "target"),
        (_WIDE, "targte", "target"),
        # a name that differs in case only comes before a closer spelling
        (["targets", "Target", "x"], "target", "Target"),
        (["Age", "height"], "age", "Age"),
    ],
)
def test_an_unknown_column_suggests_the_closest_name(tmp_path, header, given,
                                                     suggested):  # fmt: skip
    path = _write(tmp_path, ",".join(header) + "\n" + ",".join("1" * len(header)))
    with pytest.raises(TableError) as info:
        read_csv(path).index(given)
    message = str(info.value)
    assert f"has no column '{given}': did you mean '{suggested}'?" in message
    assert f"({len(header)} columns: " in message


def test_an_unknown_column_without_a_close_name_lists_the_columns(tmp_path):
    path = _write(tmp_path, "x,y,label\n1,2,a\n")
    with pytest.raises(TableError) as info:
        read_csv(path).index("nope")
    assert str(info.value).endswith("has no column 'nope' (3 columns: x, y, label)")
    wide = _write(tmp_path, ",".join(_WIDE) + "\n" + ",".join("1" * 11), "w.csv")
    with pytest.raises(TableError, match=r"feature_7, \.\.\. and 3 more\)$"):
        read_csv(wide).index("nope")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_read_csv_detects_the_delimiter(tmp_path, delimiter):
    rows = [["a", "b c", "target"], ["1", "x", "0"], ["", "y, z", "1"]]
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    table = read_csv(_write(tmp_path, text))
    assert table.header == ("a", "b c", "target")
    assert table.cells.tolist() == rows[1:]


def test_a_semicolon_file_reads_its_decimal_commas(tmp_path):
    text = "a;b;town;n;target\n0,5;-1,25e2;Lyon, 2e;3;7\n2;NA;Paris;4;0,75\n"
    table = read_csv(_write(tmp_path, text))
    assert table.header == ("a", "b", "town", "n", "target")
    # numbers with a decimal comma or integers: read as points; a text with a
    # comma, and a column of integers, as they are
    assert table.cells.tolist() == [["0.5", "-1.25e2", "Lyon, 2e", "3", "7"],
                                    ["2", "NA", "Paris", "4", "0.75"]]  # fmt: skip
    assert table.decimal_comma_columns == ("a", "b", "target")
    np.testing.assert_array_equal(table.numbers("target", "y"), [7.0, 0.75])
    assert table.reading_note() == (
        "fields separated by ';' (detected); decimal commas read as points in "
        "columns 'a', 'b', 'target'"
    )


def test_a_comma_file_keeps_its_quoted_commas(tmp_path):
    table = read_csv(_write(tmp_path, 'a,b\n"0,5",1\n"2,5",2\n'))
    assert table.cells[:, 0].tolist() == ["0,5", "2,5"]
    assert table.decimal_comma_columns == () and table.reading_note() is None


@pytest.mark.parametrize(
    "text, header",
    [
        # a semicolon inside a comma-separated file's names or cells
        ("a;b,c\n1,2\n3,4\n", ("a;b", "c")),
        ("id,tags,y\n1,x;y;z,0\n2,w,1\n", ("id", "tags", "y")),
        ('"p;q;r",s\n1,2\n', ("p;q;r", "s")),
        ("a;b;c,d\n1,2\n", ("a;b;c", "d")),  # the rows agree with the comma
        ("y\n1\n2\n", ("y",)),  # one column
    ],
)
def test_a_comma_separated_file_stays_so(tmp_path, text, header):
    assert read_csv(_write(tmp_path, text)).header == header


def test_a_ragged_semicolon_file_names_its_line(tmp_path):
    with pytest.raises(TableError, match="line 3: 1 fields, expected 2 as in the"):
        read_csv(_write(tmp_path, "a;b\n1;2\n3\n"))


def test_a_one_column_header_asks_for_the_delimiter(tmp_path):
    path = _write(tmp_path, "a:b:target\n1:2:3\n")
    with pytest.raises(TableError) as info:
        read_csv(path).index("target")
    assert str(info.value).endswith(
        "has no column 'target': the header has one column, 'a:b:target': are "
        "the columns separated by another character than a comma, a semicolon, "
        "a tab or '|'?"
    )
