"""The exercise-check core: how every ``check_*`` of the course reports.

A check never raises on a wrong answer (so "Run all" keeps going): it prints
"✅ ..." or "❌ ..." with a hint and returns a :class:`CheckResult`, which is
truthy when the answer is right and displays as nothing when it ends a cell.
Checks of notebook NN live in ``course.checks.<topic>``, one module a notebook.

A check is written as a body decorated with :func:`exercise_check`::

    @exercise_check("linear_neuron", success="one weighted sum per example")
    def check_linear_neuron(check, linear_neuron):
        got = call_student(check, linear_neuron, x, w, b)
        got = as_array(check, got, "the output", (len(x),))
        check.stop_if_failed()
        check.require(np.allclose(got, x @ w + b), "Add the bias b.")

The decorator creates ``check`` (an :class:`ExerciseCheck`), hides it from the
public signature and always returns the verdict. ``check.require(cond, hint)``
records the hint and ends the body when ``cond`` is false; ``check.fail(hint)``
records it and carries on. The student's function is called once, the one
way, by :func:`call_student`; answers become numbers or arrays by
:func:`as_number`, :func:`as_whole_number` and :func:`as_array`. Each of these
records a hint and returns None when the answer is unusable; none raises.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, NoReturn

import numpy as np

__all__ = [
    "CheckResult",
    "ExerciseCheck",
    "as_array",
    "as_number",
    "as_whole_number",
    "call_student",
    "exercise_check",
]


class CheckResult:
    """What a ``check_*`` returns: truthy when the answer is right.

    It shows nothing when it ends a notebook cell (the printed verdict is the
    output), yet ``assert check_x(...)`` and ``if check_x(...)`` work as usual.
    """

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other) -> bool:
        if isinstance(other, bool | CheckResult):
            return self.passed == bool(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"CheckResult(passed={self.passed})"

    def _ipython_display_(self) -> None:
        """Display nothing: the check already printed its verdict."""


class _Stop(Exception):
    """Ends a check's body early; :func:`exercise_check` turns it into the verdict."""


class ExerciseCheck:
    """Collects what is wrong with an answer and prints one clear verdict."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def fail(self, message: str) -> bool:
        """Record a problem (a hint) and carry on; returns False."""
        self.problems.append(message)
        return False

    def require(self, condition: Any, hint: str) -> None:
        """Record ``hint`` and end the check when ``condition`` is false."""
        if not condition:
            self.fail(hint)
            raise _Stop

    def stop(self, hint: str) -> NoReturn:
        """Record ``hint`` and end the check."""
        self.fail(hint)
        raise _Stop

    def stop_if_failed(self) -> None:
        """End the check when a problem has been recorded so far."""
        if self.problems:
            raise _Stop

    def verdict(self, success: str = "correct") -> CheckResult:
        """Print "✅ name: success" or "❌ name: problems" and return the result."""
        if self.problems:
            print(f"❌ {self.name}: " + "\n   ".join(self.problems))
            return CheckResult(False)
        print(f"✅ {self.name}: {success}")
        return CheckResult(True)


def exercise_check(name: str, success: str = "correct"):
    """Make a check from ``body(check, *args)``, which returns None or a success text.

    The wrapped function has the body's signature without ``check``, prints the
    verdict and returns a :class:`CheckResult`. The body may rename the check
    (``check.name = ...``) when the name depends on the arguments. Errors in
    the notebook's own call (a ``ValueError`` for an unknown option) still raise.
    """

    def decorate(body: Callable[..., str | None]) -> Callable[..., CheckResult]:
        @functools.wraps(body)
        def run(*args, **kwargs) -> CheckResult:
            check = ExerciseCheck(name)
            try:
                text = body(check, *args, **kwargs)
            except _Stop:
                text = None
            return check.verdict(success if text is None else text)

        signature = inspect.signature(body)
        parameters = list(signature.parameters.values())[1:]
        run.__signature__ = signature.replace(
            parameters=parameters, return_annotation=CheckResult
        )
        return run

    return decorate


# --------------------------------------------------------------------------
# Calling the student's function
# --------------------------------------------------------------------------

_NUMPY_HINT = "NumPy warned '{}': look for an np.exp or a log of a huge or zero value"


def _numeric_hint(message: str, hint: str | Callable[[str], str] | None) -> str:
    if callable(hint):
        return hint(message)
    return _NUMPY_HINT.format(message) if hint is None else hint


def call_student(
    check: ExerciseCheck,
    fn,
    *args,
    errstate: dict[str, str] | None = None,
    numeric_hint: str | Callable[[str], str] | None = None,
):
    """Call ``fn(*args)``; return its result, or None after recording a hint.

    Not a function, an exception, or a None result each become a hint; this
    never raises. With ``errstate`` (``np.errstate`` keywords, e.g.
    ``{"over": "warn"}``) NumPy's floating-point warnings (or errors, with
    "raise") become the hint ``numeric_hint`` (a text, or a function of
    NumPy's message), but the result is still returned after a warning.
    """
    if not callable(fn):
        check.fail(f"expected a function, got {type(fn).__name__}.")
        return None
    record = errstate is not None  # without errstate, warnings show as usual
    try:
        with warnings.catch_warnings(record=record) as caught:
            if record:
                warnings.simplefilter("always")
            with np.errstate(**(errstate or {})):
                result = fn(*args)
    except FloatingPointError as exc:
        check.fail(_numeric_hint(str(exc), numeric_hint))
        return None
    except Exception as exc:  # a student's bug must become a hint, not a crash
        check.fail(f"your function raised {type(exc).__name__}: {exc}")
        return None
    numeric = {str(w.message) for w in caught or [] if w.category is RuntimeWarning}
    if numeric:
        check.fail(_numeric_hint(sorted(numeric)[0], numeric_hint))
    if result is None:
        check.fail(
            "your function returned None: fill in its body and `return` the result."
        )
    return result


# --------------------------------------------------------------------------
# Answers as numbers and arrays
# --------------------------------------------------------------------------


def _without_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def as_array(
    check: ExerciseCheck,
    value,
    name: str,
    shape: tuple[int, ...] | None = None,
    shape_hint: str = "",
) -> np.ndarray | None:
    """``value`` as a finite float array of ``shape``, or None after a hint.

    A shape that differs only by length-1 axes is accepted and reshaped
    ((n, 1) for (n,), [t] for t); ``shape=None`` accepts any shape.
    ``shape_hint`` is added to the wrong-shape hint.
    """
    if value is None:
        check.fail(f"`{name}` is still None: replace None with your answer.")
        return None
    if isinstance(value, bool | str | bytes):
        check.fail(f"`{name}` should hold numbers, got {value!r}.")
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        check.fail(f"`{name}` should hold numbers, got {value!r}."[:300])
        return None
    if shape is not None and _without_ones(array.shape) == _without_ones(shape):
        array = array.reshape(shape)
    if shape is not None and array.shape != shape:
        extra = f" {shape_hint}" if shape_hint else ""
        check.fail(f"`{name}` should have shape {shape}, got {array.shape}.{extra}")
        return None
    if not np.all(np.isfinite(array)):
        check.fail(f"`{name}` holds NaN or infinity: {array}."[:300])
        return None
    return array


def as_number(check: ExerciseCheck, value, name: str) -> float | None:
    """``value`` as one finite real number, or None after a hint."""
    if value is None:
        check.fail(f"`{name}` is still None: replace None with your answer.")
        return None
    if isinstance(value, bool | str | bytes):
        check.fail(f"`{name}` should be one number, got {type(value).__name__}.")
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        check.fail(f"`{name}` should be one number, got {type(value).__name__}.")
        return None
    if array.size != 1:
        check.fail(f"`{name}` should be one number, got shape {array.shape}.")
        return None
    if not np.isfinite(array).all():
        check.fail(f"`{name}` is {float(array.item())}: it should be a finite number.")
        return None
    return float(array.item())


def as_whole_number(check: ExerciseCheck, value, name: str) -> int | None:
    """``value`` as an int (3 and 3.0 are fine, 3.5 is not), or None after a hint."""
    number = as_number(check, value, name)
    if number is None:
        return None
    if number != int(number):
        check.fail(f"`{name}` should be a whole number, got {number:g}.")
        return None
    return int(number)
