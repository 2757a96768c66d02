"""What several notebooks share: the plot style, the data loaders, the shared plots.

- Plot style: :func:`set_plot_style` (call it once in a notebook's Setup) and
  :data:`CLASS_MARKERS`, the one marker sequence for classes in every plot.
- Data: :func:`load_fashion_mnist` (offline, verified; notebooks 03, 06, 07) and
  :func:`load_housing` (the Windsor house prices; notebooks 01, 02).
- Plots: :func:`plot_image_grid`, :func:`plot_learning_curves`,
  :func:`plot_confusion_matrix`, :func:`plot_misclassified`,
  :func:`plot_decision_boundary`.

Everything else a notebook imports lives in the ``course`` package, named by
what it does (``course.activations``, ``course.checks.neuron``, ...).
Nothing runs at import time.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "CLASS_MARKERS",
    "DATA_DIR",
    "FASHION_MNIST_CLASS_NAMES",
    "FASHION_MNIST_ENV_VAR",
    "FASHION_MNIST_SHA256",
    "HOUSING_FILENAME",
    "DataError",
    "DataNotFoundError",
    "download_fashion_mnist",
    "fashion_mnist_sources",
    "load_fashion_mnist",
    "load_housing",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_image_grid",
    "plot_learning_curves",
    "plot_misclassified",
    "read_idx",
    "set_plot_style",
    "SetupError",
    "verify_setup",
]

#: The repository's data/ folder (this file sits at the repository root and is
#: installed in editable mode, so the path points into the checkout).
DATA_DIR = Path(__file__).resolve().parent / "data"

#: One marker per class, used by every plot that draws classes: meaning is
#: never carried by colour alone.
CLASS_MARKERS = "os^Dv<>p*hXP"


# --------------------------------------------------------------------------
# Plot style
# --------------------------------------------------------------------------


def set_plot_style() -> None:
    """Set the course's plot style once: colour-blind-safe colours, fixed sizes."""
    plt.style.use("tableau-colorblind10")
    plt.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "image.cmap": "viridis",
            "font.size": 11,
        }
    )


# --------------------------------------------------------------------------
# Fashion-MNIST: offline loader
# --------------------------------------------------------------------------

FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
FASHION_MNIST_ENV_VAR = "FASHION_MNIST_DIR"
_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
_KERAS_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_SPLITS = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# SHA-256 of the decompressed IDX payloads (mirrors re-compress the .gz files
# differently, so the .gz bytes are not comparable). See data/README.md.
FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
    ),
    "train-labels-idx1-ubyte.gz": (
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
    ),
}
_HOW_TO_FIX = (
    "Delete the file and fetch it again (`make data`), or install Debian's "
    "package: `sudo apt-get install dataset-fashion-mnist`."
)


class DataError(ValueError):
    """A data file exists but is unreadable, corrupt or not what it claims."""


class DataNotFoundError(FileNotFoundError):
    """No source of a data set could be found."""


def fashion_mnist_sources() -> list[Path]:
    """Directories searched for Fashion-MNIST, in order of preference."""
    sources = []
    if os.environ.get(FASHION_MNIST_ENV_VAR):
        sources.append(Path(os.environ[FASHION_MNIST_ENV_VAR]).expanduser())
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    sources += [
        DATA_DIR / "fashion-mnist",
        _DEBIAN_DIR,
        keras_home / "datasets" / "fashion-mnist",
    ]
    return sources


def _read_gzip(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"{path}: not a complete gzip file ({exc}). {_HOW_TO_FIX}"
        ) from exc


def read_idx(path: str | os.PathLike, sha256: str | None = None) -> np.ndarray:
    """Read one gzip-compressed IDX file (the MNIST format) as a uint8 array.

    Args:
        path: the ``*-idx?-ubyte.gz`` file.
        sha256: expected SHA-256 of the decompressed payload, or None to skip.

    Raises:
        DataError: the file is truncated, corrupt, not IDX, or fails the checksum.
    """
    path = Path(path)
    payload = _read_gzip(path)
    if len(payload) < 4 or payload[:2] != b"\x00\x00" or payload[2] != 0x08:
        raise DataError(
            f"{path}: wrong IDX magic number {payload[:4].hex() or 'empty'} "
            f"(expected 0000080N for unsigned bytes). {_HOW_TO_FIX}"
        )
    ndim = payload[3]
    header = 4 + 4 * ndim
    shape = tuple(
        int.from_bytes(payload[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    if len(payload) != header + int(np.prod(shape)):
        raise DataError(
            f"{path}: header says shape {shape} but the file holds "
            f"{len(payload) - header} data bytes. {_HOW_TO_FIX}"
        )
    if sha256 is not None and hashlib.sha256(payload).hexdigest() != sha256:
        raise DataError(f"{path}: checksum mismatch. {_HOW_TO_FIX}")
    return np.frombuffer(payload, np.uint8, offset=header).reshape(shape)


def _load_split(directory: Path, split: str, verify: bool):
    images_name, labels_name = _SPLITS[split]
    arrays = []
    for name in (images_name, labels_name):
        expected = FASHION_MNIST_SHA256[name] if verify else None
        arrays.append(read_idx(directory / name, sha256=expected))
    images, labels = arrays
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(
            f"{directory / images_name}: {images.shape} images do not match "
            f"{labels.shape} labels in {labels_name}. {_HOW_TO_FIX}"
        )
    return images, labels


def _has_all_files(directory: Path) -> bool:
    return all((directory / name).is_file() for name in FASHION_MNIST_SHA256)


def load_fashion_mnist(
    directory: str | os.PathLike | None = None,
    *,
    download: bool = True,
    verify: bool = True,
):
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays.

    The same arrays as ``keras.datasets.fashion_mnist.load_data()``, found
    offline: ``directory`` if given, else the first of
    :func:`fashion_mnist_sources` holding all four files, else (with
    ``download=True``) a verified download into ``data/fashion-mnist/``.

    Args:
        directory: read only this directory.
        download: allow the last-resort download from Keras' mirror.
        verify: check the decompressed payloads against the published SHA-256.

    Raises:
        DataError: a file is corrupt (the message names it and says how to fix).
        DataNotFoundError: no source found; the message lists every place looked.
    """
    candidates = [Path(directory)] if directory is not None else fashion_mnist_sources()
    for source in candidates:
        if _has_all_files(source):
            return _load_split(source, "train", verify), _load_split(
                source, "test", verify
            )
    if directory is None and download:
        try:
            target = download_fashion_mnist()
        except OSError as exc:
            raise DataNotFoundError(_not_found_message(candidates, exc)) from exc
        return _load_split(target, "train", verify), _load_split(target, "test", verify)
    raise DataNotFoundError(_not_found_message(candidates))


def _not_found_message(looked: Sequence[Path], error: Exception | None = None) -> str:
    places = "\n".join(f"  - {p}" for p in looked)
    why = f"\nThe download failed too: {error}" if error else ""
    return (
        f"Fashion-MNIST not found. Looked for the four *-ubyte.gz files in:\n"
        f"{places}{why}\nGet it one of two ways:\n"
        f"  1. Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
        f"  2. with internet: make data (downloads into {DATA_DIR / 'fashion-mnist'})\n"
        f"or point {FASHION_MNIST_ENV_VAR} at a directory holding the files."
    )


def download_fashion_mnist(target: str | os.PathLike | None = None) -> Path:
    """Download Fashion-MNIST from Keras' mirror, verify it, then move it in place.

    Each file lands in a temporary directory beside ``target``, is checked
    against its SHA-256, and only then is renamed into ``target``: an
    interrupted or corrupt download never leaves a file the loader would trust.
    """
    from keras.utils import get_file

    target = Path(target) if target is not None else DATA_DIR / "fashion-mnist"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target, prefix=".download-") as tmp:
        for name, sha256 in FASHION_MNIST_SHA256.items():
            if (target / name).is_file():
                continue
            fetched = get_file(
                name, origin=_KERAS_MIRROR + name, cache_dir=tmp, cache_subdir="."
            )
            read_idx(fetched, sha256=sha256)
            os.replace(fetched, target / name)
    return target


# --------------------------------------------------------------------------
# Housing prices (Windsor, 1987): the linear- and logistic-regression data
# --------------------------------------------------------------------------

HOUSING_FILENAME = "housing_windsor.csv"
_YES_NO = {"yes": 1.0, "no": 0.0}


def _require_housing_args(features, target) -> list[str] | None:
    if not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}")
    if features is None:
        return None
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            f"features must be a list of column names, e.g. ['lotsize', 'bedrooms'];"
            f" got {features!r}"
        )
    features = list(features)
    if not features or not all(isinstance(f, str) for f in features):
        raise ValueError(f"features must be one or more column names; got {features}")
    if len(set(features)) != len(features) or target in features:
        raise ValueError(
            f"features must be distinct and exclude the target {target!r}; "
            f"got {features}"
        )
    return features


def _read_housing_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise DataNotFoundError(
            f"{path}: housing data not found. It ships with the repository "
            f"(data/{HOUSING_FILENAME}); restore it with `git checkout data/`."
        )
    with path.open(newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row]
    if not rows:
        raise DataError(f"{path}: the file is empty (expected a CSV header)")
    header = [name.strip() for name in rows[0]]
    if len(rows) == 1:
        raise DataError(f"{path}: the file has a header but no data rows")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(
                f"{path}, line {line}: {len(row)} fields, expected "
                f"{len(header)} as in the header"
            )
    return header, rows[1:]


def _parse_housing_value(path: Path, line: int, column: str, text: str) -> float:
    text = text.strip()
    if text.lower() in _YES_NO:
        return _YES_NO[text.lower()]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise DataError(
            f"{path}, line {line}, column {column!r}: {text!r} is not a number "
            f"(expected a finite number or yes/no)"
        )
    return value


def load_housing(
    path: str | os.PathLike | None = None,
    features: Sequence[str] | None = None,
    target: str = "price",
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Load the Windsor house prices as ``(x, y, feature_names)``.

    Args:
        path: the CSV file; None for ``data/housing_windsor.csv``.
        features: columns to return, in this order; None for every column
            except the target, in file order.
        target: the column returned as ``y`` (default: the sale price in CAD).

    Returns:
        ``x`` of shape (n, len(features)) and ``y`` of shape (n,), both float64,
        yes/no columns as 1.0/0.0; and the list of feature names.

    Raises:
        DataNotFoundError: the file does not exist.
        DataError: the file is empty, lacks a column or holds a non-number.
    """
    wanted = _require_housing_args(features, target)
    path = Path(path) if path is not None else DATA_DIR / HOUSING_FILENAME
    header, rows = _read_housing_rows(path)
    if wanted is None:
        wanted = [name for name in header if name != target]
    missing = [name for name in [*wanted, target] if name not in header]
    if missing:
        raise DataError(f"{path}: no column(s) {missing}; it has {header}")
    index = [header.index(name) for name in [*wanted, target]]
    table = np.array(
        [
            [_parse_housing_value(path, line, header[i], row[i]) for i in index]
            for line, row in enumerate(rows, start=2)
        ]
    )
    return table[:, :-1], table[:, -1], wanted


# --------------------------------------------------------------------------
# Set-up check: the first thing a notebook's Setup cell runs
# --------------------------------------------------------------------------

_SETUP_FIX = (
    "Fix: in a terminal, in the repository folder, run `make lab` (it installs "
    "the pinned packages and the data, then starts JupyterLab with this kernel)."
)


class SetupError(RuntimeError):
    """This kernel cannot run the course: what is wrong and how to fix it."""

    def _render_traceback_(self) -> list[str]:
        """IPython shows this message instead of a traceback."""
        return [f"\N{CROSS MARK} {self}"]


def _installed_version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def verify_setup(data: Sequence[str] = ()) -> None:
    """Raise one clear :class:`SetupError` if this kernel cannot run the notebook.

    Checks that Keras 3 and the ``course`` package are installed, and that each
    data set named in ``data`` (``"fashion_mnist"``, ``"housing"``) is on disk.
    Reads no data and imports no Keras, so it is quick.
    """
    import importlib.util

    keras_version = _installed_version("keras")
    if keras_version is None or int(keras_version.split(".")[0]) < 3:
        found = "no Keras" if keras_version is None else f"Keras {keras_version}"
        raise SetupError(
            f"this kernel has {found}; the course needs Keras 3. {_SETUP_FIX}"
        )
    if importlib.util.find_spec("course") is None:
        raise SetupError(
            f"the course package is not installed in this kernel. {_SETUP_FIX}"
        )
    unknown = set(data) - {"fashion_mnist", "housing"}
    if unknown:
        raise ValueError(
            f"data must name 'fashion_mnist' or 'housing'; got {sorted(unknown)}"
        )
    if "housing" in data and not (DATA_DIR / HOUSING_FILENAME).is_file():
        raise SetupError(
            f"the house prices are missing: {DATA_DIR / HOUSING_FILENAME}. "
            "Fix: restore data/ with `git checkout data/`."
        )
    if "fashion_mnist" in data and not any(
        _has_all_files(d) for d in fashion_mnist_sources()
    ):
        raise SetupError(
            "Fashion-MNIST is not on this machine. Fix: in the repository folder, "
            "run `make data` (Debian's package or a verified download)."
        )


# --------------------------------------------------------------------------
# Plotting
# --------------------------------------------------------------------------


def _grid(n: int, ncols: int, fig, size: float = 1.4):
    nrows = max(1, -(-n // ncols))
    fig = fig or plt.figure(figsize=(size * ncols, (size + 0.35) * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_axis_off()
    return fig, axes[:n]


def plot_image_grid(
    images: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str],
    ncols: int = 8,
    fig=None,
):
    """Draw images in a grid, each titled with its class name; return the figure."""
    if len(images) != len(labels):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels")
    fig, axes = _grid(len(images), ncols, fig)
    for ax, image, label in zip(axes, images, labels, strict=True):
        ax.imshow(image, cmap="binary")
        ax.set_title(class_names[int(label)], fontsize=9)
        ax.set_axis_off()
    return fig


def _runs(history) -> dict[str, Mapping]:
    """``{run name: logs}`` from one History (or its dict) or a dict of them."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            f"expected a keras History, its .history dict, or a dict of them; "
            f"got {type(history).__name__}"
        )
    values = list(logs.values())
    if values and all(isinstance(getattr(v, "history", v), Mapping) for v in values):
        return {str(name): getattr(run, "history", run) for name, run in logs.items()}
    return {"": logs}


def plot_learning_curves(history, metrics: Sequence[str] | None = None, axes=None):
    """Plot learning curves: one panel per metric, training solid, validation dashed.

    Args:
        history: a ``keras.callbacks.History`` or its ``.history`` dict, or a
            dict ``{"run name": history, ...}`` to overlay several runs (one
            colour per run), as ``tensorflow_docs.plots.HistoryPlotter`` does.
        metrics: names to plot (default: every metric without a ``val_`` prefix
            of the first run).
        axes: one Axes per metric, or None for a new figure.

    Returns:
        The array of Axes.
    """
    runs = _runs(history)
    first = next(iter(runs.values()))
    metrics = list(metrics or [k for k in first if not k.startswith("val_")])
    for run, logs in runs.items():
        missing = [m for m in metrics if m not in logs]
        if missing:
            where = f"history {run!r}" if run else "history"
            raise ValueError(f"{where} has no {missing}; it has {sorted(logs)}")
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6))
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, metrics, strict=True):
        for k, (run, logs) in enumerate(runs.items()):
            # One run: training and validation in two colours; several: one a run.
            colours = ("C0", "C1") if len(runs) == 1 else (f"C{k}", f"C{k}")
            _plot_run(ax, run, logs, name, colours)
        ax.set(xlabel="epoch", ylabel=name.replace("_", " "), title=name)
        ax.legend()
    return axes


def _plot_run(ax, run: str, logs: Mapping, name: str, colours: tuple) -> None:
    epochs = np.arange(1, len(logs[name]) + 1)
    prefix = f"{run}: " if run else ""
    train, val = colours
    ax.plot(epochs, logs[name], "-o", ms=3, color=train, label=f"{prefix}training")
    if f"val_{name}" in logs:
        label = f"{prefix}validation"
        ax.plot(epochs, logs[f"val_{name}"], "--s", ms=3, color=val, label=label)


def plot_confusion_matrix(y_true, y_pred, class_names: Sequence[str], ax=None):
    """Draw the confusion matrix (counts, true class by row) and return the Axes."""
    from sklearn.metrics import ConfusionMatrixDisplay

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 6.5))
    ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=np.arange(len(class_names)),
        display_labels=class_names,
        cmap="cividis",
        colorbar=False,
        ax=ax,
        xticks_rotation=45,
    )
    ax.grid(False)
    return ax


def plot_misclassified(
    images: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    class_names: Sequence[str],
    n: int = 12,
    ncols: int = 6,
    fig=None,
):
    """Show up to ``n`` misclassified images titled "true → predicted"; return fig."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if not len(images) == len(y_true) == len(y_pred):
        raise ValueError(
            f"images, y_true and y_pred must have one length; got "
            f"{len(images)}, {len(y_true)}, {len(y_pred)}"
        )
    wrong = np.flatnonzero(y_true != y_pred)[:n]
    fig, axes = _grid(max(len(wrong), 1), ncols, fig, size=1.9)
    if len(wrong) == 0:
        axes[0].text(0.5, 0.5, "no misclassified images", ha="center")
        axes[0].set_axis_off()
    for ax, i in zip(axes, wrong, strict=False):
        ax.imshow(images[i], cmap="binary")
        ax.set_title(
            f"true: {class_names[y_true[i]]}\n✗ pred: {class_names[y_pred[i]]}",
            fontsize=8,
        )
        ax.set_axis_off()
    return fig


def _predict_grid(predict, grid: np.ndarray) -> np.ndarray:
    if hasattr(predict, "predict"):  # a Keras model: one direct call, no tracing
        import keras

        return keras.ops.convert_to_numpy(predict(grid.astype("float32")))
    return np.asarray(predict(grid))


def plot_decision_boundary(
    predict,
    x: np.ndarray,
    y: np.ndarray,
    class_names: Sequence[str] | None = None,
    ax=None,
    steps: int = 150,
    colorbar: bool = True,
    marker_size: float = 22,
):
    """Shade a classifier's output over the plane of ``x`` and scatter the points.

    A binary classifier's P(class 1) is shaded on a colour bar with its 0.5
    contour drawn black; with k classes each region gets the colour of its
    most probable class.

    Args:
        predict: a Keras model, or a function mapping an (m, 2) array to
            probabilities: shape (m,) or (m, 1) for binary, (m, k) for k classes.
        x: (n, 2) points; y: their integer class labels.
        class_names: one name per class for the legend (default "class k").
        ax: the Axes to draw on, or None for a new one.
        steps: grid points per axis.
        colorbar: binary only: add a colour bar "predicted P(class 1)".
        marker_size: marker area of the points.

    Returns:
        The Axes.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y).ravel().astype(int)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) != len(y):
        raise ValueError(
            f"expected x of shape (n, 2) and n labels; got {x.shape}, {y.shape}"
        )
    names = list(class_names or [f"class {k}" for k in range(y.max() + 1)])
    if len(names) <= y.max():
        raise ValueError(f"{len(names)} class names for labels up to {y.max()}")
    ax = ax or plt.subplots(figsize=(5, 4.2))[1]
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-9
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    axes = [np.linspace(a, b, steps) for a, b in zip(lo, hi, strict=True)]
    g0, g1 = np.meshgrid(*axes)
    out = _predict_grid(predict, np.c_[g0.ravel(), g1.ravel()])
    binary = out.ndim == 1 or out.shape[-1] == 1
    z = out.reshape(g0.shape) if binary else out.argmax(axis=-1).reshape(g0.shape)
    levels = np.linspace(0, 1, 11) if binary else np.arange(out.shape[-1] + 1) - 0.5
    shading = ax.contourf(g0, g1, z, levels=levels, cmap="cividis", alpha=0.75)
    if binary and z.min() < 0.5 < z.max():
        ax.contour(g0, g1, z, levels=[0.5], colors="k", linewidths=2)
    for k in np.unique(y):
        style = {"marker": CLASS_MARKERS[k], "s": marker_size, "edgecolor": "k"}
        ax.scatter(*x[y == k].T, label=names[k], linewidth=0.5, **style)
    if binary and colorbar:
        ax.figure.colorbar(shading, ax=ax, label="predicted P(class 1)")
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return ax
