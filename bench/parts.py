"""The speed bench's parts (``python -m bench``): each takes the RunSettings and
returns its raw results; ``bench.report`` derives and renders them."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import nbformat

from bench.configs import (
    FAST_LABEL,
    JAX_LEVERS,
    LECTURE,
    LECTURE_FAST,
    TF_LEVERS,
    TUTORIAL,
    RunSettings,
)
from bench.workers import ROOT, run_worker

__all__ = ["PARTS", "machine_info", "prime_keras_cache", "time_notebooks"]


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
    for package in ("keras", "tensorflow-cpu", "tensorflow", "jax", "numpy"):
        try:
            versions[package.replace("-cpu", "")] = version(package)
        except PackageNotFoundError:
            continue
    try:
        versions["scikit-learn"] = version("scikit-learn")
    except PackageNotFoundError:
        pass
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
    """Execute each notebook top to bottom in a fresh kernel with
    tools.notebooks.execute (the one notebook runner), on a copy in memory (the
    file is not written); return its wall time or error."""
    from tools.notebooks import execute

    rows = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            execute(nb, cwd=path.parent, timeout=timeout)
            error = None
        except Exception as exc:  # a failing notebook is a result, not a crash
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}"
        seconds = time.perf_counter() - start
        rows.append({"notebook": path.name, "seconds": seconds, "error": error})
        print(f"  {path.name}: {seconds:.1f} s", flush=True)
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


def train(name: str, spec: Mapping, backend: str, run: RunSettings) -> dict:
    """One keras_fit worker on ``backend``, epochs capped by ``run``."""
    full = {"worker": "keras_fit", **spec, **run.data}
    if run.max_epochs:
        full["epochs"] = min(spec["epochs"], run.max_epochs)
    print(f"  {name} [{backend}] ...", flush=True)
    result = run_worker(full, env={"KERAS_BACKEND": backend})
    return {"name": name, "spec": dict(spec), **result}


def part_notebooks(run: RunSettings) -> dict:
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    rows = time_notebooks(paths)
    return {"rows": rows, "total_s": sum(r["seconds"] for r in rows)}


LOADERS = (
    ("keras.datasets.fashion_mnist.load_data()", {"loader": "keras"}),
    (
        "utils.load_fashion_mnist() (SHA-256 verified)",
        {"loader": "utils", "verify": True},
    ),
    ("utils.load_fashion_mnist(verify=False)", {"loader": "utils", "verify": False}),
)


def part_loader(run: RunSettings) -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-keras-home-") as home:
        source = prime_keras_cache(Path(home))
        for label, spec in LOADERS:
            job = {"worker": "loader", "keras_home": home, "repeat": run.loader_repeat}
            result = run_worker({**job, **spec}, env={"KERAS_HOME": home})
            rows.append({"loader": label, **result})
    digests = {r.get("sha256") for r in rows}
    return {"rows": rows, "source": str(source), "same_arrays": len(digests) == 1}


def part_floor(run: RunSettings) -> dict:
    return run_worker({"worker": "matmul", **run.matmul})


def part_configs(run: RunSettings) -> dict:
    """The lecture (plain and fast) on both backends, the TF tutorial, sklearn's
    MLP: baselines, scored on the test set (nothing is chosen here)."""
    scored = {"evaluate_test": True}
    rows = []
    for backend in ("tensorflow", "jax"):
        rows.append(train("lecture (plain fit)", {**LECTURE, **scored}, backend, run))
        rows.append(
            train(f"lecture + {FAST_LABEL}", {**LECTURE_FAST, **scored}, backend, run)
        )
        if backend == "tensorflow":
            rows.append(
                train(
                    "TF tutorial (Adam, logits, 10 epochs)",
                    {**TUTORIAL, **scored},
                    backend,
                    run,
                )
            )
    print("  sklearn MLPClassifier((100,)) ...", flush=True)
    sk = {"hidden": [100], "max_iter": run.sklearn_max_iter, **run.data}
    result = run_worker({"worker": "sklearn_mlp", **sk})
    rows.append({"name": "scikit-learn MLPClassifier((100,))", "spec": sk, **result})
    return {"rows": rows}


def part_levers(run: RunSettings) -> dict:
    """Speed levers on the lecture configuration; same curves or not (validation
    and training curves only: the test set plays no part in choosing a lever)."""
    rows = []
    for backend, levers in (("tensorflow", TF_LEVERS), ("jax", JAX_LEVERS)):
        for label, change in levers.items():
            spec = {**LECTURE, **change, "epochs": run.lever_epochs}
            rows.append({"lever": label, **train(label, spec, backend, run)})
    return {"epochs": run.lever_epochs, "rows": rows}


PARTS = {
    "notebooks": part_notebooks,
    "loader": part_loader,
    "floor": part_floor,
    "configs": part_configs,
    "levers": part_levers,
}
ALL_PARTS = tuple(PARTS)
QUICK_PARTS = ("loader", "floor", "configs", "levers")
