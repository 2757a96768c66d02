"""One measurement each, run in its own process (``python -m bench.workers SPEC``).

A worker gets a JSON ``spec``, does one job and prints one result line: a Keras
training (``keras_fit``), scikit-learn's MLP (``sklearn_mlp``), the machine's
matrix-multiply rate (``matmul``) or one Fashion-MNIST loader (``loader``). The
parent process (``run_worker``) never imports Keras, so each run's peak memory
and Keras backend are its own; its environment is the notebooks' kernel
environment plus the ``env`` it is given.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Mapping
from pathlib import Path

from bench.arithmetic import split_sizes
from bench.configs import N_CLASSES
from tools.kernel_env import kernel_env

__all__ = [
    "WORKERS",
    "build_model",
    "run_keras_fit",
    "run_keras_fits",
    "run_loader",
    "run_matmul",
    "run_sklearn_mlp",
    "run_worker",
]

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH_RESULT "


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def _fashion_mnist(spec: Mapping):
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


def build_model(spec: Mapping):
    """Flatten → [Dense(n, relu) → Dropout] per hidden layer → Dense(10)."""
    import keras
    from keras import layers

    stack = [keras.Input((28, 28)), layers.Flatten()]
    for units in spec["hidden"]:
        stack.append(layers.Dense(units, activation="relu"))
        if spec.get("dropout"):
            stack.append(layers.Dropout(spec["dropout"]))
    stack.append(
        layers.Dense(10, activation=None if spec["from_logits"] else "softmax")
    )
    return keras.Sequential(stack)


def compile_model(model, spec: Mapping) -> None:
    """``model.compile`` with the optimizer, loss, metric and extras of ``spec``."""
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


def _callbacks(spec: Mapping, epoch_s: list[float]):
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
    if spec.get("early_stopping"):
        callbacks.append(
            keras.callbacks.EarlyStopping(
                **spec["early_stopping"], restore_best_weights=True
            )
        )
    return callbacks


def _fit_data(spec: Mapping, x, y, n_train: int) -> tuple[tuple, dict]:
    """``fit``'s positional data and keyword arguments for ``spec``'s input."""
    if spec.get("input") != "pydataset":
        kwargs = {
            "batch_size": spec["batch_size"],
            "validation_split": spec["validation_split"],
        }
        return (x, y), kwargs
    seed = spec.get("seed", 42)
    data = (_array_batches(x[:n_train], y[:n_train], spec["batch_size"], seed),)
    kwargs = {}
    if n_train < len(x):
        kwargs["validation_data"] = (x[n_train:], y[n_train:])
    return data, kwargs


def _evaluate(model, spec: Mapping, x_train, y_train, x_test, y_test, n_train):
    """Scores of the final (restored) weights, in inference mode: validation
    always, the fitting images if ``evaluate_fit``, the test set only if
    ``evaluate_test`` (a search never asks for it)."""
    scores = {}
    parts = {"val": (x_train[n_train:], y_train[n_train:])}
    if spec.get("evaluate_fit"):
        parts["fit"] = (x_train[:n_train], y_train[:n_train])
    if spec.get("evaluate_test"):
        parts["test"] = (x_test, y_test)
    for name, (x, y) in parts.items():
        if len(x):
            loss, acc = model.evaluate(x, y, batch_size=500, verbose=0)
            scores[f"{name}_loss"], scores[f"{name}_acc"] = float(loss), float(acc)
    return scores


def run_keras_fit(spec: Mapping) -> dict:
    """Train ``spec``'s model on Fashion-MNIST as the notebook does; time it."""
    import keras

    x_train, y_train, x_test, y_test = _fashion_mnist(spec)
    keras.utils.set_random_seed(spec.get("seed", 42))
    model = build_model(spec)
    compile_model(model, spec)
    epoch_s: list[float] = []
    n_train, n_val = split_sizes(len(x_train), spec["validation_split"])
    data, kwargs = _fit_data(spec, x_train, y_train, n_train)
    start = time.perf_counter()
    history = model.fit(
        *data,
        epochs=spec["epochs"],
        verbose=0,
        callbacks=_callbacks(spec, epoch_s),
        **kwargs,
    )
    fit_s = time.perf_counter() - start
    scores = _evaluate(model, spec, x_train, y_train, x_test, y_test, n_train)
    return {
        "backend": keras.backend.backend(),
        "fit_s": fit_s,
        "epoch_s": epoch_s,
        "epochs_run": len(epoch_s),
        "n_train": n_train,
        "n_val": n_val,
        "params": model.count_params(),
        **scores,
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_sklearn_mlp(spec: Mapping) -> dict:
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
        hidden_layer_sizes=tuple(spec["hidden"]),
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


def _timed(fn, loops: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        fn()
    return time.perf_counter() - start


def run_matmul(spec: Mapping) -> dict:
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


def run_loader(spec: Mapping) -> dict:
    """Time one Fashion-MNIST loader reading the files of ``spec['keras_home']``
    (keras.datasets reads $KERAS_HOME, which ``run_worker``'s env sets)."""
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


def run_keras_fits(spec: Mapping) -> dict:
    """``run_keras_fit`` once per seed in ``spec['seeds']``, in this one process
    (a search point's seeds share the start-up cost; peak memory is shared)."""
    runs = []
    for seed in spec["seeds"]:
        one = {k: v for k, v in spec.items() if k != "seeds"}
        try:
            runs.append(
                {"spec": {**one, "seed": seed}, **run_keras_fit({**one, "seed": seed})}
            )
        except Exception as exc:  # one failed seed is a result, not a crash
            traceback.print_exc()
            runs.append(
                {"spec": {**one, "seed": seed}, "error": f"{type(exc).__name__}: {exc}"}
            )
    return {"runs": runs}


WORKERS = {
    "keras_fit": run_keras_fit,
    "keras_fits": run_keras_fits,
    "sklearn_mlp": run_sklearn_mlp,
    "matmul": run_matmul,
    "loader": run_loader,
}


def worker_main(spec: Mapping) -> None:
    """Entry point of a worker process: run ``spec`` and print its result line."""
    try:
        result = WORKERS[spec["worker"]](spec)
    except Exception as exc:  # reported in the table, the bench goes on
        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    print(RESULT_MARK + json.dumps(result), flush=True)


def worker_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process' environment with the kernel defaults, then ``env`` on top."""
    return {**kernel_env(os.environ), **(env or {})}


def run_worker(
    spec: Mapping, env: Mapping[str, str] | None = None, timeout: float = 1800
) -> dict:
    """Run one worker in a fresh process; return its result or {"error": ...}.

    ``env`` adds to the worker's environment (``{"KERAS_BACKEND": "jax"}``,
    ``{"KERAS_HOME": ...}``); this process' own environment is never changed.
    """
    cmd = [sys.executable, "-m", "bench.workers", json.dumps(spec)]
    try:
        proc = subprocess.run(
            cmd,
            env=worker_env(env),
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


if __name__ == "__main__":
    worker_main(json.loads(sys.argv[1]))
