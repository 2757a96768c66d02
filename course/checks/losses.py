"""Exercise checks of notebook 05 (output layers and losses)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course import losses
from course.activations import np_sigmoid

from .core import ExerciseCheck, as_array, as_number, call_student, exercise_check

__all__ = [
    "SCENARIOS",
    "check_cross_entropy_from_logits",
    "check_cross_entropy_value",
    "check_output_layer",
    "check_scenarios",
    "check_tag_threshold",
]


@exercise_check("cross-entropy value")
def check_cross_entropy_value(check: ExerciseCheck, answer, scores, true_class: int):
    """Check one sample's categorical cross-entropy computed from its scores."""
    probabilities = losses.stable_softmax(scores)
    expected = -np.log(probabilities[true_class])
    value = as_number(check, answer, "answer")
    check.stop_if_failed()
    if np.isclose(value, expected, atol=1e-3):
        return f"loss = {value:.3f}"
    others = [-np.log(p) for p in probabilities]
    if value < 0:
        check.fail("cross-entropy is never negative: did you forget the minus sign?")
    elif np.isclose(value, -np.log(np_sigmoid(scores)[true_class]), atol=1e-3):
        check.fail("that uses the sigmoid; a single-label loss uses the softmax")
    elif any(np.isclose(value, other, atol=1e-3) for other in others):
        check.fail(f"that is −log of another class; the true class is {true_class}")
    elif np.isclose(value, expected, rtol=0.03):
        check.fail("close: use the unrounded softmax probabilities")
    else:
        check.fail(f"expected −log(softmax(scores)[{true_class}])")
    return None


def _stability_hint(message: str) -> str:
    """What to change when NumPy reported ``message`` for scores like ±1000."""
    fix = (
        "a probability rounded to 0 and log(0) = −inf: take the log-softmax "
        "directly, z − max(z) − log Σ exp(z − max(z))"
        if "log" in message or "divide" in message
        else "subtract each row's maximum score before np.exp (log-sum-exp)"
    )
    return f"NumPy reported '{message}' for scores like ±1000: {fix}"


_STRICT = {"over": "raise", "invalid": "raise", "divide": "raise"}


def _cross_entropy_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    return {
        "random scores": (rng.integers(0, 4, 6), rng.normal(0, 2, (6, 4))),
        "extreme scores": (
            np.array([0, 2, 1]),
            np.array([[1000.0, 0, -1000], [1000, 0, -1000], [0, 0, 0]]),
        ),
    }


@exercise_check(
    "cross-entropy from scores",
    success="matches Keras-style from_logits=True, even for ±1000",
)
def check_cross_entropy_from_logits(check: ExerciseCheck, fn: Callable) -> None:
    """Check ``fn(labels, scores)``: per-sample cross-entropy straight from scores.

    Tested on random scores and on extreme ones (±1000) against
    :func:`losses.sparse_categorical_cross_entropy` with ``from_logits=True``.
    """
    for case, (labels, scores) in _cross_entropy_cases().items():
        expected = losses.sparse_categorical_cross_entropy(
            labels, scores, from_logits=True
        )
        result = call_student(
            check,
            fn,
            labels.copy(),
            scores.copy(),
            errstate=_STRICT,
            numeric_hint=_stability_hint,
        )
        check.stop_if_failed()
        result = as_array(
            check,
            result,
            f"the losses for {case}",
            expected.shape,
            shape_hint="One loss per sample: sum over the classes only (axis=-1).",
        )
        check.stop_if_failed()
        check.require(
            not np.allclose(result, -expected, rtol=1e-6, atol=1e-6),
            f"{case}: the sign is flipped: CE = −Σ y log ŷ",
        )
        check.require(
            np.allclose(result, expected, rtol=1e-6, atol=1e-6),
            f"{case}: expected −log softmax(scores)[label] per sample; "
            f"got {np.round(result, 3).tolist()}",
        )


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


@exercise_check("last layer and loss")
def check_output_layer(
    check: ExerciseCheck,
    model,
    problem_type: str,
    n_outputs: int,
    n_inputs: int | None = None,
) -> str:
    """Check a compiled Keras model's last layer and loss against Table 4.1.

    A sigmoid/softmax output with its loss passes, and so does a linear output
    (scores) with the matching cross-entropy and ``from_logits=True``. With
    ``n_inputs``, the model must also take that many features per sample.
    """
    import keras

    row = losses.output_layer_for(problem_type)
    check.name = f"last layer and loss ({row.description.lower()})"
    check.require(
        isinstance(model, keras.Model),
        f"expected a Keras model, got {type(model).__name__}: "
        "does your function `return model`?",
    )
    try:
        units = model.outputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError, ValueError):
        check.stop("the model has no known output shape: give it keras.Input")
    if units != n_outputs:
        check.fail(f"the last layer has {units} output(s); expected {n_outputs}")
    if n_inputs is not None:
        features = model.inputs[0].shape[-1] if model.inputs else None
        if features != n_inputs:
            check.fail(
                f"the model takes {features} feature(s) per sample; each sample "
                f"here has {n_inputs}: check keras.Input(shape=...)"
            )
    identity = _loss_identity(getattr(model, "loss", None))
    check.require(
        identity is not None and model.compiled,
        "compile the model with one loss: model.compile(loss=...)",
    )
    activation = _last_activation(model)
    loss_name, from_logits = identity
    if (activation, loss_name, from_logits) not in _accepted_pairings(row):
        check.fail(_output_layer_hint(row, activation, loss_name, from_logits, units))
    return f"'{activation}' with '{loss_name}' fits Table 4.1"


# --------------------------------------------------------------------------
# Which problem type, which last layer, which loss? (exercise 5)
# --------------------------------------------------------------------------

#: Letter -> what a network should predict (the scenarios of exercise 5).
SCENARIOS: dict[str, str] = {
    "a": "the selling price of a used car, in euros",
    "b": "whether a credit-card payment is fraud",
    "c": "which of the 10 digits a handwritten image shows",
    "d": "which of 20 topics a news article covers (any number, even none)",
    "e": "the share of a satellite image covered by forest (0 to 1)",
    "f": "tomorrow's temperature in °C",
    "g": "which genres out of 12 a film belongs to",
    "h": "which one of 5 dog breeds a photo shows",
}

#: Letter -> the problem type of Table 4.1 each scenario belongs to.
_SCENARIO_TYPES: dict[str, str] = {
    "a": "regression", "b": "binary", "c": "multiclass", "d": "multilabel",
    "e": "regression_0_1", "f": "regression", "g": "multilabel", "h": "multiclass",
}  # fmt: skip

_SCENARIO_HINTS = {
    "regression": "any real number: which output leaves the score as it is?",
    "regression_0_1": "one number between 0 and 1, not a class",
    "binary": "one yes/no answer per sample",
    "multiclass": "exactly one of several classes: the outputs must compete",
    "multilabel": "several yes/no answers at once that do not exclude each other",
}


def _pairing_of(answer) -> tuple[str, str, bool] | None:
    """(activation, Keras loss name, False) for an answer ("act", "loss")."""
    import keras

    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return None
    activation, loss = answer
    if activation is None or activation == "none":
        activation = "linear"
    if not isinstance(activation, str) or not isinstance(loss, str):
        return None
    try:
        loss_name = keras.losses.get(loss).__name__
    except (ValueError, TypeError, AttributeError):
        return None
    return activation.lower(), loss_name, False


@exercise_check("which last layer and loss")
def check_scenarios(check: ExerciseCheck, answers) -> str:
    """Check a dict letter -> (last-layer activation, loss) for SCENARIOS."""
    check.require(
        isinstance(answers, dict),
        "answers must be a dict: letter -> (activation, loss), e.g. {'a': (..., ...)}",
    )
    missing = sorted(set(SCENARIOS) - set(answers))
    check.require(not missing, f"answer every scenario; missing: {missing}")
    for letter, problem_type in _SCENARIO_TYPES.items():
        row = losses.output_layer_for(problem_type)
        pairing = _pairing_of(answers[letter])
        if pairing is None:
            check.fail(
                f"{letter}: give a pair of two strings, (activation, loss), "
                "with names Keras knows (as in Table 4.1)"
            )
        elif pairing not in _accepted_pairings(row):
            check.fail(f"{letter}: {_SCENARIO_HINTS[problem_type]}")
    return f"all {len(SCENARIOS)} scenarios paired as Table 4.1 says"


# --------------------------------------------------------------------------
# A threshold for multilabel outputs (exercise 6)
# --------------------------------------------------------------------------


def _exact_match(probabilities, labels, threshold: float) -> float:
    """Share of samples whose every tag is right at this threshold."""
    return float(np.mean(((probabilities > threshold) == (labels > 0.5)).all(axis=1)))


@exercise_check("tag threshold")
def check_tag_threshold(
    check: ExerciseCheck, threshold, probabilities, labels, thresholds
) -> str:
    """Check a threshold that gets the most samples' tags all right on the grid."""
    value = as_number(check, threshold, "the threshold")
    check.stop_if_failed()
    check.require(0 < value < 1, "a threshold on probabilities lies between 0 and 1")
    scores = [_exact_match(probabilities, labels, t) for t in thresholds]
    score = _exact_match(probabilities, labels, value)
    if not np.isclose(score, max(scores)):
        default = " (0.5 is only the default)" if np.isclose(value, 0.5) else ""
        check.fail(
            f"at {value:.2f}, {score:.1%} of the samples get every tag right; "
            f"another threshold in the grid does better{default}: compare them all"
        )
    return f"threshold {value:.2f}: {score:.1%} of the samples get every tag right"
