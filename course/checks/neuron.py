"""Exercise checks of notebook 01 (the artificial neuron, linear regression)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import numpy as np

from .core import (
    ExerciseCheck,
    as_array,
    as_number,
    call_student,
    exercise_check,
)

__all__ = [
    "check_housing_test_mae",
    "check_linear_neuron",
    "check_mae_gradient",
    "check_quiz",
    "check_threshold_gate",
    "grade_quiz",
]


_GATES = {
    "and": (2, np.logical_and, "1 only when both inputs are 1"),
    "or": (2, np.logical_or, "1 when at least one input is 1"),
    "nand": (2, lambda a, b: ~np.logical_and(a, b), "0 only when both inputs are 1"),
    "nor": (2, lambda a, b: ~np.logical_or(a, b), "1 only when both inputs are 0"),
    "not": (1, np.logical_not, "1 when the input is 0"),
}


@exercise_check("threshold neuron")
def check_threshold_gate(
    check: ExerciseCheck, weights, threshold, gate: str = "nand"
) -> str:
    """Check a McCulloch-Pitts neuron (fires when ``w·x >= threshold``) for a gate.

    Args:
        weights: the student's weights, one per input.
        threshold: the student's threshold.
        gate: "and", "or", "nand", "nor" or "not".
    """
    if gate not in _GATES:
        raise ValueError(f"gate must be one of {sorted(_GATES)}, got {gate!r}")
    n_inputs, logic, rule = _GATES[gate]
    check.name = f"{gate.upper()} neuron"
    w = as_array(check, weights, "weights", (n_inputs,))
    theta = as_array(check, threshold, "threshold", ())
    check.stop_if_failed()
    inputs = np.array(list(itertools.product([0, 1], repeat=n_inputs)))
    fired = (inputs @ w >= theta).astype(int)
    expected = logic(*inputs.T.astype(bool)).astype(int)
    for x, got, want in zip(inputs, fired, expected, strict=True):
        if got != want:
            check.fail(
                f"for inputs {tuple(x.tolist())} your neuron outputs {got}, "
                f"but {gate.upper()} gives {want}."
            )
    check.require(
        not check.problems,
        f"Hint: {gate.upper()} is {rule}; the neuron fires when "
        f"w·x >= threshold, and weights or threshold may be negative.",
    )
    return f"w = {w.tolist()}, threshold = {float(theta)}"


@exercise_check("linear_neuron", success="one weighted sum plus bias per example")
def check_linear_neuron(check: ExerciseCheck, linear_neuron: Callable) -> None:
    """Check ``linear_neuron(x, w, b)``: outputs ``x @ w + b`` for a batch ``x``."""
    rng = np.random.default_rng(0)
    cases = [(np.array([[20.0, 0.5, 0.1]]), np.array([0.1, -4.0, 10.0]), 0.0)]
    cases.append((rng.normal(size=(6, 4)), rng.normal(size=4), 1.5))
    for x, w, b in cases:
        got = call_student(check, linear_neuron, x.copy(), w.copy(), b)
        check.stop_if_failed()
        got = as_array(check, got, "the output", (len(x),))
        check.stop_if_failed()
        hint = (
            "Add the bias b."
            if np.allclose(got, x @ w)
            else "Multiply each row of x by w and sum over the features."
        )
        check.require(
            np.allclose(got, x @ w + b),
            f"for x of shape {x.shape} you returned {np.round(got, 3)},"
            f" expected {np.round(x @ w + b, 3)}. {hint}",
        )


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


@exercise_check(
    "mae_gradient", success="matches 1/n · xᵀ sign(x·w + b − y) and mean(sign(...))"
)
def check_mae_gradient(check: ExerciseCheck, mae_gradient: Callable) -> None:
    """Check ``mae_gradient(x, y, w, b)`` returns ``(dL/dw, dL/db)`` of the MAE."""
    rng = np.random.default_rng(1)
    x, y, w, b = rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=3), 0.7
    want_w, want_b = _reference_mae_gradient(x, y, w, b)
    got = call_student(check, mae_gradient, x.copy(), y.copy(), w.copy(), b)
    check.stop_if_failed()
    check.require(
        isinstance(got, tuple | list) and len(got) == 2,
        "return a pair: (gradient for w, gradient for b).",
    )
    got_w = as_array(check, got[0], "the gradient for w", (3,))
    got_b = as_number(check, got[1], "the gradient for b")
    if got_w is not None and not np.allclose(got_w, want_w):
        check.fail(
            f"gradient for w: got {np.round(got_w, 3)}, expected "
            f"{np.round(want_w, 3)}. {_mae_gradient_hint(got_w, x, y, w, b)}"
        )
    if got_b is not None and not np.isclose(got_b, want_b):
        check.fail(
            f"gradient for b: got {got_b:.3f}, expected "
            f"{want_b:.3f}: the mean of sign(prediction - y)."
        )


def _least_squares_mae(x_train, y_train, x_test, y_test, bias=True) -> float:
    columns = [np.ones(len(x_train))] if bias else []
    coef = np.linalg.lstsq(np.c_[x_train, *columns], y_train, rcond=None)[0]
    columns = [np.ones(len(x_test))] if bias else []
    return float(np.mean(np.abs(np.c_[x_test, *columns] @ coef - y_test)))


@exercise_check("test MAE, all features")
def check_housing_test_mae(
    check: ExerciseCheck, mae, x_train, y_train, x_test, y_test
) -> str:
    """Check a test MAE (in dollars) of the least-squares fit on every housing column.

    The reference fits least squares with a bias on ``x_train`` at run time and
    measures the mean absolute error on ``x_test``.
    """
    shapes = [np.shape(a) for a in (x_train, y_train, x_test, y_test)]
    check.require(
        shapes[0][1:] == (11,) and shapes[2][1:] == (11,),
        f"expected x_train and x_test with all 11 feature columns, got shapes "
        f"{shapes[0]} and {shapes[2]}: load with features=None.",
    )
    got = as_number(check, mae, "mae")
    check.stop_if_failed()
    want = _least_squares_mae(x_train, y_train, x_test, y_test)
    if not np.isclose(got, want, rtol=1e-4, atol=1.0):
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
        check.fail(f"got ${got:,.0f}, expected ${want:,.0f}. {hint}")
    return f"${want:,.0f} with all 11 columns"


# --------------------------------------------------------------------------
# Quizzes (one per notebook; notebooks 02 and 03 reuse grade_quiz)
# --------------------------------------------------------------------------


def _quiz_answer_is_right(check: ExerciseCheck, number, given, right) -> bool | None:
    """True/False for an answer; None (after a hint) when it is unusable."""
    if isinstance(right, str):  # multiple choice: a letter
        if not isinstance(given, str):
            check.fail(f'question {number}: answer with a letter in quotes, like "a".')
            return None
        return given.strip().strip("()").lower() == right
    value = as_number(check, given, f"answer {number}")
    if value is None:
        return None
    return abs(value - right) <= 0.01 * max(1.0, abs(right))


def grade_quiz(check: ExerciseCheck, answers, questions: Mapping) -> str:
    """Grade ``answers`` {number: answer} against ``questions`` {number: (right, hint)}.

    ``right`` is a letter (multiple choice) or a number (1 % tolerance). Each wrong
    answer records its hint, which points at the idea, not at the answer.

    Returns:
        The success text.
    """
    if not isinstance(answers, Mapping):
        check.stop("`quiz_answers` should be a dict {question number: your answer}.")
    for number, (right, hint) in questions.items():
        given = answers.get(number)
        if given is None or given is Ellipsis:
            check.fail(f"question {number}: still None; replace it with your answer.")
            continue
        if _quiz_answer_is_right(check, number, given, right) is False:
            check.fail(f"question {number}: not quite. {hint}")
    return f"all {len(questions)} answers right"


_QUIZ = {
    1: (
        "b",
        "Can one straight line separate XOR? The convergence theorem assumes it can.",
    ),
    2: ("c", "Which argument of keras.layers.Dense switches the '+ b' on or off?"),
    3: ("b", "The predictions must not change when every lot-size number halves."),
    4: ("a", "A house is among the dearest partly because of what the features miss."),
}


@exercise_check("quiz")
def check_quiz(check: ExerciseCheck, answers) -> str:
    """Check the answers to notebook 01's quiz, {question number: letter}."""
    return grade_quiz(check, answers, _QUIZ)
