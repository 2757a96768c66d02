"""The playground's settings: a validated ``PlaygroundConfig``, its settings string.

Each field carries its own facts in ``dataclasses.field(metadata=...)``: its key in
the settings string, its kind (what a change of it resets) and its validation.
No Keras import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode

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
    MAX_POINTS,
    PLAYGROUND_ACTIVATIONS,
    PLAYGROUND_DATASETS,
    PLAYGROUND_OPTIMIZERS,
    PLAYGROUND_REGULARIZATIONS,
)

# What a change of a field does (see Playground.configure):
#   "data": new data and a new network; "network": a new network;
#   "live": applies from the next step on; "view": changes only the pictures.
KINDS = ("data", "network", "live", "view")


def _require_bool(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _parse_bool(text: str) -> bool:
    return {"0": False, "1": True}[text]


def _parse_names(text: str) -> tuple[str, ...]:
    return tuple(filter(None, text.split(",")))


def _parse_ints(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in _parse_names(text))


def _setting(
    default,
    key: str,
    kind: str,
    check: Callable[[str, Any], Any],
    parse: Callable[[str], Any] = str,
    fmt: Callable[[Any], str] = str,
):
    """A dataclass field with its settings key, kind, validation and text format."""
    meta = {"key": key, "kind": kind, "check": check, "parse": parse, "fmt": fmt}
    return dataclasses.field(default=default, metadata=meta)


def _choice(choices):
    return lambda name, value: require_choice(name, value, choices)


def _number(lo, hi):
    return lambda name, value: require_number(name, value, lo, hi)


def _integer(lo, hi):
    return lambda name, value: require_int(name, value, lo, hi)


_float = partial(_setting, parse=float, fmt=repr)
_int = partial(_setting, parse=int)
_bool = partial(
    _setting, check=_require_bool, parse=_parse_bool, fmt=lambda v: str(int(v))
)


@dataclasses.dataclass(frozen=True)
class PlaygroundConfig:
    """Every setting of the playground, validated.

    The defaults follow TensorFlow Playground where this playground has the same
    setting, except the network: two hidden layers of 4 neurons here (the web
    page's default is 4 and 2). ``dataset="own"`` means arrays passed to
    :class:`Playground`.

    Three seeds: ``seed`` draws the points, ``split_seed`` splits them into
    training and test points, ``init_seed`` draws the initial weights and the
    order of the mini-batches.
    """

    dataset: str = _setting(
        "circle", "data", "data", _choice([*PLAYGROUND_DATASETS, _OWN])
    )
    noise: float = _float(0.0, "noise", "data", _number(0.0, 0.5))
    train_fraction: float = _float(0.5, "train", "data", _number(0.1, 0.9))
    n_points: int = _int(500, "points", "data", _integer(10, MAX_POINTS))
    seed: int = _int(0, "seed", "data", _integer(0, 2**31 - 1))  # the points
    split_seed: int = _int(0, "split_seed", "data", _integer(0, 2**31 - 1))
    init_seed: int = _int(0, "init_seed", "network", _integer(0, 2**31 - 1))
    features: tuple[str, ...] = _setting(
        ("x1", "x2"),
        "features",
        "network",
        lambda _, v: require_features(v),
        _parse_names,
        ",".join,
    )
    hidden_layers: tuple[int, ...] = _setting(
        (4, 4),
        "layers",
        "network",
        lambda _, v: require_layers(v),
        _parse_ints,
        lambda v: ",".join(map(str, v)),
    )
    activation: str = _setting(
        "tanh", "activation", "network", _choice(PLAYGROUND_ACTIVATIONS)
    )
    learning_rate: float = _float(0.03, "lr", "live", _number(1e-6, 10))
    regularization: str = _setting(
        "none", "reg", "network", _choice(PLAYGROUND_REGULARIZATIONS)
    )
    regularization_rate: float = _float(0.0, "reg_rate", "network", _number(0, 10))
    batch_size: int = _int(10, "batch", "live", _integer(1, 1000))
    optimizer: str = _setting(
        "sgd", "optimizer", "network", _choice(PLAYGROUND_OPTIMIZERS)
    )
    dropout: float = _float(0.0, "dropout", "network", _number(0.0, 0.9))
    show_test_data: bool = _bool(False, "test", "view")
    discretize: bool = _bool(False, "discretize", "view")

    def __post_init__(self):
        for f in dataclasses.fields(self):  # frozen: set the normalised values
            value = f.metadata["check"](f.name, getattr(self, f.name))
            object.__setattr__(self, f.name, value)

    def to_settings(self) -> str:
        """Return the settings string, e.g. ``"data=circle&noise=0.0&...&test=0"``."""
        pairs = [
            (f.metadata["key"], f.metadata["fmt"](getattr(self, f.name)))
            for f in dataclasses.fields(self)
        ]
        return urlencode(pairs, safe=",")

    @classmethod
    def from_settings(cls, settings: str) -> PlaygroundConfig:
        """Recreate a configuration from :meth:`to_settings`'s string.

        Missing keys take their defaults; a leading "#" or "?" (as in a URL) is
        ignored. Raises ValueError naming the bad part.
        """
        if not isinstance(settings, str):
            raise TypeError(f"settings must be a string; got {type(settings).__name__}")
        by_key = {f.metadata["key"]: f for f in dataclasses.fields(cls)}
        values = {}
        for part in filter(None, settings.strip().lstrip("#?").split("&")):
            try:
                [(key, text)] = parse_qsl(
                    part, keep_blank_values=True, strict_parsing=True
                )
            except ValueError:
                key, text = None, None
            if key not in by_key:
                raise ValueError(
                    f"bad settings part {part!r}: expected key=value with a key "
                    f"from {list(by_key)}"
                )
            f = by_key[key]
            if f.name in values:
                raise ValueError(f"bad settings string: {key!r} appears twice")
            try:
                values[f.name] = f.metadata["parse"](text.strip())
            except (ValueError, KeyError):
                raise ValueError(
                    f"bad settings value {part!r}: {key} cannot be {text!r}"
                ) from None
        return cls(**values)

    @classmethod
    def fields_of_kind(cls, *kinds: str) -> frozenset[str]:
        """The names of the fields of the given kinds (see ``KINDS``)."""
        return frozenset(
            f.name for f in dataclasses.fields(cls) if f.metadata["kind"] in kinds
        )

    @property
    def task(self) -> str | None:
        """The task: "binary", "multiclass", "regression"; None for own data."""
        return None if self.dataset == _OWN else PLAYGROUND_DATASETS[self.dataset][0]
