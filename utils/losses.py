"""Output layers and losses (notebook 05).

Stable NumPy softmax and sigmoid for a last layer's scores, the three
cross-entropies in NumPy (each matching ``keras.losses``), the lecture's
Table 4.1 (problem type -> last-layer activation -> loss) as data with a
lookup helper, and the ``check_*`` helpers of the notebook's exercises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from . import common

__all__ = [
    "CROSS_ENTROPY_EPSILON",
    "OUTPUT_LAYER_TABLE",
    "OutputLayerPairing",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "check_cross_entropy_from_logits",
    "check_cross_entropy_value",
    "check_output_layer",
    "output_layer_for",
    "output_layer_table_markdown",
    "plot_class_probabilities",
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
    z = _float_array(scores, "scores")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


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
        "binary_crossentropy", (), "0/1 vector with several 1s, e.g. [1, 0, 1, 0]",
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
# Exercise checks (notebook 05)
# --------------------------------------------------------------------------


def _as_number(answer) -> float | None:
    """``answer`` as a float if it is one real number, else None."""
    if isinstance(answer, bool | str | bytes) or answer is None:
        return None
    try:
        value = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(value) if value.size == 1 and np.isfinite(value).all() else None


def check_cross_entropy_value(answer, scores, true_class: int) -> common.CheckResult:
    """Check one sample's categorical cross-entropy computed from its scores."""
    check = common.ExerciseCheck("cross-entropy value")
    probabilities = stable_softmax(scores)
    expected = -np.log(probabilities[true_class])
    value = _as_number(answer)
    if answer is None:
        check.fail("answer is None: replace None with your computed loss")
        return check.verdict()
    if value is None:
        check.fail(
            f"expected one number, got {type(answer).__name__}; "
            "cross-entropy of one sample is a single value"
        )
        return check.verdict()
    if np.isclose(value, expected, atol=1e-3):
        return check.verdict(f"loss = {value:.3f}")
    others = [-np.log(p) for p in probabilities]
    if value < 0:
        check.fail("cross-entropy is never negative: did you forget the minus sign?")
    elif np.isclose(value, -np.log(stable_sigmoid(scores)[true_class]), atol=1e-3):
        check.fail("that uses the sigmoid; a single-label loss uses the softmax")
    elif any(np.isclose(value, other, atol=1e-3) for other in others):
        check.fail(f"that is −log of another class; the true class is {true_class}")
    elif np.isclose(value, expected, rtol=0.03):
        check.fail("close: use the unrounded softmax probabilities")
    else:
        check.fail(f"expected −log(softmax(scores)[{true_class}])")
    return check.verdict()


def _run_loss_function(fn: Callable, labels, scores, check) -> np.ndarray | None:
    """Call the student's function; record what went wrong and return None."""
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            result = fn(labels.copy(), scores.copy())
    except FloatingPointError as exc:
        fix = (
            "a probability rounded to 0 and log(0) = −inf: take the log-softmax "
            "directly, z − max(z) − log Σ exp(z − max(z))"
            if "log" in str(exc) or "divide" in str(exc)
            else "subtract each row's maximum score before np.exp (log-sum-exp)"
        )
        check.fail(f"NumPy reported '{exc}' for scores like ±1000: {fix}")
        return None
    except Exception as exc:  # a student's bug must not stop "Run all"
        check.fail(f"your function raised {type(exc).__name__}: {exc}")
        return None
    if result is None:
        check.fail("your function returned None: did you forget `return`?")
        return None
    try:
        return np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        check.fail(f"expected an array of losses, got {type(result).__name__}")
        return None


def check_cross_entropy_from_logits(fn: Callable) -> common.CheckResult:
    """Check ``fn(labels, scores)``: per-sample cross-entropy straight from scores.

    Tested on random scores and on extreme ones (±1000) against
    :func:`sparse_categorical_cross_entropy` with ``from_logits=True``.
    """
    check = common.ExerciseCheck("cross-entropy from scores")
    if not callable(fn):
        check.fail(f"expected a function, got {type(fn).__name__}")
        return check.verdict()
    rng = np.random.default_rng(0)
    cases = {
        "random scores": (rng.integers(0, 4, 6), rng.normal(0, 2, (6, 4))),
        "extreme scores": (
            np.array([0, 2, 1]),
            np.array([[1000.0, 0, -1000], [1000, 0, -1000], [0, 0, 0]]),
        ),
    }
    for case, (labels, scores) in cases.items():
        expected = sparse_categorical_cross_entropy(labels, scores, from_logits=True)
        result = _run_loss_function(fn, labels, scores, check)
        if result is None:
            break
        if result.shape != expected.shape:
            check.fail(
                f"{case}: expected one loss per sample, shape {expected.shape}; "
                f"got shape {result.shape} (sum over classes only, axis=-1)"
            )
        elif not np.all(np.isfinite(result)):
            check.fail(
                f"{case}: got NaN or inf; subtract each row's max score before "
                "np.exp and never take the log of a rounded-to-zero probability"
            )
        elif np.allclose(result, -expected, rtol=1e-6, atol=1e-6):
            check.fail(f"{case}: the sign is flipped: CE = −Σ y log ŷ")
        elif not np.allclose(result, expected, rtol=1e-6, atol=1e-6):
            check.fail(
                f"{case}: expected −log softmax(scores)[label] per sample; "
                f"got {np.round(result, 3).tolist()}"
            )
        if check.problems:
            break
    return check.verdict("matches Keras-style from_logits=True, even for ±1000")


def _loss_identity(loss) -> tuple[str, bool] | None:
    """(canonical Keras function name, from_logits) of a compiled loss."""
    import keras

    try:
        loss = keras.losses.get(loss) if isinstance(loss, str) else loss
    except ValueError:
        return None
    from_logits = bool(getattr(loss, "from_logits", False))
    if hasattr(loss, "get_config"):
        from_logits = bool(loss.get_config().get("from_logits", False))
    fn = getattr(loss, "fn", loss)
    return (getattr(fn, "__name__", None) or type(fn).__name__), from_logits


def _last_activation(model) -> str:
    layer = model.layers[-1]
    if hasattr(layer, "activation"):
        return layer.activation.__name__
    return type(layer).__name__.lower()  # keras.layers.Softmax, ReLU, ...


def _accepted_pairings(row: OutputLayerPairing) -> set[tuple[str, str, bool]]:
    """(activation, loss, from_logits) triples that implement a table row."""
    import keras

    accepted = set()
    for loss in (row.loss, *row.alternative_losses):
        name = keras.losses.get(loss).__name__
        accepted.add((row.activation, name, False))
        if name.endswith("crossentropy"):  # scores + a loss that applies it
            accepted.add(("linear", name, True))
    return accepted


def _output_layer_hint(row, activation, loss_name, from_logits, n_outputs) -> str:
    """Say what is wrong with a last layer / loss pairing, in the table's terms."""
    if activation == "softmax" and n_outputs == 1:
        return "softmax over one output is always 1.0; one yes/no output needs sigmoid"
    if from_logits and activation != "linear":
        return (
            f"from_logits=True but the last layer already applies {activation}: "
            "it would be applied twice; drop one of them"
        )
    if activation == "linear" and loss_name.endswith("crossentropy"):
        return (
            "the last layer outputs scores (no activation) but the loss expects "
            "probabilities: add the activation, or use the loss with from_logits=True"
        )
    if activation == "softmax" and row.activation == "sigmoid":
        return (
            "softmax makes the outputs compete (they sum to 1), but here each "
            "output is its own yes/no question: use sigmoid"
        )
    if activation == "sigmoid" and row.activation == "softmax":
        return (
            "sigmoid outputs are independent and need not sum to 1; exactly one "
            "class out of several needs softmax"
        )
    losses = " or ".join((row.loss, *row.alternative_losses))
    return (
        f"got activation '{activation}' with loss '{loss_name}'; Table 4.1 says "
        f"{row.description.lower()} needs '{row.activation}' with {losses}"
    )


def check_output_layer(model, problem_type: str, n_outputs: int) -> common.CheckResult:
    """Check a compiled Keras model's last layer and loss against Table 4.1.

    A sigmoid/softmax output with its loss passes, and so does a linear output
    (scores) with the matching cross-entropy and ``from_logits=True``.
    """
    import keras

    row = output_layer_for(problem_type)
    check = common.ExerciseCheck(f"last layer and loss ({row.description.lower()})")
    if not isinstance(model, keras.Model):
        check.fail(
            f"expected a Keras model, got {type(model).__name__}: "
            "does your function `return model`?"
        )
        return check.verdict()
    try:
        units = model.outputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError, ValueError):
        check.fail("the model has no known output shape: give it keras.Input")
        return check.verdict()
    if units != n_outputs:
        check.fail(f"the last layer has {units} output(s); expected {n_outputs}")
    identity = _loss_identity(getattr(model, "loss", None))
    if identity is None or not model.compiled:
        check.fail("compile the model with one loss: model.compile(loss=...)")
        return check.verdict()
    activation = _last_activation(model)
    loss_name, from_logits = identity
    if (activation, loss_name, from_logits) not in _accepted_pairings(row):
        check.fail(_output_layer_hint(row, activation, loss_name, from_logits, units))
    return check.verdict(f"'{activation}' with '{loss_name}' fits Table 4.1")
