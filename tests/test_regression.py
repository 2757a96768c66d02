"""Notebooks 01-02: the housing loader and the exercise checks."""

import matplotlib

matplotlib.use("Agg")

import hashlib
import re

import keras
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error

import utils
from course.checks.logistic import (
    check_sigmoid_boundary_line,
    check_sigmoid_derivative,
    check_xor_network,
)
from course.checks.neuron import (
    check_housing_test_mae,
    check_linear_neuron,
    check_mae_gradient,
    check_threshold_gate,
)
from utils import (
    HOUSING_FILENAME,
    load_housing,
)

HOUSING = utils.DATA_DIR / HOUSING_FILENAME
HOUSING_SHA256 = "1504a1d9c5ef8028130d3cf9f657e2fdbb5d861dd01110a76b136a73c82a1373"
GARBAGE = [None, "twelve", object(), [1.0, "a"], [[1.0, 2.0], [3.0]], np.nan]


def yes_no_or_float(text: str) -> float:
    return {"yes": 1.0, "no": 0.0}[text] if text in ("yes", "no") else float(text)


def write_csv(tmp_path, text: str):
    path = tmp_path / "houses.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# load_housing
# --------------------------------------------------------------------------


def test_default_file_loads_every_column_like_numpy_loadtxt():
    x, y, names = load_housing()
    reference = np.loadtxt(
        HOUSING, delimiter=",", skiprows=1, converters=yes_no_or_float
    )
    header = HOUSING.read_text().splitlines()[0].split(",")
    assert names == header[1:] and len(names) == 11
    assert x.shape == (546, 11) and y.shape == (546,)
    assert x.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(y, reference[:, 0])
    np.testing.assert_array_equal(x, reference[:, 1:])


def test_yes_no_columns_become_one_and_zero():
    x, _, names = load_housing(features=["prefarea", "airco"])
    lines = HOUSING.read_text().splitlines()[1:]
    assert names == ["prefarea", "airco"]
    assert set(np.unique(x)) == {0.0, 1.0}
    assert x[:, 0].sum() == sum(line.endswith(",yes") for line in lines)


def test_features_come_in_the_order_asked_and_any_column_can_be_the_target():
    x, y, names = load_housing(features=["stories", "lotsize"], target="bedrooms")
    everything, price, all_names = load_housing()
    assert names == ["stories", "lotsize"]
    np.testing.assert_array_equal(x[:, 1], everything[:, all_names.index("lotsize")])
    np.testing.assert_array_equal(y, everything[:, all_names.index("bedrooms")])
    assert not np.array_equal(y, price)


def test_small_file_with_spaces_and_capitals(tmp_path):
    path = write_csv(tmp_path, "price, size ,pool\n100, 2.5, Yes\n\n80,1e1,NO\n")
    x, y, names = load_housing(path, features=["pool", "size"])
    assert names == ["pool", "size"]
    np.testing.assert_array_equal(x, [[1.0, 2.5], [0.0, 10.0]])
    np.testing.assert_array_equal(y, [100.0, 80.0])


def test_loading_touches_nothing_on_disk(tmp_path):
    path = write_csv(tmp_path, "price,size\n1,2\n")
    before = path.stat().st_mtime_ns
    load_housing(path)
    load_housing()
    assert [p.name for p in tmp_path.iterdir()] == ["houses.csv"]
    assert path.stat().st_mtime_ns == before
    assert hashlib.sha256(HOUSING.read_bytes()).hexdigest() == HOUSING_SHA256


def test_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(utils.DataNotFoundError, match=r"nope\.csv: housing data not"):
        load_housing(missing)
    with pytest.raises(FileNotFoundError):  # also a FileNotFoundError
        load_housing(missing)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"houses\.csv: the file is empty"),
        ("\n\n", r"houses\.csv: the file is empty"),
        ("price,size\n", r"houses\.csv: the file has a header but no data rows"),
        ("price,size\n1,2\n3\n", r"houses\.csv, line 3: 1 fields, expected 2"),
        ("price,size\n1,big\n", r"houses\.csv, line 2, column 'size': 'big' is not"),
        ("price,size\n1,\n", r"line 2, column 'size': '' is not a number"),
        ("price,size\nnan,2\n", r"line 2, column 'price': 'nan' is not a number"),
        ("price,size\n1,inf\n", r"column 'size': 'inf' is not a number"),
        ("size,rooms\n1,2\n", r"houses\.csv: no column\(s\) \['price'\]"),
    ],
)
def test_malformed_files_say_where_and_what(tmp_path, text, message):
    with pytest.raises(utils.DataError, match=message):
        load_housing(write_csv(tmp_path, text))


def test_missing_feature_columns_are_listed_with_what_the_file_has():
    with pytest.raises(utils.DataError, match=r"no column\(s\) \['age', 'pool'\]"):
        load_housing(features=["lotsize", "age", "pool"])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"features": "lotsize"}, TypeError, "list of column names"),
        ({"features": 3}, TypeError, "list of column names"),
        ({"features": []}, ValueError, "one or more column names"),
        ({"features": ["lotsize", 2]}, ValueError, "one or more column names"),
        ({"features": ["lotsize", "lotsize"]}, ValueError, "distinct"),
        ({"features": ["price", "lotsize"]}, ValueError, "exclude the target"),
        ({"target": 0}, TypeError, "target must be a column name"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_housing(**kwargs)


# --------------------------------------------------------------------------
# check_threshold_gate
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gate", "weights", "threshold"),
    [
        ("nand", [-1, -1], -1.5),
        ("and", [1, 1], 2),
        ("or", [1, 1], 1),
        ("nor", [-1, -1], 0),
        ("not", [-1], 0),
        ("not", -1, [0]),  # a bare number and a one-element list are fine
    ],
)
def test_threshold_gate_accepts_right_neurons(capsys, gate, weights, threshold):
    assert check_threshold_gate(weights, threshold, gate)
    assert capsys.readouterr().out.startswith(f"✅ {gate.upper()} neuron")


def test_threshold_gate_lists_wrong_rows_with_a_hint(capsys):
    assert not check_threshold_gate([1, 1], 2, "nand")  # that is AND
    out = capsys.readouterr().out
    assert out.startswith("❌ NAND neuron")
    assert "for inputs (0, 0) your neuron outputs 0, but NAND gives 1" in out
    assert "for inputs (1, 1) your neuron outputs 1, but NAND gives 0" in out
    assert "Hint: NAND is 0 only when both inputs are 1" in out


@pytest.mark.parametrize(
    ("weights", "threshold", "message"),
    [
        (None, None, "`weights` is still None"),
        ([1, 2, 3], 1, r"`weights` should have shape \(2,\), got \(3,\)"),
        ([1, 1], [1, 2], r"`threshold` should have shape \(\), got \(2,\)"),
        ("ab", 1, "`weights` should hold numbers"),
        ([1, np.inf], 1, "NaN or infinity"),
    ],
)
def test_threshold_gate_wrong_types_and_shapes(capsys, weights, threshold, message):
    assert not check_threshold_gate(weights, threshold, "nand")
    out = capsys.readouterr().out
    assert out.startswith("❌") and re.search(message, out)


def test_threshold_gate_rejects_an_unknown_gate():
    with pytest.raises(ValueError, match="gate must be one of"):
        check_threshold_gate([1, 1], 1, "xor")


# --------------------------------------------------------------------------
# check_linear_neuron
# --------------------------------------------------------------------------


def keras_linear_neuron(x, w, b):
    """The same neuron as a Keras Dense(1) layer: a reference nobody here wrote."""
    layer = keras.layers.Dense(1, dtype="float64")
    layer.build((None, len(w)))
    layer.set_weights([np.reshape(w, (-1, 1)), np.array([b])])
    return keras.ops.convert_to_numpy(layer(x))[:, 0]


def test_linear_neuron_accepts_numpy_and_keras_answers(capsys):
    assert check_linear_neuron(lambda x, w, b: x @ w + b)
    assert check_linear_neuron(keras_linear_neuron)
    assert check_linear_neuron(lambda x, w, b: (x @ w + b)[:, None])
    assert capsys.readouterr().out.count("✅ linear_neuron") == 3


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda x, w, b: x @ w, "Add the bias b"),
        (lambda x, w, b: x @ w - b, "Multiply each row of x by w"),
        (lambda x, w, b: x * w + b, r"should have shape \(1,\), got \(1, 3\)"),
        (lambda x, w, b: None, "returned None: fill in its body and `return`"),
        (lambda x, w, b: w @ x, "raised ValueError"),
        (lambda x, w, b: "12", None),
        (None, "expected a function, got NoneType"),
        (42, "expected a function, got int"),
    ],
)
def test_linear_neuron_wrong_answers_fail_with_a_hint(capsys, answer, message):
    assert not check_linear_neuron(answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ linear_neuron")
    assert message is None or re.search(message, out)


def test_linear_neuron_is_checked_on_more_than_the_lecture_example(capsys):
    lecture_only = lambda x, w, b: np.ones(len(x))  # noqa: E731 (right for ŷ = 1)
    assert not check_linear_neuron(lecture_only)
    assert "for x of shape (6, 4)" in capsys.readouterr().out


# --------------------------------------------------------------------------
# check_mae_gradient
# --------------------------------------------------------------------------


def numeric_mae_gradient(x, y, w, b, h=1e-6):
    """Central differences of the MAE: an independent reference for the gradient."""
    loss = lambda w, b: np.mean(np.abs(x @ w + b - y))  # noqa: E731
    eye = np.eye(len(w))
    dw = [(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in eye]
    return np.array(dw), (loss(w, b + h) - loss(w, b - h)) / (2 * h)


def test_mae_gradient_accepts_the_finite_difference_gradient(capsys):
    assert check_mae_gradient(numeric_mae_gradient)
    signs = lambda x, y, w, b: np.sign(x @ w + b - y)  # noqa: E731
    assert check_mae_gradient(
        lambda x, y, w, b: [x.T @ signs(x, y, w, b) / len(y), signs(x, y, w, b).mean()]
    )
    assert capsys.readouterr().out.count("✅ mae_gradient") == 2


def mse_gradient(x, y, w, b):
    r = x @ w + b - y
    return 2 * x.T @ r / len(y), 2 * r.mean()


def flipped(x, y, w, b):
    dw, db = numeric_mae_gradient(x, y, w, b)
    return -dw, -db


def summed(x, y, w, b):
    dw, db = numeric_mae_gradient(x, y, w, b)
    return len(y) * dw, len(y) * db


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (mse_gradient, "That is the gradient of the MSE"),
        (flipped, "Check the sign"),
        (summed, "Divide by the number of examples n"),
        (lambda x, y, w, b: (np.zeros(3), 0.0), r"sign\(prediction - y\) times"),
        (lambda x, y, w, b: np.zeros(3), "return a pair"),
        (lambda x, y, w, b: (np.zeros(2), 0.0), r"should have shape \(3,\)"),
        (lambda x, y, w, b: (None, None), "`the gradient for w` is still None"),
        (lambda x, y, w, b: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_mae_gradient_wrong_answers_fail_with_a_hint(capsys, answer, message):
    assert not check_mae_gradient(answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ mae_gradient") and re.search(message, out)


def test_mae_gradient_reports_a_wrong_bias_gradient_alone(capsys):
    def wrong_bias(x, y, w, b):
        return numeric_mae_gradient(x, y, w, b)[0], 0.0

    assert not check_mae_gradient(wrong_bias)
    out = capsys.readouterr().out
    assert "gradient for b" in out and "gradient for w" not in out


# --------------------------------------------------------------------------
# check_housing_test_mae
# --------------------------------------------------------------------------


@pytest.fixture
def housing_like():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 11))
    y = x @ rng.normal(size=11) * 1000 + 50_000 + rng.normal(0, 500, 60)
    return x[:45], y[:45], x[45:], y[45:]


def test_housing_test_mae_accepts_scikit_learns_answer(capsys, housing_like):
    x_train, y_train, x_test, y_test = housing_like
    model = LinearRegression().fit(x_train, y_train)
    mae = mean_absolute_error(y_test, model.predict(x_test))
    assert check_housing_test_mae(mae, *housing_like)
    assert check_housing_test_mae(np.array([mae]), *housing_like)
    assert capsys.readouterr().out.startswith("✅ test MAE, all features")


def test_housing_test_mae_hints_at_the_usual_mistakes(capsys, housing_like):
    x_train, y_train, x_test, y_test = housing_like
    no_bias = LinearRegression(fit_intercept=False).fit(x_train, y_train)
    with_bias = LinearRegression().fit(x_train, y_train)
    answers = {
        "column of ones": mean_absolute_error(y_test, no_bias.predict(x_test)),
        "not the training split": mean_absolute_error(
            y_train, with_bias.predict(x_train)
        ),
        "mean of |prediction - price|": np.sqrt(
            np.mean((with_bias.predict(x_test) - y_test) ** 2)
        ),
    }
    for hint, answer in answers.items():
        assert not check_housing_test_mae(answer, *housing_like)
        out = capsys.readouterr().out
        assert out.startswith("❌") and hint in out and "expected $" in out


@pytest.mark.parametrize("answer", GARBAGE)
def test_housing_test_mae_survives_garbage(capsys, housing_like, answer):
    assert not check_housing_test_mae(answer, *housing_like)
    assert capsys.readouterr().out.startswith("❌")


def test_housing_test_mae_wants_all_eleven_columns(capsys, housing_like):
    x_train, y_train, x_test, y_test = housing_like
    assert not check_housing_test_mae(1.0, x_train[:, :5], y_train, x_test, y_test)
    assert "all 11 feature columns" in capsys.readouterr().out


# --------------------------------------------------------------------------
# check_sigmoid_derivative
# --------------------------------------------------------------------------


def test_sigmoid_derivative_accepts_keras_based_and_numeric_answers(capsys):
    def with_keras(z):
        s = keras.ops.convert_to_numpy(keras.activations.sigmoid(z))
        return s * (1 - s)

    def numeric(z, h=1e-5):
        sigma = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
        return (sigma(z + h) - sigma(z - h)) / (2 * h)

    assert check_sigmoid_derivative(with_keras)
    assert check_sigmoid_derivative(numeric)
    assert capsys.readouterr().out.count("✅ sigmoid_derivative") == 2


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda z: 1 / (1 + np.exp(-z)), "That is σ itself"),
        (lambda z: np.exp(-z) / (1 + np.exp(-z)), "largest at z = 0"),
        (lambda z: 0.25, r"should have shape \(25,\), got \(\)"),
        (lambda z: None, "returned None"),
        (lambda z: z.undefined, "raised AttributeError"),
        (lambda z: "sigma", "should hold numbers"),
    ],
)
def test_sigmoid_derivative_wrong_answers_fail_with_a_hint(capsys, answer, message):
    assert not check_sigmoid_derivative(answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ sigmoid_derivative") and re.search(message, out)


# --------------------------------------------------------------------------
# check_sigmoid_boundary_line
# --------------------------------------------------------------------------


def test_boundary_line_accepts_the_solved_equation(capsys):
    assert check_sigmoid_boundary_line(lambda x1, w, b: -(w[0] * x1 + b) / w[1])
    assert capsys.readouterr().out.startswith("✅ boundary_x2")


def test_boundary_line_agrees_with_a_keras_neuron():
    """Points the check accepts are where a Keras sigmoid neuron outputs 0.5."""
    w, b = np.array([0.8, -1.7]), 0.3
    x1 = np.linspace(-2, 2, 5)
    x2 = -(w[0] * x1 + b) / w[1]
    layer = keras.layers.Dense(1, activation="sigmoid", dtype="float64")
    layer.build((None, 2))
    layer.set_weights([w[:, None], np.array([b])])
    p = keras.ops.convert_to_numpy(layer(np.c_[x1, x2]))
    np.testing.assert_allclose(p, 0.5, atol=1e-6)  # float32 on JAX


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda x1, w, b: (w[0] * x1 + b) / w[1], r"σ\(z\) = 0.5 exactly when z = 0"),
        (lambda x1, w, b: -(w[0] * x1) / w[1], "not 0.5"),
        (lambda x1, w, b: 0.0, r"should have shape \(7,\)"),
        (lambda x1, w, b: None, "returned None"),
        (lambda x1: x1, "raised TypeError"),
    ],
)
def test_boundary_line_wrong_answers_fail_with_a_hint(capsys, answer, message):
    assert not check_sigmoid_boundary_line(answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ boundary_x2") and re.search(message, out)


# --------------------------------------------------------------------------
# check_xor_network
# --------------------------------------------------------------------------

XOR_WEIGHTS = ([[20, 20], [20, 20]], [-10, -30], [20, -20], -10)  # OR, AND → XOR


def test_xor_network_accepts_or_and_weights_and_keras_agrees(capsys):
    assert check_xor_network(*XOR_WEIGHTS)
    assert capsys.readouterr().out.startswith("✅ XOR network")
    w_h, b_h, w_o, b_o = (np.asarray(a, float) for a in XOR_WEIGHTS)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(2, activation="sigmoid"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.set_weights([w_h, b_h, w_o[:, None], np.array([b_o])])
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    predicted = model.predict(x, verbose=0)[:, 0] > 0.5
    np.testing.assert_array_equal(predicted, [False, True, True, False])


def test_xor_network_accepts_a_keras_shaped_output_kernel(capsys):
    w_h, b_h, w_o, b_o = XOR_WEIGHTS
    assert check_xor_network(w_h, b_h, np.array(w_o)[:, None], [b_o])


def test_xor_network_wrong_weights_list_the_wrong_outputs(capsys):
    assert not check_xor_network(np.zeros((2, 2)), np.zeros(2), [1.0, 1.0], -2.0)
    out = capsys.readouterr().out
    assert out.startswith("❌ XOR network")
    assert "(0, 1) → 0.27 (want 1)" in out and "Hint" in out


@pytest.mark.parametrize("answer", GARBAGE)
def test_xor_network_survives_garbage(capsys, answer):
    assert not check_xor_network(answer, [0, 0], [1, 1], 0)
    assert capsys.readouterr().out.startswith("❌ XOR network")


def test_xor_network_reports_every_missing_answer(capsys):
    assert not check_xor_network(None, None, None, None)
    out = capsys.readouterr().out
    for name in ("hidden_weights", "hidden_bias", "output_weights", "output_bias"):
        assert f"`{name}` is still None" in out
