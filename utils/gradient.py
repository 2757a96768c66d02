"""Helpers for notebook 06: Dense stacks as matrices, loss surfaces, checks.

A shape tracer for stacks of Dense layers, two plotting helpers for
gradient-descent paths on a two-parameter loss surface, and the exercise checks.
Keras is imported inside the functions that need it, so importing is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from . import common

__all__ = [
    "trace_dense_shapes",
    "plot_loss_contours",
    "plot_descent_path",
    "check_dense_forward",
    "check_max_hidden_units",
    "check_momentum_step",
    "check_divergence_learning_rate",
]

# --------------------------------------------------------------------------
# The network as matrices: the shapes of a Dense stack's forward pass
# --------------------------------------------------------------------------


def _dense_layers(model) -> list:
    """The Dense layers of a built Keras model, or a clear error."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(
            "expected a keras Sequential model of Dense layers, "
            f"got {type(model).__name__}"
        )
    layers = list(model.layers)
    if not layers:
        raise ValueError("the model has no layers; add keras.layers.Dense layers")
    for i, layer in enumerate(layers, start=1):
        if not isinstance(layer, keras.layers.Dense):
            raise ValueError(
                f"layer {i} is a {type(layer).__name__}; the tracer follows "
                "models made only of keras.layers.Dense"
            )
    if not all(layer.built for layer in layers):
        raise ValueError(
            "the model has no weights yet: start it with keras.Input(shape=(n,)) "
            "or call model.build((None, n)) first"
        )
    return layers


def _activation_name(layer) -> str:
    fn = layer.activation
    return getattr(fn, "__name__", type(fn).__name__)


def _as_2d_float(x, what: str = "x") -> np.ndarray:
    try:
        array = np.asarray(x, dtype="float32")
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what} must be a numeric array, got {type(x).__name__}"
        ) from exc
    if array.ndim != 2:
        raise ValueError(
            f"{what} must be a 2-D array (samples, features), got shape {array.shape}"
        )
    return array


def trace_dense_shapes(model, x) -> np.ndarray:
    """Run a Dense stack's forward pass in NumPy, printing the shape of each step.

    Each layer prints three steps, as the lecture writes them: the matrix
    product ``h · W``, the bias ``+ b`` (broadcast over the rows) and the
    activation. The printout uses the lecture's names (X, W1, b1, h1, ...).

    Args:
        model: a built Keras model made only of ``keras.layers.Dense``.
        x: the inputs, shape (m, n_features).

    Returns:
        The network's output, shape (m, n_outputs), as computed in NumPy.
    """
    import keras

    layers = _dense_layers(model)
    h = _as_2d_float(x)
    n_in = layers[0].kernel.shape[0]
    if h.shape[1] != n_in:
        raise ValueError(
            f"x has {h.shape[1]} features per row but the first layer expects {n_in}"
        )
    rows = [("input", "X", "", h.shape, "")]
    name = "X"
    for i, layer in enumerate(layers, start=1):
        kernel = layer.get_weights()[0]
        z = h @ kernel
        rows.append(
            (f"layer {i}", f"{name} · W{i}", f"{h.shape} · {kernel.shape}", z.shape, "")
        )
        if layer.use_bias:
            bias = layer.get_weights()[1]
            z = z + bias
            rows.append(("", f"+ b{i}", f"{z.shape} + {bias.shape}", z.shape, ""))
        h = keras.ops.convert_to_numpy(layer.activation(z))
        name = f"h{i}" if i < len(layers) else "output"
        rows.append(("", _activation_name(layer), "elementwise", h.shape, name))
    width = max(len(r[2]) for r in rows)
    for where, step, shapes, result, named in rows:
        arrow = "→" if shapes else " "
        label = f" = {named}" if named else ""
        print(f"{where:<8} {step:<10} {shapes:<{width}} {arrow} {result}{label}")
    return h


# --------------------------------------------------------------------------
# Gradient descent: loss surfaces and paths
# --------------------------------------------------------------------------


def _check_range(value, what: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be a pair (low, high), got {value!r}") from exc
    if not lo < hi:
        raise ValueError(f"{what} must satisfy low < high, got {value!r}")
    return lo, hi


def plot_loss_contours(
    loss: Callable[[np.ndarray], float],
    w_range: tuple[float, float],
    b_range: tuple[float, float],
    ax=None,
    *,
    steps: int = 81,
    levels: int = 14,
    names: tuple[str, str] = ("$w$", "$b$"),
    colorbar: bool = True,
):
    """Draw the contour lines of a two-parameter loss and fix the axes to the ranges.

    Args:
        loss: maps a parameter vector ``np.array([w, b])`` to a number.
        w_range, b_range: the (low, high) of the first and second parameter.
        ax: the Axes to draw on, or None for a new one.
        steps: grid points per parameter.
        levels: the number of contour lines, spaced evenly on a log scale
            (losses span orders of magnitude) when the loss is positive.
        names: the axis labels of the two parameters.
        colorbar: whether to add a colour bar labelled "loss".

    Returns:
        The Axes; their limits are fixed, so paths that leave the window are
        clipped instead of rescaling the plot.
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function of [w, b], got {type(loss).__name__}")
    w_lo, w_hi = _check_range(w_range, "w_range")
    b_lo, b_hi = _check_range(b_range, "b_range")
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}")
    ws, bs = np.linspace(w_lo, w_hi, steps), np.linspace(b_lo, b_hi, steps)
    grid = np.array([[float(loss(np.array([w, b]))) for w in ws] for b in bs])
    if not np.all(np.isfinite(grid)):
        raise ValueError("loss returned a non-finite value inside the ranges")
    lo, hi = grid.min(), grid.max()
    if lo > 0:
        lines = np.geomspace(lo * 1.02, hi, levels)
    else:
        lines = np.linspace(lo, hi, levels + 2)[1:-1]
    ax = ax or plt.subplots(figsize=(5, 4.2))[1]
    contours = ax.contour(ws, bs, grid, levels=lines, cmap="viridis", linewidths=1)
    if colorbar:
        ax.figure.colorbar(contours, ax=ax, label="loss", format="%.3g")
    ax.set(xlim=(w_lo, w_hi), ylim=(b_lo, b_hi), xlabel=names[0], ylabel=names[1])
    ax.autoscale(enable=False)
    ax.grid(False)
    return ax


def plot_descent_path(
    path,
    ax=None,
    *,
    label: str | None = None,
    marker: str = "o",
    color=None,
    markevery: int = 1,
):
    """Draw a path of parameter vectors [w, b] as a line with markers; return the Axes.

    The start gets a black ring, the end a larger marker, so the direction is
    clear without colour.
    """
    points = np.asarray(path, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 1:
        raise ValueError(
            f"path must have shape (n_steps + 1, 2), one [w, b] per row; "
            f"got {points.shape}"
        )
    ax = ax or plt.subplots(figsize=(5, 4.2))[1]
    (line,) = ax.plot(*points.T, marker=marker, ms=4, lw=1.4, color=color,
                      markevery=markevery, label=label)  # fmt: skip
    ax.plot(*points[0], "o", ms=10, color="black", mfc="none", mew=1.2)
    ax.plot(*points[-1], marker=marker, ms=10, color=line.get_color(), mec="black")
    return ax


# --------------------------------------------------------------------------
# Exercise checks: each check_* prints a clear verdict and returns True/False.
# --------------------------------------------------------------------------


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


def check_dense_forward(forward: Callable) -> common.CheckResult:
    """Check ``forward(x, weights)`` against ``model.predict`` of two ReLU Dense stacks.

    ``weights`` is ``model.get_weights()``: [W1, b1, W2, b2, ...]; hidden layers
    use ReLU, the output layer is linear.
    """
    check = common.ExerciseCheck("forward pass")
    rng = np.random.default_rng(6)
    for sizes in ([4, 6, 6, 1], [5, 7, 3, 2]):
        problem = _forward_problem(forward, sizes, rng)
        if problem:
            check.fail(problem)
            break
    return check.verdict("your forward pass equals model.predict")


def _as_count(answer, check: common.ExerciseCheck, what: str) -> int | None:
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
) -> common.CheckResult:
    """Check the widest single hidden layer whose network fits in ``budget`` params.

    The reference is found with the formula and confirmed with Keras'
    ``count_params()`` for that width and the next.
    """
    check = common.ExerciseCheck("parameter budget")
    per_unit = n_inputs + 1 + n_outputs
    best = (budget - n_outputs) // per_unit
    fits = common.dense_stack_param_count([n_inputs, best, n_outputs]) <= budget
    if (
        not fits
        or common.dense_stack_param_count([n_inputs, best + 1, n_outputs]) <= budget
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


def check_momentum_step(momentum_step: Callable) -> common.CheckResult:
    """Check ``momentum_step(theta, velocity, grad, lr, momentum)`` against Keras' SGD.

    Five steps on a quadratic loss must give the same parameters as
    ``keras.optimizers.SGD(learning_rate, momentum)``.
    """
    check = common.ExerciseCheck("momentum step")
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


def check_divergence_learning_rate(answer, x) -> common.CheckResult:
    """Check the learning rate above which gradient descent diverges on MSE(w·x + b).

    The reference is 2 / λ_max, λ_max the largest eigenvalue of the loss's
    Hessian (2/m)·AᵀA with A = [x, 1], computed here with NumPy.
    """
    check = common.ExerciseCheck("largest learning rate")
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
