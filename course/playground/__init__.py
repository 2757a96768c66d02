"""Notebook 04: TensorFlow Playground's controls and pictures, built on Keras.

One module a job, in the order the data flows:

- ``choices``: the data sets, features, activations, optimisers and bounds;
- ``data``: the data generators and the input features (NumPy only);
- ``config``: :class:`PlaygroundConfig`, validated, with a settings string;
- ``model``: the Keras model, its code export, and :class:`Playground`, which
  trains and records;
- ``figure``: :func:`plot_playground` and its three panels;
- ``widget``: :class:`PlaygroundWidget`, the ipywidgets user interface.

The exercise checks are in ``course.checks.playground``. Nothing runs at import
time; Keras loads on first use of the model, figure or widget, ipywidgets
only when a widget is built.
"""

import importlib

from .choices import (
    FEATURES,
    PLAYGROUND_ACTIVATIONS,
    PLAYGROUND_DATASETS,
    PLAYGROUND_DROPOUT_RATES,
    PLAYGROUND_FEATURES,
    PLAYGROUND_LEARNING_RATES,
    PLAYGROUND_MAX_HIDDEN_LAYERS,
    PLAYGROUND_MAX_NEURONS,
    PLAYGROUND_OPTIMIZERS,
    PLAYGROUND_REGULARIZATION_RATES,
    PLAYGROUND_REGULARIZATIONS,
    Feature,
)
from .config import PlaygroundConfig
from .data import make_playground_data, playground_features, split_playground_data

# The Keras side loads on first use, so settings and data need no TensorFlow.
_LAZY = {
    "playground_class_colours": "figure",
    "plot_playground": "figure",
    "plot_playground_losses": "figure",
    "plot_playground_network": "figure",
    "plot_playground_neuron": "figure",
    "plot_playground_surface": "figure",
    "Playground": "model",
    "build_playground_model": "model",
    "playground_keras_code": "model",
    "PlaygroundWidget": "widget",
}


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FEATURES",
    "Feature",
    "PLAYGROUND_ACTIVATIONS",
    "PLAYGROUND_DATASETS",
    "PLAYGROUND_DROPOUT_RATES",
    "PLAYGROUND_FEATURES",
    "PLAYGROUND_LEARNING_RATES",
    "PLAYGROUND_MAX_HIDDEN_LAYERS",
    "PLAYGROUND_MAX_NEURONS",
    "PLAYGROUND_OPTIMIZERS",
    "PLAYGROUND_REGULARIZATION_RATES",
    "PLAYGROUND_REGULARIZATIONS",
    "Playground",
    "PlaygroundConfig",
    "PlaygroundWidget",
    "build_playground_model",
    "make_playground_data",
    "playground_class_colours",
    "playground_features",
    "playground_keras_code",
    "plot_playground",
    "plot_playground_losses",
    "plot_playground_network",
    "plot_playground_neuron",
    "plot_playground_surface",
    "split_playground_data",
]
