"""Benchmark the course on this machine: notebooks, data loading, training speed.

Usage:
    python bench/bench.py                  # full run (`make bench`), 13-20 min
    python bench/bench.py --quick          # tiny settings, a smoke test (~1 min)
    python bench/bench.py --parts floor,configs,levers
    python bench/bench.py --parts search --out bench/search   # chose BETTER (~10 min)

Writes ``results.json`` and ``results.md`` into ``--out`` (default: bench/) and
prints the tables. Every training configuration runs in its own subprocess
(``--worker``), so its peak memory and its Keras backend are its own. The
machines these run on are shared and noisy: compare ratios within one run, not
absolute times across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from tools.kernel_env import KERNEL_ENV

ROOT = Path(__file__).resolve().parent.parent


def _kernel_env() -> dict:
    """The notebooks' environment (tools.kernel_env.KERNEL_ENV)."""
    return dict(KERNEL_ENV)


RESULT_MARK = "BENCH_RESULT "
N_CLASSES = 10
METRIC = "sparse_categorical_accuracy"

# The lecture's configuration (notebooks/07_fashion_mnist_shallow_ann.ipynb).
LECTURE = {
    "units": 128,
    "dropout": 0.0,
    "optimizer": "rmsprop",
    "learning_rate": 0.001,
    "from_logits": False,
    "batch_size": 32,
    "epochs": 20,
    "validation_split": 0.2,
    "metric": METRIC,
}
# TensorFlow's "Basic classification" tutorial: Dense 128, Adam, logits, 10 epochs,
# no validation split.
TUTORIAL = {
    **LECTURE,
    "optimizer": "adam",
    "from_logits": True,
    "epochs": 10,
    "validation_split": 0.0,
    "metric": "accuracy",
}
# The speed lever the notebooks use (see the levers part): same updates, fewer
# round trips between Python and the backend.
FAST_COMPILE = {"steps_per_execution": 128}
FAST_LABEL = f"steps_per_execution={FAST_COMPILE['steps_per_execution']}"
# "Can a shallow network do better?": one hidden layer, chosen by `--parts search`
# on the validation set (the bench reports its test accuracy over 3 seeds).
REDUCE_LR = {"factor": 0.3, "patience": 2}  # ReduceLROnPlateau on val_loss
BETTER = {
    **LECTURE,
    "units": 512,
    "dropout": 0.4,
    "optimizer": "adam",
    "learning_rate": 0.001,
    "reduce_lr": REDUCE_LR,
    "batch_size": 256,
    "epochs": 40,
    "patience": 5,
    "compile": FAST_COMPILE,
}
SEEDS = (42, 43, 44)
# Levers tried on the lecture configuration (short runs, same seed).
TF_LEVERS = {
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
JAX_LEVERS = {
    "plain fit (default)": {},
    "steps_per_execution=32": {"compile": {"steps_per_execution": 32}},
    "steps_per_execution=128": {"compile": {"steps_per_execution": 128}},
}
# Grid for `--parts search` (each point changes BETTER; seed 42; early stopping).
SEARCH_GRID = [
    {"units": u, "dropout": d, "batch_size": b}
    for u in (256, 512)
    for d in (0.2, 0.4)
    for b in (128, 256)
] + [
    {"units": 256, "dropout": 0.2, "batch_size": 128, "reduce_lr": None},
    {"units": 512, "dropout": 0.2, "batch_size": 128, "reduce_lr": None},
    {"units": 256, "dropout": 0.2, "batch_size": 128, "learning_rate": 0.002},
    {"units": 256, "dropout": 0.2, "batch_size": 128, "optimizer": "rmsprop"},
    {"units": 256, "dropout": 0.2, "batch_size": 32},
]
ALL_PARTS = ("notebooks", "loader", "floor", "configs", "levers", "better", "search")
DEFAULT_PARTS = ("notebooks", "loader", "floor", "configs", "levers", "better")
QUICK_PARTS = ("loader", "floor", "configs", "levers", "better")
TIME_BUDGET_S = 60.0


# --------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------


def dense_forward_flops(sizes: tuple[int, ...]) -> int:
    """Floating-point operations of one forward pass of a Dense stack, per sample.

    Each weight costs one multiply and one add: ``2 * sum(n_in * n_out)``
    (biases and activations are ignored, they are a rounding error here).
    """
    if len(sizes) < 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"expected at least two positive layer sizes; got {sizes}")
    return 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))


def epoch_flops(sizes: tuple[int, ...], n_train: int, n_val: int = 0) -> int:
    """FLOPs of one epoch: forward + backward ≈ 3 forwards per training sample,
    plus one forward per validation sample."""
    if n_train < 0 or n_val < 0:
        raise ValueError(f"sample counts must be >= 0; got {n_train}, {n_val}")
    return dense_forward_flops(sizes) * (3 * n_train + n_val)


def split_sizes(n: int, validation_split: float) -> tuple[int, int]:
    """Training and validation sample counts, as Keras' ``validation_split`` cuts."""
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1); got {validation_split}")
    n_train = int(n * (1.0 - validation_split))
    return n_train, n - n_train


def curve_difference(a: dict, b: dict) -> float:
    """Largest absolute difference between two Keras History dicts, over all
    metrics and epochs they share; raises ValueError if they do not match."""
    if set(a) != set(b):
        raise ValueError(
            f"histories have different metrics: {sorted(a)} vs {sorted(b)}"
        )
    diff = 0.0
    for key in a:
        if len(a[key]) != len(b[key]):
            raise ValueError(
                f"{key}: {len(a[key])} epochs vs {len(b[key])}; compare equal runs"
            )
        diff = max([diff, *(abs(x - y) for x, y in zip(a[key], b[key], strict=True))])
    return diff


def steady_epoch_s(epoch_s: list[float]) -> float:
    """Typical seconds per epoch: the median without the first epoch (which also
    traces and compiles), or the only epoch there is."""
    if not epoch_s:
        raise ValueError("no epoch times")
    return statistics.median(epoch_s[1:] or epoch_s)


# --------------------------------------------------------------------------
# Workers: each runs in its own process (`bench.py --worker JSON`)
# --------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def _fashion_mnist(spec: dict):
    """Fashion-MNIST scaled to float32 in [0, 1] (or small random data)."""
    import numpy as np

    n_train, n_test = spec.get("n_train"), spec.get("n_test")
    if spec.get("data") == "synthetic":
        rng = np.random.default_rng(0)
        n_train, n_test = n_train or 256, n_test or 64
        x = rng.random((n_train + n_test, 28, 28), dtype=np.float32)
        y = rng.integers(0, N_CLASSES, n_train + n_test)
        return x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    import utils

    (x_train, y_train), (x_test, y_test) = utils.load_fashion_mnist()
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    x_test, y_test = x_test[:n_test], y_test[:n_test]
    scale = np.float32(255.0)
    return x_train / scale, y_train, x_test / scale, y_test


def _array_batches(x, y, batch_size: int, seed: int):
    """A keras.utils.PyDataset over arrays, reshuffled every epoch."""
    import keras
    import numpy as np

    class ArrayBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.order = self.rng.permutation(len(x))

        def __len__(self):
            return -(-len(x) // batch_size)

        def __getitem__(self, i):
            idx = self.order[i * batch_size : (i + 1) * batch_size]
            return x[idx], y[idx]

        def on_epoch_end(self):
            self.order = self.rng.permutation(len(x))

    return ArrayBatches()


def build_model(spec: dict):
    """The Flatten → Dense(units, relu) [→ Dropout] → Dense(10) model of ``spec``."""
    import keras
    from keras import layers

    stack = [
        keras.Input((28, 28)),
        layers.Flatten(),
        layers.Dense(spec["units"], activation="relu"),
    ]
    if spec.get("dropout"):
        stack.append(layers.Dropout(spec["dropout"]))
    stack.append(
        layers.Dense(10, activation=None if spec["from_logits"] else "softmax")
    )
    return keras.Sequential(stack)


def _compile(model, spec: dict) -> None:
    import keras

    optimizers = {"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam}
    model.compile(
        optimizer=optimizers[spec["optimizer"]](learning_rate=spec["learning_rate"]),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=spec["from_logits"]
        ),
        metrics=[spec["metric"]],
        **spec.get("compile", {}),
    )


def _callbacks(spec: dict, epoch_s: list[float]):
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_s.append(time.perf_counter() - self.start)

    callbacks = [EpochTimer()]
    if spec.get("reduce_lr"):
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **spec["reduce_lr"])
        )
    if spec.get("patience"):
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=f"val_{spec['metric']}",
                patience=spec["patience"],
                restore_best_weights=True,
            )
        )
    return callbacks


def run_keras_fit(spec: dict) -> dict:
    """Train ``spec``'s model on Fashion-MNIST as the notebook does; time it."""
    import keras

    x_train, y_train, x_test, y_test = _fashion_mnist(spec)
    keras.utils.set_random_seed(spec.get("seed", 42))
    model = build_model(spec)
    _compile(model, spec)
    epoch_s: list[float] = []
    fit_args = {
        "epochs": spec["epochs"],
        "verbose": 0,
        "callbacks": _callbacks(spec, epoch_s),
    }
    n_train, n_val = split_sizes(len(x_train), spec["validation_split"])
    if spec.get("input") == "pydataset":
        data = (
            _array_batches(
                x_train[:n_train],
                y_train[:n_train],
                spec["batch_size"],
                spec.get("seed", 42),
            ),
        )
        if n_val:
            fit_args["validation_data"] = (x_train[n_train:], y_train[n_train:])
    else:
        data = (x_train, y_train)
        fit_args.update(
            batch_size=spec["batch_size"], validation_split=spec["validation_split"]
        )
    start = time.perf_counter()
    history = model.fit(*data, **fit_args)
    fit_s = time.perf_counter() - start
    _, test_acc = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    return {
        "backend": keras.backend.backend(),
        "fit_s": fit_s,
        "epoch_s": epoch_s,
        "epochs_run": len(epoch_s),
        "n_train": n_train,
        "n_val": n_val,
        "test_acc": float(test_acc),
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_sklearn_mlp(spec: dict) -> dict:
    """scikit-learn's MLPClassifier((100,)) as Fashion-MNIST's published benchmark
    runs it: standardised pixels, default solver (Adam, batch 200)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    x_train, y_train, x_test, y_test = _fashion_mnist(spec)
    x_train = x_train.reshape(len(x_train), -1)
    x_test = x_test.reshape(len(x_test), -1)
    scaler = StandardScaler().fit(x_train)
    clf = MLPClassifier(
        hidden_layer_sizes=(spec["units"],),
        activation="relu",
        max_iter=spec["max_iter"],
        random_state=spec.get("seed", 42),
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(scaler.transform(x_train), y_train)
    fit_s = time.perf_counter() - start
    return {
        "backend": "scikit-learn",
        "fit_s": fit_s,
        "epoch_s": [fit_s / clf.n_iter_] * clf.n_iter_,
        "epochs_run": int(clf.n_iter_),
        "n_train": len(x_train),
        "n_val": 0,
        "test_acc": float(clf.score(scaler.transform(x_test), y_test)),
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_matmul(spec: dict) -> dict:
    """The machine's float32 matrix-multiply rate: one large square matmul (best
    of ``repeat``) and the five matmuls of one training step at batch 32."""
    import numpy as np

    rng = np.random.default_rng(0)
    n, repeat = spec["n"], spec["repeat"]
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    a @ b  # warm up the BLAS threads
    best = min(_timed(lambda: a @ b) for _ in range(repeat))
    # One step of the lecture model: h = x W1, o = h W2, then dW2, dh, dW1.
    x = rng.random((32, 784), dtype=np.float32)
    w1 = rng.random((784, 128), dtype=np.float32)
    w2 = rng.random((128, 10), dtype=np.float32)

    def step():
        h = x @ w1
        o = h @ w2
        return h.T @ o, (o @ w2.T).T @ x

    loops = spec["step_loops"]
    step_s = min(_timed(step, loops) for _ in range(repeat)) / loops
    step_flops = 2 * 32 * (2 * 784 * 128 + 3 * 128 * 10)  # 2 + 3 matmuls above
    return {
        "n": n,
        "gflops": 2 * n**3 / best / 1e9,
        "step32_s": step_s,
        "step32_gflops": step_flops / step_s / 1e9,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _timed(fn, loops: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        fn()
    return time.perf_counter() - start


def run_loader(spec: dict) -> dict:
    """Time one Fashion-MNIST loader reading the files of ``spec['keras_home']``."""
    import hashlib

    import numpy as np

    if spec["loader"] == "keras":
        import keras

        def load():
            return keras.datasets.fashion_mnist.load_data()
    else:
        import utils

        directory = Path(spec["keras_home"]) / "datasets" / "fashion-mnist"

        def load():
            return utils.load_fashion_mnist(directory, verify=spec["verify"])

    times = []
    for _ in range(spec["repeat"]):
        start = time.perf_counter()
        (x_train, y_train), (x_test, y_test) = load()
        times.append(time.perf_counter() - start)
    digest = hashlib.sha256()
    for array in (x_train, y_train, x_test, y_test):
        digest.update(np.ascontiguousarray(array).tobytes())
    return {"best_s": min(times), "sha256": digest.hexdigest()}


WORKERS = {
    "keras_fit": run_keras_fit,
    "sklearn_mlp": run_sklearn_mlp,
    "matmul": run_matmul,
    "loader": run_loader,
}


def worker_main(spec: dict) -> None:
    """Entry point of a worker process: run ``spec`` and print its result line."""
    try:
        result = WORKERS[spec["worker"]](spec)
    except Exception as exc:  # reported in the table, the bench goes on
        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    print(RESULT_MARK + json.dumps(result), flush=True)


# --------------------------------------------------------------------------
# Orchestration (parent process: never imports Keras)
# --------------------------------------------------------------------------


def worker_env(backend: str | None = None) -> dict:
    """The notebooks' environment (conftest.KERNEL_ENV), with ``backend`` if given."""
    env = dict(os.environ)
    for name, value in _kernel_env().items():
        env.setdefault(name, value)
    if backend:
        env["KERAS_BACKEND"] = backend
    return env


def run_worker(spec: dict, backend: str | None = None, timeout: float = 1800) -> dict:
    """Run one worker in a fresh process; return its result or {"error": ...}."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    try:
        proc = subprocess.run(
            cmd,
            env=worker_env(backend),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


def machine_info() -> dict:
    """CPU, cores, library versions and the date, for the results' header."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in (
        "keras",
        "tensorflow-cpu",
        "tensorflow",
        "jax",
        "numpy",
        "scikit-learn",
    ):
        try:
            versions[package.replace("-cpu", "")] = version(package)
        except PackageNotFoundError:
            continue
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": cores or os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "load_average_at_start": list(os.getloadavg()),
    }


def _memory_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def time_notebooks(paths: list[Path], timeout: int = 900) -> list[dict]:
    """Execute each notebook top to bottom in a fresh kernel, as nbval does, on a
    copy in memory (the file is not written); return its wall time or error."""
    import nbformat
    from nbclient import NotebookClient

    for name, value in _kernel_env().items():
        os.environ.setdefault(name, value)
    rows = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        try:
            client.execute()
            error = None
        except Exception as exc:  # a failing notebook is a result, not a crash
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}"
        rows.append(
            {
                "notebook": path.name,
                "seconds": time.perf_counter() - start,
                "error": error,
            }
        )
        print(f"  {path.name}: {rows[-1]['seconds']:.1f} s", flush=True)
    return rows


def prime_keras_cache(keras_home: Path) -> Path:
    """Copy Fashion-MNIST's four files where keras.datasets looks for them
    (``$KERAS_HOME/datasets/fashion-mnist``); return the folder they came from."""
    import utils

    names = list(utils.FASHION_MNIST_SHA256)
    source = next(
        (
            s
            for s in utils.fashion_mnist_sources()
            if all((s / n).is_file() for n in names)
        ),
        None,
    )
    if source is None:
        raise FileNotFoundError("Fashion-MNIST not found; run `make data` first")
    target = keras_home / "datasets" / "fashion-mnist"
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(source / name, target / name)
    return source


# --------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------


def part_notebooks(cfg: dict) -> dict:
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    rows = time_notebooks(paths)
    return {"rows": rows, "total_s": sum(r["seconds"] for r in rows)}


def part_loader(cfg: dict) -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-keras-home-") as home:
        source = prime_keras_cache(Path(home))
        env_home = {"keras_home": home, "repeat": cfg["repeat"]}
        os.environ["KERAS_HOME"] = home  # keras reads it at import, in the worker
        try:
            for label, spec in (
                ("keras.datasets.fashion_mnist.load_data()", {"loader": "keras"}),
                (
                    "utils.load_fashion_mnist() (SHA-256 verified)",
                    {"loader": "utils", "verify": True},
                ),
                (
                    "utils.load_fashion_mnist(verify=False)",
                    {"loader": "utils", "verify": False},
                ),
            ):
                result = run_worker({"worker": "loader", **env_home, **spec})
                rows.append({"loader": label, **result})
        finally:
            os.environ.pop("KERAS_HOME", None)
    digests = {r.get("sha256") for r in rows}
    return {"rows": rows, "source": str(source), "same_arrays": len(digests) == 1}


def part_floor(cfg: dict) -> dict:
    result = run_worker({"worker": "matmul", **cfg["matmul"]})
    return result


def _fit(name: str, spec: dict, backend: str, cfg: dict) -> dict:
    full = {"worker": "keras_fit", **spec, **cfg["data"]}
    if cfg["epochs"]:
        full["epochs"] = min(spec["epochs"], cfg["epochs"])
    print(f"  {name} [{backend}] ...", flush=True)
    return {"name": name, "spec": spec, **run_worker(full, backend)}


def part_configs(cfg: dict) -> dict:
    rows = [
        _fit("lecture (plain fit)", LECTURE, "tensorflow", cfg),
        _fit(
            f"lecture + {FAST_LABEL}",
            {**LECTURE, "compile": FAST_COMPILE},
            "tensorflow",
            cfg,
        ),
        _fit("TF tutorial (Adam, logits, 10 epochs)", TUTORIAL, "tensorflow", cfg),
        _fit("lecture (plain fit)", LECTURE, "jax", cfg),
        _fit(
            f"lecture + {FAST_LABEL}",
            {**LECTURE, "compile": FAST_COMPILE},
            "jax",
            cfg,
        ),
    ]
    print("  sklearn MLPClassifier((100,)) ...", flush=True)
    sk = {"units": 100, "max_iter": cfg["sklearn_max_iter"], **cfg["data"]}
    rows.append(
        {
            "name": "scikit-learn MLPClassifier((100,))",
            "spec": sk,
            **run_worker({"worker": "sklearn_mlp", **sk}),
        }
    )
    return {"rows": rows}


def part_levers(cfg: dict) -> dict:
    rows = []
    for backend, levers in (("tensorflow", TF_LEVERS), ("jax", JAX_LEVERS)):
        for label, change in levers.items():
            spec = {**LECTURE, **change, "epochs": cfg["lever_epochs"]}
            rows.append({"lever": label, **_fit(label, spec, backend, cfg)})
    return {"epochs": cfg["lever_epochs"], "rows": rows}


def part_better(cfg: dict) -> dict:
    rows = [
        _fit(f"better (seed {seed})", {**BETTER, "seed": seed}, "tensorflow", cfg)
        for seed in cfg["seeds"]
    ]
    return {"spec": BETTER, "rows": rows}


def part_search(cfg: dict) -> dict:
    rows = []
    for point in SEARCH_GRID:
        spec = {**BETTER, **point}
        rows.append({"point": point, **_fit(describe(spec), spec, "tensorflow", cfg)})
    return {"rows": rows, "chosen": choose_better(rows)}


def describe(spec: dict) -> str:
    """A one-line description of a one-hidden-layer configuration."""
    schedule = spec.get("reduce_lr")
    lr = f"lr {spec['learning_rate']:g}" + (
        f" (×{schedule['factor']:g} after {schedule['patience']} epochs without a"
        " better val loss)"
        if schedule
        else " constant"
    )
    dropout = f" → Dropout({spec['dropout']:g})" if spec.get("dropout") else ""
    return (
        f"Dense({spec['units']}, relu){dropout} → Dense(10), {spec['optimizer']},"
        f" {lr}, batch {spec['batch_size']}"
    )


def best_val(row: dict, metric: str = METRIC) -> float:
    """Best validation accuracy of a run (what restore_best_weights keeps)."""
    return max(row["history"][f"val_{metric}"])


def choose_better(rows: list[dict], budget_s: float = TIME_BUDGET_S) -> dict | None:
    """The grid point with the best validation accuracy among those that trained
    within ``budget_s`` seconds (None if none did)."""
    ok = [r for r in rows if "error" not in r and r["fit_s"] <= budget_s]
    return max(ok, key=best_val)["point"] if ok else None


PARTS = {
    "notebooks": part_notebooks,
    "loader": part_loader,
    "floor": part_floor,
    "configs": part_configs,
    "levers": part_levers,
    "better": part_better,
    "search": part_search,
}


def settings(quick: bool) -> dict:
    """Run settings: full (`make bench`) or tiny (`--quick`, a smoke test)."""
    if quick:
        return {
            "quick": True,
            "data": {"n_train": 2000, "n_test": 500},
            "epochs": 2,
            "lever_epochs": 2,
            "seeds": SEEDS[:1],
            "sklearn_max_iter": 2,
            "matmul": {"n": 256, "repeat": 2, "step_loops": 20},
            "repeat": 1,
        }
    return {
        "quick": False,
        "data": {},
        "epochs": None,
        "lever_epochs": 3,
        "seeds": SEEDS,
        "sklearn_max_iter": 200,
        "matmul": {"n": 4096, "repeat": 5, "step_loops": 2000},
        "repeat": 3,
    }


# --------------------------------------------------------------------------
# Summary and tables
# --------------------------------------------------------------------------


def _ok(rows: list[dict]) -> list[dict]:
    return [r for r in rows if "error" not in r]


def summarise(results: dict) -> dict:
    """Derived figures: s/epoch, samples/s, distance from the floor, ratios."""
    gflops = results.get("floor", {}).get("gflops")
    configs = results.get("configs", {}).get("rows", [])
    base = next((r for r in _ok(configs) if r["name"] == "lecture (plain fit)"), None)
    for row in _ok(configs) + _ok(results.get("better", {}).get("rows", [])):
        _derive(row, gflops, base)
    for row in _ok(configs):
        plain = _find(configs, name="lecture (plain fit)", backend=row["backend"])
        if row["name"].startswith("lecture +") and plain:
            _compare(row, plain)
    levers = _ok(results.get("levers", {}).get("rows", []))
    for row in levers:
        plain = _find(levers, lever="plain fit (default)", backend=row["backend"])
        _derive(row, gflops, plain)
        if plain:
            _compare(row, plain)
    return results


def _find(rows: list[dict], **match) -> dict | None:
    return next(
        (r for r in _ok(rows) if all(r.get(k) == v for k, v in match.items())), None
    )


def _compare(row: dict, plain: dict) -> None:
    row["curve_diff"] = curve_difference(row["history"], plain["history"])
    row["test_acc_diff"] = row["test_acc"] - plain["test_acc"]
    row["speedup_same_backend"] = plain["s_per_epoch"] / row["s_per_epoch"]


def _derive(row: dict, gflops: float | None, base: dict | None) -> None:
    row["s_per_epoch"] = steady_epoch_s(row["epoch_s"])
    row["samples_per_s"] = row["n_train"] / row["s_per_epoch"]
    units = row["spec"]["units"]
    flops = epoch_flops((784, units, N_CLASSES), row["n_train"], row["n_val"])
    row["epoch_gflop"] = flops / 1e9
    if gflops:
        row["floor_s"] = flops / 1e9 / gflops
        row["x_floor"] = row["s_per_epoch"] / row["floor_s"]
    if base is not None:
        row["speedup"] = base["s_per_epoch"] / row["s_per_epoch"]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def _f(value, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def markdown_report(results: dict) -> str:
    """The results as Markdown: machine, then one table per part."""
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    out = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, "
        f"{_f(m['memory_gb'], '.0f')} GB RAM, {m['os']}; Python {m['python']}, "
        f"{versions}. Load average at start: "
        f"{', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}."
        + (
            " **Quick mode: tiny data, not representative.**"
            if results["quick"]
            else ""
        ),
        "",
    ]
    for part, render in (
        ("configs", _md_configs),
        ("levers", _md_levers),
        ("better", _md_better),
        ("floor", _md_floor),
        ("loader", _md_loader),
        ("notebooks", _md_notebooks),
        ("search", _md_search),
    ):
        if part in results and "error" in results[part]:
            out += [f"## {part}: **failed** ({results[part]['error']})", ""]
        elif part in results:
            out += render(results) + [""]
    out.append(f"Bench run time: {results['bench_s']:.0f} s.")
    return "\n".join(out) + "\n"


def _errors(rows: list[dict], key: str) -> list[str]:
    return [f"- {r[key]}: **failed** ({r['error']})" for r in rows if "error" in r]


def _md_configs(results: dict) -> list[str]:
    rows = results["configs"]["rows"]
    body = [
        [
            r["name"],
            r["backend"],
            str(r["epochs_run"]),
            _f(r["s_per_epoch"], ".2f"),
            _f(r["fit_s"], ".1f"),
            _f(r["samples_per_s"], ",.0f"),
            _f(r.get("x_floor"), ".0f") + "×",
            _f(r.get("speedup"), ".2f") + "×",
            _f(r["test_acc"], ".4f"),
            _f(r["peak_rss_mb"], ",.0f"),
        ]
        for r in _ok(rows)
    ]
    return [
        "## Training configurations (Fashion-MNIST, same run)",
        "",
        "s/epoch: median epoch without the first (which also compiles); samples/s:"
        " training samples per second of an epoch (validation included in its"
        " time); × floor: s/epoch over the arithmetic floor; speed: the lecture's"
        " plain-fit s/epoch over this one; peak MB: the process's peak RSS.",
        "",
        *_table(
            [
                "configuration",
                "backend",
                "epochs",
                "s/epoch",
                "fit s",
                "samples/s",
                "× floor",
                "speed vs lecture",
                "test acc",
                "peak MB",
            ],
            body,
        ),
        *_errors(rows, "name"),
    ]


def _md_levers(results: dict) -> list[str]:
    part = results["levers"]
    body = [
        [
            r["backend"],
            r["lever"],
            _f(r["s_per_epoch"], ".2f"),
            _f(r["speedup"], ".2f") + "×",
            _f(r["curve_diff"], ".1e"),
            _f(r["test_acc_diff"], "+.4f"),
            "yes" if r["curve_diff"] < 1e-3 else "**no, results change**",
        ]
        for r in _ok(part["rows"])
    ]
    return [
        f"## Speed levers for the lecture configuration ({part['epochs']} epochs each)",
        "",
        "speedup: plain fit's s/epoch over the lever's, same backend; Δ curves: the"
        " largest difference of any History metric in any epoch; Δ test acc: after"
        " the same epochs.",
        "",
        *_table(
            [
                "backend",
                "lever",
                "s/epoch",
                "speedup",
                "Δ curves",
                "Δ test acc",
                "same results",
            ],
            body,
        ),
        *_errors(part["rows"], "lever"),
        "",
        *_where_time_goes(results),
    ]


def _where_time_goes(results: dict) -> list[str]:
    floor = results.get("floor", {})
    levers = _ok(results["levers"]["rows"])
    plain = next(
        (
            r
            for r in levers
            if r["backend"] == "tensorflow" and r["lever"] == "plain fit (default)"
        ),
        None,
    )
    fast = next(
        (
            r
            for r in levers
            if r["backend"] == "tensorflow" and r["lever"] == FAST_LABEL
        ),
        None,
    )
    if not (plain and fast and "gflops" in floor):
        return []
    b = LECTURE["batch_size"]
    steps = -(-plain["n_train"] // b) + -(-plain["n_val"] // b)
    per_step = [1e6 * r["s_per_epoch"] / steps for r in (plain, fast)]
    step_flops = dense_forward_flops((784, LECTURE["units"], N_CLASSES)) * 3 * b
    arith = 1e6 * step_flops / (floor["gflops"] * 1e9)
    small = 1e6 * floor["step32_s"]
    overhead = 1 - fast["s_per_epoch"] / plain["s_per_epoch"]
    return [
        "### Where the time of a batch-32 step goes (TensorFlow)",
        "",
        f"- plain fit: {per_step[0]:.0f} µs per step ({steps} training + validation"
        f" steps per epoch); with {FAST_LABEL}: {per_step[1]:.0f} µs.",
        f"- arithmetic: {step_flops / 1e6:.1f} MFLOP per training step ="
        f" {arith:.0f} µs at the large-matmul rate; the same matmuls at batch-32"
        f" shapes in NumPy take {small:.0f} µs.",
        f"- so {100 * overhead:.0f} % of plain fit's step is per-step overhead"
        " (a Python → backend round trip, callbacks, iterator) that"
        " steps_per_execution removes; what remains is small-matrix arithmetic"
        " and per-op dispatch.",
    ]


def _md_better(results: dict) -> list[str]:
    part = results["better"]
    ok = _ok(part["rows"])
    spec = part["spec"]
    lines = [
        "## A better shallow network (one hidden layer, chosen on validation data)",
        "",
        f"{describe(spec)}; early stopping on validation accuracy (patience"
        f" {spec['patience']}, restore best weights, at most {spec['epochs']}"
        f" epochs); compile {spec['compile']}; validation_split"
        f" {spec['validation_split']}; TensorFlow.",
        "",
        *_table(
            ["seed", "epochs", "fit s", "test acc"],
            [
                [
                    str(r["spec"]["seed"]),
                    str(r["epochs_run"]),
                    _f(r["fit_s"], ".1f"),
                    _f(r["test_acc"], ".4f"),
                ]
                for r in ok
            ],
        ),
        *_errors(part["rows"], "name"),
    ]
    if ok:
        accs = [r["test_acc"] for r in ok]
        fit_s = [r["fit_s"] for r in ok]
        spread = statistics.stdev(accs) if len(accs) > 1 else 0.0
        lines += [
            "",
            f"Mean over {len(ok)} seed(s): test accuracy {statistics.mean(accs):.4f}"
            f" (sd {spread:.4f}), training {statistics.mean(fit_s):.1f} s"
            f" (budget {TIME_BUDGET_S:.0f} s).",
        ]
    return lines


def _md_floor(results: dict) -> list[str]:
    f = results["floor"]
    if "error" in f:
        return ["## Arithmetic floor", "", f"**failed** ({f['error']})"]
    n_train, n_val = split_sizes(60000, LECTURE["validation_split"])
    flops = epoch_flops((784, LECTURE["units"], N_CLASSES), n_train, n_val)
    return [
        "## Arithmetic floor",
        "",
        f"- float32 matmul, {f['n']}×{f['n']} (NumPy, best of several):"
        f" **{f['gflops']:.0f} GFLOP/s**; the batch-32 matmuls of one lecture step:"
        f" {f['step32_gflops']:.0f} GFLOP/s.",
        f"- one lecture epoch: 3 × 2 × (784·128 + 128·10) FLOPs × {n_train:,} training"
        f" samples + one forward × {n_val:,} validation samples ="
        f" {flops / 1e9:.1f} GFLOP → floor"
        f" **{flops / 1e9 / f['gflops']:.2f} s/epoch**.",
    ]


def _md_loader(results: dict) -> list[str]:
    part = results["loader"]
    ok = _ok(part["rows"])
    ref = next((r["best_s"] for r in ok if r["loader"].startswith("keras")), None)
    body = [
        [
            r["loader"],
            _f(r["best_s"], ".2f"),
            _f(r["best_s"] / ref if ref else None, ".2f") + "×",
        ]
        for r in ok
    ]
    return [
        "## Loading Fashion-MNIST (the same four files, primed Keras cache)",
        "",
        *_table(["loader", "seconds (best)", "vs keras"], body),
        *_errors(part["rows"], "loader"),
        "",
        f"Same arrays from every loader: {'yes' if part['same_arrays'] else '**no**'}.",
    ]


def _md_notebooks(results: dict) -> list[str]:
    part = results["notebooks"]
    body = [
        [
            r["notebook"],
            _f(r["seconds"], ".1f"),
            "ok" if r["error"] is None else f"**{r['error']}**",
        ]
        for r in part["rows"]
    ]
    return [
        "## Notebook execution (fresh kernel, top to bottom, as nbval runs them)",
        "",
        *_table(
            ["notebook", "seconds", "status"],
            body + [["**total**", f"**{part['total_s']:.1f}**", ""]],
        ),
    ]


def _md_search(results: dict) -> list[str]:
    part = results["search"]
    body = [
        [
            r["name"],
            str(r["epochs_run"]),
            _f(r["fit_s"], ".1f"),
            _f(best_val(r), ".4f"),
            _f(r["test_acc"], ".4f"),
        ]
        for r in sorted(_ok(part["rows"]), key=best_val, reverse=True)
    ]
    return [
        "## Search for the better shallow network (seed 42, chosen on validation)",
        "",
        *_table(["configuration", "epochs", "fit s", "best val acc", "test acc"], body),
        *_errors(part["rows"], "name"),
        "",
        f"Chosen (best validation accuracy within {TIME_BUDGET_S:.0f} s of training):"
        f" {describe({**BETTER, **part['chosen']}) if part['chosen'] else 'none'}.",
    ]


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_parts(text: str | None, quick: bool) -> list[str]:
    """The parts to run, in bench order; ``text`` is comma-separated names."""
    if not text:
        return list(QUICK_PARTS if quick else DEFAULT_PARTS)
    names = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in names if p not in ALL_PARTS]
    if unknown or not names:
        raise ValueError(f"unknown parts {unknown}; choose from {', '.join(ALL_PARTS)}")
    return [p for p in ALL_PARTS if p in names]


def run_bench(parts: list[str], quick: bool, out: Path | None) -> dict:
    """Run the parts, then write results.json and results.md into ``out``."""
    cfg = settings(quick)
    start = time.perf_counter()
    results: dict = {"machine": machine_info(), "quick": quick, "parts": parts}
    for part in parts:
        print(f"[{part}]", flush=True)
        part_start = time.perf_counter()
        try:
            results[part] = PARTS[part](cfg)
        except Exception as exc:  # one broken part must not lose the others
            traceback.print_exc()
            results[part] = {"error": f"{type(exc).__name__}: {exc}"}
        results[part]["part_s"] = time.perf_counter() - part_start
    results["bench_s"] = time.perf_counter() - start
    summarise(results)
    report = markdown_report(results)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
        (out / "results.md").write_text(report)
    print(report)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny data and epochs: checks the bench, not the machine",
    )
    parser.add_argument("--parts", help=f"comma-separated, from {', '.join(ALL_PARTS)}")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder for results.json and results.md",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(json.loads(args.worker))
        return 0
    try:
        parts = parse_parts(args.parts, args.quick)
    except ValueError as exc:
        parser.error(str(exc))
    run_bench(parts, args.quick, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
