"""Notebook 06: a Dense stack as matrices, and gradient descent on a loss surface.

A shape tracer for stacks of Dense layers, their parameter count (counted by
Keras), and two plotting helpers for gradient-descent paths on a two-parameter
loss surface. The exercise checks are in ``course.checks.matrices``. Keras is
imported inside the functions that need it, so importing is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "dense_stack_param_count",
    "plot_descent_path",
    "plot_loss_contours",
    "trace_dense_shapes",
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


#: Activations that do not work element by element, and how they do work.
_ACTIVATION_SCOPE = {
    "softmax": "row-wise (each row sums to 1)",
    "log_softmax": "row-wise",
}


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
        how = _ACTIVATION_SCOPE.get(_activation_name(layer), "elementwise")
        rows.append(("", _activation_name(layer), how, h.shape, name))
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
    (line,) = ax.plot(
        *points.T,
        marker=marker,
        ms=4,
        lw=1.4,
        color=color,
        markevery=markevery,
        label=label,
    )
    ax.plot(*points[0], "o", ms=10, color="black", mfc="none", mew=1.2)
    ax.plot(*points[-1], marker=marker, ms=10, color=line.get_color(), mec="black")
    return ax


def dense_stack_param_count(layer_sizes: Sequence[int], use_bias: bool = True) -> int:
    """Parameters of a stack of Dense layers, counted by Keras itself.

    ``layer_sizes`` lists the input width then each layer's units, e.g.
    ``(784, 128, 10)``.
    """
    import keras

    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"need an input width and at least one layer; got {layer_sizes}"
        )
    layers = [keras.layers.Dense(n, use_bias=use_bias) for n in sizes[1:]]
    return keras.Sequential([keras.Input((sizes[0],)), *layers]).count_params()
