"""The playground's choices: data sets, features, activations, optimisers, bounds.

The same lists as TensorFlow Playground where it has one. No Keras import.
"""

from __future__ import annotations

import dataclasses

import numpy as np

# --------------------------------------------------------------------------
# Choices (the same lists as TensorFlow Playground where it has one)
# --------------------------------------------------------------------------

#: name -> (task, description). Tasks: "binary", "multiclass", "regression".
PLAYGROUND_DATASETS: dict[str, tuple[str, str]] = {
    "circle": ("binary", "circle: a disc inside a ring"),
    "xor": ("binary", "XOR: opposite quadrants share a class"),
    "gauss": ("binary", "two Gaussian clusters"),
    "spiral": ("binary", "two interleaved spirals"),
    "gauss3": ("multiclass", "three Gaussian clusters"),
    "spiral3": ("multiclass", "three interleaved spirals"),
    "plane": ("regression", "regression: a tilted plane"),
    "bump": ("regression", "regression: Gaussian bumps of both signs"),
}
_OWN = "own"  # the dataset name of arrays passed in by the student


@dataclasses.dataclass(frozen=True)
class Feature:
    """One input feature: its NumPy expression of ``x1`` and ``x2`` and its labels.

    The expression is the single source: :meth:`__call__` evaluates it, and the
    exported Keras code prints it.
    """

    code: str  # a NumPy expression of x1 and x2, e.g. "np.sin(x1)"
    tex_label: str  # for plots
    button_label: str  # for the widget's toggle buttons

    def __call__(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return eval(self.code, {"np": np}, {"x1": x1, "x2": x2})


#: feature name -> Feature (the web page's seven features, in its order).
FEATURES: dict[str, Feature] = {
    "x1": Feature("x1", "$x_1$", "x₁"),
    "x2": Feature("x2", "$x_2$", "x₂"),
    "x1^2": Feature("x1**2", "$x_1^2$", "x₁²"),
    "x2^2": Feature("x2**2", "$x_2^2$", "x₂²"),
    "x1*x2": Feature("x1 * x2", "$x_1 x_2$", "x₁·x₂"),
    "sin(x1)": Feature("np.sin(x1)", r"$\sin x_1$", "sin x₁"),
    "sin(x2)": Feature("np.sin(x2)", r"$\sin x_2$", "sin x₂"),
}
PLAYGROUND_FEATURES = tuple(FEATURES)
#: the web page's four, and the lecture's leaky ReLU and ELU (Keras names).
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu")
PLAYGROUND_REGULARIZATIONS = ("none", "l1", "l2")
PLAYGROUND_OPTIMIZERS = ("sgd", "adam")
PLAYGROUND_LEARNING_RATES = (
    0.00001,
    0.0001,
    0.001,
    0.003,
    0.01,
    0.03,
    0.1,
    0.3,
    1.0,
    3.0,
    10.0,
)
PLAYGROUND_REGULARIZATION_RATES = (
    0.0,
    0.001,
    0.003,
    0.01,
    0.03,
    0.1,
    0.3,
    1.0,
    3.0,
    10.0,
)
PLAYGROUND_DROPOUT_RATES = (0.0, 0.1, 0.2, 0.3, 0.5)
PLAYGROUND_MAX_HIDDEN_LAYERS = 6
PLAYGROUND_MAX_NEURONS = 8
_MAX_CLASSES = 10
_EXTENT = (-6.0, 6.0)  # the square every built-in data set lives in
MAX_POINTS = 5000  # data sets and configurations accept 10 to this many points
MAX_EPOCHS = 100_000  # train() and the exported code accept 1 to this many
