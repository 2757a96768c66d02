"""Checks of notebook 06 (course.checks.matrices): right answers pass, slips get hints.

Garbage, None, exceptions and overflow are tested once, in test_core.py.
"""

import keras
import numpy as np
import pytest

from course.checks.matrices import (
    check_dense_forward,
    check_divergence_learning_rate,
    check_max_hidden_units,
    check_momentum_step,
)


def verdict(capsys) -> str:
    return capsys.readouterr().out


def forward_solution(x, weights, relu_output=False, with_bias=True):
    h = x
    for i in range(0, len(weights), 2):
        h = h @ weights[i] + (weights[i + 1] if with_bias else 0)
        if i < len(weights) - 2 or relu_output:
            h = np.maximum(h, 0)
    return h


def test_forward_check_passes_a_correct_forward_pass(capsys):
    assert check_dense_forward(forward_solution)
    assert verdict(capsys).startswith("✅")


@pytest.mark.parametrize(
    ("forward", "hint"),
    [
        (lambda x, w: forward_solution(x, w, with_bias=False), "left out the biases"),
        (
            lambda x, w: forward_solution(x, w, relu_output=True),
            "output layer is linear",
        ),
        (lambda x, w: x, "got (8, 4). For a 4-6-6-1 network"),
        (lambda x, w: np.zeros((8, 1)), "differ from model.predict"),
    ],
)
def test_forward_check_names_the_mistake(forward, hint, capsys):
    assert not check_dense_forward(forward)
    out = verdict(capsys)
    assert out.startswith("❌") and hint in out


def test_forward_check_leaves_the_notebook_seed_alone():
    keras.utils.set_random_seed(3)
    expected = keras.ops.convert_to_numpy(keras.random.uniform((3,)))
    keras.utils.set_random_seed(3)
    check_dense_forward(forward_solution)
    got = keras.ops.convert_to_numpy(keras.random.uniform((3,)))
    np.testing.assert_array_equal(got, expected)


def keras_param_count(sizes) -> int:
    """A Dense stack's parameters as Keras counts them (a reference not ours)."""
    layers = [keras.Input(shape=(sizes[0],))]
    layers += [keras.layers.Dense(n) for n in sizes[1:]]
    return keras.Sequential(layers).count_params()


def widest_within(budget, n_in, n_out):
    """Solve (n_in + 1)·n + (n + 1)·n_out <= budget for the largest n."""
    return (budget - n_out) // (n_in + 1 + n_out)


@pytest.mark.parametrize(("n_in", "n_out", "budget"), [(784, 10, 50_000), (3, 2, 40)])
def test_budget_check_passes_the_widest_layer_only(n_in, n_out, budget, capsys):
    best = widest_within(budget, n_in, n_out)
    assert keras_param_count([n_in, best, n_out]) <= budget
    assert keras_param_count([n_in, best + 1, n_out]) > budget
    assert check_max_hidden_units(best, n_in, n_out, budget)
    assert verdict(capsys).startswith("✅")
    assert not check_max_hidden_units(best + 1, n_in, n_out, budget)
    assert "more than" in verdict(capsys)
    assert not check_max_hidden_units(best - 1, n_in, n_out, budget)
    assert "afford more" in verdict(capsys)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (62.5, "whole number"),
        (0, "at least 1"),
    ],
)
def test_budget_check_wants_a_whole_positive_width(answer, hint, capsys):
    assert not check_max_hidden_units(answer)
    out = verdict(capsys)
    assert out.startswith("❌") and hint in out


def momentum_keras_style(theta, velocity, grad, lr, momentum):
    velocity = momentum * velocity - lr * grad
    return theta + velocity, velocity


def momentum_torch_style(theta, velocity, grad, lr, momentum):
    velocity = momentum * velocity + grad
    return theta - lr * velocity, velocity


def test_momentum_check_matches_keras_and_accepts_both_conventions(capsys):
    assert check_momentum_step(momentum_keras_style)
    assert check_momentum_step(momentum_torch_style)
    assert verdict(capsys).count("✅") == 2


def test_reference_answer_is_right_keras_sgd_takes_the_keras_style_steps():
    """The test's own right answer, against keras.optimizers.SGD (no project code)."""
    theta = keras.Variable(np.array([1.0, -1.0], dtype="float32"))
    optimizer = keras.optimizers.SGD(learning_rate=0.05, momentum=0.8)
    mine, velocity = np.array([1.0, -1.0]), np.zeros(2)
    for _ in range(4):
        grad = np.array([2.0, 6.0]) * mine
        optimizer.apply_gradients([(grad.astype("float32"), theta)])
        mine, velocity = momentum_keras_style(mine, velocity, grad, 0.05, 0.8)
    np.testing.assert_allclose(theta.numpy(), mine, rtol=1e-5)


@pytest.mark.parametrize(
    ("step", "hint"),
    [
        (lambda t, v, g, lr, m: (t - lr * g, v), "plain gradient descent"),
        (lambda t, v, g, lr, m: (t + lr * g, v), "went uphill"),
        (lambda t, v, g, lr, m: (t, v), "velocity = momentum"),
        (lambda t, v, g, lr, m: t, "`return theta, velocity`"),
        (lambda t, v, g, lr, m: (np.zeros(3), v), "should have shape (2,)"),
    ],
)
def test_momentum_check_names_the_mistake(step, hint, capsys):
    assert not check_momentum_step(step)
    out = verdict(capsys)
    assert out.startswith("❌") and hint in out


def gradient_descent_final_loss(x, y, lr, n_steps=300):
    theta = np.zeros(2)
    for _ in range(n_steps):
        residual = theta[0] * x + theta[1] - y
        theta = theta - lr * np.array(
            [2 * np.mean(residual * x), 2 * np.mean(residual)]
        )
    return np.mean((theta[0] * x + theta[1] - y) ** 2)


def test_divergence_check_accepts_the_rate_where_descent_starts_to_diverge(capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 1.0, 50)
    y = 2 * x + 1 + rng.normal(0, 0.1, 50)
    design = np.c_[x, np.ones_like(x)]
    lr_max = 2 / np.linalg.eigvalsh(2 / len(x) * design.T @ design).max()
    # The reference nobody here wrote: descent itself converges just below
    # lr_max and blows up just above it.
    assert gradient_descent_final_loss(x, y, 0.97 * lr_max) < 1.0
    assert gradient_descent_final_loss(x, y, 1.03 * lr_max) > 1e3
    assert check_divergence_learning_rate(lr_max, x)
    assert check_divergence_learning_rate(np.float32(lr_max), x)
    assert verdict(capsys).count("✅") == 2
    slips = {lr_max / 2: "not 1 / λ_max", 2 * lr_max: "factor 2", 0.1: "eigvalsh"}
    for answer, hint in slips.items():
        assert not check_divergence_learning_rate(answer, x)
        assert hint in verdict(capsys)
