"""Checks of notebook 01 (course.checks.neuron): right answers pass, slips get hints.

Garbage, None, exceptions and overflow are tested once, in test_core.py.
"""

import re

import keras
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error

from course.checks.neuron import (
    check_housing_test_mae,
    check_linear_neuron,
    check_mae_gradient,
    check_threshold_gate,
)

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
        ([1, 2, 3], 1, r"`weights` should have shape \(2,\), got \(3,\)"),
        ([1, 1], [1, 2], r"`threshold` should have shape \(\), got \(2,\)"),
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
    ],
)
def test_linear_neuron_wrong_answers_fail_with_a_hint(capsys, answer, message):
    assert not check_linear_neuron(answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ linear_neuron")
    assert message is None or re.search(message, out)


def test_linear_neuron_is_checked_on_more_than_the_lecture_example(capsys):
    def lecture_only(x, w, b):
        return np.ones(len(x))  # right for ŷ = 1

    assert not check_linear_neuron(lecture_only)
    assert "for x of shape (6, 4)" in capsys.readouterr().out


# --------------------------------------------------------------------------
# check_mae_gradient
# --------------------------------------------------------------------------


def numeric_mae_gradient(x, y, w, b, h=1e-6):
    """Central differences of the MAE: an independent reference for the gradient."""

    def loss(w, b):
        return np.mean(np.abs(x @ w + b - y))

    eye = np.eye(len(w))
    dw = [(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in eye]
    return np.array(dw), (loss(w, b + h) - loss(w, b - h)) / (2 * h)


def test_mae_gradient_accepts_the_finite_difference_gradient(capsys):
    assert check_mae_gradient(numeric_mae_gradient)

    def signs(x, y, w, b):
        return np.sign(x @ w + b - y)

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


def test_housing_test_mae_wants_all_eleven_columns(capsys, housing_like):
    x_train, y_train, x_test, y_test = housing_like
    assert not check_housing_test_mae(1.0, x_train[:, :5], y_train, x_test, y_test)
    assert "all 11 feature columns" in capsys.readouterr().out


# --------------------------------------------------------------------------
# check_quiz and grade_quiz
# --------------------------------------------------------------------------


def test_quiz_right_answers_pass_in_any_spelling(capsys):
    from course.checks.neuron import check_quiz

    assert check_quiz({1: "b", 2: "C", 3: "(b)", 4: " a "})
    assert "✅" in capsys.readouterr().out


def test_quiz_wrong_answer_gets_its_hint_not_the_answer(capsys):
    from course.checks.neuron import check_quiz

    assert not check_quiz({1: "a", 2: "c", 3: "b", 4: "a"})
    out = capsys.readouterr().out
    assert "question 1: not quite" in out and "question 2" not in out
    assert '"b"' not in out


@pytest.mark.parametrize("answers", [None, [1, 2], {1: None}, {1: 3, 2: "c"}])
def test_quiz_unfinished_or_garbage_answers_get_a_hint(answers, capsys):
    from course.checks.neuron import check_quiz

    assert not check_quiz(answers)
    assert "❌" in capsys.readouterr().out


def test_grade_quiz_numbers_within_one_percent():
    from course.checks.core import ExerciseCheck
    from course.checks.neuron import grade_quiz

    questions = {1: (2.0, "think")}
    check = ExerciseCheck("quiz")
    grade_quiz(check, {1: 2.01}, questions)
    assert check.problems == []
    grade_quiz(check, {1: 2.1}, questions)
    assert check.problems == ["question 1: not quite. think"]
