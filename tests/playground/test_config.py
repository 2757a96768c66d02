"""Tests of course.playground.config: validation and the settings string."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course import playground as pgm
from course.playground import (
    PlaygroundConfig,
)

SMALL = {"n_points": 100}  # small data sets keep the tests fast


# -- configuration and settings string --------------------------------------


def test_default_config_is_the_issues_default_network():
    c = PlaygroundConfig()
    assert c.hidden_layers == (4, 4) and c.n_points == 500 and c.dataset == "circle"
    assert c.task == "binary"


def test_config_normalises_lists_and_numpy_numbers():
    c = PlaygroundConfig(
        hidden_layers=[3, np.int64(2)], features=["x1"], noise=np.float32(0.25)
    )
    assert c.hidden_layers == (3, 2) and type(c.hidden_layers[1]) is int
    assert c.features == ("x1",) and c.noise == 0.25


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"dataset": "moons"}, ValueError, "unknown dataset 'moons'"),
        ({"hidden_layers": (4,) * 7}, ValueError, "0 to 6 layers; got 7"),
        ({"hidden_layers": (4, 9)}, ValueError, "hidden layer 2 .* from 1 to 8; got 9"),
        ({"hidden_layers": (0,)}, ValueError, "hidden layer 1 .* from 1 to 8; got 0"),
        ({"hidden_layers": "4,4"}, TypeError, "tuple of neuron counts"),
        ({"hidden_layers": (4.0,)}, TypeError, "must be an integer"),
        ({"activation": "softmax"}, ValueError, "unknown activation 'softmax'"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be from"),
        ({"regularization": "l3"}, ValueError, "unknown regularization"),
        ({"regularization_rate": -1.0}, ValueError, "regularization_rate must be"),
        ({"batch_size": 0}, ValueError, "batch_size must be from 1"),
        ({"optimizer": "rmsprop"}, ValueError, "unknown optimizer"),
        ({"train_fraction": 0.95}, ValueError, "train_fraction must be from 0.1"),
        ({"show_test_data": "yes"}, TypeError, "show_test_data must be True or False"),
        ({"n_points": True}, TypeError, "n_points must be an integer"),
    ],
)
def test_bad_config_values_raise_clear_errors(changes, error, match):
    with pytest.raises(error, match=match):
        PlaygroundConfig(**changes)


ROUND_TRIP_CONFIGS = [
    PlaygroundConfig(),
    PlaygroundConfig(
        dataset="spiral3",
        noise=0.35,
        train_fraction=0.8,
        n_points=321,
        seed=17,
        features=("sin(x2)", "x1*x2", "x1^2"),
        hidden_layers=(),
        activation="relu",
        learning_rate=0.003,
        regularization="l1",
        regularization_rate=0.001,
        batch_size=1,
        optimizer="adam",
        show_test_data=True,
        discretize=True,
    ),
    PlaygroundConfig(
        dataset="bump", hidden_layers=(8, 1, 8, 1, 8, 1), learning_rate=1e-5
    ),
]


@pytest.mark.parametrize("config", ROUND_TRIP_CONFIGS)
def test_settings_string_round_trips(config):
    text = config.to_settings()
    assert PlaygroundConfig.from_settings(text) == config
    assert PlaygroundConfig.from_settings("#" + text) == config  # as in a URL


def test_random_configs_round_trip():
    rng = np.random.default_rng(0)
    for _ in range(30):
        config = PlaygroundConfig(
            dataset=str(rng.choice(list(pgm.PLAYGROUND_DATASETS))),
            noise=float(rng.uniform(0, 0.5)),
            features=tuple(
                rng.permutation(pgm.PLAYGROUND_FEATURES)[: rng.integers(1, 8)]
            ),
            hidden_layers=tuple(int(n) for n in rng.integers(1, 9, rng.integers(0, 7))),
            learning_rate=float(rng.choice(pgm.PLAYGROUND_LEARNING_RATES)),
            regularization_rate=float(rng.uniform(0, 10)),
        )
        assert PlaygroundConfig.from_settings(config.to_settings()) == config


def test_settings_string_is_short_and_missing_keys_take_defaults():
    assert len(PlaygroundConfig().to_settings()) < 250
    c = PlaygroundConfig.from_settings("data=xor&layers=2")
    assert c == PlaygroundConfig(dataset="xor", hidden_layers=(2,))
    assert PlaygroundConfig.from_settings("layers=").hidden_layers == ()
    assert PlaygroundConfig.from_settings("") == PlaygroundConfig()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("data=circle&colour=red", "bad settings part 'colour=red'"),
        ("data=circle&noise", "bad settings part 'noise'"),
        ("lr=fast", "bad settings value 'lr=fast'"),
        ("layers=4,x", "bad settings value 'layers=4,x'"),
        ("test=maybe", "bad settings value 'test=maybe'"),
        ("data=xor&data=circle", "'data' appears twice"),
        ("layers=4,4,4,4,4,4,4", "0 to 6 layers; got 7"),
        ("data=moons", "unknown dataset 'moons'"),
    ],
)
def test_bad_settings_strings_raise_value_errors(text, match):
    with pytest.raises(ValueError, match=match):
        PlaygroundConfig.from_settings(text)


def test_settings_must_be_a_string():
    with pytest.raises(TypeError, match="settings must be a string"):
        PlaygroundConfig.from_settings({"data": "xor"})


def test_every_field_carries_its_settings_key_kind_and_check():
    import dataclasses

    from course.playground.config import KINDS

    fields = dataclasses.fields(PlaygroundConfig)
    assert len({f.metadata["key"] for f in fields}) == len(fields)
    assert all(f.metadata["kind"] in KINDS for f in fields)
    assert PlaygroundConfig.fields_of_kind("live") == {"learning_rate", "batch_size"}


def test_settings_string_is_url_safe():
    text = PlaygroundConfig(features=("x1^2", "x1*x2")).to_settings()
    assert "^" not in text and "*" not in text
    assert PlaygroundConfig.from_settings(text).features == ("x1^2", "x1*x2")


def test_settings_and_data_need_no_keras():
    import subprocess
    import sys

    code = (
        "import sys; from course import playground as p; "
        "p.PlaygroundConfig.from_settings('data=xor'); "
        "p.make_playground_data('circle', 20); "
        "assert 'keras' not in sys.modules, 'keras imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
