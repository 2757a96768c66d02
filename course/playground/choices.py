"""The playground's choices: data sets, features, activations, optimisers, bounds.

The same lists as TensorFlow Playground where it has one. No Keras import.
"""

from __future__ import annotations

from collections.abc import Callable

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

#: feature name -> (Python expression of x1 and x2, label for plots).
_FEATURE_CODE: dict[str, tuple[str, str]] = {
    "x1": ("x1", "$x_1$"),
    "x2": ("x2", "$x_2$"),
    "x1^2": ("x1**2", "$x_1^2$"),
    "x2^2": ("x2**2", "$x_2^2$"),
    "x1*x2": ("x1 * x2", "$x_1 x_2$"),
    "sin(x1)": ("np.sin(x1)", r"$\sin x_1$"),
    "sin(x2)": ("np.sin(x2)", r"$\sin x_2$"),
}
_FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
PLAYGROUND_FEATURES = tuple(_FEATURE_CODE)
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
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
PLAYGROUND_MAX_HIDDEN_LAYERS = 6
PLAYGROUND_MAX_NEURONS = 8
_MAX_CLASSES = 10
_EXTENT = (-6.0, 6.0)  # the square every built-in data set lives in
