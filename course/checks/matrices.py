"""Exercise checks of notebook 06 (matrices and gradient descent)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from course import matrices

from .core import (
    ExerciseCheck,
    as_array,
    as_number,
    as_whole_number,
    call_student,
    exercise_check,
)

__all__ = [
    "check_dense_forward",
    "check_divergence_learning_rate",
    "check_max_hidden_units",
    "check_momentum_step",
]


def _random_dense_model(sizes: Sequence[int], rng: np.random.Generator):
    """A ReLU Dense stack (linear output) with random weights and biases."""
    import keras

    layers = [keras.Input(shape=(sizes[0],))]
    for i, n in enumerate(sizes[1:], start=1):
        activation = "relu" if i < len(sizes) - 1 else "linear"
        dense = keras.layers.Dense(n, activation, kernel_initializer="zeros")
        layers.append(dense)
    model = keras.Sequential(layers)
    model.set_weights(
        [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    )
    return model


def _forward_variant(x, weights, *, relu_hidden=True, relu_out=False, bias=True):
    """A forward pass with or without the usual parts, to name a student's slip."""
    h = x
    n_layers = len(weights) // 2
    for i in range(n_layers):
        kernel, b = weights[2 * i], weights[2 * i + 1]
        h = h @ kernel + (b if bias else 0)
        last = i == n_layers - 1
        if relu_out if last else relu_hidden:
            h = np.maximum(h, 0)
    return h


def _forward_hint(got, x, weights) -> str:
    slips = [
        (dict(bias=False), "you left out the biases: add b after each h · W"),
        (
            dict(relu_out=True),
            "the output layer is linear: no ReLU after the last layer",
        ),
        (dict(relu_hidden=False), "apply ReLU after every hidden layer"),
    ]
    for kwargs, hint in slips:
        if np.allclose(got, _forward_variant(x, weights, **kwargs), atol=1e-4):
            return hint
    return "compute h = relu(h @ W + b) layer by layer, with no ReLU on the output"


def _require_forward_matches(
    check: ExerciseCheck, forward: Callable, sizes: list[int], rng
):
    """Record what is wrong with ``forward`` on one random network; end if so."""
    model = _random_dense_model(sizes, rng)
    x = rng.normal(size=(8, sizes[0])).astype("float32")
    expected, weights = model.predict(x, verbose=0), model.get_weights()
    network = "-".join(map(str, sizes))
    got = call_student(check, forward, x, [w.copy() for w in weights])
    check.stop_if_failed()
    got = as_array(
        check,
        got,
        "the output of forward",
        expected.shape,
        shape_hint=f"For a {network} network and x of shape {x.shape}: "
        "multiply h @ W (rows are samples).",
    )
    check.stop_if_failed()
    check.require(
        np.allclose(got, expected, rtol=1e-4, atol=1e-4),
        f"the values differ from model.predict for a {network} network: "
        + _forward_hint(got, x, weights),
    )


@exercise_check("forward pass", success="your forward pass equals model.predict")
def check_dense_forward(check: ExerciseCheck, forward: Callable) -> None:
    """Check ``forward(x, weights)`` against ``model.predict`` of two ReLU Dense stacks.

    ``weights`` is ``model.get_weights()``: [W1, b1, W2, b2, ...]; hidden layers
    use ReLU, the output layer is linear.
    """
    rng = np.random.default_rng(6)
    for sizes in ([4, 6, 6, 1], [5, 7, 3, 2]):
        _require_forward_matches(check, forward, sizes, rng)


def _require_reference_width(n_inputs: int, n_outputs: int, budget: int) -> int:
    """The widest hidden layer within ``budget``, confirmed by Keras' count."""
    best = (budget - n_outputs) // (n_inputs + 1 + n_outputs)
    count = matrices.dense_stack_param_count
    if not (
        count([n_inputs, best, n_outputs])
        <= budget
        < count([n_inputs, best + 1, n_outputs])
    ):
        raise RuntimeError(f"the reference width {best} disagrees with Keras")
    return best


@exercise_check("parameter budget")
def check_max_hidden_units(
    check: ExerciseCheck,
    answer,
    n_inputs: int = 784,
    n_outputs: int = 10,
    budget: int = 50_000,
) -> str:
    """Check the widest single hidden layer whose network fits in ``budget`` params.

    The reference is found with the formula and confirmed with Keras'
    ``count_params()`` for that width and the next.
    """
    per_unit = n_inputs + 1 + n_outputs
    best = _require_reference_width(n_inputs, n_outputs, budget)
    units = as_whole_number(check, answer, "n_hidden")
    check.stop_if_failed()
    check.require(units >= 1, f"n_hidden must be at least 1, got {units}")
    count = (n_inputs + 1) * units + (units + 1) * n_outputs
    if count > budget:
        check.fail(
            f"a {n_inputs}-{units}-{n_outputs} network has {count:,} parameters, "
            f"more than {budget:,}; each hidden neuron costs {n_inputs} + 1 + "
            f"{n_outputs} = {per_unit} (its weights, its bias, its outgoing weights) "
            f"and the output biases cost {n_outputs}"
        )
    elif units < best:
        check.fail(
            f"{units} neurons use {count:,} parameters: you can afford more; "
            "solve (n_in + 1)·n + (n + 1)·n_out ≤ budget for the largest whole n"
        )
    total = (n_inputs + 1) * best + (best + 1) * n_outputs
    return f"{best} neurons, {total:,} parameters"


def _keras_momentum_path(
    a: np.ndarray, start: np.ndarray, lr: float, beta: float, n: int
):
    """Thetas of Keras' SGD with momentum on the quadratic loss ½ θᵀAθ."""
    import keras

    theta = keras.Variable(start.astype("float32"))
    optimizer = keras.optimizers.SGD(learning_rate=lr, momentum=beta)
    path = []
    for _ in range(n):
        grad = a @ theta.numpy()
        optimizer.apply_gradients([(grad.astype("float32"), theta)])
        path.append(theta.numpy().astype(float))
    return np.array(path)


def _student_momentum_path(check: ExerciseCheck, step, a, start, lr, beta, n):
    """The student's ``n`` steps from ``start``; ends the check on a bad step."""
    theta, velocity = start.copy(), np.zeros_like(start)
    path = []
    for _ in range(n):
        result = call_student(check, step, theta.copy(), velocity, a @ theta, lr, beta)
        check.stop_if_failed()
        check.require(
            isinstance(result, tuple | list) and len(result) == 2,
            f"momentum_step returned {type(result).__name__}: it should "
            "`return theta, velocity`, two arrays like theta",
        )
        theta = as_array(check, result[0], "the new theta", start.shape)
        velocity = as_array(check, result[1], "the new velocity", start.shape)
        check.stop_if_failed()
        path.append(theta)
    return np.array(path)


def _momentum_hint(got, a, start, lr) -> str:
    plain = [start]
    for _ in range(len(got)):
        plain.append(plain[-1] - lr * (a @ plain[-1]))
    if np.allclose(got[0], start + lr * (a @ start)):
        return "the first step went uphill: subtract lr · grad"
    if np.allclose(got, np.array(plain[1:])):
        return "this is plain gradient descent: the velocity must carry past steps"
    return "velocity = momentum · velocity − lr · grad, then theta = theta + velocity"


@exercise_check(
    "momentum step", success="your steps match keras.optimizers.SGD with momentum"
)
def check_momentum_step(check: ExerciseCheck, momentum_step: Callable) -> None:
    """Check ``momentum_step(theta, velocity, grad, lr, momentum)`` against Keras' SGD.

    Five steps on a quadratic loss must give the same parameters as
    ``keras.optimizers.SGD(learning_rate, momentum)``.
    """
    a = np.array([[3.0, 0.5], [0.5, 1.0]])
    start, lr, beta, n = np.array([1.5, -2.0]), 0.1, 0.9, 5
    expected = _keras_momentum_path(a, start, lr, beta, n)
    got = _student_momentum_path(check, momentum_step, a, start, lr, beta, n)
    check.require(
        np.allclose(got, expected, rtol=1e-4, atol=1e-5),
        f"after {n} steps Keras' SGD(momentum={beta}) is at "
        f"{np.round(expected[-1], 4).tolist()}, yours at "
        f"{np.round(got[-1], 4).tolist()}: {_momentum_hint(got, a, start, lr)}",
    )


def _divergence_slips(expected: float, eigenvalues: np.ndarray) -> list:
    return [
        (expected / 2, "gradient descent diverges above 2 / λ_max, not 1 / λ_max"),
        (
            2 / eigenvalues.min(),
            "the largest eigenvalue (steepest direction) sets the limit",
        ),
        (
            2 * expected,
            "the Hessian of a mean of squares carries a factor 2: H = (2/m)·AᵀA",
        ),
    ]


@exercise_check("largest learning rate")
def check_divergence_learning_rate(check: ExerciseCheck, answer, x) -> str:
    """Check the learning rate above which gradient descent diverges on MSE(w·x + b).

    The reference is 2 / λ_max, λ_max the largest eigenvalue of the loss's
    Hessian (2/m)·AᵀA with A = [x, 1], computed here with NumPy.
    """
    x = np.asarray(x, dtype=float).ravel()
    design = np.c_[x, np.ones_like(x)]
    eigenvalues = np.linalg.eigvalsh(2 / len(x) * design.T @ design)
    expected = 2 / eigenvalues.max()
    value = as_number(check, answer, "lr_max")
    check.stop_if_failed()
    if not np.isclose(value, expected, rtol=1e-3):
        hint = next(
            (
                h
                for v, h in _divergence_slips(expected, eigenvalues)
                if np.isclose(value, v, rtol=1e-3)
            ),
            "find λ_max = the largest eigenvalue of H = (2/m)·AᵀA (np.linalg.eigvalsh)",
        )
        check.fail(f"lr_max = {value:.4g} is not it: {hint}")
    return f"lr_max = 2 / λ_max = {expected:.4f}"
