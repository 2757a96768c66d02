"""Every configuration the bench trains, and the settings of one bench run.

A configuration is a plain JSON-able dict (a worker's ``spec``): ``hidden`` (the
hidden layers' widths), ``dropout`` (after each hidden layer), ``optimizer``,
``learning_rate``, ``from_logits``, ``batch_size``, ``epochs``,
``validation_split``, ``metric``, and optionally ``compile`` (extra
``model.compile`` arguments), ``reduce_lr`` (ReduceLROnPlateau on val_loss),
``early_stopping`` (EarlyStopping with restore_best_weights) and ``input``.
``tests/bench`` pins LECTURE and the chosen configuration to notebook 07's code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from types import MappingProxyType

from bench import BENCH_DIR

N_CLASSES = 10
METRIC = "sparse_categorical_accuracy"
TIME_BUDGET_S = 60.0  # the moonshot's training budget per run, TensorFlow

# --------------------------------------------------------------------------
# The lecture, the tutorial, the speed levers
# --------------------------------------------------------------------------

# The lecture's configuration (notebooks/07_fashion_mnist_shallow_ann.ipynb, steps 2-4).
LECTURE = MappingProxyType(
    {
        "hidden": [128],
        "dropout": 0.0,
        "optimizer": "rmsprop",
        "learning_rate": 0.001,
        "from_logits": False,
        "batch_size": 32,
        "epochs": 20,
        "validation_split": 0.2,
        "metric": METRIC,
    }
)
# The speed lever notebook 07 uses (the levers part checks that it changes no
# result): 128 batches per call into the backend instead of one.
FAST_COMPILE = MappingProxyType({"steps_per_execution": 128})
FAST_LABEL = f"steps_per_execution={FAST_COMPILE['steps_per_execution']}"
LECTURE_FAST = MappingProxyType({**LECTURE, "compile": dict(FAST_COMPILE)})
# TensorFlow's "Basic classification" tutorial: Dense 128, Adam, logits, 10 epochs,
# no validation split.
TUTORIAL = MappingProxyType(
    {
        **LECTURE,
        "optimizer": "adam",
        "from_logits": True,
        "epochs": 10,
        "validation_split": 0.0,
        "metric": "accuracy",
    }
)
# Levers tried on the lecture configuration (short runs, same seed).
TF_LEVERS = MappingProxyType(
    {
        "plain fit (default)": {},
        "steps_per_execution=8": {"compile": {"steps_per_execution": 8}},
        "steps_per_execution=32": {"compile": {"steps_per_execution": 32}},
        "steps_per_execution=128": {"compile": {"steps_per_execution": 128}},
        "steps_per_execution=512": {"compile": {"steps_per_execution": 512}},
        "jit_compile=True (XLA)": {"compile": {"jit_compile": True}},
        "steps_per_execution=128 + XLA": {
            "compile": {"steps_per_execution": 128, "jit_compile": True}
        },
        "PyDataset input": {"input": "pydataset"},
    }
)
JAX_LEVERS = MappingProxyType(
    {
        "plain fit (default)": {},
        "steps_per_execution=32": {"compile": {"steps_per_execution": 32}},
        "steps_per_execution=128": {"compile": {"steps_per_execution": 128}},
    }
)

# --------------------------------------------------------------------------
# The model search, the ablation ladder, the moonshot (bench.selection)
# --------------------------------------------------------------------------

# One stopping rule everywhere, the lecture's: the lowest validation loss. The
# learning rate drops first (patience 2 < 5), so a plateau gets a smaller step
# before training stops; min_lr keeps the drops from shrinking it to nothing.
EARLY_STOPPING = MappingProxyType({"monitor": "val_loss", "patience": 5})
REDUCE_LR = MappingProxyType({"factor": 0.3, "patience": 2, "min_lr": 1e-5})
# The centre of the search: one hidden layer with dropout, Adam, a schedule.
SEARCH_CENTRE = MappingProxyType(
    {
        **LECTURE_FAST,
        "hidden": [512],
        "dropout": 0.4,
        "optimizer": "adam",
        "learning_rate": 0.001,
        "batch_size": 256,
        "epochs": 40,
        "reduce_lr": dict(REDUCE_LR),
        "early_stopping": dict(EARLY_STOPPING),
    }
)
# Axes searched one at a time around the centre; where an axis' best value is at
# its end, the search adds the next value in EXTEND (it reaches past its winner).
SEARCH_AXES = MappingProxyType(
    {
        "width": (256, 512, 1024),
        "dropout": (0.2, 0.4, 0.5),
        "batch_size": (128, 256, 512),
        "learning_rate": (0.0005, 0.001, 0.002),
    }
)
SEARCH_EXTEND = MappingProxyType(
    {
        "width": {"low": 128, "high": 1536},
        "dropout": {"low": 0.0, "high": 0.6},
        "batch_size": {"low": 64, "high": 1024},
        "learning_rate": {"low": 0.00025, "high": 0.004},
    }
)
# The depth control: two hidden layers (Géron's 300-100), centre settings.
TWO_LAYER_HIDDEN = [300, 100]
SELECTION_SEEDS = (42, 43, 44)  # seeds per search point and ladder rung
MOONSHOT_SEEDS = (42, 43, 44, 45, 46)  # the chosen configuration on the test set
SEARCH_RESULTS = BENCH_DIR / "search" / "results.json"
LADDER_RESULTS = BENCH_DIR / "ladder" / "results.json"


def with_axis(spec: Mapping, axis: str, value) -> dict:
    """``spec`` with one search axis set to ``value``."""
    key = {"width": "hidden"}.get(axis, axis)
    if axis == "width":
        value = [value] * len(spec["hidden"])
    return {**spec, key: value}


def axis_value(spec: Mapping, axis: str):
    """The value of one search axis in ``spec``."""
    return spec["hidden"][0] if axis == "width" else spec[axis]


def ladder_rungs(chosen: Mapping) -> list[tuple[str, dict]]:
    """The ablation ladder from the lecture to ``chosen``: one change per rung,
    rungs that change nothing are left out; then the two-layer control."""
    steps = [
        ("lecture", {}),
        (
            "+ early stopping (best val loss)",
            {"early_stopping": dict(EARLY_STOPPING), "epochs": chosen["epochs"]},
        ),
        (f"+ dropout {chosen['dropout']:g}", {"dropout": chosen["dropout"]}),
        (
            f"+ Adam (lr {chosen['learning_rate']:g})",
            {"optimizer": "adam", "learning_rate": chosen["learning_rate"]},
        ),
        ("+ learning-rate schedule", {"reduce_lr": chosen.get("reduce_lr")}),
        (f"+ batch {chosen['batch_size']}", {"batch_size": chosen["batch_size"]}),
        (f"+ width {chosen['hidden'][0]} (chosen)", {"hidden": list(chosen["hidden"])}),
    ]
    rungs, spec = [], dict(LECTURE_FAST)
    for name, change in steps:
        new = {**spec, **change}
        if not rungs or new != spec:
            rungs.append((name, new))
        spec = new
    control = {**spec, "hidden": list(TWO_LAYER_HIDDEN)}
    rungs.append((f"control: two hidden layers {TWO_LAYER_HIDDEN}", control))
    return rungs


def chosen_config(path=SEARCH_RESULTS) -> dict | None:
    """The configuration the committed search chose (None before it has run)."""
    try:
        return json.loads(path.read_text())["search"]["chosen"]
    except (OSError, KeyError, json.JSONDecodeError):
        return None


def describe(spec: Mapping) -> str:
    """A one-line description of a configuration."""
    schedule = spec.get("reduce_lr")
    lr = f"lr {spec['learning_rate']:g}" + (
        f" ×{schedule['factor']:g} after {schedule['patience']} epochs without a"
        f" better val loss (floor {schedule.get('min_lr', 0):g})"
        if schedule
        else " constant"
    )
    drop = f" → Dropout({spec['dropout']:g})" if spec.get("dropout") else ""
    layers = "".join(f"Dense({n}, relu){drop} → " for n in spec["hidden"])
    stop = spec.get("early_stopping")
    stopping = (
        f", early stopping on {stop['monitor']} (patience {stop['patience']}, best"
        f" weights, ≤ {spec['epochs']} epochs)"
        if stop
        else f", {spec['epochs']} epochs"
    )
    return (
        f"{layers}Dense(10), {spec['optimizer']}, {lr}, batch"
        f" {spec['batch_size']}{stopping}"
    )


# --------------------------------------------------------------------------
# Run settings
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """How big one bench run is: ``full()`` for `make bench`, ``quick()`` for a
    smoke test on tiny data."""

    quick: bool
    data: Mapping = dataclasses.field(default_factory=dict)  # n_train/n_test caps
    max_epochs: int | None = None  # caps every configuration's epochs
    lever_epochs: int = 3
    seeds: tuple[int, ...] = SELECTION_SEEDS
    moonshot_seeds: tuple[int, ...] = MOONSHOT_SEEDS
    sklearn_max_iter: int = 200
    matmul: Mapping = dataclasses.field(
        default_factory=lambda: {"n": 4096, "repeat": 5, "step_loops": 2000}
    )
    loader_repeat: int = 3

    @classmethod
    def full(cls) -> RunSettings:
        return cls(quick=False)

    @classmethod
    def quick_run(cls) -> RunSettings:
        return cls(
            quick=True,
            data={"n_train": 2000, "n_test": 500},
            max_epochs=2,
            lever_epochs=2,
            seeds=SELECTION_SEEDS[:2],
            moonshot_seeds=MOONSHOT_SEEDS[:2],
            sklearn_max_iter=2,
            matmul={"n": 256, "repeat": 2, "step_loops": 20},
            loader_repeat=1,
        )

    def as_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items()}
