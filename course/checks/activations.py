"""Exercise checks of notebook 03 (non-linearity and activation functions)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

import numpy as np

from course import activations

from .core import CheckResult, ExerciseCheck, as_array, call_student, exercise_check
from .neuron import grade_quiz

__all__ = [
    "check_activation_derivative",
    "check_activation_function",
    "check_output_activations",
    "check_quiz",
    "check_xor_relu_weights",
]


def _test_inputs() -> np.ndarray:
    """Inputs for the checks: a fine grid (no point exactly at a kink) + extremes."""
    grid = np.linspace(-8, 8, 400)
    return np.concatenate([[-1e4, -800.0, -50.0], grid, [50.0, 800.0, 1e4]])


_STABILITY_HINT = (
    "np.exp overflowed for a large |z|. np.where evaluates BOTH branches for "
    "every element: make sure the exponential never sees a large positive z."
)
# Only an overflow becomes a hint: 0/0 inside an np.where branch is harmless.
_OVERFLOW_ONLY = {
    "over": "warn",
    "divide": "ignore",
    "invalid": "ignore",
    "under": "ignore",
}


@exercise_check("activation")
def _elementwise_check(
    check: ExerciseCheck, fn, name: str, params: dict, use_derivative: bool
) -> str:
    """Compare ``fn`` with the gallery's function (or derivative) ``name``."""
    z = _test_inputs()
    try:
        spec = activations.get_activation_spec(name)
        reference = spec.derivative if use_derivative else spec.function
        expected = reference(z, **params)
    except (TypeError, ValueError) as exc:  # the notebook's own call is wrong
        check.name = f"check of {name!r}"
        check.stop(str(exc))
    what = f"{spec.label}′" if use_derivative else spec.label
    check.name = what
    out = call_student(
        check, fn, z.copy(), errstate=_OVERFLOW_ONLY, numeric_hint=_STABILITY_HINT
    )
    check.stop_if_failed()
    out = as_array(
        check,
        out,
        f"{what} of z",
        z.shape,
        shape_hint="Apply the function element-wise (np.where / np.maximum, not if).",
    )
    check.stop_if_failed()
    bad = ~np.isclose(out, expected, rtol=1e-6, atol=1e-8)
    i = int(np.flatnonzero(bad)[0]) if bad.any() else 0
    check.require(
        not bad.any(),
        f"{np.count_nonzero(bad)} of {len(z)} values are off; e.g. at "
        f"z = {z[i]:g} you return {out[i]:.6g} but {what} is {expected[i]:.6g}",
    )
    return f"matches the reference on {len(z)} inputs in [-1e4, 1e4], with no overflow"


def check_activation_function(fn: Callable, name: str, **params) -> CheckResult:
    """Check a student's NumPy activation ``fn`` against the gallery's ``name``.

    ``fn`` is called once on an array of inputs (including ±1e4, to catch
    overflow); ``params`` (e.g. ``alpha=1.0``) go to the reference only.
    Prints ✅ or ❌ with a hint; the result is truthy when it matched.
    """
    return _elementwise_check(fn, name, params, use_derivative=False)


def check_activation_derivative(fn: Callable, name: str, **params) -> CheckResult:
    """Check a student's derivative ``fn`` against the gallery's ``name``.

    Same inputs as :func:`check_activation_function`; prints ✅/❌ with a hint.
    """
    return _elementwise_check(fn, name, params, use_derivative=True)


def _require_xor_shapes(check: ExerciseCheck, w1, c1, w2, c2):
    """W1 (2, k), b1 (k,), W2 (k, 1) and b2 (1,) as arrays; ends the check if not."""
    check.require(
        w1.ndim == 2 and w1.shape[0] == 2,
        f"W1 must have shape (2, n_hidden); got {w1.shape}",
    )
    k = w1.shape[1]
    check.require(
        c1.shape == (k,) and w2.size == k and c2.size == 1,
        f"with W1 of shape (2, {k}), expected b1 ({k},), W2 ({k}, 1) and b2 "
        f"(1,); got {c1.shape}, {w2.shape}, {c2.shape}",
    )
    return w1, c1, w2.reshape(k, 1), c2.reshape(1)


_XOR_HINT = (
    "hint: one hidden unit can count the inputs that are on (x1 + x2), "
    "another can fire only when both are (x1 + x2 - 1)"
)


@exercise_check("XOR with ReLU")
def check_xor_relu_weights(check: ExerciseCheck, W1, b1, W2, b2) -> str:
    """Check hand-picked weights of a 2-n-1 ReLU network that must compute XOR.

    The network is ``relu(x @ W1 + b1) @ W2 + b2`` with a linear output; an
    output above 0.5 means class 1. Prints ✅/❌ with a hint.
    """
    answers = zip((W1, b1, W2, b2), ("W1", "b1", "W2", "b2"), strict=True)
    arrays = [as_array(check, answer, name) for answer, name in answers]
    check.stop_if_failed()
    w1, c1, w2, c2 = _require_xor_shapes(check, *arrays)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    target = np.logical_xor(x[:, 0], x[:, 1])
    with np.errstate(all="ignore"):
        out = (activations.np_relu(x @ w1 + c1) @ w2 + c2).ravel()
        linear = ((x @ w1 + c1) @ w2 + c2).ravel()
    for xi, yi, ti in zip(x, out, target, strict=True):
        if not np.isfinite(yi) or (yi > 0.5) != ti:
            need = "> 0.5" if ti else "<= 0.5"
            check.fail(
                f"x = {xi.astype(int).tolist()}: output {yi:.3g} but XOR is "
                f"{int(ti)} (need {need})"
            )
    check.require(not check.problems, _XOR_HINT)
    linear_ok = np.array_equal(linear > 0.5, target)
    note = "" if linear_ok else " (the same weights without ReLU do not)"
    return f"outputs {np.round(out, 3).tolist()} compute XOR{note}"


# Each output task: the scores fed in (one output unit or three), a test of the
# outputs, and the hint shown when it fails.
_OUTPUT_TASKS = {
    "binary": (
        [[-1000.0], [-30.0], [-1.0], [0.0], [1.0], [30.0], [1000.0]],
        lambda y: bool(np.all((y >= 0) & (y <= 1)) and y[-1, 0] - y[0, 0] > 0.9),
        "one output unit must give a probability in [0, 1] that grows with the score",
    ),
    "multiclass": (
        [[-1000.0, 0.0, 1000.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-30.0, 5.0, 30.0]],
        lambda y: (
            bool(np.all((y >= 0) & (y <= 1)))
            and np.allclose(y.sum(axis=-1), 1, atol=1e-5)
        ),
        "the class probabilities must lie in [0, 1] and sum to 1 over the "
        "classes: the activation has to look at all scores together",
    ),
    "regression": (
        [[-1000.0], [-1.0], [0.0], [1.0], [1000.0]],
        lambda y: bool(y.min() < -100 and y.max() > 100),
        "a temperature can be any real number (say -40 or 300): the output "
        "must not be bounded above or below",
    ),
    "positive": (
        [[-1000.0], [-1.0], [0.0], [1.0], [1000.0]],
        lambda y: bool(y.min() >= 0 and y.max() > 100),
        "a price is never negative but has no upper limit: outputs must be "
        ">= 0 and unbounded above",
    ),
}


def _output_activation_problem(task: str, choice) -> str | None:
    """Return what is wrong with ``choice`` for ``task``, or None if it fits."""
    import keras

    if choice is not None and not isinstance(choice, str):
        return f"{task}: expected a Keras activation name (a string); got {choice!r}"
    try:
        fn = keras.activations.get(choice)
    except (ValueError, TypeError):
        return f"{task}: {choice!r} is not a keras.activations function"
    scores, fits, hint = _OUTPUT_TASKS[task]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # e.g. Keras' softmax-of-one-unit warning
        y = keras.ops.convert_to_numpy(fn(np.asarray(scores, dtype="float32")))
    if fits(np.asarray(y, dtype=np.float64)):
        return None
    extra = " (softmax of a single unit is always 1)" if choice == "softmax" else ""
    return f"{task}: {choice!r} does not fit — {hint}{extra}"


@exercise_check("output activations", success="every output layer fits its task")
def check_output_activations(
    check: ExerciseCheck, choices: Mapping[str, str | None]
) -> None:
    """Check the output-layer activation chosen for each of four tasks.

    Args:
        choices: maps "binary", "multiclass", "regression" and "positive" (a
            value that is never negative) to a ``keras.activations`` name, or
            None / "linear" for no activation.

    Each choice is run through Keras on very negative to very positive scores
    and its outputs are tested against what the task needs, so every fitting
    activation passes. Prints ✅/❌ with a hint.
    """
    check.require(
        isinstance(choices, Mapping),
        f"expected a dict of task -> activation; got {type(choices).__name__}",
    )
    missing = [task for task in _OUTPUT_TASKS if task not in choices]
    if missing:
        check.fail(
            f"no answer yet for {missing}; expected the keys {list(_OUTPUT_TASKS)}"
        )
    for task in _OUTPUT_TASKS:
        if task in choices:
            problem = _output_activation_problem(task, choices[task])
            if problem:
                check.fail(problem)


_QUIZ = {
    1: (1.0, "Multiply out the layers: what is a product of matrices?"),
    2: (
        "b",
        "Recall what a trained linear model does on symmetric data (notebook 02).",
    ),
    3: ("a", "Which of these has a derivative of zero wherever it exists?"),
    4: ("a", "Backpropagation multiplies by g'(z) ≤ 1/4 once per layer it passes."),
}


@exercise_check("quiz")
def check_quiz(check: ExerciseCheck, answers) -> str:
    """Check the answers to notebook 03's quiz, {question number: letter or number}."""
    return grade_quiz(check, answers, _QUIZ)
