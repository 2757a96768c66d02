"""Checks of notebook 03 (course.checks.activations): right passes, slips get hints.

Garbage, None, exceptions and overflow are tested once, in test_core.py.
"""

import numpy as np
import pytest

from course.activations import (
    np_elu_derivative,
    np_relu,
    np_sigmoid,
    np_swish_derivative,
)
from course.checks.activations import (
    check_activation_derivative,
    check_activation_function,
    check_output_activations,
    check_xor_relu_weights,
)
from course.checks.core import CheckResult


def test_check_activation_function_accepts_a_stable_elu(capsys):
    def elu(z, alpha=1.0):
        return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))

    assert check_activation_function(elu, "elu")
    assert "✅" in capsys.readouterr().out
    assert check_activation_function(lambda z: elu(z, 0.5), "elu", alpha=0.5)


def test_check_activation_function_flags_overflow_with_a_hint(capsys):
    def naive_elu(z):  # right values, but np.exp(1e4) overflows
        return np.where(z > 0, z, np.exp(z) - 1)

    assert not check_activation_function(naive_elu, "elu")
    out = capsys.readouterr().out
    assert "❌" in out and "overflow" in out and "BOTH branches" in out
    assert "np.minimum" not in out and "expm1" not in out  # a hint, not the answer


def test_check_activation_function_reports_a_wrong_value(capsys):
    assert not check_activation_function(np_relu, "elu")
    out = capsys.readouterr().out
    assert "❌ ELU" in out and "values are off" in out and "z = " in out


@pytest.mark.parametrize(
    ("student", "message"),
    [
        (lambda z: z if z > 0 else 0, "raised ValueError"),  # scalar `if` on an array
        (lambda z: np.zeros(3), "Apply the function element-wise"),
    ],
)
def test_check_activation_function_hints_at_scalar_code(capsys, student, message):
    assert not check_activation_function(student, "relu")
    out = capsys.readouterr().out
    assert "❌" in out and message in out


def test_check_activation_function_with_a_bad_name_does_not_raise(capsys):
    assert not check_activation_function(np_relu, "relux")
    assert "unknown activation" in capsys.readouterr().out


def test_check_activation_derivative(capsys):
    assert check_activation_derivative(np_swish_derivative, "swish")
    assert "✅ swish′" in capsys.readouterr().out
    assert not check_activation_derivative(np_sigmoid, "swish")
    assert "❌ swish′" in capsys.readouterr().out
    assert not check_activation_derivative(np_elu_derivative, "elu", alpha=2.0)


XOR_W1, XOR_B1 = [[1.0, 1.0], [1.0, 1.0]], [0.0, -1.0]
XOR_W2, XOR_B2 = [[1.0], [-2.0]], [0.0]


def test_check_xor_relu_weights_accepts_a_solution(capsys):
    assert check_xor_relu_weights(XOR_W1, XOR_B1, XOR_W2, XOR_B2)
    out = capsys.readouterr().out
    assert "✅" in out and "without ReLU do not" in out
    # W2 as a flat vector and b2 as a scalar are accepted too.
    assert check_xor_relu_weights(np.array(XOR_W1), XOR_B1, [1.0, -2.0], 0.0)


def test_check_xor_relu_weights_rejects_a_linear_solution_attempt(capsys):
    # Without a second unit this is one linear unit: it gets [1, 1] wrong.
    assert not check_xor_relu_weights([[1.0], [1.0]], [0.0], [[1.0]], [0.0])
    out = capsys.readouterr().out
    assert "x = [1, 1]" in out and "hint" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((XOR_W1, [0.0], XOR_W2, XOR_B2), "expected b1 (2,)"),
        (([1.0, 1.0], XOR_B1, XOR_W2, XOR_B2), "W1 must have shape (2, n_hidden)"),
    ],
)
def test_check_xor_relu_weights_names_the_shape_that_is_off(capsys, args, message):
    assert not check_xor_relu_weights(*args)
    out = capsys.readouterr().out
    assert "❌" in out and message in out


RIGHT_OUTPUTS = {
    "binary": "sigmoid",
    "multiclass": "softmax",
    "regression": "linear",
    "positive": "softplus",
}


def test_check_output_activations_accepts_every_fitting_choice(capsys):
    assert check_output_activations(RIGHT_OUTPUTS)
    assert "✅" in capsys.readouterr().out
    others = {"regression": None, "positive": "relu"}
    assert check_output_activations({**RIGHT_OUTPUTS, **others})
    assert check_output_activations({**RIGHT_OUTPUTS, "positive": "exponential"})


@pytest.mark.parametrize(
    ("task", "choice", "message"),
    [
        ("binary", "tanh", "probability in [0, 1]"),
        ("binary", "softmax", "softmax of a single unit is always 1"),
        ("multiclass", "sigmoid", "sum to 1"),
        ("regression", "relu", "any real number"),
        ("regression", "tanh", "any real number"),
        ("positive", "linear", "never negative"),
        ("positive", "sigmoid", "unbounded above"),
        ("binary", "sigmoidd", "not a keras.activations function"),
        ("binary", 3, "expected a Keras activation name"),
    ],
)
def test_check_output_activations_rejects_misfits(capsys, task, choice, message):
    assert not check_output_activations({**RIGHT_OUTPUTS, task: choice})
    out = capsys.readouterr().out
    assert "❌" in out and message in out and f"{task}:" in out


def test_check_output_activations_survives_incomplete_answers(capsys):
    assert not check_output_activations({})
    assert "no answer yet for ['binary', 'multiclass'" in capsys.readouterr().out
    assert not check_output_activations(None)
    assert "expected a dict" in capsys.readouterr().out


def test_every_check_returns_a_check_result(capsys):
    right = [
        check_activation_function(np_relu, "relu"),
        check_activation_derivative(np_swish_derivative, "swish"),
        check_xor_relu_weights(XOR_W1, XOR_B1, XOR_W2, XOR_B2),
        check_output_activations(RIGHT_OUTPUTS),
    ]
    wrong = [
        check_activation_function(np_sigmoid, "relu"),
        check_activation_derivative(np_sigmoid, "swish"),
        check_xor_relu_weights(None, None, None, None),
        check_output_activations({}),
    ]
    assert all(isinstance(r, CheckResult) for r in right + wrong)
    assert [bool(r) for r in right] == [True] * 4
    assert [bool(r) for r in wrong] == [False] * 4
    out = capsys.readouterr().out
    assert out.count("✅") == 4 and out.count("❌") == 4


def test_quiz_of_notebook_03(capsys):
    from course.checks.activations import check_quiz

    assert check_quiz({1: 1, 2: "b", 3: "a", 4: "a"})
    assert not check_quiz({1: 10, 2: "b", 3: "a", 4: "c"})
    out = capsys.readouterr().out
    assert "question 1: not quite" in out and "question 4: not quite" in out
