"""Notebook 03: the lecture's twelve activation functions in NumPy, their gallery.

Each function with its derivative (float64, element-wise, overflow-free), a
registry that records formula, range and the matching ``keras.activations``
name, and the gallery plots. The exercise checks are in
``course.checks.activations``. Nothing runs at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import matplotlib.pyplot as plt
import numpy as np

from utils import CLASS_MARKERS

__all__ = [
    "ACTIVATION_GALLERY",
    "ActivationSpec",
    "autodiff_derivative",
    "format_activation_table",
    "get_activation_spec",
    "np_elu",
    "np_elu_derivative",
    "np_leaky_relu",
    "np_leaky_relu_derivative",
    "np_log_sigmoid",
    "np_log_sigmoid_derivative",
    "np_mish",
    "np_mish_derivative",
    "np_relu",
    "np_relu_derivative",
    "np_sigmoid",
    "np_sigmoid_derivative",
    "np_sinc",
    "np_sinc_derivative",
    "np_softplus",
    "np_softplus_derivative",
    "np_softsign",
    "np_softsign_derivative",
    "np_step",
    "np_step_derivative",
    "np_swish",
    "np_swish_derivative",
    "np_tanh",
    "np_tanh_derivative",
    "plot_activation_gallery",
    "plot_activation_overlay",
]


# --------------------------------------------------------------------------
# Activation functions in NumPy (float64, element-wise, overflow-free)
# --------------------------------------------------------------------------


def _as_float_array(z) -> np.ndarray:
    """Return ``z`` as a float64 array, or raise TypeError if it is not real."""
    array = np.asarray(z)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"expected real numbers (a float, list or NumPy array); "
            f"got {type(z).__name__} of dtype {array.dtype}"
        )
    return array.astype(np.float64)


def np_sigmoid(z) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + exp(-z)), computed without overflow."""
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def np_sigmoid_derivative(z) -> np.ndarray:
    """Derivative of the sigmoid: sigmoid(z) * (1 - sigmoid(z))."""
    z = _as_float_array(z)
    return np_sigmoid(z) * np_sigmoid(-z)  # 1 - sigmoid(z) == sigmoid(-z)


def np_tanh(z) -> np.ndarray:
    """Hyperbolic tangent (exp(z) - exp(-z)) / (exp(z) + exp(-z))."""
    return np.tanh(_as_float_array(z))


def np_tanh_derivative(z) -> np.ndarray:
    """Derivative of tanh: 1 - tanh(z)**2."""
    t = np.tanh(_as_float_array(z))
    return (1.0 - t) * (1.0 + t)  # == 1 - t**2, without underflow in t**2


def np_step(z) -> np.ndarray:
    """Binary step (Heaviside): 1 where z >= 0, else 0."""
    return (_as_float_array(z) >= 0).astype(np.float64)


def np_step_derivative(z) -> np.ndarray:
    """Derivative of the step: 0 everywhere (undefined at 0; 0 by convention)."""
    return np.zeros_like(_as_float_array(z))


def np_softplus(z) -> np.ndarray:
    """Softplus log(1 + exp(z)), computed as logaddexp(0, z) to avoid overflow."""
    return np.logaddexp(0.0, _as_float_array(z))


def np_softplus_derivative(z) -> np.ndarray:
    """Derivative of softplus: the sigmoid."""
    return np_sigmoid(z)


def np_relu(z) -> np.ndarray:
    """Rectified linear unit max(0, z)."""
    return np.maximum(0.0, _as_float_array(z))


def np_relu_derivative(z) -> np.ndarray:
    """Derivative of ReLU: 1 where z > 0, else 0 (0 at z = 0 by convention)."""
    return (_as_float_array(z) > 0).astype(np.float64)


def np_softsign(z) -> np.ndarray:
    """Softsign z / (1 + |z|)."""
    z = _as_float_array(z)
    return z / (1.0 + np.abs(z))


def np_softsign_derivative(z) -> np.ndarray:
    """Derivative of softsign: 1 / (1 + |z|)**2."""
    return (1.0 / (1.0 + np.abs(_as_float_array(z)))) ** 2  # square last: no overflow


def _check_parameter(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    return float(value)


def np_elu(z, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: z if z > 0, else alpha * (exp(z) - 1).

    ``alpha`` defaults to Keras' default (``keras.activations.elu``).
    """
    z, alpha = _as_float_array(z), _check_parameter("alpha", alpha)
    # np.where evaluates both branches: clip first so exp never overflows.
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def np_elu_derivative(z, alpha: float = 1.0) -> np.ndarray:
    """Derivative of ELU: 1 if z > 0, else alpha * exp(z)."""
    z, alpha = _as_float_array(z), _check_parameter("alpha", alpha)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def np_log_sigmoid(z) -> np.ndarray:
    """Log-sigmoid log(1 / (1 + exp(-z))) = -softplus(-z)."""
    return -np.logaddexp(0.0, -_as_float_array(z))


def np_log_sigmoid_derivative(z) -> np.ndarray:
    """Derivative of log-sigmoid: 1 - sigmoid(z) = sigmoid(-z)."""
    return np_sigmoid(-_as_float_array(z))


def np_swish(z) -> np.ndarray:
    """Swish (SiLU) z * sigmoid(z)."""
    z = _as_float_array(z)
    return z * np_sigmoid(z)


def np_swish_derivative(z) -> np.ndarray:
    """Derivative of swish: sigmoid(z) + z * sigmoid(z) * (1 - sigmoid(z))."""
    z = _as_float_array(z)
    s = np_sigmoid(z)
    return s + z * s * np_sigmoid(-z)


def np_sinc(z) -> np.ndarray:
    """Unnormalised sinc sin(z) / z, with sinc(0) = 1 (its limit)."""
    z = _as_float_array(z)
    safe = np.where(z == 0, 1.0, z)
    return np.where(z == 0, 1.0, np.sin(safe) / safe)


def np_sinc_derivative(z) -> np.ndarray:
    """Derivative of sinc: cos(z)/z - sin(z)/z**2, and its limit 0 at z = 0."""
    z = _as_float_array(z)
    small = np.abs(z) < 1e-2
    safe = np.where(small, 1.0, z)
    exact = (np.cos(safe) - np.sin(safe) / safe) / safe  # no z**2: no overflow
    tiny = np.where(small, z, 0.0)
    taylor = -tiny / 3.0 + tiny**3 / 30.0  # avoids cancellation near 0
    return np.where(small, taylor, exact)


def np_leaky_relu(z, negative_slope: float = 0.2) -> np.ndarray:
    """Leaky ReLU: z if z > 0, else negative_slope * z.

    ``negative_slope`` defaults to Keras' default (``keras.activations.leaky_relu``).
    """
    z = _as_float_array(z)
    slope = _check_parameter("negative_slope", negative_slope)
    return np.where(z > 0, z, slope * z)


def np_leaky_relu_derivative(z, negative_slope: float = 0.2) -> np.ndarray:
    """Derivative of leaky ReLU: 1 if z > 0, else negative_slope."""
    z = _as_float_array(z)
    slope = _check_parameter("negative_slope", negative_slope)
    return np.where(z > 0, 1.0, slope)


def np_mish(z) -> np.ndarray:
    """Mish z * tanh(softplus(z))."""
    z = _as_float_array(z)
    return z * np.tanh(np_softplus(z))


def np_mish_derivative(z) -> np.ndarray:
    """Derivative of mish: tanh(sp(z)) + z * sigmoid(z) * (1 - tanh(sp(z))**2)."""
    z = _as_float_array(z)
    t = np.tanh(np_softplus(z))
    return t + z * np_sigmoid(z) * (1.0 - t) * (1.0 + t)


# --------------------------------------------------------------------------
# The gallery: one registry entry per activation function
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivationSpec:
    """One activation function of the gallery and what the lecture says about it.

    Attributes:
        name: identifier, the ``keras.activations`` name where Keras has one.
        label: the name as the lecture writes it.
        function, derivative: the NumPy implementations.
        formula, derivative_formula: LaTeX, without ``$``.
        output_range: the range of the function, LaTeX without ``$``.
        keras_name: the matching ``keras.activations`` function, or None.
    """

    name: str
    label: str
    function: Callable[..., np.ndarray] = field(repr=False)
    derivative: Callable[..., np.ndarray] = field(repr=False)
    formula: str
    derivative_formula: str
    output_range: str
    keras_name: str | None


#: name -> (function, derivative): the twelve pairs above, named explicitly.
_FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (np_sigmoid, np_sigmoid_derivative),
    "tanh": (np_tanh, np_tanh_derivative),
    "step": (np_step, np_step_derivative),
    "softplus": (np_softplus, np_softplus_derivative),
    "relu": (np_relu, np_relu_derivative),
    "softsign": (np_softsign, np_softsign_derivative),
    "elu": (np_elu, np_elu_derivative),
    "log_sigmoid": (np_log_sigmoid, np_log_sigmoid_derivative),
    "swish": (np_swish, np_swish_derivative),
    "sinc": (np_sinc, np_sinc_derivative),
    "leaky_relu": (np_leaky_relu, np_leaky_relu_derivative),
    "mish": (np_mish, np_mish_derivative),
}


def _spec(name, label, formula, derivative_formula, output_range, keras_name):
    function, derivative = _FUNCTIONS[name]
    return ActivationSpec(
        name,
        label,
        function,
        derivative,
        formula,
        derivative_formula,
        output_range,
        keras_name,
    )


_SIGMA = r"\sigma(z)"
ACTIVATION_GALLERY: Mapping[str, ActivationSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in [
            _spec("sigmoid", "sigmoid", r"\frac{1}{1 + e^{-z}}",
                  rf"{_SIGMA}\,(1 - {_SIGMA})", "(0, 1)", "sigmoid"),
            _spec("tanh", "tanh", r"\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
                  r"1 - \tanh^2(z)", "(-1, 1)", "tanh"),
            _spec("step", "step", r"1 \text{ if } z \ge 0 \text{ else } 0",
                  r"0 \;(z \ne 0)", r"\{0, 1\}", None),
            _spec("softplus", "softplus", r"\ln(1 + e^{z})", _SIGMA,
                  r"(0, \infty)", "softplus"),
            _spec("relu", "ReLU", r"\max(0, z)",
                  r"1 \text{ if } z > 0 \text{ else } 0", r"[0, \infty)", "relu"),
            _spec("softsign", "softsign", r"\frac{z}{1 + \lvert z\rvert}",
                  r"\frac{1}{(1 + \lvert z\rvert)^2}", "(-1, 1)", "softsign"),
            _spec("elu", "ELU", r"z \text{ if } z > 0 \text{ else } \alpha(e^{z} - 1)",
                  r"1 \text{ if } z > 0 \text{ else } \alpha e^{z}",
                  r"(-\alpha, \infty)", "elu"),
            _spec("log_sigmoid", "log-sigmoid", r"\ln \frac{1}{1 + e^{-z}}",
                  rf"1 - {_SIGMA}", r"(-\infty, 0)", "log_sigmoid"),
            _spec("swish", "swish", rf"z\,{_SIGMA}",
                  rf"{_SIGMA} + z\,{_SIGMA}(1 - {_SIGMA})",
                  r"[\approx -0.278, \infty)", "swish"),
            _spec("sinc", "sinc", r"\frac{\sin z}{z}, \; 1 \text{ at } z = 0",
                  r"\frac{\cos z}{z} - \frac{\sin z}{z^2}, \; 0 \text{ at } z = 0",
                  r"[\approx -0.217, 1]", None),
            _spec("leaky_relu", "leaky ReLU", r"z \text{ if } z > 0 \text{ else } a z",
                  r"1 \text{ if } z > 0 \text{ else } a", r"(-\infty, \infty)",
                  "leaky_relu"),
            _spec("mish", "mish", r"z \tanh(\ln(1 + e^{z}))",
                  r"\tanh(s) + z\,\sigma(z)(1 - \tanh^2 s), \; s = \ln(1 + e^{z})",
                  r"[\approx -0.309, \infty)", "mish"),
        ]
    }
)  # fmt: skip


def get_activation_spec(name: str) -> ActivationSpec:
    """Return the gallery entry ``name`` (e.g. "relu"); ValueError if unknown."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in ACTIVATION_GALLERY:
        raise ValueError(
            f"unknown activation {name!r}; expected one of {list(ACTIVATION_GALLERY)}"
        )
    return ACTIVATION_GALLERY[key]


def _specs(names: Sequence[str] | None) -> list[ActivationSpec]:
    if names is None:
        return list(ACTIVATION_GALLERY.values())
    if isinstance(names, str):
        names = [names]
    specs = [get_activation_spec(n) for n in names]
    if not specs:
        raise ValueError("expected at least one activation name; got none")
    return specs


def format_activation_table(names: Sequence[str] | None = None) -> str:
    """Return a Markdown table: name, formula, derivative, range, Keras function.

    Display it with ``IPython.display.Markdown``; ``names`` selects rows
    (default: the whole gallery, in the lecture's order).
    """
    rows = [
        "| function | $g(z)$ | $g'(z)$ | range | Keras |",
        "|---|---|---|---|---|",
    ]
    for s in _specs(names):
        keras_name = f"`keras.activations.{s.keras_name}`" if s.keras_name else "—"
        rows.append(
            f"| {s.label} | ${s.formula}$ | ${s.derivative_formula}$ "
            f"| ${s.output_range}$ | {keras_name} |"
        )
    return "\n".join(rows)


# --------------------------------------------------------------------------
# Plots of the gallery
# --------------------------------------------------------------------------


#: tableau-colorblind10 without its two greys, so no function looks like a
#: reference line.
_LINE_COLOURS = (
    "#006BA4",
    "#FF800E",
    "#1B9E77",
    "#C85200",
    "#5F9ED1",
    "#7570B3",
    "#E7298A",
    "#66A61E",
    "#A2C8EC",
    "#FFBC79",
    "#E6AB02",
    "#A6761D",
)


def _grid_z(z) -> np.ndarray:
    z = np.linspace(-5.0, 5.0, 401) if z is None else _as_float_array(z)
    if z.ndim != 1 or len(z) < 2:
        raise ValueError(f"z must be a 1-D grid of at least 2 points; got {z.shape}")
    return z


def plot_activation_gallery(
    names: Sequence[str] | None = None, z=None, ncols: int = 4, axes=None
):
    """Draw each activation (solid) and its derivative (dashed) in a small panel.

    Args:
        names: gallery names to draw (default: all twelve, in the lecture's order).
        z: 1-D grid of inputs (default: 401 points on [-5, 5]).
        ncols: panels per row when a new figure is made.
        axes: one Axes per function, or None for a new figure.

    Returns:
        The 1-D array of Axes used.
    """
    specs, z = _specs(names), _grid_z(z)
    if axes is None:
        nrows = -(-len(specs) // ncols)
        _, grid = plt.subplots(
            nrows,
            ncols,
            figsize=(3.0 * ncols, 2.4 * nrows),
            sharex=True,
            layout="constrained",
        )
        for ax in grid.ravel()[len(specs) :]:
            ax.set_axis_off()
        axes = grid.ravel()[: len(specs)]
    axes = np.atleast_1d(axes).ravel()
    if len(axes) != len(specs):
        raise ValueError(f"got {len(axes)} axes for {len(specs)} activation functions")
    for ax, spec in zip(axes, specs, strict=True):
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.plot(z, spec.function(z), "-", lw=2, label="$g(z)$")
        ax.plot(z, spec.derivative(z), "--", lw=1.5, label="$g'(z)$")
        ax.set_title(spec.label + ("" if spec.keras_name else " (not in Keras)"))
        cell = ax.get_subplotspec()  # label only the outer panels of a grid
        if cell is None or cell.is_last_row():
            ax.set_xlabel("input $z$")
        if cell is None or cell.is_first_col():
            ax.set_ylabel("$g(z)$, $g'(z)$")
    axes[0].legend(loc="upper left", fontsize=8)
    return axes


def plot_activation_overlay(
    names: Sequence[str], z=None, derivative: bool = False, ax=None
):
    """Overlay several activation functions (and optionally their derivatives).

    Each function gets its own colour and marker; a derivative is drawn dashed
    in the colour of its function and labelled with a prime.

    Returns:
        The Axes.
    """
    specs, z = _specs(names), _grid_z(z)
    ax = ax or plt.subplots(figsize=(6.4, 4.0))[1]
    every = max(1, len(z) // 10)
    colours = _LINE_COLOURS
    for i, spec in enumerate(specs):
        style = {
            "color": colours[i % len(colours)],
            "marker": CLASS_MARKERS[i % len(CLASS_MARKERS)],
            "markevery": (i * every // len(specs), every),
            "ms": 5,
        }
        ax.plot(z, spec.function(z), "-", lw=2, label=spec.label, **style)
        if derivative:
            ax.plot(
                z,
                spec.derivative(z),
                "--",
                lw=1.2,
                mfc="none",
                label=f"{spec.label}′",
                **style,
            )
    ax.axhline(0, color="0.6", lw=0.6)
    ax.axvline(0, color="0.6", lw=0.6)
    what = "$g(z)$ and $g'(z)$ (dashed)" if derivative else "$g(z)$"
    ax.set(xlabel="input $z$", ylabel=what, title="Activation functions")
    ax.legend(fontsize=8, ncols=2 if derivative else 1, loc="best")
    return ax


# --------------------------------------------------------------------------
# The framework's own differentiation
# --------------------------------------------------------------------------


def autodiff_derivative(fn: Callable, z) -> tuple[np.ndarray, str]:
    """Element-wise derivative of ``fn`` at ``z`` by the Keras backend's autodiff.

    ``fn`` maps a tensor to a tensor element-wise (``keras.activations.relu``).
    TensorFlow, JAX and PyTorch differentiate it themselves; on any other backend
    a central finite difference stands in.

    Returns:
        The derivative as a float array, and how it was computed.
    """
    import keras

    z = np.asarray(z, dtype=np.float32)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(z)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = keras.ops.sum(fn(x))
        return tape.gradient(total, x).numpy().astype(float), "tf.GradientTape"
    if backend == "jax":
        import jax

        grad = jax.grad(lambda x: keras.ops.sum(fn(x)))(z)
        return np.asarray(grad, dtype=float), "jax.grad"
    if backend == "torch":
        import torch

        x = torch.tensor(z, requires_grad=True)
        keras.ops.sum(fn(x)).backward()
        return x.grad.detach().cpu().numpy().astype(float), "torch.autograd"
    h, z64 = 1e-3, z.astype(float)
    up = keras.ops.convert_to_numpy(fn(z64 + h)).astype(float)
    down = keras.ops.convert_to_numpy(fn(z64 - h)).astype(float)
    return (up - down) / (2 * h), "finite differences"
