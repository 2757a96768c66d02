"""The Keras side of the playground: the model, its code export, ``Playground``."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from ._validate import require_choice, require_int
from .choices import _EXTENT, _MAX_CLASSES, _OWN, FEATURES, MAX_EPOCHS
from .config import PlaygroundConfig
from .data import make_playground_data, playground_features, split_playground_data

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


def layer_seed(init_seed: int, layer: int, stream: int = 0) -> int:
    """The seed of one layer's initial weights (``stream`` 0) or dropout (1).

    Mixed by NumPy's ``SeedSequence``, so the layers of one ``init_seed`` and
    those of neighbouring seeds draw independent numbers (``init_seed + layer``
    would give seed 1's first layer the seed of seed 0's second layer).
    """
    state = np.random.SeedSequence([init_seed, stream, layer]).generate_state(1)
    return int(state[0] >> 1)  # 31 bits, a valid seed on every backend


def build_playground_model(
    config: PlaygroundConfig,
    task: str = "binary",
    n_classes: int = 2,
    n_train: int = 250,
) -> keras.Sequential:
    """Build and compile the Keras network a configuration describes.

    Dense hidden layers with the chosen activation, an output layer that fits
    the task (sigmoid, softmax or linear), the regulariser on every kernel,
    dropout after every hidden layer (if set), and Glorot initial weights seeded
    by ``init_seed``, so a configuration always starts alike.
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
                    seed=layer_seed(config.init_seed, i)
                ),
                kernel_regularizer=reg,
                name="output" if last else f"hidden_{i + 1}",
            )
        )
        if config.dropout > 0 and not last:
            layers.append(
                keras.layers.Dropout(
                    config.dropout,
                    seed=layer_seed(config.init_seed, i, stream=1),
                    name=f"drop_{i + 1}",
                )
            )
    model = keras.Sequential(layers, name="playground")
    # Several steps per compiled call: the per-step Python overhead is most of
    # the time of a network this small. One call per epoch where an epoch has
    # at most 32 steps, so the loss is recorded at the end of whole epochs.
    steps = max(1, min(32, -(-n_train // config.batch_size)))
    model.compile(optimizer=_optimizer(config), loss=loss, steps_per_execution=steps)
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


def _data_code(config: PlaygroundConfig) -> list[str]:
    """Lines of the exported code that make (or expect) the data."""
    if config.dataset == _OWN:
        return ["# Your own data: define x_train, y_train, x_test, y_test here.", ""]
    return [
        "from course import playground",
        "",
        f'x, y = playground.make_playground_data("{config.dataset}", '
        f"n_points={config.n_points}, noise={config.noise!r}, seed={config.seed})",
        "(x_train, y_train), (x_test, y_test) = playground.split_playground_data(",
        f"    x, y, train_fraction={config.train_fraction!r}, seed={config.split_seed}",
        ")",
    ]


def _features_code(config: PlaygroundConfig) -> list[str]:
    """Lines of the exported code that define ``make_features``."""
    expressions = [FEATURES[f].code for f in config.features]
    return [
        "def make_features(x):",
        f'    """Input features {", ".join(config.features)} of (n, 2) points x."""',
        "    x1, x2 = x[:, 0], x[:, 1]",
        f'    return np.stack([{", ".join(expressions)}], axis=1).astype("float32")',
    ]


def _model_code(config: PlaygroundConfig, task: str, n_classes: int) -> list[str]:
    """Lines of the exported code that build and compile ``model``."""
    units, out_activation, loss = _output_spec(task, n_classes)
    reg = ""
    if config.regularization != "none":
        cls = config.regularization.upper()
        rate = config.regularization_rate
        reg = f", kernel_regularizer=keras.regularizers.{cls}({rate!r})"
    optimizer = {"sgd": "SGD", "adam": "Adam"}[config.optimizer]
    metrics = "" if task == "regression" else '\n    metrics=["accuracy"],'
    return [
        f"keras.utils.set_random_seed({config.init_seed})",
        "model = keras.Sequential(",
        "    [",
        f"        keras.Input(shape=({len(config.features)},)),",
        *[
            line
            for n in config.hidden_layers
            for line in [_dense_code(n, config.activation, reg)]
            + (
                [f"        keras.layers.Dropout({config.dropout!r}),"]
                if config.dropout > 0
                else []
            )
        ],
        _dense_code(units, out_activation, reg),
        "    ]",
        ")",
        "model.compile(",
        f"    optimizer=keras.optimizers.{optimizer}("
        f"learning_rate={config.learning_rate!r}),",
        f'    loss="{loss}",{metrics}',
        ")",
    ]


def playground_keras_code(
    config: PlaygroundConfig,
    task: str | None = None,
    n_classes: int = 2,
    epochs: int = 100,
) -> str:
    """Return runnable Keras code of the network and training a configuration describes.

    The code makes the same data (built-in sets) or expects ``x_train``,
    ``y_train``, ``x_test``, ``y_test`` (own data), defines ``make_features``,
    builds and compiles ``model`` and trains it for ``epochs`` epochs: the same
    architecture and training settings as the playground.
    """
    if not isinstance(config, PlaygroundConfig):
        raise TypeError(
            f"config must be a PlaygroundConfig; got {type(config).__name__}"
        )
    task = task or config.task
    _output_spec(task, n_classes)  # validates the task
    epochs = require_int("epochs", epochs, 1, MAX_EPOCHS)
    lines = [
        f"# Keras code of the playground network. Settings:\n# {config.to_settings()}",
        "import keras",
        "import numpy as np",
        "",
        *_data_code(config),
        "",
        "",
        *_features_code(config),
        "",
        "",
        *_model_code(config, task, n_classes),
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


_MAX_ROWS = 100_000  # rows of shuffled training data per fit call


class _Recorder(keras.callbacks.Callback):
    """Records a playground's losses about every ``every`` epochs during a fit."""

    def __init__(self, pg: Playground, every: int, total: int):
        super().__init__()
        self.pg, self.every, self.total = pg, every, total
        self.next = every

    def on_train_batch_end(self, batch, logs=None):
        # On JAX, Callback.model copies the weights being trained back into the
        # model's variables (jax_state_sync); _record then calls the model.
        _ = self.model
        # ``batch`` is the last step of a group of steps_per_execution steps
        seen = min((batch + 1) * self.pg.config.batch_size, self.total)
        done = seen / len(self.pg._f_train)
        if done >= self.next and seen < self.total:
            self.pg._record(round(self.pg.epoch + done, 3))
            self.next = (done // self.every + 1) * self.every


# --------------------------------------------------------------------------
# The playground: data, model, training, what the pictures need
# --------------------------------------------------------------------------


def require_own_data(x, y, task):
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
    require_choice("task", task, ("classification", "regression"))
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
            self._own = require_own_data(x, y, task)
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
        if changed & PlaygroundConfig.fields_of_kind("data"):
            self._make_data()
        if changed == {"init_seed"}:  # same network: new weights, no rebuild
            self._draw_weights()
        elif changed & PlaygroundConfig.fields_of_kind("data", "network"):
            self.reset()
        elif "learning_rate" in changed:
            self.model.optimizer.learning_rate.assign(new.learning_rate)

    def new_sample(self) -> None:
        """Draw new points (the next ``seed``), keep the other settings; reset."""
        self.configure(seed=self._config.seed + 1)

    def reinitialise(self) -> None:
        """Draw new initial weights (the next ``init_seed``) on the same data, and
        reset: the web page's Reset button."""
        self.configure(init_seed=self._config.init_seed + 1)

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
            split_playground_data(x, y, c.train_fraction, c.split_seed)
        )

    # -- model and training -----------------------------------------------
    def reset(self) -> None:
        """Build a fresh network (initial weights from ``init_seed``) and forget
        the training."""
        c = self._config
        self.model = build_playground_model(
            c, self.task, self.n_classes, len(self.x_train)
        )
        self._dense = [
            layer
            for layer in self.model.layers
            if isinstance(layer, keras.layers.Dense)
        ]
        self._probe = keras.Model(
            self.model.inputs[0], [layer.output for layer in self._dense]
        )
        self._f_train = playground_features(self.x_train, c.features)
        self._f_test = playground_features(self.x_test, c.features)
        self._shuffle_rng = np.random.default_rng(c.init_seed)
        self._loss_fn = keras.losses.get(_output_spec(self.task, self.n_classes)[2])
        self.epoch = 0
        keys = ["epoch", "train_loss", "test_loss"]
        if self.task != "regression":
            keys += ["train_accuracy", "test_accuracy"]
        self.history: dict[str, list[float]] = {key: [] for key in keys}
        self._record(0)

    def _draw_weights(self) -> None:
        """Draw the initial weights of ``init_seed`` into the built model (as a
        new build would) and forget the training; faster than a rebuild."""
        c = self._config
        for i, layer in enumerate(self._dense):
            init = keras.initializers.GlorotUniform(seed=layer_seed(c.init_seed, i))
            layer.kernel.assign(init(layer.kernel.shape))
            layer.bias.assign(keras.ops.zeros(layer.bias.shape))
        optimizer = self.model.optimizer
        for variable in optimizer.variables:  # step count and slots, not the rate
            if variable.name != "learning_rate":
                variable.assign(keras.ops.zeros(variable.shape, variable.dtype))
        self._shuffle_rng = np.random.default_rng(c.init_seed)
        self.epoch = 0
        self.history = {key: [] for key in self.history}
        self._record(0)

    def train(self, epochs: int = 1, record_every: int = 1) -> None:
        """Train ``epochs`` epochs with mini-batch SGD (or Adam); record the losses.

        Args:
            epochs: how many passes over the (reshuffled) training set.
            record_every: record the losses (and accuracies) about every this
                many epochs, for the loss curves, and always at the end. A
                record falls on the first compiled group of steps that ends after
                the epoch (one group an epoch where an epoch has at most 32 steps
                and the batch size divides the training set; otherwise
                ``history["epoch"]`` holds fractions of an epoch).
        """
        epochs = require_int("epochs", epochs, 1, MAX_EPOCHS)
        every = require_int("record_every", record_every, 1, MAX_EPOCHS)
        # at most _MAX_ROWS rows per fit call: the memory of a long train is bounded
        per_call = max(1, _MAX_ROWS // len(self._f_train))
        while epochs > 0:
            self._fit(min(per_call, epochs), every)
            epochs -= per_call

    def _fit(self, epochs: int, every: int) -> None:
        """One ``fit`` call over ``epochs`` shuffled copies of the training set:
        ``fit`` has a fixed cost per call and per epoch, so one long epoch, with
        a callback that records the losses along the way."""
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
            callbacks=[_Recorder(self, every, epochs * n)],
        )
        self.epoch += epochs
        self._record(self.epoch)

    def _record(self, epoch: float) -> None:
        if self.history["epoch"] and self.history["epoch"][-1] == epoch:
            return
        for key, value in self._measure().items():
            self.history[key].append(value)
        self.history["epoch"].append(epoch)

    def _measure(self) -> dict[str, float]:
        """Losses (data loss, without the regularisation term) and accuracies now."""
        both = self._output_of(np.concatenate([self._f_train, self._f_test]))
        n = len(self._f_train)
        out = {
            "train_loss": float(keras.ops.mean(self._loss_fn(self.y_train, both[:n]))),
            "test_loss": float(keras.ops.mean(self._loss_fn(self.y_test, both[n:]))),
        }
        if self.task != "regression":
            out["train_accuracy"] = float(
                np.mean(self._classes(both[:n]) == self.y_train)
            )
            out["test_accuracy"] = float(
                np.mean(self._classes(both[n:]) == self.y_test)
            )
        return out

    def _classes(self, outputs: np.ndarray) -> np.ndarray:
        if self.task == "multiclass":
            return outputs.argmax(axis=1)
        return (outputs >= 0.5).astype(int)

    def step(self) -> None:
        """Train one epoch (the web page's "step" button)."""
        self.train(1)

    def _output_of(self, features: np.ndarray) -> np.ndarray:
        # A direct call: no data pipeline (as in predict) and no compiled function
        # per input shape (as in predict_on_batch, which retraces for each size).
        out = keras.ops.convert_to_numpy(self.model(features, training=False))
        return out if self.task == "multiclass" else out[:, 0]

    def losses(self) -> tuple[float, float]:
        """Training and test loss now (data loss, without the regularisation term)."""
        m = self._measure()
        return m["train_loss"], m["test_loss"]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network's output for 2-D points x (n, 2).

        Returns P(class 1) of shape (n,) (binary), class probabilities (n, k)
        (multiclass) or predicted values (n,) (regression).
        """
        return self._output_of(playground_features(x, self._config.features))

    def accuracy(self, split: str = "test") -> float:
        """Share of correctly classified points of the "train" or "test" split."""
        require_choice("split", split, ("train", "test"))
        if self.task == "regression":
            raise ValueError(
                "accuracy is for classification; this playground does regression"
            )
        x, y = (
            (self.x_train, self.y_train)
            if split == "train"
            else (self.x_test, self.y_test)
        )
        return float(np.mean(self._classes(self.predict(x)) == y))

    def confusion_matrix(self, split: str = "test") -> np.ndarray:
        """Counts of (true class, predicted class) pairs of the "train" or "test"
        split: row i, column j counts points of class i predicted as j."""
        require_choice("split", split, ("train", "test"))
        if self.task == "regression":
            raise ValueError("a confusion matrix is for classification")
        x, y = (
            (self.x_train, self.y_train)
            if split == "train"
            else (self.x_test, self.y_test)
        )
        k = self.n_classes
        pred = self._classes(self.predict(x))
        return np.bincount(y * k + pred, minlength=k * k).reshape(k, k)

    @property
    def diverged(self) -> bool:
        """True once the loss is no longer a finite number (learning rate too high)."""
        return not np.isfinite(self.history["train_loss"][-1])

    def outputs_on_grid(self, resolution: int = 80) -> np.ndarray:
        """The network's output at the points of :meth:`grid` (as :meth:`predict`)."""
        return self.predict(self.grid(resolution))

    def grid(self, resolution: int = 80) -> np.ndarray:
        """Points of an r × r grid over the plot area, shape (r*r, 2)."""
        resolution = require_int("resolution", resolution, 2, 1000)
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
        return [np.asarray(layer.kernel) for layer in self._dense]

    def biases(self) -> list[np.ndarray]:
        """The biases of every layer, first hidden layer to output."""
        return [np.asarray(layer.bias) for layer in self._dense]

    def keras_code(self, epochs: int | None = None) -> str:
        """Keras code of this network, trained ``epochs`` epochs.

        Default: the epochs trained so far, but at least 100.
        """
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
