"""What every notebook shares: plot style, the Fashion-MNIST loader, plots, checks.

Sections: plot style; the offline Fashion-MNIST loader; plotting helpers; the
exercise-check machinery (``ExerciseCheck``, ``CheckResult``) and the checks of
the hands-on Fashion-MNIST notebook.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "DATA_DIR",
    "FASHION_MNIST_CLASS_NAMES",
    "FASHION_MNIST_ENV_VAR",
    "FASHION_MNIST_SHA256",
    "DataError",
    "DataNotFoundError",
    "download_fashion_mnist",
    "fashion_mnist_sources",
    "load_fashion_mnist",
    "CheckResult",
    "ExerciseCheck",
    "check_dense_param_count",
    "check_loss_for_labels",
    "check_scaled_images",
    "check_validation_accuracy",
    "dense_stack_param_count",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_image_grid",
    "plot_learning_curves",
    "plot_misclassified",
    "read_idx",
    "set_plot_style",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

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


def plot_learning_curves(history, metrics: Sequence[str] | None = None, axes=None):
    """Plot a Keras History: one panel per metric, training solid, validation dashed.

    Args:
        history: a ``keras.callbacks.History`` or its ``.history`` dict.
        metrics: names to plot (default: every metric without a ``val_`` prefix).
        axes: one Axes per metric, or None for a new figure.

    Returns:
        The array of Axes.
    """
    logs = getattr(history, "history", history)
    metrics = list(metrics or [k for k in logs if not k.startswith("val_")])
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"history has no {missing}; it has {sorted(logs)}")
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6))
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, metrics, strict=True):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "-", marker="o", ms=3, label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "--", marker="s", ms=3,
                    label="validation")  # fmt: skip
        ax.set(xlabel="epoch", ylabel=name.replace("_", " "), title=name)
        ax.legend()
    return axes


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


def plot_decision_boundary(predict, x: np.ndarray, y: np.ndarray, ax=None, steps=200):
    """Shade what ``predict`` says over the plane of ``x`` and scatter the points.

    Args:
        predict: maps an (n, 2) array to class probabilities, shape (n,) for a
            binary model or (n, k) for k classes (a Keras model's ``predict``
            or ``lambda g: model.predict(g, verbose=0)`` both work).
        x: (n, 2) points; y: their integer class labels.
        ax: the Axes to draw on, or None for a new one.
        steps: grid points per axis.

    Returns:
        The Axes.
    """
    x, y = np.asarray(x), np.asarray(y).ravel()
    if x.ndim != 2 or x.shape[1] != 2 or len(x) != len(y):
        raise ValueError(
            f"expected x of shape (n, 2) and n labels; got {x.shape}, {y.shape}"
        )
    ax = ax or plt.subplots(figsize=(4.5, 4))[1]
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-9
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    g0, g1 = np.meshgrid(
        np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps)
    )
    out = np.asarray(predict(np.c_[g0.ravel(), g1.ravel()]))
    binary = out.ndim == 1 or out.shape[-1] == 1
    z = out.reshape(g0.shape) if binary else out.argmax(axis=-1).reshape(g0.shape)
    levels = np.linspace(0, 1, 11) if binary else np.arange(out.shape[-1] + 1) - 0.5
    ax.contourf(g0, g1, z, levels=levels, cmap="cividis", alpha=0.6)
    for k, marker in zip(np.unique(y), "os^Dv<>p*h", strict=False):
        ax.scatter(*x[y == k].T, marker=marker, s=18, edgecolor="k", linewidth=0.4,
                   label=f"class {k}")  # fmt: skip
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", fontsize=8)
    return ax


# --------------------------------------------------------------------------
# Exercise checks: each check_* prints a clear verdict and returns True/False.
# --------------------------------------------------------------------------


class CheckResult:
    """What a ``check_*`` returns: truthy when the answer is right.

    It shows nothing when it ends a notebook cell (the printed verdict is the
    output), yet ``assert check_x(...)`` and ``if check_x(...)`` work as usual.
    """

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other) -> bool:
        if isinstance(other, bool | CheckResult):
            return self.passed == bool(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"CheckResult(passed={self.passed})"

    def _ipython_display_(self) -> None:
        """Display nothing: the check already printed its verdict."""


class ExerciseCheck:
    """Collects what is wrong with an answer and prints one clear verdict.

    Used by the ``check_*`` helpers: ``fail`` records a problem with a hint;
    ``verdict`` prints "✅ ..." or "❌ ..." and returns a :class:`CheckResult`.
    A check never raises on a wrong answer, so "Run all" keeps going.
    """

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def fail(self, message: str) -> bool:
        self.problems.append(message)
        return False

    def verdict(self, success: str = "correct") -> CheckResult:
        if self.problems:
            print(f"❌ {self.name}: " + "\n   ".join(self.problems))
            return CheckResult(False)
        print(f"✅ {self.name}: {success}")
        return CheckResult(True)


def _call_student_function(check: ExerciseCheck, fn, *args):
    """Call a student's function; record (not raise) what goes wrong."""
    if not callable(fn):
        check.fail(f"expected a function, got {type(fn).__name__}")
        return None
    try:
        out = fn(*args)
    except Exception as exc:  # a student's bug must become a hint, not a crash
        check.fail(f"your function raised {type(exc).__name__}: {exc}")
        return None
    if out is None:
        check.fail(
            "your function returned None: fill in the body and `return` the result"
        )
    return out


# --------------------------------------------------------------------------
# Exercise checks: the hands-on Fashion-MNIST notebook
# --------------------------------------------------------------------------


def check_scaled_images(scale_images) -> CheckResult:
    """Check a function that scales uint8 pixels to float32 values in [0, 1]."""
    check = ExerciseCheck("Scaling pixels")
    pixels = np.array([[[0, 51, 102], [153, 204, 255]]], dtype=np.uint8)
    out = _call_student_function(check, scale_images, pixels.copy())
    if out is None:
        return check.verdict()
    out = np.asarray(out)
    expected = pixels.astype("float32") / 255.0
    if out.shape != expected.shape:
        check.fail(
            f"shape {out.shape}, expected {expected.shape}: scale, don't reshape"
        )
    elif out.dtype != np.float32:
        check.fail(f"dtype {out.dtype}; Keras works in float32: use .astype('float32')")
    elif not np.allclose(out, expected, atol=1e-6):
        check.fail(
            f"pixel 255 became {out.max():.3g} and 0 became {out.min():.3g}; "
            "divide by the largest possible pixel value, 255"
        )
    return check.verdict("pixels are float32 in [0, 1]")


def dense_stack_param_count(layer_sizes: Sequence[int], use_bias: bool = True) -> int:
    """Parameters of a stack of Dense layers, counted by Keras itself.

    ``layer_sizes`` lists the input width then each layer's units, e.g.
    ``(784, 128, 10)``.
    """
    import keras

    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"need an input width and at least one layer; got {layer_sizes}"
        )
    layers = [keras.layers.Dense(n, use_bias=use_bias) for n in sizes[1:]]
    return keras.Sequential([keras.Input((sizes[0],)), *layers]).count_params()


def check_dense_param_count(answer, layer_sizes: Sequence[int]) -> CheckResult:
    """Check a hand count of a Dense stack's parameters (weights and biases)."""
    check = ExerciseCheck(f"Parameters of a {'-'.join(map(str, layer_sizes))} network")
    expected = dense_stack_param_count(layer_sizes)
    if answer is None:
        check.fail("set your answer (it is still None)")
    elif isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        check.fail(f"expected a whole number, got {type(answer).__name__} {answer!r}")
    elif answer == dense_stack_param_count(layer_sizes, use_bias=False):
        check.fail("you counted the weights but forgot one bias per unit")
    elif answer != expected:
        check.fail(
            f"{answer} is off by {answer - expected:+d}; each Dense layer has "
            "inputs × units weights plus units biases"
        )
    return check.verdict(f"{expected:,} parameters")


def check_loss_for_labels(loss_name, y_true, y_prob) -> CheckResult:
    """Check that a Keras loss name suits the given labels and probabilities.

    The reference is computed at run time: the loss must run on these labels
    and equal the categorical cross-entropy of the true class's probability.
    """
    import keras

    check = ExerciseCheck("Choosing the loss")
    y_true, y_prob = np.asarray(y_true), np.asarray(y_prob, dtype="float32")
    if not isinstance(loss_name, str):
        check.fail(f"expected a loss name such as 'mse', got {loss_name!r}")
        return check.verdict()
    classes = y_true.argmax(axis=-1) if y_true.ndim == y_prob.ndim else y_true.ravel()
    expected = -np.log(y_prob[np.arange(len(y_prob)), classes.astype(int)]).mean()
    try:
        got = float(keras.ops.mean(keras.losses.get(loss_name)(y_true, y_prob)))
    except Exception as exc:  # the wrong pairing is exactly what we explain
        kind = "one-hot vectors" if y_true.ndim == y_prob.ndim else "integer class ids"
        check.fail(f"'{loss_name}' does not accept these labels ({kind}): {exc}"[:300])
        return check.verdict()
    if not np.isclose(got, expected, rtol=1e-4):
        check.fail(
            f"'{loss_name}' runs but gives {got:.4f}, not the cross-entropy of the "
            f"true class ({expected:.4f}): it is the wrong loss for a softmax output"
        )
    return check.verdict(f"'{loss_name}' gives the cross-entropy {expected:.4f}")


def check_validation_accuracy(history, target: float, max_epochs: int) -> CheckResult:
    """Check that a training run reached ``target`` validation accuracy in budget."""
    check = ExerciseCheck(f"Validation accuracy ≥ {target} within {max_epochs} epochs")
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        check.fail("pass the History that model.fit(...) returns")
        return check.verdict()
    keys = [k for k in logs if k.startswith("val_") and k.endswith("accuracy")]
    if not keys:
        check.fail(
            "no validation accuracy: fit with validation data and an accuracy metric"
        )
        return check.verdict()
    curve = logs[keys[0]]
    if len(curve) > max_epochs:
        check.fail(f"you trained {len(curve)} epochs; the budget is {max_epochs}")
    if max(curve) < target:
        check.fail(
            f"best validation accuracy {max(curve):.3f} < {target}; try a wider "
            "layer, another optimizer or learning rate, or a larger batch"
        )
    return check.verdict(f"best validation accuracy {max(curve):.3f}")
