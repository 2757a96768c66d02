"""Exercise checks of notebook 07 (the hands-on Fashion-MNIST network)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course.matrices import dense_stack_param_count

from .core import CheckResult, ExerciseCheck, call_student_function

__all__ = [
    "check_dense_param_count",
    "check_loss_for_labels",
    "check_scaled_images",
    "check_validation_accuracy",
]


def check_scaled_images(scale_images) -> CheckResult:
    """Check a function that scales uint8 pixels to float32 values in [0, 1]."""
    check = ExerciseCheck("Scaling pixels")
    pixels = np.array([[[0, 51, 102], [153, 204, 255]]], dtype=np.uint8)
    out = call_student_function(check, scale_images, pixels.copy())
    if out is None:
        return check.verdict()
    out = np.asarray(out)
    expected = pixels.astype("float32") / 255.0
    if out.shape != expected.shape:
        check.fail(
            f"shape {out.shape}, expected {expected.shape}: scale, don't reshape"
        )
    elif out.dtype != np.float32:
        check.fail(f"dtype {out.dtype}; Keras works in float32: use .astype('float32')")
    elif not np.allclose(out, expected, atol=1e-6):
        check.fail(
            f"pixel 255 became {out.max():.3g} and 0 became {out.min():.3g}; "
            "divide by the largest possible pixel value, 255"
        )
    return check.verdict("pixels are float32 in [0, 1]")


def check_dense_param_count(answer, layer_sizes: Sequence[int]) -> CheckResult:
    """Check a hand count of a Dense stack's parameters (weights and biases)."""
    check = ExerciseCheck(f"Parameters of a {'-'.join(map(str, layer_sizes))} network")
    expected = dense_stack_param_count(layer_sizes)
    if answer is None:
        check.fail("set your answer (it is still None)")
    elif isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        check.fail(f"expected a whole number, got {type(answer).__name__} {answer!r}")
    elif answer == dense_stack_param_count(layer_sizes, use_bias=False):
        check.fail("you counted the weights but forgot one bias per unit")
    elif answer != expected:
        check.fail(
            f"{answer} is off by {answer - expected:+d}; each Dense layer has "
            "inputs × units weights plus units biases"
        )
    return check.verdict(f"{expected:,} parameters")


def check_loss_for_labels(loss_name, y_true, y_prob) -> CheckResult:
    """Check that a Keras loss name suits the given labels and probabilities.

    The reference is computed at run time: the loss must run on these labels
    and equal the categorical cross-entropy of the true class's probability.
    """
    import keras

    check = ExerciseCheck("Choosing the loss")
    y_true, y_prob = np.asarray(y_true), np.asarray(y_prob, dtype="float32")
    if not isinstance(loss_name, str):
        check.fail(f"expected a loss name such as 'mse', got {loss_name!r}")
        return check.verdict()
    classes = y_true.argmax(axis=-1) if y_true.ndim == y_prob.ndim else y_true.ravel()
    expected = -np.log(y_prob[np.arange(len(y_prob)), classes.astype(int)]).mean()
    try:
        got = float(keras.ops.mean(keras.losses.get(loss_name)(y_true, y_prob)))
    except Exception as exc:  # the wrong pairing is exactly what we explain
        kind = "one-hot vectors" if y_true.ndim == y_prob.ndim else "integer class ids"
        check.fail(f"'{loss_name}' does not accept these labels ({kind}): {exc}"[:300])
        return check.verdict()
    if not np.isclose(got, expected, rtol=1e-4):
        check.fail(
            f"'{loss_name}' runs but gives {got:.4f}, not the cross-entropy of the "
            f"true class ({expected:.4f}): it is the wrong loss for a softmax output"
        )
    return check.verdict(f"'{loss_name}' gives the cross-entropy {expected:.4f}")


def check_validation_accuracy(history, target: float, max_epochs: int) -> CheckResult:
    """Check that a training run reached ``target`` validation accuracy in budget."""
    check = ExerciseCheck(f"Validation accuracy ≥ {target} within {max_epochs} epochs")
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        check.fail("pass the History that model.fit(...) returns")
        return check.verdict()
    keys = [k for k in logs if k.startswith("val_") and k.endswith("accuracy")]
    if not keys:
        check.fail(
            "no validation accuracy: fit with validation data and an accuracy metric"
        )
        return check.verdict()
    curve = logs[keys[0]]
    if len(curve) > max_epochs:
        check.fail(f"you trained {len(curve)} epochs; the budget is {max_epochs}")
    if max(curve) < target:
        check.fail(
            f"best validation accuracy {max(curve):.3f} < {target}; try a wider "
            "layer, another optimizer or learning rate, or a larger batch"
        )
    return check.verdict(f"best validation accuracy {max(curve):.3f}")
