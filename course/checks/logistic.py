"""Exercise checks of notebook 02 (sigmoid, logistic regression, XOR)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from course.activations import np_sigmoid

from .core import ExerciseCheck, as_array, call_student, exercise_check
from .neuron import grade_quiz

__all__ = [
    "check_quiz",
    "check_sigmoid_boundary_line",
    "check_sigmoid_derivative",
    "check_xor_network",
]


@exercise_check(
    "sigmoid_derivative", success="σ'(z) = σ(z)(1 − σ(z)), largest (0.25) at z = 0"
)
def check_sigmoid_derivative(check: ExerciseCheck, sigmoid_derivative: Callable):
    """Check ``sigmoid_derivative(z)`` returns σ'(z) = σ(z)(1 − σ(z)) elementwise."""
    z = np.linspace(-6.0, 6.0, 25)
    want = np_sigmoid(z) * (1.0 - np_sigmoid(z))
    got = call_student(check, sigmoid_derivative, z.copy())
    check.stop_if_failed()
    got = as_array(check, got, "the output", z.shape)
    check.stop_if_failed()
    if not np.allclose(got, want, atol=1e-6):
        worst = int(np.argmax(np.abs(got - want)))
        hint = (
            "That is σ itself; its slope is σ(z)(1 − σ(z))."
            if np.allclose(got, np_sigmoid(z))
            else "The slope is largest at z = 0, where σ'(0) = 0.25."
        )
        check.fail(
            f"at z = {z[worst]:.1f} you returned {got[worst]:.4f}, "
            f"expected {want[worst]:.4f}. {hint}"
        )


@exercise_check(
    "boundary_x2", success="σ(w·x + b) = 0.5 on your line: it is the decision boundary"
)
def check_sigmoid_boundary_line(check: ExerciseCheck, boundary_x2: Callable):
    """Check ``boundary_x2(x1, w, b)``: the x2 where a 2-input sigmoid neuron gives 0.5.

    The reference is the definition itself: σ(w1·x1 + w2·x2 + b) must equal 0.5
    at every returned point, for several random neurons.
    """
    rng = np.random.default_rng(2)
    x1 = np.linspace(-3.0, 3.0, 7)
    for _ in range(3):
        w, b = rng.uniform(0.5, 2.0, 2) * rng.choice([-1, 1], 2), rng.normal()
        got = call_student(check, boundary_x2, x1.copy(), w.copy(), b)
        check.stop_if_failed()
        got = as_array(check, got, "x2", x1.shape)
        check.stop_if_failed()
        p = np_sigmoid(w[0] * x1 + w[1] * got + b)
        i = int(np.argmax(np.abs(p - 0.5)))
        check.require(
            np.allclose(p, 0.5, atol=1e-6),
            f"with w = {np.round(w, 2)}, b = {b:.2f} the neuron gives "
            f"{p[i]:.3f} (not 0.5) at (x1, x2) = ({x1[i]:.1f}, "
            f"{got[i]:.2f}). Hint: σ(z) = 0.5 exactly when z = 0; "
            f"solve w1·x1 + w2·x2 + b = 0 for x2.",
        )


@exercise_check("XOR network")
def check_xor_network(
    check: ExerciseCheck, hidden_weights, hidden_bias, output_weights, output_bias
) -> str:
    """Check hand-set weights of a 2-2-1 sigmoid network that should compute XOR.

    The network is ``σ(σ(x @ hidden_weights + hidden_bias) @ output_weights +
    output_bias)`` (Keras' layout: kernels are inputs × units); an output above
    0.5 counts as 1.
    """
    w_h = as_array(check, hidden_weights, "hidden_weights", (2, 2))
    b_h = as_array(check, hidden_bias, "hidden_bias", (2,))
    w_o = as_array(check, output_weights, "output_weights", (2,))
    b_o = as_array(check, output_bias, "output_bias", ())
    check.stop_if_failed()
    x = np.array(list(itertools.product([0.0, 1.0], repeat=2)))
    out = np_sigmoid(np_sigmoid(x @ w_h + b_h) @ w_o + b_o)
    want = np.logical_xor(x[:, 0], x[:, 1]).astype(int)
    wrong = [
        f"{tuple(xi.astype(int).tolist())} → {o:.2f} (want {t})"
        for xi, o, t in zip(x, out, want, strict=True)
        if int(o > 0.5) != t
    ]
    check.require(
        not wrong,
        "wrong outputs: " + "; ".join(wrong) + ". Hint: let one hidden "
        "neuron compute OR and the other AND (or NAND), then combine "
        "them; weights of about ±10 make σ behave like a step.",
    )
    outputs = ", ".join(f"{o:.2f}" for o in out)
    return f"outputs {outputs} for (0,0), (0,1), (1,0), (1,1)"


_QUIZ = {
    1: ("a", "Compare p̂ − y with 2(p̂ − y)·p̂(1 − p̂) when p̂ is almost 0."),
    2: ("b", "Where is σ(w·x + b) = 0.5? Solve w·x + b = 0 for two inputs."),
    3: (
        float(np.exp(0.7)),
        "One unit more adds w to the log-odds; what does that do to the odds?",
    ),
    4: ("a", "Which predictions keep the cross-entropy lowest when no line fits?"),
}


@exercise_check("quiz")
def check_quiz(check: ExerciseCheck, answers) -> str:
    """Check the answers to notebook 02's quiz, {question number: letter or number}."""
    return grade_quiz(check, answers, _QUIZ)
