"""The playground's user interface: ipywidgets controls around a live figure.

ipywidgets is imported only when a widget is built.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ._validate import require_int, require_number
from .choices import (
    _OWN,
    FEATURES,
    PLAYGROUND_ACTIVATIONS,
    PLAYGROUND_DATASETS,
    PLAYGROUND_DROPOUT_RATES,
    PLAYGROUND_FEATURES,
    PLAYGROUND_LEARNING_RATES,
    PLAYGROUND_MAX_HIDDEN_LAYERS,
    PLAYGROUND_MAX_NEURONS,
    PLAYGROUND_OPTIMIZERS,
    PLAYGROUND_REGULARIZATION_RATES,
    PLAYGROUND_REGULARIZATIONS,
)
from .config import PlaygroundConfig
from .figure import _playground_axes, plot_playground, plot_playground_neuron
from .model import Playground

# --------------------------------------------------------------------------
# The controls, declared once: each config field, its control, its conversions
# --------------------------------------------------------------------------

_SHORT = {"description_width": "initial"}
_WIDTH = "300px"


def _same(value):
    return value


@dataclasses.dataclass(frozen=True)
class _Control:
    """How one configuration field is shown: build the control, convert values.

    ``make(widgets, config)`` returns an object with ``value`` and ``observe``
    (an ipywidget or one of the composites below); ``to_widget`` and
    ``from_widget`` convert between the field's value and the control's.
    """

    make: Callable[[Any, PlaygroundConfig], Any]
    to_widget: Callable[[Any], Any] = _same
    from_widget: Callable[[Any], Any] = _same


class _FeatureToggles:
    """One toggle button per feature; its value is the tuple of chosen names."""

    def __init__(self, w):
        self.buttons = {
            f: w.ToggleButton(
                description=FEATURES[f].button_label, layout=w.Layout(width="72px")
            )
            for f in PLAYGROUND_FEATURES
        }
        buttons = list(self.buttons.values())
        self.box = w.VBox([w.HBox(buttons[:4]), w.HBox(buttons[4:])])

    def __getitem__(self, name: str):
        return self.buttons[name]

    @property
    def value(self) -> tuple[str, ...]:
        return tuple(f for f, b in self.buttons.items() if b.value)

    @value.setter
    def value(self, chosen: tuple[str, ...]) -> None:
        for f, button in self.buttons.items():
            button.value = f in chosen
            button.icon = "check" if button.value else ""  # not colour alone

    def observe(self, handler, names="value") -> None:
        for button in self.buttons.values():
            button.observe(handler, names=names)


class _LayerSliders:
    """A layer-count slider and one neuron-count slider per hidden layer."""

    def __init__(self, w):
        self.n_layers = w.IntSlider(
            min=0,
            max=PLAYGROUND_MAX_HIDDEN_LAYERS,
            description="Hidden layers",
            style=_SHORT,
            layout=w.Layout(width=_WIDTH),
        )
        self.neurons = [  # horizontal, with room for the label and the value
            w.IntSlider(
                min=1,
                max=PLAYGROUND_MAX_NEURONS,
                value=4,
                description=f"Layer {i + 1} neurons",
                style=_SHORT,
                layout=w.Layout(width=_WIDTH),
            )
            for i in range(PLAYGROUND_MAX_HIDDEN_LAYERS)
        ]
        self.box = w.VBox([self.n_layers, *self.neurons])

    @property
    def value(self) -> tuple[int, ...]:
        return tuple(s.value for s in self.neurons[: self.n_layers.value])

    @value.setter
    def value(self, layers: tuple[int, ...]) -> None:
        self.n_layers.value = len(layers)
        for i, slider in enumerate(self.neurons):
            if i < len(layers):
                slider.value = layers[i]
            shown = i < len(layers)
            slider.layout.visibility = "visible" if shown else "hidden"
            slider.layout.display = "" if shown else "none"

    def observe(self, handler, names="value") -> None:
        for slider in [self.n_layers, *self.neurons]:
            slider.observe(handler, names=names)


def _dataset(w, c):
    own = c.dataset == _OWN
    names = [(d, n) for n, (_, d) in PLAYGROUND_DATASETS.items()]
    options = [("your own data", _OWN)] if own else names
    return w.Dropdown(
        options=options,
        description="Data",
        disabled=own,
        layout=w.Layout(width=_WIDTH),
    )


def _slider(description, lo, hi, step=1):
    return lambda w, c: w.IntSlider(
        min=lo,
        max=hi,
        step=step,
        description=description,
        style=_SHORT,
        layout=w.Layout(width=_WIDTH),
    )


def _dropdown(description, options):
    return lambda w, c: w.Dropdown(
        options=options,
        description=description,
        style=_SHORT,
        layout=w.Layout(width=_WIDTH),
    )


def _checkbox(description):
    return lambda w, c: w.Checkbox(description=description, indent=False)


def _seed(description):
    return lambda w, c: w.BoundedIntText(
        min=0,
        max=2**31 - 1,
        description=description,
        style=_SHORT,
        layout=w.Layout(width="150px"),
    )


def _percent(value: float) -> int:
    return round(value * 100)


def _fraction(value: int) -> float:
    return value / 100


#: config field -> its control. One table drives building, observing, reading
#: the configuration from the controls and showing it in them.
CONTROLS: dict[str, _Control] = {
    "dataset": _Control(_dataset),
    "noise": _Control(_slider("Noise %", 0, 50, 5), _percent, _fraction),
    "train_fraction": _Control(_slider("Train %", 10, 90, 10), _percent, _fraction),
    "batch_size": _Control(_slider("Batch size", 1, 30)),
    "seed": _Control(_seed("Data seed")),
    "init_seed": _Control(_seed("Weights seed")),
    "features": _Control(lambda w, c: _FeatureToggles(w)),
    "hidden_layers": _Control(lambda w, c: _LayerSliders(w)),
    "activation": _Control(_dropdown("Activation", PLAYGROUND_ACTIVATIONS)),
    "learning_rate": _Control(_dropdown("Learning rate", PLAYGROUND_LEARNING_RATES)),
    "regularization": _Control(_dropdown("Regularization", PLAYGROUND_REGULARIZATIONS)),
    "regularization_rate": _Control(
        _dropdown("Reg. rate", PLAYGROUND_REGULARIZATION_RATES)
    ),
    "optimizer": _Control(_dropdown("Optimizer", PLAYGROUND_OPTIMIZERS)),
    "dropout": _Control(_dropdown("Dropout", PLAYGROUND_DROPOUT_RATES)),
    "show_test_data": _Control(_checkbox("Show test data")),
    "discretize": _Control(_checkbox("Discretize output")),
}


def _show_value(control, value) -> None:
    """Set a control's value, widening its options or maximum to admit it."""
    options = getattr(control, "options", None)
    if options is not None:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if value not in values:
            control.options = sorted({*options, value})
    if isinstance(getattr(control, "max", None), int) and value > control.max:
        control.max = value
    control.value = value


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
        self._error: str | None = None  # shown in the status line
        self._neuron_figure = None  # made when a neuron is first enlarged
        self.figure = Figure(dpi=72)
        FigureCanvasAgg(self.figure)
        self._axes = _playground_axes(self.figure)
        self._build(widgets)
        self._sync_controls()
        self.render()

    # -- layout -------------------------------------------------------------
    def _build(self, w) -> None:
        """Build every control of ``CONTROLS``, the buttons and the outputs."""
        c = self.playground.config
        self.controls = {name: spec.make(w, c) for name, spec in CONTROLS.items()}
        # the names the notebook, the tests and the browser check use
        self.dataset = self.controls["dataset"]
        self.noise = self.controls["noise"]
        self.train_percent = self.controls["train_fraction"]
        self.batch_size = self.controls["batch_size"]
        self.seed = self.controls["seed"]
        self.features = self.controls["features"]
        self.n_layers = self.controls["hidden_layers"].n_layers
        self.neurons = self.controls["hidden_layers"].neurons
        for name in CONTROLS:
            if not hasattr(self, name):
                setattr(self, name, self.controls[name])
        self.new_sample_button = w.Button(description="New data", icon="refresh")
        self.reinit_button = w.Button(description="Re-initialise", icon="random")
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
        self.neuron_choice = w.Dropdown(
            options=[("none", None)],
            description="Enlarge neuron",
            style=_SHORT,
            layout=w.Layout(width="260px"),
        )
        self.neuron_image = w.Image(format="png", layout=w.Layout(display="none"))
        self.code_output = w.Output()
        self.box = self._layout(w)
        self._connect()

    def _layout(self, w):
        """Arrange the controls as the web page does: data, network, training."""
        ctl = self.controls
        data_box = w.VBox(
            [
                w.HTML("<b>Data</b>"),
                *(ctl[n] for n in ("dataset", "noise", "train_fraction")),
                ctl["batch_size"],
                w.HBox([ctl["seed"], self.new_sample_button]),
                w.HBox([ctl["init_seed"], self.reinit_button]),
            ]
        )
        network_box = w.VBox(
            [
                w.HTML("<b>Features</b>"),
                ctl["features"].box,
                w.HTML("<b>Network</b>"),
                ctl["hidden_layers"].box,
            ]
        )
        training = ("activation", "learning_rate", "regularization")
        train_box = w.VBox(
            [
                w.HTML("<b>Training</b>"),
                *(ctl[n] for n in training),
                ctl["regularization_rate"],
                ctl["optimizer"],
                ctl["dropout"],
            ]
        )
        toolbar = w.HBox(
            [self.reset_button, self.play_button, self.step_button, self.status]
        )
        view = w.HBox(
            [
                ctl["show_test_data"],
                ctl["discretize"],
                self.code_button,
                self.neuron_choice,
            ]
        )
        return w.VBox(
            [
                toolbar,
                w.HBox([data_box, network_box, train_box]),
                self.image,
                view,
                self.neuron_image,
                self.settings,
                self.code_output,
            ]
        )

    def _connect(self) -> None:
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.settings.observe(self._on_settings, names="value")
        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.new_sample_button.on_click(
            lambda _: self._apply(seed=self.playground.config.seed + 1)
        )
        self.reinit_button.on_click(lambda _: self.reinitialise())
        self.code_button.on_click(lambda _: self.show_code())
        self.neuron_choice.observe(lambda _: self.render_neuron(), names="value")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)

    # -- controls <-> configuration ------------------------------------------
    def _config_from_controls(self) -> dict:
        return {
            name: spec.from_widget(self.controls[name].value)
            for name, spec in CONTROLS.items()
        }

    def _sync_controls(self) -> None:
        """Show the playground's configuration in every control."""
        c = self.playground.config
        self._syncing = True
        try:
            for name, spec in CONTROLS.items():
                _show_value(self.controls[name], spec.to_widget(getattr(c, name)))
            self.settings.value = c.to_settings()
            self._sync_neuron_choice()
        finally:
            self._syncing = False

    def _sync_neuron_choice(self) -> None:
        """Offer every hidden and output neuron of the current network."""
        sizes = [
            *self.playground.config.hidden_layers,
            len(self.playground.biases()[-1]),
        ]
        options = [("none", None)] + [
            (
                f"output {unit + 1}"
                if layer == len(sizes)
                else f"layer {layer}, {unit + 1}",
                (layer, unit),
            )
            for layer, n in enumerate(sizes, start=1)
            for unit in range(n)
        ]
        if [o[1] for o in options] != [o[1] for o in self.neuron_choice.options]:
            keep = self.neuron_choice.value
            self.neuron_choice.options = options
            values = [o[1] for o in options]
            self.neuron_choice.value = keep if keep in values else None

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
        """Start the training again from the same initial weights and redraw."""
        self.playground.reset()
        self.render()

    def reinitialise(self) -> None:
        """Draw new initial weights on the same data (the web page's Reset)."""
        self._apply(init_seed=self.playground.config.init_seed + 1)

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
        # shown in the widget: a task has no cell for tracebacks
        except Exception as exc:
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
        self.render_neuron()
        self._update_status()

    def render_neuron(self) -> None:
        """Draw the neuron chosen in "Enlarge neuron" large below the figure."""
        choice = self.neuron_choice.value
        self.neuron_image.layout.display = "none" if choice is None else ""
        if choice is None:
            return
        if self._neuron_figure is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self._neuron_figure = Figure(figsize=(3.6, 3.6), dpi=72)
            FigureCanvasAgg(self._neuron_figure)
        self._neuron_figure.clear()
        ax = self._neuron_figure.add_subplot()
        plot_playground_neuron(self.playground, *choice, ax=ax, resolution=40)
        buffer = io.BytesIO()
        self._neuron_figure.savefig(buffer, format="png")
        self.neuron_image.value = buffer.getvalue()

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
        if self._error:
            text += f" · <span style='color:#C85200'>❌ {self._error}</span>"
        self.status.value = text
