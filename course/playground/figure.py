"""The playground's figure: output surface, the network's neurons, the loss curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

import utils

from ._validate import require_int
from .choices import FEATURES, PLAYGROUND_DATASETS
from .model import Playground, _output_spec

# --------------------------------------------------------------------------
# The figure: one function for the notebook and the widget
# --------------------------------------------------------------------------

_CMAP = "PuOr"  # diverging and colour-blind safe: orange = low, purple = high
_CLASS_COLOURS = (
    "#C85200",
    "#5F4B8B",
    "#006BA4",
    "#595959",
    "#FFBC79",
    "#A2C8EC",
    "#898989",
    "#FF800E",
    "#ABABAB",
    "#CFCFCF",
)


def playground_class_colours(task: str, k: int) -> list:
    """The colours of ``k`` classes in every playground figure ("binary": the
    two ends of the output's orange-purple scale)."""
    if task == "binary":
        cmap = plt.get_cmap(_CMAP)
        return [cmap(0.12), cmap(0.88)]
    return list(_CLASS_COLOURS[:k])


def _surface_image(
    pg: Playground, out: np.ndarray, resolution: int
) -> tuple[np.ndarray, dict]:
    """Turn network outputs on the grid into an image and imshow keywords."""
    discretize = pg.config.discretize
    if pg.task == "multiclass":
        probs = out.reshape(resolution, resolution, -1)
        if discretize:
            probs = np.eye(probs.shape[-1])[probs.argmax(axis=-1)]
        colours = np.array(
            [to_rgb(c) for c in playground_class_colours("multiclass", pg.n_classes)]
        )
        rgb = 0.45 + 0.55 * (probs @ colours)  # blend by probability, then lighten
        return np.clip(rgb, 0, 1), {}
    # The colour scale reaches past the values, so the background stays pale
    # and the points (full colour) stand out on it.
    z = out.reshape(resolution, resolution)
    if pg.task == "binary":
        z = (z >= 0.5).astype(float) if discretize else z
        return z, {"vmin": -0.6, "vmax": 1.6}
    z = np.round(z * 4) / 4 if discretize else z
    return z, {"vmin": -1.6, "vmax": 1.6}


def _scatter_points(pg: Playground, ax, x, y, test: bool) -> None:
    edge = (
        {"edgecolors": "black", "linewidths": 1.2}
        if test
        else {"edgecolors": "white", "linewidths": 0.6}
    )
    if pg.task == "regression":  # white edges would hide targets near 0
        edge = edge if test else {"edgecolors": "0.35", "linewidths": 0.5}
        ax.scatter(
            *x.T,
            c=y,
            cmap=_CMAP,
            vmin=-1,
            vmax=1,
            s=22,
            marker="D" if test else "o",
            **edge,
        )
        return
    for k, colour in enumerate(playground_class_colours(pg.task, pg.n_classes)):
        ax.scatter(
            *x[y == k].T, color=colour, marker=utils.CLASS_MARKERS[k], s=22, **edge
        )


def plot_playground_surface(pg: Playground, ax=None, resolution: int = 80):
    """Draw the output as a heat map over the plane with the data points on top.

    Binary: P(class 1), black line at 0.5; multiclass: class colours blended by
    probability; regression: the predicted value. Classes differ in marker as
    well as colour; test points (``show_test_data``) have a black edge.
    """
    ax = ax or plt.subplots(figsize=(4.6, 4.6))[1]
    out = pg.outputs_on_grid(resolution)
    image, kw = _surface_image(pg, out, resolution)
    ax.imshow(
        image,
        origin="lower",
        extent=pg.extent,
        cmap=_CMAP,
        interpolation="bilinear",
        aspect="auto",
        **kw,
    )
    if pg.task == "binary" and np.isfinite(out).all() and np.ptp(out) > 0:
        g = pg.grid(resolution)
        ax.contour(
            g[:, 0].reshape(resolution, -1),
            g[:, 1].reshape(resolution, -1),
            out.reshape(resolution, -1),
            levels=[0.5],
            colors="black",
            linewidths=1,
        )
    _scatter_points(pg, ax, pg.x_train, pg.y_train, test=False)
    if pg.config.show_test_data:
        _scatter_points(pg, ax, pg.x_test, pg.y_test, test=True)
    _surface_legend(pg, ax)
    if pg.task != "multiclass":
        _surface_colour_bar(pg, ax, kw)
    ax.set(xlim=pg.extent[:2], ylim=pg.extent[2:], xlabel="$x_1$", ylabel="$x_2$")
    ax.locator_params(nbins=4)  # few tick labels: text is most of the drawing time
    ax.grid(False)
    name = PLAYGROUND_DATASETS.get(pg.config.dataset, ("", "your own data"))[1]
    shade = {
        "binary": "P(class 1), black line at 0.5",
        "multiclass": "class colours mixed by probability",
        "regression": "predicted value, -1 (orange) to 1 (purple)",
    }[pg.task]
    ax.set_title(f"{name}\nshade: {shade}", fontsize=10)
    return ax


def _surface_colour_bar(pg: Playground, ax, kw: dict) -> None:
    """A colour bar of the output (P(class 1) or the value), drawn once per Axes."""
    if any(child.get_label() == "output scale" for child in ax.child_axes):
        return
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    cax = ax.inset_axes([1.02, 0.15, 0.025, 0.7], label="output scale")
    norm = Normalize(kw["vmin"], kw["vmax"])
    bar = ax.figure.colorbar(ScalarMappable(norm, cmap=_CMAP), cax=cax)
    lo, hi = (0, 1) if pg.task == "binary" else (-1, 1)
    bar.ax.set_ylim(lo, hi)
    bar.set_ticks([lo, (lo + hi) / 2, hi])
    bar.ax.tick_params(labelsize=7)
    bar.set_label("P(class 1)" if pg.task == "binary" else "output", fontsize=7)


def _surface_legend(pg: Playground, ax) -> None:
    handles = []
    if pg.task != "regression":
        for k, colour in enumerate(playground_class_colours(pg.task, pg.n_classes)):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker=utils.CLASS_MARKERS[k],
                    color=colour,
                    markeredgecolor="white",
                    label=f"class {k}",
                )
            )
    else:
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                color="grey",
                markeredgecolor="0.35",
                label="train (colour = target)",
            )
        )
    if pg.config.show_test_data:
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="D" if pg.task == "regression" else "o",
                color="lightgrey",
                markeredgecolor="black",
                label="test",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=min(len(handles), 4),
        fontsize=8,
        frameon=False,
    )


def _tile_rgba(values: np.ndarray, scale: float | None) -> np.ndarray:
    """Colour one neuron's map: divided by ``scale`` (default: its largest |value|)."""
    if scale is None:
        peak = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 0
        values = values / peak if peak > 0 else values
        return plt.get_cmap(_CMAP)((values + 1) / 2)
    return plt.get_cmap(_CMAP)(values / scale)


def plot_playground_network(pg: Playground, ax=None, resolution: int = 24):
    """Draw the network as TensorFlow Playground does: each neuron's output as a
    small heat map (features, hidden layers, output) and the weights as lines
    (width ∝ |w| within a layer; solid purple positive, dashed orange negative).

    Hidden neurons share one colour scale, −1 (orange) to 1 (purple), clipped
    beyond, as on the web page, with a colour bar; each feature tile is scaled
    to its own range. Each neuron's bias is written under it, and a ReLU neuron
    that outputs 0 everywhere in the picture is marked "dead".
    """
    ax = ax or plt.subplots(figsize=(5.5, 4.6))[1]
    maps = pg.neuron_outputs(resolution)
    # tile size, gap between rows, gap between columns (room for the weights)
    t, gap, hgap = resolution, resolution // 3, 1.7 * resolution
    rows = max(m.shape[-1] for m in maps)
    height, width = rows * (t + gap), len(maps) * (t + hgap)
    mosaic = np.zeros((height, int(width), 4))
    tops = []
    for c, m in enumerate(maps):
        top0 = (rows - m.shape[-1]) * (t + gap) / 2
        left = int(c * (t + hgap))
        tops.append([int(top0 + i * (t + gap)) for i in range(m.shape[-1])])
        for i, top in enumerate(tops[-1]):
            out_scale = 1.0 if pg.task != "regression" else 2.0
            tile = m[::-1, :, i]  # row 0 at the top of the image is the largest x2
            if c == len(maps) - 1:
                rgba = _tile_rgba(
                    tile + (1.0 if pg.task == "regression" else 0), out_scale
                )
            elif c == 0:
                rgba = _tile_rgba(tile, None)
            else:
                rgba = _tile_rgba(np.clip(tile, -1, 1) + 1, 2.0)
            mosaic[top : top + t, left : left + t] = rgba
    segments, widths, styles, colours = _weight_lines(pg, tops, t, hgap)
    ax.add_collection(
        LineCollection(
            segments,
            linewidths=widths,
            linestyles=styles,
            colors=colours,
            alpha=0.8,
            zorder=1,
        )
    )
    ax.imshow(mosaic, extent=(0, width, height, 0), interpolation="nearest", zorder=2)
    _label_network(pg, ax, tops, t, hgap, maps)
    _label_neurons(pg, ax, tops, t, hgap, maps)
    _neuron_colour_bar(ax)
    ax.set(xlim=(-1.6 * t, width - hgap + 0.2 * t), ylim=(height + 0.2 * t, -1.4 * t))
    ax.set_axis_off()
    return ax


def _label_neurons(pg: Playground, ax, tops, t, hgap, maps) -> None:
    """Write each neuron's bias under its tile; mark dead ReLU neurons."""
    for c, bias in enumerate(pg.biases(), start=1):
        for i, (top, b) in enumerate(zip(tops[c], bias, strict=True)):
            left = c * (t + hgap)
            ax.text(
                left + t / 2,
                top + t + 1,
                f"b {b:+.2f}",
                ha="center",
                va="top",
                fontsize=6,
                color="0.25",
            )
            hidden = c < len(maps) - 1
            if hidden and pg.config.activation == "relu" and not maps[c][..., i].any():
                ax.text(
                    left + t / 2,
                    top + t / 2,
                    "dead",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black",
                    weight="bold",
                )


def _neuron_colour_bar(ax) -> None:
    """A colour bar of the hidden neurons' scale, drawn once per Axes."""
    if any(child.get_label() == "neuron scale" for child in ax.child_axes):
        return
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    cax = ax.inset_axes([0.25, -0.06, 0.5, 0.03], label="neuron scale")
    bar = ax.figure.colorbar(
        ScalarMappable(Normalize(-1, 1), cmap=_CMAP), cax=cax, orientation="horizontal"
    )
    bar.set_ticks([-1, 0, 1])
    bar.ax.tick_params(labelsize=7)
    bar.set_label("hidden neuron output (clipped to ±1)", fontsize=7)


def _weight_lines(pg: Playground, tops, t, hgap):
    cmap = plt.get_cmap(_CMAP)
    segments, widths, styles, colours = [], [], [], []
    for c, kernel in enumerate(pg.weights()):
        peak = np.nanmax(np.abs(kernel)) if np.isfinite(kernel).any() else 0
        x0, x1 = c * (t + hgap) + t, (c + 1) * (t + hgap)
        for i, j in np.ndindex(kernel.shape):
            w = kernel[i, j]
            segments.append([(x0, tops[c][i] + t / 2), (x1, tops[c + 1][j] + t / 2)])
            widths.append(
                0.3 + 2.7 * abs(w) / peak if peak > 0 and np.isfinite(w) else 0.3
            )
            styles.append("solid" if w >= 0 else (0, (3, 2)))
            colours.append(cmap(0.9) if w >= 0 else cmap(0.1))
    return segments, widths, styles, colours


def _label_network(pg: Playground, ax, tops, t, hgap, maps) -> None:
    for top, name in zip(tops[0], pg.config.features, strict=True):
        ax.text(
            -0.2 * t,
            top + t / 2,
            FEATURES[name].tex_label,
            ha="right",
            va="center",
            fontsize=9,
        )
    names = ["input"] + [f"hidden {i}" for i in range(1, len(maps) - 1)] + ["output"]
    for c, (name, m) in enumerate(zip(names, maps, strict=True)):
        ax.text(
            c * (t + hgap) + t / 2,
            min(tops[c]) - 0.3 * t,
            f"{name}\n{m.shape[-1]}",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_title("network: neuron outputs and weights", fontsize=10)


def plot_playground_losses(pg: Playground, ax=None):
    """Draw the training (solid) and test (dashed) loss against the epoch."""
    ax = ax or plt.subplots(figsize=(4.6, 3.6))[1]
    h = pg.history
    style = {"marker": "o", "ms": 3} if len(h["epoch"]) < 3 else {}
    ax.plot(
        h["epoch"], h["train_loss"], "-", color="#006BA4", label="training", **style
    )
    ax.plot(h["epoch"], h["test_loss"], "--", color="#C85200", label="test", **style)
    loss_name = _output_spec(pg.task, pg.n_classes)[2].replace("_", " ")
    ax.set(xlabel="epoch", ylabel=f"loss ({loss_name})")
    ax.locator_params(nbins=4)
    finite = [v for v in h["train_loss"] + h["test_loss"] if np.isfinite(v)]
    ax.set_ylim(0, max(finite) * 1.05 if finite and max(finite) > 0 else 1)
    ax.set_xlim(0, max(h["epoch"][-1], 1))
    ax.legend(loc="upper right", fontsize=8)
    if pg.diverged:
        title = f"epoch {pg.epoch}: diverged, lower the learning rate"
    else:
        train_loss, test_loss = h["train_loss"][-1], h["test_loss"][-1]
        title = f"epoch {pg.epoch}: train {train_loss:.3f}, test {test_loss:.3f}"
    ax.set_title(title, fontsize=10)
    return ax


def plot_playground_neuron(
    pg: Playground, layer: int, unit: int, ax=None, resolution: int = 60
):
    """Draw one neuron's output over the plane, large (the web page's hover).

    Args:
        pg: the playground.
        layer: 1 for the first hidden layer, and so on; the last is the output.
        unit: the neuron's index in its layer, from 0.
        ax: the Axes to draw on (default: a new figure).
        resolution: grid points per axis.
    """
    maps = pg.neuron_outputs(require_int("resolution", resolution, 2, 400))
    layer = require_int("layer", layer, 1, len(maps) - 1)
    unit = require_int("unit", unit, 0, maps[layer].shape[-1] - 1)
    values = maps[layer][..., unit]
    output = layer == len(maps) - 1
    lo, hi = (-1, 1) if not output or pg.task == "regression" else (0, 1)
    ax = ax or plt.subplots(figsize=(3.6, 3.6))[1]
    ax.imshow(
        values,
        origin="lower",
        extent=pg.extent,
        cmap=_CMAP,
        vmin=lo,
        vmax=hi,
        interpolation="bilinear",
        aspect="auto",
    )
    name = "output" if output else f"hidden layer {layer}"
    dead = not output and pg.config.activation == "relu" and not values.any()
    ax.set_title(
        f"{name}, neuron {unit + 1}" + (" (dead)" if dead else ""), fontsize=10
    )
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.grid(False)
    return ax


def _playground_axes(fig):
    """Lay out the playground's three Axes on a figure (pyplot's or the widget's)."""
    fig.set_size_inches(13, 4.6)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.2, top=0.9, wspace=0.34)
    return fig.subplots(1, 3, width_ratios=[1.35, 1, 1])


def plot_playground(pg: Playground, axes=None, resolution: int = 80):
    """Draw the whole playground: network, output surface with data, loss curves.

    Args:
        pg: the playground.
        axes: three Axes (network, surface, losses), or None for a new figure.
        resolution: grid points per axis of the output surface.

    Returns:
        The three Axes.
    """
    if not isinstance(pg, Playground):
        raise TypeError(f"pg must be a Playground; got {type(pg).__name__}")
    axes = _playground_axes(plt.figure()) if axes is None else axes
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != 3:
        raise ValueError(
            f"axes must be three Axes (network, surface, losses); got {len(axes)}"
        )
    plot_playground_network(pg, ax=axes[0])
    plot_playground_surface(pg, ax=axes[1], resolution=resolution)
    plot_playground_losses(pg, ax=axes[2])
    return axes
