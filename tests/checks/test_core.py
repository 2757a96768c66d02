"""The exercise-check core, tested once: garbage, None, exceptions and overflow.

The per-notebook check tests then cover only their own hints and right answers.
"""

import inspect

import numpy as np
import pytest

from course import checks
from course.checks.core import (
    CheckResult,
    ExerciseCheck,
    as_array,
    as_number,
    as_whole_number,
    call_student,
    exercise_check,
)

GARBAGE = ["twelve", b"12", object(), [1.0, "a"], [[1.0, 2.0], [3.0]], {"x": 1}]


def problems(check: ExerciseCheck) -> str:
    return "\n".join(check.problems)


# -- CheckResult and the decorator -------------------------------------------


def test_check_result_is_truthy_compares_with_bools_and_displays_nothing():
    assert CheckResult(True) and not CheckResult(False)
    assert CheckResult(True) == True  # noqa: E712 (the comparison is the point)
    assert CheckResult(False) == CheckResult(False) != CheckResult(True)
    assert repr(CheckResult(False)) == "CheckResult(passed=False)"
    assert CheckResult(True)._ipython_display_() is None


@exercise_check("halving", success="right")
def check_half(check: ExerciseCheck, answer, of: float = 2.0):
    """Check that ``answer`` is half of ``of``."""
    value = as_number(check, answer, "answer")
    check.stop_if_failed()
    if value < 0:
        check.fail("a half of a positive number is positive")
    check.require(value == of / 2, f"{value:g} is not half of {of:g}")
    return None if of == 2.0 else f"{value:g} is half of {of:g}"


def test_a_decorated_check_hides_its_check_argument():
    assert list(inspect.signature(check_half).parameters) == ["answer", "of"]
    assert check_half.__name__ == "check_half"
    assert check_half.__doc__.startswith("Check that")


def test_a_decorated_check_prints_one_verdict_and_returns_a_check_result(capsys):
    assert check_half(1.0) == True  # noqa: E712
    assert capsys.readouterr().out == "✅ halving: right\n"
    assert check_half(3, of=6)
    assert capsys.readouterr().out == "✅ halving: 3 is half of 6\n"
    result = check_half(-1.0)
    assert isinstance(result, CheckResult) and not result
    out = capsys.readouterr().out
    assert out == (
        "❌ halving: a half of a positive number is positive\n   -1 is not half of 2\n"
    )


def test_require_ends_the_check_and_fail_carries_on(capsys):
    @exercise_check("steps")
    def check_steps(check):
        check.fail("first")
        check.require(False, "second")
        check.fail("never reached")

    assert not check_steps()
    assert capsys.readouterr().out == "❌ steps: first\n   second\n"


def test_an_error_in_the_notebooks_own_call_still_raises():
    @exercise_check("strict")
    def check_strict(check, option):
        raise ValueError(f"unknown option {option!r}")

    with pytest.raises(ValueError, match="unknown option"):
        check_strict("x")


# -- call_student -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "hint"),
    [
        (None, "expected a function, got NoneType"),
        (42, "expected a function, got int"),
        ("f", "expected a function, got str"),
        (lambda x: None, "returned None: fill in its body and `return`"),
        (lambda x: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (lambda x: x.nope, "raised AttributeError"),
        (lambda: 1, "raised TypeError"),
    ],
)
def test_call_student_turns_every_failure_into_a_hint(fn, hint):
    check = ExerciseCheck("call")
    assert call_student(check, fn, 1.0) is None
    assert hint in problems(check)


def test_call_student_returns_the_result_and_passes_the_arguments():
    check = ExerciseCheck("call")
    assert call_student(check, lambda a, b: a - b, 5, 3) == 2
    assert check.problems == []


def test_overflow_is_a_hint_only_with_errstate():
    check = ExerciseCheck("call")
    with pytest.warns(RuntimeWarning, match="overflow"):  # shown to the student
        assert call_student(check, np.exp, 1000.0) == np.inf
    assert check.problems == []
    result = call_student(check, np.exp, 1000.0, errstate={"over": "warn"})
    assert result == np.inf  # still returned, for the check to look at
    assert "NumPy warned 'overflow encountered in exp'" in problems(check)


def test_numpy_errors_become_the_given_hint():
    check = ExerciseCheck("call")
    strict = {"over": "raise", "divide": "raise"}
    assert call_student(check, np.log, 0.0, errstate=strict, numeric_hint=str) is None
    assert check.problems == ["divide by zero encountered in log"]
    call_student(check, np.exp, 1e3, errstate=strict, numeric_hint="clip first")
    assert check.problems[-1] == "clip first"


# -- as_number, as_whole_number, as_array ------------------------------------


@pytest.mark.parametrize("convert", [as_number, as_whole_number])
def test_numbers_none_garbage_bools_and_non_finite_values_get_a_hint(convert):
    answers = {
        None: "`n` is still None: replace None with your answer",
        True: "should be one number, got bool",
        "3": "should be one number, got str",
        np.nan: "it should be a finite number",
        -np.inf: "it should be a finite number",
        (1, 2): "should be one number, got shape (2,)",
    }
    for answer, hint in answers.items():
        check = ExerciseCheck("number")
        assert convert(check, answer, "n") is None, answer
        assert hint in problems(check)
    for answer in GARBAGE:
        check = ExerciseCheck("number")
        assert convert(check, answer, "n") is None and check.problems


def test_numbers_accept_numpy_scalars_and_one_element_arrays():
    check = ExerciseCheck("number")
    assert as_number(check, np.float32(0.5), "x") == 0.5
    assert as_number(check, [[2.5]], "x") == 2.5
    assert as_whole_number(check, 7.0, "n") == 7
    assert as_whole_number(check, np.int64(7), "n") == 7
    assert check.problems == []
    assert as_whole_number(check, 7.5, "n") is None
    assert "`n` should be a whole number, got 7.5" in problems(check)


def test_arrays_none_garbage_bools_and_non_finite_values_get_a_hint():
    answers = {
        None: "`w` is still None",
        True: "`w` should hold numbers, got True",
        "ab": "`w` should hold numbers",
    }
    for answer, hint in answers.items():
        check = ExerciseCheck("array")
        assert as_array(check, answer, "w", (2,)) is None
        assert hint in problems(check)
    for answer in [*GARBAGE, [1.0, np.nan], [np.inf, 1.0]]:
        check = ExerciseCheck("array")
        assert as_array(check, answer, "w", (2,)) is None and check.problems


def test_arrays_of_the_wrong_shape_get_the_shape_and_the_extra_hint():
    check = ExerciseCheck("array")
    assert as_array(check, [1, 2, 3], "w", (2,), shape_hint="One per input.") is None
    assert problems(check) == "`w` should have shape (2,), got (3,). One per input."


def test_arrays_accept_extra_length_one_axes_and_any_shape_without_one():
    check = ExerciseCheck("array")
    column = as_array(check, [[1], [2]], "w", (2,))
    assert column.shape == (2,) and column.dtype == float
    assert as_array(check, [3.0], "t", ()).shape == ()
    assert as_array(check, np.ones((2, 3)), "x").shape == (2, 3)
    assert check.problems == []


# -- every check of every notebook, on the student edition's stubs -----------


def _every_check_on_a_stub():
    x = np.linspace(0, 1, 5)
    y_true, y_prob = np.array([0, 1]), np.array([[0.9, 0.1], [0.2, 0.8]])
    return {
        "neuron.check_threshold_gate": lambda: checks.neuron.check_threshold_gate(
            None, None
        ),
        "neuron.check_linear_neuron": lambda: checks.neuron.check_linear_neuron(None),
        "neuron.check_mae_gradient": lambda: checks.neuron.check_mae_gradient(None),
        "neuron.check_housing_test_mae": lambda: checks.neuron.check_housing_test_mae(
            None, np.ones((3, 11)), x[:3], np.ones((2, 11)), x[:2]
        ),
        "logistic.check_sigmoid_derivative": lambda: (
            checks.logistic.check_sigmoid_derivative(None)
        ),
        "logistic.check_sigmoid_boundary_line": lambda: (
            checks.logistic.check_sigmoid_boundary_line(None)
        ),
        "logistic.check_xor_network": lambda: checks.logistic.check_xor_network(
            None, None, None, None
        ),
        "activations.check_activation_function": lambda: (
            checks.activations.check_activation_function(None, "relu")
        ),
        "activations.check_activation_derivative": lambda: (
            checks.activations.check_activation_derivative(None, "relu")
        ),
        "activations.check_xor_relu_weights": lambda: (
            checks.activations.check_xor_relu_weights(None, None, None, None)
        ),
        "activations.check_output_activations": lambda: (
            checks.activations.check_output_activations(None)
        ),
        "playground.check_circle_features": lambda: (
            checks.playground.check_circle_features(None)
        ),
        "playground.check_xor_settings": lambda: checks.playground.check_xor_settings(
            None
        ),
        "playground.check_playground_param_count": lambda: (
            checks.playground.check_playground_param_count(None, None)
        ),
        "losses.check_cross_entropy_value": lambda: (
            checks.losses.check_cross_entropy_value(None, x, 1)
        ),
        "losses.check_cross_entropy_from_logits": lambda: (
            checks.losses.check_cross_entropy_from_logits(None)
        ),
        "losses.check_output_layer": lambda: checks.losses.check_output_layer(
            None, "binary", 1
        ),
        "matrices.check_dense_forward": lambda: checks.matrices.check_dense_forward(
            None
        ),
        "matrices.check_max_hidden_units": lambda: (
            checks.matrices.check_max_hidden_units(None)
        ),
        "matrices.check_momentum_step": lambda: checks.matrices.check_momentum_step(
            None
        ),
        "matrices.check_divergence_learning_rate": lambda: (
            checks.matrices.check_divergence_learning_rate(None, x)
        ),
        "fashion_mnist.check_scaled_images": lambda: (
            checks.fashion_mnist.check_scaled_images(None)
        ),
        "fashion_mnist.check_dense_param_count": lambda: (
            checks.fashion_mnist.check_dense_param_count(None, [4, 3, 2])
        ),
        "fashion_mnist.check_loss_for_labels": lambda: (
            checks.fashion_mnist.check_loss_for_labels(None, y_true, y_prob)
        ),
        "fashion_mnist.check_validation_accuracy": lambda: (
            checks.fashion_mnist.check_validation_accuracy(None, 0.8, 3)
        ),
    }


EVERY_CHECK = _every_check_on_a_stub()


def test_the_stub_table_names_public_checks():
    """Each row is a public check; a new check may add a row here."""
    public = {
        f"{topic}.{name}"
        for topic in checks.__all__
        if topic != "core"
        for name in getattr(checks, topic).__all__
        if name.startswith("check_")
    }
    assert set(EVERY_CHECK) <= public


@pytest.mark.parametrize("name", list(EVERY_CHECK))
def test_every_check_prints_a_hint_for_a_stub_and_returns_a_false_result(capsys, name):
    result = EVERY_CHECK[name]()
    assert isinstance(result, CheckResult) and not result
    assert capsys.readouterr().out.startswith("❌ ")
