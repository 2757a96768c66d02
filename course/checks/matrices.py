"""Exercise checks of notebook 06 (matrices and gradient descent)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from course import matrices

from .core import CheckResult, ExerciseCheck

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
        layers.append(keras.layers.Dense(n, activation=activation,
                                         kernel_initializer="zeros"))  # fmt: skip
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


def _forward_problem(forward: Callable, sizes: list[int], rng) -> str | None:
    """What is wrong with ``forward`` on one random network, or None if nothing."""
    model = _random_dense_model(sizes, rng)
    x = rng.normal(size=(8, sizes[0])).astype("float32")
    expected, weights = model.predict(x, verbose=0), model.get_weights()
    network = "-".join(map(str, sizes))
    try:
        got = forward(x, [w.copy() for w in weights])
    except Exception as exc:  # noqa: BLE001 - any error becomes a hint
        return f"forward raised {type(exc).__name__}: {exc}"
    if got is None:
        return "forward returned None: did you write the loop and `return h`?"
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"forward returned a {type(got).__name__}, not an array of numbers"
    if got.shape != expected.shape:
        return (
            f"for a {network} network and x of shape {x.shape} the output has "
            f"shape {expected.shape}, yours has {got.shape}: multiply h @ W "
            "(rows are samples)"
        )
    if not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        return (
            f"the values differ from model.predict for a {network} network: "
            + _forward_hint(got, x, weights)
        )
    return None


def check_dense_forward(forward: Callable) -> CheckResult:
    """Check ``forward(x, weights)`` against ``model.predict`` of two ReLU Dense stacks.

    ``weights`` is ``model.get_weights()``: [W1, b1, W2, b2, ...]; hidden layers
    use ReLU, the output layer is linear.
    """
    check = ExerciseCheck("forward pass")
    rng = np.random.default_rng(6)
    for sizes in ([4, 6, 6, 1], [5, 7, 3, 2]):
        problem = _forward_problem(forward, sizes, rng)
        if problem:
            check.fail(problem)
            break
    return check.verdict("your forward pass equals model.predict")


def _as_count(answer, check: ExerciseCheck, what: str) -> int | None:
    if answer is None:
        check.fail(f"{what} is still None: replace None with your answer")
        return None
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer | float):
        check.fail(f"{what} should be a whole number, got {type(answer).__name__}")
        return None
    if float(answer) != int(answer):
        check.fail(f"{what} should be a whole number of neurons, got {answer}")
        return None
    return int(answer)


def check_max_hidden_units(
    answer, n_inputs: int = 784, n_outputs: int = 10, budget: int = 50_000
) -> CheckResult:
    """Check the widest single hidden layer whose network fits in ``budget`` params.

    The reference is found with the formula and confirmed with Keras'
    ``count_params()`` for that width and the next.
    """
    check = ExerciseCheck("parameter budget")
    per_unit = n_inputs + 1 + n_outputs
    best = (budget - n_outputs) // per_unit
    fits = matrices.dense_stack_param_count([n_inputs, best, n_outputs]) <= budget
    if (
        not fits
        or matrices.dense_stack_param_count([n_inputs, best + 1, n_outputs]) <= budget
    ):
        raise RuntimeError(f"the reference width {best} disagrees with Keras")
    units = _as_count(answer, check, "n_hidden")
    if units is None:
        return check.verdict()
    if units < 1:
        check.fail(f"n_hidden must be at least 1, got {units}")
        return check.verdict()
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
    return check.verdict(f"{best} neurons, {total:,} parameters")


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


def _student_momentum_path(step, a, start, lr, beta, n):
    theta, velocity = start.copy(), np.zeros_like(start)
    path = []
    for _ in range(n):
        result = step(theta.copy(), velocity, a @ theta, lr, beta)
        if not isinstance(result, tuple | list) or len(result) != 2:
            raise TypeError(
                f"momentum_step returned {type(result).__name__}, "
                "expected a pair (theta, velocity)"
            )
        theta = np.asarray(result[0], dtype=float).reshape(start.shape)
        velocity = np.asarray(result[1], dtype=float).reshape(start.shape)
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


def check_momentum_step(momentum_step: Callable) -> CheckResult:
    """Check ``momentum_step(theta, velocity, grad, lr, momentum)`` against Keras' SGD.

    Five steps on a quadratic loss must give the same parameters as
    ``keras.optimizers.SGD(learning_rate, momentum)``.
    """
    check = ExerciseCheck("momentum step")
    a = np.array([[3.0, 0.5], [0.5, 1.0]])
    start, lr, beta, n = np.array([1.5, -2.0]), 0.1, 0.9, 5
    expected = _keras_momentum_path(a, start, lr, beta, n)
    try:
        got = _student_momentum_path(momentum_step, a, start, lr, beta, n)
    except Exception as exc:  # noqa: BLE001 - any error becomes a hint
        check.fail(
            f"momentum_step failed: {type(exc).__name__}: {exc} "
            "(it should `return theta, velocity`, two arrays like theta)"
        )
        return check.verdict()
    if not np.allclose(got, expected, rtol=1e-4, atol=1e-5):
        check.fail(
            f"after {n} steps Keras' SGD(momentum={beta}) is at "
            f"{np.round(expected[-1], 4).tolist()}, yours at "
            f"{np.round(got[-1], 4).tolist()}: {_momentum_hint(got, a, start, lr)}"
        )
    return check.verdict("your steps match keras.optimizers.SGD with momentum")


def check_divergence_learning_rate(answer, x) -> CheckResult:
    """Check the learning rate above which gradient descent diverges on MSE(w·x + b).

    The reference is 2 / λ_max, λ_max the largest eigenvalue of the loss's
    Hessian (2/m)·AᵀA with A = [x, 1], computed here with NumPy.
    """
    check = ExerciseCheck("largest learning rate")
    x = np.asarray(x, dtype=float).ravel()
    design = np.c_[x, np.ones_like(x)]
    eigenvalues = np.linalg.eigvalsh(2 / len(x) * design.T @ design)
    expected = 2 / eigenvalues.max()
    if answer is None:
        check.fail("lr_max is still None: replace None with your answer")
        return check.verdict()
    try:
        if isinstance(answer, str | bytes | bool):
            raise TypeError
        value = float(np.asarray(answer).item())
    except (TypeError, ValueError):
        check.fail(f"lr_max should be one number, got {type(answer).__name__}")
        return check.verdict()
    if not np.isclose(value, expected, rtol=1e-3):
        slips = [
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
        hint = next(
            (h for v, h in slips if np.isclose(value, v, rtol=1e-3)),
            "find λ_max = the largest eigenvalue of H = (2/m)·AᵀA (np.linalg.eigvalsh)",
        )
        check.fail(f"lr_max = {value:.4g} is not it: {hint}")
    return check.verdict(f"lr_max = 2 / λ_max = {expected:.4f}")
