"""The playground's settings: a validated ``PlaygroundConfig``, its settings string.

No Keras import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ._validate import (
    require_choice,
    require_features,
    require_int,
    require_layers,
    require_number,
)
from .choices import (
    _OWN,
    PLAYGROUND_ACTIVATIONS,
    PLAYGROUND_DATASETS,
    PLAYGROUND_OPTIMIZERS,
    PLAYGROUND_REGULARIZATIONS,
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
        require_choice("dataset", self.dataset, [*PLAYGROUND_DATASETS, _OWN])
        set_(self, "noise", require_number("noise", self.noise, 0.0, 0.5))
        set_(
            self,
            "train_fraction",
            require_number("train_fraction", self.train_fraction, 0.1, 0.9),
        )
        set_(self, "n_points", require_int("n_points", self.n_points, 10, 5000))
        set_(self, "seed", require_int("seed", self.seed, 0, 2**31 - 1))
        set_(self, "features", require_features(self.features))
        set_(self, "hidden_layers", require_layers(self.hidden_layers))
        require_choice("activation", self.activation, PLAYGROUND_ACTIVATIONS)
        set_(
            self,
            "learning_rate",
            require_number("learning_rate", self.learning_rate, 1e-6, 10),
        )
        regs = PLAYGROUND_REGULARIZATIONS
        require_choice("regularization", self.regularization, regs)
        set_(
            self,
            "regularization_rate",
            require_number("regularization_rate", self.regularization_rate, 0.0, 10),
        )
        set_(self, "batch_size", require_int("batch_size", self.batch_size, 1, 1000))
        require_choice("optimizer", self.optimizer, PLAYGROUND_OPTIMIZERS)
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
