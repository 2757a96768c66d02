"""Notebooks 01-02 (neuron, linear and logistic regression): housing data, checks.

``load_housing`` reads the Windsor house-price data (data/README.md);
the ``check_*`` functions verify the exercises. Nothing runs at import time.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from . import common

__all__ = [
    "HOUSING_FILENAME",
    "load_housing",
    "check_threshold_gate",
    "check_linear_neuron",
    "check_mae_gradient",
    "check_housing_test_mae",
    "check_sigmoid_derivative",
    "check_sigmoid_boundary_line",
    "check_xor_network",
]

# --------------------------------------------------------------------------
# Housing prices (Windsor, 1987): the linear- and logistic-regression data
# --------------------------------------------------------------------------

HOUSING_FILENAME = "housing_windsor.csv"
_YES_NO = {"yes": 1.0, "no": 0.0}


def _check_housing_args(features, target) -> list[str] | None:
    if not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}")
    if features is None:
        return None
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            f"features must be a list of column names, e.g. ['lotsize', 'bedrooms'];"
            f" got {features!r}"
        )
    features = list(features)
    if not features or not all(isinstance(f, str) for f in features):
        raise ValueError(f"features must be one or more column names; got {features}")
    if len(set(features)) != len(features) or target in features:
        raise ValueError(
            f"features must be distinct and exclude the target {target!r}; "
            f"got {features}"
        )
    return features


def _read_housing_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise common.DataNotFoundError(
            f"{path}: housing data not found. It ships with the repository "
            f"(data/{HOUSING_FILENAME}); restore it with `git checkout data/`."
        )
    with path.open(newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row]
    if not rows:
        raise common.DataError(f"{path}: the file is empty (expected a CSV header)")
    header = [name.strip() for name in rows[0]]
    if len(rows) == 1:
        raise common.DataError(f"{path}: the file has a header but no data rows")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise common.DataError(
                f"{path}, line {line}: {len(row)} fields, expected "
                f"{len(header)} as in the header"
            )
    return header, rows[1:]


def _parse_housing_value(path: Path, line: int, column: str, text: str) -> float:
    text = text.strip()
    if text.lower() in _YES_NO:
        return _YES_NO[text.lower()]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise common.DataError(
            f"{path}, line {line}, column {column!r}: {text!r} is not a number "
            f"(expected a finite number or yes/no)"
        )
    return value


def load_housing(
    path: str | os.PathLike | None = None,
    features: Sequence[str] | None = None,
    target: str = "price",
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Load the Windsor house prices as ``(x, y, feature_names)``.

    Args:
        path: the CSV file; None for ``data/housing_windsor.csv``.
        features: columns to return, in this order; None for every column
            except the target, in file order.
        target: the column returned as ``y`` (default: the sale price in CAD).

    Returns:
        ``x`` of shape (n, len(features)) and ``y`` of shape (n,), both float64,
        yes/no columns as 1.0/0.0; and the list of feature names.

    Raises:
        common.DataNotFoundError: the file does not exist.
        common.DataError: the file is empty, lacks a column or holds a non-number.
    """
    wanted = _check_housing_args(features, target)
    path = Path(path) if path is not None else common.DATA_DIR / HOUSING_FILENAME
    header, rows = _read_housing_rows(path)
    if wanted is None:
        wanted = [name for name in header if name != target]
    missing = [name for name in [*wanted, target] if name not in header]
    if missing:
        raise common.DataError(f"{path}: no column(s) {missing}; it has {header}")
    index = [header.index(name) for name in [*wanted, target]]
    table = np.array(
        [
            [_parse_housing_value(path, line, header[i], row[i]) for i in index]
            for line, row in enumerate(rows, start=2)
        ]
    )
    return table[:, :-1], table[:, -1], wanted


# --------------------------------------------------------------------------
# Exercise checks for notebooks 01-02 (each prints a verdict, returns a bool)
# --------------------------------------------------------------------------


def _failed(check, message: str) -> None:
    """Record a problem with the answer and return None (no usable value)."""
    check.fail(message)


def _without_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def _as_float_array(check, value, name: str, shape: tuple[int, ...]):
    """Return ``value`` as a float array of ``shape``, or None after a ``fail``."""
    if value is None:
        return _failed(check, f"`{name}` is still None: replace None with your answer.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return _failed(check, f"`{name}` should hold numbers, got {value!r}.")
    if _without_ones(array.shape) == _without_ones(shape):
        array = array.reshape(shape)  # accept (n, 1) for (n,), [t] for t, ...
    if array.shape != shape:
        return _failed(check, f"`{name}` should have shape {shape}, got {array.shape}.")
    if not np.all(np.isfinite(array)):
        return _failed(check, f"`{name}` holds NaN or infinity: {array}.")
    return array


def _call_student(check, fn, *args):
    """Call the student's function; on an exception or a None, fail and return None."""
    if not callable(fn):
        return _failed(check, f"expected a function, got {type(fn).__name__}.")
    try:
        result = fn(*args)
    except Exception as exc:  # a student's bug must not stop "Run all"
        return _failed(check, f"calling it raised {type(exc).__name__}: {exc}")
    if result is None:
        return _failed(
            check,
            "your function returned None: fill in its body and `return` the result.",
        )
    return result


_GATES = {
    "and": (2, np.logical_and, "1 only when both inputs are 1"),
    "or": (2, np.logical_or, "1 when at least one input is 1"),
    "nand": (2, lambda a, b: ~np.logical_and(a, b), "0 only when both inputs are 1"),
    "nor": (2, lambda a, b: ~np.logical_or(a, b), "1 only when both inputs are 0"),
    "not": (1, np.logical_not, "1 when the input is 0"),
}


def check_threshold_gate(weights, threshold, gate: str = "nand") -> common.CheckResult:
    """Check a McCulloch-Pitts neuron (fires when ``w·x >= threshold``) for a gate.

    Args:
        weights: the student's weights, one per input.
        threshold: the student's threshold.
        gate: "and", "or", "nand", "nor" or "not".
    """
    if gate not in _GATES:
        raise ValueError(f"gate must be one of {sorted(_GATES)}, got {gate!r}")
    n_inputs, logic, rule = _GATES[gate]
    check = common.ExerciseCheck(f"{gate.upper()} neuron")
    w = _as_float_array(check, weights, "weights", (n_inputs,))
    theta = _as_float_array(check, threshold, "threshold", ())
    if w is None or theta is None:
        return check.verdict()
    inputs = np.array(list(itertools.product([0, 1], repeat=n_inputs)))
    fired = (inputs @ w >= theta).astype(int)
    expected = logic(*inputs.T.astype(bool)).astype(int)
    for x, got, want in zip(inputs, fired, expected, strict=True):
        if got != want:
            check.fail(
                f"for inputs {tuple(x.tolist())} your neuron outputs {got}, "
                f"but {gate.upper()} gives {want}."
            )
    if check.problems:
        check.fail(
            f"Hint: {gate.upper()} is {rule}; the neuron fires when "
            f"w·x >= threshold, and weights or threshold may be negative."
        )
    return check.verdict(f"w = {w.tolist()}, threshold = {float(theta)}")


def check_linear_neuron(linear_neuron: Callable) -> common.CheckResult:
    """Check ``linear_neuron(x, w, b)``: outputs ``x @ w + b`` for a batch ``x``."""
    check = common.ExerciseCheck("linear_neuron")
    rng = np.random.default_rng(0)
    cases = [(np.array([[20.0, 0.5, 0.1]]), np.array([0.1, -4.0, 10.0]), 0.0)]
    cases.append((rng.normal(size=(6, 4)), rng.normal(size=4), 1.5))
    for x, w, b in cases:
        got = _call_student(check, linear_neuron, x.copy(), w.copy(), b)
        if got is None:
            break
        got = _as_float_array(check, got, "the output", (len(x),))
        if got is None:
            break
        if not np.allclose(got, x @ w + b):
            hint = (
                "Add the bias b."
                if np.allclose(got, x @ w)
                else ("Multiply each row of x by w and sum over the features.")
            )
            check.fail(
                f"for x of shape {x.shape} you returned {np.round(got, 3)},"
                f" expected {np.round(x @ w + b, 3)}. {hint}"
            )
            break
    return check.verdict("one weighted sum plus bias per example")


def _reference_mae_gradient(x, y, w, b):
    signs = np.sign(x @ w + b - y)
    return x.T @ signs / len(y), signs.mean()


def _mae_gradient_hint(got_w, x, y, w, b) -> str:
    residual = x @ w + b - y
    if np.allclose(got_w, 2 * x.T @ residual / len(y)):
        return "That is the gradient of the MSE; the slope of |r| is sign(r)."
    want_w = _reference_mae_gradient(x, y, w, b)[0]
    if np.allclose(got_w, -want_w):
        return "Check the sign: the residual is prediction minus target."
    if np.allclose(got_w, len(y) * want_w):
        return "Divide by the number of examples n (the loss is a mean)."
    return "Each example contributes sign(prediction - y) times its features."


def check_mae_gradient(mae_gradient: Callable) -> common.CheckResult:
    """Check ``mae_gradient(x, y, w, b)`` returns ``(dL/dw, dL/db)`` of the MAE."""
    check = common.ExerciseCheck("mae_gradient")
    rng = np.random.default_rng(1)
    x, y, w, b = rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=3), 0.7
    want_w, want_b = _reference_mae_gradient(x, y, w, b)
    got = _call_student(check, mae_gradient, x.copy(), y.copy(), w.copy(), b)
    if got is not None and (not isinstance(got, tuple | list) or len(got) != 2):
        got = _failed(check, "return a pair: (gradient for w, gradient for b).")
    if got is not None:
        got_w = _as_float_array(check, got[0], "the gradient for w", (3,))
        got_b = _as_float_array(check, got[1], "the gradient for b", ())
        if got_w is not None and not np.allclose(got_w, want_w):
            check.fail(
                f"gradient for w: got {np.round(got_w, 3)}, expected "
                f"{np.round(want_w, 3)}. {_mae_gradient_hint(got_w, x, y, w, b)}"
            )
        if got_b is not None and not np.isclose(got_b, want_b):
            check.fail(
                f"gradient for b: got {float(got_b):.3f}, expected "
                f"{want_b:.3f}: the mean of sign(prediction - y)."
            )
    return check.verdict("matches 1/n · xᵀ sign(x·w + b − y) and mean(sign(...))")


def _least_squares_mae(x_train, y_train, x_test, y_test, bias=True) -> float:
    columns = [np.ones(len(x_train))] if bias else []
    coef = np.linalg.lstsq(np.c_[x_train, *columns], y_train, rcond=None)[0]
    columns = [np.ones(len(x_test))] if bias else []
    return float(np.mean(np.abs(np.c_[x_test, *columns] @ coef - y_test)))


def check_housing_test_mae(mae, x_train, y_train, x_test, y_test) -> common.CheckResult:
    """Check a test MAE (in dollars) of the least-squares fit on every housing column.

    The reference fits least squares with a bias on ``x_train`` at run time and
    measures the mean absolute error on ``x_test``.
    """
    check = common.ExerciseCheck("test MAE, all features")
    shapes = [np.shape(a) for a in (x_train, y_train, x_test, y_test)]
    if shapes[0][1:] != (11,) or shapes[2][1:] != (11,):
        check.fail(
            f"expected x_train and x_test with all 11 feature columns, got shapes "
            f"{shapes[0]} and {shapes[2]}: load with features=None."
        )
        return check.verdict()
    got = _as_float_array(check, mae, "mae", ())
    want = _least_squares_mae(x_train, y_train, x_test, y_test)
    if got is not None and not np.isclose(got, want, rtol=1e-4, atol=1.0):
        hints = {
            "Did you add the column of ones (the bias)?": _least_squares_mae(
                x_train, y_train, x_test, y_test, bias=False
            ),
            "Measure on the test split, not the training split.": (
                _least_squares_mae(x_train, y_train, x_train, y_train)
            ),
        }
        hint = next(
            (h for h, v in hints.items() if np.isclose(got, v, rtol=1e-4)),
            "The MAE is the mean of |prediction - price| on the test houses.",
        )
        check.fail(f"got ${float(got):,.0f}, expected ${want:,.0f}. {hint}")
    return check.verdict(f"${want:,.0f} with all 11 columns")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), never overflows


def check_sigmoid_derivative(sigmoid_derivative: Callable) -> common.CheckResult:
    """Check ``sigmoid_derivative(z)`` returns σ'(z) = σ(z)(1 − σ(z)) elementwise."""
    check = common.ExerciseCheck("sigmoid_derivative")
    z = np.linspace(-6.0, 6.0, 25)
    want = _sigmoid(z) * (1.0 - _sigmoid(z))
    got = _call_student(check, sigmoid_derivative, z.copy())
    got = None if got is None else _as_float_array(check, got, "the output", z.shape)
    if got is not None and not np.allclose(got, want, atol=1e-6):
        worst = int(np.argmax(np.abs(got - want)))
        hint = (
            "That is σ itself; its slope is σ(z)(1 − σ(z))."
            if np.allclose(got, _sigmoid(z))
            else "The slope is largest at z = 0, where σ'(0) = 0.25."
        )
        check.fail(
            f"at z = {z[worst]:.1f} you returned {got[worst]:.4f}, "
            f"expected {want[worst]:.4f}. {hint}"
        )
    return check.verdict("σ'(z) = σ(z)(1 − σ(z)), largest (0.25) at z = 0")


def check_sigmoid_boundary_line(boundary_x2: Callable) -> common.CheckResult:
    """Check ``boundary_x2(x1, w, b)``: the x2 where a 2-input sigmoid neuron gives 0.5.

    The reference is the definition itself: σ(w1·x1 + w2·x2 + b) must equal 0.5
    at every returned point, for several random neurons.
    """
    check = common.ExerciseCheck("boundary_x2")
    rng = np.random.default_rng(2)
    x1 = np.linspace(-3.0, 3.0, 7)
    for _ in range(3):
        w, b = rng.uniform(0.5, 2.0, 2) * rng.choice([-1, 1], 2), rng.normal()
        got = _call_student(check, boundary_x2, x1.copy(), w.copy(), b)
        got = None if got is None else _as_float_array(check, got, "x2", x1.shape)
        if got is None:
            break
        p = _sigmoid(w[0] * x1 + w[1] * got + b)
        if not np.allclose(p, 0.5, atol=1e-6):
            i = int(np.argmax(np.abs(p - 0.5)))
            check.fail(
                f"with w = {np.round(w, 2)}, b = {b:.2f} the neuron gives "
                f"{p[i]:.3f} (not 0.5) at (x1, x2) = ({x1[i]:.1f}, "
                f"{got[i]:.2f}). Hint: σ(z) = 0.5 exactly when z = 0; "
                f"solve w1·x1 + w2·x2 + b = 0 for x2."
            )
            break
    return check.verdict("σ(w·x + b) = 0.5 on your line: it is the decision boundary")


def check_xor_network(
    hidden_weights, hidden_bias, output_weights, output_bias
) -> common.CheckResult:
    """Check hand-set weights of a 2-2-1 sigmoid network that should compute XOR.

    The network is ``σ(σ(x @ hidden_weights + hidden_bias) @ output_weights +
    output_bias)`` (Keras' layout: kernels are inputs × units); an output above
    0.5 counts as 1.
    """
    check = common.ExerciseCheck("XOR network")
    w_h = _as_float_array(check, hidden_weights, "hidden_weights", (2, 2))
    b_h = _as_float_array(check, hidden_bias, "hidden_bias", (2,))
    w_o = _as_float_array(check, output_weights, "output_weights", (2,))
    b_o = _as_float_array(check, output_bias, "output_bias", ())
    if any(a is None for a in (w_h, b_h, w_o, b_o)):
        return check.verdict()
    x = np.array(list(itertools.product([0.0, 1.0], repeat=2)))
    out = _sigmoid(_sigmoid(x @ w_h + b_h) @ w_o + b_o)
    want = np.logical_xor(x[:, 0], x[:, 1]).astype(int)
    wrong = [
        f"{tuple(xi.astype(int).tolist())} → {o:.2f} (want {t})"
        for xi, o, t in zip(x, out, want, strict=True)
        if int(o > 0.5) != t
    ]
    if wrong:
        check.fail(
            "wrong outputs: " + "; ".join(wrong) + ". Hint: let one hidden "
            "neuron compute OR and the other AND (or NAND), then combine "
            "them; weights of about ±10 make σ behave like a step."
        )
    outputs = ", ".join(f"{o:.2f}" for o in out)
    return check.verdict(f"outputs {outputs} for (0,0), (0,1), (1,0), (1,1)")
