"""The exercise self-checks, one module a notebook: ``checks.<topic>.check_...``.

| notebook | module |
|---|---|
| 01 the artificial neuron, linear regression | ``course.checks.neuron`` |
| 02 logistic regression | ``course.checks.logistic`` |
| 03 non-linearity and activations | ``course.checks.activations`` |
| 04 the ANN playground | ``course.checks.playground`` |
| 05 output layers and losses | ``course.checks.losses`` |
| 06 matrices and gradient descent | ``course.checks.matrices`` |
| 07 the hands-on Fashion-MNIST network | ``course.checks.fashion_mnist`` |

``course.checks.core`` is how every check is written and reports
(``exercise_check``, ``ExerciseCheck``, ``CheckResult``), calls the student's
function (``call_student``) and reads an answer (``as_number``,
``as_whole_number``, ``as_array``). A notebook writes ``from course import
checks`` and then, for example, ``checks.neuron.check_threshold_gate(...)``.
Each module is imported on first use, so a notebook loads only its own checks.
"""

import importlib

__all__ = [
    "activations",
    "core",
    "fashion_mnist",
    "logistic",
    "losses",
    "matrices",
    "neuron",
    "playground",
]


def __getattr__(name: str):
    """Import ``checks.<topic>`` on first use, so a notebook loads only its own."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
