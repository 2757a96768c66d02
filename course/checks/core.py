"""The exercise-check core: how every ``check_*`` of the course reports.

A check never raises on a wrong answer (so "Run all" keeps going): it prints
"✅ ..." or "❌ ..." with a hint and returns a :class:`CheckResult`, which is
truthy when the answer is right and displays as nothing when it ends a cell.
Checks of notebook NN live in ``course.checks.<topic>``, one module a notebook.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CheckResult", "ExerciseCheck", "call_student_function"]


# --------------------------------------------------------------------------
# Exercise checks: each check_* prints a clear verdict and returns True/False.
# --------------------------------------------------------------------------


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


class ExerciseCheck:
    """Collects what is wrong with an answer and prints one clear verdict.

    Used by the ``check_*`` helpers: ``fail`` records a problem with a hint;
    ``verdict`` prints "✅ ..." or "❌ ..." and returns a :class:`CheckResult`.
    A check never raises on a wrong answer, so "Run all" keeps going.
    """

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def fail(self, message: str) -> bool:
        self.problems.append(message)
        return False

    def verdict(self, success: str = "correct") -> CheckResult:
        if self.problems:
            print(f"❌ {self.name}: " + "\n   ".join(self.problems))
            return CheckResult(False)
        print(f"✅ {self.name}: {success}")
        return CheckResult(True)


def call_student_function(check: ExerciseCheck, fn, *args):
    """Call a student's function; record (not raise) what goes wrong."""
    if not callable(fn):
        check.fail(f"expected a function, got {type(fn).__name__}")
        return None
    try:
        out = fn(*args)
    except Exception as exc:  # a student's bug must become a hint, not a crash
        check.fail(f"your function raised {type(exc).__name__}: {exc}")
        return None
    if out is None:
        check.fail(
            "your function returned None: fill in the body and `return` the result"
        )
    return out


# --------------------------------------------------------------------------
# Answers as arrays (notebooks 01-02)
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
