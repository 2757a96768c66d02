"""Checks of notebook 02 (course.checks.logistic): right answers pass, slips get hints.

Garbage, None, exceptions and overflow are tested once, in test_core.py.
"""

import re

import keras
import numpy as np
import pytest

from course.checks.logistic import (
    check_sigmoid_boundary_line,
    check_sigmoid_derivative,
    check_xor_network,
)

# --------------------------------------------------------------------------
# check_sigmoid_derivative
# --------------------------------------------------------------------------


def test_sigmoid_derivative_accepts_keras_based_and_numeric_answers(capsys):
    def with_keras(z):
        s = keras.ops.convert_to_numpy(keras.activations.sigmoid(z))
        return s * (1 - s)

    def numeric(z, h=1e-5):
        def sigma(t):
            return 1 / (1 + np.exp(-t))

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
    ],
)
def test_sigmoid_derivative_wrong_answers_fail_with_a_hint(capsys, answer, message):
    assert not check_sigmoid_derivative(answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ sigmoid_derivative") and re.search(message, out)


# --------------------------------------------------------------------------
# check_sigmoid_boundary_line
# --------------------------------------------------------------------------


def solved_boundary(x1, w, b):
    """The right answer: solve w1·x1 + w2·x2 + b = 0 for x2."""
    return -(w[0] * x1 + b) / w[1]


def test_reference_answer_is_right_a_keras_neuron_gives_one_half_on_it():
    """The test's own right answer, against a Keras neuron (no project code)."""
    w, b = np.array([0.8, -1.7]), 0.3
    x1 = np.linspace(-2, 2, 5)
    layer = keras.layers.Dense(1, activation="sigmoid", dtype="float64")
    layer.build((None, 2))
    layer.set_weights([w[:, None], np.array([b])])
    p = keras.ops.convert_to_numpy(layer(np.c_[x1, solved_boundary(x1, w, b)]))
    np.testing.assert_allclose(p, 0.5, atol=1e-6)  # float32 on JAX


def test_boundary_line_accepts_the_solved_equation(capsys):
    assert check_sigmoid_boundary_line(solved_boundary)
    assert capsys.readouterr().out.startswith("✅ boundary_x2")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda x1, w, b: (w[0] * x1 + b) / w[1], r"σ\(z\) = 0.5 exactly when z = 0"),
        (lambda x1, w, b: -(w[0] * x1) / w[1], "not 0.5"),
        (lambda x1, w, b: 0.0, r"should have shape \(7,\)"),
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


def test_xor_network_accepts_or_and_weights(capsys):
    assert check_xor_network(*XOR_WEIGHTS)
    assert capsys.readouterr().out.startswith("✅ XOR network")


def test_reference_answer_is_right_keras_computes_xor_with_the_weights():
    """The test's own right answer, against a Keras network (no project code)."""
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
    output = 1 / (1 + np.e)  # σ(σ(0) + σ(0) - 2) = σ(-1)
    assert f"(0, 1) → {output:.2f} (want 1)" in out and "Hint" in out


def test_xor_network_reports_every_missing_answer(capsys):
    assert not check_xor_network(None, None, None, None)
    out = capsys.readouterr().out
    for name in ("hidden_weights", "hidden_bias", "output_weights", "output_bias"):
        assert f"`{name}` is still None" in out


def test_quiz_of_notebook_02(capsys):
    from course.checks.logistic import check_quiz

    assert check_quiz({1: "a", 2: "b", 3: float(np.exp(0.7)), 4: "a"})
    assert not check_quiz({1: "a", 2: "b", 3: 0.7, 4: "a"})  # w itself, not the odds
    assert "question 3: not quite" in capsys.readouterr().out
