"""Tests of course.playground.widget: the controls and actions, without a display."""

import asyncio
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course import playground as pgm
from course.playground import (
    Playground,
)

SMALL = {"n_points": 100}  # small data sets keep the tests fast


# -- the widget (no display needed) ----------------------------------------------


def test_widget_controls_show_and_change_the_configuration(widget):
    pg = widget.playground
    assert widget.n_layers.value == 2 and widget.features["x1"].value
    assert widget.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    widget.activation.value = "relu"
    assert pg.config.activation == "relu"
    widget.n_layers.value = 3
    assert pg.config.hidden_layers == (4, 4, 4)
    assert [s.layout.visibility for s in widget.neurons[:4]] == ["visible"] * 3 + [
        "hidden"
    ]
    widget.neurons[2].value = 7
    widget.features["x1*x2"].value = True
    widget.noise.value = 20
    assert pg.config.hidden_layers == (4, 4, 7) and pg.config.noise == 0.2
    assert pg.config.features == ("x1", "x2", "x1*x2")
    assert widget.settings.value == pg.settings


def test_widget_shows_errors_instead_of_raising(widget):
    widget.features["x1"].value = False
    widget.features["x2"].value = False  # no feature left
    assert "❌" in widget.status.value and "features" in widget.status.value
    assert widget.features["x2"].value  # the control shows the valid setting again
    widget.settings.value = "layers=9"
    assert "❌" in widget.status.value and widget.playground.config.hidden_layers == (
        4,
        4,
    )
    widget.settings.value = "data=xor&layers=2,2&lr=0.3"
    assert widget.playground.config.dataset == "xor" and widget.dataset.value == "xor"
    assert widget.n_layers.value == 2 and widget.learning_rate.value == 0.3
    assert "❌" not in widget.status.value


def test_widget_buttons_step_reset_new_sample_and_code(widget, capsys):
    image = widget.image.value
    widget.step_button.click()
    assert widget.playground.epoch == 1 and widget.image.value != image
    assert "Epoch 000001" in widget.status.value
    widget.reset_button.click()
    assert widget.playground.epoch == 0
    widget.new_sample_button.click()
    assert widget.playground.config.seed == 1 and widget.seed.value == 1
    widget.show_code()  # without a kernel the Output widget passes print through
    assert "keras.Sequential(" in capsys.readouterr().out


def test_play_frames_grow_the_epochs_per_frame_at_most_twofold(widget):
    widget.frame_seconds = 10.0
    for expected in (2, 4, 8):
        widget.play_frame()
        assert widget.epochs_per_frame == expected
    assert widget.playground.epoch == 1 + 2 + 4
    assert widget.epochs_per_second > 0 and widget.frames_per_second > 0


def test_epochs_per_frame_follow_the_fitted_overhead_and_cost_per_epoch(widget):
    # fit costs 0.1 s plus 0.007 s per epoch; drawing takes 0.05 s
    widget.frame_seconds = 0.2  # leaves 0.15 s for training: 0.05 s for epochs
    assert widget._next_epochs_per_frame(1, 0.107, 0.05) == 2  # explore a 2nd size
    assert widget._next_epochs_per_frame(2, 0.114, 0.05) == 4  # wants 7, 2x at most
    assert widget._next_epochs_per_frame(4, 0.128, 0.05) == 7  # 0.05 / 0.007
    widget.frame_seconds = 0.35  # (0.35 - 0.05 - 0.1) / 0.007 = 28.6
    assert widget._next_epochs_per_frame(7, 0.149, 0.05) == 14
    assert widget._next_epochs_per_frame(14, 0.198, 0.05) == 28
    widget.frame_seconds = 0.01  # too short: train 1.5 × the overhead, 7 epochs
    assert widget._next_epochs_per_frame(28, 0.296, 0.05) == 7


def test_play_runs_in_the_event_loop_until_paused(widget):
    async def play_briefly():
        widget.play_button.value = True
        assert widget.play_button.description == "Pause"
        await asyncio.sleep(0.3)
        widget.play_button.value = False
        await widget._task

    asyncio.run(play_briefly())
    assert widget.playground.epoch >= 1 and widget.play_button.description == "Play"
    assert math.isfinite(widget.epochs_per_second)


def test_play_without_an_event_loop_explains_instead_of_raising(widget):
    widget.play_button.value = True
    assert widget.play_button.value is False and "event loop" in widget.status.value


def test_widget_for_own_data_and_bad_arguments():
    x = np.random.default_rng(0).normal(size=(30, 2))
    w = pgm.PlaygroundWidget(Playground(x=x, y=(x[:, 1] > 0).astype(int)), resolution=8)
    assert w.dataset.disabled and w.dataset.value == "own"
    with pytest.raises(TypeError, match="must be a Playground"):
        pgm.PlaygroundWidget("circle")
    with pytest.raises(ValueError, match="frame_seconds"):
        pgm.PlaygroundWidget(frame_seconds=0)


def test_the_controls_table_covers_every_setting_but_points_and_split(widget):
    import dataclasses

    from course.playground import PlaygroundConfig
    from course.playground.widget import CONTROLS

    names = [f.name for f in dataclasses.fields(PlaygroundConfig)]
    assert [n for n in names if n not in CONTROLS] == ["n_points", "split_seed"]
    expected = dataclasses.asdict(widget.playground.config)
    del expected["n_points"], expected["split_seed"]
    assert widget._config_from_controls() == expected


def test_reinitialise_button_draws_new_weights_and_redraws(widget):
    image, x = widget.image.value, widget.playground.x_train.copy()
    widget.reinit_button.click()
    assert widget.playground.config.init_seed == 1 and widget.init_seed.value == 1
    np.testing.assert_array_equal(widget.playground.x_train, x)
    assert widget.image.value != image


def test_enlarge_neuron_draws_the_chosen_neuron_and_follows_the_network(widget):
    assert widget.neuron_choice.value is None
    assert widget.neuron_image.layout.display == "none"
    widget.neuron_choice.value = (1, 2)  # hidden layer 1, third neuron
    assert widget.neuron_image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert widget.neuron_image.layout.display == ""
    widget.n_layers.value = 1  # the choice still exists: kept
    assert widget.neuron_choice.value == (1, 2)
    widget.neurons[0].value = 2  # it does not: back to none
    assert widget.neuron_choice.value is None
    values = [v for _, v in widget.neuron_choice.options]
    assert values == [None, (1, 0), (1, 1), (2, 0)]
