"""Notebooks 01-03: the neuron and network diagrams, drawn by code.

``plot_neuron_diagram`` draws one neuron (inputs, weights, sum plus bias,
activation, output), each part labelled with the ``keras.layers.Dense``
argument that sets it; ``plot_network_diagram`` draws a feed-forward network
(layers of units, every connection pointing forward, no cycles). The
decision-surface plot the three notebooks share is ``utils.plot_decision_boundary``.
Nothing runs at import time.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_network_diagram", "plot_neuron_diagram"]

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
