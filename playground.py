"""The ANN playground: TensorFlow Playground's controls and pictures, built on Keras.

The module has four parts, in this order:

1. pure logic, testable without a display: data generators, input features,
   the :class:`PlaygroundConfig` (validated, with a settings string), Keras model
   building and code export, and :class:`Playground`, which trains and records;
2. the figure, drawn by :func:`plot_playground` for the notebook and the widget;
3. the exercise checks (``check_*``);
4. :class:`PlaygroundWidget`, the ipywidgets user interface around a Playground.

Nothing runs at import time; ipywidgets is imported only by the widget.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import math
import numbers
import time
from collections.abc import Callable, Sequence
from typing import Any

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

import utils

__all__ = [
    "PLAYGROUND_ACTIVATIONS",
    "PLAYGROUND_DATASETS",
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
    "check_circle_features",
    "check_playground_param_count",
    "check_xor_settings",
    "make_playground_data",
    "playground_features",
    "playground_keras_code",
    "plot_playground",
    "plot_playground_losses",
    "plot_playground_network",
    "plot_playground_surface",
    "split_playground_data",
]

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

# --------------------------------------------------------------------------
# Data sets (the generators of TensorFlow Playground, vectorised)
# --------------------------------------------------------------------------


def _uniform_disc_ring(rng, n, r_lo, r_hi):
    r = rng.uniform(r_lo, r_hi, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.c_[r * np.sin(angle), r * np.cos(angle)]


def _circle(rng, n, noise):
    n_in = n // 2
    x = np.r_[
        _uniform_disc_ring(rng, n_in, 0, 2.5), _uniform_disc_ring(rng, n - n_in, 3.5, 5)
    ]
    shifted = x + rng.uniform(-5, 5, x.shape) * noise  # noise moves the label, not x
    return x, (np.hypot(*shifted.T) < 2.5).astype(np.int32)


def _xor(rng, n, noise):
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)  # a gap along the axes
    shifted = x + rng.uniform(-5, 5, x.shape) * noise
    return x, (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int32)


def _gaussians(rng, n, noise, centres):
    std = math.sqrt(0.5 + noise / 0.5 * 3.5)  # variance 0.5 (no noise) to 4
    counts = np.diff(np.linspace(0, n, len(centres) + 1).astype(int))
    x = np.concatenate(
        [rng.normal(c, std, (k, 2)) for c, k in zip(centres, counts, strict=True)]
    )
    return x, np.repeat(np.arange(len(centres)), counts).astype(np.int32)


def _spirals(rng, n, noise, arms, turns):
    counts = np.diff(np.linspace(0, n, arms + 1).astype(int))
    parts = []
    for arm, k in enumerate(counts):
        t = np.arange(k) / k
        angle = turns * t * 2 * np.pi + 2 * np.pi * arm / arms
        r = 5 * t
        parts.append(np.c_[r * np.sin(angle), r * np.cos(angle)])
    x = np.concatenate(parts) + rng.uniform(-1, 1, (n, 2)) * noise
    return x, np.repeat(np.arange(arms), counts).astype(np.int32)


_BUMPS = (
    (-4, 2.5, 1),
    (0, 2.5, -1),
    (4, 2.5, 1),
    (-4, -2.5, -1),
    (0, -2.5, 1),
    (4, -2.5, -1),
)


def _regression(rng, n, noise, name):
    x = rng.uniform(-6, 6, (n, 2))
    s = x + rng.uniform(-6, 6, x.shape) * noise
    if name == "plane":
        return x, ((s[:, 0] + s[:, 1]) / 10).astype(np.float32)
    values = np.stack(
        [
            sign * np.clip(1 - np.hypot(s[:, 0] - cx, s[:, 1] - cy) / 2, 0, 1)
            for cx, cy, sign in _BUMPS
        ]
    )
    strongest = np.abs(values).argmax(axis=0)
    return x, values[strongest, np.arange(n)].astype(np.float32)


def make_playground_data(
    name: str, n_points: int = 500, noise: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Generate one of the playground's data sets, as TensorFlow Playground does.

    Args:
        name: a key of ``PLAYGROUND_DATASETS`` ("circle", "xor", "gauss",
            "spiral", "gauss3", "spiral3", "plane", "bump").
        n_points: how many points (at least 10).
        noise: 0 (clean) to 0.5 (TensorFlow Playground's 0-50 %).
        seed: the random seed; the same arguments give the same points.

    Returns:
        ``(x, y)``: float32 points of shape (n, 2) in [-6, 6]², and int32 class
        labels 0..k-1 (classification) or float32 targets in about [-1, 1].
    """
    if name not in PLAYGROUND_DATASETS:
        raise ValueError(
            f"unknown data set {name!r}; choose one of {sorted(PLAYGROUND_DATASETS)}"
        )
    n_points = _check_int("n_points", n_points, 10, 100_000)
    noise = _check_number("noise", noise, 0.0, 0.5)
    seed = _check_int("seed", seed, 0, 2**31 - 1)
    rng = np.random.default_rng(seed)
    if name == "circle":
        x, y = _circle(rng, n_points, noise)
    elif name == "xor":
        x, y = _xor(rng, n_points, noise)
    elif name == "gauss":
        x, y = _gaussians(rng, n_points, noise, [(-2, -2), (2, 2)])
    elif name == "gauss3":
        angles = np.deg2rad([90, 210, 330])
        x, y = _gaussians(
            rng, n_points, noise, 3 * np.c_[np.cos(angles), np.sin(angles)]
        )
    elif name == "spiral":
        x, y = _spirals(rng, n_points, noise * 2, arms=2, turns=1.75)
    elif name == "spiral3":
        x, y = _spirals(rng, n_points, noise * 2, arms=3, turns=1.0)
    else:
        x, y = _regression(rng, n_points, noise, name)
    return x.astype(np.float32), y


def split_playground_data(
    x: np.ndarray, y: np.ndarray, train_fraction: float = 0.5, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Shuffle and split into ``(x_train, y_train), (x_test, y_test)``.

    Args:
        x, y: points and labels of one length.
        train_fraction: share of points for training, 0.1 to 0.9.
        seed: the random seed of the shuffle.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have one length; got {len(x)} and {len(y)}")
    train_fraction = _check_number("train_fraction", train_fraction, 0.1, 0.9)
    order = np.random.default_rng(seed).permutation(len(x))
    n_train = min(max(round(train_fraction * len(x)), 1), len(x) - 1)
    train, test = order[:n_train], order[n_train:]
    return (x[train], y[train]), (x[test], y[test])


def playground_features(
    x: np.ndarray, features: Sequence[str] = ("x1", "x2")
) -> np.ndarray:
    """Compute the chosen input features of 2-D points.

    Args:
        x: points of shape (n, 2).
        features: names from ``PLAYGROUND_FEATURES`` ("x1", "x2", "x1^2",
            "x2^2", "x1*x2", "sin(x1)", "sin(x2)").

    Returns:
        A float32 array of shape (n, len(features)), one column per feature.
    """
    features = _check_features(features)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2); got {x.shape}")
    x1, x2 = x[:, 0], x[:, 1]
    return np.stack([_FEATURE_FUNCTIONS[f](x1, x2) for f in features], axis=1)


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _check_number(name: str, value, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number from {lo:g} to {hi:g}; got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be from {lo:g} to {hi:g}; got {value!r}")
    return float(value)


def _check_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer from {lo} to {hi}; got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be from {lo} to {hi}; got {value!r}")
    return int(value)


def _check_choice(name: str, value, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {list(choices)}")
    return value


def _check_features(features) -> tuple[str, ...]:
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            f"features must be a tuple of names such as ('x1', 'x2'); got {features!r}"
        )
    unknown = [f for f in features if f not in _FEATURE_CODE]
    if unknown:
        raise ValueError(
            f"unknown feature(s) {unknown}; choose from {list(PLAYGROUND_FEATURES)}"
        )
    if not features or len(set(features)) != len(features):
        raise ValueError(
            f"features must be one or more distinct names; got {features!r}"
        )
    return tuple(features)


def _check_layers(layers) -> tuple[int, ...]:
    if isinstance(layers, str) or not isinstance(layers, Sequence):
        raise TypeError(
            "hidden_layers must be a tuple of neuron counts such as (4, 4); "
            f"got {layers!r}"
        )
    if len(layers) > PLAYGROUND_MAX_HIDDEN_LAYERS:
        raise ValueError(
            f"hidden_layers must have 0 to {PLAYGROUND_MAX_HIDDEN_LAYERS} layers; "
            f"got {len(layers)}"
        )
    return tuple(
        _check_int(f"hidden layer {i} (neurons)", n, 1, PLAYGROUND_MAX_NEURONS)
        for i, n in enumerate(layers, start=1)
    )


# --------------------------------------------------------------------------
# Configuration and its settings string
# --------------------------------------------------------------------------

# settings key -> (field, parse, format)
_SETTINGS: dict[str, tuple[str, Callable[[str], Any], Callable[[Any], str]]] = {
    "data": ("dataset", str, str),
    "noise": ("noise", float, repr),
    "train": ("train_fraction", float, repr),
    "points": ("n_points", int, str),
    "seed": ("seed", int, str),
    "features": ("features", lambda s: tuple(filter(None, s.split(","))), ",".join),
    "layers": (
        "hidden_layers",
        lambda s: tuple(int(n) for n in filter(None, s.split(","))),
        lambda v: ",".join(map(str, v)),
    ),
    "activation": ("activation", str, str),
    "lr": ("learning_rate", float, repr),
    "reg": ("regularization", str, str),
    "reg_rate": ("regularization_rate", float, repr),
    "batch": ("batch_size", int, str),
    "optimizer": ("optimizer", str, str),
    "test": (
        "show_test_data",
        lambda s: {"0": False, "1": True}[s],
        lambda v: str(int(v)),
    ),
    "discretize": (
        "discretize",
        lambda s: {"0": False, "1": True}[s],
        lambda v: str(int(v)),
    ),
}
_DATA_FIELDS = ("dataset", "noise", "train_fraction", "n_points", "seed")
_VIEW_FIELDS = ("show_test_data", "discretize")
_LIVE_FIELDS = ("learning_rate", "batch_size")  # change without a reset


@dataclasses.dataclass(frozen=True)
class PlaygroundConfig:
    """Every setting of the playground, validated; defaults as TensorFlow Playground.

    Two hidden layers of 4 neurons on 500 circle points is the default network.
    ``dataset="own"`` means arrays passed to :class:`Playground`.
    """

    dataset: str = "circle"
    noise: float = 0.0
    train_fraction: float = 0.5
    n_points: int = 500
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    hidden_layers: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    optimizer: str = "sgd"
    show_test_data: bool = False
    discretize: bool = False

    def __post_init__(self):
        set_ = object.__setattr__  # the dataclass is frozen
        _check_choice("dataset", self.dataset, [*PLAYGROUND_DATASETS, _OWN])
        set_(self, "noise", _check_number("noise", self.noise, 0.0, 0.5))
        set_(
            self,
            "train_fraction",
            _check_number("train_fraction", self.train_fraction, 0.1, 0.9),
        )
        set_(self, "n_points", _check_int("n_points", self.n_points, 10, 5000))
        set_(self, "seed", _check_int("seed", self.seed, 0, 2**31 - 1))
        set_(self, "features", _check_features(self.features))
        set_(self, "hidden_layers", _check_layers(self.hidden_layers))
        _check_choice("activation", self.activation, PLAYGROUND_ACTIVATIONS)
        set_(
            self,
            "learning_rate",
            _check_number("learning_rate", self.learning_rate, 1e-6, 10),
        )
        _check_choice("regularization", self.regularization, PLAYGROUND_REGULARIZATIONS)
        set_(
            self,
            "regularization_rate",
            _check_number("regularization_rate", self.regularization_rate, 0.0, 10),
        )
        set_(self, "batch_size", _check_int("batch_size", self.batch_size, 1, 1000))
        _check_choice("optimizer", self.optimizer, PLAYGROUND_OPTIMIZERS)
        for name in _VIEW_FIELDS:
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise TypeError(
                    f"{name} must be True or False; got {getattr(self, name)!r}"
                )
            set_(self, name, bool(getattr(self, name)))

    def to_settings(self) -> str:
        """Return the settings string, e.g. ``"data=circle&noise=0.0&...&test=0"``."""
        return "&".join(
            f"{key}={fmt(getattr(self, name))}"
            for key, (name, _, fmt) in _SETTINGS.items()
        )

    @classmethod
    def from_settings(cls, settings: str) -> PlaygroundConfig:
        """Recreate a configuration from :meth:`to_settings`'s string.

        Missing keys take their defaults; a leading "#" or "?" (as in a URL) is
        ignored. Raises ValueError naming the bad part.
        """
        if not isinstance(settings, str):
            raise TypeError(f"settings must be a string; got {type(settings).__name__}")
        values = {}
        for part in filter(None, settings.strip().lstrip("#?").split("&")):
            key, sep, text = part.partition("=")
            if not sep or key not in _SETTINGS:
                raise ValueError(
                    f"bad settings part {part!r}: expected key=value with a key "
                    f"from {list(_SETTINGS)}"
                )
            name, parse, _ = _SETTINGS[key]
            if name in values:
                raise ValueError(f"bad settings string: {key!r} appears twice")
            try:
                values[name] = parse(text.strip())
            except (ValueError, KeyError):
                raise ValueError(
                    f"bad settings value {part!r}: {key} cannot be {text!r}"
                ) from None
        return cls(**values)

    @property
    def task(self) -> str | None:
        """The task: "binary", "multiclass", "regression"; None for own data."""
        return None if self.dataset == _OWN else PLAYGROUND_DATASETS[self.dataset][0]


# --------------------------------------------------------------------------
# Keras model and its code
# --------------------------------------------------------------------------


def _output_spec(task: str, n_classes: int) -> tuple[int, str, str]:
    """Units, activation and loss of the output layer for a task."""
    if task == "binary":
        return 1, "sigmoid", "binary_crossentropy"
    if task == "multiclass":
        return n_classes, "softmax", "sparse_categorical_crossentropy"
    if task == "regression":
        return 1, "linear", "mean_squared_error"
    raise ValueError(
        f"unknown task {task!r}; expected 'binary', 'multiclass' or 'regression'"
    )


def _regularizer(config: PlaygroundConfig):
    if config.regularization == "l1":
        return keras.regularizers.L1(config.regularization_rate)
    if config.regularization == "l2":
        return keras.regularizers.L2(config.regularization_rate)
    return None


def _optimizer(config: PlaygroundConfig):
    if config.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=config.learning_rate)
    return keras.optimizers.SGD(learning_rate=config.learning_rate)


def build_playground_model(
    config: PlaygroundConfig, task: str = "binary", n_classes: int = 2
) -> keras.Sequential:
    """Build and compile the Keras network a configuration describes.

    Dense hidden layers with the chosen activation, an output layer that fits
    the task (sigmoid, softmax or linear), the regulariser on every kernel, and
    seeded Glorot initial weights, so a configuration always starts alike.
    """
    if not isinstance(config, PlaygroundConfig):
        raise TypeError(
            f"config must be a PlaygroundConfig; got {type(config).__name__}"
        )
    units, out_activation, loss = _output_spec(task, n_classes)
    reg = _regularizer(config)
    layers = [keras.Input(shape=(len(config.features),))]
    sizes = [*config.hidden_layers, units]
    for i, size in enumerate(sizes):
        last = i == len(sizes) - 1
        layers.append(
            keras.layers.Dense(
                size,
                activation=out_activation if last else config.activation,
                kernel_initializer=keras.initializers.GlorotUniform(
                    seed=config.seed + i
                ),
                kernel_regularizer=reg,
                name="output" if last else f"hidden_{i + 1}",
            )
        )
    model = keras.Sequential(layers, name="playground")
    # Several steps per compiled call: the per-step Python overhead is most of
    # the time of a network this small (see the notebook's speed section).
    model.compile(optimizer=_optimizer(config), loss=loss, steps_per_execution=16)
    return model


def _dense_code(units: int, activation: str, reg: str) -> str:
    one_line = f'keras.layers.Dense({units}, activation="{activation}"{reg}),'
    if len(one_line) <= 72:
        return f"        {one_line}"
    reg = reg.removeprefix(", ")
    return (
        f"        keras.layers.Dense(\n            {units},\n"
        f'            activation="{activation}",\n            {reg},\n        ),'
    )


def playground_keras_code(
    config: PlaygroundConfig,
    task: str | None = None,
    n_classes: int = 2,
    epochs: int = 100,
) -> str:
    """Return runnable Keras code of the network and training a configuration describes.

    The code makes the same data (built-in sets) or expects ``x_train``,
    ``y_train``, ``x_test``, ``y_test`` (own data), defines ``make_features``,
    builds and compiles ``model`` and trains it for ``epochs`` epochs.
    """
    if not isinstance(config, PlaygroundConfig):
        raise TypeError(
            f"config must be a PlaygroundConfig; got {type(config).__name__}"
        )
    task = task or config.task
    units, out_activation, loss = _output_spec(task, n_classes)
    epochs = _check_int("epochs", epochs, 1, 1_000_000)
    reg = ""
    if config.regularization != "none":
        cls = config.regularization.upper()
        rate = config.regularization_rate
        reg = f", kernel_regularizer=keras.regularizers.{cls}({rate!r})"
    expressions = [_FEATURE_CODE[f][0] for f in config.features]
    optimizer = {"sgd": "SGD", "adam": "Adam"}[config.optimizer]
    metrics = "" if task == "regression" else '\n    metrics=["accuracy"],'
    lines = [
        f"# Keras code of the playground network. Settings:\n# {config.to_settings()}",
        "import keras",
        "import numpy as np",
        "",
    ]
    if config.dataset == _OWN:
        lines += ["# Your own data: define x_train, y_train, x_test, y_test here.", ""]
    else:
        lines += [
            "import playground",
            "",
            f'x, y = playground.make_playground_data("{config.dataset}", '
            f"n_points={config.n_points}, noise={config.noise!r}, seed={config.seed})",
            "(x_train, y_train), (x_test, y_test) = playground.split_playground_data(",
            f"    x, y, train_fraction={config.train_fraction!r}, seed={config.seed}",
            ")",
        ]
    lines += [
        "",
        "",
        "def make_features(x):",
        f'    """Input features {", ".join(config.features)} of (n, 2) points x."""',
        "    x1, x2 = x[:, 0], x[:, 1]",
        f'    return np.stack([{", ".join(expressions)}], axis=1).astype("float32")',
        "",
        "",
        f"keras.utils.set_random_seed({config.seed})",
        "model = keras.Sequential(",
        "    [",
        f"        keras.Input(shape=({len(config.features)},)),",
        *[_dense_code(n, config.activation, reg) for n in config.hidden_layers],
        _dense_code(units, out_activation, reg),
        "    ]",
        ")",
        "model.compile(",
        f"    optimizer=keras.optimizers.{optimizer}("
        f"learning_rate={config.learning_rate!r}),",
        f'    loss="{loss}",{metrics}',
        ")",
        "history = model.fit(",
        "    make_features(x_train),",
        "    y_train,",
        f"    batch_size={config.batch_size},",
        f"    epochs={epochs},",
        "    validation_data=(make_features(x_test), y_test),",
        "    verbose=0,",
        ")",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# The playground: data, model, training, what the pictures need
# --------------------------------------------------------------------------


def _check_own_data(x, y, task):
    """Validate own data; return float32 x, y, the task and the class count."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(
            f"x must have shape (n, 2): one row per 2-D point; got {x.shape}"
        )
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(
            f"y must have shape (n,) with one label per point of x; got x {x.shape} "
            f"and y {y.shape}"
        )
    if len(x) < 4 or not np.issubdtype(x.dtype, np.number) or not np.isfinite(x).all():
        raise ValueError("x must hold at least 4 points with finite numbers")
    if task is None:
        task = (
            "classification"
            if np.issubdtype(y.dtype, np.integer) or y.dtype == bool
            else "regression"
        )
    _check_choice("task", task, ("classification", "regression"))
    if task == "regression":
        if not np.issubdtype(y.dtype, np.number) or not np.isfinite(y).all():
            raise ValueError("regression targets y must be finite numbers")
        return x.astype(np.float32), y.astype(np.float32), "regression", 0
    labels = np.unique(y)
    k = len(labels)
    if not np.array_equal(labels, np.arange(k)) or not 2 <= k <= _MAX_CLASSES:
        raise ValueError(
            f"class labels must be the integers 0..k-1 with 2 <= k <= {_MAX_CLASSES}; "
            f"got {labels[:12].tolist()} "
            "(np.unique(y, return_inverse=True)[1] renumbers them)"
        )
    return (
        x.astype(np.float32),
        y.astype(np.int32),
        "binary" if k == 2 else "multiclass",
        k,
    )


class Playground:
    """Data, Keras model and training history behind the playground; no display needed.

    Args:
        config: the settings (default: TensorFlow Playground's defaults).
        x, y: your own data instead of a built-in set: points (n, 2) and labels
            0..k-1 (classification) or float targets (regression).
        task: "classification" or "regression" for own data (default: integer
            labels mean classification).

    ``train(epochs)`` trains, ``configure(**changes)`` changes settings,
    ``reset()`` starts again, ``settings`` is the string that recreates it.
    """

    def __init__(
        self, config: PlaygroundConfig | None = None, *, x=None, y=None, task=None
    ):
        config = PlaygroundConfig() if config is None else config
        if not isinstance(config, PlaygroundConfig):
            raise TypeError(
                f"config must be a PlaygroundConfig; got {type(config).__name__}"
            )
        self._own = None
        if x is not None or y is not None:
            if x is None or y is None:
                raise ValueError("own data needs both x (points) and y (labels)")
            self._own = _check_own_data(x, y, task)
            config = dataclasses.replace(config, dataset=_OWN)
        elif config.dataset == _OWN:
            raise ValueError(
                'dataset "own" needs your arrays: Playground(config, x=..., y=...)'
            )
        self._config = config
        self.model: keras.Sequential | None = None
        self._make_data()
        self.reset()

    # -- settings ---------------------------------------------------------
    @property
    def config(self) -> PlaygroundConfig:
        """The current settings (change them with :meth:`configure`)."""
        return self._config

    @property
    def settings(self) -> str:
        """The settings string that recreates this playground (``from_settings``)."""
        return self._config.to_settings()

    @classmethod
    def from_settings(cls, settings: str, *, x=None, y=None, task=None) -> Playground:
        """Create a playground from a settings string (own data: pass x and y again)."""
        return cls(PlaygroundConfig.from_settings(settings), x=x, y=y, task=task)

    def configure(self, config: PlaygroundConfig | None = None, **changes) -> None:
        """Change settings by name (``configure(activation="relu")``) or to a config.

        New data or a new network reset the training; learning rate and batch
        size apply from the next step on, display options change nothing else.
        """
        new = self._config if config is None else config
        if not isinstance(new, PlaygroundConfig):
            raise TypeError(
                f"config must be a PlaygroundConfig; got {type(new).__name__}"
            )
        new = dataclasses.replace(new, **changes)
        if (new.dataset == _OWN) != (self._own is not None):
            raise ValueError(
                "this playground uses your own data: make a new Playground for a "
                "built-in data set"
                if self._own is not None
                else 'dataset "own" needs your arrays: Playground(config, x=..., y=...)'
            )
        old, self._config = self._config, new
        changed = {
            f.name
            for f in dataclasses.fields(new)
            if getattr(old, f.name) != getattr(new, f.name)
        }
        if changed & set(_DATA_FIELDS):
            self._make_data()
        if changed - set(_VIEW_FIELDS) - set(_LIVE_FIELDS):
            self.reset()
        elif "learning_rate" in changed:
            self.model.optimizer.learning_rate.assign(new.learning_rate)

    def new_sample(self) -> None:
        """Draw new data and new initial weights (the next seed) and reset."""
        self.configure(seed=self._config.seed + 1)

    # -- data -------------------------------------------------------------
    def _make_data(self) -> None:
        c = self._config
        if self._own is not None:
            x, y, self.task, self.n_classes = self._own
            lo, hi = x.min(axis=0), x.max(axis=0)
            pad = 0.1 * (hi - lo) + 1e-6
            self.extent = (
                lo[0] - pad[0],
                hi[0] + pad[0],
                lo[1] - pad[1],
                hi[1] + pad[1],
            )
        else:
            x, y = make_playground_data(c.dataset, c.n_points, c.noise, c.seed)
            self.task = c.task
            self.n_classes = int(y.max()) + 1 if self.task != "regression" else 0
            self.extent = _EXTENT * 2
        (self.x_train, self.y_train), (self.x_test, self.y_test) = (
            split_playground_data(x, y, c.train_fraction, c.seed)
        )

    # -- model and training -----------------------------------------------
    def reset(self) -> None:
        """Build a fresh network (seeded initial weights) and forget the training."""
        c = self._config
        self.model = build_playground_model(c, self.task, self.n_classes)
        self._probe = keras.Model(
            self.model.inputs[0], [layer.output for layer in self.model.layers]
        )
        self._f_train = playground_features(self.x_train, c.features)
        self._f_test = playground_features(self.x_test, c.features)
        self._shuffle_rng = np.random.default_rng(c.seed)
        self._loss_fn = keras.losses.get(_output_spec(self.task, self.n_classes)[2])
        self.epoch = 0
        self.history: dict[str, list[float]] = {
            "epoch": [],
            "train_loss": [],
            "test_loss": [],
        }
        self._record()

    def train(self, epochs: int = 1, record_every: int | None = None) -> None:
        """Train ``epochs`` epochs with mini-batch SGD (or Adam); record the losses.

        Args:
            epochs: how many passes over the (reshuffled) training set.
            record_every: also record the losses every this many epochs, for
                the loss curves (default: only at the end). Each record needs
                its own ``fit`` call, and a call has a fixed overhead.
        """
        epochs = _check_int("epochs", epochs, 1, 100_000)
        every = epochs if record_every is None else record_every
        every = _check_int("record_every", every, 1, 100_000)
        while epochs > 0:
            self._fit(min(every, epochs))
            epochs -= every

    def _fit(self, epochs: int) -> None:
        """One ``fit`` call over ``epochs`` shuffled copies of the training set:
        ``fit`` has a fixed cost per call and per epoch, so one long epoch."""
        n = len(self._f_train)
        order = np.concatenate(
            [self._shuffle_rng.permutation(n) for _ in range(epochs)]
        )
        self.model.fit(
            self._f_train[order],
            self.y_train[order],
            batch_size=self._config.batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        self.epoch += epochs
        self._record()

    def step(self) -> None:
        """Train one epoch (the web page's "step" button)."""
        self.train(1)

    def _record(self) -> None:
        train_loss, test_loss = self.losses()
        self.history["epoch"].append(self.epoch)
        self.history["train_loss"].append(train_loss)
        self.history["test_loss"].append(test_loss)

    def _outputs(self, features: np.ndarray) -> np.ndarray:
        # A direct call: no data pipeline (as in predict) and no compiled function
        # per input shape (as in predict_on_batch, which retraces for each size).
        out = keras.ops.convert_to_numpy(self.model(features, training=False))
        return out if self.task == "multiclass" else out[:, 0]

    def losses(self) -> tuple[float, float]:
        """Training and test loss now (data loss, without the regularisation term)."""
        both = self._outputs(np.concatenate([self._f_train, self._f_test]))
        n = len(self._f_train)
        return (
            float(keras.ops.mean(self._loss_fn(self.y_train, both[:n]))),
            float(keras.ops.mean(self._loss_fn(self.y_test, both[n:]))),
        )

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network's output for 2-D points x (n, 2).

        Returns P(class 1) of shape (n,) (binary), class probabilities (n, k)
        (multiclass) or predicted values (n,) (regression).
        """
        return self._outputs(playground_features(x, self._config.features))

    def accuracy(self, split: str = "test") -> float:
        """Share of correctly classified points of the "train" or "test" split."""
        _check_choice("split", split, ("train", "test"))
        if self.task == "regression":
            raise ValueError(
                "accuracy is for classification; this playground does regression"
            )
        x, y = (
            (self.x_train, self.y_train)
            if split == "train"
            else (self.x_test, self.y_test)
        )
        p = self.predict(x)
        pred = p.argmax(axis=1) if self.task == "multiclass" else (p >= 0.5).astype(int)
        return float(np.mean(pred == y))

    @property
    def diverged(self) -> bool:
        """True once the loss is no longer a finite number (learning rate too high)."""
        return not np.isfinite(self.history["train_loss"][-1])

    def grid(self, resolution: int = 80) -> np.ndarray:
        """Points of an r × r grid over the plot area, shape (r*r, 2)."""
        resolution = _check_int("resolution", resolution, 2, 1000)
        x0, x1, y0, y1 = self.extent
        g1, g2 = np.meshgrid(
            np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        )
        return np.c_[g1.ravel(), g2.ravel()].astype(np.float32)

    def neuron_outputs(self, resolution: int = 24) -> list[np.ndarray]:
        """Every neuron's output over the grid: per column (features, hidden layers,
        output) an array of shape (resolution, resolution, neurons)."""
        features = playground_features(self.grid(resolution), self._config.features)
        outputs = self._probe(features, training=False)
        outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
        shape = (resolution, resolution, -1)
        return [features.reshape(shape)] + [
            keras.ops.convert_to_numpy(o).reshape(shape) for o in outputs
        ]

    def weights(self) -> list[np.ndarray]:
        """The kernels (inputs × neurons) of every layer, features to output."""
        return [np.asarray(layer.kernel) for layer in self.model.layers]

    def keras_code(self, epochs: int | None = None) -> str:
        """Keras code of this network, trained ``epochs`` (default: epochs so far)."""
        epochs = epochs or max(self.epoch, 100)
        return playground_keras_code(self._config, self.task, self.n_classes, epochs)

    def summary(self) -> str:
        """One line: epoch, losses and (classification) test accuracy."""
        train_loss, test_loss = (
            self.history["train_loss"][-1],
            self.history["test_loss"][-1],
        )
        text = (
            f"epoch {self.epoch}: train loss {train_loss:.3f}, "
            f"test loss {test_loss:.3f}"
        )
        if self.task != "regression" and not self.diverged:
            text += f", test accuracy {self.accuracy('test'):.3f}"
        return text


# --------------------------------------------------------------------------
# The figure: one function for the notebook and the widget
# --------------------------------------------------------------------------

_CMAP = "PuOr"  # diverging and colour-blind safe: orange = low, purple = high
_CLASS_COLOURS = (
    "#C85200",
    "#5F4B8B",
    "#006BA4",
    "#595959",
    "#FFBC79",
    "#A2C8EC",
    "#898989",
    "#FF800E",
    "#ABABAB",
    "#CFCFCF",
)
_CLASS_MARKERS = "osD^vP*XhH"


def _class_colours(task: str, k: int) -> list:
    if task == "binary":
        cmap = plt.get_cmap(_CMAP)
        return [cmap(0.12), cmap(0.88)]
    return list(_CLASS_COLOURS[:k])


def _surface_image(
    pg: Playground, out: np.ndarray, resolution: int
) -> tuple[np.ndarray, dict]:
    """Turn network outputs on the grid into an image and imshow keywords."""
    discretize = pg.config.discretize
    if pg.task == "multiclass":
        probs = out.reshape(resolution, resolution, -1)
        if discretize:
            probs = np.eye(probs.shape[-1])[probs.argmax(axis=-1)]
        colours = np.array(
            [to_rgb(c) for c in _class_colours("multiclass", pg.n_classes)]
        )
        rgb = 0.45 + 0.55 * (probs @ colours)  # blend by probability, then lighten
        return np.clip(rgb, 0, 1), {}
    # The colour scale reaches past the values, so the background stays pale
    # and the points (full colour) stand out on it.
    z = out.reshape(resolution, resolution)
    if pg.task == "binary":
        z = (z >= 0.5).astype(float) if discretize else z
        return z, {"vmin": -0.6, "vmax": 1.6}
    z = np.round(z * 4) / 4 if discretize else z
    return z, {"vmin": -1.6, "vmax": 1.6}


def _scatter_points(pg: Playground, ax, x, y, test: bool) -> None:
    edge = (
        {"edgecolors": "black", "linewidths": 1.2}
        if test
        else {"edgecolors": "white", "linewidths": 0.6}
    )
    if pg.task == "regression":  # white edges would hide targets near 0
        edge = edge if test else {"edgecolors": "0.35", "linewidths": 0.5}
        ax.scatter(
            *x.T,
            c=y,
            cmap=_CMAP,
            vmin=-1,
            vmax=1,
            s=22,
            marker="D" if test else "o",
            **edge,
        )
        return
    for k, colour in enumerate(_class_colours(pg.task, pg.n_classes)):
        ax.scatter(*x[y == k].T, color=colour, marker=_CLASS_MARKERS[k], s=22, **edge)


def plot_playground_surface(pg: Playground, ax=None, resolution: int = 80):
    """Draw the output as a heat map over the plane with the data points on top.

    Binary: P(class 1), black line at 0.5; multiclass: class colours blended by
    probability; regression: the predicted value. Classes differ in marker as
    well as colour; test points (``show_test_data``) have a black edge.
    """
    ax = ax or plt.subplots(figsize=(4.6, 4.6))[1]
    out = pg._outputs(playground_features(pg.grid(resolution), pg.config.features))
    image, kw = _surface_image(pg, out, resolution)
    ax.imshow(
        image,
        origin="lower",
        extent=pg.extent,
        cmap=_CMAP,
        interpolation="bilinear",
        aspect="auto",
        **kw,
    )
    if pg.task == "binary" and np.isfinite(out).all() and np.ptp(out) > 0:
        g = pg.grid(resolution)
        ax.contour(
            g[:, 0].reshape(resolution, -1),
            g[:, 1].reshape(resolution, -1),
            out.reshape(resolution, -1),
            levels=[0.5],
            colors="black",
            linewidths=1,
        )
    _scatter_points(pg, ax, pg.x_train, pg.y_train, test=False)
    if pg.config.show_test_data:
        _scatter_points(pg, ax, pg.x_test, pg.y_test, test=True)
    _surface_legend(pg, ax)
    ax.set(xlim=pg.extent[:2], ylim=pg.extent[2:], xlabel="$x_1$", ylabel="$x_2$")
    ax.locator_params(nbins=4)  # few tick labels: text is most of the drawing time
    ax.grid(False)
    name = PLAYGROUND_DATASETS.get(pg.config.dataset, ("", "your own data"))[1]
    shade = {
        "binary": "P(class 1), black line at 0.5",
        "multiclass": "class colours mixed by probability",
        "regression": "predicted value, -1 (orange) to 1 (purple)",
    }[pg.task]
    ax.set_title(f"{name}\nshade: {shade}", fontsize=10)
    return ax


def _surface_legend(pg: Playground, ax) -> None:
    handles = []
    if pg.task != "regression":
        for k, colour in enumerate(_class_colours(pg.task, pg.n_classes)):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker=_CLASS_MARKERS[k],
                    color=colour,
                    markeredgecolor="white",
                    label=f"class {k}",
                )
            )
    else:
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                color="grey",
                markeredgecolor="0.35",
                label="train (colour = target)",
            )
        )
    if pg.config.show_test_data:
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="D" if pg.task == "regression" else "o",
                color="lightgrey",
                markeredgecolor="black",
                label="test",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=min(len(handles), 4),
        fontsize=8,
        frameon=False,
    )


def _tile_rgba(values: np.ndarray, scale: float | None) -> np.ndarray:
    """Colour one neuron's map: divided by ``scale`` (default: its largest |value|)."""
    if scale is None:
        peak = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 0
        values = values / peak if peak > 0 else values
        return plt.get_cmap(_CMAP)((values + 1) / 2)
    return plt.get_cmap(_CMAP)(values / scale)


def plot_playground_network(pg: Playground, ax=None, resolution: int = 24):
    """Draw the network as TensorFlow Playground does: each neuron's output as a
    small heat map (features, hidden layers, output) and the weights as lines
    (width ∝ |w| within a layer; solid purple positive, dashed orange negative)."""
    ax = ax or plt.subplots(figsize=(5.5, 4.6))[1]
    maps = pg.neuron_outputs(resolution)
    # tile size, gap between rows, gap between columns (room for the weights)
    t, gap, hgap = resolution, resolution // 3, 1.7 * resolution
    rows = max(m.shape[-1] for m in maps)
    height, width = rows * (t + gap), len(maps) * (t + hgap)
    mosaic = np.zeros((height, int(width), 4))
    tops = []
    for c, m in enumerate(maps):
        top0 = (rows - m.shape[-1]) * (t + gap) / 2
        left = int(c * (t + hgap))
        tops.append([int(top0 + i * (t + gap)) for i in range(m.shape[-1])])
        for i, top in enumerate(tops[-1]):
            out_scale = 1.0 if pg.task != "regression" else 2.0
            tile = m[::-1, :, i]  # row 0 at the top of the image is the largest x2
            if c == len(maps) - 1:
                rgba = _tile_rgba(
                    tile + (1.0 if pg.task == "regression" else 0), out_scale
                )
            else:
                rgba = _tile_rgba(tile, None)
            mosaic[top : top + t, left : left + t] = rgba
    segments, widths, styles, colours = _weight_lines(pg, tops, t, hgap)
    ax.add_collection(
        LineCollection(
            segments,
            linewidths=widths,
            linestyles=styles,
            colors=colours,
            alpha=0.8,
            zorder=1,
        )
    )
    ax.imshow(mosaic, extent=(0, width, height, 0), interpolation="nearest", zorder=2)
    _label_network(pg, ax, tops, t, hgap, maps)
    ax.set(xlim=(-1.6 * t, width - hgap + 0.2 * t), ylim=(height + 0.2 * t, -1.4 * t))
    ax.set_axis_off()
    return ax


def _weight_lines(pg: Playground, tops, t, hgap):
    cmap = plt.get_cmap(_CMAP)
    segments, widths, styles, colours = [], [], [], []
    for c, kernel in enumerate(pg.weights()):
        peak = np.nanmax(np.abs(kernel)) if np.isfinite(kernel).any() else 0
        x0, x1 = c * (t + hgap) + t, (c + 1) * (t + hgap)
        for i, j in np.ndindex(kernel.shape):
            w = kernel[i, j]
            segments.append([(x0, tops[c][i] + t / 2), (x1, tops[c + 1][j] + t / 2)])
            widths.append(
                0.3 + 2.7 * abs(w) / peak if peak > 0 and np.isfinite(w) else 0.3
            )
            styles.append("solid" if w >= 0 else (0, (3, 2)))
            colours.append(cmap(0.9) if w >= 0 else cmap(0.1))
    return segments, widths, styles, colours


def _label_network(pg: Playground, ax, tops, t, hgap, maps) -> None:
    for top, name in zip(tops[0], pg.config.features, strict=True):
        ax.text(
            -0.2 * t,
            top + t / 2,
            _FEATURE_CODE[name][1],
            ha="right",
            va="center",
            fontsize=9,
        )
    names = ["input"] + [f"hidden {i}" for i in range(1, len(maps) - 1)] + ["output"]
    for c, (name, m) in enumerate(zip(names, maps, strict=True)):
        ax.text(
            c * (t + hgap) + t / 2,
            min(tops[c]) - 0.3 * t,
            f"{name}\n{m.shape[-1]}",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_title("network: neuron outputs and weights", fontsize=10)


def plot_playground_losses(pg: Playground, ax=None):
    """Draw the training (solid) and test (dashed) loss against the epoch."""
    ax = ax or plt.subplots(figsize=(4.6, 3.6))[1]
    h = pg.history
    style = {"marker": "o", "ms": 3} if len(h["epoch"]) < 3 else {}
    ax.plot(
        h["epoch"], h["train_loss"], "-", color="#006BA4", label="training", **style
    )
    ax.plot(h["epoch"], h["test_loss"], "--", color="#C85200", label="test", **style)
    loss_name = _output_spec(pg.task, pg.n_classes)[2].replace("_", " ")
    ax.set(xlabel="epoch", ylabel=f"loss ({loss_name})")
    ax.locator_params(nbins=4)
    finite = [v for v in h["train_loss"] + h["test_loss"] if np.isfinite(v)]
    ax.set_ylim(0, max(finite) * 1.05 if finite and max(finite) > 0 else 1)
    ax.set_xlim(0, max(h["epoch"][-1], 1))
    ax.legend(loc="upper right", fontsize=8)
    if pg.diverged:
        title = f"epoch {pg.epoch}: diverged, lower the learning rate"
    else:
        train_loss, test_loss = h["train_loss"][-1], h["test_loss"][-1]
        title = f"epoch {pg.epoch}: train {train_loss:.3f}, test {test_loss:.3f}"
    ax.set_title(title, fontsize=10)
    return ax


def _playground_axes(fig):
    """Lay out the playground's three Axes on a figure (pyplot's or the widget's)."""
    fig.set_size_inches(13, 4.6)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.2, top=0.9, wspace=0.22)
    return fig.subplots(1, 3, width_ratios=[1.35, 1, 1])


def plot_playground(pg: Playground, axes=None, resolution: int = 80):
    """Draw the whole playground: network, output surface with data, loss curves.

    Args:
        pg: the playground.
        axes: three Axes (network, surface, losses), or None for a new figure.
        resolution: grid points per axis of the output surface.

    Returns:
        The three Axes.
    """
    if not isinstance(pg, Playground):
        raise TypeError(f"pg must be a Playground; got {type(pg).__name__}")
    axes = _playground_axes(plt.figure()) if axes is None else axes
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != 3:
        raise ValueError(
            f"axes must be three Axes (network, surface, losses); got {len(axes)}"
        )
    plot_playground_network(pg, ax=axes[0])
    plot_playground_surface(pg, ax=axes[1], resolution=resolution)
    plot_playground_losses(pg, ax=axes[2])
    return axes


# --------------------------------------------------------------------------
# Exercise checks: each prints ✅ or ❌ with a hint and returns a truthy or
# falsy utils.CheckResult (shown as nothing when it ends a cell).
# --------------------------------------------------------------------------


def check_playground_param_count(n_params, pg: Playground) -> utils.CheckResult:
    """Check a hand-computed number of trainable parameters of ``pg``'s network."""
    check = utils.ExerciseCheck("parameter count")
    if not isinstance(pg, Playground):
        check.fail(
            f"pass the playground as the second argument; got {type(pg).__name__}"
        )
        return check.verdict()
    expected = pg.model.count_params()
    if n_params is None:
        check.fail("n_params is still None: replace it with your count")
    elif isinstance(n_params, bool) or not isinstance(n_params, numbers.Integral):
        check.fail(f"n_params should be a whole number; got {type(n_params).__name__}")
    elif n_params != expected:
        sizes = [len(pg.config.features), *pg.config.hidden_layers]
        check.fail(
            f"{n_params} is not right. Each Dense layer has inputs × neurons weights "
            f"plus one bias per neuron; the first layer's inputs are the "
            f"{sizes[0]} features, and the layer sizes are {sizes[1:]} then the output."
        )
    return check.verdict(f"{expected} parameters, as model.count_params() says")


def _train_check_playground(config: PlaygroundConfig, epochs: int) -> Playground:
    pg = Playground(config)
    pg.train(epochs)
    return pg


def check_circle_features(features) -> utils.CheckResult:
    """Check that these features let a network without hidden layers solve the circle.

    Trains a playground (circle data, no hidden layer, 100 epochs) and passes
    when its test accuracy reaches 0.95.
    """
    check = utils.ExerciseCheck("circle features")
    if features is None:
        check.fail("features is still None: set it to a tuple of feature names")
        return check.verdict()
    try:
        features = _check_features(features)
    except (TypeError, ValueError) as exc:
        check.fail(str(exc))
        return check.verdict()
    config = PlaygroundConfig(
        dataset="circle", features=features, hidden_layers=(), learning_rate=0.03
    )
    accuracy = _train_check_playground(config, 100).accuracy("test")
    if accuracy < 0.95:
        check.fail(
            f"test accuracy {accuracy:.2f} (needs 0.95). Without hidden layers the "
            "boundary is a line in feature space: which features grow with the "
            "distance from the centre, so that 'inside' becomes 'small'?"
        )
    note = "" if len(features) <= 2 else " (two squared features are enough)"
    return check.verdict(f"test accuracy {accuracy:.2f} with {list(features)}{note}")


def check_xor_settings(settings) -> utils.CheckResult:
    """Check a settings string that solves XOR with x1, x2 and at most 4 hidden neurons.

    Trains the playground the string describes for 200 epochs and passes when
    the test accuracy reaches 0.9.
    """
    check = utils.ExerciseCheck("XOR settings")
    if not isinstance(settings, str):
        check.fail(
            f"settings should be a string such as 'data=xor&layers=2'; got {settings!r}"
        )
        return check.verdict()
    try:
        config = PlaygroundConfig.from_settings(settings)
    except (TypeError, ValueError) as exc:
        check.fail(f"the string does not parse: {exc}")
        return check.verdict()
    if config.dataset != "xor" or config.noise != 0:
        check.fail("use the XOR data without noise: data=xor, noise=0")
    if not set(config.features) <= {"x1", "x2"}:
        check.fail(f"use only the features x1 and x2 (not {list(config.features)})")
    if not 1 <= sum(config.hidden_layers) <= 4:
        check.fail(
            f"use 1 to 4 hidden neurons in total; you have {sum(config.hidden_layers)}"
        )
    if check.problems:
        return check.verdict()
    pg = _train_check_playground(config, 200)
    accuracy = 0.0 if pg.diverged else pg.accuracy("test")
    if accuracy < 0.9:
        check.fail(
            f"test accuracy {accuracy:.2f} after 200 epochs (needs 0.9). A linear "
            "activation cannot bend the boundary; try relu or tanh and a larger "
            "learning rate (0.1 or 0.3)."
        )
    return check.verdict(
        f"test accuracy {accuracy:.2f} with hidden layers {config.hidden_layers}"
    )


# --------------------------------------------------------------------------
# The widget: ipywidgets controls and a live figure around a Playground
# --------------------------------------------------------------------------

_FEATURE_BUTTON_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁·x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}


def _clear_artists(ax) -> None:
    """Remove what the plot functions draw, but keep the axes' ticks (fast redraw)."""
    for artist in [*ax.images, *ax.lines, *ax.collections, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()


class PlaygroundWidget:
    """TensorFlow Playground's controls (ipywidgets) and a live figure of a Playground.

    Display it as the last expression of a cell. Play trains in the kernel's
    event loop, as many epochs per frame as fit in ``frame_seconds`` together
    with the drawing, and redraws after each; buttons and sliders stay
    responsive meanwhile.

    Args:
        playground: the Playground to drive (default: a new one).
        frame_seconds: the aimed-at time of one frame (training and drawing)
            while playing: 0.25 s means about 4 pictures a second.
        resolution: grid points per axis of the output surface.
    """

    def __init__(
        self,
        playground: Playground | None = None,
        *,
        frame_seconds: float = 0.25,
        resolution: int = 50,
    ):
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.playground = Playground() if playground is None else playground
        if not isinstance(self.playground, Playground):
            raise TypeError(
                f"playground must be a Playground; got {type(playground).__name__}"
            )
        self.frame_seconds = _check_number("frame_seconds", frame_seconds, 0.01, 10)
        self.resolution = _check_int("resolution", resolution, 2, 400)
        self.epochs_per_frame = 1
        self._timings: list[tuple[int, float]] = []
        self.epochs_per_second = math.nan
        self.frames_per_second = math.nan
        self._task = None
        self._syncing = False
        self.figure = Figure(dpi=72)
        FigureCanvasAgg(self.figure)
        self._axes = _playground_axes(self.figure)
        self._build(widgets)
        self._sync_controls()
        self.render()

    # -- layout -------------------------------------------------------------
    def _build(self, w) -> None:
        c = self.playground.config
        own = c.dataset == _OWN
        names = [(d, n) for n, (_, d) in PLAYGROUND_DATASETS.items()]
        short = {"description_width": "initial"}
        self.dataset = w.Dropdown(
            options=[("your own data", _OWN)] if own else names,
            description="Data",
            disabled=own,
        )
        self.noise = w.IntSlider(
            min=0, max=50, step=5, description="Noise %", style=short
        )
        self.train_percent = w.IntSlider(
            min=10, max=90, step=10, description="Train %", style=short
        )
        self.batch_size = w.IntSlider(
            min=1, max=max(30, c.batch_size), description="Batch size", style=short
        )
        self.seed = w.BoundedIntText(
            min=0,
            max=2**31 - 1,
            description="Seed",
            style=short,
            layout=w.Layout(width="150px"),
        )
        self.new_sample_button = w.Button(description="New sample", icon="refresh")
        self.features = {
            f: w.ToggleButton(
                description=_FEATURE_BUTTON_LABELS[f], layout=w.Layout(width="72px")
            )
            for f in PLAYGROUND_FEATURES
        }
        self.n_layers = w.IntSlider(
            min=0,
            max=PLAYGROUND_MAX_HIDDEN_LAYERS,
            description="Hidden layers",
            style=short,
        )
        self.neurons = [
            w.IntSlider(
                min=1,
                max=PLAYGROUND_MAX_NEURONS,
                value=4,
                orientation="vertical",
                description=f"L{i + 1}",
                layout=w.Layout(width="52px", height="150px"),
            )
            for i in range(PLAYGROUND_MAX_HIDDEN_LAYERS)
        ]
        self.activation = w.Dropdown(
            options=PLAYGROUND_ACTIVATIONS, description="Activation"
        )
        self.learning_rate = w.Dropdown(
            options=PLAYGROUND_LEARNING_RATES, description="Learning rate", style=short
        )
        self.regularization = w.Dropdown(
            options=PLAYGROUND_REGULARIZATIONS,
            description="Regularization",
            style=short,
        )
        self.regularization_rate = w.Dropdown(
            options=PLAYGROUND_REGULARIZATION_RATES,
            description="Reg. rate",
            style=short,
        )
        self.optimizer = w.Dropdown(
            options=PLAYGROUND_OPTIMIZERS, description="Optimizer"
        )
        self.show_test_data = w.Checkbox(description="Show test data", indent=False)
        self.discretize = w.Checkbox(description="Discretize output", indent=False)
        self.reset_button = w.Button(description="Reset", icon="undo")
        self.play_button = w.ToggleButton(
            description="Play", icon="play", button_style="success"
        )
        self.step_button = w.Button(description="Step", icon="step-forward")
        self.code_button = w.Button(description="Keras code", icon="code")
        self.status = w.HTML()
        self.settings = w.Text(
            description="Settings",
            continuous_update=False,
            layout=w.Layout(width="98%"),
        )
        self.image = w.Image(format="png")
        self.code_output = w.Output()
        fewer = w.Layout(width="300px")
        for control in (
            self.dataset,
            self.noise,
            self.train_percent,
            self.batch_size,
            self.n_layers,
            self.activation,
            self.learning_rate,
            self.regularization,
            self.regularization_rate,
            self.optimizer,
        ):
            control.layout = fewer
        self._layers_box = w.HBox(self.neurons)
        data_box = w.VBox(
            [
                w.HTML("<b>Data</b>"),
                self.dataset,
                self.noise,
                self.train_percent,
                self.batch_size,
                w.HBox([self.seed, self.new_sample_button]),
            ]
        )
        features_box = w.VBox(
            [
                w.HTML("<b>Features</b>"),
                w.HBox(list(self.features.values())[:4]),
                w.HBox(list(self.features.values())[4:]),
                w.HTML("<b>Network</b>"),
                self.n_layers,
                self._layers_box,
            ]
        )
        train_box = w.VBox(
            [
                w.HTML("<b>Training</b>"),
                self.activation,
                self.learning_rate,
                self.regularization,
                self.regularization_rate,
                self.optimizer,
            ]
        )
        toolbar = w.HBox(
            [self.reset_button, self.play_button, self.step_button, self.status]
        )
        view = w.HBox([self.show_test_data, self.discretize, self.code_button])
        self.box = w.VBox(
            [
                toolbar,
                w.HBox([data_box, features_box, train_box]),
                self.image,
                view,
                self.settings,
                self.code_output,
            ]
        )
        self._connect()

    def _connect(self) -> None:
        controls = [
            self.dataset,
            self.noise,
            self.train_percent,
            self.batch_size,
            self.seed,
            self.n_layers,
            *self.neurons,
            *self.features.values(),
            self.activation,
            self.learning_rate,
            self.regularization,
            self.regularization_rate,
            self.optimizer,
            self.show_test_data,
            self.discretize,
        ]
        for control in controls:
            control.observe(self._on_control, names="value")
        self.settings.observe(self._on_settings, names="value")
        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.new_sample_button.on_click(
            lambda _: self._apply(seed=self.playground.config.seed + 1)
        )
        self.code_button.on_click(lambda _: self.show_code())

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)

    # -- controls <-> configuration ------------------------------------------
    def _config_from_controls(self) -> dict:
        n = self.n_layers.value
        return {
            "dataset": self.dataset.value,
            "noise": self.noise.value / 100,
            "train_fraction": self.train_percent.value / 100,
            "batch_size": self.batch_size.value,
            "seed": self.seed.value,
            "features": tuple(f for f, b in self.features.items() if b.value),
            "hidden_layers": tuple(s.value for s in self.neurons[:n]),
            "activation": self.activation.value,
            "learning_rate": self.learning_rate.value,
            "regularization": self.regularization.value,
            "regularization_rate": self.regularization_rate.value,
            "optimizer": self.optimizer.value,
            "show_test_data": self.show_test_data.value,
            "discretize": self.discretize.value,
        }

    def _sync_controls(self) -> None:
        """Show the playground's configuration in every control."""
        c = self.playground.config
        self._syncing = True
        try:
            if c.dataset != _OWN:
                self.dataset.value = c.dataset
            self.noise.value = round(c.noise * 100)
            self.train_percent.value = round(c.train_fraction * 100)
            self.batch_size.max = max(self.batch_size.max, c.batch_size)
            self.batch_size.value = c.batch_size
            self.seed.value = c.seed
            for f, button in self.features.items():
                button.value = f in c.features
                button.icon = "check" if button.value else ""  # not colour alone
            self.n_layers.value = len(c.hidden_layers)
            for i, slider in enumerate(self.neurons):
                if i < len(c.hidden_layers):
                    slider.value = c.hidden_layers[i]
                slider.layout.visibility = (
                    "visible" if i < len(c.hidden_layers) else "hidden"
                )
            for name in (
                "activation",
                "learning_rate",
                "regularization",
                "regularization_rate",
                "optimizer",
            ):
                control, value = getattr(self, name), getattr(c, name)
                if value not in control.options:
                    control.options = sorted({*control.options, value})
                control.value = value
            self.show_test_data.value = c.show_test_data
            self.discretize.value = c.discretize
            self.settings.value = c.to_settings()
        finally:
            self._syncing = False

    def _on_control(self, change) -> None:
        if not self._syncing:
            self._apply(**self._config_from_controls())

    def _on_settings(self, change) -> None:
        if self._syncing:
            return
        try:
            config = PlaygroundConfig.from_settings(change["new"])
        except (TypeError, ValueError) as exc:
            self._show_error(exc)
            return
        self._apply(**dataclasses.asdict(config))

    def _apply(self, **changes) -> None:
        """Change the playground's settings; show an error instead of raising."""
        try:
            self.playground.configure(**changes)
        except (TypeError, ValueError) as exc:
            self._show_error(exc)
        else:
            self._error = None
        self._sync_controls()
        self.render()

    def _show_error(self, exc: Exception) -> None:
        self._error = str(exc)
        self._sync_controls()
        self._update_status()

    # -- actions -----------------------------------------------------------
    def step(self) -> None:
        """Train one epoch and redraw."""
        self.playground.step()
        self.render()

    def reset(self) -> None:
        """Start the training again from the initial weights and redraw."""
        self.playground.reset()
        self.render()

    def show_code(self) -> None:
        """Print the Keras code of the current network below the figure."""
        self.code_output.clear_output()
        with self.code_output:
            print(self.playground.keras_code())

    def play_frame(self) -> None:
        """Train some epochs, then redraw: one frame of Play."""
        start = time.perf_counter()
        self.playground.train(self.epochs_per_frame)
        trained = time.perf_counter()
        self.epochs_per_second = self.epochs_per_frame / (trained - start)
        self.render()
        done = time.perf_counter()
        self.frames_per_second = 1 / (done - start)
        self.epochs_per_frame = self._next_epochs_per_frame(
            self.epochs_per_frame, trained - start, done - trained
        )

    def _next_epochs_per_frame(
        self, epochs: int, seconds: float, draw_seconds: float
    ) -> int:
        """Epochs for the next frame from the times of recent frames.

        A ``fit`` call costs a fixed overhead plus a time per epoch; a line
        through recent (epochs, training seconds) pairs estimates both. The
        next frame trains for what ``frame_seconds`` leaves after drawing, but
        at least 1.5 × the overhead (so it never dominates); it grows at most
        2× per frame.
        """
        self._timings = [*self._timings[-7:], (epochs, seconds)]
        counts, times = np.array(self._timings, dtype=float).T
        if len(set(counts)) < 2:  # one frame size alone cannot split the costs
            return min(2 * epochs, 1000)
        per_epoch, overhead = np.polyfit(counts, times, 1)
        per_epoch, overhead = max(per_epoch, 1e-6), max(overhead, 0.0)
        budget = max(self.frame_seconds - draw_seconds, 1.5 * overhead)
        wanted = round((budget - overhead) / per_epoch)
        return int(np.clip(wanted, 1, min(2 * epochs, 1000)))

    def _on_play(self, change) -> None:
        self.play_button.description = "Pause" if change["new"] else "Play"
        self.play_button.icon = "pause" if change["new"] else "play"
        if not change["new"] or (self._task is not None and not self._task.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel event loop (a plain Python script)
            self._error = "Play needs Jupyter's event loop; call play_frame() instead"
            self.play_button.value = False
            self._update_status()
            return
        self._error = None
        self._task = loop.create_task(self._play_loop())

    async def _play_loop(self) -> None:
        try:
            while self.play_button.value and not self.playground.diverged:
                self.play_frame()
                await asyncio.sleep(0.01)  # let the kernel handle clicks meanwhile
        except (
            Exception
        ) as exc:  # shown in the widget: a task has no cell for tracebacks
            self._error = f"{type(exc).__name__}: {exc}"
        finally:
            self.play_button.value = False
            self._update_status()

    # -- drawing -------------------------------------------------------------
    def render(self) -> None:
        """Redraw the figure into the image (the notebook's plot_playground)."""
        for ax in self._axes:
            _clear_artists(ax)
        plot_playground(self.playground, axes=self._axes, resolution=self.resolution)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
        self.image.value = buffer.getvalue()
        self._update_status()

    def _update_status(self) -> None:
        pg = self.playground
        text = f"<b>Epoch {pg.epoch:06d}</b>"
        if pg.diverged:
            text += " · ⚠ the loss diverged: lower the learning rate, then Reset"
        if np.isfinite(self.epochs_per_second) and self.play_button.value:
            text += (
                f" · {self.epochs_per_second:.0f} epochs/s while training, "
                f"{self.frames_per_second:.1f} frames/s"
            )
        if getattr(self, "_error", None):
            text += f" · <span style='color:#C85200'>❌ {self._error}</span>"
        self.status.value = text
