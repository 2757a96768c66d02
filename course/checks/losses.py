"""Exercise checks of notebook 05 (output layers and losses)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course import losses

from .core import CheckResult, ExerciseCheck

__all__ = [
    "check_cross_entropy_from_logits",
    "check_cross_entropy_value",
    "check_output_layer",
]


def _as_number(answer) -> float | None:
    """``answer`` as a float if it is one real number, else None."""
    if isinstance(answer, bool | str | bytes) or answer is None:
        return None
    try:
        value = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(value) if value.size == 1 and np.isfinite(value).all() else None


def check_cross_entropy_value(answer, scores, true_class: int) -> CheckResult:
    """Check one sample's categorical cross-entropy computed from its scores."""
    check = ExerciseCheck("cross-entropy value")
    probabilities = losses.stable_softmax(scores)
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
    elif np.isclose(
        value, -np.log(losses.stable_sigmoid(scores)[true_class]), atol=1e-3
    ):
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


def check_cross_entropy_from_logits(fn: Callable) -> CheckResult:
    """Check ``fn(labels, scores)``: per-sample cross-entropy straight from scores.

    Tested on random scores and on extreme ones (±1000) against
    :func:`losses.sparse_categorical_cross_entropy` with ``from_logits=True``.
    """
    check = ExerciseCheck("cross-entropy from scores")
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
        expected = losses.sparse_categorical_cross_entropy(
            labels, scores, from_logits=True
        )
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


def _accepted_pairings(row: losses.OutputLayerPairing) -> set[tuple[str, str, bool]]:
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


def check_output_layer(model, problem_type: str, n_outputs: int) -> CheckResult:
    """Check a compiled Keras model's last layer and loss against Table 4.1.

    A sigmoid/softmax output with its loss passes, and so does a linear output
    (scores) with the matching cross-entropy and ``from_logits=True``.
    """
    import keras

    row = losses.output_layer_for(problem_type)
    check = ExerciseCheck(f"last layer and loss ({row.description.lower()})")
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
