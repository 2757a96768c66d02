"""Exercise checks of notebook 03 (non-linearity and activation functions)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

import numpy as np

from course import activations

from .core import CheckResult, ExerciseCheck

__all__ = [
    "check_activation_derivative",
    "check_activation_function",
    "check_output_activations",
    "check_xor_relu_weights",
]


def _check_inputs() -> np.ndarray:
    """Inputs for the checks: a fine grid (no point exactly at a kink) + extremes."""
    return np.concatenate([[-1e4, -800.0, -50.0], np.linspace(-8, 8, 400),
                           [50.0, 800.0, 1e4]])  # fmt: skip


_STABILITY_HINT = (
    "np.exp overflowed for a large |z|. np.where evaluates BOTH branches, so "
    "clip the argument first, e.g. np.expm1(np.minimum(z, 0))."
)


def _call_quietly(check, fn, z, what):
    """Call fn(z), noting exceptions and overflow in ``check``; False if it raised."""
    if not callable(fn):
        return check.fail(f"expected a function for {what}; got {type(fn).__name__}")
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        try:
            out = fn(z.copy())
        except Exception as exc:  # a student's bug must not stop "Run all"
            return check.fail(f"{what} raised {type(exc).__name__}: {exc}")
    numeric = [w for w in caught if "overflow" in str(w.message)]
    if numeric:
        check.fail(_STABILITY_HINT)
    return out


def _compare_elementwise(check, out, expected, z, what) -> bool:
    if out is None:
        return check.fail(f"{what} returned None: did you forget `return`?")
    try:
        out = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        return check.fail(f"{what} must return numbers; got {type(out).__name__}")
    if out.shape != expected.shape:
        return check.fail(
            f"{what} returned shape {out.shape} for an input of shape {z.shape}: "
            "apply the function element-wise (use np.where / np.maximum, not if)"
        )
    bad = ~np.isclose(out, expected, rtol=1e-6, atol=1e-8)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        return check.fail(
            f"{np.count_nonzero(bad)} of {len(z)} values are off; e.g. at "
            f"z = {z[i]:g} you return {out[i]:.6g} but {what} is {expected[i]:.6g}"
        )
    return True


def _check_elementwise(fn, name, params, use_derivative) -> CheckResult:
    try:
        spec = activations.get_activation_spec(name)
        reference = spec.derivative if use_derivative else spec.function
        z = _check_inputs()
        expected = reference(z, **params)
    except (TypeError, ValueError) as exc:  # the notebook's own call is wrong
        check = ExerciseCheck(f"check of {name!r}")
        check.fail(str(exc))
        return check.verdict()
    what = f"{spec.label}′" if use_derivative else spec.label
    check = ExerciseCheck(what)
    out = _call_quietly(check, fn, z, what)
    if out is not False:
        _compare_elementwise(check, out, expected, z, what)
    return check.verdict(f"matches the reference on {len(z)} inputs in "
                         "[-1e4, 1e4], with no overflow")  # fmt: skip


def check_activation_function(fn: Callable, name: str, **params) -> CheckResult:
    """Check a student's NumPy activation ``fn`` against the gallery's ``name``.

    ``fn`` is called once on an array of inputs (including ±1e4, to catch
    overflow); ``params`` (e.g. ``alpha=1.0``) go to the reference only.
    Prints ✅ or ❌ with a hint; the result is truthy when it matched.
    """
    return _check_elementwise(fn, name, params, use_derivative=False)


def check_activation_derivative(fn: Callable, name: str, **params) -> CheckResult:
    """Check a student's derivative ``fn`` against the gallery's ``name``.

    Same inputs as :func:`check_activation_function`; prints ✅/❌ with a hint.
    """
    return _check_elementwise(fn, name, params, use_derivative=True)


def _xor_problem(W1, b1, W2, b2):
    """Return W1, b1, W2, b2 as float arrays of matching shapes, or an error text."""
    try:
        arrays = [np.asarray(a, dtype=np.float64) for a in (W1, b1, W2, b2)]
    except (TypeError, ValueError):
        return "W1, b1, W2 and b2 must be numbers, lists or arrays (None is not)"
    w1, c1, w2, c2 = arrays
    if w1.ndim != 2 or w1.shape[0] != 2:
        return f"W1 must have shape (2, n_hidden); got {w1.shape}"
    k = w1.shape[1]
    if c1.shape != (k,) or w2.reshape(-1).shape != (k,) or c2.size != 1:
        return (
            f"with W1 of shape (2, {k}), expected b1 ({k},), W2 ({k}, 1) and b2 "
            f"(1,); got {c1.shape}, {w2.shape}, {c2.shape}"
        )
    return w1, c1, w2.reshape(k, 1), c2.reshape(1)


_XOR_HINT = (
    "hint: one hidden unit can count the inputs that are on (x1 + x2), "
    "another can fire only when both are (x1 + x2 - 1)"
)


def check_xor_relu_weights(W1, b1, W2, b2) -> CheckResult:
    """Check hand-picked weights of a 2-n-1 ReLU network that must compute XOR.

    The network is ``relu(x @ W1 + b1) @ W2 + b2`` with a linear output; an
    output above 0.5 means class 1. Prints ✅/❌ with a hint.
    """
    check = ExerciseCheck("XOR with ReLU")
    if any(a is None for a in (W1, b1, W2, b2)):
        check.fail("replace every None (W1, b1, W2, b2) with numbers")
        return check.verdict()
    parsed = _xor_problem(W1, b1, W2, b2)
    if isinstance(parsed, str):
        check.fail(parsed)
        return check.verdict()
    w1, c1, w2, c2 = parsed
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    target = np.logical_xor(x[:, 0], x[:, 1])
    with np.errstate(all="ignore"):
        out = (activations.np_relu(x @ w1 + c1) @ w2 + c2).ravel()
        linear = ((x @ w1 + c1) @ w2 + c2).ravel()
    for xi, yi, ti in zip(x, out, target, strict=True):
        if not np.isfinite(yi) or (yi > 0.5) != ti:
            check.fail(f"x = {xi.astype(int).tolist()}: output {yi:.3g} but XOR is "
                       f"{int(ti)} (need {'> 0.5' if ti else '<= 0.5'})")  # fmt: skip
    if check.problems:
        check.fail(_XOR_HINT)
    linear_ok = np.array_equal(linear > 0.5, target)
    note = "" if linear_ok else " (the same weights without ReLU do not)"
    return check.verdict(f"outputs {np.round(out, 3).tolist()} compute XOR{note}")


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


def check_output_activations(choices: Mapping[str, str | None]) -> CheckResult:
    """Check the output-layer activation chosen for each of four tasks.

    Args:
        choices: maps "binary", "multiclass", "regression" and "positive" (a
            value that is never negative) to a ``keras.activations`` name, or
            None / "linear" for no activation.

    Each choice is run through Keras on very negative to very positive scores
    and its outputs are tested against what the task needs, so every fitting
    activation passes. Prints ✅/❌ with a hint.
    """
    check = ExerciseCheck("output activations")
    if not isinstance(choices, Mapping):
        check.fail(
            f"expected a dict of task -> activation; got {type(choices).__name__}"
        )
        return check.verdict()
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
    return check.verdict("every output layer fits its task")
