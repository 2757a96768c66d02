"""The playground's user interface: ipywidgets controls around a live figure.

ipywidgets is imported only when a widget is built.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import math
import time

import numpy as np

from ._validate import require_int, require_number
from .choices import (
    _OWN,
    PLAYGROUND_ACTIVATIONS,
    PLAYGROUND_DATASETS,
    PLAYGROUND_FEATURES,
    PLAYGROUND_LEARNING_RATES,
    PLAYGROUND_MAX_HIDDEN_LAYERS,
    PLAYGROUND_MAX_NEURONS,
    PLAYGROUND_OPTIMIZERS,
    PLAYGROUND_REGULARIZATION_RATES,
    PLAYGROUND_REGULARIZATIONS,
)
from .config import PlaygroundConfig
from .figure import _playground_axes, plot_playground
from .model import Playground

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
        self.frame_seconds = require_number("frame_seconds", frame_seconds, 0.01, 10)
        self.resolution = require_int("resolution", resolution, 2, 400)
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
