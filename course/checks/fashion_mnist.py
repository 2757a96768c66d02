"""Exercise checks of notebook 07 (the hands-on Fashion-MNIST network)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course.matrices import dense_stack_param_count

from .core import (
    ExerciseCheck,
    as_array,
    as_whole_number,
    call_student,
    exercise_check,
)

__all__ = [
    "check_dense_param_count",
    "check_loss_for_labels",
    "check_scaled_images",
    "check_validation_accuracy",
]


@exercise_check("Scaling pixels", success="pixels are float32 in [0, 1]")
def check_scaled_images(check: ExerciseCheck, scale_images) -> None:
    """Check a function that scales uint8 pixels to float32 values in [0, 1]."""
    pixels = np.array([[[0, 51, 102], [153, 204, 255]]], dtype=np.uint8)
    expected = pixels.astype("float32") / 255.0
    out = call_student(check, scale_images, pixels.copy())
    check.stop_if_failed()
    values = as_array(
        check, out, "the scaled images", expected.shape, "Scale, don't reshape."
    )
    check.stop_if_failed()
    dtype = np.asarray(out).dtype
    check.require(
        dtype == np.float32,
        f"dtype {dtype}; Keras works in float32: use .astype('float32')",
    )
    check.require(
        np.allclose(values, expected, atol=1e-6),
        f"pixel 255 became {values.max():.3g} and 0 became {values.min():.3g}; "
        "divide by the largest possible pixel value, 255",
    )


@exercise_check("Parameters of a network")
def check_dense_param_count(
    check: ExerciseCheck, answer, layer_sizes: Sequence[int]
) -> str:
    """Check a hand count of a Dense stack's parameters (weights and biases)."""
    check.name = f"Parameters of a {'-'.join(map(str, layer_sizes))} network"
    expected = dense_stack_param_count(layer_sizes)
    count = as_whole_number(check, answer, "your count")
    check.stop_if_failed()
    check.require(
        count != dense_stack_param_count(layer_sizes, use_bias=False),
        "you counted the weights but forgot one bias per unit",
    )
    check.require(
        count == expected,
        f"{count} is off by {count - expected:+d}; each Dense layer has "
        "inputs × units weights plus units biases",
    )
    return f"{expected:,} parameters"


@exercise_check("Choosing the loss")
def check_loss_for_labels(check: ExerciseCheck, loss_name, y_true, y_prob) -> str:
    """Check that a Keras loss name suits the given labels and probabilities.

    The reference is computed at run time: the loss must run on these labels
    and equal the categorical cross-entropy of the true class's probability.
    """
    import keras

    y_true, y_prob = np.asarray(y_true), np.asarray(y_prob, dtype="float32")
    check.require(
        isinstance(loss_name, str),
        f"expected a loss name such as 'mse', got {loss_name!r}",
    )
    classes = y_true.argmax(axis=-1) if y_true.ndim == y_prob.ndim else y_true.ravel()
    expected = -np.log(y_prob[np.arange(len(y_prob)), classes.astype(int)]).mean()
    try:
        got = float(keras.ops.mean(keras.losses.get(loss_name)(y_true, y_prob)))
    except Exception as exc:  # the wrong pairing is exactly what we explain
        kind = "one-hot vectors" if y_true.ndim == y_prob.ndim else "integer class ids"
        check.stop(f"'{loss_name}' does not accept these labels ({kind}): {exc}"[:300])
    check.require(
        np.isclose(got, expected, rtol=1e-4),
        f"'{loss_name}' runs but gives {got:.4f}, not the cross-entropy of the "
        f"true class ({expected:.4f}): it is the wrong loss for a softmax output",
    )
    return f"'{loss_name}' gives the cross-entropy {expected:.4f}"


@exercise_check("Validation accuracy")
def check_validation_accuracy(
    check: ExerciseCheck, history, target: float, max_epochs: int
) -> str:
    """Check that a training run reached ``target`` validation accuracy in budget."""
    check.name = f"Validation accuracy ≥ {target} within {max_epochs} epochs"
    logs = getattr(history, "history", history)
    check.require(
        isinstance(logs, dict), "pass the History that model.fit(...) returns"
    )
    keys = [k for k in logs if k.startswith("val_") and k.endswith("accuracy")]
    check.require(
        keys, "no validation accuracy: fit with validation data and an accuracy metric"
    )
    curve = logs[keys[0]]
    if len(curve) > max_epochs:
        check.fail(f"you trained {len(curve)} epochs; the budget is {max_epochs}")
    if max(curve) < target:
        check.fail(
            f"best validation accuracy {max(curve):.3f} < {target}; try a wider "
            "layer, another optimizer or learning rate, or a larger batch"
        )
    return f"best validation accuracy {max(curve):.3f}"
