"""Notebooks 01-03: diagrams drawn by code and the decision-surface plot.

``plot_neuron_diagram`` draws one neuron (inputs, weights, sum plus bias,
activation, output), each part labelled with the ``keras.layers.Dense``
argument that sets it; ``plot_network_diagram`` draws a feed-forward network
(layers of units, every connection pointing forward, no cycles);
``plot_decision_surface`` shades a binary classifier's probability over the
plane with a colour bar and its p = 0.5 contour. Nothing runs at import time.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_decision_surface", "plot_network_diagram", "plot_neuron_diagram"]

_MARKERS = "os^D"
_NOTE = {"fontsize": 9, "color": "0.25", "ha": "center", "style": "italic"}


def _new_axes(ax, figsize):
    """Return ``ax``, or the Axes of a new figure of ``figsize``."""
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]


def _arrow(ax, start, end, **style) -> None:
    """Draw an arrow from ``start`` to ``end`` (data coordinates)."""
    props = {"arrowstyle": "->", "color": "0.2", "lw": 1.2, **style}
    ax.annotate("", xy=end, xytext=start, arrowprops=props)


def _node(ax, xy, text, radius=0.32, face="white") -> None:
    """Draw a circle at ``xy`` with ``text`` in it."""
    ax.add_patch(plt.Circle(xy, radius, facecolor=face, edgecolor="k", lw=1.3))
    ax.text(*xy, text, ha="center", va="center", fontsize=12)


def plot_neuron_diagram(n_inputs: int = 3, activation: str = "g", ax=None):
    """Draw one neuron, each part labelled with its ``keras.layers.Dense`` argument.

    Args:
        n_inputs: how many inputs x1 ... xn to draw (1 to 6).
        activation: the activation's name shown in its box ("g", "σ", "ReLU").
        ax: the Axes to draw on, or None for a new one.

    Returns:
        The Axes.
    """
    if not isinstance(n_inputs, int) or not 1 <= n_inputs <= 6:
        raise ValueError(f"n_inputs must be an integer from 1 to 6, got {n_inputs!r}")
    ax = _new_axes(ax, (8.5, 4.2))
    ys = np.linspace(n_inputs - 1, 0, n_inputs) * 1.1 - (n_inputs - 1) * 0.55
    sum_xy, act_xy, out_xy = (4.4, 0.0), (6.9, 0.0), (9.2, 0.0)
    for i, y in enumerate(ys, start=1):
        _node(ax, (0.0, y), f"$x_{i}$", face="#dbe9f6")
        _arrow(ax, (0.35, y), (sum_xy[0] - 0.5, sum_xy[1] + 0.15 * y))
        ax.text(2.2, 0.55 * y + 0.25, f"$w_{i}$", fontsize=11, ha="center")
    _node(ax, sum_xy, "Σ + b", radius=0.5)
    ax.add_patch(plt.Rectangle((6.3, -0.45), 1.2, 0.9, fc="#fde7c9", ec="k", lw=1.3))
    ax.text(*act_xy, activation, ha="center", va="center", fontsize=12)
    _arrow(ax, (4.9, 0.0), (6.3, 0.0))
    _arrow(ax, (7.5, 0.0), (8.85, 0.0))
    _node(ax, out_xy, "$\\hat{y}$", face="#dbe9f6")
    bottom = ys.min() - 0.9
    notes = [
        (0.0, "inputs\nInput(shape=(n,))"),
        (2.2, "weights (kernel)\nkernel_initializer="),
        (4.4, "sum + bias\nuse_bias=,\nbias_initializer="),
        (6.9, "activation\nactivation="),
        (9.2, "output\nunits=1"),
    ]
    for x, text in notes:
        ax.text(x, bottom, text, va="top", **_NOTE)
    ax.set(xlim=(-1.2, 10.0), ylim=(bottom - 1.2, ys.max() + 0.6), aspect="equal")
    ax.set_axis_off()
    return ax


def _layer_names(n_layers: int) -> list[str]:
    hidden = [f"hidden {k}" for k in range(1, n_layers - 1)]
    return ["input", *hidden, "output"]


def plot_network_diagram(
    layer_sizes: Sequence[int], ax=None, layer_names: Sequence[str] | None = None
):
    """Draw a feed-forward network: units in layers, every edge pointing forward.

    Args:
        layer_sizes: units per layer, input first, output last (at least two).
        ax: the Axes to draw on, or None for a new one.
        layer_names: a caption per layer; None for input, hidden 1, ..., output.

    Returns:
        The Axes.
    """
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1 or max(sizes) > 12:
        raise ValueError(f"need two or more layers of 1 to 12 units, got {layer_sizes}")
    names = list(layer_names) if layer_names is not None else _layer_names(len(sizes))
    if len(names) != len(sizes):
        raise ValueError(f"{len(sizes)} layers but {len(names)} layer names")
    ax = _new_axes(ax, (1.8 * len(sizes) + 1, 0.55 * max(sizes) + 1.6))
    columns = [(np.arange(n) - (n - 1) / 2)[::-1] for n in sizes]
    for k in range(len(sizes) - 1):
        for y0 in columns[k]:
            for y1 in columns[k + 1]:
                _arrow(ax, (2 * k + 0.25, y0), (2 * k + 1.75, y1), lw=0.7, color="0.5")
    faces = ["#dbe9f6", *["#fde7c9"] * (len(sizes) - 2), "#dbe9f6"]
    for k, (ys, face) in enumerate(zip(columns, faces, strict=True)):
        for y in ys:
            _node(ax, (2 * k, y), "", radius=0.22, face=face)
    top = max(sizes) / 2 + 0.2
    for k, (name, n) in enumerate(zip(names, sizes, strict=True)):
        ax.text(2 * k, top, f"{name}\n{n} unit{'s' * (n > 1)}", va="bottom", **_NOTE)
    ax.set(xlim=(-0.6, 2 * len(sizes) - 1.4), ylim=(-top, top + 1.0), aspect="equal")
    ax.set_axis_off()
    return ax


def plot_decision_surface(
    predict,
    x: np.ndarray,
    y: np.ndarray,
    class_names: Sequence[str],
    ax=None,
    steps: int = 150,
    marker_size: float = 22,
    colorbar: bool = True,
):
    """Shade a binary classifier's P(class 1) over the plane, with its 0.5 contour.

    Args:
        predict: a Keras model, or a function that maps an (m, 2) array to
            probabilities of class 1, shape (m,) or (m, 1).
        x: (n, 2) points; y: their labels 0/1.
        class_names: the names of class 0 and class 1, for the legend.
        ax: the Axes to draw on, or None for a new one.
        steps: grid points per axis.
        marker_size: marker area of the points.
        colorbar: whether to add a colour bar labelled "predicted P(class 1)".

    Returns:
        The Axes.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y).ravel()
    if x.ndim != 2 or x.shape[1] != 2 or len(x) != len(y) or len(class_names) != 2:
        raise ValueError("expected x of shape (n, 2), n labels and two class names")
    ax = _new_axes(ax, (5, 4.2))
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-9
    g0, g1 = np.meshgrid(
        *(
            np.linspace(a, b, steps)
            for a, b in zip(x.min(0) - pad, x.max(0) + pad, strict=True)
        )
    )
    grid = np.c_[g0.ravel(), g1.ravel()].astype("float32")
    if hasattr(predict, "predict"):  # a Keras model: one direct call, no tracing
        import keras

        p = keras.ops.convert_to_numpy(predict(grid))
    else:
        p = predict(grid)
    p = np.asarray(p, dtype=float).reshape(g0.shape)
    shading = ax.contourf(g0, g1, p, levels=np.linspace(0, 1, 11), cmap="cividis")
    if p.min() < 0.5 < p.max():
        ax.contour(g0, g1, p, levels=[0.5], colors="k", linewidths=2)
    for k, (name, marker) in enumerate(zip(class_names, _MARKERS, strict=False)):
        ax.scatter(
            *x[y == k].T,
            marker=marker,
            s=marker_size,
            edgecolor="k",
            linewidth=0.5,
            color=f"C{k}",
            label=name,
        )
    if colorbar:
        ax.figure.colorbar(shading, ax=ax, label="predicted P(class 1)")
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return ax
