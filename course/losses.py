"""Notebook 05: output layers and losses.

Stable NumPy softmax and sigmoid for a last layer's scores, the three
cross-entropies in NumPy (each matching ``keras.losses``), and the lecture's
Table 4.1 (problem type -> last-layer activation -> loss) as data with a
lookup helper. The exercise checks are in ``course.checks.losses``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from course.activations import np_sigmoid

__all__ = [
    "CROSS_ENTROPY_EPSILON",
    "OUTPUT_LAYER_TABLE",
    "OutputLayerPairing",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "output_layer_for",
    "output_layer_table_markdown",
    "plot_class_probabilities",
    "run_on_backend",
    "sparse_categorical_cross_entropy",
    "stable_sigmoid",
    "stable_softmax",
]


# --------------------------------------------------------------------------
# Output layers and losses: scores -> probabilities -> cross-entropy
# --------------------------------------------------------------------------

#: Probabilities are clipped to [ε, 1 − ε] before the log, as Keras does
#: (``keras.config.epsilon()``), so a probability of 0 costs −log ε ≈ 16.1.
CROSS_ENTROPY_EPSILON = 1e-7


def _float_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a finite float64 array, or raise a clear error."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be numbers (a list or array), got a string")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be numbers (a list or array), got {type(values).__name__}"
        ) from exc
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers; it contains NaN or inf")
    return array


def stable_softmax(scores, axis: int = -1) -> np.ndarray:
    """Softmax of ``scores`` along ``axis``, safe for any size of score.

    Subtracting the largest score first changes nothing mathematically
    (the factor e^(−max) cancels) but keeps every ``exp`` at most 1, so large
    scores cannot overflow.

    Args:
        scores: the last layer's outputs before activation, shape (..., k).
        axis: the axis holding the k classes.

    Returns:
        Probabilities of the same shape, summing to 1 along ``axis``.
    """
    z = _float_array(scores, "scores")
    if z.ndim == 0 or z.shape[axis] == 0:
        raise ValueError(
            f"scores must hold at least one score along axis {axis}; "
            f"got shape {z.shape}"
        )
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def stable_sigmoid(scores) -> np.ndarray:
    """Sigmoid 1 / (1 + e^(−z)) of each score, without overflow for large |z|.

    Uses e^(−|z|) ≤ 1 only: σ(z) = 1 / (1 + e^(−z)) for z ≥ 0 and
    e^z / (1 + e^z) for z < 0. Works on any shape, element by element.
    """
    return np_sigmoid(_float_array(scores, "scores"))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _check_probabilities(p: np.ndarray, name: str) -> None:
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(
            f"{name} must be probabilities in [0, 1]; got values from "
            f"{p.min():.3g} to {p.max():.3g}. If these are scores (logits, no "
            "activation on the last layer), pass from_logits=True."
        )


def _at_least_1d(p: np.ndarray, name: str) -> None:
    if p.ndim == 0:
        raise ValueError(
            f"{name} must have at least one axis (the outputs); got a single "
            "number: wrap it as [value]"
        )


def binary_cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits: bool = False,
    epsilon: float = CROSS_ENTROPY_EPSILON,
) -> np.ndarray:
    """Binary cross-entropy −[y log ŷ + (1 − y) log(1 − ŷ)], mean over the last axis.

    The same as ``keras.losses.binary_crossentropy``: one value per sample for
    a (n, k) multilabel array, or for a (n, 1) column; a scalar for a 1-D array.

    Args:
        y_true: labels in [0, 1] (spam = 1, not spam = 0), the shape of y_pred
            (or y_pred's shape without its trailing axis of size 1).
        y_pred: probabilities from a sigmoid, or scores if ``from_logits``.
        from_logits: y_pred are scores; the sigmoid is applied here, stably.
        epsilon: probabilities are clipped to [ε, 1 − ε] before the log.
    """
    y, p = _float_array(y_true, "y_true"), _float_array(y_pred, "y_pred")
    _at_least_1d(p, "y_pred")
    if y.shape != p.shape and p.shape == (*y.shape, 1):
        y = y[..., None]
    if y.shape != p.shape:
        raise ValueError(
            f"y_true has shape {y.shape} but y_pred has shape {p.shape}; binary "
            "cross-entropy needs one 0/1 label per output (the same shape)"
        )
    if y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(
            f"y_true must lie in [0, 1] (1 = positive, 0 = negative); got values "
            f"from {y.min():.3g} to {y.max():.3g}"
        )
    if from_logits:  # max(z, 0) − z·y + log(1 + e^(−|z|)): no overflow
        per_output = np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
    else:
        _check_probabilities(p, "y_pred")
        q = np.clip(p, epsilon, 1 - epsilon)
        per_output = -(y * np.log(q) + (1 - y) * np.log1p(-q))
    return per_output.mean(axis=-1)


def categorical_cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits: bool = False,
    epsilon: float = CROSS_ENTROPY_EPSILON,
) -> np.ndarray:
    """Categorical cross-entropy CE = −Σᵢ yᵢ log ŷᵢ over the last axis, per sample.

    The same as ``keras.losses.categorical_crossentropy``. For a one-hot y it
    is −log of the probability given to the true class.

    Args:
        y_true: one-hot vectors (or probability distributions), shape (..., k).
        y_pred: softmax probabilities (..., k), or scores if ``from_logits``.
        from_logits: y_pred are scores; a stable log-softmax is applied here.
        epsilon: probabilities are clipped to [ε, 1 − ε] before the log.
    """
    y, p = _float_array(y_true, "y_true"), _float_array(y_pred, "y_pred")
    _at_least_1d(p, "y_pred")
    if y.shape != p.shape:
        hint = (
            " y_true looks like integer class indices: use "
            "sparse_categorical_cross_entropy, or one-hot encode them with "
            "keras.utils.to_categorical."
            if y.shape == p.shape[:-1]
            else ""
        )
        raise ValueError(
            f"y_true has shape {y.shape} but y_pred has shape {p.shape}; "
            f"they must match.{hint}"
        )
    if y.size and (y.min() < 0 or not np.allclose(y.sum(axis=-1), 1, atol=1e-3)):
        raise ValueError(
            "each row of y_true must be a one-hot vector (or sum to 1). Several "
            "1s mean a multilabel task: use sigmoid + binary cross-entropy."
        )
    if from_logits:
        return -(y * _log_softmax(p)).sum(axis=-1)
    _check_probabilities(p, "y_pred")
    if p.size and not np.allclose(p.sum(axis=-1), 1, atol=1e-3):
        raise ValueError(
            "each row of y_pred must sum to 1 (a softmax output); sigmoid "
            "outputs do not. For scores pass from_logits=True."
        )
    q = np.clip(p / p.sum(axis=-1, keepdims=True), epsilon, 1 - epsilon)
    return -(y * np.log(q)).sum(axis=-1)


def sparse_categorical_cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits: bool = False,
    epsilon: float = CROSS_ENTROPY_EPSILON,
) -> np.ndarray:
    """Categorical cross-entropy with integer labels: −log ŷ[label], per sample.

    The same as ``keras.losses.sparse_categorical_crossentropy``.

    Args:
        y_true: class indices 0 … k−1, shape (...) or (..., 1).
        y_pred: softmax probabilities (..., k), or scores if ``from_logits``.
        from_logits: y_pred are scores; a stable log-softmax is applied here.
        epsilon: probabilities are clipped to [ε, 1 − ε] before the log.
    """
    p = _float_array(y_pred, "y_pred")
    _at_least_1d(p, "y_pred")
    y = _float_array(y_true, "y_true")
    k = p.shape[-1]
    if y.shape == p.shape and k > 1:
        raise ValueError(
            f"y_true has the shape of y_pred {p.shape}: it looks one-hot. The "
            f"sparse loss wants one class index per sample (shape {p.shape[:-1]});"
            " use categorical_cross_entropy for one-hot labels, or "
            "y_true.argmax(axis=-1)."
        )
    if y.shape == (*p.shape[:-1], 1):
        y = y[..., 0]
    if y.shape != p.shape[:-1]:
        raise ValueError(
            f"y_true has shape {y.shape} but y_pred has shape {p.shape}; expected "
            f"one class index per sample, shape {p.shape[:-1]}"
        )
    if y.size and (np.any(y != np.round(y)) or y.min() < 0 or y.max() >= k):
        raise ValueError(
            f"y_true must be whole class indices 0 … {k - 1} (y_pred has {k} "
            f"classes); got values from {y.min():.3g} to {y.max():.3g}"
        )
    one_hot = np.eye(k)[y.astype(int)]
    return categorical_cross_entropy(
        one_hot, p, from_logits=from_logits, epsilon=epsilon
    )


def plot_class_probabilities(
    probabilities,
    class_names,
    ax=None,
    title: str | None = None,
    true_class: int | None = None,
):
    """Bar chart of one sample's class probabilities, each bar labelled with its value.

    Args:
        probabilities: k values in [0, 1] (a softmax or sigmoid output).
        class_names: k names for the x-axis.
        ax: the Axes to draw on, or None for a new one.
        title: the panel title; the sum of the probabilities is added to it.
        true_class: index of the true class: its bar is hatched and its name
            marked "(true)", so it does not rely on colour.

    Returns:
        The Axes.
    """
    p = _float_array(probabilities, "probabilities")
    names = [str(name) for name in class_names]
    if p.ndim != 1 or len(p) != len(names):
        raise ValueError(
            f"expected one probability per class name ({len(names)}), "
            f"got shape {p.shape}"
        )
    _check_probabilities(p, "probabilities")
    if true_class is not None and not 0 <= true_class < len(names):
        raise ValueError(f"true_class must be 0 … {len(names) - 1}, got {true_class}")
    ax = ax or plt.subplots(figsize=(4.8, 3.6))[1]
    if true_class is not None:
        names[true_class] += "\n(true)"
    bars = ax.bar(names, p, edgecolor="black")
    if true_class is not None:
        bars[true_class].set_hatch("//")
    ax.bar_label(bars, fmt="%.2f")
    heading = f"{title}: sum = {p.sum():.2f}" if title else f"sum = {p.sum():.2f}"
    ax.set(ylim=(0, 1.15), ylabel="probability", xlabel="class", title=heading)
    return ax


# --------------------------------------------------------------------------
# Table 4.1: problem type -> last-layer activation -> loss
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputLayerPairing:
    """One row of Table 4.1: a problem type, its last-layer activation and loss.

    ``activation`` and the losses are names Keras accepts (``"linear"`` means
    no activation); ``labels`` says how y is encoded for that loss.
    """

    problem_type: str
    description: str
    activation: str
    loss: str
    alternative_losses: tuple[str, ...]
    labels: str
    example: str


OUTPUT_LAYER_TABLE: tuple[OutputLayerPairing, ...] = (
    OutputLayerPairing(
        "binary", "Binary classification", "sigmoid", "binary_crossentropy", (),
        "one 0/1 per sample (spam = 1, not spam = 0)", "spam or not spam",
    ),
    OutputLayerPairing(
        "multiclass", "Multiclass, single-label classification", "softmax",
        "categorical_crossentropy", ("sparse_categorical_crossentropy",),
        "one-hot vector [0, 0, 1, 0] (class index 2 with the sparse loss)",
        "which one animal is in the photo",
    ),
    OutputLayerPairing(
        "multilabel", "Multiclass, multilabel classification", "sigmoid",
        "binary_crossentropy", (),
        "0/1 vector with any number of 1s (none too), e.g. [1, 0, 1, 0]",
        "which animals are in the photo",
    ),
    OutputLayerPairing(
        "regression", "Regression to arbitrary values", "linear", "mse", (),
        "real numbers", "price of a house",
    ),
    OutputLayerPairing(
        "regression_0_1", "Regression to values between 0 and 1", "sigmoid",
        "mse", ("binary_crossentropy",), "numbers in [0, 1]",
        "fraction of a photo that is sky",
    ),
)  # fmt: skip


def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def output_layer_for(problem_type: str) -> OutputLayerPairing:
    """Return the row of Table 4.1 for a problem type.

    Args:
        problem_type: a key (``"binary"``, ``"multiclass"``, ``"multilabel"``,
            ``"regression"``, ``"regression_0_1"``) or a row's description;
            case, spaces and hyphens do not matter.

    Raises:
        ValueError: unknown problem type (the message lists the known ones).
    """
    if not isinstance(problem_type, str):
        raise TypeError(
            f"problem_type must be a string such as 'binary', "
            f"got {type(problem_type).__name__}"
        )
    wanted = _normalise_name(problem_type)
    for row in OUTPUT_LAYER_TABLE:
        names = (row.problem_type, row.description)
        if wanted in {_normalise_name(name) for name in names}:
            return row
    known = ", ".join(repr(row.problem_type) for row in OUTPUT_LAYER_TABLE)
    raise ValueError(f"unknown problem type {problem_type!r}; expected one of {known}")


def output_layer_table_markdown() -> str:
    """Table 4.1 as a Markdown table (show it with ``IPython.display.Markdown``)."""
    lines = [
        "| Problem type | Last-layer activation | Loss | Labels y | Example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in OUTPUT_LAYER_TABLE:
        activation = "None (linear)" if row.activation == "linear" else row.activation
        loss = " or ".join(f"`{name}`" for name in (row.loss, *row.alternative_losses))
        lines.append(
            f"| {row.description} | `{activation}` | {loss} | {row.labels} "
            f"| {row.example} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Running a snippet on another Keras backend (the backend is per process)
# --------------------------------------------------------------------------

#: The kernel environment's reproducibility settings (the same values as
#: ``tools.kernel_env``, which ``course`` does not import).
_SUBPROCESS_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONHASHSEED": "0",
    "TF_DETERMINISTIC_OPS": "1",
}


def _warning_messages(stderr: str) -> list[str]:
    """The text of each Python warning in ``stderr``, without its file path."""
    found = re.findall(r"(\w+Warning): (.*)", stderr)
    return [kind + ": " + text.strip().strip('"') for kind, text in found]


def run_on_backend(
    code: str, backend: str, env: Mapping[str, str] | None = None, timeout: int = 300
) -> tuple[dict, list[str]]:
    """Run ``code`` in a fresh Python with ``KERAS_BACKEND=backend``.

    Keras picks its backend once per process, so comparing backends needs a
    new process. The snippet must print one JSON object as its last line.

    Args:
        code: Python source to run.
        backend: ``"tensorflow"``, ``"jax"`` or ``"torch"``.
        env: the environment to start from (default: this process's), to
            which the kernel's reproducibility settings are added if missing.
        timeout: seconds before the run is abandoned.

    Returns:
        The parsed JSON object and the warnings the run printed (message only).

    Raises:
        ValueError: unknown backend. RuntimeError: the snippet failed or
        printed no JSON (the message holds the end of its error output).
    """
    if backend not in {"tensorflow", "jax", "torch"}:
        raise ValueError(
            f"backend must be 'tensorflow', 'jax' or 'torch', got {backend!r}"
        )
    run_env = {**_SUBPROCESS_ENV, **dict(os.environ if env is None else env)}
    run_env["KERAS_BACKEND"] = backend
    done = subprocess.run(
        [sys.executable, "-c", code], env=run_env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the {backend} run failed:\n{done.stderr[-1500:]}")
    return json.loads(lines[-1]), _warning_messages(done.stderr)
